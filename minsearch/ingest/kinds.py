"""What a paragraph *is*, from its shape: substance, procedure or heading.

Minutes mix what was said and decided (substance) with the machinery of the meeting
(procedure: who was present, who moved and seconded, how the vote went, who took the chair,
declarations, sign-offs) and with lines that only label what follows (headings: meeting titles,
"UNRESTRICTED ITEMS", "Additional Votes:"). Procedure is what a search should not lead with:
"Yeas: H. McAlister, J. Pribil ... Motion Passed (4 to 0)" is close in meaning to nothing, yet
embedded beside an agenda item title it looks like the topic itself.

The rules read the *shape* of a paragraph, not one council's phrases: a label followed by a list
of names, a line that is mostly names, a vote tally, a moved/seconded clause with nothing else,
a motion whose words are all meeting vocabulary (adjourn, agenda, minutes, delegation status),
a change of chair, a vote's announcement that only points to the motion put ("the Chairman put
the amendment set out in paragraph 7 to the vote and the voting was as follows:"), a time
stamp of the meeting opening or closing, an empty marker ("None."),
a short label ending in a colon, a line in capitals, an entry of an index or table of contents
(words, then dot leaders to a page number). Checked on every minutes corpus in
``../shared/data`` (Kent ModernGov, Limerick, London Ontario eScribe, Cleveland City Record) and
the seeds; see ``tests/test_kinds.py``.

:func:`split_procedure_lines` cuts a multi-line motion block ("Moved by X / Seconded by Y / That
... / Yeas: ... / Motion Passed (5 to 0)") into its procedural head, its substance and its
procedural tail, so that the motion's words are ranked on their own.
"""

from __future__ import annotations

import re
from typing import Literal, Optional

from ..words import FUNCTION_SET, PERSONAL_TITLES

Kind = Literal["substance", "procedure", "heading"]
KINDS: tuple[str, ...] = ("substance", "procedure", "heading")

# A leading enumerator: "1.", "(a)", "4)", "(24)", "iii)", "3(e)".
_ENUM = re.compile(r"^\s*(?:\(?(?:\d{1,3}[a-z]?|[a-zA-Z]|[ivxIVX]{1,5})[.)]\)?|\d{1,3}\([a-z]\))\s+")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)

# --- people ------------------------------------------------------------------------------------
# Honorifics and roles that precede names in attendance and vote lists, in UK, Irish, Canadian
# and US minutes. Only used to recognise a *list of names*, never on its own.
_HONORIFIC = re.compile(
    r"^(?:mr|mrs|ms|miss|mx|messrs|mmes|dr|sir|dame|lord|lady|prof|professor|rev|revd|cllr|cllrs|clir|cmhlr|councillors?|"
    r"councilmembers?|councilman|councilwoman|council\s+members?|alderm[ae]n|aldermen|members?|mayor|"
    r"deputy\s+mayor|deputy|vice|acting|interim|chair(?:man|woman|person)?|vice[-\s]chair|director|directors|"
    r"commissioners?|trustees?|supervisors?|president|an\s+cathaoirleach|cathaoirleach|leas[-\s]chathaoirleach)\.?$",
    re.I,
)
_INITIAL = re.compile(r"^(?:[A-Z]\.){1,3}$|^[A-Z]$|^\([A-Z]{1,2}\)$")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|(?:O['’]|Mc|Mac|Ó|Ní|Nic|de|van|von|der|le|la|di|da)[\w'’\-]*)$")
# (From the first space of a run only: from each of 60,000 spaces with no comma after them,
# splitting took 18 s, quadratic.)
_LIST_SPLIT = re.compile(r"(?:(?<!\s)\s++)?(?:[,;]|\band\b|&)\s*")
_LIST_NOISE = re.compile(
    r"\((?:chair|vice[-\s]?chair|chairman|chairperson|\d+|[A-Z]{1,2})\)"
    r"|\bM\.C\.C\.|\bMCC\b|\bOBE\b|\bMBE\b|\bCBE\b",
    re.I,
)


def _name_item(item: str) -> bool:
    """One element of a list that is a person's name ("Mr R Love OBE", "S. Lewis", "Keller")."""
    item = _LIST_NOISE.sub(" ", item).strip(" .:()-–")
    words = item.split()
    if not words or len(words) > 6:
        return False
    # "Acting Director Cosgrove", "Deputy Mayor S. Lewis": take titles off the front
    while len(words) > 1 and _HONORIFIC.match(words[0]):
        words = words[1:]
    if len(words) > 1 and _HONORIFIC.match(" ".join(words[:2])):
        words = words[2:]
    if not words:
        return False
    if any(ch.isdigit() for w in words for ch in w):
        return False
    return all(_INITIAL.match(w) or _NAME_WORD.match(w) or _HONORIFIC.match(w) for w in words)


def names_share(text: str) -> float:
    """The share of comma/and-separated items of ``text`` that are people's names (0..1)."""
    items = [i for i in _LIST_SPLIT.split(text) if i.strip(" .")]
    if len(items) < 2:
        return 0.0
    return sum(1 for i in items if _name_item(i)) / len(items)


