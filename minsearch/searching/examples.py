"""Search tips in the index's own words: examples a new user can click that find something here.

The page's tips showed the seeds' children's-services examples ("dental checks", "care leavers")
on every index: on Limerick's or Cleveland's minutes each of them found nothing, the first thing a
new user tried. The examples are now wordings of the shipped vocabulary (``vocabulary.tsv``,
municipal topics in every council's style, never "Apologies" or "Minutes of ...") that this
index prints in a useful number of paragraphs, found once per generation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ..glossary import Glossary
from ..model import Filters
from ..store.base import StoreView
from ..store.lexicon import is_lexicon_word
from ..words import safe_stem

# A useful example finds a few paragraphs or a few pages of them, not a thousand ("municipal
# district" is in 8,389 of Limerick's paragraphs, "traffic calming" in 501).
FEWEST, MOST = 3, 600
# Phrase counts asked at most (each is one keyword search: ~3 ms on Limerick's 97k paragraphs,
# whose 1,737 candidate wordings would take 5.6 s to count all).
BUDGET = 300
TOPICS = 4  # topics found: the first two are shown, the others offer a word to leave out


@dataclass(frozen=True)
class Examples:
    """What the tips show for one index; any may be missing (the page then leaves its tip out)."""

    words: Optional[str] = None  # typed as is: a topic the minutes name ("traffic calming")
    phrase: Optional[str] = None  # quoted: an exact phrase ("social housing")
    exclude: Optional[tuple[str, str]] = None  # "speed NOT limit": a word without another
    title: Optional[str] = None  # "title:transport": a word of agenda items' titles
    meaning: Optional[tuple[str, str]] = None  # (everyday wording the minutes hardly print, theirs)


def _phrases(glossary: Glossary) -> Iterable[tuple[str, ...]]:
    """Each everyday group's wordings of two or three plain words (no digits, no acronyms)."""
    for group in glossary.everyday_groups():
        yield tuple(w for w in group if 2 <= len(w.split()) <= 3 and all(p.isalpha() for p in w.split()))


def find_examples(view: StoreView, glossary: Glossary) -> Examples:
    """Examples that find paragraphs in ``view``: the first wordings of the vocabulary's groups,
    in the file's order, that this index prints in :data:`FEWEST` to :data:`MOST` paragraphs, at
    most :data:`BUDGET` counts asked."""
    asked = 0

    def count(text: str) -> int:
        nonlocal asked
        asked += 1
        # (Milvus counts only within the paragraphs asked for: MOST + 1 tells "too many" apart.)
        return view.keyword_search(text, Filters(), MOST + 1, strict=False, min_coverage=1.0).covered

    lexicon = view.lexicon()

    def printed(wording: str) -> bool:
        """Could the index print ``wording``? Its lexicon (words in 3 paragraphs or more) answers
        without a search; a store without one (Milvus) is asked."""
        return lexicon is None or all(w in lexicon for w in wording.casefold().split() if is_lexicon_word(w))

    topics: list[str] = []  # wordings printed FEWEST to MOST times, first the ones shown
    meaning: Optional[tuple[str, str]] = None
    for group in _phrases(glossary):
        if asked >= BUDGET or (len(topics) >= TOPICS and meaning is not None):
            break
        counts = {w: count(f'"{w}"') if printed(w) else 0 for w in group[:4]}
        used = [w for w, n in counts.items() if FEWEST <= n <= MOST]
        if used and len(topics) < TOPICS and not any(_shares_word(used[0], t) for t in topics):
            topics.append(used[0])
        # (An everyday wording sharing a word with the minutes' is no example of meaning: "mental
        # health support" for "mental health services".)
        unused = [w for w, n in counts.items() if n == 0 and used and not _shares_word(w, used[0])]
        if meaning is None and unused:
            meaning = (unused[0], used[0])
    if not topics:
        return Examples(meaning=meaning)
    # "school NOT transport" leaves out one sense of a word; from a three-word topic ("looked NOT
    # children") it says nothing.
    pairs = [t.split() for t in topics if len(t.split()) == 2]
    exclude = next(((a, b) for a, b in pairs if _finds(view, f"{a} NOT {b}")), None)
    last = topics[0].split()[-1]
    return Examples(
        words=topics[0],
        phrase=topics[1] if len(topics) > 1 else None,
        exclude=exclude,
        title=last if _finds(view, f"title:{last}") else None,
        meaning=meaning,
    )


def _finds(view: StoreView, text: str) -> bool:
    """Does ``text`` (the query language's syntax: NOT, title:) find :data:`FEWEST` paragraphs?
    (``covered`` counts the paragraphs holding any of its words: "child NOT care" covers 192 of
    London Ontario's and finds none, as "child" is always "child care" there.)"""
    return len(view.keyword_search(text, Filters(), FEWEST, strict=False).hits) >= FEWEST


def _shares_word(a: str, b: str) -> bool:
    """Do two wordings share a word (by stem: "child" is "children")?"""
    return bool({safe_stem(w) for w in a.casefold().split()} & {safe_stem(w) for w in b.casefold().split()})
