"""Counts over a query's matches: by council, committee, year and month (the "facets" of a
search, and the chart of a term's use over time).

What is counted is what the result's ``total`` counts: the confident matches the ranker kept
(never the closest paragraphs shown when nothing matches). A paragraph printed in several places
(collapsed into one hit, with "also in") counts once under each council, committee and month it
was printed in, because filtering to any of them shows that copy: so the counts agree with what
a filter then shows, and may add up to more than the total.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from ..model import ChunkMeta, MatchCounts
from ..ranking.rank import Ranked
from ..store.base import DocRecord


def _sorted_by_count(c: Counter) -> dict[str, int]:
    return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0].casefold())))


def count_matches(
    matches: Iterable[Ranked], meta: dict[str, ChunkMeta], documents: dict[str, DocRecord], more: bool = False
) -> MatchCounts:
    """Counts of ``matches`` (each with its collapsed repeats) by where and when they were printed.

    ``meta``: the candidates' metadata (document and date of each paragraph); ``documents``:
    the index's document records (council and committee names as stored).
    """
    councils: Counter = Counter()
    committees: Counter = Counter()
    years: Counter = Counter()
    months: Counter = Counter()
    for r in matches:
        places: dict[str, set[str]] = {"council": set(), "committee": set(), "year": set(), "month": set()}
        for cid in (r.chunk_id, *r.also):
            m = meta.get(cid)
            if m is None:
                continue
            doc = documents.get(m.doc_id)
            if doc is not None and doc.council:
                places["council"].add(doc.council)
            if doc is not None and doc.committee:
                places["committee"].add(doc.committee)
            if len(m.date) >= 7:
                places["year"].add(m.date[:4])
                places["month"].add(m.date[:7])
        councils.update(places["council"])
        committees.update(places["committee"])
        years.update(places["year"])
        months.update(places["month"])
    return MatchCounts(
        councils=_sorted_by_count(councils),
        committees=_sorted_by_count(committees),
        years=dict(sorted(years.items())),
        months=dict(sorted(months.items())),
        more=more,
    )


def count_paragraphs(documents: Iterable[DocRecord]) -> MatchCounts:
    """The same counts for every paragraph of ``documents`` (browsing without a query)."""
    councils: Counter = Counter()
    committees: Counter = Counter()
    years: Counter = Counter()
    months: Counter = Counter()
    for d in documents:
        if d.council:
            councils[d.council] += d.chunks
        if d.committee:
            committees[d.committee] += d.chunks
        if len(d.date) >= 7:
            years[d.date[:4]] += d.chunks
            months[d.date[:7]] += d.chunks
    return MatchCounts(
        councils=_sorted_by_count(councils),
        committees=_sorted_by_count(committees),
        years=dict(sorted(years.items())),
        months=dict(sorted(months.items())),
    )
