"""New matches of saved searches, found when a re-index publishes a generation.

Each saved search is run over the paragraphs the generation added or changed only (a filter on
their documents, then only the paragraphs whose wording is new), not over the whole index: 50
searches over one new meeting cost about as much as 50 searches of a small index. Only
confident matches count (the ranker's matches, never its "closest, low confidence" padding).

The matches are recorded with the generation in one atomic replace of ``watch.json``
(:mod:`minsearch.store.watchlist`); a run that stopped before that is caught up by the next one.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional

import numpy as np

from ..config import Settings
from ..glossary import load_glossary, with_meanings
from ..ingest.fingerprint import fingerprint
from ..model import Chunk, Filters, MinsearchError, Query
from ..ranking.rank import BestScores, Ranking, params_from
from ..store import open_store
from ..store import watchlist as wlist
from ..store.base import Store, StoreView
from ..store.layout import IndexLayout
from ..store.query import semantic_text
from .calibration import calibrated, null_scores, probe_vectors
from .candidates import Candidates, gather
from .encoding import LazyEncoder, TextEncoder
from .filters import resolve_filters
from .ranked import best_scores, rank_candidates
from .repeats import repeats_in
from .validate import MAX_LIMIT, dated_index, validate
from .vocabulary import index_glossary


@dataclass
class AlertRun:
    """What checking the saved searches found: new matches per saved search."""

    generation: str = ""
    searches: int = 0  # saved searches checked
    paragraphs: int = 0  # new or changed paragraphs they were checked against
    found: dict[str, int] = field(default_factory=dict)  # search name -> new matches
    note: str = ""

    @property
    def matches(self) -> int:
        return sum(self.found.values())

    def to_json(self) -> dict:
        return {"searches": self.searches, "with_matches": len(self.found), "matches": self.matches}


def record_new_matches(
    settings: Settings, encoder: Optional[TextEncoder] = None, say: Callable[[str], None] = lambda _m: None
) -> AlertRun:
    """Check the saved searches against what the live generation changed since the one they were
    last checked against, and record the new matches with it (nothing if that was done already).

    The embedded backend only (its generations say what changed); call holding the writer lock.
    """
    home = settings.index_dir
    layout = IndexLayout(home)
    if settings.backend != "embedded" or not layout.watch_file.is_file():
        return AlertRun()  # nothing saved: costs one stat
    with wlist.editing(home) as wl:
        live = layout.current() or ""
        run = AlertRun(generation=live, searches=len(wl.searches))
        if not wl.searches or not live or wl.evaluated == live:
            return run
        before = wlist.generation_hashes(home, wl.evaluated)
        after = wlist.generation_hashes(home, live) or {}
        if before is None:  # never checked, or its generation was cleaned away: start from here
            run.note = f"saved searches start from {live} (what changed before it is not known)"
            wl.evaluated = live
            return run
        changed = sorted(d for d, h in after.items() if before.get(d) != h)
        old = wlist.generation_wordings(home, wl.evaluated)
        store = open_store(settings)
        try:
            with store.pinned() as view:
                fresh = _new_paragraphs(view, changed, old)
                run.paragraphs = len(fresh)
                if fresh:
                    say(f"checking {len(wl.searches)} saved searches against {len(fresh)} new paragraphs")
                    model = view.model
                    _check_all(wl, fresh, view, settings, lambda: encoder or _query_encoder(settings, model), live, run)
        finally:
            store.close()
        wl.evaluated = live
    return run


def _query_encoder(settings: Settings, model: str) -> TextEncoder:
    from ..encode import open_encoder

    return open_encoder(model, IndexLayout(settings.index_dir).encoder_dir(model))


def _new_paragraphs(view: StoreView, changed: list[str], old: set[int]) -> dict[str, tuple[Chunk, int]]:
    """The paragraphs of ``changed`` documents whose wording the index did not hold before (a
    re-chunked or corrected meeting reports only what is new in it, a republished copy nothing),
    by chunk id."""
    fresh: dict[str, tuple[Chunk, int]] = {}
    for doc_id in changed:
        for c in view.document_chunks(doc_id):
            exact = fingerprint(c.text).exact
            if exact not in old:
                fresh[c.chunk_id] = (c, exact)
    return fresh


def _check_all(
    wl: wlist.WatchList,
    fresh: dict[str, tuple[Chunk, int]],
    view: StoreView,
    settings: Settings,
    encoder: Callable[[], TextEncoder],
    live: str,
    run: AlertRun,
) -> None:
    glossary = index_glossary(load_glossary(settings.index_dir), view)
    params = params_from(settings)
    docs = tuple(sorted({c.doc_id for c, _e in fresh.values()}))
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    seen = {(a.search, a.chunk_id) for a in wl.alerts} | {(a.search, a.exact) for a in wl.alerts}
    queries = []
    facets = view.facets()
    dated = dated_index(view)
    for s in wl.searches:
        filters = Filters(council=s.council or None, committee=s.committee or None, doc_ids=docs)
        try:  # as typed ("kent"): a search saved before names were resolved when saving
            filters = resolve_filters(filters, facets)
        except MinsearchError:
            pass  # a name the index no longer holds matches nothing, as before
        found = validate(Query(text=s.query, mode=s.mode, limit=MAX_LIMIT, filters=filters), dated)
        queries.append((s, found[0]))
    # Every query's meaning in one call to the encoder, not one call each.
    meanings = [with_meanings(semantic_text(q.text), list(glossary.expand(q.text))) for _s, q in queries]
    known = {s.vector_of: _unpack(s.vector) for s in wl.searches if s.vector}
    batch = _Batch(encoder, [m for m, (_s, q) in zip(meanings, queries) if q.mode != "keyword"], known)
    for m, (s, q) in zip(meanings, queries):
        if q.mode != "keyword" and s.vector_of != m:
            s.vector, s.vector_of = _pack(batch.vectors[m]), m
    lazy = LazyEncoder(lambda: batch)
    if any(q.mode != "keyword" for _s, q in queries):
        # The same bar for a confident answer as a search of this index (searching.calibration).
        probes = probe_vectors(settings.index_dir, view.model, lazy.encode, keep=True)
        params = calibrated(params, null_scores(view, probes))
    try:
        for s, q in queries:
            c = _within_pool(gather(q, view, settings, glossary, lazy, semantic_text(q.text), strict=False), s)
            near = repeats_in(view, c.meta, c.meta, params.duplicate_jaccard)
            saved = BestScores(s.best_cos, s.best_cov, s.best_joint)
            ranking = rank_candidates(q, c, params, saved, neighbours=near).ranking
            s.best_cos, s.best_cov, s.best_joint = saved.with_(best_scores(q, c, params.joint_coverage))
            _record(wl, s, ranking, fresh, seen, live, now, run)
    finally:
        lazy.close()


def _within_pool(c: Candidates, s: wlist.SavedSearch) -> Candidates:
    """Only the new paragraphs a search of the whole index would have ranked: those scoring at
    least as well as its last candidate in either view (the rest would not have been shown)."""
    kw_ok = s.last_keyword is None or c.keyword is None
    sem_ok = s.last_cos is None or c.semantic is None
    keep = {cid for cid, sc in c.keyword_hits if kw_ok or sc >= (s.last_keyword or 0.0) - 1e-9}
    keep |= {cid for cid, sc in c.semantic_hits if sem_ok or sc >= (s.last_cos or 0.0) - 1e-9}
    if c.keyword is not None:
        c.keyword = replace(c.keyword, hits=[h for h in c.keyword.hits if h[0] in keep])
    if c.semantic is not None:
        kept = {cid for cid, _s in c.keyword_hits}
        # A keyword candidate's meaning still decides whether it matches, as in a whole search.
        c.cosines.update({cid: sc for cid, sc in c.semantic.hits if cid in kept})
        c.semantic = replace(
            c.semantic,
            hits=[h for h in c.semantic.hits if h[0] in keep],
            reordered=None if c.semantic.reordered is None else [h for h in c.semantic.reordered if h[0] in keep],
        )
    return c


class _Batch:
    """Query vectors encoded together up front; any other text goes to the encoder."""

    def __init__(self, load: Callable[[], TextEncoder], texts: list[str], known: dict[str, np.ndarray]) -> None:
        self.encoder = LazyEncoder(load)  # loaded only if some text is not known
        self.vectors = {t: v for t, v in known.items() if t in texts}
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.encoder.encode(missing)))

    def encode(self, texts: list[str]) -> np.ndarray:
        if all(t in self.vectors for t in texts):
            return np.stack([self.vectors[t] for t in texts])
        return self.encoder.encode(texts)


def _pack(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def _unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def _record(
    wl: wlist.WatchList,
    s: wlist.SavedSearch,
    ranking: Ranking,
    fresh: dict[str, tuple[Chunk, int]],
    seen: set,
    live: str,
    now: str,
    run: AlertRun,
) -> None:
    """Record the confident matches among the new paragraphs that ``s`` has not been told of."""
    for r in ranking.matches:
        for cid in (r.chunk_id, *r.also):
            if cid not in fresh:
                continue
            chunk, exact = fresh[cid]
            if (s.name, cid) in seen or (s.name, exact) in seen:
                continue
            seen |= {(s.name, cid), (s.name, exact)}
            wl.alerts.append(_alert(s.name, live, now, chunk, exact))
            run.found[s.name] = run.found.get(s.name, 0) + 1


def _alert(search: str, generation: str, now: str, c: Chunk, exact: int) -> wlist.Alert:
    return wlist.Alert(
        search=search,
        generation=generation,
        recorded=now,
        chunk_id=c.chunk_id,
        doc_id=c.doc_id,
        text=c.text,
        title=c.title,
        section=c.section,
        item=c.item,
        paragraph=c.paragraph,
        council=c.council,
        committee=c.committee,
        date=c.date,
        source=c.source,
        url=c.url,
        item_ref=c.item_ref,
        para_ref=c.para_ref,
        page=c.page,
        exact=exact,
    )


def alerts_json(a: wlist.Alert) -> dict[str, Any]:
    """One new match as ``watch news --json`` gives it."""
    return {
        "search": a.search,
        "generation": a.generation,
        "recorded": a.recorded,
        "chunk_id": a.chunk_id,
        "doc_id": a.doc_id,
        "council": a.council or None,
        "committee": a.committee or None,
        "date": a.date or None,
        "title": a.title,
        "item": a.item,
        "section": a.section,
        "paragraph": a.paragraph,
        "text": a.text,
        "source": a.source,
    }


# -- what the front ends call ----------------------------------------------------------------------
def _embedded_home(settings: Settings) -> IndexLayout:
    if settings.backend != "embedded":
        raise MinsearchError("saved searches need the embedded backend (its generations say what changed)")
    return IndexLayout(settings.index_dir)


def save_search(
    settings: Settings,
    search: wlist.SavedSearch,
    store: Optional[Store] = None,
    encoder: Optional[TextEncoder] = None,
) -> wlist.SavedSearch:
    """Save ``search`` in the index home; later re-indexes record its new matches.

    It is searched once over the whole index (``store``, ``encoder``: the caller's, else opened
    here) for its best scores there, the reference of every later check."""
    layout = _embedded_home(settings)
    live = layout.require_current()
    search = wlist.check_search(search)
    filters = Filters(council=search.council or None, committee=search.committee or None)
    own = store is None
    store = store or open_store(settings)
    try:
        with store.pinned() as view:
            glossary = index_glossary(load_glossary(settings.index_dir), view)
            facets = view.facets()
            dated = dated_index(view)  # see validate
            q = validate(Query(text=search.query, mode=search.mode, limit=MAX_LIMIT, filters=filters), dated)[0]
            # "kent" is saved as Kent County Council, as every search resolves it; an unknown
            # name is refused here rather than saved as a search that can never match.
            q = replace(q, filters=resolve_filters(q.filters, facets))
            search = replace(search, council=q.filters.council or "", committee=q.filters.committee or "")
            if encoder is None and q.mode != "keyword":
                encoder = _query_encoder(settings, view.model)
            lazy = LazyEncoder(lambda: encoder)  # type: ignore[arg-type,return-value]
            try:
                c = gather(q, view, settings, glossary, lazy, semantic_text(q.text), strict=False)
            finally:
                lazy.close()
    finally:
        if own:
            store.close()
    search.best_cos, search.best_cov, search.best_joint = best_scores(q, c, settings.joint_coverage)
    if c.qvec is not None:  # what gather() encoded: the query's words with what the glossary adds
        search.vector, search.vector_of = _pack(c.qvec), c.encoded
    n = max(settings.candidates, q.limit)  # what gather() asks each view for
    if len(c.keyword_hits) >= n:
        search.last_keyword = c.keyword_hits[-1][1]
    if len(c.semantic_hits) >= n:
        search.last_cos = c.semantic_hits[-1][1]
    return wlist.add_search(layout.home, search, live)


def forget_search(settings: Settings, name: str) -> wlist.SavedSearch:
    """Remove the saved search ``name`` and its recorded matches."""
    return wlist.remove_search(_embedded_home(settings).home, name)


def saved_searches(settings: Settings) -> list[wlist.SavedSearch]:
    return wlist.load(_embedded_home(settings).home).searches


def news(settings: Settings, name: Optional[str] = None, since: Optional[str] = None) -> wlist.News:
    """Each saved search (or ``name``) with its new matches (see :func:`~minsearch.store.watchlist.select_news`)."""
    return wlist.select_news(wlist.load(_embedded_home(settings).home), name, since)
