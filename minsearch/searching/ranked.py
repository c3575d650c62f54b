"""The call into :mod:`minsearch.ranking` for one query's candidates, and what it counted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import Query, coverage_needed
from ..ranking.duplicates import Neighbours
from ..ranking.rank import (
    NO_SCORES,
    BestScores,
    Ranking,
    RankParams,
    about_procedure,
    alone_floor,
    joint_cosine,
    names_code,
    only_named,
    rank,
)
from .candidates import Candidates


@dataclass
class RankedQuery:
    """The ranking of one query's candidates, and whether the views counted more matches."""

    ranking: Ranking
    more: bool  # the views counted more matching paragraphs than were ranked: "total+"


def rank_candidates(
    q: Query,
    c: Candidates,
    params: RankParams,
    reference: BestScores = NO_SCORES,
    confidence: BestScores = NO_SCORES,
    neighbours: Optional[Neighbours] = None,
) -> RankedQuery:
    """Rank a validated query's candidates (matches and the closest non-matches); ``reference``
    and ``confidence``: see :func:`~minsearch.ranking.rank.rank`; ``neighbours``: the repeats
    among them (:func:`~.repeats.repeats_in`; without it, those their fingerprints find)."""
    kw = c.keyword
    named_only = only_named(q.text)  # (read once: the ranking, its "nobody holds it" and its "+")
    ranking = rank(
        q.mode,
        c.keyword_hits,
        kw.coverage if kw else {},
        c.semantic_hits,
        c.meta,
        params,
        coverage_text=kw.coverage_text if kw else None,
        cosines=c.cosines,
        words=kw.words if kw else 0,
        procedural=about_procedure(q.text, c.keyword_hits, c.meta, kw.coverage_text if kw else None),
        exact=c.exact,
        code=names_code(q.text),
        sort=q.sort,
        reference=reference,
        confidence=confidence,
        named=c.named,
        people=c.people,
        lines=c.lines,
        context=c.context,
        reordered=c.reordered,
        named_only=named_only,
        unheld=unheld(named_only, c),
        neighbours=neighbours,
    )
    return RankedQuery(ranking, bool(ranking.matches) and _counted_more(q, c, params, named_only))


def unheld(named_only: bool, c: Candidates) -> bool:
    """Is a query that is only a name or an acronym (``named_only``:
    :func:`~minsearch.ranking.rank.only_named`) one no paragraph of the index holds
    (:func:`~.candidates.named_holders` found none)?"""
    return named_only and c.named is not None and not c.named


def _counted_more(q: Query, c: Candidates, params: RankParams, named_only: bool = False) -> bool:
    """True when a view counted more matching paragraphs than it handed over as candidates (the
    views count every paragraph that matches, not only the candidates ranked here)."""
    kw = c.keyword
    if kw is not None and q.mode != "semantic":
        need = coverage_needed(params.min_coverage, params.match_words, kw.words)
        in_pool = sum(1 for cid, _s in c.keyword_hits if kw.coverage.get(cid, 0) >= need - 1e-9)
        if kw.covered > in_pool:
            return True
    hits = c.semantic_hits
    if c.semantic is not None and q.mode != "keyword" and hits:
        # Meaning ranks every paragraph, best first: one beyond the pool can be a match only if the
        # pool's last one clears the query's own floor (not the absolute 0.1 nearly everything
        # clears: "459 Hales Street" said "7+" with 7 matches in all).
        floor = max(params.semantic_floor, hits[0][1] - params.relative_floor)
        if q.mode == "hybrid":
            # (beyond the pool, a paragraph of a strong match's agenda item is not counted: a "+" less)
            floor = max(floor, alone_floor(params, named_only))
        if c.semantic.above_floor > len(hits) and hits[-1][1] >= floor:
            return True
    return False


def best_scores(q: Query, c: Candidates, joint_coverage: float) -> BestScores:
    """The best cosine, the best coverage, and the best cosine of a paragraph holding
    ``joint_coverage`` of the query among ``c``, as :func:`rank` weighs them (the ``reference`` of
    a later search of a few documents, the ``confidence`` of a filtered one)."""
    cos = {**c.cosines, **dict(c.semantic_hits)} if q.mode != "keyword" else {}
    cov = (
        {cid: c.keyword.coverage.get(cid, 0.0) for cid, _s in c.keyword_hits}
        if c.keyword and q.mode != "semantic"
        else {}
    )
    joint = joint_cosine(cos, cov, joint_coverage) if q.mode == "hybrid" else -1.0
    return BestScores(max(cos.values(), default=-1.0), max(cov.values(), default=0.0), joint)
