"""The one place that knows how an embedded index sits on disk.

    <index home>/
      CURRENT                    name of the live generation (replaced atomically)
      LOCK                       held (flock) by the one running writer; holds its pid
      encoder/<model>/           ONNX query encoder + tokenizer, exported once by the indexer
      watch.json                 saved searches and their new matches (minsearch.store.watchlist)
      WATCH.LOCK                 held (flock) while watch.json is read and replaced
      generations/gen-000007/    one complete, immutable generation:
          whoosh/                  keyword index
          vectors.npy units.npy    embedding matrix and its unit -> chunk map
          unit_keys.npy            what each vector is of (encoder and text), to reuse it later
          sentences.npy sentence_rows.npy sentence_spans.npy sentence_keys.npy
                                   vectors of the sentences excerpts are chosen from (store/sentences.py)
          chunks.npz               per-chunk metadata arrays for filters, and where each record is
          paragraphs.bin           paragraph records (text, title, numbers, source), zlib blocks
          docs.json                what was indexed from which source, with content hashes
          meta.json                format, model, dimension, counts, facets, time
      generations/gen-000008.tmp a generation being written (never read; removed if abandoned)

A reader reads CURRENT, then only that generation's folder, so it sees the old index or the new
one, never a mix. A writer builds a ``.tmp`` folder, fsyncs it, renames it, then swaps CURRENT.
The files of ``whoosh/`` are hard links to the previous generation's where they are the same
(Whoosh never changes a file it has written; ``embedded.link_tree``): a generation is still
never changed once published, and removing one removes only its own links.
"""

from __future__ import annotations

import errno
import fcntl
import json
import math
import os
import pickle
import re
import shutil
import time
import zipfile
from pathlib import Path
from typing import Optional

from ..model import IndexUnavailable, MinsearchError, os_error_text

# 2: chunks carry a kind (substance / procedure / heading) and wording fingerprints; Whoosh
#    stores "kind" and indexes "820.00" also as "820". An older generation is not read; the
#    next `minsearch index` rebuilds it.
# 3: chunks carry the source's own numbers and page (item_ref, para_ref, page; see Chunk).
# 4: the chunk table stores each chunk id after its doc id only ("#p12"), not whole at the width of
#    the longest id; a generation's Whoosh files are hard links to the previous one's.
# 5: paragraphs' records (text, title, numbers, source) in paragraphs.bin, compressed a block of a
#    document's paragraphs at a time; Whoosh stores nothing (a key column names each paragraph's
#    row of chunks.npz, which gains key, block, slot and section).
# 6: word positions in the keyword index written compactly (store/postings.py): Whoosh 81.7 ->
#    31.5 MB on Limerick. The vectors of the format-5 index are reused (unit keys).
# 7: the vectors of the sentences an excerpt is chosen from (store/sentences.py), so a meaning-mode
#    page does not encode them. The format-6 index's paragraph vectors are reused; only the
#    sentences of paragraphs of several sentences are embedded (Limerick: 52k short texts).
# 8: the chunk table holds each paragraph's agenda item number (ranking keeps the paragraphs of
#    the item that names an exact query's name or code). The format-7 index's vectors are reused.
# 9: the chunk table holds each paragraph's item number as the source prints it ("minute 298"), so
#    a search for the number, or a pasted citation, finds the minute. The format-8 index's vectors
#    are reused.
FORMAT_VERSION = 9
_GEN = re.compile(r"^gen-(\d{6})$")
# What reading a damaged or cut-short index file raises (NumPy, zip, JSON, Whoosh's pickles).
DAMAGE = (OSError, ValueError, EOFError, KeyError, IndexError, TypeError, zipfile.BadZipFile, pickle.UnpicklingError)


def check_folder(home: Path) -> None:
    """An --index that exists must be a folder."""
    if home.exists() and not home.is_dir():
        raise MinsearchError(f"{home}: {{index}} must be a folder, and this is not a folder", mentions=("index",))


def damaged(path: Path, e: BaseException) -> IndexUnavailable:
    """The one-line error for an index file that cannot be read: which file, and what to do."""
    reason = (e.strerror if isinstance(e, OSError) and e.strerror else str(e)) or e.__class__.__name__
    reason = " ".join(reason.split())[:120]
    return IndexUnavailable(
        f"{path}: damaged or incomplete index file ({e.__class__.__name__}: {reason}); "
        f"rebuild the index: run `minsearch index` on your folders into a new --index folder"
    )


