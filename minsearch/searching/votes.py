"""What a vote decided: the motion a tally or result line is the vote on.

Minutes print a vote under its motion ("Motion made by ..." / "That part d) ... BE REFERRED ..." /
"Yeas: ... Nays: ... Motion Passed (10 to 2)"). Found alone, as a question about how a member
voted finds it, the tally says who voted which way and not on what: a new user's pass on London
Ontario read six tallies of one agenda item without knowing which was the referral of part b).
The motion is the one its movers put: what the minutes print between the movers' line and the
vote in the same agenda item (a motion of many points is voted whole), or, where they print no
movers, the paragraph just before the vote past its own lines; and only when no other vote's
result stands between them (then the minutes do not say which motion it was).
"""

from __future__ import annotations

import re
from itertools import takewhile
from typing import Optional

from ..ingest.decisions import opens_motion, outcome, without_label
from ..ingest.kinds import announces_vote, is_vote_line, names_movers, states_resolution, strip_movers
from ..model import Chunk, Hit
from ..store.base import StoreView
from .points import lead_in

# Paragraphs read back from a vote for its motion: a roll call runs to a few lines; a motion of
# many points ("a)" to "i)", each a paragraph) to a few dozen.
LOOKBACK = 8
MOTION_LOOKBACK = 40
# Movers' lines read beside one, each way: the longest runs in the benchmark corpora are 18
# (Limerick) and 16 (London Ontario). Unbounded, an item of 1,000 movers' lines read each line's
# whole run for each line: 15 s for "who seconded the budget", 3,000 did not finish in 100 s.
MOVERS_BESIDE = 20
TALLY_LINES = 4  # lines one vote is printed in at most (Kent: "For (n) ...", "Against (n) ...", "Abstain (n) ...")
MOVERS_READ = 2000  # characters of a movers' line read for the motion it states


def is_vote(c: Chunk) -> bool:
    """A tally or a result line: procedure that states an outcome ("Yeas: ... Motion Passed")."""
    return c.kind == "procedure" and outcome(c.text, tally=True) is not None


def is_vote_part(c: Chunk) -> bool:
    """A line of a vote: procedure that says who voted or by how many
    (:func:`~minsearch.ingest.kinds.is_vote_line`: "Yeas: ...", "Against (35) ..."), with or
    without its outcome. What a question about how a vote went is answered by."""
    return c.kind == "procedure" and is_vote_line(c.text)


def motion_of(doc: list[Chunk], i: int) -> Optional[str]:
    """The text of the motion the vote ``doc[i]`` decides (see the module docstring), or None.

    A vote that prints its motion itself ("Moved by ... Motion to approve the delegation request
    ... Yeas: ...") needs none. A point of a list ("h) the use of ... BE REFERRED ...") is shown
    with what introduces it ("Motion to refer part h):"), or a long introduction alone ("That, on
    the recommendation of ..., the following actions be taken ...:"): the vote was on the list.
    Where the minutes say only that the chair put a motion printed in another paragraph of the
    minute to the vote, it is that paragraph's motion (:func:`pointed_motion`)."""
    said = _motion_printed(doc, i)
    return (pointed_motion(doc, i, said) if said else None) or said


# The chair putting a motion the minute printed in another of its numbered paragraphs ("5) The
# Chairman put the substantive motion (as amended) as set out in paragraph 3 to the vote", "the
# Chairman put to the vote the amendment set out in paragraph 11": Kent, as ModernGov minutes
# number them). "that the substantive motion in paragraph 3 be put to the vote" is a motion of
# its own (to end the debate): not a pointer.
_PUT = re.compile(
    r"(?<!\bbe )\bput\b(?:\s+to\s+the\s+vote\b)?[^.:“\"]{0,100}?\b(?:at|in)\s+paragraph\s+\(?(\d{1,3})\)?(?![\d.])",
    re.I,
)


_QUOTE = re.compile(r"[“\"]")


