"""The semantic view: a normalised float32 matrix of chunk embeddings, searched by dot product.

Rows of the matrix are *units* (a paragraph, or one window of a long paragraph); ``units[r]``
is the chunk row a unit belongs to, and units of one chunk are contiguous, so a chunk's score
is the max over its units (``np.maximum.reduceat``). Per-chunk metadata arrays make filters a
vectorised mask applied before the top-k, like ``sentence_transformers.util.semantic_search``
but with the filter inside.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional

import numpy as np

from ..ingest.fingerprint import SKETCH, fingerprint
from ..ingest.kinds import KINDS
from ..model import Chunk, ChunkMeta, Filters, MinsearchError
from .base import NO_FEEDBACK, VectorResult, feedback_order
from .layout import DAMAGE, damaged
from .query import label_key

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

LABEL_FIELDS = ("doc_id", "council", "committee", "date", "section", "item_ref")  # few distinct values: stored as codes
ARRAY_FIELDS = ("kind", "exact", "sketch", "words", "item", "key", "block", "slot")
_PRODUCT_ROWS = 4096  # rows of the matrix per product of several query vectors (best_cosines)


@dataclass
class Labels:
    """A string column with few distinct values: sorted ``values`` and int32 ``codes``.

    Four bytes a row instead of four bytes a *character* (NumPy's fixed-width unicode), which
    for 94k Limerick chunks is the difference between 260 MB and 2 MB on disk and in memory.
    """

    values: np.ndarray
    codes: np.ndarray

    @classmethod
    def of(cls, items: list[str]) -> "Labels":
        values, codes = np.unique(np.array(items, dtype=str), return_inverse=True)
        return cls(values.astype(str), codes.astype(np.int32).reshape(-1))

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, row: int) -> str:
        return str(self.values[self.codes[row]])

    def at(self, rows: list[int]) -> list[str]:
        """The values at ``rows``: one NumPy read for all (a document page asks for hundreds)."""
        return self.values[self.codes[rows]].tolist() if len(rows) else []

    def equals(self, value: str) -> np.ndarray:
        hit = np.flatnonzero(self.values == value)
        return self.codes == hit[0] if len(hit) else np.zeros(len(self.codes), dtype=bool)

    def isin(self, wanted: list[str]) -> np.ndarray:
        return np.isin(self.codes, np.flatnonzero(np.isin(self.values, np.array(wanted, dtype=str))))

    def as_strings(self) -> np.ndarray:
        return self.values[self.codes] if len(self.codes) else np.zeros(0, dtype=str)

    def take(self, rows: np.ndarray) -> "Labels":
        return Labels(self.values, self.codes[rows])

    @staticmethod
    def concat(a: "Labels", b: "Labels") -> "Labels":
        if not len(b):
            return a
        values = np.union1d(a.values, b.values).astype(str)
        remap_a = np.searchsorted(values, a.values).astype(np.int32)
        remap_b = np.searchsorted(values, b.values).astype(np.int32)
        codes = np.concatenate([remap_a[a.codes] if len(a) else a.codes.astype(np.int32), remap_b[b.codes]])
        return Labels(values, codes)


def id_suffix(chunk_id: str, doc_id: str) -> bytes:
    """What the table stores of a chunk id: the part after its document's id ("#p12" of
    "<doc id>#p12"), which the doc id column already holds. Stored whole ids had the width of the
    longest (276 bytes on Limerick, 27 of the table's 43 MB). An id that does not start with its
    doc id is kept whole, after a NUL byte (which no id contains)."""
    if chunk_id.startswith(doc_id):
        return chunk_id[len(doc_id) :].encode("utf-8")
    return b"\0" + chunk_id.encode("utf-8")


def _whole_id(doc_id: str, suffix: bytes) -> str:
    return suffix[1:].decode("utf-8") if suffix[:1] == b"\0" else doc_id + suffix.decode("utf-8")


KIND_CODES = {k: i for i, k in enumerate(KINDS)}  # substance 0, procedure 1, heading 2


def chunk_key(chunk_id: str) -> int:
    """A chunk's key: 64 bits of BLAKE2b of its id. The keyword index holds it for each paragraph
    (a column, 8 bytes) and the table maps it back to the row; keys are unique within a
    generation (checked when it is written, see :meth:`ChunkTable.check_keys`)."""
    digest = hashlib.blake2b(chunk_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def find_keys(
    keys: np.ndarray, wanted: np.ndarray, order: Optional[np.ndarray] = None, ordered: Optional[np.ndarray] = None
) -> np.ndarray:
    """The position in ``keys`` of each of ``wanted`` (-1 where absent), by a binary search over
    ``keys`` sorted (``order``: its argsort, and ``ordered``: ``keys[order]``, when the caller
    keeps them)."""
    wanted = np.asarray(wanted, dtype=np.uint64)
    if not len(keys):
        return np.full(len(wanted), -1, dtype=np.int64)
    if order is None:
        order = np.argsort(keys, kind="stable")
    if ordered is None:
        ordered = keys[order]
    at = np.minimum(np.searchsorted(ordered, wanted), len(order) - 1)
    return np.where(ordered[at] == wanted, order[at], -1).astype(np.int64)


@dataclass
class ChunkTable:
    """Per-chunk metadata, row-aligned with the chunk ranges of the vector matrix.

    Besides the filter columns it holds what ranking needs for every candidate without reading
    the paragraph: its kind (:mod:`minsearch.ingest.kinds`) and the fingerprints of its wording
    (:mod:`minsearch.ingest.fingerprint`), its agenda item and the item's printed number (149
    bytes a chunk); and where the rest of the paragraph is: its key (:func:`chunk_key`, how the
    keyword index names it) and its block and slot in ``paragraphs.bin`` (:mod:`.paragraphs`).
    """

    chunk_id: np.ndarray  # what follows the doc id in each chunk id, UTF-8 (see chunk_id_at)
    doc_id: Labels
    council: Labels  # label_key() of the council
    committee: Labels
    date: Labels  # ISO strings, "" when unknown
    kind: np.ndarray  # int8 codes of KINDS
    exact: np.ndarray  # uint64
    sketch: np.ndarray  # (chunks, SKETCH) uint32 MinHash of the wording
    words: np.ndarray  # uint32
    item: np.ndarray  # int32 agenda item number within the document (Chunk.item)
    section: Labels  # "minutes", "resolved", ... (a filter of the semantic view)
    item_ref: Labels  # the item's number as the source prints it ("minute 298"; Chunk.item_ref)
    key: np.ndarray  # uint64 chunk_key() of each id
    block: np.ndarray  # int32 block of paragraphs.bin holding the paragraph's record
    slot: np.ndarray  # uint8 its place in the block
    # The keys' argsort and the keys in that order, made on first use: a generation's table never
    # changes its keys. (Gathering Limerick's 97k keys in order again was most of a lookup's ~0.9 ms,
    # and a search looks up several times: its candidates, their meaning scores, its page.)
    _key_index: Optional[tuple[np.ndarray, np.ndarray]] = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_chunks(
        cls, chunks: list[Chunk], block: Optional[np.ndarray] = None, slot: Optional[np.ndarray] = None
    ) -> "ChunkTable":
        """The table of ``chunks``, whose records are at ``block``/``slot`` of the paragraphs file
        (:meth:`.paragraphs.ParagraphWriter.add_document`; zeros when not given)."""
        prints = [fingerprint(c.text) for c in chunks]
        n = len(chunks)
        return cls(
            chunk_id=np.array([id_suffix(c.chunk_id, c.doc_id) for c in chunks], dtype=bytes),
            doc_id=Labels.of([c.doc_id for c in chunks]),
            council=Labels.of([label_key(c.council) for c in chunks]),
            committee=Labels.of([label_key(c.committee) for c in chunks]),
            date=Labels.of([c.date for c in chunks]),
            kind=np.array([KIND_CODES.get(c.kind, 0) for c in chunks], dtype=np.int8),
            exact=np.array([p.exact for p in prints], dtype=np.uint64),
            sketch=np.frombuffer(b"".join(p.sketch for p in prints), dtype="<u4").reshape(len(prints), SKETCH),
            words=np.array([p.words for p in prints], dtype=np.uint32),
            item=np.array([c.item for c in chunks], dtype=np.int32),
            section=Labels.of([c.section for c in chunks]),
            item_ref=Labels.of([c.item_ref for c in chunks]),
            key=np.array([chunk_key(c.chunk_id) for c in chunks], dtype=np.uint64),
            block=np.asarray(block if block is not None else np.zeros(n), dtype=np.int32),
            slot=np.asarray(slot if slot is not None else np.zeros(n), dtype=np.uint8),
        )

    @classmethod
    def empty(cls) -> "ChunkTable":
        return cls.from_chunks([])

    @classmethod
    def from_columns(
        cls, chunk_id: np.ndarray, labels: dict[str, Labels], arrays: dict[str, np.ndarray]
    ) -> "ChunkTable":
        """A table from its columns by name (:data:`LABEL_FIELDS` and :data:`ARRAY_FIELDS`)."""
        return cls(chunk_id, **labels, **arrays)  # type: ignore[arg-type]  # (mypy cannot pair names and types)

    def __len__(self) -> int:
        return len(self.chunk_id)

    def chunk_ids(self) -> list[str]:
        docs = self.doc_id.values.tolist()
        return [_whole_id(docs[c], b) for c, b in zip(self.doc_id.codes.tolist(), self.chunk_id.tolist())]

    def chunk_id_at(self, row: int) -> str:
        return _whole_id(self.doc_id[row], self.chunk_id[row])

    def chunk_ids_at(self, rows: list[int]) -> list[str]:
        """:meth:`chunk_id_at` of each of ``rows``."""
        return [_whole_id(d, b) for d, b in zip(self.doc_id.at(rows), self.chunk_id[rows].tolist())]

    def rows_of_keys(self, keys: np.ndarray) -> np.ndarray:
        """The row of each of ``keys`` (:func:`chunk_key`), -1 where no chunk has it."""
        index = self._key_index
        if index is None:  # (one tuple, assigned at once: threads see both arrays or neither)
            order = np.argsort(self.key, kind="stable")
            index = self._key_index = (order, self.key[order])
        return find_keys(self.key, keys, *index)

    def check_keys(self) -> None:
        """Two ids with one key (one chance in ~10^10 for 100,000 paragraphs) would show one
        paragraph for the other: refuse to write such a generation rather than mix them up."""
        if len(np.unique(self.key)) != len(self.key):
            raise MinsearchError("two paragraphs of this index have the same 64-bit key; report this as a bug")

    def take(self, rows: np.ndarray) -> "ChunkTable":
        return ChunkTable.from_columns(
            self.chunk_id[rows],
            {f: getattr(self, f).take(rows) for f in LABEL_FIELDS},
            {f: getattr(self, f)[rows] for f in ARRAY_FIELDS},
        )

    @staticmethod
    def concat(a: "ChunkTable", b: "ChunkTable") -> "ChunkTable":
        width = max(a.chunk_id.dtype.itemsize, b.chunk_id.dtype.itemsize, 1)
        return ChunkTable.from_columns(
            np.concatenate([a.chunk_id.astype(f"S{width}"), b.chunk_id.astype(f"S{width}")]),
            {f: Labels.concat(getattr(a, f), getattr(b, f)) for f in LABEL_FIELDS},
            {f: np.concatenate([getattr(a, f), getattr(b, f)]) for f in ARRAY_FIELDS},
        )

    def save(self, path: Path) -> None:
        arrays = {"chunk_id": self.chunk_id, **{f: getattr(self, f) for f in ARRAY_FIELDS}}
        for f in LABEL_FIELDS:
            col = getattr(self, f)
            arrays[f"{f}_values"], arrays[f"{f}_codes"] = col.values, col.codes
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)

    @classmethod
    def load(cls, path: Path) -> "ChunkTable":
        try:
            with np.load(path, allow_pickle=False) as z:
                table = cls.from_columns(
                    z["chunk_id"],
                    {f: Labels(z[f"{f}_values"], z[f"{f}_codes"]) for f in LABEL_FIELDS},
                    {f: z[f] for f in ARRAY_FIELDS},
                )
        except DAMAGE as e:  # KeyError among them: a column missing from the file
            raise damaged(path, e) from e
        n = len(table)
        if any(len(getattr(table, f)) != n for f in LABEL_FIELDS + ARRAY_FIELDS) or any(
            len(col.codes) and (col.codes.min() < 0 or col.codes.max() >= len(col.values))
            for col in (getattr(table, f) for f in LABEL_FIELDS)
        ):
            raise damaged(path, ValueError("columns of different lengths or codes out of range"))
        return table

    def mask(self, f: Filters) -> Optional[np.ndarray]:
        """Rows passing the filters, or None when there are no filters."""
        if f.is_empty():
            return None
        m = np.ones(len(self), dtype=bool)
        if f.council:
            m &= self.council.equals(label_key(f.council))
        if f.committee:
            m &= self.committee.equals(label_key(f.committee))
        if f.since or f.until:
            dates = self.date.values
            ok = dates != ""
            if f.since:
                ok &= dates >= f.since
            if f.until:
                ok &= dates <= f.until
            m &= ok[self.date.codes]
        if f.doc_id:
            m &= self.doc_id.equals(f.doc_id)
        if f.exclude_doc_id:
            m &= ~self.doc_id.equals(f.exclude_doc_id)
        if f.doc_ids is not None:
            m &= self.doc_id.isin(list(f.doc_ids))
        if f.section:
            m &= self.section.equals(f.section)
        return m

    def numbered(self, refs: list[str], f: Filters) -> np.ndarray:
        """The rows whose item the source numbers as one of ``refs`` ("minute 298"), passing the
        filters, in the table's order (each document's paragraphs in order)."""
        m = self.item_ref.isin(refs)
        within = self.mask(f)
        return np.flatnonzero(m if within is None else m & within)

    def meta(self, row: int, chunk_id: str) -> ChunkMeta:
        return self.metas([row], [chunk_id])[0]

    def metas(self, rows: list[int], chunk_ids: list[str]) -> list[ChunkMeta]:
        """:meth:`meta` of each of ``rows`` (named ``chunk_ids``), each column read once for all:
        a search asks for ~200 candidates, and reading them row by row (NumPy scalars) made
        :meth:`VectorIndex.chunk_meta` of a hybrid search's candidates 4.4-4.7 ms on Limerick;
        with the ids read at once too (:meth:`VectorIndex.rows_of`), 1.7 ms (20 queries, side by side)."""
        if not rows:
            return []
        width = self.sketch.shape[1] * 4
        sketches = np.ascontiguousarray(self.sketch[rows], dtype="<u4").tobytes()
        return [
            ChunkMeta(
                chunk_id=c,
                doc_id=doc,
                date=day,
                kind=KINDS[k],
                exact=exact,
                sketch=sketches[i * width : (i + 1) * width],
                words=words,
                item=item,
            )
            for i, (c, doc, day, k, exact, words, item) in enumerate(
                zip(
                    chunk_ids,
                    self.doc_id.at(rows),
                    self.date.at(rows),
                    self.kind[rows].tolist(),
                    self.exact[rows].tolist(),
                    self.words[rows].tolist(),
                    self.item[rows].tolist(),
                )
            )
        ]


def load_array(path: Path, mmap: bool = False) -> np.ndarray:
    """One ``.npy`` file of an index; a damaged or cut-short one is a one-line error."""
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except DAMAGE as e:
        raise damaged(path, e) from e


def write_rows(path: Path, old: np.ndarray, keep: np.ndarray, new: list[np.ndarray], dtype: np.dtype) -> None:
    """Write one ``.npy`` array of a new generation (vectors, or a column beside them): the rows of
    ``old`` (the live generation's, often memory-mapped) where ``keep`` is True, then the ``new``
    blocks, in that order, as ``dtype``; each row's shape is ``old``'s.

    Streamed block by block from the old file rather than gathered and concatenated in memory
    (two copies of Limerick's 149 MB of vectors before); when every row is kept and already of
    ``dtype``, its bytes are copied as they are."""
    rows = int(np.count_nonzero(keep)) + sum(len(b) for b in new)
    header = {"descr": dtype.str, "fortran_order": False, "shape": (rows, *old.shape[1:])}
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_1_0(fh, header)
        if len(old) and bool(keep.all()) and old.dtype == dtype and old.flags.c_contiguous:
            fh.write(old.data.cast("B"))  # one sequential copy of the mapped bytes
        else:
            step = 16384
            for i in range(0, len(old), step):
                block = np.asarray(old[i : i + step])[keep[i : i + step]]
                fh.write(np.ascontiguousarray(block, dtype=dtype).tobytes())
        for b in new:
            fh.write(np.ascontiguousarray(b, dtype=dtype).tobytes())


# A product over fewer rows than this runs on one BLAS thread. It takes well under a millisecond
# either way (1,400 x 384: 0.04 ms on one thread, 0.02 ms on two), but OpenBLAS's second thread
# then spins for work on the core that the keyword view or the query encoder is using: Cranfield's
# hybrid p50 17.3 -> 14.4 ms with NumPy's BLAS on one thread. Over Limerick's 97k units two threads
# take 9.3 ms, one 16.7 ms (and "more like this" 18 -> 30 ms on one), so large products keep two.
ONE_THREAD_ROWS = 20_000


@functools.cache
def _blas() -> "ThreadpoolController":
    # (imported here: 18 ms that a keyword query from the command line does not need)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # (finds the loaded BLAS libraries: ~1 ms, once)


def _product(matrix: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``matrix @ q`` (rows read from a memory map if it is one), on one BLAS thread when small."""
    if len(matrix) >= ONE_THREAD_ROWS:
        return np.asarray(matrix) @ q
    with _blas().limit(limits=1, user_api="blas"):  # (8 µs; process-wide while it lasts)
        return np.asarray(matrix) @ q


class VectorIndex:
    """Read view of one generation's matrix (memory-mapped: opening is instant)."""

    def __init__(self, vectors: np.ndarray, units: np.ndarray, table: ChunkTable) -> None:
        self.vectors = vectors
        self.units = units
        self.table = table
        # First unit row of each chunk, for reduceat; every chunk has at least one unit.
        self._starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]]) if len(units) else np.zeros(0, int)

    @classmethod
    def load(cls, folder: Path) -> "VectorIndex":
        """The three files of one generation's semantic view, checked against each other."""
        vectors = load_array(folder / "vectors.npy", mmap=True)
        units = load_array(folder / "units.npy")
        table = ChunkTable.load(folder / "chunks.npz")
        if vectors.ndim != 2 or units.ndim != 1 or len(units) != len(vectors):
            raise damaged(folder / "units.npy", ValueError(f"{len(units)} units for {len(vectors)} vectors"))
        if len(units) and (units.min() < 0 or units.max() >= len(table) or np.any(np.diff(units) < 0)):
            raise damaged(folder / "units.npy", ValueError("unit rows do not point to the chunks in order"))
        return cls(vectors, units, table)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def row_of(self, chunk_id: str) -> Optional[int]:
        """The table row of ``chunk_id`` (None if it is not in this generation)."""
        return self.rows_of([chunk_id])[0]

    def rows_of(self, chunk_ids: list[str]) -> list[Optional[int]]:
        """The table row of each of ``chunk_ids`` (None where it is not in this generation): found by
        its key (:func:`chunk_key`), and checked against the id itself (an id from a link may share
        a key with a paragraph of this generation, which no two paragraphs do)."""
        keys = np.fromiter((chunk_key(c) for c in chunk_ids), dtype=np.uint64, count=len(chunk_ids))
        at = self.table.rows_of_keys(keys).tolist()
        known = [i for i, r in enumerate(at) if r >= 0]
        out: list[Optional[int]] = [None] * len(chunk_ids)
        for i, cid in zip(known, self.table.chunk_ids_at([at[i] for i in known])):  # (their ids read at once)
            if cid == chunk_ids[i]:
                out[i] = at[i]
        return out

    def rows_mask(self, chunk_ids: Iterable[str]) -> np.ndarray:
        """A boolean mask of the rows of ``chunk_ids`` (unknown ids are left out)."""
        m = np.zeros(len(self.table), dtype=bool)
        m[[r for r in self.rows_of(list(chunk_ids)) if r is not None]] = True
        return m

    def chunk_meta(self, chunk_ids: Iterable[str]) -> dict[str, ChunkMeta]:
        wanted = list(dict.fromkeys(chunk_ids))
        found = [(c, r) for c, r in zip(wanted, self.rows_of(wanted)) if r is not None]
        metas = self.table.metas([r for _c, r in found], [c for c, _r in found])
        return {m.chunk_id: m for m in metas}

    def numbered(self, refs: list[str], filters: Filters, limit: int) -> list[str]:
        """At most ``limit`` chunk ids whose item the source numbers as one of ``refs``
        (:meth:`ChunkTable.numbered`), each document's paragraphs in order."""
        return self.table.chunk_ids_at(self.table.numbered(refs, filters)[:limit].tolist())

    def chunk_vector(self, chunk_id: str) -> Optional[np.ndarray]:
        """The mean of a chunk's unit vectors, normalised (for "more like this")."""
        row = self.row_of(chunk_id)
        return None if row is None else self._mean_of_row(row).astype(np.float32)

    def best_cosines(self, vectors: np.ndarray) -> np.ndarray:
        """Each row's best cosine over every unit, by matrix products (49 probes over Limerick's
        97k paragraphs: ~70 ms, where one search per probe took 480 ms). A block of rows at a
        time: the whole product (97k x 49) left ~50 MB in each server worker that the allocator
        never gave back; in blocks, ~8 MB, in the same time."""
        q = np.asarray(vectors, dtype=np.float32)
        if len(self.table) == 0 or not len(q):
            return np.full(len(q), np.nan, dtype=np.float32)
        best = np.full(len(q), -np.inf, dtype=np.float32)
        for start in range(0, len(self.vectors), _PRODUCT_ROWS):
            block = np.asarray(self.vectors[start : start + _PRODUCT_ROWS])
            np.maximum(best, (block @ q.T).max(axis=0), out=best)
        return best

    def scores_of(self, qvec: np.ndarray, chunk_ids: Iterable[str]) -> dict[str, float]:
        """Cosine of ``qvec`` to each known chunk of ``chunk_ids`` (its best unit). The units of all
        of them are read and scored at once: a hybrid search asks this of ~100 keyword candidates,
        which took 0.8-1.4 ms with one product a chunk, 0.25-0.43 ms at once (Cranfield, MS MARCO)."""
        wanted = list(dict.fromkeys(chunk_ids))
        known = [(cid, row) for cid, row in zip(wanted, self.rows_of(wanted)) if row is not None]
        if not known:
            return {}
        best = self._best_of_rows(np.array([row for _c, row in known], dtype=np.int64), qvec)
        return dict(zip([cid for cid, _r in known], best.tolist()))

    def _best_of_rows(self, rows: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """The best cosine of ``qvec`` over the units of each of ``rows``, reading only their units."""
        ends = np.r_[self._starts[1:], len(self.units)]
        counts = ends[rows] - self._starts[rows]
        owner = np.repeat(np.arange(len(rows)), counts)
        units = self._starts[rows][owner] + (np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts))
        unit_scores = _product(self.vectors[units], qvec.astype(np.float32))
        best = np.full(len(rows), -np.inf, dtype=np.float32)
        np.maximum.at(best, owner, unit_scores)
        return best

    def search(
        self,
        qvec: np.ndarray,
        filters: Filters,
        limit: int,
        floor: Optional[float] = None,
        feedback: tuple[float, int] = NO_FEEDBACK,
    ) -> VectorResult:
        """Top ``limit`` chunks by cosine similarity among those passing ``filters``, and how many
        chunks in all score at least ``floor`` (the relevance floor of a semantic match); with
        ``feedback``, also in the order of the refined query (:func:`~.base.feedback_vector`)."""
        if len(self.table) == 0:
            return VectorResult([], 0)
        if filters.doc_ids is not None:  # a few documents (saved searches over a re-index's new ones)
            return self._search_rows(qvec, self.table.mask(filters), limit, floor, feedback)
        unit_scores = _product(self.vectors, qvec.astype(np.float32))
        scores = np.maximum.reduceat(unit_scores, self._starts)
        mask = self.table.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        k = min(limit, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[np.isfinite(scores[top])]
        hits = list(zip(self.table.chunk_ids_at(top.tolist()), scores[top].tolist()))
        above = int(np.count_nonzero(scores >= floor)) if floor is not None else len(hits)
        return VectorResult(hits, above, self._reordered(top, hits, qvec, feedback))

    def _reordered(
        self, top: np.ndarray, hits: list[tuple[str, float]], qvec: np.ndarray, feedback: tuple[float, int]
    ) -> Optional[list[tuple[str, float]]]:
        """``hits`` (chunk rows ``top``, best first) reordered by meaning feedback: the rows are in
        hand, so this reads only their units (Cranfield: 0.4 ms; by chunk ids it was ~1 ms)."""
        rows = top.astype(np.int64)
        return feedback_order(
            hits,
            qvec,
            feedback,
            lambda depth: [self._mean_of_row(int(r)) for r in rows[:depth]],
            lambda moved: self._best_of_rows(rows, moved),
        )

    def _mean_of_row(self, row: int) -> np.ndarray:
        """A chunk's unit vectors' mean, normalised."""
        start = self._starts[row]
        end = self._starts[row + 1] if row + 1 < len(self._starts) else len(self.units)
        v = np.asarray(self.vectors[start:end], dtype=np.float32).mean(axis=0)
        return v / (np.linalg.norm(v) or 1.0)

    def _search_rows(
        self,
        qvec: np.ndarray,
        mask: Optional[np.ndarray],
        limit: int,
        floor: Optional[float],
        feedback: tuple[float, int] = NO_FEEDBACK,
    ) -> VectorResult:
        """:meth:`search` over the chunks of ``mask`` only: their units' rows of the matrix are read,
        not the whole matrix (50 saved searches over one new meeting of a 100,000-paragraph index)."""
        rows = np.flatnonzero(mask) if mask is not None else np.arange(len(self.table))
        if not len(rows):
            return VectorResult([], 0)
        scores = self._best_of_rows(rows, qvec)
        order = np.argsort(-scores, kind="stable")[:limit]
        hits = list(zip(self.table.chunk_ids_at(rows[order].tolist()), scores[order].tolist()))
        above = int(np.sum(scores >= floor)) if floor is not None else len(hits)
        return VectorResult(hits, above, self._reordered(rows[order], hits, qvec, feedback))
