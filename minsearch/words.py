"""Words as every layer compares them: function words, and a stem that never becomes one.

The keyword index (its analyzer), the glossary (matching a query's words to acronyms) and the
snippets (marking the query's words) must agree on what a word's stem is, or a query word is
found by one and missed by another.
"""

from __future__ import annotations

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
_FUNCTION_SET = frozenset(FUNCTION_WORDS)
STOPWORDS = _FUNCTION_SET | frozenset(stem(w) for w in FUNCTION_WORDS)  # (their stems too)


@lru_cache(maxsize=50000)
def safe_stem(word: str) -> str:
    """The Porter stem of a lower-case ``word``, unless that would make a content word into a
    function word: "aed" (defibrillators) stems to "a", "one" to "on", "using" to "us". Such a
    stem matches nearly every paragraph (and every query with "a" named the AED glossary group),
    so the word stays whole."""
    s = stem(word)
    return word if s in _FUNCTION_SET and word not in _FUNCTION_SET else s