def pointed_motion(doc: list[Chunk], i: int, said: str) -> Optional[str]:
    """The motion of the paragraph ``said`` (the words the minutes print for the vote ``doc[i]``)
    points to, when they only say the chair put "the motion in paragraph 3" to the vote: that
    numbered paragraph of the vote's agenda item with the motion it opens ("3) The proposer and
    seconder of the original motion agreed to the amendment, which became the substantive
    motion: This Council believes that: a) ..."), or the motion its movers put, whole ("2) Mr
    Holden proposed and Mr Lewis seconded the following amendment:" / "“Council is asked to: 1.
    Note with thanks ..."). 4 of Kent's 38 votes read only as the chair's words. None when
    ``said`` points nowhere, quotes the part put, or the paragraph is not found."""
    m = _PUT.search(said[:MOVERS_READ])
    if m is None or _QUOTE.search(said, m.end()):
        return None  # (nothing to point at, or the part put is quoted: "part 4 ... – “debates and ...")
    item, number = doc[i].item, m.group(1)
    start = i
    while start > 0 and doc[start - 1].item == item:
        start -= 1
    j = next((k for k in range(start, i) if doc[k].para_ref == number), None)
    if j is None:
        return None

    def within(c: Chunk) -> bool:  # (a paragraph of another number ends it: "3) The proposer ...")
        return c.para_ref in ("", number) or c.para_ref.startswith(f"{number}(")

    if names_movers(_read(doc[j])):
        _block, motion = _movers_motion(doc, j)
        kept = list(takewhile(within, motion))
        return " ".join(c.text for c in kept) if kept else _own_motion(doc[j].text) or None
    texts = [doc[j].text]
    if doc[j].text.rstrip().endswith(":"):
        for c in doc[j + 1 : min(i, j + 1 + MOTION_LOOKBACK)]:
            if c.item != item or c.kind == "procedure" or not within(c) or names_movers(_read(c)):
                break
            texts.append(c.text)
    return " ".join(texts)


def _points(c: Chunk) -> bool:
    """Does a vote's announcement point to the paragraph of the motion put ("the Chairman put
    the amendment set out in paragraph 11 to the vote")?"""
    return announces_vote(c.text) and _PUT.search(c.text[:MOVERS_READ]) is not None


def _question_put(c: Chunk) -> bool:
    """A motion that the question be put, right after its movers ("4) ... Mr Rayner proposed and
    Mr Meade seconded that" / "the substantive motion (as amended) in paragraph 3 be put to the
    vote."): procedure in meeting words only, yet the motion they moved."""
    # (it goes on from the movers' line, in lower case: a sentence of its own is the chair's)
    return c.kind == "procedure" and c.text[:1].islower() and announces_vote(c.text) and not is_vote_line(c.text)


def _motion_printed(doc: list[Chunk], i: int) -> Optional[str]:
    """:func:`motion_of` as the minutes print it before the vote (a pointer left as it is)."""
    vote = doc[i]
    if _says_its_motion(vote.text):
        return None
    movers = _movers_before(doc, i)
    if movers is not None:
        return _motion_after(doc, movers, i)
    for j in range(i - 1, max(-1, i - 1 - LOOKBACK), -1):
        c = doc[j]
        if c.item != vote.item:
            return None
        # (a vote's announcement is procedure, yet one pointing to a paragraph says which holds
        # the motion put: pointed_motion reads it)
        if (c.kind == "substance" or _points(c)) and not _reports_movers_only(c.text):
            return _with_lead(doc, j)
        if c.kind == "procedure" and outcome(c.text, tally=True) is not None and not _same_vote(c, vote):
            return None  # another vote's result: which motion this one decides is not printed here
    return None