# --- procedure -----------------------------------------------------------------------------------
# "PRESENT:", "Members present:", "Regrets:", "REMOTE ATTENDANCE:", "Apologies for absence:",
# "Present in the Chair:", "Roll call:", "Absent:", "In attendance:", "Also present:".
_ATTENDANCE_LABEL = re.compile(
    r"^(?:(?:members?|councillors?|councilmembers?|officers?|officials?|staff|others?|directors?)\s+)?"
    r"(?:also\s+)?(?:present(?:\s+in\s+the\s+chair)?|in\s+the\s+chair|in\s+attendance|absent|"
    r"(?:authori[sz]ed\s+|excused\s+)?absences?|leave\s+of\s+absence|regrets|"
    r"remote(?:ly)?\s+attend(?:ance|ing)|attendance|apologies(?:\s+for\s+absence)?(?:\s+and\s+substitut\w+)?|"
    r"substitut\w+|roll\s*call|excused)\s*(?:\(\d+\))?\s*[:.\-–—]\s*",
    re.I,
)
# Sentences reporting attendance: "Apologies were received from ...", "X were in attendance virtually.",
# "X and Y were in attendance for this item."
_ATTENDANCE_SENTENCE = re.compile(
    r"^(?:(?:no\s+)?apologies\s+(?:for\s+absence\s+)?(?:were|was)\s+(?:received|reported|noted|tendered)|"
    r"there\s+were\s+no\s+apologies|no\s+apologies|the\s+\w+(?:\s+\w+){0,3}\s+reported\s+apologies|"
    r"apologies\s+(?:were\s+)?(?:received|reported)\s+from)\b|\bwere\s+(?:in\s+attendance|present)(?:\s+\w+){0,4}[\s.:\-–—]*$|"
    r"\b(?:was|were)\s+(?:absent|excused)\.?$",
    re.I,
)
# Vote tallies and results: "Yeas: ...", "Nays: None.", "For (15)", "Against (4) Mr ...",
# "Abstain (2)", "Motion Passed (9 to 3)", "Carried.", "Amendment lost.", "Recorded vote".
_TALLY_START = re.compile(
    r"^(?:yeas?|nays?|ayes?|noes|for|against|abstain(?:ed|ing|s)?|abstentions?|recus(?:e|ed|als?)|absent|not\s+voting|"
    r"in\s+favou?r|opposed|conflict)\s*(?:\(\s*\d+\s*\))?\s*(?:[:\-–—]|\b(?=\s*(?:\(|\d|none\b|nil\b|[A-Z])))",
    re.I,
)
# A line that ends with a member's title, the name left for the next line.
_TITLE_AT_END = re.compile(
    r"\b(?:council\s*members?|councillors?|cllrs?|alderm[ae]n|alderwoman|directors?|commissioners?|trustees?|"
    r"supervisors?|mayor|mr|mrs|ms|mx|dr)\.?$",
    re.I,
)
# A roll call's lead-in before its label: "Those voting nay: Council Members Dow and Polensek."
_VOTING = re.compile(r"^(?:those\s+)?voting\s+(?=(?:yea|nay|aye|for|against|in\s+favou?r)\b)", re.I)
_RESULT_TAIL = (
    r"(?:\s+(?:unanimously|as\s+amended|without\s+dissent|nem\.?\s*con\.?|on\s+a\s+(?:show\s+of\s+hands|"
    r"recorded\s+vote|division)|by\s+\d+\s+votes?\s+to\s+\d+|\(\s*\d+\s+to\s+\d+\s*\)|\(\s*\d+\s*[-–]\s*\d+\s*\)))*"
    r"\s*[.;,]?$"
)
_RESULT = re.compile(
    r"^(?:the\s+)?(?:main\s+|substantive\s+|original\s+|amended\s+)?(?:motion|amendment|recommendation|resolution|question)?"
    r"\s*(?:(?:was|is)\s+)?(?:declared\s+)?(?:passed|carried|failed|lost|defeated|fell|adopted|agreed|withdrawn)"
    + _RESULT_TAIL
    + r"|^(?:the\s+)?(?:motion|amendment|question)\s+(?:was\s+)?put(?:\s+to\s+the\s+vote)?"
    + _RESULT_TAIL
    + r"|^(?:the\s+)?[\w\s]{0,30}\bdeclared\s+the\s+(?:(?:amended|original|substantive|main)\s+)?(?:motion|amendment|resolution)"
    r"\s+(?:carried|lost|passed|defeated)" + _RESULT_TAIL,
    re.I,
)
_COUNT = re.compile(
    r"\(\s*\d+\s+to\s+\d+\s*\)|\b\d+\s+(?:votes?\s+)?(?:for|in\s+favou?r)\b.{0,20}\b\d+\s+against\b", re.I
)
_VOTE_TAKEN = re.compile(
    r"^(?:a\s+)?(?:recorded\s+|roll[-\s]call\s+|show\s+of\s+hands\s+)?vote\s+(?:was\s+)?(?:taken|held|called)|"
    r"^on\s+(?:a|being\s+put\s+to\s+the)\s+(?:recorded\s+)?(?:vote|division|show\s+of\s+hands)|^the\s+result\s+of\s+the\s+vote|"
    r"^(?:additional|recorded)\s+votes?\s*:?$|^voting\s*:",
    re.I,
)
# Moved / seconded / proposed clauses, with the names they carry.
_MOVER = re.compile(
    r"(?:^|(?<=[\s;,.]))(?:(?:it\s+was\s+|was\s+|this\s+(?:motion|proposal|amendment)\s+was\s+|the\s+(?:motion|proposal|amendment|recommendation)s?\s+(?:was|were)\s+)?"
    r"(?:moved|motioned|proposed|seconded|motion\s+made)(?:\s+by)?|on\s+the\s+(?:proposal|motion)\s+of|"
    r"(?:and\s+)?(?:the\s+)?(?:motion|amendment)\s+(?:was\s+)?seconded)\b\s*:?",
    re.I,
)
_MOVER_LINE = re.compile(
    r"^\s*(?:(?:it\s+was\s+)?(?:moved|motioned|proposed|seconded)\s+by\b|motion\s+made\s+by\b)", re.I
)
_MOVER_VERB = re.compile(r"\b(?:proposed|seconded|moved)\b(?:\s+the\s+(?:motion|amendment|proposal))?", re.I)
# Chair changes: "At 4:10 PM, Deputy Mayor S. Lewis places Councillor E. Peloza in the Chair".
_CHAIR = re.compile(
    r"\b(?:takes?|took|assumes?|assumed|resumes?|resumed|vacates?|vacated|leaves?|left|returns?\s+to|returned\s+to|"
    r"re-?took|in)\s+the\s+chair\b|\bplaces?\s+.{2,60}\s+in\s+the\s+chair\b",
    re.I,
)
# The meeting's own clock: called to order, adjourned, recessed, resumed, closed.
_CLOCK = re.compile(
    r"^(?:the\s+)?(?:meeting|committee|council|board|panel|session)?\s*(?:then\s+)?(?:was\s+|is\s+)?"
    r"(?:called\s+to\s+order|adjourn(?:ed|s)|recess(?:ed|es)|reconvene[ds]?|resume[ds]|close[ds]|ended|concluded|"
    r"commenced|started|began|opened)\b.{0,160}$|"
    r"^(?:meeting|the\s+meeting)\s+(?:then\s+)?(?:closed|adjourned|ended|concluded)\b|^at\s+\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\b",
    re.I,
)
_EMPTY = re.compile(
    r"^(?:none|nil|n/?a|not\s+applicable|no\s+(?:items?|business|reports?|matters?|questions?|motions?|"
    r"(?:declarations?|disclosures?)(?:\s+of\s+(?:pecuniary\s+)?interests?)?(?:\s+(?:were|was)\s+(?:made|received|declared|disclosed))?)|"
    r"there\s+(?:was|were)\s+(?:none|no\s+\w+(?:\s+\w+){0,4})|none\s+(?:declared|received|disclosed))[.!]?$",
    re.I,
)
_DECLARATION = re.compile(
    r"\b(?:declared?|disclosed?|declaring|disclosing|registered)\s+(?:an?\s+|their\s+|his\s+|her\s+|no\s+)?"
    r"(?:(?:other\s+)?(?:significant|disclosable|pecuniary|prejudicial|personal|non-?pecuniary|registrable|conflict\s+of)\s+)*"
    r"(?:interests?|conflicts?)\b|\bno\s+(?:pecuniary\s+)?interests?\s+(?:were|was)\s+(?:disclosed|declared)|"
    r"^declarations?\s+of\s+(?:members['’]?\s+)?interests?|^disclosures?\s+of\s+(?:pecuniary\s+)?interests?",
    re.I,
)
_SIGNOFF = re.compile(
    r"^(?:signed|sinithe|sighnithe|dated|date|confirmed|chair(?:man|person)?|cathaoirleach|mayor|clerk|"
    r"meetings?\s+administrator|secretary|an\s+r[uú]na[ií]\s+contae)\s*[:.\-–]?\s*(?:\(?chair(?:man|person)?\)?)?\s*$",
    re.I,
)

# What was done with a measure, as its record closes: "Referred to Committee on Finance.",
# "Approved by Committee on Finance.", "Adopted February 27, 2017.", "Effective February 28,
# 2017.", "Received." - the participle, then only the bodies it went to (capitalised names:
# "Referred to the establishment of ..." is a sentence) or the date.
# (Only the participle's case is free: the bodies' names must be capitalised, which also keeps a
# connector such as "of" from being read as a name.)
_DISPOSITION = re.compile(
    r"^(?i:referred|re-?referred|approved|adopted|passed|received|filed|tabled|deferred|withdrawn|effective)"
    r"(?:\s+(?:to|by)(?:\s+(?:the\s+)?[A-Z][\w'’&-]*(?:\s+(?:of|on|and|for|&))?[,;]?)+"
    r"|\s+(?:on\s+)?[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})?\s*[.;]?$"
)

