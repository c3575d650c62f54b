"""A paragraph's agenda item as context for meaning: variants measured leave-one-corpus-out.

    python -m benchmarks.item_context [--data DIR] [--quick]

writes ``benchmarks/results/item_context.md`` and ``.json`` (:mod:`benchmarks.sweep`). None of
these is a setting of the product: each is put in place around the product's own search for its
row of the grid (:func:`apply`) and taken out after.

The semantic view's candidates are reordered (as meaning feedback reorders them: fusion reads the
new order, whether a paragraph matches is still its cosine to the query) by their own closeness
plus ``weight`` times their agenda item's:

- **centroid**: the cosine of the query to the mean of every vector of the item's paragraphs
  (the item's discussion as a whole; a vote line under "Closure of Cookham Wood YOI" is close to
  "jail for teenagers shut down" only through its item).
- **best**: the best cosine of the query over the item's paragraphs (the item's answer lends its
  closeness to its neighbours).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator, Optional

import numpy as np

from . import sweep as _sweep
from .sweep import Setting, Sweep

WEIGHTS = (0.1, 0.2, 0.35, 0.5)
WHAT = (
    "Agenda-item context for the semantic view's order, none of it a setting of the product (see the "
    "module docstring of `benchmarks/item_context.py`): each semantic candidate's score in fusion is "
    "its cosine (or meaning feedback's score) plus a weight times its agenda item's closeness to the "
    "query (the item's mean vector, or its best paragraph); matches are still decided by the cosine. "
    "The IR sets and the out-of-domain queries are searched with every variant."
)


def _label(s: Setting) -> str:
    return "off" if s[0] == "off" else f"item {s[0]}, weight {s[1]}"


def _groups(index) -> tuple[np.ndarray, np.ndarray]:
    """Each chunk row's item group, and each group's normalised mean vector (cached on ``index``)."""
    cached = getattr(index, "_bench_groups", None)
    if cached is not None:
        return cached
    t = index.table
    pair = t.doc_id.codes.astype(np.int64) * (1 << 31) + t.item.astype(np.int64)
    _u, group = np.unique(pair, return_inverse=True)
    group = group.ravel()
    sums = np.zeros((len(_u), index.vectors.shape[1]), dtype=np.float32)
    np.add.at(sums, group[index.units], np.asarray(index.vectors, dtype=np.float32))
    sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    index._bench_groups = (group, sums)
    return index._bench_groups


@contextmanager
def apply(s: Setting) -> Iterator[None]:
    """Put variant ``s`` in place around the product's search; take it out after."""
    from minsearch.store import vectors as v

    if s[0] == "off":
        yield
        return
    how, weight = s
    search = v.VectorIndex.search

    def search_(self, qvec, filters, limit, floor=None, feedback=v.NO_FEEDBACK):
        res = search(self, qvec, filters, limit, floor, feedback)
        base = res.reordered if res.reordered is not None else res.hits
        if not base:
            return res
        group, centroids = _groups(self)
        rows = np.array([r for r in self.rows_of([c for c, _ in base])], dtype=np.int64)
        q = qvec.astype(np.float32)
        if how == "centroid":
            ctx = centroids[group[rows]] @ q
        else:
            scores = np.maximum.reduceat(v._product(self.vectors, q), self._starts)
            best = np.full(len(centroids), -np.inf, dtype=np.float32)
            np.maximum.at(best, group, scores)
            ctx = best[group[rows]]
        new = np.array([sc for _c, sc in base], dtype=np.float32) + weight * ctx
        order = np.argsort(-new, kind="stable")
        return replace(res, reordered=[(base[i][0], float(new[i])) for i in order])

    v.VectorIndex.search = search_
    try:
        yield
    finally:
        v.VectorIndex.search = search


def sweep(quick: bool = False) -> Sweep:
    weights = WEIGHTS[1:2] if quick else WEIGHTS
    grid = (*((("centroid", w)) for w in weights), *((("best", w)) for w in weights))
    return Sweep.of_variants(
        "item_context",
        "A paragraph's agenda item as context for meaning: variants not taken",
        WHAT,
        grid,
        _label,
        apply,
    )


def main(argv: Optional[list[str]] = None) -> None:
    _sweep.main(sweep, __doc__, "python -m benchmarks.item_context", "weight 0.2 only", argv)


if __name__ == "__main__":
    main()
