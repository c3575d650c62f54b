"""Collapsing paragraphs that say the same thing twice into one hit with "also in" links.

Minutes print the same text again and again: a motion in each amendment and in the resolution,
a committee's recommendation in the council's minutes, a standard paragraph in every meeting.
Two paragraphs are the same when their words are the same (``exact`` fingerprint), or when both
have at least :data:`MIN_WORDS` words, similar lengths, and MinHash sketches estimating that at
least ``min_jaccard`` of their word pairs are shared (near-identical: a changed date, "(as
amended)"), unless they print other numbers or dates, or name other people or places, in those
words (:func:`differ`: another year's resolution, another area's levy, another member's motion).
See :mod:`minsearch.ingest.fingerprint`.
"""

from __future__ import annotations

import functools
from typing import Optional, Sequence

import numpy as np

from ..ingest.fingerprint import Facts, words_of
from ..model import ChunkMeta
from ..words import safe_stem

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


def same_event(a: ChunkMeta, b: ChunkMeta) -> bool:
    """Can two paragraphs of the same words be one hit? A statement can: a committee's resolution
    printed again in the council's minutes is one decision, and so is a journal's reprint of a
    measure with its clauses. A short line of procedure is only who moved or voted: the same words
    under another agenda item are another event ("Moved by S. Trosow Seconded by D. Ferreira"
    under three motions, "Those voting nay: Council Member Polensek." under three ordinances were
    one hit each, the others "also in" it: a new user asking how a member voted saw one vote). It
    collapses only within its agenda item. Two lines of procedure of one meeting are one only when
    printed word for word: the next vote of an item often names nearly the same members ("For
    (33) ..." then "For (34) ...", Kent), and folding it hid the item's other vote."""
    if a.kind != "procedure" and b.kind != "procedure":
        return True
    if a.doc_id == b.doc_id:
        return a.item == b.item and a.exact == b.exact
    return min(a.words, b.words) >= MIN_WORDS


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
    pairs = [equal_pairs(exact)]
    long = np.flatnonzero(words >= MIN_WORDS)
    if len(long) > 1:
        sketch = np.frombuffer(b"".join(ms[i].sketch for i in long), "<u4").reshape(len(long), -1)
        w = words[long]
        # Cheap screen first: near-identical texts share one of the first four minima with
        # probability 1 - (1 - J)^4 (0.998 at J = 0.8); unrelated ones almost never do.
        screen = np.zeros((len(long), len(long)), dtype=bool)
        for k in range(min(4, sketch.shape[1])):
            screen |= sketch[:, None, k] == sketch[None, :, k]
        # The pairs it lets through, first row then second (as the upper triangle lists them), and
        # of those the ones of similar lengths: compared pair by pair, not as a whole matrix of
        # lengths (which with the exact copies' matrix was half the time of a search's counts).
        cand = np.argwhere(screen)
        cand = cand[cand[:, 0] < cand[:, 1]]
        a, b = w[cand[:, 0]], w[cand[:, 1]]
        cand = cand[np.minimum(a, b) >= MIN_LENGTH_RATIO * np.maximum(a, b)]
        if len(cand):
            share = (sketch[cand[:, 0]] == sketch[cand[:, 1]]).mean(axis=1)
            pairs.append(long[cand[share >= min_jaccard]])
    for i, j in np.concatenate(pairs).tolist():
        if not same_event(ms[i], ms[j]):
            continue
        a_id, b_id = known[i], known[j]
        out.setdefault(a_id, set()).add(b_id)
        out.setdefault(b_id, set()).add(a_id)
    return out


