"""Acronyms the minutes define themselves: "Upper Thames River Conservation Authority (UTRCA)".

Minutes name local bodies, grants and schemes in full once and by their letters after that; the
shipped glossary (``minsearch/data/glossary.tsv``) cannot list every council's own. Each
document's definitions are found when it is indexed and kept with its record, and a search of
the index treats a defined acronym like one of the glossary's ("UTRCA" also searches what it
stands for, and the other way round).

A definition is a short form in brackets after its long form, matched letter by letter from the
end as in Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation definitions
in biomedical text": every letter of the short form appears in order in the long form, the first
one at the start of its first word ("Northeast Ohio Regional Sewer District (NEORSD)",
"Vacant and Abandoned Property Action Council (VAPAC)").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Iterator, Optional

# A short form: 2-10 letters (and "&"), starting with a capital, with at least two capitals
# ("UTRCA", "FoI", "CLÁR"); not a number, a reference code or a word in brackets.
_SHORT = re.compile(r"\(\s*([^\W\d_][^\W\d_&]{0,8}[^\W\d_]|[^\W\d_]&[^\W\d_])\s*\)")
_STOP = re.compile(r"[.;:()\[\]\n]")  # where the sentence before a bracket starts
# A long form is at most 20 words: this much text before a bracket is read, never the whole
# paragraph again for each bracket (a searched-back "sentence" made a long unpunctuated paragraph
# with 200 bracketed capitals take minutes to index).
_LOOKBACK = 400


def _is_short_form(s: str) -> bool:
    return s[0].isupper() and sum(ch.isupper() for ch in s) >= 2 and len(s) <= 10


def long_form(short: str, before: str) -> Optional[str]:
    """The long form that ``short`` abbreviates at the end of ``before``, or None.

    First the plain case: its capitals are the initials of the last words, small words aside
    ("County Councils Network (CCN)", "Value for Money (VfM)"). Else, of the letter matches
    that end at a word starting with the short form's last letter, the one ending latest ("Air
    Traffic Control Tower (ATCT)", not "... Tower and other entities"); else the plain letter
    match ("Education, Health and Care Plans (EHCPs)")."""
    words = before.split()[-min(len(short) + 5, 2 * len(short)) :]
    found = _initials(short, words)
    if found:
        return found
    last = short[-1].casefold()
    for end in range(len(words), 0, -1):
        if words[end - 1][:1].casefold() == last and words[end - 1].casefold() not in _MINOR:
            found = _match(short, " ".join(words[:end]))
            if found:
                return found
    return _match(short, " ".join(words))


_MINOR = frozenset("of and the for in on to a an & with at by".split())


def _initials(short: str, words: list[str]) -> Optional[str]:
    """The last words whose initials are ``short``'s capitals, small words aside, or None."""
    caps = [c for c in short if c.isupper() or c.isdigit()]
    if len(caps) < 2:
        return None
    i, want = len(words) - 1, len(caps) - 1
    while i >= 0 and want >= 0:
        w = words[i].strip(",;:\"'“”‘’()")
        if w.casefold() in _MINOR or not w:
            i -= 1
            continue
        if w[:1].casefold() != caps[want].casefold():
            return None
        want -= 1
        i -= 1
    if want >= 0:
        return None
    return " ".join(words[i + 1 :]).strip(" ,-–")


def _match(short: str, text: str) -> Optional[str]:
    """Schwartz & Hearst's match: every letter of ``short`` found in order from the end of
    ``text``, the first at the start of a word; the long form runs from there to the end of the
    word holding the last letter."""
    s, i = len(short) - 1, len(text) - 1
    last = -1  # where the short form's last letter was found
    while s >= 0:
        ch = short[s].casefold()
        if not ch.isalnum():
            s -= 1
            continue
        # the short form's first letter must start a word of the long form
        while i >= 0 and (text[i].casefold() != ch or (s == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        if last < 0:
            last = i
        i -= 1
        s -= 1
    end = text.find(" ", last)
    found = text[i + 1 : end if end >= 0 else len(text)].strip(" ,-–")
    parts = found.split()
    # "Ontario Ministry of Transportation (MTO)" is not "Ministry of": a long form ends in a word
    if len(parts) < 2 or short.casefold() in found.casefold().split() or parts[-1].casefold() in _MINOR:
        return None
    return found


def definitions(text: str) -> Iterator[tuple[str, str]]:
    """(short form, long form) for each "long form (SHORT)" in ``text``."""
    for m in _SHORT.finditer(text):
        short = m.group(1)
        if not _is_short_form(short):
            continue
        found = long_form(short, _STOP.split(text[max(0, m.start() - _LOOKBACK) : m.start()])[-1])
        if found:
            yield short, found


def document_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Each short form defined in ``texts`` (a document's titles and paragraphs) with the long
    form it is given most often."""
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        for short, found in definitions(" ".join(text.split())):
            seen.setdefault(short, Counter())[found] += 1
    return {short: forms.most_common(1)[0][0] for short, forms in sorted(seen.items())}


def index_acronyms(per_document: Iterable[dict[str, str]]) -> dict[str, str]:
    """The index's acronyms: each short form with the long form most of its documents give it
    (case aside)."""
    votes: dict[str, Counter[str]] = {}
    spelled: dict[tuple[str, str], str] = {}
    for found in per_document:
        for short, lf in found.items():
            key = lf.casefold()
            votes.setdefault(short, Counter())[key] += 1
            spelled.setdefault((short, key), lf)
    return {short: spelled[(short, c.most_common(1)[0][0])] for short, c in sorted(votes.items())}
