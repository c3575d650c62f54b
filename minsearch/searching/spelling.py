""" "Did you mean": corrections of a query's misspelt words, from the index's own vocabulary.

Only words no paragraph contains and that are not common English words are corrected, each to
the index's closest word (see
:meth:`~minsearch.store.base.StoreView.corrections`); quoted phrases and query syntax are
never touched (:func:`~minsearch.store.query.correctable_words`). The suggestion is offered,
never searched in place of what was typed.
"""

from __future__ import annotations

from typing import AbstractSet, Optional

from ..encode import vocabulary_words
from ..store.base import StoreView
from ..store.query import correctable_words


def did_you_mean(text: str, view: StoreView, known: AbstractSet[str] = frozenset()) -> Optional[str]:
    """``text`` with its unknown words replaced by the closest words of the index, or None when
    every word is known, none has a correction, or the store keeps no word list (Milvus).

    ``known``: lower-case words never corrected though no paragraph holds them (the glossary's:
    "EHCP" is searched as what it stands for). Nor are the common English words of the index's
    model vocabulary (:func:`~minsearch.encode.vocabulary_words`): a word the index lacks is not
    misspelt for that, and Kent's 1,041 paragraphs offered "illegal during of rubbish" for
    "illegal dumping of rubbish" and "facing homes in the roads" for "fixing holes in the roads".
    They are left out before the index's words are searched for near spellings: that search took
    ~9 ms a word on Cranfield's index (machine loaded), and most words an index lacks are real ones
    (33 of the 42 that Cranfield's questions hold and its index lacks); nor do they use up the
    words corrected in one query. The vocabulary is read (15 ms) only when some word is unknown."""
    spans = [sp for sp in correctable_words(text) if sp[2] not in known]
    if not spans:
        return None
    model = view.model
    fixes = view.corrections([w for _s, _e, w in spans], limit=1, leave=lambda w: w in vocabulary_words(model))
    if not fixes or not any(fixes.values()):
        return None
    out, last = [], 0
    for start, end, word in spans:
        better = fixes.get(word)
        if better:
            out.append(text[last:start])
            out.append(_same_case(text[start:end], better[0]))
            last = end
    out.append(text[last:])
    suggestion = "".join(out)
    return suggestion if suggestion != text else None


def _same_case(typed: str, word: str) -> str:
    """``word`` in the case the user typed (``Dentl`` -> ``Dental``)."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