def motion_words(doc: list[Chunk], i: int) -> str:
    """All the words of the motion the line ``doc[i]`` belongs to, for telling which of an agenda
    item's motions a question is about ("who voted against dissolving the board": the vote on
    part b), "the current London Transit Commission BE DISSOLVED", not the referral of part d)).
    Empty when the minutes do not say.

    A vote's: its movers' line and what the minutes print between it and the vote (or, without
    movers, :func:`motion_of`). A movers' line's (with the movers' lines beside it: "Moved by
    ..." then "Seconded by ..."): what it says after the movers, and the motion it opens when it
    starts with them or ends with a colon ("Moved by ...", "Mr X proposed and Mr Y seconded the
    following amendment:"); else, or when it is in the passive, the motion before it, which it
    reports ("The Motion was proposed by Councillor X and seconded by Councillor Y.", after the
    motion's text)."""
    line = doc[i]
    if is_vote_line(line.text):
        # One vote's lines ("For (15) ...", "Against (35) ...", "Abstain (1) ... Motion lost.")
        # share its motion: read back from the first.
        first = first_line_of_vote(doc, i)
        if any(_says_its_motion(c.text) for c in doc[first : i + 1]):
            return " ".join(c.text for c in doc[first : i + 1])
        movers = _movers_before(doc, first)
        if movers is None:
            # As printed: "the Chairman put the substantive motion ... to the vote" says which
            # motion a question means ("the vote on the substantive revenue budget motion") better
            # than the motion it points to, whose words its amendments share (read through the
            # pointer, kent-42 fell 0.685 -> 0.532 nDCG@10).
            return _motion_printed(doc, first) or ""
        span = [doc[movers]] + [c for c in doc[movers + 1 : first] if c.kind != "procedure"]
        return " ".join(_read(c) for c in span)
    block, motion = _movers_motion(doc, i)
    return " ".join([_read(c) for c in block] + [c.text for c in motion])


# The chair calling a vote on what it names ("The Mayor directed that a Vote be taken on the
# proposal put forward by Cmhlr. Ó Ceallaigh ... to vary the Local Property Tax ...", Limerick),
# and the words that close it ("and the result of the voting was as follows:").
_CALLED_ON = re.compile(
    r"^.{0,200}?\b(?:directed\s+that\s+a\s+(?:recorded\s+)?vote\s+be\s+taken|called\s+(?:for\s+)?a\s+"
    r"(?:recorded\s+)?vote(?:\s+to\s+be\s+taken)?)\s+on\s+",
    re.I | re.S,
)
_RESULT_FOLLOWS = re.compile(r"[,.]?\s*(?:and\s+)?the\s+result\s+of\s+the\s+vot\w*\s+was\s+as\s+follows\W*$", re.I)
CALLED_WORDS = 4  # fewer words name no motion ("on the Motion", "on each of the Amendments")


def announced(doc: list[Chunk], i: int) -> Optional[str]:
    """For a roll call whose result the minutes do not print (no motion can be read back from
    it): what the chair called the vote on, in the paragraph just before the roll call, when it
    says ("the proposal put forward by Cmhlr. Ó Ceallaigh and seconded by Councillor Browne to
    vary the Local Property Tax downwards by 15% for 2016"; Limerick's roll calls showed no
    motion). None when the paragraph names no motion of its own."""
    first = first_line_of_vote(doc, i)
    if first == 0 or doc[first - 1].item != doc[i].item:
        return None
    called = _CALLED_ON.match(doc[first - 1].text[:MOVERS_READ])
    if called is None:
        return None
    what = _RESULT_FOLLOWS.sub("", doc[first - 1].text[called.end() :]).strip()
    return what if len(what.split()) >= CALLED_WORDS else None


def first_line_of_vote(doc: list[Chunk], i: int) -> int:
    """The first of the lines of the vote ``doc[i]`` is a line of: Kent prints one vote as "For
    (15) ...", "Against (35) ...", "Abstain (1) ... Motion lost."; a line that states an outcome
    ends a vote (London Ontario prints two votes' tallies one after the other)."""
    first = i
    while first > 0 and doc[first - 1].item == doc[i].item and is_vote_line(doc[first - 1].text):
        if is_vote(doc[first - 1]):
            break
        first -= 1
    return first


