"""The semantic view: a normalised float32 matrix of chunk embeddings, searched by dot product.

Rows of the matrix are *units* (a paragraph, or one window of a long paragraph); ``units[r]``
is the chunk row a unit belongs to, and units of one chunk are contiguous, so a chunk's score
is the max over its units (``np.maximum.reduceat``). Per-chunk metadata arrays make filters a
vectorised mask applied before the top-k, like ``sentence_transformers.util.semantic_search``
but with the filter inside.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..model import Chunk, Filters
from .keyword import label_key

TABLE_FIELDS = ("chunk_id", "doc_id", "council", "committee", "date", "boilerplate")


@dataclass
class ChunkTable:
    """Per-chunk metadata, row-aligned with the chunk ranges of the vector matrix."""

    chunk_id: np.ndarray
    doc_id: np.ndarray
    council: np.ndarray  # label_key() of the council
    committee: np.ndarray
    date: np.ndarray  # ISO strings, "" when unknown
    boilerplate: np.ndarray

    @classmethod
    def from_chunks(cls, chunks: list[Chunk]) -> "ChunkTable":
        return cls(
            chunk_id=np.array([c.chunk_id for c in chunks], dtype=str),
            doc_id=np.array([c.doc_id for c in chunks], dtype=str),
            council=np.array([label_key(c.council) for c in chunks], dtype=str),
            committee=np.array([label_key(c.committee) for c in chunks], dtype=str),
            date=np.array([c.date for c in chunks], dtype=str),
            boilerplate=np.array([c.boilerplate for c in chunks], dtype=bool),
        )

    @classmethod
    def empty(cls) -> "ChunkTable":
        return cls.from_chunks([])

    def __len__(self) -> int:
        return len(self.chunk_id)

    def take(self, rows: np.ndarray) -> "ChunkTable":
        return ChunkTable(*(getattr(self, f)[rows] for f in TABLE_FIELDS))

    @staticmethod
    def concat(a: "ChunkTable", b: "ChunkTable") -> "ChunkTable":
        return ChunkTable(*(np.concatenate([getattr(a, f), getattr(b, f)]) for f in TABLE_FIELDS))

    def save(self, path: Path) -> None:
        with open(path, "wb") as fh:
            np.savez(fh, **{f: getattr(self, f) for f in TABLE_FIELDS})

    @classmethod
    def load(cls, path: Path) -> "ChunkTable":
        with np.load(path, allow_pickle=False) as z:
            return cls(*(z[f] for f in TABLE_FIELDS))

    def mask(self, f: Filters) -> Optional[np.ndarray]:
        """Rows passing the filters, or None when there are no filters."""
        if f.is_empty():
            return None
        m = np.ones(len(self), dtype=bool)
        if f.council:
            m &= self.council == label_key(f.council)
        if f.committee:
            m &= self.committee == label_key(f.committee)
        if f.since:
            m &= (self.date != "") & (self.date >= f.since)
        if f.until:
            m &= (self.date != "") & (self.date <= f.until)
        if f.doc_id:
            m &= self.doc_id == f.doc_id
        if f.exclude_doc_id:
            m &= self.doc_id != f.exclude_doc_id
        return m


class VectorIndex:
    """Read view of one generation's matrix (memory-mapped: opening is instant)."""

    def __init__(self, vectors: np.ndarray, units: np.ndarray, table: ChunkTable) -> None:
        self.vectors = vectors
        self.units = units
        self.table = table
        # First unit row of each chunk, for reduceat; every chunk has at least one unit.
        self._starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]]) if len(units) else np.zeros(0, int)
        self._row_of = None

    @classmethod
    def load(cls, folder: Path) -> "VectorIndex":
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        units = np.load(folder / "units.npy")
        return cls(vectors, units, ChunkTable.load(folder / "chunks.npz"))

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def row_of(self, chunk_id: str) -> Optional[int]:
        if self._row_of is None:
            self._row_of = {cid: i for i, cid in enumerate(self.table.chunk_id.tolist())}
        return self._row_of.get(chunk_id)

    def boilerplate_ids(self, chunk_ids) -> frozenset[str]:
        flags = self.table.boilerplate
        return frozenset(c for c in chunk_ids if (r := self.row_of(c)) is not None and flags[r])

    def chunk_vector(self, chunk_id: str) -> Optional[np.ndarray]:
        """The mean of a chunk's unit vectors, normalised (for "more like this")."""
        row = self.row_of(chunk_id)
        if row is None:
            return None
        start = self._starts[row]
        end = self._starts[row + 1] if row + 1 < len(self._starts) else len(self.units)
        v = np.asarray(self.vectors[start:end]).mean(axis=0)
        return (v / (np.linalg.norm(v) or 1.0)).astype(np.float32)

    def search(self, qvec: np.ndarray, filters: Filters, limit: int) -> list[tuple[str, float]]:
        """Top ``limit`` chunks by cosine similarity among those passing ``filters``."""
        if len(self.table) == 0:
            return []
        unit_scores = np.asarray(self.vectors) @ qvec.astype(np.float32)
        scores = np.maximum.reduceat(unit_scores, self._starts)
        mask = self.table.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        k = min(limit, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(str(self.table.chunk_id[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]
