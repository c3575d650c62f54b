"""The Searcher: the one facade the CLI and the web page call. Front ends hold no search logic.

It validates a :class:`~minsearch.model.Query`, asks the store's two views for candidates under
the same filters, fuses them (:mod:`minsearch.ranking.fusion`), pages and builds snippets.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterator, Optional, Protocol

import numpy as np

from .config import FUSIONS, Settings, load_settings
from .glossary import Glossary, load_glossary, with_meanings
from .model import MODES, SORTS, Chunk, ChunkMeta, Filters, Hit, MinsearchError, Query, SearchResult, coverage_needed
from .ranking.rank import Ranked, RankParams, about_procedure, exact_query, params_from, rank
from .ranking.snippets import TermMatcher, sentence_spans, snippet
from .store import open_store
from .store.base import Facets, IndexInfo, KeywordResult, Store, StoreView, VectorResult
from .store.query import semantic_text

MAX_QUERY_CHARS = 500
MAX_LIMIT = 100
CLOSEST = 5  # low-confidence paragraphs shown when nothing matches


@dataclass
class Candidates:
    """What the two views found for one query, before ranking."""

    keyword: Optional[KeywordResult] = None
    semantic: Optional[VectorResult] = None
    meta: dict[str, ChunkMeta] = field(default_factory=dict)
    qvec: Optional[np.ndarray] = None  # the query's vector, reused to pick semantic snippets
    cosines: dict[str, float] = field(default_factory=dict)  # meaning of keyword candidates
    expansions: list[str] = field(default_factory=list)  # glossary terms searched, as the user is told

    @property
    def keyword_hits(self) -> list[tuple[str, float]]:
        return self.keyword.hits if self.keyword is not None else []

    @property
    def semantic_hits(self) -> list[tuple[str, float]]:
        return self.semantic.hits if self.semantic is not None else []
def check_date(value: Optional[str], name: str) -> Optional[str]:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise MinsearchError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)") from None


class _Encoder(Protocol):
    """What the searcher needs of a query encoder (ONNX Runtime, or torch when no export exists)."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


