"""The sentences an excerpt is chosen from, and their vectors, kept with a generation.

A paragraph found by meaning alone shows its sentence closest to the query. Encoding those
sentences while a page waits was most of a meaning-mode page's time (Limerick: semantic + excerpts
p95 71 ms, keyword + excerpts 17.5 ms); they are embedded with the paragraphs instead, and a page
only takes a dot product. Only paragraphs of several sentences have any: on Limerick 52k sentences
of 20k paragraphs (of 97k), 38 MB as float16, which chooses the same sentence as float32 (the
choice is an argmax over at most eight cosines that differ by far more than float16's 1e-3).

Files of a generation (row-aligned):

    sentences.npy        (n, dim) float16 vectors
    sentence_rows.npy    (n,) int32 the chunk row each belongs to, non-decreasing
    sentence_spans.npy   (n, 2) int32 its start and end in the chunk's text
    sentence_keys.npy    (n,) uint64 what each vector is of (minsearch.encode.unit_keys), for reuse
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np

from .base import Sentences
from .layout import damaged
from .vectors import load_array, write_rows

FILES = ("sentences.npy", "sentence_rows.npy", "sentence_spans.npy", "sentence_keys.npy")


class SentenceIndex:
    """One generation's sentence vectors, by chunk row."""

    def __init__(self, vectors: np.ndarray, rows: np.ndarray, spans: np.ndarray, keys: np.ndarray) -> None:
        self.vectors = vectors
        self.rows = rows
        self.spans = spans
        self.keys = keys

    @classmethod
    def empty(cls, dim: int) -> "SentenceIndex":
        return cls(
            np.zeros((0, dim), np.float16), np.zeros(0, np.int32), np.zeros((0, 2), np.int32), np.zeros(0, np.uint64)
        )

    @classmethod
    def load(cls, folder: Path, dim: int, chunks: int) -> "SentenceIndex":
        """Read a generation's sentence files (the vectors memory-mapped: a page reads a few rows);
        damaged or inconsistent files are a one-line error naming the file."""
        vectors = load_array(folder / FILES[0], mmap=True)
        rows = load_array(folder / FILES[1])
        spans = load_array(folder / FILES[2])
        keys = load_array(folder / FILES[3])
        n = len(rows)
        if vectors.shape != (n, dim) or spans.shape != (n, 2) or keys.shape != (n,):
            raise damaged(folder / FILES[0], ValueError(f"{n} sentences do not match the other sentence files"))
        if n and (rows.min() < 0 or rows.max() >= chunks or np.any(np.diff(rows) < 0)):
            raise damaged(folder / FILES[1], ValueError("sentence rows do not point to the chunks in order"))
        return cls(vectors, rows, spans, keys)

    def __len__(self) -> int:
        return len(self.rows)

    def of_rows(self, rows: Iterable[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """(spans, float32 vectors) of each chunk row that has sentences."""
        out = {}
        for r in rows:
            a, b = np.searchsorted(self.rows, [r, r + 1])
            if b > a:
                out[r] = (np.asarray(self.spans[a:b], dtype=np.int64), np.asarray(self.vectors[a:b], dtype=np.float32))
        return out


def write_sentences(
    folder: Path, old: SentenceIndex, keep_chunk: np.ndarray, new_pos: np.ndarray, new: list[tuple[int, Sentences]]
) -> int:
    """Write a new generation's sentence files: ``old``'s sentences of the chunks kept
    (``keep_chunk``, renumbered by ``new_pos``), then each new document's, whose chunks start at
    the row given with it. Returns how many sentences were written."""
    keep = keep_chunk[old.rows] if len(old) else np.zeros(0, bool)
    columns = (
        (old.vectors, [s.vectors for _f, s in new], "<f2"),
        (new_pos[old.rows] if len(old) else old.rows, [np.asarray(s.owners) + first for first, s in new], "<i4"),
        (old.spans, [s.spans for _f, s in new], "<i4"),
        (old.keys, [s.keys for _f, s in new], "<u8"),
    )
    for name, (kept, added, dtype) in zip(FILES, columns):
        write_rows(folder / name, kept, keep, added, np.dtype(dtype))
    return int(np.count_nonzero(keep)) + sum(len(s.owners) for _f, s in new)