# Words of meeting procedure: a motion made only of these is about the meeting, not a topic.
# Universal vocabulary of standing orders (adjourn, agenda, minutes, delegation status, closed
# session, suspend the rules), not any one council's phrasing.
_PROCEDURE_WORDS = frozenset(
    """
a an the that this these those it its be is are was were been being to of for and or as at by from in on with exception
be approved approve approves approval adopted adopt adopts adoption received receive receives noted note notes
confirmed confirm confirms signed sign read taken circulated correct record true accurate previous last next
meeting meetings minutes agenda agendas item items business order orders standing rules rule suspend suspended
suspension waive waived adjourn adjourned adjournment recess recessed reconvene reconvened resume resumed close
closed closing open opened opening session sessions camera private public participation exclude excluded press
delegation delegations delegate delegates status request requests requested heard speak speaking address
added add deferred defer deferral list lists consent motion motions amendment amendments vote votes voting
time extend extended extension beyond pm am hour hours minutes following matter matters hereby
chair vice chairs chairman chairperson committee council board panel members member councillor councillors
mayor clerk report reports nos no number numbers
agreed agree agrees unanimously generally duly resolved it being carried lost defeated failed substantive main
original amended amend further debate paragraph put question elected elect election nominated nomination
yeas nays ayes noes yea nay full messrs
nominations other under constitution resolve conclude concluded
first second third reading readings bill bills enacted enact passed
follows clause clauses part parts action actions above above-noted staff reads
correspondence proposal recommendation recommendations arising
attached except otherwise may final passage place placed statutory provisions
""".split()
)


# A note on the order of business: "This item was taken after Item 16 and before Item 13." (Kent),
# "It was noted that this item had been deferred from the September Meeting.", "It was noted that
# this Motion had been dealt with at the commencement of the Meeting." (Limerick). It says when an
# item was heard, not what about: what follows the verb may only place it (items, meetings, dates).
_ORDER_OF_BUSINESS = re.compile(
    r"^(?:it\s+was\s+(?:noted|agreed)\s+that\s+)?(?:this|the|that)\s+(?:item|motion|matter|report|question|"
    r"application|petition|deputation|notice\s+of\s+motion)s?\b(?:\s+(?:no\.?\s*)?[\w().]{1,8})?\s+"
    r"(?:was|were|had\s+been|has\s+been|have\s+been|is|are|would\s+be|will\s+be)\s+(?:taken|considered|"
    r"dealt\s+with|deferred|withdrawn|postponed|brought\s+forward|heard|held\s+over|taken\s+as\s+read)\b"
    # (a whole sentence, stop and all: the first line of a wrapped one, "... deferred from the July
    # Meeting held on 21st", would split from "July, 2015, to allow time for it to be examined")
    r"(?P<tail>[^.;!?]*)[.;!]$",
    re.I,
)
# ... where the item was placed: before or after another, earlier or later, at the start or end,
# with another, or at (from, until) another meeting (months and days name the meeting).
_PLACING_WORDS = frozenset(
    """
after before earlier later previously conjunction together along alongside with until till
commencement beginning start end outset stage point part same
special ordinary monthly annual general adjourned held st nd rd th appropriate future subsequent
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday
""".split()
)


def _is_order_of_business(t: str) -> bool:
    """A note of when an item was taken, heard or put off, and nothing else (``_ORDER_OF_BUSINESS``)."""
    m = _ORDER_OF_BUSINESS.match(t)
    if not m:
        return False
    tail = m.group("tail")
    # (A short capitalised code names a meeting, "the next SPC meeting"; a letter, part of an item.)
    return all(
        w in _PROCEDURE_WORDS or w in _PLACING_WORDS or len(w) == 1 or re.fullmatch(r"[A-Z]{2,5}", raw) is not None
        for raw, w in ((raw, raw.lower().strip("'’-")) for raw in _WORD.findall(tail))
    )


def _content_words(text: str) -> list[str]:
    return [w.lower().strip("'’-") for w in _WORD.findall(text)]


# The titles a member's name follows ("Councillor", "Cmhlr.", "Mr", "Council Member").
_MEMBER_TITLE = (
    r"(?:Cllrs?|Clir|Cmhlr|Councillors?|Councilmembers?|Council\s+Members?|Councilman|Councilwoman|"
    r"Alderman|Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Deputy\s+Mayor|Mayor|Deputy|Professor|Prof)"
)
_NAME = (
    rf"(?:(?:His|Her|Their)\s+Worship\s+)?(?:{_MEMBER_TITLE}\.?\s+){{0,3}}"  # ("Mr " x 7,000: 10 s)
    # (A name starts a word: matched from inside one, a 20,000-letter "word" after "moved" took
    # 28 s to classify, each of its letters the start of a name tried to its end.)
    r"(?:(?:[A-Z]\.\s*){1,3}|[A-Z]\s+)?(?<![\w'’\-])(?:O['’]|Mc|Mac|Ó\s|Ní\s|Mac\s)?[A-ZÀ-ÖØ-Þ][\w'’\-]+"
    r"(?:\s+(?!(?:That|The|And|Seconded|Moved|Motion|Proposed|To|It|BE|Be|Carried|Yeas|Nays)\b)[A-ZÀ-ÖØ-Þ][\w'’\-]+)?"
    r"(?:\s*\([A-Z]{1,2}\))?"
)
# Each name atomic: "Mr Baker" read as a title and a name or as two name words, "McDonald" with or
# without its prefix, made a list of n names 2^n ways to read when no verb followed ("Seconded by
# Mrs Bell. For: Mr Baker, Mr Bartlett, ..." with 20 names: 7 s to classify, 24: minutes).
_NEXT_NAME = rf"\s*(?:,|\band\b|&)\s*(?>{_NAME})"
_NAMES = rf"(?>{_NAME})(?:{_NEXT_NAME})*"
# Names before their verb ("Councillors Kiely and Teskey proposed"): at most ten. Read from each
# name of a long list that no verb follows, an unbounded list made the search quadratic (3,000
# "Smith, " with more after them: 3.3 s to strip the movers); movers are one to three people.
_NAMES_BEFORE = rf"(?>{_NAME})(?:{_NEXT_NAME}){{0,9}}"
_MOVER_CLAUSE = re.compile(
    rf"(?:(?i:it\s+was\s+|was\s+|(?:this|the)\s+(?:motion|proposal|amendment|recommendation)s?\s+(?:was|were)\s+))?"
    rf"(?i:moved|motioned|proposed|seconded|motion\s+made)(?:(?i:\s+by)\s*:?|\s*:)\s*{_NAMES}"
    rf"|(?i:on\s+the\s+(?:proposal|motion)\s+of)\s+{_NAMES}"
    rf"|{_NAMES_BEFORE}\s+(?i:(?:duly\s+)?(?:proposed|seconded|moved))(?i:\s+the\s+(?:motion|amendment|proposal))?"
    rf"|(?i:(?:the\s+)?(?:motion|amendment|proposal)\s+(?:was\s+)?(?:proposed|seconded|moved))(?i:\s+by)\s*:?\s*{_NAMES}"
)


def strip_movers(text: str) -> str:
    """``text`` without its moved/seconded clauses and the names they carry."""
    return _MOVER_CLAUSE.sub(" ", text)