def _outcome_line(doc: list[Chunk], i: int) -> Optional[int]:
    """The line stating the outcome of the vote ``doc[i]`` is a line of: itself, or the next of
    its lines that does ("For (15) ..." / "Against (35) ..." / "Abstain (1) ... Motion lost.");
    None when none follows (a roll call whose result the minutes do not print: its motion is not
    told apart from the clause before it)."""
    for j in range(i, min(len(doc), i + TALLY_LINES)):
        c = doc[j]
        if c.item != doc[i].item:
            return None
        if is_vote(c):  # (a result without a count is not a vote line: "Motion carried.", "agreed.")
            return j
        if not is_vote_part(c):
            return None
    return None


def motion_moved(doc: list[Chunk], i: int) -> Optional[str]:
    """The motion the movers' line ``doc[i]`` puts, for showing it with the line ("Moved by S.
    Trosow" / "Seconded by A. Hopkins" said nothing of which of an item's motions they moved):
    the motion's first paragraph (a short lead-in with the point it introduces), read as
    :func:`motion_words` reads it. None when the line states its motion itself ("Mr Oakford
    proposed and Mr Gough seconded that the report be noted", "On the proposal of ..., it was
    agreed to ...") or the minutes do not print it."""
    own = _own_motion(doc[i].text)
    if len(own.split()) >= 3 and not _CUT_OFF.search(own) and not _reports_movers_only(doc[i].text):
        return None
    block, motion = _movers_motion(doc, i)
    if not motion:
        return None
    if motion[0].paragraph < block[0].paragraph:
        # Reported after it: the nearest paragraph before that says the motion, not a speech
        # about it ("In proposing the Motion, Councillor O'Brien highlighted ...": 323 of 5,491
        # lines of movers over the five corpora) or the tail of a line the PDF broke ("District of
        # Limerick.": 93).
        nearest = motion[::-1]
        said = next(
            (c for c in nearest if len(c.text.split()) >= CUT_OFF_MOTION_WORDS and not _SPEECH.search(c.text[:80])),
            nearest[0],
        )
        return _with_lead(doc, doc.index(said))
    texts = [c.text for c in motion]
    if len(texts) > 1 and texts[0].endswith(":") and len(texts[0]) <= SHORT_LEAD:
        return f"{texts[0]} {texts[1]}"
    return texts[0]


def _movers_motion(doc: list[Chunk], i: int) -> tuple[list[Chunk], list[Chunk]]:
    """The movers' lines beside ``doc[i]`` ("Moved by ..." then "Seconded by ...") and the
    paragraphs of the motion they put, in document order (see :func:`motion_words`)."""
    line = doc[i]
    first, last = i, i
    while first > 0 and i - first < MOVERS_BESIDE and _beside(doc[first - 1], line):
        first -= 1
    while last + 1 < len(doc) and last - i < MOVERS_BESIDE and _beside(doc[last + 1], line):
        last += 1
    block = doc[first : last + 1]
    after = doc[last + 1] if last + 1 < len(doc) else None
    if after is not None and after.item == line.item and states_resolution(after.text):
        # "Proposed by Councillor J. Sheahan; Seconded by Councillor M. Collins;" then "And
        # Resolved: “That ...”" (Limerick prints most motions so; the resolution is procedure
        # there): what they moved is the resolution, not the speech before them (735 of
        # Limerick's movers' lines showed the paragraph before, or nothing).
        return block, [after]
    opening = _read(block[0])
    forward = not _REPORTS.search(opening) and (opens_motion(opening) or _read(block[-1]).rstrip().endswith(":"))
    side = doc[last + 1 : last + 1 + MOTION_LOOKBACK] if forward else doc[max(0, first - MOTION_LOOKBACK) : first][::-1]
    motion: list[Chunk] = []
    for c in side:
        if c.item != line.item or names_movers(_read(c)) or is_vote_line(c.text):
            break  # (another motion's movers or vote)
        if c.kind == "procedure" and not (forward and not motion and _question_put(c)):
            break
        motion.append(c)
    return block, motion if forward else motion[::-1]


