"""Words as every layer compares them: function words, a stem that never becomes one, sentences.

The keyword index (its analyzer), the glossary (matching a query's words to acronyms) and the
snippets (marking the query's words) must agree on what a word's stem is, or a query word is
found by one and missed by another.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.lang.porter import stem

# English function words and question words: loose in a query, they match nearly everything.
FUNCTION_WORDS = """a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing done down during each either few for from
further had has have having he her here hers herself him himself his how i if in into is it its itself
just may me might more most much must my myself no nor not now of off on once only or other our ours
ourselves out over own please same say said says she should so some such tell than that the their
theirs them themselves then there these they this those through to too under until up upon us very
was we were what when where which while who whom whose why will with would you your yours yourself
yourselves""".split()
FUNCTION_SET = frozenset(FUNCTION_WORDS)
STOPWORDS = FUNCTION_SET | frozenset(stem(w) for w in FUNCTION_WORDS)  # (their stems too)
# Titles printed before a person's name: a query's "Mr" names one person, not every "Mr" of a
# list of votes (minsearch.ranking.snippets marks one only before a marked name).
PERSONAL_TITLES = frozenset("mr mrs ms mx miss dr cllr".split())


def excerpt(text: str, n: int = 300) -> str:
    """``text`` (its spacing collapsed) cut to at most ``n`` characters at a word, with " …"."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"


@lru_cache(maxsize=50000)
def safe_stem(word: str) -> str:
    """The Porter stem of a lower-case ``word``, unless that would make a content word into a
    function word: "aed" (defibrillators) stems to "a", "one" to "on", "using" to "us". Such a
    stem matches nearly every paragraph (and every query with "a" named the AED glossary group),
    so the word stays whole."""
    s = stem(word)
    return word if s in FUNCTION_SET and word not in FUNCTION_SET else s


# A sentence ends at . ! ? (and closing quotes or brackets) followed by space and a capital, a
# digit or an opening quote or bracket; decimals ("£5.6m") never have the space.
# (From the first stop of a run only, the run and its quotes read once: from every "!" of 30,000
# without a capital after them, finding the sentences took 10.8 s, quadratic.)
_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s+[\"'“‘(\[]?[A-Z0-9À-Þ])")
# ... but not after an initial ("S. Lewis"), a title or a common abbreviation ("No. 4", "e.g. the").
_NOT_AN_END = re.compile(
    r"(?:^|[\s(\[\"'“‘])(?:[A-Za-z]|Mr|Mrs|Ms|Mx|Dr|Cllr|Cllrs|Clir|Cmhlr|Councillor|Prof|Rev|Revd|Sr|Jr|St|Mt|"
    r"No|Nos|no|nos|Co|Ltd|Inc|Corp|Bros|approx|Approx|etc|vs|viz|cf|al|Fig|fig|para|Para|paras|Sec|sec|"
    r"Ave|Rd|Cres|Dept|Gov|Govt|Hon|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|e\.g|i\.e|a\.m|p\.m|"
    r"[A-Z]\.[A-Z]|[A-Z]\.[A-Z]\.[A-Z])$"
)


# A paragraph's own number or letter before its first stop ("3. In response ...", "iv. The"):
# split there, "3." was a sentence of its own, and the excerpt of a paragraph found by meaning
# marked it as the closest to the query.
_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}[a-z]?|[a-zA-Z]|[ivx]{2,5}|[IVX]{2,5})\)?")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (stripped of surrounding spaces)."""
    spans = []
    start = 0
    for m in _END.finditer(text):
        if _NOT_AN_END.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        if _ENUMERATOR.fullmatch(text[start : m.start()].strip()):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s > 1:
            out.append((s, e))
    return out or [(0, len(text))]