# A vote's announcement: the chair puts a motion to the vote, a vote is taken, "the result of the
# voting was as follows:". Said with pointers and speech only ("Following the debate, the
# Chairman put to the vote the amendment set out in paragraph 7 above and the voting was as
# follows:", "As all Members were not in agreement, a Vote was taken which resulted as
# follows:"), it says nothing a search could want: the motion is the paragraph it points to, the
# outcome the tally after it.
_ANNOUNCES = re.compile(r"(?i)\b(?:vote|votes|voting|show\s+of\s+hands|roll[-\s]?call)\b")
# The words such an announcement is made of besides meeting vocabulary: pointers to where the motion
# is set out, who spoke and how the vote was called.
_ANNOUNCING_WORDS = frozenset(
    """
set out at in above below earlier accordingly then now which there not all any more than one each
result results resulted follow directed instructed indicated stated confirmed announced advised requested
required would will should be taken take took called call form show hands roll recorded division
agreement disagreement absence favour further some general discussion discussions debate debated
nominations county secretary administrator
""".split()
)
_ANNOUNCING_VERB = re.compile(r"(?i)\b(?:put|taken|take|took|called|call\s+for|held|result(?:ed|s)?|follows)\b")
_ABBREVIATED_END = re.compile(r"(?:\b(?:No|Nos|Cllr|Cllrs|Mr|Mrs|Ms|Dr|St|Cmhlr)|\b[A-Z])\.$")
# A member named after their title ("Councillor Prendiville’s", "Cmhlr. Ó Ceallaigh", "Mr Hood").
_PERSON = re.compile(
    rf"\b{_MEMBER_TITLE}\.?\s+"
    r"(?:[A-Z]\.\s*){0,3}(?:O['’]|Mc|Mac|Ó\s|Ní\s)?[A-ZÀ-ÖØ-Þ][\w'’\-]+(?:\s*\([A-Z]{1,2}\))?(?:['’]s)?"
)


def _is_vote_announcement(t: str) -> bool:
    """An announcement of a vote in pointers, speech and meeting vocabulary only (``_ANNOUNCES``,
    ``_ANNOUNCING_WORDS``); one that says what was voted on ("a Vote was taken on the proposal
    ... to vary the Local Property Tax basic rate downwards by 15%") is substance. People may be
    named ("the Mayor called for a vote on Councillor Prendiville's Motion"): who asked for a
    vote is no topic."""
    # (A whole sentence of five words or more: a line the PDF cut, "a Vote was taken on the Motion
    # as", goes on to what was voted on; "Division" and "Roll Call" alone are labels.)
    if (
        not 5 <= len(t.split()) <= 40
        or not t.rstrip().endswith((".", ":", ":-"))
        or _ABBREVIATED_END.search(t)  # "... taken on Amendment No." / "2 as proposed by ..."
        or not _ANNOUNCES.search(t)
        or not _ANNOUNCING_VERB.search(t)  # "Rule 17. Roll Call of Council." is a rule's title
    ):
        return False
    words = _content_words(_PERSON.sub(" ", strip_movers(t)))
    return bool(words) and all(
        w in _PROCEDURE_WORDS or w in _ANNOUNCING_WORDS or _HONORIFIC.match(w) is not None for w in words
    )


# The last one or two names of a roll call the PDF wrapped onto a line of their own, with the
# count the minutes print after them ("Teefy, Wade. (9)", "Sheahan (M), Teefy. (28)", "O'Hanlon
# and Sheahan (11)"): 38 of Limerick's paragraphs were read as substance, and "Teefy, Wade. (9)"
# was shown as the motion of the vote after it.
_ROLL_TAIL = re.compile(
    r"^(?:(?:and\s+)?(?:(?:Cmhlr|Cllr|Councillors?)\.?\s+)?[A-ZÀ-ÖØ-Þ][\w'’-]+(?:\s\([A-Z]\))?[,.;]?\s+){1,2}"
    r"\(\d{1,3}\)\.?$"
)


def announces_vote(text: str) -> bool:
    """Is a paragraph a vote's announcement in pointers and meeting words only ("(8) Following the
    debate, the Chairman put to the vote the amendment set out in paragraph 7 above and the voting
    was as follows:")? Procedure, yet what the minutes print for the vote after it: the paragraph
    it points to is the motion (:func:`minsearch.searching.votes.pointed_motion`)."""
    return _is_vote_announcement(_ENUM.sub("", " ".join(text.split())).strip())


def is_procedural_motion(text: str) -> bool:
    """A motion or resolution about the meeting itself (adjourn, adopt the minutes, hear a delegation)."""
    words = [w for w in _content_words(strip_movers(_ENUM.sub("", text)))]
    if not words or len(words) > 45:
        return False
    known = sum(1 for w in words if w in _PROCEDURE_WORDS)
    return known / len(words) >= 0.85


_ABSENCE_WORDS = re.compile(
    r"\bapologies\b|\battend(?:ed|ing)\s+(?:the\s+meeting\s+)?(?:virtually|remotely|online)\b|"
    r"\bin\s+(?:remote\s+)?attendance\s+(?:virtually|remotely)\b",
    re.I,
)


def _is_name_list(body: str, share: float = 0.7) -> bool:
    body = body.strip()
    if not body:
        return True
    if _EMPTY.match(body) or re.fullmatch(r"(?:none|nil)\.?", body, re.I):
        return True
    items = [i for i in _LIST_SPLIT.split(body) if i.strip(" .")]
    if len(items) == 1:
        return _name_item(items[0])
    return names_share(body) >= share


_LABEL_COUNT = re.compile(
    r"(?i)(?:yeas?|nays?|ayes?|noes|for|against|abstain\w*|abstentions?|absent)\s*\(\s*\d+\s*\)[.;]?"
)


# A roll call's last line that says nobody abstained ("For Councillors ... (12) Against
# Councillors ... (29) There were no abstentions.": 44 of Limerick's roll calls).
_NONE_ABSTAINED = re.compile(r"(?i)\s*\bthere\s+(?:were|was)\s+no\s+abstentions?\b\.?\s*$")


def _is_tally(t: str) -> bool:
    """A vote tally: one or more "Yeas: ...", "For (15) ...", "Motion Passed (9 to 3)" parts."""
    rest = _NONE_ABSTAINED.sub("", _VOTING.sub("", t, count=1))
    if not (_TALLY_START.match(rest) or _RESULT.match(rest) or _COUNT.search(rest[:40])):
        return False
    # Each part after a tally label must be names, counts or a result.
    parts = re.split(
        r"(?i)(?=\b(?:yeas?|nays?|ayes?|noes|for|against|abstain\w*|abstentions?|recus(?:e|ed|als?)|absent|"
        r"not\s+voting|motion\s+(?:passed|carried|failed|lost|defeated)|carried|lost)\b\s*(?:\(\s*\d+\s*\))?\s*[:\-–—(]?)",
        rest,
    )
    parts = [p.strip() for p in parts if p.strip()]
    for p in parts:
        # A label and its count alone, "Against (0) Abstain (9)": the names, if any, are on other
        # lines (split_procedure_lines keeps "Abstain (7)" with the names on the lines after it).
        if _LABEL_COUNT.fullmatch(p):
            continue
        p2 = _TALLY_START.sub("", p, count=1)
        p2 = re.sub(r"^\d{1,3}[,;.]?$", "", p2.strip())  # "For: 10 Against: 0 Abstentions: 2"
        p2 = re.sub(r"(?i)^(?:motion\s+)?(?:passed|carried|failed|lost|defeated)(?:\s+unanimously)?\s*", "", p2)
        p2 = _COUNT.sub(" ", p2).strip(" .;,:")
        if p2 and not _is_name_list(p2) and not _RESULT.match(p2):
            return False
    return True


def is_vote_line(text: str) -> bool:
    """A vote's own line that says who voted which way or by how many: a tally or roll call
    ("Yeas: ...", "Those voting nay: Council Members Dow and Polensek.", "Against (6) Mrs Dean,
    ...") or a result with its count ("Motion Passed (9 to 3)"); not a bare result ("Motion
    carried.") nor a label ("Additional Votes:"), which say nothing of who voted. What a question
    about how a vote went ("who voted against ...") is answered by; a vote that a motion is shown
    with (:func:`minsearch.searching.votes.is_vote`) is any line stating an outcome."""
    t = " ".join(text.split())
    if not (_is_tally(t) or _RESULT.match(t)):
        return False
    return bool(re.search(r"\d", t)) or bool(_RESULT.sub("", t, count=1).strip(" .;,:"))


