"""Reading sources: files and folders -> Documents, with the format detected by content.

Every problem with one file becomes a :class:`Skipped` with a one-line reason; the run goes on.
Supported formats: plain text (the seed format), HTML, PDF and JSON Lines records.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from ..model import Document, MinsearchError, printable
from .corpora import import_hint
from .metadata import guess_metadata, is_sidecar, normalise_date, sidecar_metadata
from .skip import SkipFile

MAX_FILE_BYTES = 20 * 1024 * 1024  # one minutes file; larger is almost surely not minutes
MAX_JSONL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RECORD_CHARS = 5 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".htm", ".html", ".xhtml", ".pdf", ".jsonl", ".ndjson", ".json", ""}


@dataclass(frozen=True)
class Skipped:
    """A source that was not indexed, and why (one line, for the summary).

    ``deliberate``: left out on purpose (a README beside the minutes), not a problem; ``--strict``
    does not fail on it.
    """

    source: str
    reason: str
    deliberate: bool = False

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class SourceFile:
    path: Path
    root: Path  # the argument it was found under; doc ids are relative to it

    def origin(self) -> tuple[str, str]:
        """(root folder, file), resolved: what tells two files with the same relative path apart."""
        return str(self.root.resolve()), str(self.path.resolve())

    def shown(self) -> str:
        """The file's path under the folder it was indexed from, that folder's name first
        (``seeds/000_87bfe40191ebd6ef.txt``): what is stored as the source, and shown. Never an
        absolute path, so the page does not disclose where the server keeps its files."""
        try:
            rel = self.path.relative_to(self.root)
        except ValueError:
            rel = Path(self.path.name)
        name = self.root.resolve().name
        return printable(f"{name}/{rel.as_posix()}" if name else rel.as_posix())


# Files a folder of minutes often holds that are about the folder, not a meeting: the name
# (without one extension), any case. "notes.md" but not "notes-of-meeting-2021.txt" (a UK name
# for minutes).
_NOT_MINUTES = re.compile(
    r"(?i)(readme|source|license|licence|copying|changelog|contributing|authors|notes|todo)(\.[^.]*)?"
)


def not_minutes(path: Path) -> Optional[str]:
    """Why a file found while walking a folder is left out, or None. A file named on the command
    line is always read: naming it says it is minutes."""
    m = _NOT_MINUTES.fullmatch(path.name)
    if m is None:
        return None
    return f"{m.group(1).upper()} file, not minutes (name it on the command line to index it)"


def check_paths(paths: Iterable[Union[str, Path]]) -> None:
    """A path that does not exist is a typo, not an empty corpus: raise before anything is read."""
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            raise MinsearchError(f"{p}: no such file or folder")


def iter_source_files(
    paths: Iterable[Union[str, Path]], follow_symlinks: bool = False
) -> Iterator[Union[SourceFile, Skipped]]:
    """Files under ``paths`` in a stable order; folders are walked, and what is not read is reported.

    Symbolic links are followed when they point within the folders (or files) given, or anywhere
    with ``follow_symlinks``; named pipes, devices and sockets are never opened.
    """
    given = [Path(raw) for raw in paths]
    roots = [_resolved(p) for p in given if p.exists()]
    for p in given:
        if not p.exists() and not p.is_symlink():
            yield Skipped(str(p), "no such file or folder")
            continue
        try:
            st = p.stat()
        except OSError as e:
            yield Skipped(str(p), _link_problem(e) if p.is_symlink() else f"cannot read ({e.strerror})")
            continue
        if stat.S_ISDIR(st.st_mode):
            seen: set[tuple[int, int]] = set()
            yield from _walk(p, p, seen, roots, follow_symlinks)
        elif stat.S_ISREG(st.st_mode):
            yield SourceFile(p, p.parent)
        else:
            yield Skipped(str(p), f"{_special_kind(st.st_mode)}, not a file or folder")


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError):
        return p.absolute()


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _link_problem(e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "symbolic link loop (it points back to itself)"
    if e.errno in (errno.ENOENT, errno.ENOTDIR):
        return "broken symbolic link"
    return f"symbolic link that cannot be followed ({e.strerror})"


def _walk(
    folder: Path, root: Path, seen: set, roots: list[Path], follow_symlinks: bool
) -> Iterator[Union[SourceFile, Skipped]]:
    """Depth first, in name order, with a stack of its own: folders nested 1,000 deep made the
    recursive walk raise RecursionError and abort the whole run."""
    stack: list[Iterator[Union[SourceFile, Skipped, Path]]] = [
        _folder_entries(folder, seen, roots, follow_symlinks, root)
    ]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, Path):
            stack.append(_folder_entries(item, seen, roots, follow_symlinks, root))
        else:
            yield item


def _folder_entries(
    folder: Path, seen: set, roots: list[Path], follow_symlinks: bool, root: Path
) -> Iterator[Union[SourceFile, Skipped, Path]]:
    """What one folder holds: files to read, things skipped, and sub-folders (as Paths) to walk."""
    try:
        st = folder.stat()
    except OSError as e:
        yield Skipped(str(folder), f"cannot read folder ({e.strerror})")
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        yield Skipped(str(folder), "symbolic link loop (folder already visited)")
        return
    seen.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as e:
        yield Skipped(str(folder), f"cannot list folder ({e.strerror})")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_symlink():
                try:
                    target_st = os.stat(entry.path)
                except OSError as e:
                    yield Skipped(str(path), _link_problem(e))
                    continue
                target = _resolved(path)
                if not (stat.S_ISDIR(target_st.st_mode) or stat.S_ISREG(target_st.st_mode)):
                    kind = _special_kind(target_st.st_mode)
                    yield Skipped(str(path), f"symbolic link to {kind} ({target}), not a file")
                    continue
                if not follow_symlinks and not any(target == r or target.is_relative_to(r) for r in roots):
                    # A link to /etc/passwd (or a file only root may read) must not be indexed and served.
                    yield Skipped(
                        str(path),
                        f"symbolic link to {target}, outside the folders being indexed "
                        f"(pass --follow-symlinks to index it)",
                    )
                    continue
                if stat.S_ISDIR(target_st.st_mode):
                    yield path
                elif not is_sidecar(path):
                    yield _found_file(path, root)
            elif entry.is_dir(follow_symlinks=False):
                yield path
            elif entry.is_file(follow_symlinks=False):
                if not is_sidecar(path):
                    yield _found_file(path, root)
            else:
                yield Skipped(str(path), f"{_special_kind(entry.stat(follow_symlinks=False).st_mode)}, not a file")
        except OSError as e:
            yield Skipped(str(path), f"cannot read ({e.strerror or e})")


def _found_file(path: Path, root: Path) -> Union[SourceFile, Skipped]:
    """A file met while walking a folder: to read, or left out because it is not minutes."""
    reason = not_minutes(path)
    return Skipped(str(path), reason, deliberate=True) if reason else SourceFile(path, root)


def detect_format(head: bytes, path: Path) -> str:
    """``pdf``, ``html``, ``jsonl``, ``text``, ``gzip`` or ``binary``, from the first bytes (the
    name only breaks ties)."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"  # a compressed feed or corpus (.jsonl.gz): said as such, not as "binary"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 with a byte-order mark (decode_text reads it)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    sample = head[:8192]
    if b"\x00" in sample:
        return "binary"
    if sample:
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
        if controls / len(sample) > 0.05:
            return "binary"
    stripped = sample.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml")) or re.search(
        rb"<(html|body|div|p|table|h1|h2|head)[\s>]", stripped[:4096]
    ):
        if stripped.startswith(b"<") or path.suffix.lower() in (".htm", ".html", ".xhtml"):
            return "html"
    if stripped.startswith(b"{"):
        first = sample.lstrip().split(b"\n", 1)[0]
        try:
            if isinstance(json.loads(first.decode("utf-8")), dict):
                return "jsonl"
        except (UnicodeDecodeError, json.JSONDecodeError):
            if path.suffix.lower() in (".jsonl", ".ndjson"):
                return "jsonl"
    return "text"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1: the encodings minutes come in."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def doc_id_for(path: Path, root: Path) -> str:
    """A stable id: the path under the indexed folder, without extension, with ``/`` separators."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    stem = rel.with_suffix("") if rel.suffix.lower() in TEXT_SUFFIXES else rel
    return re.sub(r"[^\w.\-/]+", "_", stem.as_posix()).strip("_") or "doc"


def read_source(src: SourceFile, manifest_cache: dict | None = None) -> list[Document]:
    """All Documents in one file (a JSONL file holds many). Raises SkipFile with the reason, and
    for a file of a shared corpus, with the ``minsearch import`` command that reads it."""
    try:
        return _read_source(src, manifest_cache)
    except SkipFile as e:
        hint = import_hint(src.path)
        if hint is None:
            raise
        raise SkipFile(f"{e}; {hint}") from e


def _read_source(src: SourceFile, manifest_cache: dict | None) -> list[Document]:
    path = src.path
    try:
        st = path.stat()
    except OSError as e:
        raise SkipFile(f"cannot read ({e.strerror})") from e
    if not stat.S_ISREG(st.st_mode):  # opening a named pipe would wait forever
        raise SkipFile(f"{_special_kind(st.st_mode)}, not a file")
    size = st.st_size
    if size == 0:
        raise SkipFile("empty file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError as e:
        raise SkipFile(f"cannot read ({e.strerror})") from e
    fmt = detect_format(head, path)
    if fmt == "binary":
        raise SkipFile("binary file, not minutes text")
    if fmt == "gzip":  # (a shared corpus's file: read_source adds the `minsearch import` to run instead)
        raise SkipFile(
            "gzip-compressed"
            + (
                ""
                if import_hint(path)
                else ": minsearch reads JSON Lines (.jsonl), not .jsonl.gz; decompress it first (gunzip -k)"
            )
        )
    limit = MAX_JSONL_BYTES if fmt == "jsonl" else MAX_FILE_BYTES
    if size > limit:
        raise SkipFile(f"too large ({size / 2**20:.1f} MiB; the limit for {fmt} is {limit / 2**20:.0f} MiB)")
    try:
        meta = sidecar_metadata(path, manifest_cache)
    except MinsearchError as e:
        raise SkipFile(str(e).split(": ", 1)[-1]) from e
    if meta.get("doc_id") and (problem := id_problem(meta["doc_id"])):
        raise SkipFile(f"manifest doc_id {printable(meta['doc_id'])[:60]!r} {problem}")
    if fmt == "jsonl":
        return list(read_jsonl(path, src))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SkipFile(f"cannot read ({e.strerror})") from e
    if fmt == "pdf":
        from .pdf import pdf_text  # pypdf only when a PDF is met

        text = pdf_text(data)
    elif fmt == "html":
        from .html import html_text

        text = html_text(decode_text(data))
    else:
        text = decode_text(data)
    if not text.strip():
        raise SkipFile("no text")
    # What the manifest does not say is guessed from the file name and the text's own header.
    for key, value in guess_metadata(text, path.name).items():
        meta.setdefault(key, value)
    root, resolved = src.origin()
    doc = Document(
        doc_id=meta.get("doc_id") or doc_id_for(path, src.root),
        source=src.shown(),
        root=root,
        path=resolved,
        id_given=bool(meta.get("doc_id")),
        text=text,
        title=meta.get("title", ""),
        council=meta.get("council", ""),
        committee=meta.get("committee", ""),
        date=meta.get("date", ""),
        url=meta.get("url", ""),
        format=fmt,
    )
    return [doc]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def id_problem(rid: str) -> Optional[str]:
    """Why ``rid`` cannot be a document id, or None. An id is one line of text: it is shown on
    one line, and in links (which the page builds for any id, see minsearch.app.web.doc_href)."""
    if not rid.strip():
        return "is blank"
    if _CONTROL.search(rid):
        return "has control characters (a line break, a tab); an id must be one line"
    if _SURROGATE.search(rid):
        return "has a broken \\u escape"
    return None


def _text(value) -> str:
    """A string field of a record; lone surrogates (a broken ``\\ud800`` escape in the JSON,
    which no encoder or tokenizer accepts) become U+FFFD."""
    return _SURROGATE.sub("\ufffd", str(value))


def read_jsonl(path: Path, src: Optional[SourceFile] = None) -> Iterator[Document]:
    """JSON Lines records ``{"id", "text", "title", "council", "committee", "date", "url"}``.

    A bad line is an error for the whole file (a half-read feed would silently drop minutes).
    """
    src = src or SourceFile(path, path.parent)
    root, resolved = src.origin()
    shown = src.shown()
    seen: set[str] = set()
    try:
        fh = open(path, "rb")
    except OSError as e:
        raise SkipFile(f"cannot read ({e.strerror})") from e
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(decode_text(raw))
            except json.JSONDecodeError as e:
                raise SkipFile(f"line {lineno}: not JSON ({e.msg})") from e
            if not isinstance(rec, dict):
                raise SkipFile(f"line {lineno}: a record must be a JSON object")
            rid, text = rec.get("id"), rec.get("text")
            if rid in (None, "") or not isinstance(text, str):
                raise SkipFile(f"line {lineno}: a record needs \"id\" and a \"text\" string")
            rid = str(rid)
            problem = id_problem(rid)
            if problem:
                raise SkipFile(f"line {lineno}: id {printable(rid)[:60]!r} {problem}")
            text = _text(text)
            if rid in seen:
                raise SkipFile(f"line {lineno}: duplicate id {rid!r}")
            seen.add(rid)
            if len(text) > MAX_RECORD_CHARS or not text.strip():
                continue
            date = normalise_date(_text(rec.get("date") or "")) or ""
            council = _text(rec.get("council") or "")
            committee = _text(rec.get("committee") or "")
            if not (date and council and committee):  # record fields win; the text fills gaps
                guess = guess_metadata(text)
                date = date or guess.get("date", "")
                council = council or guess.get("council", "")
                committee = committee or guess.get("committee", "")
            yield Document(
                doc_id=rid,
                source=f"{shown}#{lineno}",
                text=text,
                title=_text(rec.get("title") or ""),
                council=council,
                committee=committee,
                date=date,
                url=_text(rec.get("url") or ""),
                format="jsonl",
                root=root,
                path=resolved,
                id_given=True,
            )