# A member speaking to a motion, not the motion: "In proposing the Motion, Councillor X ...",
# "Councillor Y, in seconding the motion, ...".
_SPEECH = re.compile(r"\bin\s+(?:proposing|moving|seconding|supporting)\b", re.I)
# A movers' line in the passive reports a motion the minutes printed before it ("The Motion was
# proposed by Councillor Gavan and seconded by Councillor O'Donovan.", after the motion's text).
_REPORTS = re.compile(r"\b(?:was|were|been|being)\s+(?:duly\s+)?(?:proposed|moved|seconded)\b", re.I)


_MOTION_CLAUSE = re.compile(r"(?i:\bthat\b)|\b[Tt]o\s+[a-z]|:\s*$")
# Words a report of the movers opens with before its verb ("The Motion, as outlined by Councillor
# Keary, was seconded by ..."); "Councillor Sheahan proposed the March meeting be held in Adare,
# which was seconded by ..." states its motion.
REPORT_OPENING = 10


def _reports_movers_only(text: str) -> bool:
    """A paragraph that only reports who moved the motion printed before it ("The Notice of Motion
    was proposed by Councillor Kiely, seconded by Councillor O'Sullivan and", then "agreed."):
    not the motion a vote after it decides (156 of Limerick's votes were shown with such a line).
    One that says the motion ("It was proposed by Councillor Collins that the Council call on
    ...", "It was proposed by Councillor Collins to amend the motion to include ...") or
    introduces it ("... seconded by Councillor Butler as follows:") is; so is one whose verb comes
    late ("Councillor Sheahan proposed the March meeting be held in Adare, which was seconded by
    ...": it states its motion)."""
    head = text[:MOVERS_READ]
    opening = " ".join(head.split()[:REPORT_OPENING])
    return bool(_REPORTS.search(opening)) and names_movers(head) and not _MOTION_CLAUSE.search(head)


def _beside(c: Chunk, line: Chunk) -> bool:
    """Is ``c`` a movers' line of the same agenda item as ``line``?"""
    return c.item == line.item and names_movers(_read(c))


def _read(c: Chunk) -> str:
    """A paragraph as far as a motion is read from it (a procedure paragraph: its opening, see
    :data:`MOVERS_READ`)."""
    return c.text[:MOVERS_READ] if c.kind == "procedure" else c.text


def _movers_before(doc: list[Chunk], i: int) -> Optional[int]:
    """The movers' line of the vote ``doc[i]`` ("Motion made by ... Seconded by ..."): the
    nearest before it in its item with no other vote between; None when the minutes print none.
    A motion of many points is voted whole: read from its movers, not back from its last point
    ("f) the resignations ... BE ACCEPTED" was shown for the vote on the whole recommendation)."""
    vote = doc[i]
    for j in range(i - 1, max(-1, i - 1 - MOTION_LOOKBACK), -1):
        c = doc[j]
        if c.item != vote.item:
            return None
        if c.kind == "procedure" and opens_motion(c.text):
            return j
        if c.kind == "procedure" and outcome(c.text, tally=True) is not None and not _same_vote(c, vote):
            return None
    return None