# Who moved a motion, named: after "moved by", "seconded by:", "on the proposal of" ...
_MOVED_BY = re.compile(
    r"(?i:\b(?:moved|motioned|proposed|seconded|motion\s+made)(?:\s+by\b\s*:?|\s*:)|\bon\s+the\s+(?:proposal|motion)\s+of\b)"
    r"\s*(?=[A-ZÀ-Þ])"
)
# ... or before the verb, as a name of two capitalised words ("Mr Oakford proposed", "Member Zone
# moved"; not "The proposed development", "Residents moved").
# (Each word at most 40 letters: read from each initial of "A.A.A. ..." to its end, 60,000
# letters took 10.6 s, quadratic; this runs on candidates' texts at query time.)
_NAMED_MOVED = re.compile(
    r"\b[A-ZÀ-Þ][\w'’.-]{0,40}\s+[A-ZÀ-Þ][\w'’-]{0,40}\s+(?i:(?:duly\s+)?(?:proposed|seconded|moved))\b"
)


def names_movers(text: str) -> bool:
    """Does ``text`` say who moved, proposed or seconded a motion ("Moved by S. Trosow", "On the
    proposal of Cllr. Sheehan, seconded by ...", "Mr Oakford proposed and Mr Gough seconded ...")?
    Not "The proposed development" nor "Residents moved". What a question about who moved a
    motion is answered by. (Not :data:`_MOVER_CLAUSE`, whose lists of names backtrack without
    end on a vote's list of 40 members that no verb follows.)"""
    return bool(_MOVED_BY.search(text) or _NAMED_MOVED.search(text))


# What may stand before an attendance label: the body the list belongs to ("Finance Committee:
# Present: Kelley, Chair; ..." in Cleveland's record, "FUND BUDGET HEARINGS: Present: ...").
_LIST_LEAD = re.compile(r"^[^:.;()]{3,80}:\s+")
_LIST_LEAD_WORDS = 8
# A role or affiliation in brackets after a name: "Kevin Kasaven (Director of Children's Countywide
# Services)", "Cllr Hook (Substitute for Mr Lewis)". In a list under an attendance label it says
# who the person is, not what was discussed (it may hold commas and "and", which split lists).
_BRACKETED = re.compile(r"\([^()]{1,160}\)")
# The labels that may follow one another within one attendance paragraph.
_NEXT_LABEL = re.compile(
    r"(?i)\b(?:also\s+present|present|absent|regrets|remote\s+attendance|(?:also\s+)?in\s+attendance|"
    r"authori[sz]ed\s+absences?|excused|pro\s+tem(?:pore)?|others|officers?(?:\s+present)?|apologies)\s*[:.\-–]"
)


def _attendance_body(t: str) -> Optional[str]:
    """What follows an attendance label at the start of ``t`` (or after a short lead naming the
    body, see :data:`_LIST_LEAD`), or None when ``t`` does not start with one."""
    m = _ATTENDANCE_LABEL.match(t)
    if m:
        return t[m.end() :]
    lead = _LIST_LEAD.match(t)
    if lead and len(lead.group().split()) <= _LIST_LEAD_WORDS:
        m = _ATTENDANCE_LABEL.match(t[lead.end() :])
        if m:
            return t[lead.end() + m.end() :]
    return None


def _is_attendance(t: str) -> bool:
    body = _attendance_body(t)
    if body is not None:
        # "PRESENT: D. Ferreira, H. McAlister ..." / "Absent: Mayor Jackson, Directors Dumas, and Nichols."
        # may carry several labels in a row ("Present: ... Absent: ...").
        parts = _NEXT_LABEL.split(_BRACKETED.sub(" ", body))
        return all(_is_name_list(p, 0.5) or len(p.split()) <= 2 for p in parts)
    if _ATTENDANCE_SENTENCE.search(t) and len(t.split()) <= 80:
        return True
    # "Ms Grehan had given her formal apologies but was attending the meeting virtually."
    return len(t.split()) <= 25 and bool(_ABSENCE_WORDS.search(t))


# A list of people with their roles and no label: the rest of an attendance list the PDF wrapped
# onto a paragraph of its own ("Director of Travel & Transportation (Mr. P. Crowe), Administrative
# Officer, Corporate Services (Ms. T. Knox), ..."), or the officers who presented an item ("Robin
# Cahill, Senior Commissioner (Children's), Natalia Merritt Co-Chair Kent Housing Options Subgroup
# (KHOG) and Brian Horton, Chair Kent Housing Group"). No word in lower case but function words
# (no verb, no topic), and people by their titles, initials or roles.
_ROLE = re.compile(
    r"(?i)\b(?:director|manager|officer|commissioner|(?:co-|vice[-\s]?)?chair(?:man|woman|person)?|executive|"
    r"engineer|administrator|clerk|head|lead|nurse|secretary|councillor|planner|solicitor|treasurer|inspector|"
    r"superintendent|assistant|coordinator|co-ordinator|adviser|advisor|mayor)s?\b"
)


def _people_list(t: str) -> bool:
    """A list of three or more people and roles, without a label or a verb (see ``_ROLE``)."""
    if re.search(r"\d", t) or len(re.findall(r"[,;]", t)) < 2:
        return False
    outside = _BRACKETED.sub(" ", t)
    words = _WORD.findall(outside)
    if not 6 <= len(words) <= 80 or any(w[0].islower() and w.lower() not in FUNCTION_SET for w in words):
        return False
    if not re.search(r"[a-z]", outside):
        return False  # in capitals throughout, capitals say nothing ("NOTE: BID MUST BE DELIVERED ...")
    items = [i for i in _LIST_SPLIT.split(_LIST_NOISE.sub(" ", outside)) if i.strip(" .:;–-")]
    if len(items) < 3:
        return False
    marked = any(_INITIAL.match(w) or _HONORIFIC.match(w) for w in t.replace("(", " ").replace(")", " ").split())
    roles = sum(1 for i in items if _ROLE.search(i))
    return roles >= 2 or (roles >= 1 and marked)


def _is_mover_only(t: str) -> bool:
    """ "Moved by X Seconded by Y", "The motion was seconded by Councillor Keary.",
    "Proposed by Councillor Collins (M); Seconded by Councillor Sheahan (J);"."""
    if not (_MOVER.search(t) or _MOVER_VERB.search(t)):
        return False
    rest = _content_words(strip_movers(t))
    rest = [
        w
        for w in rest
        if w
        not in (
            "the",
            "motion",
            "amendment",
            "proposal",
            "and",
            "this",
            "was",
            "were",
            "it",
            "by",
            "also",
            "duly",
            "unanimously",
            "agreed",
            "generally",
            "which",
        )
    ]
    return len(rest) <= 1


# A personal title before a name, which a post ("Director", "Chair") is not: "Director of Public
# Health" is a heading or a subject, "Dr. A. Smith" a person.
_PERSONAL = PERSONAL_TITLES | frozenset(
    "messrs sir dame cllrs clir cmhlr councillor councillors councilor councilors councilmember councilmembers "
    "councilman councilwoman alderman aldermen alderwoman".split()
)


def _personal(word: str) -> bool:
    return word.rstrip(".").lower() in _PERSONAL


def _marked_person(item: str) -> bool:
    """A name marked as a person's by a personal title or an initial with its stop, before a name
    ("Cllr Hook", "Mr B Lewis", "S. Lewis", "P.J. Kelly"), not just by capitals ("Family") or a
    letter of a table or a law ("P Replacement", "Part V Community Homes", "Inspector I")."""
    if not _name_item(item):
        return False
    words = [w.strip(",;:()-–") for w in item.split()]
    words = [w for w in words if w]
    return any(
        (_personal(w) or (_INITIAL.match(w) and w.endswith(".") and w != "I."))
        and i + 1 < len(words)
        and _NAME_WORD.match(words[i + 1]) is not None
        for i, w in enumerate(words)
    )


