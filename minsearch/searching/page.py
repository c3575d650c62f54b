"""One page of a ranking as hits: the paragraphs read from the store, and their snippets."""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..model import Hit, Query, SearchResult
from ..ranking.rank import Ranked
from ..ranking.snippets import TermMatcher, content_stems, most_words, sentence_spans, snippet
from ..store.base import StoreView
from .encoding import TextEncoder

FOCUS_SENTENCES = 8  # sentences of a paragraph found by meaning that its snippet is chosen from
# Words of each of those sentences that are encoded to choose among them. A sentence's opening
# words say what it is about, and the encoder's time grows with the longest text of a batch
# (a 60-word sentence padded the whole page's): over the 191 choices of the Limerick latency
# and judged queries, the first 24 words chose the sentence the whole sentences chose 93% of
# the time (its closeness to the query 99% of the best's) in a fraction of the time.
FOCUS_WORDS = 24
# Sentence openings encoded for one page at most (hits in rank order; past it, the first of a
# paragraph's equally good sentences): a page of long paragraphs without the query's words
# took several times a keyword page.
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
    encoder: TextEncoder,
    meaning: str,
    qvec: Optional[np.ndarray] = None,
    mark_sentences: bool = True,
    encode_sentences: bool = True,
) -> None:
    """Keyword matches are marked; a hit found only by meaning shows its best sentence, chosen by
    its closeness to ``qvec`` (or to ``meaning``, the query's words, encoded here if need be).
    ``mark_sentences=False`` (the closest paragraphs of a query without matches): the excerpt is
    still the best sentence, unmarked, since it is not known to answer anything.
    ``encode_sentences=False`` (more like this, where ``meaning`` is a whole paragraph): the
    sentence with the most of its words, the first of equals; the encoder is not used."""
    need_focus = [h for h in hits if not (matcher and matcher.spans(h.chunk.text))]
    focus: dict[str, tuple[int, int]] = {}
    # The first sentences are enough to choose from, and keep a page fast; a paragraph of
    # one sentence needs no choosing (most minutes paragraphs are one or two sentences).
    spans = {h.chunk.chunk_id: sentence_spans(h.chunk.text)[:FOCUS_SENTENCES] for h in need_focus}
    for cid, sp in spans.items():
        if len(sp) == 1:
            focus[cid] = sp[0]
    choose = [h for h in need_focus if len(spans[h.chunk.chunk_id]) > 1]
    # A sentence holding more of the query's own words than any other is the one to show (no
    # encoding: the encoder was most of a meaning page's time); the encoder chooses among the
    # rest, from each sentence's opening words.
    words = content_stems(meaning)
    todo: list[tuple[Hit, list[tuple[int, int]]]] = []
    budget = FOCUS_BUDGET if encode_sentences else 0
    for h in choose:
        sp = spans[h.chunk.chunk_id]
        shortlist = [sp[i] for i in most_words([h.chunk.text[s:e] for s, e in sp], words)]
        if len(shortlist) == 1 or len(shortlist) > budget:
            focus[h.chunk.chunk_id] = shortlist[0]
        else:
            todo.append((h, shortlist))
            budget -= len(shortlist)
    if todo:
        sentences = [_opening(h.chunk.text[s:e]) for h, sp in todo for s, e in sp]
        if qvec is None:
            vecs = encoder.encode([meaning] + sentences)
            qvec, sv = vecs[0], vecs[1:]
        else:
            sv = encoder.encode(sentences)
        pos = 0
        for h, sp in todo:
            sims = sv[pos : pos + len(sp)] @ qvec
            focus[h.chunk.chunk_id] = sp[int(np.argmax(sims))]
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


def _opening(sentence: str, words: int = FOCUS_WORDS) -> str:
    """The first ``words`` words of a sentence (what is encoded to choose it)."""
    parts = sentence.split(None, words)
    return " ".join(parts[:words])


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