def _motion_after(doc: list[Chunk], movers: int, i: int) -> Optional[str]:
    """The motion between its movers' line ``doc[movers]`` and its vote ``doc[i]``: what the
    movers' line says after the movers ("... Seconded by S. Franke Motion to open the public
    participation meeting."), else the first paragraph of the motion after it."""
    # (its first MOVERS_READ characters only: reading the movers out of a 20 KB paragraph of
    # names takes seconds)
    # (a vote's announcement naming the movers, "a Vote would be taken on the Motion as proposed
    # by Councillor Collins (M) and seconded by Councillor Foley", says no motion of its own)
    own = "" if announces_vote(doc[movers].text) else _own_motion(doc[movers].text)
    said = len(own.split()) >= 3
    motion = [c.text for c in doc[movers + 1 : i] if c.kind != "procedure" and c.text.strip()]
    if movers + 1 < i and _question_put(doc[movers + 1]):
        # (a motion that the question be put, "that the substantive motion ... be put to the
        # vote", is procedure in meeting words only, yet what its movers moved)
        motion.insert(0, doc[movers + 1].text)
    if said and motion and _read(doc[movers]).rstrip().endswith(":"):
        # "Moved by S. Trosow Seconded by E. Peloza That part b) be approved to read as follows:"
        # says what follows it: the motion is the two together (London Ontario).
        return f"{own}: {motion[0]}"
    if said and not _CUT_OFF.search(own):
        return own
    if said:  # (cut off: the rest of a line of names, "Sheahan (J) and agreed.", is not the motion)
        motion = [t for t in motion if len(t.split()) >= CUT_OFF_MOTION_WORDS]
    if (
        motion
        and own[:1].islower()  # (not a label: "Additional Votes")
        and motion[0][:1].islower()
        and (not said or _GOES_ON.search(own) or _GOES_ON_FROM.match(motion[0]))
    ):
        # The line's sentence goes on in the next ("17) Mr Hood proposed and Mr Baldock seconded
        # the following amendment to" / "the substantive motion set out in paragraph 15:" /
        # "“County Council is asked to:" / "(1) ..."): said whole, with what it introduces, it is
        # an amendment (the vote was shown as on "the substantive motion set out in paragraph 15").
        return _introduced(f"{own} {motion[0]}", motion[1:])
    if not motion:
        return own if said else None
    # "Motion to refer part h):" is said with the point it introduces; so is a long lead-in when
    # one lettered part follows it before the vote (a council voting a report part by part:
    # "That the following actions be taken ...:" / "b) the City's 2024/2025 winter maintenance
    # ..." / "i) ...": the votes on a) and on b) read alike with the lead-in alone).
    if len(motion) > 1 and motion[0].endswith(":") and (len(motion[0]) <= SHORT_LEAD or _one_part(motion[1:])):
        return f"{motion[0]} {motion[1]}"
    return motion[0]


def _introduced(lead: str, rest: list[str]) -> str:
    """``lead`` with the introductions that follow it, each ending with a colon, and the first
    paragraph they introduce (a few at most)."""
    out = [lead]
    for text in rest[:INTRODUCTIONS]:
        if not out[-1].rstrip().endswith(":"):
            break
        out.append(text)
    return " ".join(out)


INTRODUCTIONS = 3
# A line broken off inside what it says ("... seconded the following amendment to", "... to"), not
# before its motion ("... seconded that": the motion is the next paragraph, said alone).
_GOES_ON = re.compile(r"\b(?:to|of|for|on)\s*$", re.I)
_GOES_ON_FROM = re.compile(r"(?:to|of|for|on)\s", re.I)  # ("... the following amendment" / "to the ...")


# A lettered part of a motion ("a) ", "(b) "); not a roman numeral's letters (i, v, x).
_LETTERED = re.compile(r"^\(?([a-hj-uwyz])\)\s")


def _one_part(points: list[str]) -> bool:
    """Do ``points`` (the paragraphs after a lead-in) begin with a lettered part, and is it the
    only one (its roman sub-points aside)? Several letters are the whole list, voted at once."""
    first = _LETTERED.match(points[0])
    return first is not None and all((m := _LETTERED.match(p)) is None or m.group(1) == first.group(1) for p in points)