def _person_and_post(t: str) -> bool:
    """One person and their post, and nothing else: a signature or a masthead ("Patricia J. Britt
    City Clerk, Clerk of Council", "Councillor Eddie Ryan, Chairperson", "JEFFREY B. MARKS,
    Secretary"). Such a line is about every meeting, not a topic; as substance, 12 of them were
    among the first 8 paragraphs Cleveland's record gave for "which streets did council give
    honorary names to?" by meaning."""
    words = t.rstrip(".").split()
    if not 3 <= len(words) <= 10 or re.search(r"\d", t):
        return False
    if any(w[0].islower() and w.lower() not in FUNCTION_SET for w in words if w[:1].isalpha()):
        return False
    if not (_ROLE.search(t) or re.search(r"(?i)\bpresident\b", t)):
        return False
    bare = [w.strip(",;:()") for w in words]
    # (an initial before a name: "I." or "II" after a post is a grade, "Mechanical Inspector I")
    return any(
        _INITIAL.match(w) and w.rstrip(".") != "I" and i + 1 < len(bare) and _NAME_WORD.match(bare[i + 1])
        for i, w in enumerate(bare)
    ) or any(_personal(w) and i + 1 < len(bare) and _NAME_WORD.match(bare[i + 1]) for i, w in enumerate(bare))


# Who brought a measure: "By Council Member Zone.", "By Council Members Dow, K. Johnson and
# Brancatelli (by departmental request).", "By Councillor Keary." - a title, then only names.
_SPONSOR = re.compile(
    r"^(?:introduced\s+|sponsored\s+|submitted\s+)?by\s+(?=(?:council\s*members?|councilmembers?|councill?ors?|"
    r"cllrs?|alderm[ae]n|alderwoman|members?|mayor|supervisors?|commissioners?|trustees?)\b)",
    re.I,
)


def _is_sponsor(t: str) -> bool:
    m = _SPONSOR.match(t)
    if m is None:
        return False
    body = _BRACKETED.sub(" ", t[m.end() :]).strip(" .;")
    items = [i for i in _LIST_SPLIT.split(body) if i.strip(" .")]
    return bool(items) and len(items) <= 12 and all(_name_item(i) for i in items)


# Blanks left for a signature or a date: "Dated: ______", "Signed: ........".
_BLANKS = re.compile(r"(?:\\?_){2,}|(?:\.\s?){3,}|…")


def _is_signoff(t: str) -> bool:
    """The lines left to sign the minutes: "Signed: Date: Cathaoirleach", "Dated: ______",
    "Signed: Príomh Chomhairleoir", "Chair:" - labels, blanks and at most a post or a name."""
    t = _BLANKS.sub(" ", t).strip()
    if len(t.split()) > 10:
        return False
    parts = [p.strip(" .-–") for p in t.split(":")]
    parts = [p for p in parts if p]
    if not parts or not _SIGNOFF.match(parts[0]):
        return False
    return all(
        _SIGNOFF.match(p) or _DATE_LINE.match(p) or (len(p.split()) <= 4 and all(w[:1].isupper() for w in p.split()))
        for p in parts[1:]
    )


# A vote's label with nothing after it, the names on the lines that follow: "In Favour", "Against:".
_TALLY_LABEL = re.compile(
    r"^(?:yeas?|nays?|ayes?|noes|for|against|abstain(?:ed|ing|s)?|abstentions?|in\s+favou?r|opposed|recus(?:e|ed|als?))"
    r"\s*(?:\(\s*\d+\s*\))?\s*[:.\-–—]?$",
    re.I,
)


def _lone_name(sentence: str) -> bool:
    """A surname on its own ("Maschke.") or one person marked as such ("Mr. Gallagher.")."""
    words = sentence.split()
    return (len(words) == 1 and _name_item(sentence)) or (len(words) <= 4 and _marked_person(sentence))


def _few_people(t: str) -> bool:
    """One or two people marked as people, alone ("Councillor S. Stevenson", "Mr B Lewis, Mr D
    Ross", "N. Danczak; and"): the rest of a list the source wrapped (three or more: see
    :func:`_bare_names`)."""
    if len(t.split()) > 8:
        return False
    items = [i for i in _LIST_SPLIT.split(t) if i.strip(" .:;-–")]
    if not (1 <= len(items) <= 2 and all(_marked_person(i) for i in items)):
        return False
    # A letter that may be an enumerator ("B. Sovereign Road;") does not mark a person alone.
    rest = [i for i in _LIST_SPLIT.split(_ENUM.sub("", t)) if i.strip(" .:;-–")]
    return any(_marked_person(i) for i in rest)


def classify(text: str, title: str = "", *, people_lists: bool = True, whole: bool = True) -> Kind:
    """The kind of one paragraph (normalised text, whitespace collapsed), from its shape alone.
    ``people_lists``: a list of people with their roles and no label is procedure; ``whole``:
    so are a vote's announcement in pointers only and a roll call's wrapped last names with its
    count (neither for one line of a paragraph: see :func:`split_procedure_lines`; the roll call
    would be cut from the announcement it follows, or its last name from the roll call)."""
    t = _ENUM.sub("", text).strip()
    if not t:
        return "heading"
    words = t.split()
    n = len(words)
    low = t.casefold()
    if _LEADERS.search(t):
        # An index or contents entry points at the page where the matter is: "... (VAPAC) ... (O
        # 29-17) . . . . . . . . 10". The City Record's index pages are 939 of Cleveland's 11,981
        # paragraphs and led searches for what its minutes say ("VAPAC": 8 of the first 10);
        # as headings, Cleveland's judged queries score 0.365 -> 0.405 nDCG@10 (the other four
        # corpora have no dot leaders).
        return "heading"
    # --- procedure ---
    if _EMPTY.match(t):
        return "procedure"
    if _is_attendance(t) or _is_tally(t) or _RESULT.match(t):
        return "procedure"
    if n <= 60 and (_VOTE_TAKEN.match(t) or _DECLARATION.search(t)):
        return "procedure"
    if n <= 40 and _CHAIR.search(t) and not re.search(r"(?i)\bthat\b.{20,}", t):
        return "procedure"
    if n <= 30 and _CLOCK.match(t):
        return "procedure"
    if n <= 60 and _is_mover_only(t):
        return "procedure"
    if (
        n <= 60
        and (
            _MOVER.search(t)
            or low.startswith(("that", "motion to", "it was agreed", "resolved", "and resolved", "on motion"))
            or _RESULT.search(t)
        )
        and is_procedural_motion(t)
    ):
        return "procedure"
    if n <= 40 and _DISPOSITION.match(t) and not re.search(r"(?i)\bthat\b", t):
        return "procedure"
    if n <= 12 and (_SIGNOFF.match(t) or _is_signoff(t)):
        return "procedure"
    if n <= 4 and t[:1].isupper() and _TALLY_LABEL.match(t):
        return "procedure"  # "In Favour"
    if n <= 30 and _is_order_of_business(t):
        return "procedure"  # "This item was taken after Item 16 and before Item 13."
    if _bare_names(t):
        return "procedure"  # "Councillors Keller, Loftus, Prendiville. (3)"
    if people_lists and _people_alone(t, text):
        return "procedure"
    if n <= 12 and re.search(r"[^\W\d_]{4,}", t) and _only_procedure_words(t):
        return "procedure"  # "Read second time.", "The report was noted.", "Agreed."
    if whole and n <= 8 and _ROLL_TAIL.match(t):
        return "procedure"  # "Teefy, Wade. (9)": the last names of a roll call and its count
    if whole and _is_vote_announcement(t):
        return "procedure"  # "The Chairman put the motion set out in paragraph 3 to the vote and ..."
    if 2 <= n <= 80 and _sentences_of_procedure(t):
        return "procedure"  # "15. Nays 0. Read second time. Read third time in full. Passed."
    return "heading" if _is_heading(t, title) else "substance"