class IndexLayout:
    def __init__(self, home: Path) -> None:
        self.home = Path(home)

    # -- paths -------------------------------------------------------------------------------
    @property
    def current_file(self) -> Path:
        return self.home / "CURRENT"

    @property
    def lock_file(self) -> Path:
        return self.home / "LOCK"

    @property
    def generations(self) -> Path:
        return self.home / "generations"

    @property
    def watch_file(self) -> Path:
        return self.home / "watch.json"

    @property
    def watch_lock(self) -> Path:
        return self.home / "WATCH.LOCK"

    def encoder_dir(self, model: str) -> Path:
        return self.home / "encoder" / model

    def probe_vectors(self, model: str, key: str) -> Path:
        """The off-topic probe queries' vectors by ``model`` (minsearch.searching.calibration),
        written by an index run and read by searches; ``key`` names the probes' text."""
        return self.encoder_dir(model) / f"probes-{key}.npy"

    def generation_dir(self, name: str) -> Path:
        return self.generations / name

    def check_home(self) -> None:
        check_folder(self.home)

    # -- the live pointer ----------------------------------------------------------------------
    def current(self) -> Optional[str]:
        try:
            name = self.current_file.read_text().strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, UnicodeDecodeError) as e:
            raise damaged(self.current_file, e) from e
        return name if _GEN.match(name) else None

    def current_stamp(self) -> Optional[tuple[int, int]]:
        """Cheap change detector for readers (inode, mtime): one stat per request."""
        try:
            st = self.current_file.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return (st.st_ino, st.st_mtime_ns)

    def require_current(self) -> str:
        self.check_home()
        name = self.current()
        if name is None:
            # (Hidden files are not an index's, nor a stranger's: the repository's own index/
            # holds a .gitkeep, and a new user's first query there was told "not a minsearch index".)
            foreign = self.home.is_dir() and any(not p.name.startswith(".") for p in self.home.iterdir())
            if foreign and not (self.home / "generations").exists():
                raise MinsearchError(f"{self.home}: not a minsearch index (no CURRENT file)")
            raise MinsearchError(
                f"{self.home}: no index here yet; build one with `minsearch index seeds/ --index {self.home}`"
            )
        if not (self.generation_dir(name) / "meta.json").is_file():
            raise MinsearchError(f"{self.home}: live generation {name} is missing or incomplete")
        return name

    def read_meta(self, name: str) -> dict:
        path = self.generation_dir(name) / "meta.json"
        try:
            meta = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise damaged(path, e) from e
        if not isinstance(meta, dict) or not all(k in meta for k in ("model", "dim", "chunks", "generation")):
            raise damaged(path, ValueError("not the metadata of a minsearch generation"))
        if meta.get("format") != FORMAT_VERSION:
            raise MinsearchError(
                f"{path}: index format {meta.get('format')!r} was written by another version of minsearch "
                f"(this one reads {FORMAT_VERSION}); run `minsearch index PATHS --index {self.home}` to rebuild it"
            )
        return meta

    def is_current_format(self, name: str) -> bool:
        """True if generation ``name`` was written in this minsearch's format."""
        try:
            return json.loads((self.generation_dir(name) / "meta.json").read_text()).get("format") == FORMAT_VERSION
        except (OSError, ValueError):
            return False

    def next_generation(self) -> str:
        nums = [int(m.group(1)) for p in self._gens() if (m := _GEN.match(p.name))]
        return f"gen-{(max(nums) + 1 if nums else 1):06d}"

    def _gens(self) -> list[Path]:
        if not self.generations.is_dir():
            return []
        return sorted(p for p in self.generations.iterdir() if p.is_dir())

    def publish(self, tmp_dir: Path, name: str) -> None:
        """Make a fully written generation live: fsync, rename, swap CURRENT atomically."""
        _fsync_tree(tmp_dir)
        final = self.generation_dir(name)
        os.rename(tmp_dir, final)
        _fsync_dir(self.generations)
        tmp_ptr = self.home / f"CURRENT.tmp-{os.getpid()}"
        with open(tmp_ptr, "w") as fh:
            fh.write(name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_ptr, self.current_file)
        _fsync_dir(self.home)

    def clean(self, keep: int = 2) -> list[str]:
        """Remove abandoned ``.tmp`` folders and generations older than the last ``keep``.

        The previous generation is kept so a reader that opened it just before the switch can
        finish its request. Only call while holding the writer lock.
        """
        removed = []
        live = self.current()
        gens = self._gens()
        done = [p for p in gens if _GEN.match(p.name)]
        for p in gens:
            if not _GEN.match(p.name):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
        for p in done[:-keep] if keep else done:
            if p.name != live:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
        for p in self.home.glob("CURRENT.tmp-*"):
            p.unlink(missing_ok=True)
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            fd = os.open(os.path.join(dirpath, f), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


class IndexBusy(MinsearchError):
    """Another writer holds the index."""


class WriterLock:
    """One writer per index home: an flock on a lock file in it (``IndexLayout.lock_file``; the
    Milvus backend locks ``milvus-<collection>.LOCK`` in the index folder).

    The kernel drops an flock when its process dies (even by SIGKILL), so a lock left by a dead
    writer is never in force: the next writer takes it, and only the stale pid text remains.
    """

    def __init__(self, lock_file: Path, wait: float = 0.0) -> None:
        if not math.isfinite(wait) or wait < 0:  # nan compared false with every deadline: it waited forever
            raise MinsearchError(f"must be a finite number of seconds, 0 or more, not {wait}", param="wait")
        self.lock_file = lock_file
        self.home = lock_file.parent
        self.wait = wait
        self._fd: Optional[int] = None

    def __enter__(self) -> "WriterLock":
        check_folder(self.home)
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise MinsearchError(
                f"{self.lock_file}: cannot create the index's lock file ({os_error_text(e)})"
            ) from None
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise IndexBusy(
                        f"{self.home}: another `minsearch index` is writing ({holder}); "
                        f"wait for it or pass --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        try:  # who holds it, for the message of a second writer; a full disk need not stop this one here
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        except OSError:
            pass
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "pid unknown"