# A movers' line that breaks off where its motion begins ("1) Mr Hood proposed, and Mr Lewis
# seconded that" then "the substantive motion ... be put to the vote.": Kent's PDF lines): the
# motion is the paragraph after it (65 of the five corpora's votes were shown as "1) , and that").
CUT_OFF_MOTION_WORDS = 5
_CUT_OFF = re.compile(r"(?:\b(?:that|and|or|to|of|the|by|with)|[,(–-])\s*$", re.I)


# What the movers leave at the start of their line: its number and the joints of the sentence
# they were taken out of ("3) Mr Hood proposed, and Mr Lewis seconded, that “This Council notes"
# read "3) , and that “This Council notes").
_LEFT_BY_MOVERS = re.compile(
    r"^(?:\(?\d{1,3}[.)]\)?)?\s*(?:[,;:]\s*|and\s+)+(?:(?:and|the)\s+)*(?:that\b[\s,]*)?", re.I
)


def _own_motion(text: str) -> str:
    """What a movers' line says besides who moved it: its motion, when it states one."""
    return _LEFT_BY_MOVERS.sub("", without_label(strip_movers(text[:MOVERS_READ]).strip(" .;:")), count=1)


def _with_lead(doc: list[Chunk], j: int) -> str:
    """``doc[j]`` with what introduces its list (see :data:`SHORT_LEAD`)."""
    lead = lead_in(doc, j)
    if lead is None:
        return doc[j].text
    return f"{lead} {doc[j].text}" if len(lead) <= SHORT_LEAD else lead


# A vote paragraph that holds its motion: its movers first, or a motion's words before the count
# (looked for before the first count only: a search across the whole paragraph from every "that"
# took a second on 25,000 characters of them).
_MOVERS_FIRST = re.compile(r"(?i)^(?:\(?\d{1,3}[.)]\)?\s+)?(?:moved|seconded|proposed|motion\s+made)\b")
_COUNT_LABEL = re.compile(r"(?i)\b(?:yeas?|ayes?|for)\b")
_MOTION_WORDS = re.compile(r"(?i)\b(?:that|motion\s+to)\b")


def _says_its_motion(text: str) -> bool:
    if _MOVERS_FIRST.match(text):
        return True
    count = _COUNT_LABEL.search(text)
    said = _MOTION_WORDS.search(text, 0, count.start()) if count else None
    return said is not None and count is not None and count.start() - said.end() >= 10


SHORT_LEAD = 60  # a lead-in this short is shown before its point, a longer one instead of it


def _same_vote(a: Chunk, b: Chunk) -> bool:
    """Are ``a`` and ``b`` lines of one vote (its count, then who voted which way), not two?"""
    return b.paragraph - a.paragraph <= 3 and outcome(a.text, tally=True) == outcome(b.text, tally=True)


def add_motions(hits: list[Hit], view: StoreView) -> None:
    """Each vote among ``hits`` with the motion it decides, and each line of movers that does not
    say its motion with the motion it puts (:func:`motion_moved`; whole, its spacing collapsed:
    a front end shows its opening, an export keeps it all); each meeting's paragraphs read once."""
    docs: dict[str, list[Chunk]] = {}
    for h in hits:
        # (every line of a vote: Kent's "For (15) ..." and "Against (35) ..." state no outcome)
        vote = is_vote(h.chunk) or is_vote_part(h.chunk)
        if not vote and not names_movers(h.chunk.text[:MOVERS_READ]):
            continue
        doc = docs.get(h.chunk.doc_id)
        if doc is None:
            doc = docs[h.chunk.doc_id] = view.document_chunks(h.chunk.doc_id)
        at = next((n for n, c in enumerate(doc) if c.chunk_id == h.chunk.chunk_id), None)
        if at is None:
            continue
        if vote:
            outcome_line = _outcome_line(doc, at)
            text = motion_of(doc, outcome_line) if outcome_line is not None else announced(doc, at)
            h.motion = " ".join(text.split()) if text else None
        else:
            text = motion_moved(doc, at)
            h.moves = " ".join(text.split()) if text else None