def _people_alone(t: str, text: str) -> bool:
    """People and nothing said: "Robin Cahill, Senior Commissioner (Children's), ... and Brian
    Horton, Chair", "Kevin J. Kelley President of Council", "By Council Member Zone.", "Mr B Lewis,
    Mr D Ross" (``t`` without its enumerator, ``text`` with it: in "S. Marentette; - J. Madden."
    the initial is not one)."""
    return _people_list(t) or _person_and_post(t) or _is_sponsor(t) or _few_people(" ".join(text.split()))


def _sentences_of_procedure(t: str) -> bool:
    """Every sentence procedure or a fragment, and one at least procedure: "15. Nays 0. Read
    second time. Read third time in full. Passed."."""
    sentences = [x for x in _SENTENCE_SPLIT.split(t) if x.strip()]
    if len(sentences) < 2:
        return False
    kinds = ["minor" if _minor(x) else classify(x) for x in sentences]
    # A sentence that is only a name, beside a vote or a roll, is the tail of a list the source
    # wrapped ("Maschke. Nays: None. Absent: Mr. Gallagher."); beside anything else it may be a
    # place ("Convent Road, Abbeyfeale, Co. Limerick").
    if any(_is_tally(x) or _is_attendance(x) for x in sentences):
        kinds = ["minor" if _lone_name(x) else k for x, k in zip(sentences, kinds)]
    return "procedure" in kinds and all(k in ("minor", "procedure") for k in kinds)


def classify_rows(rows: list[str], title: str = "") -> Kind:
    """The kind of a table or list that the source printed one cell per line and the chunker
    joined into one paragraph (``rows``: each cell's normalised text). A block of labels only
    (a table's header) is a heading; a list of people ("Mr. P. Dowling, Director of Service",
    "Councillor Ryan (E)") is attendance, so procedure; anything else is read as one paragraph."""
    if rows and all(classify(r, title) == "heading" for r in rows):
        return "heading"
    if rows and all(_person_row(r) for r in rows):
        return "procedure"
    return classify(" ".join(rows), title)


def _person_row(text: str) -> bool:
    """A cell that is a person, maybe with a role after a comma or in brackets: marked as a
    person by a title or an initial ("Ms. C. Curley, Director of Service"), not just capitals."""
    head = re.split(r"[,(]", text, maxsplit=1)[0].strip()
    words = head.split()
    marked = any(_INITIAL.match(w) or _HONORIFIC.match(w) for w in words)
    return marked and _name_item(head)


_TIME = r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?\s?m\.?|noon|o['’]clock)?"
_TIME_ONLY = re.compile(rf"^{_TIME}$", re.I)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A meeting's date (and time) on a line of its own: "Tuesday March 7, 2017 9:30 a.m.", "21st
# November 2019".
_DATE_LINE = re.compile(
    rf"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}),?\s+\d{{4}}"
    rf"(?:,?\s+(?:at\s+)?{_TIME})?\.?$",
    re.I,
)


def _is_heading(t: str, title: str) -> bool:
    """A line that only labels what follows: a meeting's title, a label, a line in capitals."""
    n = len(t.split())
    if title and _same(t, title):
        return True
    if (
        n <= 30
        and re.match(
            r"(?i)^(?:the\s+)?(?:\d+(?:st|nd|rd|th)\s+|(?:special|annual|ordinary|regular|inaugural|"
            r"adjourned|monthly|budget|virtual)\s+)*(?:meeting|minutes|proceedings)\s+of\b",
            t,
        )
        and not re.search(r"(?i)\b(?:were|was)\s+(?:noted|approved|adopted|confirmed|received|agreed)\b", t)
    ):
        return True
    if n <= 12 and _all_caps(t) and not t.rstrip().endswith((".", "?", "!")):
        return True
    if n <= 5 and t.rstrip().endswith(":"):
        return True
    if (n <= 2 and _TIME_ONLY.match(t)) or (n <= 8 and _DATE_LINE.match(t)):
        return True  # a date or a clock time on its own ("9:30 A.M."): a session's label, it says nothing by itself
    if n <= 3 and not re.search(r"[^\W\d_]{4,}|\d", t):
        return True  # enumerators and marks on their own: "(a)", "ii.", "—" (a number or code stays searchable)
    if n == 1 and not re.search(r"\d", t) and not _all_caps(t):
        return True  # one word on its own, a wrapped line's tail ("Services."): it says nothing by itself
    return _title_label(t)


_YEARS = re.compile(r"(?<![\w/.€$£-])(?:19|20)\d{2}(?:\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2}))?(?![\w/.-])")


def _title_label(t: str) -> bool:
    """A label in title case on a line of its own: a sub-heading ("Adult Social Care and Health
    Directorate", "Storm and Bad Weather Preparedness"), a running header ("The City Record"), a
    table's row label ("Monaleen Community Games", whose amount is another cell). Two to eight
    words, every one of four letters or more capitalised, no sentence end, no digits but the
    years it covers ("Kent Pay Scheme 2025-26"; not an amount, "Tidy Towns €2000"), brackets,
    colons or commas, and no person's title or initial: a name on its own ("Councillor S.
    Stevenson", "Recuse: C. Rahman") keeps its kind, which name queries read. 3,572 of Limerick's
    97k paragraphs, 141 of Cleveland's, 8 of Kent's, 3 of London Ontario's, none of the seeds';
    replayed on the judged queries: Limerick nDCG@10 0.6859 -> 0.6941 (five queries up, none
    down), Cleveland +0.0002, the rest unchanged."""
    # The year or years it covers do not make it a sentence: "Kent Pay Scheme 2025-26", "Year of
    # Culture 2014", "Proposed Adare Local Area Plan 2015 - 2021" ("Budget 2015", one word once
    # its year is set aside, stays text).
    had_year = _YEARS.search(t) is not None
    t = _YEARS.sub(" ", t).strip(" -–")
    words = t.split()
    if not 2 <= len(words) <= 8 or re.search(r"[\d()\[\]:,]", t) or re.search(r"[.?!;]$", t):
        return False
    if had_year and not words[0][:1].isupper():
        return False  # "the 2024 Financial Statements BE RECEIVED; and" is a clause of a motion
    if any(_INITIAL.match(w) or _HONORIFIC.match(w) for w in words):
        return False
    long = [w for w in (re.sub(r"^\W+|\W+$", "", w) for w in words) if len(w) >= 4]
    return len(long) >= 2 and all(w[0].isupper() for w in long)


_SENTENCE_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[A-Z0-9(])")
# Dot leaders: five or more dots, spaced or not (". . . . ." / "....."); an ellipsis is three.
_LEADERS = re.compile(r"(?:\.\s?){5,}")


def _minor(t: str) -> bool:
    """A fragment with no word of four letters: "15.", "(a)", "."."""
    return not re.search(r"[^\W\d_]{4,}", t)


def _only_procedure_words(t: str) -> bool:
    words = _content_words(t)
    return bool(words) and all(w in _PROCEDURE_WORDS for w in words)


# Titles for several people at once: "Messrs. Gallagher, Saab.", "Councillors Keller, Prendiville.",
# "Council Members Polensek and Kelley." (the tail of a vote or attendance list the PDF wrapped).
_PLURAL_HONORIFIC = re.compile(
    r"^(?:messrs|mmes|mesdames|cllrs|councillors|councilmembers|council\s+members|aldermen)\.?\s",
    re.I,
)


def _bare_names(t: str) -> bool:
    """A list of three or more people, marked as people (initials, titles) or one word each; or
    two people after a title for several ("Messrs. Gallagher, Saab.")."""
    items = [i for i in _LIST_SPLIT.split(_LIST_NOISE.sub(" ", t)) if i.strip(" .:")]
    if len(items) == 2 and _PLURAL_HONORIFIC.match(t):
        return names_share(t) == 1.0
    if len(items) < 3 or names_share(t) < 0.8:
        return False
    marked = sum(
        1 for i in items if any(_INITIAL.match(w) or _HONORIFIC.match(w) for w in i.split()) or len(i.split()) == 1
    )
    return marked >= len(items) / 2


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(_content_words(s))

    na, nb = norm(a), norm(b)
    return bool(na) and na == nb


def _all_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


# --- splitting motion blocks ---------------------------------------------------------------------
# "And Resolved:" introduces the resolution that follows: it stays with it.
_RESOLVES = re.compile(r"^(?:and\s+)?(?:it\s+was\s+)?resolved\b", re.I)


def states_resolution(text: str) -> bool:
    """Does a paragraph open with what the meeting resolved ("And Resolved: “That ...”", "Resolved
    - that ...", "It was resolved ...")?"""
    return bool(_RESOLVES.match(text.lstrip(" \t\n\"'“‘([")))


def _wraps(prev: str, line: str) -> bool:
    """Does ``line`` go on with the list ``prev`` began (a PDF's line break, not a new sentence)?
    ``prev`` ends with a comma, an opening bracket or a joining word ("... Mr D Watkins and" /
    "Mr R J Thomas"), or ``line`` opens a bracket (a role) or is itself a list of names. (A role
    whose bracket the line break left open goes on whatever the words: the caller counts them.)"""
    end = prev.rstrip()
    if not end or _ends_list(end):
        return False
    last = end.split()[-1]
    return (
        end.endswith((",", ";", "(", ":", "&"))
        or last.casefold() in FUNCTION_SET
        or line.startswith("(")
        or _is_name_list(line.rstrip(". "))
        # a name the break cut in two: "..., Robin" / "Cahill (Senior Commissioner), Jason Read ..."
        or (last[:1].isupper() and _SURNAME_GOES_ON.match(line) is not None)
        # an officer's name after their post: "Development Partnership (Mr. M. Cantwell)."
        or _NAMED_POST.search(line) is not None
    )


_DECLARES = re.compile(r"\bdeclar(?:ed|es|e|ing|ations?)\b.*\binterests?\b|\binterests?\b.*\bdeclar", re.I)


def _cut_sentence(prev: str, line: str) -> bool:
    """Does ``line`` go on with the sentence ``prev`` began: ``prev`` ends with a function word
    ("that he was a") or ``line`` starts in lower case ("discussions.")?"""
    words = prev.split()
    return bool(words) and (words[-1].casefold() in FUNCTION_SET or line[:1].islower())


def _ends_list(line: str) -> bool:
    """A full stop that ends the list, not an initial's or a title's ("(Mr. C." / "Mr.")."""
    return line.endswith(".") and _INITIAL_AT_END.search(line) is None


_INITIAL_AT_END = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Cllr|St))\.$")
_SURNAME_GOES_ON = re.compile(r"[A-Z][\w'’-]*\s*[(,]")
_NAMED_POST = re.compile(r"\((?:Mr|Mrs|Ms|Miss|Mx|Dr|Cllr)\.?\s+[A-Z]", re.I)


