"""Paragraph primitives shared by :mod:`.chunker` and :mod:`.structure`.

They live here, not in the chunker, so that the chunker can import :mod:`.structure` plainly
(at the top, failing loudly) while :mod:`.structure` builds the same paragraphs: before, each
imported the other, and a bad name made chunking fall back silently to a cruder split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# Any whitespace, including the non-breaking spaces minutes are full of.
WS = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
# A bullet glyph (or a letter "o" followed by two spaces, as Word exports bullets) at a line's start.
BULLET = re.compile(r"^[\s\u00a0]*(?:[·•▪◦●\-–*]|o(?=[\s\u00a0]{2}))[\s\u00a0]+")


@dataclass
class Para:
    """One paragraph: its character span in the document text and its raw text."""

    start: int
    end: int
    raw: str
    kind: Optional[str] = None  # known from its place in a motion block; else classified by its text
    page: int = 0  # the PDF page it starts on (1-based); 0 when the text does not mark its pages
    ref: str = ""  # the source's own paragraph number ("4" of "4) The Leader said ..."), if it has one

    @property
    def text(self) -> str:
        return normalise(self.raw)


def normalise(raw: str) -> str:
    """Collapse all whitespace (nbsp included) to single spaces and drop bullet glyphs."""
    return WS.sub(" ", BULLET.sub("", raw)).strip()
