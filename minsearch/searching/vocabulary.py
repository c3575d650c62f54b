"""The glossary a search of one index uses: the shipped one, the index home's ``glossary.tsv``,
and the acronyms its minutes define (:mod:`minsearch.ingest.acronyms`), read from the documents'
records once per generation; which of its groups the keyword view searches
(:func:`keyword_expansions`) and how much of the query they stand for (:func:`everyday_share`);
and the index's own words nearest to a query's word that its minutes hardly use
(:func:`nearby_wordings`)."""

from __future__ import annotations

import re
from typing import Callable, Iterable

import numpy as np

from ..glossary import Expansion, Glossary, said_words
from ..ingest.acronyms import index_acronyms
from ..model import Filters
from ..ranking.rank import names, proper_name
from ..store.base import StoreView
from ..store.lexicon import is_lexicon_word
from ..words import FUNCTION_SET, safe_stem

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
    (a filter narrows the matches, not the index's vocabulary). The semantic view reads an everyday
    group's wordings only when the groups searched stand for most of the query
    (:func:`everyday_share`, :func:`minsearch.glossary.with_meanings`).
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


_WORD = re.compile(r"[^\W\d_]+")


def everyday_share(text: str, searched: Iterable[Expansion]) -> float:
    """The share of the query's words (function words aside) that the everyday wordings the
    keyword view searched stand for: 1.0 for "county lines" or "illegal dumping of rubbish" -> 2
    of 3 ("fly-tipping"), 0.2 for "phone and email scams targeting the public" ("scams" ->
    "trading standards"). Nearby words (the model's guess) stand for nothing here. Such a query
    says in everyday words what the minutes name in their own, as an acronym does: at
    ``Settings.everyday_lean`` or more, the semantic view reads the minutes' wording and fusion
    leans on the keyword view (minsearch.searching.candidates)."""
    words = [w for w in said_words(text) if w not in FUNCTION_SET and not w.isdigit()]
    if not words:
        return 0.0
    stood = {w for e in searched if e.everyday and not e.guessed for w in e.words}
    return sum(1 for w in words if w in stood) / len(words)


def nearby_wordings(
    text: str,
    view: StoreView,
    encode: Callable[[list[str]], np.ndarray],
    said: Iterable[Expansion],
    limit: int,
    word_floor: float,
    query_floor: float,
) -> tuple[Expansion, ...]:
    """For each word of ``text`` that the index's lexicon lacks (fewer than three paragraphs print
    it), is not a name's (:func:`~minsearch.ranking.rank.proper_name`, a capitalised word after the
    first) and no glossary group of ``said`` already stands for, the lexicon's words nearest to it in
    meaning, as an everyday group (searched by :func:`keyword_expansions` only where the index
    rarely uses the word; shown as "also searched: scams → fraud, fraudulent").

    Users say "scams", "pests", "baby deaths"; minutes say "fraud", "infestation", "infant
    mortality". The semantic view reads the whole paragraph, where one such word is a small part
    of its meaning; searched by keyword, the minutes' own word finds the paragraph that says it.
    Of the lexicon's words, at most ``limit`` of those at least ``word_floor`` close (cosine) to
    the word alone and ``query_floor`` to the whole query: the query keeps the word's sense
    ("sanctuary" alone is nearest "church"; "illegal" is 0.80 from "legal" whatever is asked).
    The defaults (Settings.nearby_*) were chosen leave-one-corpus-out on the judged minutes
    (benchmarks/results/nearby.md). ``encode``: the index's model (unit vectors). Nothing for a
    store without a lexicon (Milvus), an index written before lexicons, or ``limit`` 0."""
    lexicon = view.lexicon() if limit > 0 else None
    if lexicon is None or not len(lexicon):
        return ()
    covered = {w for e in said for w in e.words}
    # A name's nearest words in meaning are other names: "Zabrowski" was also searched as "wagner".
    name = proper_name(text)
    covered |= {w.casefold() for w in (name.split() if name else names(text))}
    words = [
        w
        for w in dict.fromkeys(m.casefold() for m in _WORD.findall(text))
        if is_lexicon_word(w) and w not in lexicon and w not in covered
    ]
    if not words:
        return ()
    vectors = encode([text, *words])
    to_query = lexicon.closeness(vectors[0]) >= query_floor
    own = {safe_stem(w.casefold()) for w in _WORD.findall(text)}  # not the query's own words again
    out = []
    for word, vector in zip(words, vectors[1:]):
        close = lexicon.closeness(vector)
        rows = np.flatnonzero((close >= word_floor) & to_query)
        near = [lexicon.words[i] for i in rows[np.argsort(-close[rows], kind="stable")]]
        near = [w for w in near if safe_stem(w) not in own][:limit]
        if near:
            out.append(Expansion(matched=word, words=(word,), alternates=tuple(near), everyday=True, guessed=True))
    return tuple(out)