class Searcher:
    """Searches one index (embedded or Milvus). Thread-safe; reuse one per process."""

    def __init__(self, settings: Optional[Settings] = None, store: Optional[Store] = None) -> None:
        self.settings = settings or load_settings()
        self.store = store or open_store(self.settings)
        self.glossary: Glossary = load_glossary(self.settings.index_dir)
        self._encoder: Optional[_Encoder] = None
        self._encoder_lock = threading.Lock()
        self._executor: Optional[ThreadPoolExecutor] = None

    # -- the query encoder, loaded on first semantic use --------------------------------------
    def encode(self, texts: list[str]) -> np.ndarray:
        with self._encoder_lock:
            if self._encoder is None:
                self._encoder = self._load_encoder()
        return self._encoder.encode(texts)

    def _load_encoder(self) -> _Encoder:
        """The index's own model: its ONNX export when there is one, else torch (~8 s, same
        vectors), or the hashing encoder of a test index."""
        from .encode import open_encoder
        from .store.layout import IndexLayout

        return open_encoder(self.store.model, IndexLayout(self.settings.index_dir).encoder_dir(self.store.model))

    # -- validation -------------------------------------------------------------------------------
    def validate(self, q: Query) -> tuple[Query, list[str]]:
        notices: list[str] = []
        # Lone surrogates (from a bad terminal or a hostile client) cannot be tokenised; they become
        # U+FFFD, not "?", which is a wildcard.
        text = " ".join(q.text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").split())
        if not text:
            raise MinsearchError("query: empty; type some words to search for")
        if len(text) > MAX_QUERY_CHARS:
            cut = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
            notices.append(f"Your query was cut to its first {len(cut)} characters.")
            text = cut
        if q.mode not in MODES:
            raise MinsearchError(f"--mode: {q.mode!r} is not one of {', '.join(MODES)}")
        if q.sort not in SORTS:
            raise MinsearchError(f"--sort: {q.sort!r} is not one of {', '.join(SORTS)}")
        if q.fusion is not None and q.fusion not in FUSIONS:
            raise MinsearchError(f"--fusion: {q.fusion!r} is not one of {', '.join(FUSIONS)}")
        if not 1 <= q.limit <= MAX_LIMIT:
            raise MinsearchError(f"--limit: must be between 1 and {MAX_LIMIT}, not {q.limit}")
        if q.offset < 0:
            raise MinsearchError(f"offset: must not be negative, not {q.offset}")
        f = q.filters
        since, until = check_date(f.since, "--since"), check_date(f.until, "--until")
        if since and until and since > until:
            raise MinsearchError(f"--since {since} is after --until {until}")
        filters = Filters(council=(f.council or "").strip() or None, committee=(f.committee or "").strip() or None,
                          since=since, until=until, doc_id=f.doc_id, exclude_doc_id=f.exclude_doc_id)
        return Query(text=text, mode=q.mode, limit=q.limit, offset=q.offset, filters=filters, sort=q.sort,
                     fusion=q.fusion), notices

    # -- searching --------------------------------------------------------------------------------
    def rank_params(self, fusion: Optional[str] = None) -> RankParams:
        return params_from(self.settings, fusion)

    def candidates(self, q: Query, view: StoreView, *, strict: bool = True) -> Candidates:
        """Both views' candidates for a validated query, under its filters (no ranking yet)."""
        s = self.settings
        # The same pool for both orders, so "newest first" lists the same matches, and counts them
        # the same, as "best match".
        n = max(s.candidates, q.offset + q.limit)
        expansions = tuple(self.glossary.expand(q.text))
        out = Candidates()
        pending = None
        if q.mode in ("semantic", "hybrid"):
            def semantic_view() -> VectorResult:
                out.qvec = self.encode([with_meanings(semantic_text(q.text), list(expansions))])[0]
                return view.vector_search(out.qvec, q.filters, n, floor=s.semantic_floor)

            # ONNX Runtime and NumPy release the GIL: in hybrid mode the semantic view runs on
            # the second core while Whoosh (pure Python) scores the keyword view.
            if q.mode == "hybrid":
                pending = self._pool().submit(semantic_view)
            else:
                out.semantic = semantic_view()
        if q.mode in ("keyword", "hybrid"):
            try:
                out.keyword = view.keyword_search(q.text, q.filters, n, strict=strict, min_coverage=s.min_coverage,
                                                  expansions=expansions, match_words=s.match_words)
                out.expansions = out.keyword.expansions
            except BaseException:
                if pending is not None:
                    pending.cancel()
                raise
        if pending is not None:
            out.semantic = pending.result()
        if q.mode == "semantic" and expansions:
            out.expansions = [e.label() for e in expansions]
        if q.mode == "hybrid" and '"' in q.text and out.keyword is not None and out.semantic is not None:
            # A quoted word or phrase is a demand for exactly that text: meaning may reorder
            # the exact matches, but must not add paragraphs without them.
            matched = {c for c, _ in out.keyword.hits}
            out.semantic = VectorResult([(c, sc) for c, sc in out.semantic.hits if c in matched],
                                        min(out.semantic.above_floor, len(matched)))
        ids = [c for c, _ in out.keyword_hits] + [c for c, _ in out.semantic_hits]
        out.meta = view.chunk_meta(ids)
        if q.mode == "hybrid" and out.qvec is not None:
            # Meaning decides matches among the keyword candidates too, not only among its own top.
            have = {c for c, _ in out.semantic_hits}
            out.cosines = view.vector_scores(out.qvec, [c for c, _ in out.keyword_hits if c not in have])
        return out

    def search(self, q: Query, *, strict: bool = True, snippets: bool = True) -> SearchResult:
        """Matching paragraphs for ``q``, best first (or newest first), repeats collapsed.

        ``strict=False`` turns query syntax errors into a plain-words search.
        """
        with self.pinned() as view:
            return self._search(view, q, strict, snippets)

    def _search(self, view: StoreView, q: Query, strict: bool, snippets: bool) -> SearchResult:
        q, notices = self.validate(q)
        c = self.candidates(q, view, strict=strict)
        params = self.rank_params(q.fusion)
        kw = c.keyword
        ranking = rank(q.mode, c.keyword_hits, kw.coverage if kw else {}, c.semantic_hits, c.meta, params,
                       coverage_text=kw.coverage_text if kw else None, cosines=c.cosines, words=kw.words if kw else 0,
                       procedural=about_procedure(q.text, c.keyword_hits, c.meta), exact=exact_query(q.text),
                       sort=q.sort)
        if kw is not None:
            notices.extend(kw.notices)
        # The views counted every paragraph that matches, not only the candidates ranked here.
        need = coverage_needed(params.min_coverage, params.match_words, kw.words) if kw else 1.0
        kw_in_pool = sum(1 for cid, _s in c.keyword_hits if kw and kw.coverage.get(cid, 0) >= need - 1e-9)
        sem_in_pool = sum(1 for _c, sc in c.semantic_hits if sc >= params.semantic_floor)
        more = bool(ranking.matches) and bool((kw and q.mode != "semantic" and kw.covered > kw_in_pool)
                    or (c.semantic and q.mode != "keyword" and c.semantic.above_floor > sem_in_pool))
        terms = kw.terms if kw else []
        result = self._result(view, q, ranking.matches, terms, notices, snippets, c.qvec, more=more)
        if not result.hits and q.offset == 0:
            result.closest = self._hits(view, ranking.closest[:CLOSEST], 0)
            if snippets:
                self._add_snippets(q, result.closest, TermMatcher(terms), c.qvec)
        result.expansions = c.expansions
        return result

    def _pool(self) -> ThreadPoolExecutor:
        with self._encoder_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="minsearch-semantic")
        return self._executor

    @contextmanager
    def pinned(self) -> Iterator[StoreView]:
        """Pick up a newly published index, then pin it until the block ends: one request reads
        one generation, and that generation is not closed under it."""
        self.store.refresh()
        with self.store.pinned() as view:
            yield view

    def more_like_this(self, chunk_id: str, limit: int = 10, offset: int = 0,
                       filters: Optional[Filters] = None, snippets: bool = True) -> SearchResult:
        """Paragraphs closest in meaning to ``chunk_id``, from other meetings."""
        with self.pinned() as view:
            return self._more_like_this(view, chunk_id, limit, offset, filters, snippets)

    def _more_like_this(self, view: StoreView, chunk_id: str, limit: int, offset: int, filters: Optional[Filters],
                        snippets: bool) -> SearchResult:
        found = view.chunks([chunk_id]).get(chunk_id)
        vec = view.chunk_vector(chunk_id)
        if found is None or vec is None:
            raise MinsearchError(f"chunk {chunk_id!r}: not in the index")
        f = filters or Filters()
        f = Filters(council=f.council, committee=f.committee, since=f.since, until=f.until,
                    exclude_doc_id=found.doc_id)
        n = max(self.settings.candidates, offset + limit)
        semantic = view.vector_search(vec, f, n).hits
        meta = view.chunk_meta([c for c, _ in semantic])
        # Every neighbour is shown (it is a browse, not a search): no relevance floor.
        params = replace(self.rank_params(), semantic_floor=-1.0)
        ranking = rank("semantic", [], {}, semantic, meta, params)
        q = Query(text=found.text[:200], mode="semantic", limit=limit, offset=offset, filters=f)
        return self._result(view, q, ranking.matches, [], [], snippets, vec)

    def _hits(self, view: StoreView, ranked: list[Ranked], first: int) -> list[Hit]:
        ids = [r.chunk_id for r in ranked] + [a for r in ranked for a in r.also]
        chunks = view.chunks(ids)
        return [
            Hit(rank=first + i + 1, score=r.score, chunk=chunks[r.chunk_id], keyword_rank=r.keyword_rank,
                semantic_rank=r.semantic_rank, also=[chunks[a] for a in r.also if a in chunks])
            for i, r in enumerate(ranked) if r.chunk_id in chunks
        ]

    def _result(self, view: StoreView, q: Query, ranked: list[Ranked], terms: list[tuple[str, str]], notices: list[str],
                snippets: bool, qvec: Optional[np.ndarray] = None, more: bool = False) -> SearchResult:
        hits = self._hits(view, ranked[q.offset : q.offset + q.limit], q.offset)
        words = sorted({t for _f, t in terms})
        if snippets:
            self._add_snippets(q, hits, TermMatcher(terms), qvec)
        return SearchResult(query=q, hits=hits, total=len(ranked), more=more, notices=notices, terms=words)

    def _add_snippets(self, q: Query, hits: list[Hit], matcher: TermMatcher,
                      qvec: Optional[np.ndarray] = None) -> None:
        """Keyword matches are marked; a hit found only by meaning shows its best sentence."""
        need_focus = [h for h in hits if not (matcher and matcher.spans(h.chunk.text))]
        focus: dict[str, tuple[int, int]] = {}
        # The first sentences are enough to choose from, and keep a page fast; a paragraph of
        # one sentence needs no choosing (most minutes paragraphs are one or two sentences).
        spans = {h.chunk.chunk_id: sentence_spans(h.chunk.text)[:8] for h in need_focus}
        for cid, sp in spans.items():
            if len(sp) == 1:
                focus[cid] = sp[0]
        choose = [h for h in need_focus if len(spans[h.chunk.chunk_id]) > 1]
        if choose:
            sentences = [h.chunk.text[s:e] for h in choose for s, e in spans[h.chunk.chunk_id]]
            if qvec is None:
                vecs = self.encode([semantic_text(q.text)] + sentences)
                qvec, sv = vecs[0], vecs[1:]
            else:
                sv = self.encode(sentences)
            pos = 0
            for h in choose:
                sp = spans[h.chunk.chunk_id]
                sims = sv[pos : pos + len(sp)] @ qvec
                focus[h.chunk.chunk_id] = sp[int(np.argmax(sims))]
                pos += len(sp)
        for h in hits:
            f = focus.get(h.chunk.chunk_id)
            if f is not None:
                text = h.chunk.text
                # Mark the best sentence itself: it is what matched.
                seg = snippet(text, TermMatcher([]), focus=f)
                h.snippet = _mark_span(seg, text, f)
            else:
                h.snippet = snippet(h.chunk.text, matcher)

    # -- browsing ---------------------------------------------------------------------------------
    def chunk(self, chunk_id: str) -> Chunk:
        """One paragraph by id (for "more like this" and links)."""
        with self.pinned() as view:
            found = view.chunks([chunk_id]).get(chunk_id)
        if found is None:
            raise MinsearchError(f"paragraph {chunk_id!r}: not in the index")
        return found

    def document(self, doc_id: str) -> list[Chunk]:
        """Every paragraph of a document, in order (for the document view)."""
        with self.pinned() as view:
            chunks = view.document_chunks(doc_id)
        if not chunks:
            raise MinsearchError(f"document {doc_id!r}: not in the index")
        return chunks

    def facets(self) -> Facets:
        with self.pinned() as view:
            return view.facets()

    def info(self) -> IndexInfo:
        with self.pinned() as view:
            return view.info()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)
        self.store.close()


def _mark_span(segments: list[tuple[str, bool]], text: str, span: tuple[int, int]) -> list[tuple[str, bool]]:
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
