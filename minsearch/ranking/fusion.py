"""Fusing the keyword and semantic lists: the only place that decides the order of results.

* Reciprocal rank fusion (Cormack et al., 2009): ``sum 1 / (k + rank)``; ignores raw scores, so
  BM25's unbounded scale and cosine's narrow one need no calibration.
* Weighted score fusion: each list min-max normalised to [0, 1] over its candidates, then
  ``alpha * semantic + (1 - alpha) * keyword``; a chunk missing from a list scores 0 there.

Procedure (apologies, attendance lists, contacts) is demoted in each view before fusion: a
boilerplate paragraph is moved ``penalty`` places down its list, so it can only outrank a
paragraph of discussion that the view found far less relevant. (A score weight does not do
this for cosine similarity, whose range is narrow: a short list of names is "closer" to a
name query than the paragraph where that person actually spoke.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

Ranked = Sequence[tuple[str, float]]  # (chunk_id, score), best first


@dataclass(frozen=True)
class Fused:
    chunk_id: str
    score: float
    keyword_rank: Optional[int]
    semantic_rank: Optional[int]


def rrf(keyword: Ranked, semantic: Ranked, k: int = 60) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranked in (keyword, semantic):
        for rank, (cid, _s) in enumerate(ranked, start=1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank)
    return scores


def _minmax(ranked: Ranked) -> dict[str, float]:
    if not ranked:
        return {}
    vals = [s for _c, s in ranked]
    lo, hi = min(vals), max(vals)
    if hi - lo < 1e-12:
        return {c: 1.0 for c, _s in ranked}
    return {c: (s - lo) / (hi - lo) for c, s in ranked}


def weighted(keyword: Ranked, semantic: Ranked, alpha: float = 0.5) -> dict[str, float]:
    kn, sn = _minmax(keyword), _minmax(semantic)
    return {c: alpha * sn.get(c, 0.0) + (1 - alpha) * kn.get(c, 0.0) for c in kn.keys() | sn.keys()}


def demoted(ranked: Ranked, demote: frozenset[str], penalty: int) -> list[tuple[str, float]]:
    """``ranked`` with each chunk in ``demote`` moved ``penalty`` places down (scores kept)."""
    if not demote or penalty <= 0:
        return list(ranked)
    keyed = [(i + (penalty + 0.5 if c in demote else 0), c, sc) for i, (c, sc) in enumerate(ranked)]
    return [(c, sc) for _k, c, sc in sorted(keyed)]


def fuse(
    keyword: Ranked,
    semantic: Ranked,
    method: str = "rrf",
    *,
    k: int = 60,
    alpha: float = 0.5,
    demote: frozenset[str] = frozenset(),
    penalty: int = 10,
) -> list[Fused]:
    """One list, best first."""
    if method == "rrf":
        keyword, semantic = demoted(keyword, demote, penalty), demoted(semantic, demote, penalty)
        scores = rrf(keyword, semantic, k)
    elif method == "weighted":
        scores = weighted(keyword, semantic, alpha)
    else:
        raise ValueError(f"fusion: unknown method {method!r} (rrf or weighted)")
    krank = {c: r for r, (c, _s) in enumerate(keyword, start=1)}
    srank = {c: r for r, (c, _s) in enumerate(semantic, start=1)}
    # Ties (common in RRF) go to the better keyword rank, then the better semantic rank, then id.
    order = sorted(scores, key=lambda c: (-scores[c], krank.get(c, 1 << 30), srank.get(c, 1 << 30), c))
    if method == "weighted":
        # Scores ignore positions, so the same rule applies to the fused list instead.
        order = [c for c, _s in demoted([(c, scores[c]) for c in order], demote, penalty)]
    return [Fused(c, scores[c], krank.get(c), srank.get(c)) for c in order]


def single(ranked: Ranked, demote: frozenset[str] = frozenset(), penalty: int = 10,
           view: str = "keyword") -> list[Fused]:
    """One view on its own (keyword or semantic mode), with the same boilerplate rule."""
    rank = {c: r for r, (c, _s) in enumerate(ranked, start=1)}
    out = demoted(ranked, demote, penalty)
    if view == "keyword":
        return [Fused(c, s, rank[c], None) for c, s in out]
    return [Fused(c, s, None, rank[c]) for c, s in out]
