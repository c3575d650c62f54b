"""The embedded store: Whoosh + a NumPy matrix, in atomic generations (see :mod:`.layout`)."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Optional

import numpy as np

from ..glossary import Expansion
from ..ingest.kinds import KINDS
from ..model import Chunk, ChunkMeta, Filters, IndexUnavailable, MinsearchError, os_error_text
from . import keyword, lexicon
from .base import (
    NO_FEEDBACK,
    DocRecord,
    DocUpdate,
    Facets,
    IndexInfo,
    KeywordResult,
    Sentences,
    VectorResult,
    facets_of,
)
from .keyword import KeywordIndex
from .layout import DAMAGE, FORMAT_VERSION, IndexLayout, damaged
from .lexicon import Embed, Lexicon
from .paragraphs import ParagraphFile, ParagraphWriter, chunk_of
from .sentences import SentenceIndex, write_sentences
from .vectors import ChunkTable, VectorIndex, find_keys, load_array, write_rows

UNIT_KEYS = "unit_keys.npy"  # what each vector is of (minsearch.encode.unit_keys), for reuse by later runs


class _Generation:
    """One opened, immutable generation: both views and its metadata, always together."""

    def __init__(self, layout: IndexLayout, name: str) -> None:
        self.name = name
        folder = layout.generation_dir(name)
        self.meta = layout.read_meta(name)
        self.folder = folder
        self._documents: Optional[dict[str, DocRecord]] = None  # docs.json, read on first use
        # Opened now, read on first use: a request that holds this generation while two newer ones
        # are published (and this folder removed) still reads its own docs.json through the handle.
        try:
            self._docs_file: Optional[IO[bytes]] = open(folder / "docs.json", "rb")
        except OSError:
            self._docs_file = None  # reported, naming the file, when it is read
        self._documents_lock = threading.Lock()
        self._lexicon: Optional[tuple[Optional[Lexicon]]] = None  # (read once; may be None)
        self.keyword: Optional[KeywordIndex] = None
        self.paragraphs: Optional[ParagraphFile] = None
        try:
            self.vectors = VectorIndex.load(folder)
            if self.vectors.dim != self.meta["dim"] or len(self.vectors.table) != self.meta["chunks"]:
                raise damaged(folder / "vectors.npy", ValueError("the vector matrix does not match meta.json"))
            self.sentences = SentenceIndex.load(folder, self.meta["dim"], len(self.vectors.table))
            self.paragraphs = ParagraphFile(folder / "paragraphs.bin")
            self.keyword = KeywordIndex(folder / "whoosh", self.vectors.table)
        except BaseException:
            self.close()
            raise

    def lexicon(self) -> Optional[Lexicon]:
        """``lexicon.npy`` of this generation, read on first use (None if it has none)."""
        with self._documents_lock:
            if self._lexicon is None:
                self._lexicon = (Lexicon.load(self.folder, self.meta["dim"]),)
            return self._lexicon[0]

    @property
    def words(self) -> KeywordIndex:
        assert self.keyword is not None  # opened in __init__, or it raised
        return self.keyword

    def chunks_at(self, rows: list[int]) -> list[Chunk]:
        """The paragraphs at ``rows`` of the chunk table, read from ``paragraphs.bin``."""
        assert self.paragraphs is not None
        table = self.vectors.table
        records = self.paragraphs.records(table.block[rows], table.slot[rows])
        # Columns read once for all rows: a meeting's page reads hundreds (Limerick's largest, 480).
        ids, docs, dates = table.chunk_ids_at(rows), table.doc_id.at(rows), table.date.at(rows)
        kinds = table.kind[rows].tolist()
        return [chunk_of(rec, c, d, day, KINDS[k]) for rec, c, d, day, k in zip(records, ids, docs, dates, kinds)]

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        wanted = list(dict.fromkeys(chunk_ids))
        found = [(c, r) for c, r in zip(wanted, self.vectors.rows_of(wanted)) if r is not None]
        return {c: chunk for (c, _r), chunk in zip(found, self.chunks_at([r for _c, r in found]))}

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        rows = np.flatnonzero(self.vectors.table.doc_id.equals(doc_id)).tolist()
        return sorted(self.chunks_at(rows), key=lambda c: c.paragraph)

    def documents(self) -> dict[str, DocRecord]:
        """docs.json of this generation, read once (a generation never changes)."""
        with self._documents_lock:  # one read of the shared handle, whichever request asks first
            if self._documents is None:
                self._documents = read_documents(self.folder / "docs.json", self._docs_file)
            return self._documents

    def close(self) -> None:
        self._lexicon = None  # (its memory map is released with the last reference)
        if self.keyword is not None:
            self.keyword.close()
        if self.paragraphs is not None:
            self.paragraphs.close()
        if self._docs_file is not None:
            self._docs_file.close()


def open_keyword(folder: Path) -> KeywordIndex:
    """The keyword view of the generation in ``folder`` alone (for tools and tests that search
    Whoosh directly): its Whoosh index and the chunk table that names its paragraphs."""
    return KeywordIndex(folder / "whoosh", ChunkTable.load(folder / "chunks.npz"))


def link_tree(src: Path, dst: Path) -> None:
    """``dst`` as a copy of the Whoosh folder ``src`` made of hard links (a copy where the file
    system has none), so a new generation does not copy the live one's 165 MB (Limerick).

    Safe because Whoosh never changes a file it has written: a commit writes new segment files and
    a new table of contents (which holds the deletions), under new names, and removes files by
    name (the link in ``dst`` only). Its lock file is not shared: ``dst`` gets its own.
    """
    dst.mkdir()
    for f in src.iterdir():
        if not f.is_file() or f.name.endswith("WRITELOCK"):
            continue
        try:
            os.link(f, dst / f.name)
        except OSError:  # no hard links here (another device, a file system without them)
            shutil.copy2(f, dst / f.name)


def read_documents(path: Path, opened: Optional[IO[bytes]] = None) -> dict[str, DocRecord]:
    """The document records of a generation's docs.json (read from ``opened`` when given, a handle
    on ``path``); damage is a one-line error naming the file."""
    try:
        raw = opened.read() if opened is not None else path.read_bytes()
        data = json.loads(raw)
        return {k: DocRecord(**v) for k, v in data.items()}
    except (*DAMAGE, json.JSONDecodeError, AttributeError, ValueError) as e:
        raise damaged(path, e) from e


class EmbeddedStore:
    """Read side. ``refresh()`` (one stat) picks up a newly published generation.

    A request works on one generation, pinned with :meth:`pinned`, so that a switch by another
    thread in the middle of it cannot mix two generations in one answer. A generation is closed
    when it is no longer live and its last reader is done (reference counting), never under a
    request; nothing waits for a slow request: a switch only swaps which generation new requests
    get, and one thread opens a newly published generation while the others keep reading the
    live one.
    """

    def __init__(self, home: Path, model: Optional[str] = None) -> None:
        self.layout = IndexLayout(home)
        self._expected_model = model
        self._lock = threading.Lock()  # bookkeeping only (live view, reader counts): never held while waiting
        self._opening = threading.Lock()  # held by the one thread opening a newly published generation
        self._stamp = self.layout.current_stamp()
        self._view = _View(self._open(self.layout.require_current()), self.layout)
        self._views: list[_View] = [self._view]  # open: the live one, and retired ones still read
        self._broken: Optional[tuple[object, str]] = None  # (stamp, message) of a generation that failed to open
        self._closed = False

    def _open(self, name: str) -> _Generation:
        gen = _Generation(self.layout, name)
        if self._expected_model and gen.meta["model"] != self._expected_model:
            gen.close()
            raise MinsearchError(
                f"{self.layout.home}: index was built with model {gen.meta['model']!r}, "
                f"not {self._expected_model!r}; re-index or pass --model {gen.meta['model']}"
            )
        return gen

    @property
    def model(self) -> str:
        return self._view.model

    @property
    def generation(self) -> str:
        return self._view.gen.name

    def open_generations(self) -> list[str]:
        """Generations open now: the live one, and retired ones whose readers are not done."""
        with self._lock:
            return [v.gen.name for v in self._views]

    @contextmanager
    def pinned(self) -> Iterator["_View"]:
        """The live view, kept open until the block ends (however many switches happen meanwhile)."""
        with self._lock:
            if self._closed:
                raise IndexUnavailable(f"{self.layout.home}: the index is closed")
            view = self._view
            view.users += 1
        try:
            yield view
        finally:
            with self._lock:
                view.users -= 1
                done = view.users == 0 and (view is not self._view or self._closed) and self._retire(view)
            if done:
                view.gen.close()

    def _retire(self, view: "_View") -> bool:
        """Forget ``view`` (call holding ``_lock``); True if the caller must close it."""
        if view in self._views:
            self._views.remove(view)
            return True
        return False

    def refresh(self) -> bool:
        """Switch to a newly published generation; True if it did.

        Raises :class:`~minsearch.model.IndexUnavailable` when the index was deleted or the new
        generation cannot be opened (every request then fails the same way until it is fixed).
        """
        stamp = self.layout.current_stamp()
        if stamp == self._stamp:
            return False
        if self._broken is not None and self._broken[0] == stamp:
            raise IndexUnavailable(self._broken[1])
        if not self._opening.acquire(blocking=False):
            return False  # another request is opening it; this one reads the live generation
        try:
            stamp = self.layout.current_stamp()
            if stamp == self._stamp:
                return False
            try:
                name = self.layout.require_current()
                if name == self._view.gen.name:  # CURRENT rewritten with the same name
                    self._stamp = stamp
                    return False
                new = _View(self._open(name), self.layout)
            except MinsearchError as e:
                self._broken = (stamp, str(e))
                raise IndexUnavailable(str(e)) from e
            self._broken = None
            with self._lock:
                old, self._view, self._stamp = self._view, new, stamp
                self._views.append(new)
                done = old.users == 0 and self._retire(old)
            if done:
                old.gen.close()
            return True
        finally:
            self._opening.release()

    def close(self) -> None:
        """Close every generation no request is reading; the others close when their last reader is done."""
        with self._lock:
            self._closed = True
            idle = [v for v in self._views if v.users == 0]
            for v in idle:
                self._retire(v)
        for v in idle:
            v.gen.close()


class _View:
    """All reads of one request, against one generation (a :class:`~.base.StoreView`).

    Views are closed by the store that made them, when their last reader is done."""

    def __init__(self, gen: _Generation, layout: IndexLayout) -> None:
        self.gen = gen
        self.layout = layout
        self.users = 0  # requests reading it now (guarded by EmbeddedStore._lock)

    @property
    def model(self) -> str:
        return self.gen.meta["model"]

    @property
    def generation(self) -> str:
        return self.gen.name

    def keyword_search(
        self,
        text: str,
        filters: Filters,
        limit: int,
        strict: bool = True,
        min_coverage: float = 0.0,
        expansions: tuple[Expansion, ...] = (),
        match_words: int = 0,
    ) -> KeywordResult:
        return self.gen.words.search(
            text,
            filters,
            limit,
            strict=strict,
            min_coverage=min_coverage,
            expansions=expansions,
            match_words=match_words,
        )

    def vector_search(
        self,
        vector: np.ndarray,
        filters: Filters,
        limit: int,
        floor: Optional[float] = None,
        feedback: tuple[float, int] = NO_FEEDBACK,
    ) -> VectorResult:
        return self.gen.vectors.search(vector, filters, limit, floor, feedback)

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        return self.gen.chunks(chunk_ids)

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        return self.gen.document_chunks(doc_id)

    def chunk_vector(self, chunk_id: str) -> Optional[np.ndarray]:
        return self.gen.vectors.chunk_vector(chunk_id)

    def numbered(self, refs: list[str], filters: Filters, limit: int) -> list[str]:
        return self.gen.vectors.numbered(refs, filters, limit)

    def sentence_vectors(self, chunk_ids: Iterable[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        wanted = list(dict.fromkeys(chunk_ids))
        rows = {r: c for c, r in zip(wanted, self.gen.vectors.rows_of(wanted)) if r is not None}
        return {rows[r]: found for r, found in self.gen.sentences.of_rows(rows).items()}

    def best_cosines(self, vectors: np.ndarray) -> np.ndarray:
        return self.gen.vectors.best_cosines(vectors)

    def vector_scores(self, vector: np.ndarray, chunk_ids: Iterable[str]) -> dict[str, float]:
        return self.gen.vectors.scores_of(vector, chunk_ids)

    def chunk_meta(self, chunk_ids: Iterable[str]) -> dict[str, ChunkMeta]:
        return self.gen.vectors.chunk_meta(chunk_ids)

    def facets(self) -> Facets:
        f = self.gen.meta.get("facets", {})
        return Facets(
            councils=f.get("councils", {}),
            committees=f.get("committees", {}),
            date_min=f.get("date_min", ""),
            date_max=f.get("date_max", ""),
        )

    def documents(self) -> dict[str, DocRecord]:
        return self.gen.documents()

    def corrections(
        self, words: list[str], limit: int = 3, leave: Optional[Callable[[str], bool]] = None
    ) -> Optional[dict[str, list[str]]]:
        return self.gen.words.corrections(words, limit, leave)

    def lexicon(self) -> Optional[Lexicon]:
        return self.gen.lexicon()

    def info(self) -> IndexInfo:
        return index_info(self.layout, self.layout.generation_dir(self.gen.name), self.gen.meta)


def index_info(layout: IndexLayout, folder: Path, meta: dict) -> IndexInfo:
    """Counts, model and size on disk of one generation folder."""
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return IndexInfo(
        backend="embedded",
        location=str(layout.home),
        generation=meta["generation"],
        documents=meta["documents"],
        chunks=meta["chunks"],
        model=meta["model"],
        dim=meta["dim"],
        size_bytes=size,
        last_indexed=meta["created"],
    )


class EmbeddedWriter:
    """Write side. Call only while holding :class:`~.layout.WriterLock`."""

    keeps_sentences = True

    def __init__(self, home: Path, model: str, dim: int) -> None:
        self.layout = IndexLayout(home)
        self.model = model
        self.dim = dim
        self.layout.home.mkdir(parents=True, exist_ok=True)
        self.layout.clean()  # leftovers of a run that was killed
        self.live = self.layout.current() or ""  # "" before the first commit
        # A generation in an older format is not extended: every document is indexed afresh
        # (its chunks would lack what this version stores) into the next generation.
        self._base = self.live if self.live and self.layout.is_current_format(self.live) else None
        self._meta = self.layout.read_meta(self._base) if self._base else None
        # The live generation's vectors, read once: here, so that a damaged live index is a one-line
        # error now, not after the embedding, and again by the commit that extends it.
        self._live_vectors: Optional[VectorIndex] = None
        self._reuse: Optional[tuple[np.ndarray, np.ndarray]] = None  # see _reusable()
        self._live_sentences: Optional[SentenceIndex] = None  # see _sentences()
        if self._base:
            gen = _Generation(self.layout, self._base)
            gen.close()
            self._live_vectors = gen.vectors
            self._live_sentences = gen.sentences
        if self._meta and self._meta["model"] != model:
            raise MinsearchError(
                f"{home}: index was built with model {self._meta['model']!r}, not {model!r}; "
                f"use a new --index folder to change model"
            )

    def close(self) -> None:
        """Nothing to release: the writer lock is held, and released, by its caller."""

    def _live(self) -> Optional[VectorIndex]:
        if not self._base:
            return None
        if self._live_vectors is None:
            self._live_vectors = VectorIndex.load(self.layout.generation_dir(self._base))
        return self._live_vectors

    def _reusable(self) -> tuple[np.ndarray, np.ndarray]:
        """(unit keys, vectors) of the live generation, row-aligned: the vectors later texts may
        reuse. Also from a generation in an older format, whose documents are all indexed again
        (format 5 -> 6 changed only the keyword index: Limerick's 97k paragraphs are not embedded
        again, ~20 minutes). Empty when it has no keys (written before they were kept), another
        model, or keys and vectors that do not line up."""
        if self._reuse is not None:
            return self._reuse
        none = (np.zeros(0, dtype=np.uint64), np.zeros((0, self.dim), dtype=np.float32))
        self._reuse = none
        if not self.live:
            return none
        folder = self.layout.generation_dir(self.live)
        if not (folder / UNIT_KEYS).is_file():
            return none
        try:
            live = self._live()
            if live is not None:  # a current-format generation, already read
                vectors = live.vectors
            elif self._older_live() is None:
                return none
            else:
                vectors = load_array(folder / "vectors.npy", mmap=True)
            keys = load_array(folder / UNIT_KEYS)
        except (IndexUnavailable, *DAMAGE):  # damaged: the keys only save embedding again, so embed again
            return none
        if vectors.ndim == 2 and vectors.shape[1] == self.dim and len(keys) == len(vectors):
            self._reuse = (keys, vectors)
        return self._reuse

    def _sentences(self) -> SentenceIndex:
        """The live generation's sentences (:mod:`.sentences`): kept for its unchanged chunks, and
        reused by key like its vectors (also from an older format that has them). Empty when it has
        none, or when they cannot be read for reuse (they are then embedded again)."""
        if self._live_sentences is None:
            self._live_sentences = SentenceIndex.empty(self.dim)
            live = self._live()
            if live is not None:  # the generation this run extends: damage is an error, as for its vectors
                assert self._base is not None
                folder = self.layout.generation_dir(self._base)
                self._live_sentences = SentenceIndex.load(folder, self.dim, len(live.table))
            elif self.live:
                try:
                    older = self._older_live()
                    if older is not None:
                        self._live_sentences = SentenceIndex.load(older[0], self.dim, int(older[1]["chunks"]))
                except (IndexUnavailable, *DAMAGE):
                    pass
        return self._live_sentences

    def _older_live(self) -> Optional[tuple[Path, dict]]:
        """The live generation's folder and meta.json when it is in an older format (read only for
        its vectors, to reuse them) and of this model; None when another model's. Damage raises."""
        folder = self.layout.generation_dir(self.live)
        meta = json.loads((folder / "meta.json").read_text())
        if not isinstance(meta, dict) or meta.get("model") != self.model:
            return None
        return folder, meta

    def known_vectors(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Looked up among the live generation's paragraph units, then its sentences (the same text
        by the same encoder has the same vector, whichever it was embedded as; one kept as a
        sentence is float16, within ~1e-3 of the float32 one, well inside int8 weights' own error)."""
        keys = np.asarray(keys, dtype=np.uint64)
        live_keys, vectors = self._reusable()
        sentences = self._sentences()
        in_units = np.where(keys != 0, find_keys(live_keys, keys), -1)  # 0: a unit whose key was not known
        in_sentences = np.full(len(keys), -1, dtype=np.int64)
        rest = np.flatnonzero(in_units < 0)
        if len(sentences) and len(rest):
            in_sentences[rest] = np.where(keys[rest] != 0, find_keys(sentences.keys, keys[rest]), -1)
        found = (in_units >= 0) | (in_sentences >= 0)
        # Only the vectors found are gathered (a whole re-index of Limerick asks for 149k keys).
        out = np.empty((int(found.sum()), self.dim), dtype=np.float32)
        units, sents = in_units[found], in_sentences[found]
        from_units = units >= 0
        out[from_units] = vectors[units[from_units]]
        out[~from_units] = sentences.vectors[sents[~from_units]]
        return found, out

    def documents(self) -> dict[str, DocRecord]:
        if not self._base:
            return {}
        return read_documents(self.layout.generation_dir(self._base) / "docs.json")

    def lacks_lexicon(self) -> bool:
        """(Also when the live one is damaged: the error a search then shows says to re-index.)"""
        if not self.live:
            return False
        try:
            return Lexicon.load(self.layout.generation_dir(self.live), self.dim) is None
        except MinsearchError:
            return True

    def commit(
        self,
        upserts: list[DocUpdate],
        deletes: list[str],
        progress: Optional[Callable[[str], None]] = None,
        embed_words: Optional[Embed] = None,
    ) -> IndexInfo:
        """Write a new generation with ``upserts`` added and ``deletes`` removed, then publish it.
        ``embed_words``: the index model's encoder, for the words of the new generation's lexicon
        (:mod:`.lexicon`) that the live one lacks; without it the generation has no lexicon.

        On any error the ``.tmp`` folder is removed and the live generation is untouched.
        """
        say = progress or (lambda _msg: None)
        name = self.layout.next_generation()
        tmp = self.layout.generations / f"{name}.tmp"
        try:
            tmp.mkdir(parents=True)
            info = self._write(tmp, name, upserts, deletes, say, embed_words)
            say("publishing")
            self.layout.publish(tmp, name)
        except BaseException as e:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(e, OSError):
                raise MinsearchError(
                    f"{self.layout.home}: writing the new index failed ({os_error_text(e)}); "
                    f"the live index is untouched"
                ) from e
            raise
        self.live = self._base = name
        self._meta = self.layout.read_meta(name)
        self._live_vectors = None  # read from the new live generation by the next commit
        self._reuse = None
        self._live_sentences = None
        self.layout.clean()
        return info

    @staticmethod
    def _write_paragraphs(tmp: Path, old: Optional[Path], kept: ChunkTable, upserts: list[DocUpdate]) -> ChunkTable:
        """Write ``paragraphs.bin``: the blocks of the ``kept`` rows copied from the live file as
        they are (renumbering ``kept.block`` in place), then the new documents' records. Returns
        the table of the new documents' chunks."""
        blocks: list[np.ndarray] = []
        slots: list[np.ndarray] = []
        with ParagraphWriter(tmp / "paragraphs.bin") as out:
            if len(kept):
                assert old is not None  # rows are kept from the live generation only
                live = ParagraphFile(old / "paragraphs.bin")
                try:
                    copied = np.unique(kept.block)
                    kept.block = out.copy_blocks(live, copied)[np.searchsorted(copied, kept.block)]
                finally:
                    live.close()
            for u in upserts:
                b, sl = out.add_document(u.chunks)
                blocks.append(b)
                slots.append(sl)
        new = [c for u in upserts for c in u.chunks]
        if not new:
            return ChunkTable.empty()
        return ChunkTable.from_chunks(new, np.concatenate(blocks), np.concatenate(slots))

    def _write(
        self,
        tmp: Path,
        name: str,
        upserts: list[DocUpdate],
        deletes: list[str],
        say: Callable[[str], None],
        embed_words: Optional[Embed],
    ) -> IndexInfo:
        replaced = set(deletes) | {u.record.doc_id for u in upserts}
        old = self.layout.generation_dir(self._base) if self._base else None

        # Keyword view: start from the live index's files, so unchanged documents cost nothing.
        say("keyword index")
        wdir = tmp / "whoosh"
        if old is not None:
            link_tree(old / "whoosh", wdir)
            ix = keyword.open_writable(wdir)
        else:
            ix = keyword.create(wdir)
        writer = keyword.writer(ix)
        try:
            for doc_id in sorted(replaced):
                writer.delete_by_term("doc_id", doc_id)
            for u in upserts:
                for c in u.chunks:
                    writer.add_document(**keyword.chunk_fields(c))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        finally:
            ix.close()
        if embed_words is not None:
            say("lexicon")
            words = keyword.frequent_words(wdir, lexicon.MIN_PARAGRAPHS, lexicon.is_lexicon_word)
            try:
                earlier = Lexicon.load(old, self.dim) if old is not None else None
            except MinsearchError:
                earlier = None  # damaged: every word is embedded again
            lexicon.write_lexicon(tmp, words, embed_words, earlier)

        # Semantic view: keep the rows of untouched documents, append the new ones.
        say("vectors")
        live = self._live()
        live_keys, _ = self._reusable()  # row-aligned with live.vectors, or empty
        if live is not None:
            vectors, units, table = live.vectors, live.units, live.table
        else:
            vectors = np.zeros((0, self.dim), dtype=np.float32)
            units = np.zeros(0, dtype=np.int64)
            table = ChunkTable.empty()
        keep_chunk = ~table.doc_id.isin(sorted(replaced)) if replaced else np.ones(len(table), bool)
        new_pos = np.cumsum(keep_chunk) - 1  # old chunk row -> new chunk row
        keep_unit = keep_chunk[units] if len(units) else np.zeros(0, bool)
        parts_v: list[np.ndarray] = []  # the new documents' rows (the kept ones are streamed from the old file)
        parts_u = [new_pos[units[keep_unit]]]
        parts_s: list[tuple[int, Sentences]] = []  # each new document's first chunk row, and its sentences
        table = table.take(np.flatnonzero(keep_chunk))
        offset = len(table)
        for u in upserts:
            given = [("vectors", u.vectors)] + ([("sentence vectors", u.sentences.vectors)] if u.sentences else [])
            for what, v in given:
                if v.shape[1:] != (self.dim,):
                    raise MinsearchError(f"{u.record.source}: {what} of dimension {v.shape[1:]}, index has {self.dim}")
            parts_v.append(u.vectors.astype(np.float32, copy=False))
            parts_u.append(np.asarray(u.units, dtype=np.int64) + offset)
            if u.sentences is not None:
                parts_s.append((offset, u.sentences))
            offset += len(u.chunks)
        say("paragraphs")
        added = self._write_paragraphs(tmp, old, table, upserts)  # renumbers table.block (a copy of the live rows)
        table = ChunkTable.concat(table, added)
        table.check_keys()
        all_u = np.concatenate(parts_u).astype(np.int64)
        write_rows(tmp / "vectors.npy", vectors, keep_unit, parts_v, np.dtype("<f4"))
        with open(tmp / "units.npy", "wb") as fh:
            np.save(fh, all_u)
        aligned = live is not None and len(live_keys) == len(keep_unit)
        kept_keys = live_keys[keep_unit] if aligned else np.zeros(int(keep_unit.sum()), np.uint64)
        new_keys = [
            np.asarray(u.unit_keys, dtype=np.uint64) if u.unit_keys is not None else np.zeros(len(u.units), np.uint64)
            for u in upserts
        ]
        with open(tmp / UNIT_KEYS, "wb") as fh:
            np.save(fh, np.concatenate([kept_keys, *new_keys]).astype(np.uint64))
        table.save(tmp / "chunks.npz")
        say("sentences")
        kept = self._sentences() if live is not None else SentenceIndex.empty(self.dim)
        sentences = write_sentences(tmp, kept, keep_chunk, new_pos, parts_s)

        # Bookkeeping: documents, facets and metadata.
        docs = {k: v for k, v in self.documents().items() if k not in replaced}
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        for u in upserts:
            rec = u.record
            rec.indexed_at = rec.indexed_at or now
            docs[rec.doc_id] = rec
        # vars(), not asdict(), which deep-copies field by field (0.5 s for Limerick's 1,007 records).
        (tmp / "docs.json").write_text(json.dumps({k: dict(vars(v)) for k, v in sorted(docs.items())}))
        meta = {
            "format": FORMAT_VERSION,
            "generation": name,
            "model": self.model,
            "dim": self.dim,
            "documents": len(docs),
            "chunks": int(len(table)),
            "units": int(len(all_u)),
            "sentences": sentences,
            "created": now,
            "facets": asdict(facets_of(docs.values())),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
        return index_info(self.layout, tmp, meta)
