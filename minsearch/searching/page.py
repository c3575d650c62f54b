"""One page of a ranking as hits: the paragraphs read from the store, and their snippets."""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..model import Hit, Query, SearchResult
from ..ranking.rank import Ranked
from ..ranking.snippets import TermMatcher, content_stems, focus_spans, most_words, opening, snippet
from ..store.base import StoreView
from .encoding import TextEncoder

# Sentence openings encoded for one page at most, for paragraphs whose sentences the index does not
# keep (hits in rank order; past it, the first of a paragraph's equally good sentences): a page of
# long paragraphs without the query's words took several times a keyword page.
FOCUS_BUDGET = 12


def hits(view: StoreView, ranked: list[Ranked], first: int) -> list[Hit]:
    """``ranked`` as hits numbered from ``first + 1``, their repeats ("also in") attached."""
    ids = [r.chunk_id for r in ranked] + [a for r in ranked for a in r.also]
    chunks = view.chunks(ids)
    return [
        Hit(
            rank=first + i + 1,
            score=r.score,
            chunk=chunks[r.chunk_id],
            keyword_rank=r.keyword_rank,
            semantic_rank=r.semantic_rank,
            also=[chunks[a] for a in r.also if a in chunks],
            context=r.context,
        )
        for i, r in enumerate(ranked)
        if r.chunk_id in chunks
    ]


def result_page(
    view: StoreView,
    q: Query,
    ranked: list[Ranked],
    terms: list[tuple[str, str]],
    notices: list[str],
    more: bool = False,
) -> SearchResult:
    """The page ``q.offset``/``q.limit`` asks for (no snippets yet: see :func:`add_snippets`)."""
    page = hits(view, ranked[q.offset : q.offset + q.limit], q.offset)
    words = sorted({t for _f, t in terms})  # highlighted words, as the front ends are told
    return SearchResult(query=q, hits=page, total=len(ranked), more=more, notices=notices, terms=words)


def add_snippets(
    hits: list[Hit],
    matcher: TermMatcher,
    view: StoreView,
    encoder: TextEncoder,
    meaning: str,
    qvec: Optional[np.ndarray] = None,
    mark_sentences: bool = True,
    encode_sentences: bool = True,
) -> None:
    """Keyword matches are marked; a hit found only by meaning shows its best sentence, chosen by
    its closeness to ``qvec`` (or to ``meaning``, the query's words, encoded here if need be).
    The sentences' vectors are the index's (:meth:`StoreView.sentence_vectors`); a paragraph whose
    sentences it does not keep has them encoded here (at most :data:`FOCUS_BUDGET` a page).
    ``mark_sentences=False`` (the closest paragraphs of a query without matches): the excerpt is
    still the best sentence, unmarked, since it is not known to answer anything.
    A hit listed as the rest of an agenda item (``Hit.context``) shows its opening, and the
    query's words if it holds any.
    ``encode_sentences=False`` (more like this, where ``meaning`` is a whole paragraph): nothing is
    encoded; without kept vectors, the sentence with the most of its words, the first of equals."""
    # (an item's rest listed after what names it opens at its start: it matched nothing itself)
    need_focus = [h for h in hits if not (h.context or (matcher and matcher.spans(h.chunk.text)))]
    focus: dict[str, tuple[int, int]] = {}
    # The first sentences are enough to choose from, and keep a page fast; a paragraph of
    # one sentence needs no choosing (most minutes paragraphs are one or two sentences).
    spans = {h.chunk.chunk_id: focus_spans(h.chunk.text) for h in need_focus}
    for cid, sp in spans.items():
        if len(sp) == 1:
            focus[cid] = sp[0]
    choose = [h for h in need_focus if len(spans[h.chunk.chunk_id]) > 1]
    kept = view.sentence_vectors([h.chunk.chunk_id for h in choose]) if choose else {}
    # A sentence holding more of the query's own words than any other is the one to show; the
    # sentences' vectors choose among the rest.
    words = content_stems(meaning)
    known: list[tuple[Hit, list[tuple[int, int]], np.ndarray]] = []  # (hit, shortlist, their kept vectors)
    todo: list[tuple[Hit, list[tuple[int, int]]]] = []  # (hit, shortlist) to encode here
    budget = FOCUS_BUDGET if encode_sentences else 0
    for h in choose:
        cid = h.chunk.chunk_id
        sp = spans[cid]
        best = most_words([h.chunk.text[s:e] for s, e in sp], words)
        shortlist = [sp[i] for i in best]
        if len(shortlist) == 1:
            focus[cid] = shortlist[0]
        elif cid in kept and [tuple(x) for x in kept[cid][0].tolist()] == sp:  # kept for these very sentences
            known.append((h, shortlist, kept[cid][1][best]))
        elif len(shortlist) > budget:
            focus[cid] = shortlist[0]
        else:
            todo.append((h, shortlist))
            budget -= len(shortlist)
    sentences = [opening(h.chunk.text[s:e]) for h, sp in todo for s, e in sp]
    if (known or todo) and qvec is None:
        vecs = encoder.encode([meaning] + sentences)
        qvec, sv = vecs[0], vecs[1:]
    elif todo:
        sv = encoder.encode(sentences)
    if qvec is not None:
        q = np.asarray(qvec, dtype=np.float32).ravel()
        for h, sp, vecs in known:
            focus[h.chunk.chunk_id] = sp[int(np.argmax(vecs @ q))]
        pos = 0
        for h, sp in todo:
            focus[h.chunk.chunk_id] = sp[int(np.argmax(sv[pos : pos + len(sp)] @ q))]
            pos += len(sp)
    for h in hits:
        f = focus.get(h.chunk.chunk_id)
        if f is not None:
            text = h.chunk.text
            # Mark the best sentence itself: it is what matched.
            seg = snippet(text, TermMatcher([]), focus=f)
            h.snippet = mark_span(seg, text, f) if mark_sentences else seg
        else:
            h.snippet = snippet(h.chunk.text, matcher)


def mark_span(segments: list[tuple[str, bool]], text: str, span: tuple[int, int]) -> list[tuple[str, bool]]:
    """Re-cut plain snippet segments so the characters of ``span`` are marked."""
    shown = "".join(s for s, _ in segments)
    sentence = text[span[0] : span[1]].strip()
    i = shown.find(sentence[:80])
    if i < 0:
        return segments
    j = shown.find(sentence[-40:], i)
    end = j + len(sentence[-40:]) if j >= 0 else min(len(shown), i + len(sentence))
    out = [(shown[:i], False), (shown[i:end], True), (shown[end:], False)]
    return [(t, m) for t, m in out if t]
