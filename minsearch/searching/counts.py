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
        copies = [meta[c] for c in (r.chunk_id, *r.also) if c in meta]
        docs = [documents.get(m.doc_id) for m in copies]
        # A set per kind, so a paragraph repeated within one committee counts there once.
        councils.update({d.council for d in docs if d is not None and d.council})
        committees.update({d.committee for d in docs if d is not None and d.committee})
        months_here = {m.date[:7] for m in copies if len(m.date) >= 7}
        months.update(months_here)
        years.update({mo[:4] for mo in months_here})
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
