"""Counts over a query's matches: by council, committee, year, quarter and month (the "facets"
of a search, and the chart of a term's use over time).

What is counted is what the result's ``total`` counts: the confident matches (never the closest
paragraphs shown when nothing matches). Each count is what the same search filtered to that
council, committee or period shows: whether a paragraph is a match depends on the others (the
best candidate sets the bar, repeats collapse, a name found mostly in procedure moves it), so
the matches among the candidates of each value are chosen again on their own, as the filtered
search chooses them (:func:`~minsearch.ranking.rank.match_count`; no store is asked again). Where the views counted
more matches than were ranked (a total shown as ``300+``), so may each count be higher.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping, Optional, TypeVar

from ..model import MatchCounts, Query
from ..ranking.duplicates import Neighbours, repeats
from ..ranking.rank import (
    NO_SCORES,
    BestScores,
    RankParams,
    fused_order,
    match_count,
    only_named,
    procedure_among,
    procedure_words,
)
from ..store.base import DocRecord
from .candidates import Candidates
from .ranked import unheld

V = TypeVar("V")


def quarter_of(date: str) -> str:
    """``2021-05-03`` -> ``2021-Q2``."""
    return f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"


def _sorted_by_count(c: dict[str, int]) -> dict[str, int]:
    return dict(sorted(((k, n) for k, n in c.items() if n), key=lambda kv: (-kv[1], kv[0].casefold())))


def _by_time(c: dict[str, int]) -> dict[str, int]:
    return dict(sorted((k, n) for k, n in c.items() if n))


def count_matches(
    q: Query,
    c: Candidates,
    params: RankParams,
    documents: dict[str, DocRecord],
    total: int = 0,
    more: bool = False,
    confidence: BestScores = NO_SCORES,
    neighbours: Optional[Neighbours] = None,
) -> MatchCounts:
    """Matches of ``q`` per council, committee, year, quarter and month, each as the search
    filtered to it counts them (see the module docstring). ``c``: the query's candidates,
    ``documents``: the index's document records (council and committee names as stored),
    ``confidence``: the query's best scores over the whole index (whether it has a confident answer,
    and how close a paragraph must be to match, are decided there, as a filtered search decides
    them: a council's count is never more than the search finds in it); ``neighbours``: the
    repeats among the candidates, as the search collapsed them (:func:`~.repeats.repeats_in`)."""
    kw = c.keyword
    lines = c.lines or {}  # (a vote question's lines that are not candidates count where they are)
    context = c.context or {}  # (as are a named measure's clauses: its holder's places)
    ids = list(
        dict.fromkeys(
            [cid for cid, _ in c.keyword_hits] + [cid for cid, _ in c.semantic_order] + list(lines) + list(context)
        )
    )
    # The values each candidate counts under: (kind, value) pairs.
    where: dict[str, list[tuple[str, str]]] = {}
    for cid in ids:
        m = c.meta.get(cid)
        if m is None:
            continue
        doc = documents.get(m.doc_id)
        places = []
        if doc is not None and doc.council:
            places.append(("council", doc.council))
        if doc is not None and doc.committee:
            places.append(("committee", doc.committee))
        if len(m.date) >= 7 and m.date[5:7].isdigit():
            places += [("year", m.date[:4]), ("quarter", quarter_of(m.date)), ("month", m.date[:7])]
        where[cid] = places
    # Each value's share of the views' lists (in their order), of the meaning scores, of the lines a
    # vote question pulls in and of the context a named measure brings.
    keyword: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    semantic: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for hit in c.keyword_hits:
        for place in where.get(hit[0], ()):
            keyword[place].append(hit)
    for hit in c.semantic_hits:
        for place in where.get(hit[0], ()):
            semantic[place].append(hit)
    cosines = _by_place(c.cosines, where)
    lines_at = _by_place(lines, where)
    context_at = _by_place(context, where)
    # Fused once, and repeats found once, among all the candidates: each value reads its own.
    order: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cid in fused_order(q.mode, c.keyword_hits, c.semantic_order, params, c.exact):
        for place in where.get(cid, ()):
            order[place].append(cid)
    if neighbours is None:
        neighbours = repeats(ids, c.meta, params.duplicate_jaccard)
    own = kw.coverage_text if kw else None
    asked = procedure_words(q.text)  # (the query's words read once, not once per value)
    named_only = only_named(q.text)
    nobody = unheld(named_only, c)
    counts: dict[str, dict[str, int]] = {k: {} for k in ("council", "committee", "year", "quarter", "month")}
    # A quarter or year whose candidates are those of one month has its count: chosen once.
    chosen: dict[frozenset[str], int] = {}
    for place in {p for places in where.values() for p in places}:
        ids_here = order.get(place, [])
        key = frozenset(ids_here) | frozenset(lines_at.get(place, ())) | frozenset(context_at.get(place, ()))
        if key not in chosen:
            k_hits = keyword.get(place, [])
            chosen[key] = match_count(
                q.mode,
                k_hits,
                kw.coverage if kw else {},
                semantic.get(place, []),
                c.meta,
                params,
                ids_here,
                neighbours,
                coverage_text=own,
                cosines=cosines.get(place, {}),
                words=kw.words if kw else 0,
                procedural=procedure_among(asked, k_hits, c.meta, own),
                reference=confidence,
                confidence=confidence,
                named_only=named_only,
                unheld=nobody,
                lines=lines_at.get(place),
                context=context_at.get(place),
            )
        counts[place[0]][place[1]] = chosen[key]
    return MatchCounts(
        councils=_sorted_by_count(counts["council"]),
        committees=_sorted_by_count(counts["committee"]),
        years=_by_time(counts["year"]),
        quarters=_by_time(counts["quarter"]),
        months=_by_time(counts["month"]),
        total=total,
        more=more,
    )


def _by_place(
    values: Mapping[str, V], where: Mapping[str, list[tuple[str, str]]]
) -> dict[tuple[str, str], dict[str, V]]:
    """``values`` (keyed by chunk id) split by the places each chunk counts under."""
    out: dict[tuple[str, str], dict[str, V]] = defaultdict(dict)
    for cid, value in values.items():
        for place in where.get(cid, ()):
            out[place][cid] = value
    return out


def count_paragraphs(documents: Iterable[DocRecord]) -> MatchCounts:
    """The same counts for every paragraph of ``documents`` (browsing without a query)."""
    councils: Counter = Counter()
    committees: Counter = Counter()
    years: Counter = Counter()
    quarters: Counter = Counter()
    months: Counter = Counter()
    total = 0
    for d in documents:
        total += d.chunks
        if d.council:
            councils[d.council] += d.chunks
        if d.committee:
            committees[d.committee] += d.chunks
        if len(d.date) >= 7 and d.date[5:7].isdigit():
            years[d.date[:4]] += d.chunks
            quarters[quarter_of(d.date)] += d.chunks
            months[d.date[:7]] += d.chunks
    return MatchCounts(
        councils=_sorted_by_count(councils),
        committees=_sorted_by_count(committees),
        years=_by_time(years),
        quarters=_by_time(quarters),
        months=_by_time(months),
        total=total,
    )
