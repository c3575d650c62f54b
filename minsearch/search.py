"""The Searcher: the one facade the CLI and the web page call. Front ends hold no search logic.

It validates a :class:`~minsearch.model.Query`, asks the store's two views for candidates under
the same filters, ranks them (:mod:`minsearch.ranking`), pages and builds snippets. Each of those
steps is its own small module in :mod:`minsearch.searching`; this class holds the index, the
glossary and the encoder, and calls the steps in order.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator, Optional, Sequence

import numpy as np

from .config import Settings, load_settings
from .glossary import Glossary, load_glossary
from .model import Chunk, Filters, Hit, MatchCounts, MinsearchError, Query, SearchResult, printable
from .ranking.rank import BestScores, RankParams, params_from, rank
from .ranking.snippets import TermMatcher
from .searching import browse
from .searching import candidates as _candidates
from .searching.calibration import NullScores, calibrated, null_scores, probe_vectors
from .searching.candidates import Candidates
from .searching.counts import count_matches, count_paragraphs
from .searching.decisions import (
    DecisionTimeline,
    asked_of,
    decision_ids,
    decision_matches,
    decisions_query,
    mark_words,
    merged,
    timeline,
    without_section,
)
from .searching.encoding import LazyEncoder, TextEncoder
from .searching.examples import Examples, find_examples
from .searching.filters import resolve_filters
from .searching.page import add_snippets, hits, result_page
from .searching.pergen import PerGeneration
from .searching.ranked import best_scores, rank_candidates
from .searching.reference import numbered_page, read_reference
from .searching.repeats import repeats_in
from .searching.spelling import did_you_mean
from .searching.validate import (
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    check_date,
    check_filters,
    dated_index,
    query_text,
    validate,
)
from .searching.vocabulary import index_glossary
from .searching.votes import add_motions
from .store import open_store
from .store.base import Facets, IndexInfo, Store, StoreView
from .store.query import semantic_text

__all__ = ["CLOSEST", "MAX_LIMIT", "MAX_QUERY_CHARS", "Candidates", "Searcher", "check_date", "semantic_text"]

CLOSEST = 5  # low-confidence paragraphs shown when nothing matches


class Searcher:
    """Searches one index (embedded or Milvus). Thread-safe; reuse one per process."""

    def __init__(
        self, settings: Optional[Settings] = None, store: Optional[Store] = None, encoder: Optional[TextEncoder] = None
    ) -> None:
        """``encoder``: a query encoder already loaded (a server's workers share their parent's)."""
        self.settings = settings or load_settings()
        self.store = store or open_store(self.settings)
        self.glossary: Glossary = load_glossary(self.settings.index_dir)  # without the minutes' own acronyms
        self._glossaries: PerGeneration[Glossary] = PerGeneration(lambda view: index_glossary(self.glossary, view))
        self._encoder = LazyEncoder((lambda: encoder) if encoder is not None else self.load_encoder)
        # The off-topic probes' best cosines: one matrix product (70 ms on Limerick), once per generation.
        probes = functools.cache(lambda: probe_vectors(self.settings.index_dir, self.store.model, self.encode))
        self._null: PerGeneration[NullScores] = PerGeneration(lambda view: null_scores(view, probes()))
        self._dated: PerGeneration[bool] = PerGeneration(dated_index)
        self._examples: PerGeneration[Examples] = PerGeneration(
            lambda view: find_examples(view, self.glossary_for(view))
        )

    # -- the query encoder, loaded on first semantic use --------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        return self._encoder.encode(texts)

    def load_encoder(self, threads: Optional[int] = None) -> TextEncoder:
        """The index's own model: its ONNX export when there is one, else torch (~8 s, same
        vectors), or the hashing encoder of a test index."""
        from .encode import open_encoder
        from .store.layout import IndexLayout

        folder = IndexLayout(self.settings.index_dir).encoder_dir(self.store.model)
        return open_encoder(self.store.model, folder, threads)

    # -- validation -------------------------------------------------------------------------------
    def validate(self, q: Query, view: Optional[StoreView] = None) -> tuple[Query, list[str]]:
        """``q`` checked and normalised (see :mod:`minsearch.searching.validate`), and notices.
        With a ``view``, dates named in the words filter only an index of dated meetings."""
        return validate(q, dated=view is None or self._dated.get(view))

    # -- searching --------------------------------------------------------------------------------
    def glossary_for(self, view: StoreView) -> Glossary:
        """The glossary searches of ``view`` use: the shipped one, the index home's, and the
        acronyms the indexed minutes define (:mod:`minsearch.searching.vocabulary`)."""
        return self._glossaries.get(view)

    def rank_params(self, fusion: Optional[str] = None, view: Optional[StoreView] = None, mode: str = "") -> RankParams:
        """The ranking knobs; with a ``view``, the bar for a confident answer by meaning is set for
        that index (:mod:`minsearch.searching.calibration`; not for keyword mode, which has no bar
        and needs no encoder)."""
        params = params_from(self.settings, fusion)
        if view is None or mode == "keyword":
            return params
        return calibrated(params, self._null.get(view))

    def candidates(self, q: Query, view: StoreView, *, strict: bool = True) -> Candidates:
        """Both views' candidates for a validated query, under its filters (no ranking yet)."""
        return _candidates.gather(
            q, view, self.settings, self.glossary_for(view), self._encoder, semantic_text(q.text), strict=strict
        )

    def search(self, q: Query, *, strict: bool = True, snippets: bool = True, counts: bool = False) -> SearchResult:
        """Matching paragraphs for ``q``, best first (or newest first), repeats collapsed.

        ``strict=False`` turns query syntax errors into a plain-words search. ``counts=True``
        also counts all the matches by council, committee, year and month (``result.counts``).
        Council and committee filters are resolved first (:func:`resolve_filters`): "kent" is
        Kent County Council; an unknown or ambiguous name is an error listing the nearest names.
        """
        with self.pinned() as view:
            return self._search(view, q, strict, snippets, counts)

    def _search(self, view: StoreView, q: Query, strict: bool, snippets: bool, counts: bool = False) -> SearchResult:
        typed = q.text  # (a suggestion keeps the dates named in words, which validate takes out)
        ref = read_reference(typed, view.facets)  # (before validate: a citation's date is its own)
        asked = q.filters
        q, notices = self.validate(q, view)
        if ref is not None:  # "minute 298", or a citation pasted back: that minute's paragraphs
            chosen = self._resolve(view, check_filters(asked))  # (the citation's own: numbered_page)
            return numbered_page(view, replace(q, text=" ".join(typed.split()), filters=chosen), ref, counts)
        q = replace(q, filters=self._resolve(view, q.filters))
        c = self.candidates(q, view, strict=strict)
        confidence = self._confidence(view, q, c, strict)
        params = self.rank_params(q.fusion, view, q.mode)
        near = repeats_in(view, c.meta, c.meta, params.duplicate_jaccard)
        ranked = rank_candidates(q, c, params, reference=confidence, confidence=confidence, neighbours=near)
        kw = c.keyword
        if kw is not None:
            notices.extend(kw.notices)
        terms = (kw.terms if kw else []) + c.marked
        result = result_page(view, q, ranked.ranking.matches, terms, notices, more=ranked.more)
        if not result.hits and q.offset == 0:
            result.closest = hits(view, ranked.ranking.closest[:CLOSEST], 0)
        add_motions(result.hits, view)  # (a vote on the page says what it decided: JSON included)
        if snippets:
            matcher = TermMatcher(terms)
            add_snippets(result.hits, matcher, view, self._encoder, semantic_text(q.text), c.qvec)
            add_snippets(
                result.closest, matcher, view, self._encoder, semantic_text(q.text), c.qvec, mark_sentences=False
            )
        result.expansions = c.expansions
        if counts:
            result.counts = count_matches(
                q, c, params, view.documents(), result.total, ranked.more, confidence, neighbours=near
            )
        if q.mode != "semantic":  # a query by meaning has no words to misspell
            glossary_words = {w for e in self.glossary_for(view).expand(q.text) for w in e.words}
            # (cut as the search was: a pasted page must not send every word to the speller)
            result.suggestion = did_you_mean(query_text(typed)[0], view, glossary_words)
        return result

    def _confidence(self, view: StoreView, q: Query, c: Candidates, strict: bool) -> BestScores:
        """The best scores ``q`` reaches over the whole index: whether it has a confident answer at
        all is decided there, so that a council, committee or date filter narrows the answers and
        does not make the query unanswerable. Judged among a filter's candidates alone, a filter
        that left out the best answer left none (London Ontario, "snow removal": 50 matches, none
        in a committee that held 13 of them). Each paragraph is judged by the same bars too (how
        close, how much of the query): a filter narrows the matches and never adds any (judged
        among its own weaker candidates, "459 Hales Street" had 7 matches in all and 90+ in one
        committee). One more gather, only for filtered queries.
        """
        f, joint = q.filters, self.settings.joint_coverage
        if not (f.council or f.committee or f.since or f.until or f.section):
            return best_scores(q, c, joint)
        everywhere = replace(f, council=None, committee=None, since=None, until=None, section=None)
        best, here = (
            best_scores(q, self.candidates(replace(q, filters=everywhere), view, strict=strict), joint),
            best_scores(q, c, joint),
        )
        return best.with_(here)

    def _resolve(self, view: StoreView, f: Filters) -> Filters:
        """Council and committee as the index stores them (names are read only when filtered on)."""
        return resolve_filters(f, view.facets()) if f.council or f.committee else f

    def resolve(self, f: Filters) -> Filters:
        """``f`` checked (dates) and with its council and committee resolved to stored names."""
        with self.pinned() as view:
            return self._resolve(view, check_filters(f))

    def decisions(self, q: Query, *, strict: bool = True, snippets: bool = True) -> DecisionTimeline:
        """What meetings resolved about ``q.text``: the decision paragraphs that are confident
        matches of the search, grouped by meeting, oldest meeting first (see
        :mod:`minsearch.searching.decisions`). ``q.limit``, ``q.offset`` and ``q.sort`` are not
        used: a timeline is one list, in date order."""
        with self.pinned() as view:
            q, asked = asked_of(q, view.facets())
            q, notices = self.validate(decisions_query(q), view)
            q = replace(q, filters=self._resolve(view, q.filters))
            found = self.candidates(q, view, strict=strict)
            everything = self.candidates(replace(q, filters=without_section(q.filters)), view, strict=strict)
            c = merged(everything, found)
            params = self.rank_params(q.fusion, view, q.mode)
            # Answerable or not as the whole index's search is (decisions or not): one more gather
            # only when a council, committee or date filter narrows it (see _confidence).
            unsectioned = replace(q, filters=without_section(q.filters))
            best = self._confidence(view, unsectioned, everything, strict)
            near = repeats_in(view, c.meta, c.meta, params.duplicate_jaccard)
            ranked = rank_candidates(q, c, params, reference=best, confidence=best, neighbours=near)
            kept = decision_matches(ranked.ranking.matches, decision_ids(found), c, params, q.mode)
            result = timeline(view, q, kept)
        kw = c.keyword
        terms = kw.terms if kw else []
        result.notices = asked + notices + (kw.notices if kw else [])
        result.terms = sorted({t for _f, t in terms})
        result.expansions = c.expansions
        if snippets:
            mark_words(result, terms)
        return result

    @contextmanager
    def pinned(self) -> Iterator[StoreView]:
        """Pick up a newly published index, then pin it until the block ends: one request reads
        one generation, and that generation is not closed under it."""
        self.store.refresh()
        with self.store.pinned() as view:
            yield view

    def more_like_this(
        self, chunk_id: str, limit: int = 10, offset: int = 0, filters: Optional[Filters] = None, snippets: bool = True
    ) -> SearchResult:
        """Paragraphs closest in meaning to ``chunk_id``, from other meetings."""
        with self.pinned() as view:
            return self._more_like_this(view, chunk_id, limit, offset, filters, snippets)

    def _more_like_this(
        self, view: StoreView, chunk_id: str, limit: int, offset: int, filters: Optional[Filters], snippets: bool
    ) -> SearchResult:
        found = view.chunks([chunk_id]).get(chunk_id)
        vec = view.chunk_vector(chunk_id)
        if found is None or vec is None:
            raise _not_found("paragraph", chunk_id)
        f = self._resolve(view, filters or Filters())
        f = Filters(council=f.council, committee=f.committee, since=f.since, until=f.until, exclude_doc_id=found.doc_id)
        n = max(self.settings.candidates, offset + limit)
        semantic = view.vector_search(vec, f, n).hits
        meta = view.chunk_meta([c for c, _ in semantic])
        # Every neighbour is shown (it is a browse, not a search): no relevance floor.
        params = replace(self.rank_params(), semantic_floor=-1.0)
        near = repeats_in(view, meta, meta, params.duplicate_jaccard)
        ranking = rank("semantic", [], {}, semantic, meta, params, neighbours=near)
        q = Query(text=found.text[:200], mode="semantic", limit=limit, offset=offset, filters=f)
        result = result_page(view, q, ranking.matches, [], [])
        if snippets:
            # A browse: its excerpts are the sentences closest to the paragraph (by the index's
            # sentence vectors), never encoded here (which took ~90% of the page's time on Kent's
            # 1,041 paragraphs); without kept vectors, those sharing the most of its words.
            add_snippets(result.hits, TermMatcher([]), view, self._encoder, found.text, vec, encode_sentences=False)
        return result

    # -- browsing ---------------------------------------------------------------------------------
    def chunk(self, chunk_id: str) -> Chunk:
        """One paragraph by id (for "more like this" and links)."""
        with self.pinned() as view:
            found = view.chunks([chunk_id]).get(chunk_id)
        if found is None:
            raise _not_found("paragraph", chunk_id)
        return found

    def paragraphs(self, chunk_ids: Sequence[str]) -> list[Hit]:
        """Paragraphs by id, in the order given, each with the motion a vote decides or a line of
        movers puts (the evidence list: a pinned "Motion Passed (8 to 4)" still says on what); ids
        no longer in the index are left out."""
        with self.pinned() as view:
            found = view.chunks(chunk_ids)
            kept = [found[c] for c in dict.fromkeys(chunk_ids) if c in found]
            out = [Hit(rank=n, score=0.0, chunk=c) for n, c in enumerate(kept, start=1)]
            add_motions(out, view)
        return out

    def document(self, doc_id: str) -> list[Chunk]:
        """Every paragraph of a document, in order (for the document view)."""
        with self.pinned() as view:
            chunks = view.document_chunks(doc_id)
        if not chunks:
            raise _not_found("document", doc_id)
        return chunks

    def facets(self) -> Facets:
        with self.pinned() as view:
            return view.facets()

    def examples(self) -> Examples:
        """Searches that find something in this index, for the page's tips
        (:mod:`minsearch.searching.examples`; ~0.3 s on Limerick, once per generation)."""
        with self.pinned() as view:
            return self._examples.get(view)

    def counts(self, filters: Optional[Filters] = None) -> MatchCounts:
        """Paragraphs by council, committee, year and month, of the meetings ``filters`` allow
        (the counts of a search without a query; see :meth:`search` with ``counts=True``)."""
        with self.pinned() as view:
            f = self._resolve(view, check_filters(filters or Filters()))
            return count_paragraphs(d for d in view.documents().values() if browse.admits(d, f))

    def meetings(self, filters: Optional[Filters] = None, limit: int = 20, offset: int = 0) -> browse.MeetingList:
        """Meetings newest first (of one council or committee, or between dates), one page,
        each with its number of agenda items."""
        with self.pinned() as view:
            f = self._resolve(view, check_filters(filters or Filters()))
            page = browse.latest_meetings(view.documents().values(), f, limit, offset)
            for m in page.meetings:
                m.items = len(browse.agenda(view.document_chunks(m.doc_id)))
        return page

    def committees(self) -> list[browse.Committee]:
        """Every council's committees, with their meetings."""
        with self.pinned() as view:
            return browse.committees(view.documents().values())

    def meeting(self, doc_id: str) -> tuple[browse.Meeting, list[browse.AgendaItem]]:
        """One meeting and its agenda items in order."""
        with self.pinned() as view:
            record = view.documents().get(doc_id)
            chunks = view.document_chunks(doc_id)
        if record is None or not chunks:
            raise _not_found("meeting", doc_id)
        items = browse.agenda(chunks)
        m = browse.Meeting.of(record)
        m.items = len(items)
        return m, items

    def info(self) -> IndexInfo:
        with self.pinned() as view:
            return view.info()

    def close(self) -> None:
        self._encoder.close()
        self.store.close()


def _not_found(what: str, key: str) -> MinsearchError:
    """A 404: the paragraph or document a link named is not in the index (any more)."""
    return MinsearchError(f"there is no {what} {printable(key)[:200]!r} in the index", status=404)
