"""Vector search and vector reads: a chunk scores as its best unit (embedding window)."""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np

from ...model import Filters
from ..base import NO_FEEDBACK, VectorResult, feedback_order
from .connection import _Connected
from .expressions import _in_keys, filter_expr, key, quote
from .schema import _BATCH, _MAX_TOPK


class _VectorSearch(_Connected):
    """The semantic view of :class:`~.reader.MilvusStore`."""

    def vector_search(
        self,
        vector: np.ndarray,
        filters: Filters,
        limit: int,
        floor: Optional[float] = None,
        feedback: tuple[float, int] = NO_FEEDBACK,
    ) -> VectorResult:
        vec = np.asarray(vector, dtype=np.float32).ravel().tolist()
        res = self._call(
            "vector search",
            self._client.search,
            self._chunks,
            data=[vec],
            anns_field="dense",
            limit=min(limit, _MAX_TOPK),
            filter=filter_expr(filters),
            output_fields=["chunk_id"],
            search_params={"metric_type": "IP"},
            group_by_field="chunk_id",
        )
        out = [(r["entity"]["chunk_id"], float(r["distance"])) for r in res[0]] if res else []
        out.sort(key=lambda x: -x[1])
        above = len(out) if floor is None else sum(1 for _c, sc in out if sc >= floor)
        # Counted within the pool: a pool that is all above the floor means "at least this many".
        return VectorResult(
            out, above + int(above == len(out) and len(out) >= limit), self._reordered(out, vector, feedback)
        )

    def _reordered(
        self, hits: list[tuple[str, float]], vector: np.ndarray, feedback: tuple[float, int]
    ) -> Optional[list[tuple[str, float]]]:
        """``hits`` reordered by meaning feedback (the server holds the vectors: they are read back)."""
        ids = [c for c, _s in hits]

        def scores_of(moved: np.ndarray) -> np.ndarray:
            scores = self.vector_scores(moved, ids)
            return np.array([scores.get(c, np.nan) for c in ids])

        return feedback_order(
            hits, vector, feedback, lambda depth: [self.chunk_vector(c) for c in ids[:depth]], scores_of
        )

    def sentence_vectors(self, chunk_ids: Iterable[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """None: the collections keep no sentence vectors (the writer's ``keeps_sentences``)."""
        return {}

    def chunk_vector(self, chunk_id: str) -> Optional[np.ndarray]:
        """The mean of a chunk's unit vectors, normalised (for "more like this")."""
        rows = self._call(
            "reading a vector",
            self._client.query,
            self._chunks,
            filter=f"chunk_key == {quote(key(chunk_id))}",
            output_fields=["dense", "gen"],
            limit=_MAX_TOPK,
        )
        if not rows:
            return None
        gen = max(r["gen"] for r in rows)
        v = np.asarray([r["dense"] for r in rows if r["gen"] == gen], dtype=np.float32).mean(axis=0)
        return (v / (np.linalg.norm(v) or 1.0)).astype(np.float32)

    def best_cosines(self, vectors: np.ndarray) -> np.ndarray:
        """One nearest-neighbour search per row (the server holds the vectors)."""
        out = []
        for v in vectors:
            hits = self.vector_search(v, Filters(), 1).hits
            out.append(hits[0][1] if hits else np.nan)
        return np.asarray(out, dtype=np.float32)

    def vector_scores(self, vector: np.ndarray, chunk_ids: Iterable[str]) -> dict[str, float]:
        ids = list(dict.fromkeys(chunk_ids))
        q = np.asarray(vector, dtype=np.float32).ravel()
        best: dict[str, tuple[int, float]] = {}  # chunk -> (generation, best unit score)
        for s in range(0, len(ids), _BATCH):
            part = ids[s : s + _BATCH]
            rows = self._call(
                "reading vectors",
                self._client.query,
                self._chunks,
                filter=_in_keys("chunk_key", part),
                output_fields=["chunk_id", "dense", "gen"],
                limit=_MAX_TOPK,
            )
            for r in rows:
                score = float(np.asarray(r["dense"], dtype=np.float32) @ q)
                gen, old = best.get(r["chunk_id"], (-1, -2.0))
                if r["gen"] > gen or (r["gen"] == gen and score > old):
                    best[r["chunk_id"]] = (r["gen"], score)
        return {c: v for c, (_g, v) in best.items()}