def differ(a: Facts, b: Facts) -> bool:
    """Do two paragraphs of nearly the same words say different things? They do when each prints a
    number or a date the other does not (the same resolution for 2022 and for 2020; $80,000
    amended to $50,000), when each names a member the other does not ("Moved by S. Hillier" /
    "Moved by S. Lewis") or a place or body the other's words lack (the Argyle and the Hyde Park
    business improvement associations' by-laws), or when they name the same members in another
    order (proposer and seconder swapped). A number or a name only one of them prints is not
    enough: a journal's reprint adds the measure's number ("Ord. No. 808-16."), the council's
    minutes add the committee's name. Nor is either meeting's own date: a journal stamps each
    measure with the day's date, and the committee's "to be held on January 21, 2025" is the
    council's own day.

    Measured on the judged queries' first pages: 155 near-identical pairs were shown as one hit,
    39 of them other decisions or extracts in the same words (another area's levy, $444,000
    against $2,408,000; each year's property tax resolution; another meeting's roll call; the
    council's $50,000 for the committee's $80,000; one a typing slip, $1,335,531 printed again as
    $1,335,331)."""
    own = {a.date, b.date}
    na, nb = a.numbers | (a.dates - own), b.numbers | (b.dates - own)
    if (na - nb) and (nb - na):
        return True
    pa, pb = set(a.people), set(b.people)
    if (pa - pb) and (pb - pa):
        return True
    if _names_apart(a, b):
        return True  # another place's or body's name ("the Argyle ..." / "the Hyde Park ... Association")
    return [p for p in a.people if p in pb] != [p for p in b.people if p in pa]


def _names_apart(a: Facts, b: Facts) -> bool:
    """Does each of ``a`` and ``b`` name a place or body the other's words lack, in any form
    ("Adopts" / "Adopt" is one word)? Stems are compared only when the texts differ so (rarely)."""
    only_a = {n for n in a.names - b.names if n not in b.lower}
    only_b = {n for n in b.names - a.names if n not in a.lower} if only_a else set()
    if not (only_a and only_b):
        return False
    stems_a, stems_b = ({safe_stem(w) for w in words_of(f.lower)} for f in (a, b))
    return any(safe_stem(n) not in stems_b for n in only_a) and any(safe_stem(n) not in stems_a for n in only_b)


def apart(near: Neighbours, facts: dict[str, Facts]) -> Neighbours:
    """``near`` (:func:`repeats`) without the pairs whose :class:`Facts` (of the paragraphs in
    ``facts``; those not in it keep their pairs) :func:`differ`."""
    out: Neighbours = {}
    for a, others in near.items():
        kept = {b for b in others if a not in facts or b not in facts or not differ(facts[a], facts[b])}
        if kept:
            out[a] = kept
    return out


def equal_pairs(values: np.ndarray) -> np.ndarray:
    """Every pair of positions ``(i, j)``, ``i < j``, holding equal ``values``, ordered by ``i``
    then ``j`` (as ``np.argwhere`` lists the upper triangle of their equality matrix), found by
    sorting rather than by comparing every value with every other."""
    n = len(values)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if n else np.zeros(0, dtype=np.int64)
    sizes = np.r_[starts[1:], n] - starts
    two = starts[sizes == 2]  # two equal values (most runs of equals): their pair at once
    found = [np.minimum(order[two], order[two + 1]) * n + np.maximum(order[two], order[two + 1])]
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
        same = np.sort(order[start : start + size])
        i, j = _upper_triangle(size)
        found.append(same[i] * n + same[j])
    # (sorted and deduplicated by hand: np.unique imports numpy.ma, 45 ms of every cold `minsearch query`)
    codes = np.sort(np.concatenate(found)).astype(np.int64)
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes
    return np.stack([codes // max(n, 1), codes % max(n, 1)], axis=1)


@functools.lru_cache(maxsize=256)
def _upper_triangle(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(size, 1)``, made once per size (read-only: shared by every call)."""
    i, j = np.triu_indices(size, 1)
    i.flags.writeable = j.flags.writeable = False
    return i, j


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
        # The best-placed kept copy, whatever order the set of copies is walked in (a paragraph
        # like two kept ones joined whichever Python's string hashing listed first).
        at = min((rep_of[o] for o in copies if o in rep_of), default=None) if copies else None
        if at is not None:
            kept[at][1].append(cid)
            continue
        rep_of[cid] = len(kept)
        kept.append((cid, []))
    return kept
