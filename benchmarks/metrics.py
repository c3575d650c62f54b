"""Ranking metrics, computed here (no pytrec_eval): nDCG@k, recall@k, MRR@k.

* ``ranked``: document ids, best first (duplicates already removed).
* ``gains``: {doc_id: gain} for judged documents; a gain > 0 means relevant. Linear gains,
  log2 discount: DCG@k = sum_{i=1..k} gain_i / log2(i + 1); nDCG = DCG / ideal DCG.
"""

from __future__ import annotations

import math
from statistics import mean
from typing import Mapping, Sequence


def dcg(gains: Sequence[float], k: int) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at_k(ranked: Sequence[str], gains: Mapping[str, float], k: int = 10) -> float:
    ideal = dcg(sorted((g for g in gains.values() if g > 0), reverse=True), k)
    if ideal <= 0:
        return 0.0
    return dcg([max(0.0, gains.get(d, 0.0)) for d in ranked], k) / ideal


def recall_at_k(ranked: Sequence[str], gains: Mapping[str, float], k: int = 100) -> float:
    relevant = {d for d, g in gains.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], gains: Mapping[str, float], k: int = 10) -> float:
    for i, d in enumerate(ranked[:k]):
        if gains.get(d, 0.0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def evaluate(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Mean nDCG@10, recall@100 and MRR@10 over the queries of ``qrels`` with a relevant document.

    A query missing from ``run`` counts as an empty ranking (scores 0)."""
    qids = [q for q, g in qrels.items() if any(v > 0 for v in g.values())]
    if not qids:
        return {"ndcg@10": float("nan"), "recall@100": float("nan"), "mrr@10": float("nan"), "queries": 0}
    return {
        "ndcg@10": mean(ndcg_at_k(run.get(q, []), qrels[q], 10) for q in qids),
        "recall@100": mean(recall_at_k(run.get(q, []), qrels[q], 100) for q in qids),
        "mrr@10": mean(mrr_at_k(run.get(q, []), qrels[q], 10) for q in qids),
        "queries": len(qids),
    }


def dedupe(ids: Sequence[str]) -> list[str]:
    """Keep the first occurrence of each id (a document ranks at its best chunk)."""
    seen: set[str] = set()
    out = []
    for d in ids:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out
