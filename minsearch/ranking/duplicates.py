"""Collapsing paragraphs that say the same thing twice into one hit with "also in" links.

Minutes print the same text again and again: a motion in each amendment and in the resolution,
a committee's recommendation in the council's minutes, a standard paragraph in every meeting.
Two paragraphs are the same when their words are the same (``exact`` fingerprint), or when both
have at least :data:`MIN_WORDS` words, similar lengths, and MinHash sketches estimating that at
least ``min_jaccard`` of their word pairs are shared (near-identical: a changed date, "(as
amended)"). See :mod:`minsearch.ingest.fingerprint`.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ..model import ChunkMeta

MIN_WORDS = 12  # below this, a SimHash says too little: only identical short texts collapse
MIN_LENGTH_RATIO = 0.8


def same_text(a: ChunkMeta, b: ChunkMeta, min_jaccard: float = 0.8) -> bool:
    """Are ``a`` and ``b`` the same paragraph printed twice?"""
    if a.exact == b.exact:
        return True
    if min(a.words, b.words) < MIN_WORDS or min(a.words, b.words) < MIN_LENGTH_RATIO * max(a.words, b.words):
        return False
    sa, sb = np.frombuffer(a.sketch, "<u4"), np.frombuffer(b.sketch, "<u4")
    return float(np.mean(sa == sb)) >= min_jaccard


Neighbours = dict[str, set[str]]


def repeats(ids: Sequence[str], meta: dict[str, ChunkMeta], min_jaccard: float = 0.8) -> Neighbours:
    """For each of ``ids``, the others among them that are the same text (only those that have any)."""
    known = [c for c in dict.fromkeys(ids) if c in meta]
    n = len(known)
    out: Neighbours = {}
    if n < 2:
        return out
    ms = [meta[c] for c in known]
    exact = np.array([m.exact for m in ms], dtype=np.uint64)
    words = np.array([m.words for m in ms], dtype=np.float64)
    pairs = [np.argwhere(np.triu(exact[:, None] == exact[None, :], 1))]
    long = np.flatnonzero(words >= MIN_WORDS)
    if len(long) > 1:
        sketch = np.stack([np.frombuffer(ms[i].sketch, "<u4") for i in long])
        w = words[long]
        # Cheap screen first: near-identical texts share one of the first four minima with
        # probability 1 - (1 - J)^4 (0.998 at J = 0.8); unrelated ones almost never do.
        screen = np.zeros((len(long), len(long)), dtype=bool)
        for k in range(min(4, sketch.shape[1])):
            screen |= sketch[:, None, k] == sketch[None, :, k]
        screen &= np.minimum(w[:, None], w[None, :]) >= MIN_LENGTH_RATIO * np.maximum(w[:, None], w[None, :])
        cand = np.argwhere(np.triu(screen, 1))
        if len(cand):
            share = (sketch[cand[:, 0]] == sketch[cand[:, 1]]).mean(axis=1)
            pairs.append(long[cand[share >= min_jaccard]])
    for i, j in np.concatenate(pairs) if pairs else []:
        a, b = known[int(i)], known[int(j)]
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def collapse(
    order: Sequence[str], meta: dict[str, ChunkMeta], min_jaccard: float = 0.8, neighbours: Optional[Neighbours] = None
) -> list[tuple[str, list[str]]]:
    """``order`` with repeats folded into the first (best placed) copy: [(chunk_id, [copies])].

    ``neighbours``: :func:`repeats` of a superset of ``order``, if already known."""
    same = neighbours if neighbours is not None else repeats(order, meta, min_jaccard)
    kept: list[tuple[str, list[str]]] = []
    rep_of: dict[str, int] = {}  # chunk id of a kept paragraph -> its place in kept
    for cid in order:
        copies = same.get(cid)  # (most paragraphs have none: no generator made for them)
        at = next((rep_of[o] for o in copies if o in rep_of), None) if copies else None
        if at is not None:
            kept[at][1].append(cid)
            continue
        rep_of[cid] = len(kept)
        kept.append((cid, []))
    return kept
