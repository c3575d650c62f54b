"""What minutes decided: which paragraphs state a decision, and the outcome a source records.

Minutes mark decisions in a few shapes, whatever the council: a "Resolved:" heading or
"RESOLVED that" (English county councils, ModernGov), a motion with its movers ("Moved by X /
Seconded by Y / That ... BE APPROVED / Motion Passed (5 to 0)" in eScribe; "Proposed by X;
Seconded by Y; And Resolved:" in Irish minutes), or a sentence saying what the meeting as a whole
agreed ("on the proposal of X, seconded by Y, it was agreed to ..."). The chunker puts those
paragraphs in the ``resolved`` section (see :mod:`.chunker`); :func:`is_decision` recognises the
sentence shapes, :func:`outcome` reads the result a source states ("Carried", "Motion Passed
(13 to 2)") from a decision or the vote tally that follows it.
"""

from __future__ import annotations

import re
from typing import Optional

# A motion's first line: "Proposed by X; Seconded by Y; And Resolved: ..." (Irish/UK), "Moved by X /
# Seconded by Y", "Motion made by X" (eScribe), "Mr X proposed, and Mr Y seconded the motion that
# ..." (ModernGov printed minutes).
MOTION_START = re.compile(
    r"^(?:\(?\d{1,3}[.)]\)?\s+)?(?:(?:proposed|moved|motion\s+made)\s+by\b|[^.;:]{2,80}?\bproposed,?\s+(?:and\s+)?[^.;:]{2,160}?\bseconded\b)",
    re.I,
)
# A label a motion's movers may follow on the same line: "Additional Votes: Moved by ...".
_LABEL = re.compile(r"^\s*[A-Z][\w ]{0,30}:\s+")


def without_label(text: str) -> str:
    """``text`` without a short label in front of it ("Additional Votes: ...")."""
    return _LABEL.sub("", text, count=1)


def opens_motion(text: str) -> bool:
    """Does ``text`` start a motion with its movers (:data:`MOTION_START`), maybe after a label
    ("Additional Votes: Moved by P. Cuddy Seconded by S. Hillier Motion to open the public
    participation meeting.", whose vote was read as the planning application's)?"""
    return bool(MOTION_START.match(text) or MOTION_START.match(without_label(text)))


# A decision stated inside a paragraph of the minutes: what the meeting as a whole agreed ("it
# was agreed that", "the Members agreed to", "AGREED - that", "Motion to approve ..."), a motion
# with its movers ("on the proposal of X, seconded by Y", "it was proposed by X and seconded by
# Y"). A person agreeing ("Councillor X agreed to word a motion") is not the meeting deciding.
_DECIDED = re.compile(
    r"\bit\s+was\s+(?:(?:unanimously|duly|further|also|then|therefore|subsequently)\s+)?(?:agreed|resolved|decided)\b"
    r"|^(?:agreed|decided)\s*(?:that\b|to\b|[:–—-])|^motion\s+to\s+\w"
    r"|\b(?:members|committee|council|board|cabinet|panel|meeting|commission|forum)\s+"
    r"(?:(?:unanimously|then|also|further|therefore|duly)\s+)?(?:(?:agreed|resolved|decided)\s+(?:that|to|unanimously)\b"
    r"|(?:approved|endorsed|adopted)\s+the\b)"
    r"|\bon\s+the\s+(?:proposal|motion)\s+of\b"
    r"|\bproposed\s+by\b[^.;]{0,160}\bseconded\b",
    re.I,
)
# The capitalised operative words of a Canadian resolution: "the financing BE APPROVED".
_OPERATIVE = re.compile(r"\bBE\s+(?:[A-Z]{4,}\s+)?[A-Z]{3,}ED\b")


READ = 2000  # characters read at each end of a long paragraph (a 5 MB line is not a decision)


def is_decision(text: str) -> bool:
    """Does a paragraph of the minutes state what the meeting decided? (In a paragraph longer
    than twice :data:`READ`, only its beginning and end are read.)"""
    if len(text) > 2 * READ:
        return is_decision(text[:READ]) or is_decision(text[-READ:])
    if _DECIDED.search(text):
        return True
    # "BE APPROVED" among lower-case words; a notice in capitals ("APPLICATIONS WILL NOT BE
    # ACCEPTED") is not a resolution.
    return bool(_OPERATIVE.search(text)) and sum(c.islower() for c in text) > 2 * sum(c.isupper() for c in text)


# The result of a vote as minutes state it: "Motion Passed (13 to 2)", "Carried.", "CARRIED
# UNANIMOUSLY", "The amendment was lost", "Motion Failed (4 to 10)", "it was agreed unanimously".
_RESULT = re.compile(
    r"(?:^|(?<=[\s.;:,(]))(?:(?:the\s+)?(?:main\s+|substantive\s+|original\s+|amended\s+)?"
    r"(?P<what>motion|amendment|recommendation|resolution)s?\s+(?:(?:was|were|is)\s+)?(?:declared\s+)?|it\s+was\s+|and\s+)?"
    r"(?P<result>passed|carried|failed|lost|defeated|agreed|adopted|withdrawn)\b"
    r"(?P<unanimous>\s+unanimously|\s+without\s+dissent|\s+nem\.?\s*con\.?)?"
    r"(?:\s*\(\s*(?P<yes>\d+)\s+to\s+(?P<no>\d+)\s*\))?",
    re.I,
)
# Where a result may stand in a paragraph that is not a vote tally: the paragraph ends with it
# ("... the Chairman put the motion and it was agreed unanimously.", "... as amended. Carried.").
_CLOSING = re.compile(r"[\s.;:,)]*$")
_WORDS = {"passed": "Passed", "carried": "Carried", "adopted": "Adopted", "agreed": "Agreed", "failed": "Failed",
          "lost": "Lost", "defeated": "Defeated", "withdrawn": "Withdrawn"}  # fmt: skip


def outcome(text: str, tally: bool = False) -> Optional[str]:
    """The outcome ``text`` states, in a few plain words ("Passed (13 to 2)", "Carried
    unanimously", "Lost"), or None.

    ``tally``: ``text`` is a vote tally or result line (procedure), where a result may stand
    anywhere ("Yeas: ... Nays: ... Motion Passed (13 to 2)"); elsewhere only a result that ends
    the paragraph counts, since "passed" and "agreed" are common words ("the funding agreed in
    2019", "as passed by the Council").
    """
    found = None
    for m in _RESULT.finditer(text):
        if tally or _CLOSING.fullmatch(text, m.end()):
            found = m
    if found is None:
        return None
    words = _WORDS[found.group("result").lower()]
    if found.group("unanimous"):
        words += " unanimously"
    if found.group("yes"):
        words += f" ({found.group('yes')} to {found.group('no')})"
    what = (found.group("what") or "").lower()
    return f"{what.capitalize()} {words.lower()}" if what in ("amendment",) else words
