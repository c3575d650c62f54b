"""The Searcher: the one facade the CLI and the web page call. Front ends hold no search logic.

It validates a :class:`~minsearch.model.Query`, asks the store's two views for candidates under
the same filters, ranks them (:mod:`minsearch.ranking`), pages and builds snippets. Each of those
steps is its own small module in :mod:`minsearch.searching`; this class holds the index, the
glossary and the encoder, and calls the steps in order.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator, Optional

import numpy as np

from .config import Settings, load_settings
from .glossary import Glossary, load_glossary
from .model import Chunk, Filters, MinsearchError, Query, SearchResult, printable
from .ranking.rank import RankParams, params_from, rank
from .ranking.snippets import TermMatcher
from .searching import candidates as _candidates
from .searching.candidates import Candidates
from .searching.decisions import (
    DecisionTimeline,
    decision_ids,
    decision_matches,
    decisions_query,
    mark_words,
    merged,
    timeline,
    without_section,
)
from .searching.encoding import LazyEncoder, TextEncoder
from .searching.page import add_snippets, hits, result_page
from .searching.ranked import rank_candidates
from .searching.validate import MAX_LIMIT, MAX_QUERY_CHARS, check_date, validate
from .store import open_store
from .store.base import Facets, IndexInfo, Store, StoreView
from .store.query import semantic_text

__all__ = ["CLOSEST", "MAX_LIMIT", "MAX_QUERY_CHARS", "Candidates", "Searcher", "check_date", "semantic_text"]

CLOSEST = 5  # low-confidence paragraphs shown when nothing matches


class Searcher:
    """Searches one index (embedded or Milvus). Thread-safe; reuse one per process."""

    def __init__(self, settings: Optional[Settings] = None, store: Optional[Store] = None) -> None:
        self.settings = settings or load_settings()
        self.store = store or open_store(self.settings)
        self.glossary: Glossary = load_glossary(self.settings.index_dir)
        self._encoder = LazyEncoder(self._load_encoder)

    # -- the query encoder, loaded on first semantic use --------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        return self._encoder.encode(texts)

    def _load_encoder(self) -> TextEncoder:
        """The index's own model: its ONNX export when there is one, else torch (~8 s, same
        vectors), or the hashing encoder of a test index."""
        from .encode import open_encoder
        from .store.layout import IndexLayout

        return open_encoder(self.store.model, IndexLayout(self.settings.index_dir).encoder_dir(self.store.model))

    # -- validation -------------------------------------------------------------------------------
    def validate(self, q: Query) -> tuple[Query, list[str]]:
        """``q`` checked and normalised (see :mod:`minsearch.searching.validate`), and notices."""
        return validate(q)

    # -- searching --------------------------------------------------------------------------------
    def rank_params(self, fusion: Optional[str] = None) -> RankParams:
        return params_from(self.settings, fusion)

    def candidates(self, q: Query, view: StoreView, *, strict: bool = True) -> Candidates:
        """Both views' candidates for a validated query, under its filters (no ranking yet)."""
        return _candidates.gather(
            q, view, self.settings, self.glossary, self._encoder, semantic_text(q.text), strict=strict
        )

    def search(self, q: Query, *, strict: bool = True, snippets: bool = True) -> SearchResult:
        """Matching paragraphs for ``q``, best first (or newest first), repeats collapsed.

        ``strict=False`` turns query syntax errors into a plain-words search.
        """
        with self.pinned() as view:
            return self._search(view, q, strict, snippets)

    def _search(self, view: StoreView, q: Query, strict: bool, snippets: bool) -> SearchResult:
        q, notices = self.validate(q)
        c = self.candidates(q, view, strict=strict)
        ranked = rank_candidates(q, c, self.rank_params(q.fusion))
        kw = c.keyword
        if kw is not None:
            notices.extend(kw.notices)
        terms = kw.terms if kw else []
        result = result_page(view, q, ranked.ranking.matches, terms, notices, more=ranked.more)
        if not result.hits and q.offset == 0:
            result.closest = hits(view, ranked.ranking.closest[:CLOSEST], 0)
        if snippets:
            matcher = TermMatcher(terms)
            add_snippets(result.hits, matcher, self._encoder, semantic_text(q.text), c.qvec)
            add_snippets(result.closest, matcher, self._encoder, semantic_text(q.text), c.qvec, mark_sentences=False)
        result.expansions = c.expansions
        return result

    def decisions(self, q: Query, *, strict: bool = True, snippets: bool = True) -> DecisionTimeline:
        """What meetings resolved about ``q.text``: the decision paragraphs that are confident
        matches of the search, grouped by meeting, oldest meeting first (see
        :mod:`minsearch.searching.decisions`). ``q.limit``, ``q.offset`` and ``q.sort`` are not
        used: a timeline is one list, in date order."""
        with self.pinned() as view:
            q, notices = self.validate(decisions_query(q))
            found = self.candidates(q, view, strict=strict)
            everything = self.candidates(replace(q, filters=without_section(q.filters)), view, strict=strict)
            c = merged(everything, found)
            params = self.rank_params(q.fusion)
            ranked = rank_candidates(q, c, params)
            kept = decision_matches(ranked.ranking.matches, decision_ids(found), c, params, q.mode)
            result = timeline(view, q, kept)
        kw = c.keyword
        terms = kw.terms if kw else []
        result.notices = notices + (kw.notices if kw else [])
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
        f = filters or Filters()
        f = Filters(council=f.council, committee=f.committee, since=f.since, until=f.until, exclude_doc_id=found.doc_id)
        n = max(self.settings.candidates, offset + limit)
        semantic = view.vector_search(vec, f, n).hits
        meta = view.chunk_meta([c for c, _ in semantic])
        # Every neighbour is shown (it is a browse, not a search): no relevance floor.
        params = replace(self.rank_params(), semantic_floor=-1.0)
        ranking = rank("semantic", [], {}, semantic, meta, params)
        q = Query(text=found.text[:200], mode="semantic", limit=limit, offset=offset, filters=f)
        result = result_page(view, q, ranking.matches, [], [])
        if snippets:
            add_snippets(result.hits, TermMatcher([]), self._encoder, semantic_text(q.text), vec)
        return result

    # -- browsing ---------------------------------------------------------------------------------
    def chunk(self, chunk_id: str) -> Chunk:
        """One paragraph by id (for "more like this" and links)."""
        with self.pinned() as view:
            found = view.chunks([chunk_id]).get(chunk_id)
        if found is None:
            raise _not_found("paragraph", chunk_id)
        return found

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

    def info(self) -> IndexInfo:
        with self.pinned() as view:
            return view.info()

    def close(self) -> None:
        self._encoder.close()
        self.store.close()


def _not_found(what: str, key: str) -> MinsearchError:
    """A 404: the paragraph or document a link named is not in the index (any more)."""
    return MinsearchError(f"there is no {what} {printable(key)[:200]!r} in the index", status=404)
