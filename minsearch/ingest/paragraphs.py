"""Paragraph primitives shared by :mod:`.chunker` and :mod:`.structure`.

They live here, not in the chunker, so that the chunker can import :mod:`.structure` plainly
(at the top, failing loudly) while :mod:`.structure` builds the same paragraphs: before, each
imported the other, and a bad name made chunking fall back silently to a cruder split.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

# Any whitespace, including the non-breaking spaces minutes are full of.
WS = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
# A bullet glyph (or a letter "o" followed by two spaces, as Word exports bullets) at a line's start.
BULLET = re.compile(r"^[\s\u00a0]*(?:[·•▪◦●\-–*]|o(?=[\s\u00a0]{2}))[\s\u00a0]+")
# Presentation forms that arrive by copying from a PDF (the ligatures "ﬁ", "ﬂ", "ﬃ") or from an
# East Asian input method (full-width "ＥＨＣＰ"): folded to their letters (NFKC of just these), so
# that a pasted "ﬁnancial" finds "financial". Not NFKC of all text: that turns "½" into "1⁄2"
# and "m²" into "m2", which minutes print as they are (Cleveland's City Record has "¼" and "½").
_FORMS = re.compile(r"[\ufb00-\ufb06\uff01-\uff5e]+")


def fold_forms(text: str) -> str:
    """``text`` with ligatures and full-width letters, digits and signs written as plain ones."""
    return _FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


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
    """Collapse all whitespace (nbsp included) to single spaces, drop bullet glyphs and fold
    ligatures and full-width forms (:func:`fold_forms`)."""
    return fold_forms(WS.sub(" ", BULLET.sub("", raw)).strip())


def number_shape(text: str, number: str) -> str:
    """How ``text`` writes the number (or letter) ``number`` it starts with: "(x)", "x)" or "x."
    (the chunker's points of a paragraph, the decisions' end of a resolution)."""
    head = text.lstrip(" \u00a0")
    return "(x)" if head.startswith("(") else "x)" if head[len(number) : len(number) + 1] == ")" else "x."
