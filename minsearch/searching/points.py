"""The points of a list of resolutions, and the paragraph that introduces them.

Minutes print a motion of several points as one paragraph per point ("a) ... BE RECEIVED;",
"b) ... BE DISSOLVED;"), introduced by a paragraph ending with a colon ("RESOLVED that Cabinet:",
"That the following actions be taken ...:"). A point found alone is shown with its lead-in, as a
decision (:mod:`~minsearch.searching.decisions`) and as the motion a vote decides
(:mod:`~minsearch.searching.votes`).
"""

from __future__ import annotations

import re
from typing import Optional

from ..model import Chunk

RESOLVED = "resolved"  # the section of decision paragraphs (minsearch.ingest.chunker)
LOOKAHEAD = 48  # paragraphs searched for a decision's outcome after it, and its lead-in before it
# A point's marker: "3.", "c)", "(iv)", a bullet; group 1 its number or letter.
MARKER = re.compile(r"\s*(?:\(?(\d{1,2}|[ivx]{1,5}|[a-z])[.)]|[•·\-–*])\s+\S", re.I)


def lead_in(doc: list[Chunk], i: int) -> Optional[str]:
    """The paragraph introducing ``doc[i]`` ("RESOLVED that the County Council:", "Mr X proposed
    and Mr Y seconded the following motion:"): the one just before it, or before the list of
    points it belongs to, if it ends with a colon; else None.

    The points of a list count on ("a)" "b)" "c)"), and may hold points of their own ("c) the
    maps BE APPROVED, except:" then "i)" "ii)"), which are passed over; a point ending with a
    colon one before the next ("c)" before "d)") is one of the points. Kent numbers paragraphs as
    it numbers lists: paragraph "6." after the points "1." to "3." of paragraph "5." is none of
    them."""
    c = doc[i]
    style = point_style(c.text)
    chain = [c]  # the points of c's list, from c back to the first
    nested = False  # passed over the points of a point
    for p in reversed(doc[max(0, i - LOOKAHEAD) : i]):
        if p.item != c.item or p.section != RESOLVED:
            return None
        colon = p.text.rstrip().endswith(":")
        if style is None or point_style(p.text) is None:
            return p.text if colon and _counts_on(chain[::-1]) else None
        if point_style(p.text) != style:
            if colon and not nested:
                return p.text if _counts_on(chain[::-1]) else None
            nested = True
            continue
        if colon and not _just_before(p, chain[-1]):
            return p.text if _counts_on(chain[::-1]) else None
        chain.append(p)
        nested = False
    return None


def point_style(text: str) -> Optional[tuple[str, bool]]:
    """How a point is marked: ("digit" / "roman" / "letter" / "bullet", in capitals), or None
    for a paragraph that is not a point."""
    m = MARKER.match(text)
    if m is None:
        return None
    v = m.group(1)
    if v is None:
        return ("bullet", False)
    kind = "digit" if v.isdigit() else "roman" if re.fullmatch(r"[ivx]+", v, re.I) else "letter"
    return (kind, v.isupper())


def _counts_on(points: list[Chunk]) -> bool:
    """Do the numbers or letters of ``points`` go up one at a time? (Bullets are not checked.)"""
    values = [_ordinal(p.text) for p in points]
    known = [v for v in values if v is not None]
    if len(known) != len(values):
        return True
    return known == list(range(known[0], known[0] + len(known)))


def _just_before(p: Chunk, first: Chunk) -> bool:
    """Is ``p`` numbered or lettered one before ``first`` ("c)" before "d)")?"""
    a, b = _ordinal(p.text), _ordinal(first.text)
    return a is not None and b is not None and a + 1 == b


_ROMAN = {"i": 1, "v": 5, "x": 10}


def _ordinal(text: str) -> Optional[int]:
    """The number of a point: "3." 3, "c)" 3, "(iv)" 4; None for a bullet or no point."""
    m = MARKER.match(text)
    v = m.group(1) if m else None
    if v is None:
        return None
    if v.isdigit():
        return int(v)
    low = v.lower()
    if re.fullmatch(r"[ivx]+", low):
        n = [_ROMAN[ch] for ch in low]
        return sum(-a if a < b else a for a, b in zip(n, n[1:] + [0]))
    return ord(low) - ord("a") + 1
