"""The glossary a search of one index uses: the shipped one, the index home's ``glossary.tsv``,
and the acronyms its minutes define (:mod:`minsearch.ingest.acronyms`), read from the documents'
records once per generation; and which of its groups the keyword view searches
(:func:`keyword_expansions`)."""

from __future__ import annotations

from typing import Iterable

from ..glossary import Expansion, Glossary
from ..ingest.acronyms import index_acronyms
from ..model import Filters
from ..store.base import StoreView

# An everyday wording is searched with the minutes' own only when fewer paragraphs than this
# hold the words the query said (1, 3 and 10 score within 0.003 nDCG@10 on every judged minutes
# corpus: benchmarks/results/before_after.md, "Everyday wordings").
SCARCE = 3


def index_glossary(base: Glossary, view: StoreView) -> Glossary:
    """``base`` with the acronyms the indexed minutes define; where ``base`` already lists an
    acronym, its curated entry stands ("LAC" is not re-learned as just "Looked After Children")."""
    found = index_acronyms(d.acronyms for d in view.documents().values())
    defined = {short: long for short, long in found.items() if not base.has_acronym(short)}
    return base.merged(Glossary.of_acronyms(defined)) if defined else base


def keyword_expansions(
    expansions: Iterable[Expansion], view: StoreView, everyday: bool = True
) -> tuple[Expansion, ...]:
    """Of the glossary groups a query names, those the keyword view also searches: every acronym
    group, and each everyday group whose words the index itself rarely uses. Where the minutes
    say what the query said ("virtual school", "green bin"), its other wordings only widened the
    search: on the judged minutes they cost "virtual school priorities" 0.92 -> 0.54 nDCG@10 and
    "Storm Darwin" 0.73 -> 0.48; where they do not ("illegal dumping" in Kent, which says
    "fly-tipping"), the other wordings are what finds the answer. Counted over the whole index
    (a filter narrows the matches, not the index's vocabulary). The semantic view never reads an
    everyday group (:func:`minsearch.glossary.with_meanings`), so only the keyword view asks.
    ``everyday=False`` (a description, which brings its own vocabulary) searches none of them:
    a 500-character query naming 23 groups took 0.6 s on Limerick with them, 0.3 s without."""
    out = []
    for e in expansions:
        if e.everyday and not everyday:
            continue
        if e.everyday:
            held = view.keyword_search(e.matched, Filters(), 1, strict=False, min_coverage=1.0)
            if held.covered >= SCARCE:
                continue
        out.append(e)
    return tuple(out)
