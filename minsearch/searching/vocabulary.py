"""The glossary a search of one index uses: the shipped one, the index home's ``glossary.tsv``,
and the acronyms its minutes define (:mod:`minsearch.ingest.acronyms`), read from the documents'
records once per generation."""

from __future__ import annotations

import threading

from ..glossary import Glossary
from ..ingest.acronyms import index_acronyms
from ..store.base import StoreView


def index_glossary(base: Glossary, view: StoreView) -> Glossary:
    """``base`` with the acronyms the indexed minutes define; where ``base`` already lists an
    acronym, its curated entry stands ("LAC" is not re-learned as just "Looked After Children")."""
    found = index_acronyms(d.acronyms for d in view.documents().values())
    defined = {short: long for short, long in found.items() if not base.has_acronym(short)}
    return base.merged(Glossary.of_acronyms(defined)) if defined else base


class GlossaryCache:
    """:func:`index_glossary` of each generation, built on first use. Thread-safe."""

    KEEP = 4

    def __init__(self, base: Glossary) -> None:
        self.base = base
        self._by_generation: dict[str, Glossary] = {}
        self._lock = threading.Lock()

    def get(self, view: StoreView) -> Glossary:
        key = view.generation
        with self._lock:
            found = self._by_generation.get(key)
        if found is not None:
            return found
        glossary = index_glossary(self.base, view)
        with self._lock:
            self._by_generation[key] = glossary
            while len(self._by_generation) > self.KEEP:
                self._by_generation.pop(next(iter(self._by_generation)))
        return glossary
