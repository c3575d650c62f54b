"""The glossary a search of one index uses: the shipped one, the index home's ``glossary.tsv``,
and the acronyms its minutes define (:mod:`minsearch.ingest.acronyms`), read from the documents'
records once per generation."""

from __future__ import annotations

from ..glossary import Glossary
from ..ingest.acronyms import index_acronyms
from ..store.base import StoreView


def index_glossary(base: Glossary, view: StoreView) -> Glossary:
    """``base`` with the acronyms the indexed minutes define; where ``base`` already lists an
    acronym, its curated entry stands ("LAC" is not re-learned as just "Looked After Children")."""
    found = index_acronyms(d.acronyms for d in view.documents().values())
    defined = {short: long for short, long in found.items() if not base.has_acronym(short)}
    return base.merged(Glossary.of_acronyms(defined)) if defined else base