def split_procedure_lines(raw: str) -> list[tuple[int, int, Optional[Kind]]]:
    """Line ranges ``[(first, stop, kind), ...]`` of a multi-line paragraph that should be chunks of their own.

    A paragraph whose lines are "Moved by X" / "Seconded by Y" / motion text / "Yeas: ..." /
    "Motion Passed (4 to 0)" becomes up to three parts: the procedural lines before the motion
    (movers, "Additional Votes:", a change of chair), the motion, and the procedural lines after
    it (tallies, results). ``kind`` is "procedure" for those parts, and None for the rest, which
    is classified on its own. One part ``(0, n, None)`` when there is nothing to split off, and
    ``(0, n, "procedure")`` when every line is procedure.
    """
    lines = [ln.strip() for ln in raw.split("\n")]
    n = len(lines)
    if n < 2:
        return [(0, n, None)]
    proc = [
        not ln
        or (
            len(ln.split()) <= 80
            and not _RESOLVES.match(ln)
            # (a line of a wrapped list of people is read with the rest of the list)
            and (classify(ln, people_lists=False, whole=False) == "procedure" or _VOTE_TAKEN.match(ln) is not None)
            # a tally's label and count whose names are on the next line is read with them
            and not (_LABEL_COUNT.fullmatch(ln) and j + 1 < n and _is_name_list(lines[j + 1].rstrip(".")))
        )
        for j, ln in enumerate(lines)
    ]
    # A labelled attendance list the PDF wrapped over several lines ("PRESENT: ..., David Brazier,"
    # / "Lesley Game, ..., Dan Bride, Tom" / "Byrne, Tony Doran, ... and Tracy Scott") is read
    # whole: its later lines were split off as substance, and "Tony Doran" found the list before
    # his report (Kent's Corporate Parenting Panel, Cabinet's "Mr R J Thomas").
    listing, depth = False, 0  # (depth: brackets the list has opened and not closed)
    for j, ln in enumerate(lines):
        if not ln:
            listing = False
        elif proc[j] and _ATTENDANCE_LABEL.match(ln):
            depth = ln.count("(") - ln.count(")")
            listing = depth > 0 or not _ends_list(ln)
        elif listing and (depth > 0 or _wraps(lines[j - 1], ln)):
            proc[j] = True
            depth += ln.count("(") - ln.count(")")
            listing = depth > 0 or not _ends_list(ln)
        else:
            listing = False
    if all(proc):
        return [(0, n, "procedure")]
    i = 0
    while i < n and proc[i]:
        i += 1
    # A head line that ends with a member's title runs on to the name on the next line: "Those
    # voting nay: Council Member" / "Polensek." (the vote had lost the name it records).
    while 0 < i < n and _TITLE_AT_END.search(lines[i - 1]) and _is_name_list(lines[i].rstrip(".")):
        i += 1
    # A declaration of interest the PDF's line break cut goes on too: after a function word, or
    # into a line that starts in lower case ("2) Mr Lehmann declared an interest ... that he was a"
    # / "Member of Swale Borough Council."; the second line alone was what "Swale Borough Council"
    # found). Only a declaration: movers ("Mr Baker proposed, and Mr Robey seconded the motion
    # that") go on into the motion, and a formula ("Be it resolved by the Board of") into the
    # resolution, which are substance (Kent's "Local Transport Plan 5", Cleveland's Board of
    # Control resolutions were read as procedure).
    if 0 < i < n and _DECLARES.search(lines[0]):
        while i < n and lines[i] and _cut_sentence(lines[i - 1], lines[i]):
            i += 1
    if i == n:
        return [(0, n, "procedure")]
    k = n
    while k > i and proc[k - 1]:
        k -= 1
    # The tail must begin where a tally or result begins, not in the middle of a wrapped name list.
    while k < n and not (
        _TALLY_START.match(_VOTING.sub("", _ENUM.sub("", lines[k]), count=1))
        or _RESULT.match(lines[k])
        or _VOTE_TAKEN.match(lines[k])
        or _is_attendance(lines[k])
    ):
        k += 1
    parts: list[tuple[int, int, Optional[Kind]]] = [(0, i, "procedure"), (i, k, None), (k, n, "procedure")]
    return [p for p in parts if p[1] > p[0]]
