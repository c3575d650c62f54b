"""The structure of real minutes: paragraphs rebuilt from PDF lines, and numbered agenda items.

Two hooks for :mod:`minsearch.ingest.chunker`:

* :func:`rebuild_paragraphs` turns text in which every visual line is its own line (or its own
  blank-line block, as in the Limerick Markdown) back into paragraphs: lines are joined until a
  sentence ends or a heading, number, bullet or motion starts. Page numbers, ``---`` page rules,
  form feeds, "Scanned page" notes and signature rules are dropped.
* :func:`split_numbered_items` cuts the paragraphs into agenda items where the text numbers them:
  ``76. Apologies`` + ``(Item 1)`` (Kent ModernGov printed minutes), ``**2.**`` + ``Disposal of
  Land`` (Limerick), ``Minute No. 12/2024``.

Spans are real character offsets into the document text.  A rebuilt paragraph's ``raw`` is the
text of its kept lines (page furniture between them left out), so ``Para.text`` reads cleanly
while ``start``/``end`` still cover the paragraph in the document.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Optional

from ..words import sentence_spans
from .paragraphs import BULLET, Para

# --- lines that are page furniture, not content ------------------------------------------
_PAGE_RULE = re.compile(r"^\s*(?:-{3,}|_{3,}|\*{3,})\s*(?:(?:page\s+)?\d{1,4})?\s*$", re.I)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:\*\*)?\s*(?:[-–]\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?(?:\s*[-–])?\s*(?:\*\*)?\s*$", re.I
)
_JUNK = re.compile(
    r"^\s*(?:\*?<small>.*</small>\*?|\[original file\]\(.*\)|\(image omitted\)|[\\_*\s]{3,}|page\s+\d+\s+of\s+\d+)\s*$",
    re.I,
)

# --- lines that start something ------------------------------------------------------------
_ITEM_NO = r"\d{1,3}(?:\.(?:\d{1,3}|[a-z]))*[a-z]?"  # 8, 12a, 2.5 (a sub-item), 2.3.a
_ITEM_MARK = re.compile(r"^\s*\(\s*item\s+(" + _ITEM_NO + r")\s*\)\s*$", re.I)
_NUM_LABEL = re.compile(r"^\s*\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\)?\s*$")  # "1." "(a)" alone
_NUM_START = re.compile(r"^\s*\(?(?:\d{1,3}(?:\.(?:\d{1,3}|[a-z]))*|[a-z]|[ivx]{1,4})[.)]\)?(?:\s|$)")
_MOTION_START = re.compile(r"^\s*(?:proposed\s+by|moved\s+by)\b", re.I)
_MOTION_CONT = re.compile(
    r"^\s*(?:seconded\s+by|and\s+(?:it\s+was\s+)?resolved|resolved\s*[:–—-]?\s*$|carried\b)", re.I
)
_RESOLVED_START = re.compile(r"^\s*(?:it\s+was\s+)?resolved\b", re.I)
_LABEL = re.compile(r"^\s*[A-Z][A-Z ,&/()'’-]{2,40}:")  # PRESENT:, IN ATTENDANCE:, REPLY:
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+\S")
_MINUTE_NO = re.compile(r"^\s*minute\s+(?:no\.?\s*)?\d+(?:/\d{2,4})?\b", re.I)

_BULLET_ONLY = re.compile(r"^\s*[·•▪◦●\uf0b7\uf0a7\-–*]\s*$")
# A vote's count on a line of its own ("Against (0)", "Abstain (11)", "For:"; see _labels_next).
_COUNT = r"(?:for|against|abstain(?:ed)?|yeas|nays)\s*\(?\d*\)?\s*:?"
_COUNT_ONLY = re.compile(rf"^\s*{_COUNT}\s*$", re.I)
# One to three words and a colon ("Apologies:", "Members Present:"): the words are read as they are
# spaced; read as pieces of a word cut every way, a 1,200-letter line took 7.8 s (cubic).
_LABEL_ONLY = re.compile(
    rf"^\s*(?:[A-Z][A-Z ,&/()'’-]{{1,38}}\s*:|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,2}}\s*:|{_COUNT})\s*$", re.I
)
_SENTENCE_END = re.compile(r"[.?!][\"'”’)\]]*\s*$")
_SOFT_END = re.compile(r"[:;][\"'”’)\]]*\s*$")
_LEADS_ON = re.compile(r"^(?:of|at|in|on|and|held|for|the|to|by|with)\b", re.I)
_CONTINUES = re.compile(
    r"(?:[,\-–&/(]|\b(?:and|or|of|the|at|in|on|to|for|by|with|a|an|held|that|from|as|is|was|were|be))\s*$", re.I
)
_ABBREV_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Cllr|Cmhlr|Co|No|Nos|St|Rev|Prof|Sr|Jr|Ltd|etc|approx|Cllrs|vs|viz|i\.e|e\.g)\.|"
    r"(?:^|[\s(])[A-Z]\.)\s*$"
)
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")

MAX_PARA_CHARS = 2500


@dataclass
class _Line:
    start: int
    end: int
    body: str  # the line as shown (emphasis removed, stripped)
    gap: bool  # blank lines or page furniture between this line and the previous content line
    page: bool  # a page break between this line and the previous content line
    bold: bool  # the whole line was **bold** in the source (a Markdown heading)
    page_no: int = 0
    loose: bool = False  # its page has a blank line after almost every line (gaps mean little)
    rule: str = ""  # "ff" (a form feed) or "---" (a page rule) between this line and the previous one
    printed: int = 0  # the number of a page-number line ("7", "Page 7 of 19") just before this line


def _content_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    gap = page = False
    rule = ""
    printed = 0
    page_no = 0
    pos = 0
    for seg in text.splitlines(keepends=True):
        start, pos = pos, pos + len(seg)
        body = seg.rstrip("\r\n\x0c\x0b\x1c\x1d\x1e\x85\u2028\u2029")
        if seg.endswith(("\x0c",)) or "\x0c" in body:
            page = gap = True
            rule = "ff"
            body = body.replace("\x0c", " ")
        stripped = body.strip()
        if not stripped:
            gap = True
            continue
        if _PAGE_RULE.match(stripped) or _PAGE_NUMBER.match(stripped):
            if stripped.startswith("---"):
                rule = rule or "---"  # not "___" or "***": signature lines, dividers
            elif _PAGE_NUMBER.match(stripped):
                printed = int(re.search(r"\d+", stripped).group())  # type: ignore[union-attr]
            gap = page = True
            continue
        if _JUNK.match(stripped):
            gap = True
            continue
        lead = len(body) - len(body.lstrip())
        s = start + lead
        e = start + len(body.rstrip())
        bold = stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4
        shown = _EMPHASIS.sub("", stripped).strip()
        shown = re.sub(r"^[\uf0b7\uf0a7](?=\s|$)", "•", shown)  # Symbol-font bullets
        if not shown:
            gap = True
            continue
        if page:
            page_no += 1
        lines.append(_Line(s, e, shown, gap, page, bold, page_no, rule=rule, printed=printed))
        gap = page = False
        rule = ""
        printed = 0
    # Per page: PDF-to-Markdown conversions put a blank line after nearly every visual line on
    # text pages, but not on OCR pages; where that happens a blank line is no paragraph break.
    by_page: dict[int, list[_Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page_no, []).append(ln)
    for group in by_page.values():
        gaps = sum(1 for ln in group[1:] if ln.gap and not ln.page)
        loose = len(group) >= 6 and gaps / max(1, len(group) - 1) > 0.6
        for ln in group:
            ln.loose = loose
    return lines


def _is_heading(line: _Line, width: float) -> bool:
    b = line.body
    if _MD_HEADING.match(b) or _ITEM_MARK.match(b):
        return True
    if len(b) > 90 or _SENTENCE_END.search(b) or _CONTINUES.search(b):
        return False
    if line.bold:
        return True
    return _all_caps(b) and len(b) < 0.7 * width


def _starts_structure(b: str) -> bool:
    return bool(
        _NUM_START.match(b)
        or BULLET.match(b)
        or _MOTION_START.match(b)
        or _RESOLVED_START.match(b)
        or _LABEL.match(b)
        or _MD_HEADING.match(b)
        or _MINUTE_NO.match(b)
    )


def _typical_width(lines: list[_Line]) -> float:
    lengths = sorted(len(ln.body) for ln in lines)
    if not lengths:
        return 80.0
    return max(40.0, float(lengths[int(len(lengths) * 0.8)]))


def rebuild_paragraphs(text: str) -> list[Para]:
    """Paragraph spans for line-broken (PDF-extracted) text; see the module docstring."""
    lines = _content_lines(text)
    width = _typical_width(lines)
    # PDF page numbers, where the text marks its page breaks (a form feed, a "---" page rule, a
    # page-number line): the first page is 1, whether or not a break comes before it. A text
    # with no break marked (Kent's pypdf text joins pages with a plain newline) has no pages.
    pages = _pdf_pages(lines)
    paras: list[Para] = []
    cur: list[_Line] = []
    cur_len = 0
    in_motion = False  # inside "Proposed by ... Seconded by ... And Resolved: 'That ...'"
    quote_open = False

    def flush() -> None:
        nonlocal cur, cur_len, in_motion, quote_open
        if cur:
            parts: list[str] = [cur[0].body]
            for prev, ln in zip(cur, cur[1:]):
                if re.search(r"[A-Za-z]-$", prev.body) and ln.body[:1].islower():
                    parts[-1] = parts[-1] + ln.body  # a word broken at the line end
                else:
                    parts.append(ln.body)
            paras.append(Para(cur[0].start, cur[-1].end, "\n".join(parts), page=pages.get(id(cur[0]), 0)))
        cur, cur_len, in_motion, quote_open = [], 0, False, False

    for ln in lines:
        if cur and _boundary(cur, ln, width, in_motion, quote_open, cur_len):
            flush()
        if not cur:
            in_motion = bool(_MOTION_START.match(ln.body))
        cur.append(ln)
        cur_len += len(ln.body) + 1
        if in_motion:
            opens, closes = ln.body.count("“"), ln.body.count("”")
            if opens > closes:
                quote_open = True
            elif closes > opens:
                quote_open = False
    flush()
    return [p for p in paras if p.text]


def _pdf_pages(lines: list[_Line]) -> dict[int, int]:
    """The PDF page (1-based) of each line, keyed by ``id(line)``; empty when the text does not
    mark its pages well enough to say (never a guess).

    Form feeds are page breaks (pypdf's, :mod:`.pdf`'s); without any, ``---`` page rules are (the
    Limerick Markdown starts every page with one). Without either, page-number lines count only
    as a run 1, 2, 3 ... (a stray "2023/2024" line is no page); a number printed at the top of a
    page starts that page, one at the bottom ends it. A single "1" says nothing of the rest.
    """
    for kind in ("ff", "---"):
        if any(ln.rule == kind for ln in lines[1:]):
            out, page = {}, 1
            for i, ln in enumerate(lines):
                page += 1 if i and ln.rule == kind else 0
                out[id(ln)] = page
            return out
    expected, marks = 1, {}
    for i, ln in enumerate(lines):
        if ln.printed == expected:
            marks[i] = expected
            expected += 1
    if len(marks) < 2:
        return {}
    top = 0 in marks  # the first line of the text comes after page 1's number
    out, page = {}, 1
    for i, ln in enumerate(lines):
        if i in marks:
            page = marks[i] if top else marks[i] + 1
        out[id(ln)] = page
    return out


def _boundary(cur: list[_Line], b: _Line, width: float, in_motion: bool, quote_open: bool, cur_len: int) -> bool:
    """True when line ``b`` starts a new paragraph after the lines in ``cur``."""
    a = cur[-1]
    A, B = a.body, b.body
    if _ITEM_MARK.match(A):
        return True  # "(Item 5)" closes the item's heading
    if _ITEM_MARK.match(B):
        return False  # ... and belongs to the title lines before it
    if (_NUM_LABEL.match(A) or _BULLET_ONLY.match(A)) and len(cur) == 1:
        return False  # "**2.**" or "•" alone: the item title or paragraph follows
    if _labels_next(cur, B):
        return False
    if cur_len > MAX_PARA_CHARS:
        return True
    if in_motion:
        if _MOTION_CONT.match(B):
            return False
        if _SOFT_END.search(A) and re.search(r"resolved\s*[:–—-]?$", A, re.I):
            return False  # "And Resolved:" then the resolution itself
        if quote_open and cur_len < MAX_PARA_CHARS:
            return False
        if not b.gap and not b.loose:
            return False  # a motion written as one block (Moved / Seconded / text / vote)
    if B[:1].islower() and not _NUM_START.match(B) and not BULLET.match(B):
        return False
    if _LEADS_ON.match(B) and _all_caps(A) and not _SENTENCE_END.search(A) and not _LABEL.match(B):
        return False  # "MINUTES" / "OF PROCEEDINGS" / "AT MEETING" ...
    if _all_caps(A) and _all_caps(B) and not _SENTENCE_END.search(A) and sum(len(x.body) for x in cur) >= 40:
        return False  # a long capitalised heading sentence wrapped over lines
    if _CONTINUES.search(A) and not _NUM_START.match(B) and not _LABEL.match(B):
        return False
    if _starts_structure(B) or _is_heading(b, width):
        return True
    if _is_heading(a, width):
        return True
    if _SENTENCE_END.search(A):
        if _ABBREV_END.search(A):
            return False
        return b.gap or len(A) < 0.75 * width
    if _SOFT_END.search(A):
        return b.gap
    # No punctuation at the end of A: a title line ends here if it was set apart (and short,
    # where blank lines follow every line anyway).
    return b.gap and not b.page and B[:1].isupper() and (len(A) < 0.6 * width or not b.loose)


def _labels_next(cur: list[_Line], B: str) -> bool:
    """Do the lines ``cur`` label what the line ``B`` starts: a label alone ("MEMBERS PRESENT:",
    "REPLY:", "For (15)"), or a vote's counts one under another ("Against (0)" / "Abstain (11)"),
    the names under the last (they were a paragraph of their own, which no question about the
    vote found)?"""
    if _NUM_START.match(B) or BULLET.match(B) or _ITEM_MARK.match(B):
        return False
    if len(cur) == 1:
        return bool(_LABEL_ONLY.match(cur[0].body))
    return all(_COUNT_ONLY.match(x.body) for x in cur)


def _all_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# --- agenda items ------------------------------------------------------------------------------
_ITEM_IN_PARA = re.compile(r"\(\s*item\s+(" + _ITEM_NO + r")\s*\)", re.I)
# "299." "(3)" "**4.**", and sub-item numbers "2.5." or "2.5 " (a dotted number needs no stop).
_LEAD_NUMBER = re.compile(
    r"^\s*(?:\*\*)?\(?(\d{1,3}(?:\.(?:\d{1,3}|[a-z]))+(?=[.)\s])|\d{1,3}(?=[.)]))[.)]?\)?(?:\*\*)?\s*"
)
_MINUTE_HEAD = re.compile(r"^\s*minute\s+(?:no\.?\s*)?(\d+)(?:\s*/\s*(\d{2,4}))?\s*[:.–—-]?\s*(.*)$", re.I | re.S)
# "4. Title", and as PDF extraction runs them together, "20.Question submitted by ..." and "18 .Question":
# 127 of Limerick's 1,025 minutes had such headings read as text, often every item of a meeting
# (whose paragraphs were then all titled by the meeting).
_NUMBERED_HEAD = re.compile(r"^\s*(?:\*\*)?(\d{1,3})\s?[.)](?:\*\*)?(?:\s+|(?=[A-Z]))(.+)$", re.S)
_LETTER = re.compile(r"[^\W\d_]")
_NOT_A_TITLE = re.compile(r"^(?:it\s+was\s+|and\s+)?resolved\b|^(?:proposed|moved|seconded)\b|^that\b", re.I)


def _clean(t: str) -> str:
    return _EMPHASIS.sub("", t).strip()


def split_numbered_items(text: str, paras: list[Para]) -> Optional[list[tuple[str, str, list[Para]]]]:
    """Agenda items as (title, the source's number for it, paragraphs); None when the text does
    not number its items. The number keeps the source's own noun: "minute 299" (ModernGov's
    minute numbers, "Minute No. 45/21"), "item 2.5" (an "(Item 2.5)" marker, a "4." heading).

    Heading paragraphs become titles and are not returned as content.  The paragraphs before
    the first item (attendance, apologies) come first, with the title "" and no number.
    """
    if not paras:
        return None
    for finder in (_items_by_marker, _items_by_minute_no, _items_by_number):
        heads = finder(text, paras)
        if heads and len(heads) >= 2:
            if finder is _items_by_number and len(paras) - heads[0][0] > MAX_ITEM_PARAGRAPHS * len(heads):
                return None  # numbered lists inside the text, not its agenda (see MAX_ITEM_PARAGRAPHS)
            return _assemble(paras, heads)
    return None


# Bare numbers ("4. ...") are the agenda only when their items have the length of agenda items:
# a chain of them whose items (from the first on) average more than this many paragraphs is
# numbered lists inside the text. Measured with the chunker: 536 of Limerick's 537 meetings
# numbered so have items of 4-102 paragraphs on average (the most: a council meeting with two items
# late in a long record; the other, 180, took a chart's labels for items: "HAP Di €0 €50 ..."),
# while 42 of the 45 City Record issues (Cleveland) with such a chain got 2-16 "items" of 142-1,462
# paragraphs on average, titled by the conditions of a zoning appeal or an ordinance's
# amendments ("Section 349.14 which states that bicycle parking spaces are required", "THENCE"),
# which then matched queries for hundreds of paragraphs. (Three issues keep shorter such chains.)
MAX_ITEM_PARAGRAPHS = 120


# A "head" is (index of first heading para, number of heading paras, title, replacement paras)
# and the item's number as the source prints it, with its noun ("minute 299", "item 2.5"; "" if none).
_Head = tuple[int, int, str, list[Para], str]


def _items_by_marker(text: str, paras: list[Para]) -> list[_Head]:
    heads: list[_Head] = []
    for i, p in enumerate(paras):
        t = _clean(p.text)
        m = _ITEM_IN_PARA.search(t)
        if not m or m.start() > 300:
            continue
        before, after = t[: m.start()].strip(), t[m.end() :].strip()
        first, count = i, 1
        if (
            not before
            and i > 0
            and len(paras[i - 1].text) <= 200
            and not (heads and heads[-1][0] + heads[-1][1] > i - 1)
        ):
            first, count, before = i - 1, 2, _clean(paras[i - 1].text)
        rest: list[Para] = []
        if after:
            rest = [_tail_para(text, p)]
        title = _LEAD_NUMBER.sub("", before).strip(" –—-:") or f"Item {m.group(1)}"
        # ModernGov prints "299. Kent Minerals ... (Item 8)": 299 is the minute's number, 8 the
        # agenda's; a minute is cited by its own number.
        lead = _LEAD_NUMBER.match(before)
        ref = f"minute {lead.group(1)}" if lead and lead.group(1) != m.group(1) else f"item {m.group(1)}"
        heads.append((first, count, title, rest, ref))
    return heads


def _tail_para(text: str, p: Para) -> Para:
    """The part of ``p`` after a heading that was run into it (kept as content)."""
    raw = p.raw
    m = _ITEM_IN_PARA.search(raw)
    if m is None:
        return p
    start = p.start + m.end() if text[p.start : p.end] == raw else p.start
    while start < p.end and text[start].isspace():
        start += 1
    return Para(start, p.end, raw[m.end() :], page=p.page)


def _items_by_minute_no(text: str, paras: list[Para]) -> list[_Head]:
    heads: list[_Head] = []
    for i, p in enumerate(paras):
        m = _MINUTE_HEAD.match(_clean(p.text))
        if not m:
            continue
        title = m.group(3).strip()
        count = 1
        if not title and i + 1 < len(paras) and len(paras[i + 1].text) <= 150:
            title, count = _clean(paras[i + 1].text), 2
        if len(title) > 200:  # "Minute No. 12 – The Committee considered ...": a heading run on
            title = title[:80].rsplit(" ", 1)[0] + "…"
        num = m.group(1) + (f"/{m.group(2)}" if m.group(2) else "")
        heads.append((i, count, title or f"Minute {num}", [], f"minute {num}"))
    return heads


def _title_like(t: str) -> bool:
    if not t or len(t) > 160 or len(t.split()) > 22:
        return False
    if not _LETTER.search(t):
        # "6", "97", "5. 6.": a page number or a table's cells, not an item's title (the City
        # Record's running headers gave 261 paragraphs of one issue the title "6").
        return False
    if _NOT_A_TITLE.match(t) or t.endswith((":", ";", ",")):
        return False
    if t.endswith(".") and (len(t) > 80 or t.count(". ") >= 1):
        return False
    return t[:1].isupper() or t[:1].isdigit() or t[:1] in "“\"'‘("


# What a gap in the numbers costs a chain of items (each item found adds 1): an item or two
# whose heading was not read (run into its first sentence) must not split the agenda in two, of
# which only the longer would be kept (Limerick, 23 May 2016: items 8 and 9 unread, items 1-7 lost
# to the longer run 10-23). A longer gap joins two runs of two items or more, never one stray
# number: 20 Limerick meetings whose unread headings left gaps of 4-9 lost their first items
# (items 1-6 of 20 June 2016, to the run 11-24) once the later headings were read.
GAP_COST = {1: 0.0, 2: 0.5, 3: 0.9, **{step: 0.9 + 0.2 * (step - 3) for step in range(4, 11)}}


def _run_on_title(text: str, p: Para, rest: str) -> Optional[tuple[str, Para]]:
    """A numbered heading run into what follows it, cut where a bracket starts: "14. Notice of
    Motion submitted by Councillor M. Sheahan (to be referred to the Environment Strategic Policy
    Committee) I will move ...": the title before the bracket, the rest as content. PDF extraction
    joins an item's number, its title and its first lines: 14 items of one Limerick meeting read as
    text of the item before (the next heading of a title-like length was item 28)."""
    cut = rest.find(" (")
    title = rest[:cut].strip() if cut > 0 else ""
    # A remark in words ("(to be referred to ...)"), not a figure or a clause of a code: "1. Section
    # 337.08(e) which states that a Museum is permitted if located not less than fifteen (15) feet"
    # is a condition of a zoning appeal (Cleveland), and took item 1's place.
    remark = re.match(r"\(\s*[^\W\d_]+(?:\s+[^\W\d_]+){2}", rest[cut + 1 :]) if cut > 0 else None
    if remark is None or "(" in title or len(title.split()) < 3 or not _title_like(title):
        return None
    return _cut_after(text, p, title, rest[cut + 1 :])


# Words in capitals that open a paragraph (two or more, or one of four letters or more): a
# section's heading run into its first lines ("THE CALENDAR The following measures ...",
# "CONDOLENCE RESOLUTIONS The rules were ...", "MOTION The Council Meeting adjourned at").
_CAPS_LEAD = re.compile(r"^(?:(?:[A-Z][A-Z'’&-]+\s+){2,}|[A-Z][A-Z'’&-]{3,}\s+)(?=[A-Z][a-z])")


# The words a numbered heading may have before it runs into its text, for the shapes below.
HEADING_WORDS = 14
# "... submitted by Councillor E. O'Brien", "... tabled by Cllr Smith": a heading that names who
# brought the item, run into its first line ("I will ask at the next Meeting ..."). 1,613 numbered
# Limerick headings that continue their meeting's numbering were run into their text (read in
# /tmp samples: most are questions and notices of motion, OCR'd "| will", "! will", "1 will").
_BROUGHT_BY = re.compile(r"\b(?:submitted|tabled|lodged|presented|raised|circulated)\s+by\s+", re.I)
# Capitalised words that open a sentence, not a name ("... by Councillor Smith The Council ...").
_SENTENCE_OPENERS = {"I", "The", "This", "That", "It", "We", "In", "At", "To", "A", "An", "He", "She"}
# The words a name may have after "by": "Councillor S. Novak Uí Chonchúir", "Councillors B. Teefy
# and N. Gleeson", "Councillor K. Sheahan, Mayor", "Councillor Hogan, Leddin, Lynch and McCreesh".
NAME_WORDS = 10


def _name_word(word: str) -> bool:
    """A word of a person's name or title: capitalised letters (an initial with its stop), not a
    word that opens a sentence."""
    w = word.rstrip(",;")
    if not w or not w[0].isupper() or w in _SENTENCE_OPENERS:
        return False
    return all(ch.isalpha() or ch in ".’'-" for ch in w)


def _name_end(rest: str, at: int) -> int:
    """Where the name that starts at ``at`` ends: ``at`` when none does, or when what follows it
    does not start a sentence ("Councillor L. Galvin, Mayor of the City ...": the name goes on)."""
    # (a bracket ends a word: "Sheehy(to be referred"; the words a name may have, and one more)
    words = list(itertools.islice(re.finditer(r"[^\s(]+", rest[at:]), NAME_WORDS + 2))
    end, n = at, 0
    while n < len(words):
        w = words[n].group(0)
        if n == NAME_WORDS:
            return at
        if w in ("and", "&") and n + 1 < len(words) and _name_word(words[n + 1].group(0)) and end > at:
            n += 1
            continue
        if not _name_word(w):
            return at if w[:1].islower() else end
        end = at + words[n].end()
        n += 1
    return end


# A colon that ends a heading run into its text: "RESULT OF THE LOCAL ELECTIONS ...: The Meetings
# Administrator, as Returning Officer ..." (a colon after a sentence's first clause is not it: the
# part before must read as a title, see _title_like).
_HEAD_COLON = re.compile(r":\s+(?=\S)")
_LIST_LEAD = re.compile(r"\b(?:follows|following)\s*:?\s*$", re.I)


def _words_pattern(words: list[str]) -> str:
    """A pattern for ``words`` as a PDF or Markdown text prints them: spaces, line breaks or
    emphasis marks between them ("" when they hold no text)."""
    kept = [re.escape(w.strip("*_")) for w in words if w.strip("*_")]
    return r"[\s*_]+".join(kept)


def _cut_after(text: str, p: Para, title: str, after: str) -> Optional[tuple[str, Para]]:
    """``title`` and a paragraph holding what follows it in ``p`` (found in ``p.raw`` by the first
    words of ``after``); None when they cannot be found there, so the heading is not taken and
    no text is lost."""
    # After the title's last word (what follows may repeat the title's words: "UPDATE ... The
    # update ..."), the first words of the rest.
    ends = _words_pattern(title.split()[-1:])
    last = re.search(ends, p.raw) if ends else None
    pattern = _words_pattern(after.split()[:3])
    found = re.compile(pattern).search(p.raw, last.end() if last else 0) if pattern else None
    if found is None:
        return None
    at = found.start()
    start = p.start + at if text[p.start : p.end] == p.raw else p.start
    return title.rstrip(".: "), Para(start, p.end, p.raw[at:], page=p.page)


def _brought_by_title(text: str, p: Para, rest: str) -> Optional[tuple[str, Para]]:
    """ "22. Notice of Motion submitted by Councillor C. McMahon I will move at the next Meeting
    ...": the title up to the end of the name, the rest as content."""
    by = _BROUGHT_BY.search(rest)
    if by is None or len(rest[: by.start()].split()) > HEADING_WORDS // 2:
        return None
    at = _name_end(rest, by.end())
    title, after = rest[:at].strip().rstrip(",;"), rest[at:]
    if at == by.end() or not after.strip() or not _title_like(title):
        return None
    if after.lstrip().startswith("(") and _title_like(rest):
        return None  # a remark in brackets ("(to be referred to ...)") is part of a short heading
    return _cut_after(text, p, title, after)


def _caps_title(text: str, p: Para, rest: str) -> Optional[tuple[str, Para]]:
    """A heading in capitals run into its item's first lines ("2.UPDATE FROM CHIEF
    SUPERINTENDENT The Chief Superintendent stated ...")."""
    caps = _CAPS_LEAD.match(rest)
    return _cut_title(text, p, rest, caps.group(0).strip() if caps else "")


def _colon_title(text: str, p: Para, rest: str) -> Optional[tuple[str, Para]]:
    """A heading ending in a colon run into its item's first lines ("1. RESULT OF THE LOCAL
    ELECTIONS HELD ON 23 MAY, 2014: The Meetings Administrator ...")."""
    colon = _HEAD_COLON.search(rest, 0, 160)
    return _cut_title(text, p, rest, rest[: colon.start()].strip() if colon else "")


def _cut_title(text: str, p: Para, rest: str, title: str) -> Optional[tuple[str, Para]]:
    if not title or len(title.split()) > HEADING_WORDS or not _title_like(title):
        return None
    return _cut_after(text, p, title, rest[len(title) :].lstrip(" :"))


@dataclass(frozen=True)
class NumberedHeading:
    """What a numbered paragraph reads as when it may head an agenda item."""

    title: str
    content: list[Para]  # what of the paragraph is the item's text (empty: the heading alone)
    # The shape of a numbered list's entries too ("1. Determination of user demands: to discover
    # ..."): not an item when the next number follows right after it.
    list_like: bool


def numbered_heading(text: str, p: Para, rest: str) -> Optional[NumberedHeading]:
    """How a numbered paragraph reads as an agenda item's heading (``rest`` is the text after its
    number); None when it does not. A heading alone ("4. Disposal of Land", "4. Schedule of
    Meetings:"), or run into its item's first lines (see :func:`_run_on_title`,
    :func:`_brought_by_title`, :func:`_caps_title`, :func:`_colon_title`). Whether it is an item is decided by the
    numbering around it."""
    if _LIST_LEAD.search(rest):
        # "Councillor Scanlan proposed two amendments to the Draft Plan as follows:" leads into a
        # list (Limerick: a plan's amendments took such lines as their items' titles).
        return None
    alone = rest
    if rest.endswith(":"):
        # "Adoption of Minutes: Circulated, copy of draft Minutes of the Meetings:" is a heading run
        # into its first line (see _colon_title), not a title.
        inner = _HEAD_COLON.search(rest[:-1]) is not None
        alone = "" if inner or len(rest.split()) > HEADING_WORDS else rest[:-1].strip()
    # A name and what follows it, short enough to pass for a title ("Notice of Motion submitted by
    # Councillor S. Keary I will move at the next Meeting that Standing Order No. 3"): cut first.
    by_name = _brought_by_title(text, p, rest)
    if by_name is not None:
        return NumberedHeading(by_name[0], [by_name[1]], list_like=False)
    if _title_like(alone):
        return NumberedHeading(alone.rstrip("."), [], list_like=True)
    bracket = _run_on_title(text, p, rest)
    if bracket is not None:
        return NumberedHeading(bracket[0], [bracket[1]], list_like=False)
    caps = _caps_title(text, p, rest)
    if caps is not None:
        return NumberedHeading(caps[0], [caps[1]], list_like=False)
    colon = _colon_title(text, p, rest)
    if colon is not None:
        return NumberedHeading(colon[0], [colon[1]], list_like=True)
    return None


def _items_by_number(text: str, paras: list[Para]) -> list[_Head]:
    cands: list[tuple[int, int, int, str, list[Para]]] = []  # (number, index, count, title, content)
    list_like: set[int] = set()  # indices of headings shaped like a list's entries too
    numbers: dict[int, int] = {}  # index -> the number a paragraph starts with
    for i, p in enumerate(paras):
        t = _clean(p.text)
        m = _NUMBERED_HEAD.match(t)
        if m:
            numbers[i] = int(m.group(1))
        heading = numbered_heading(text, p, m.group(2).strip()) if m else None
        if m and heading is not None:
            cands.append((int(m.group(1)), i, 1, heading.title, heading.content))
            if heading.list_like:
                list_like.add(i)
            continue
        m = re.fullmatch(r"\(?(\d{1,3})[.)]\)?", t)
        if m and i + 1 < len(paras):
            nxt = _clean(paras[i + 1].text)
            if _title_like(nxt) and not _NUMBERED_HEAD.match(nxt):
                cands.append((int(m.group(1)), i, 2, nxt.rstrip("."), []))
    # Numbered lists (1. ... 2. ... one after the other) are not agenda items: drop candidates
    # that sit right next to their predecessor or successor. A list's entries may be "Heading:
    # text" too (a CISI abstract's "1. Determination of user demands: to discover ...").
    dense: set[int] = set()
    for (n1, i1, c1, _, r1), (n2, i2, _c2, _t2, r2) in zip(cands, cands[1:]):
        listed = not r1 or (i1 in list_like and (i2 in list_like or not r2))
        if n2 == n1 + 1 and i2 == i1 + c1 and listed:
            dense.update((i1, i2))
    # ... or "Heading: text" beside an entry of its list that reads as no heading ("1. A
    # systematic approach to indexing in depth, based on ...", then "2. An analytical approach
    # to word forms in which ... are distinguished: ACTION forms; ...", a CISI abstract).
    entries = {j: n for j, n in numbers.items() if j not in {c[1] for c in cands}}
    beside = {
        i
        for n, i, c, _t, r in cands
        if r and i in list_like and (entries.get(i - 1) == n - 1 or entries.get(i + c) == n + 1)
    }
    cands = [c for c in cands if c[1] not in dense and c[1] not in beside]
    if len(cands) < 2:
        return []
    # The longest run of consecutive numbers (1, 2, 3 ... or 76, 77, 78 ...) in reading order.
    # A numbered list inside an item (1. ... 2. ... with nothing between) scores little: real
    # items have content between their headings.
    best: list[float] = [1.0] * len(cands)
    prev: list[int] = [-1] * len(cands)
    for j in range(len(cands)):
        for i in range(j):
            step = cands[j][0] - cands[i][0]
            if step in GAP_COST and cands[j][1] > cands[i][1]:
                body = cands[j][1] - (cands[i][1] + cands[i][2]) + len(cands[i][4])
                score = best[i] + (1.0 if body >= 1 else 0.1) - GAP_COST[step]
                if score > best[j]:
                    best[j], prev[j] = score, i
    end = max(range(len(cands)), key=lambda k: (best[k], -k))
    chain: list[int] = []
    while end != -1:
        chain.append(end)
        end = prev[end]
    chain.reverse()
    return [(cands[k][1], cands[k][2], cands[k][3], cands[k][4], f"item {cands[k][0]}") for k in chain]


def _assemble(paras: list[Para], heads: list[_Head]) -> list[tuple[str, str, list[Para]]]:
    out: list[tuple[str, str, list[Para]]] = []
    preamble = paras[: heads[0][0]]
    if preamble:
        out.append(("", "", preamble))
    for n, (idx, count, title, rest, ref) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(paras)
        body = list(rest) + paras[idx + count : stop]
        out.append((title, ref, body))
    return out


# --- measures of a council journal -------------------------------------------------------------
# A journal of measures (a US city's record, a council's bills) numbers each measure, not its
# agenda: "Ord. No. 129-17. By Council Members Polensek and Kelley. An emergency ordinance
# authorizing ... Section 1. ...", "Res. No. 120-17.", "File No. 137-17.", "Bill No. 52".
_MEASURE_HEAD = re.compile(
    r"^\s*((?:ord|ordinance|res|resol|resolution|file|bill|by-?law|motion|petition)\.?\s+"
    r"(?:no|number)\.?\s*[A-Z]{0,4}[-./]?\d[\w./-]*?)\.?(?=\s|$)",
    re.I,
)
# Fewer numbered measures than this is a mention, not a journal of them.
MIN_MEASURES = 3
_SPONSOR_SENTENCE = re.compile(r"^by\s+\S", re.I)
MEASURE_TITLE_WORDS = 24  # a measure's description can run to 80 words; its title shows the first


def split_measures(paras: list[Para]) -> Optional[list[tuple[str, str, list[Para]]]]:
    """The measures of a journal that numbers no agenda items, as (title, number, paragraphs);
    None when it numbers fewer than :data:`MIN_MEASURES`.

    A measure starts at a paragraph headed by its number ("Ord. No. 129-17. ...") and runs to the
    next one or to a section heading in capitals ("FIRST READING EMERGENCY", "THE CALENDAR The
    following ..."), with its votes (which follow what was done with it: "Adopted. Yeas 16. Nays
    0." and then who voted nay; ending it at "Adopted." cost the two vote questions of the City
    Record's judged set 0.56 and 0.12 nDCG@10). Its title is its first sentence after the number
    and the sponsor ("By Council Member Kelley."), which says what it is ("An emergency ordinance
    authorizing the Commissioner of ..."). The paragraphs outside any measure (the roll call,
    notices, a section's heading) keep the title "" and no number, as before the first agenda
    item. 11 of the 12 City Record issues the judged set covers print 23-73 measures each (3,104
    of their 10,663 paragraphs), all under the issue's one title until then: a roll call ("Those
    voting nay: ...") and a measure's sections said nothing of what they belonged to (Cleveland's
    judged queries 0.456 -> 0.504 nDCG@10; benchmarks/RESULTS.md).
    """
    heads = [_MEASURE_HEAD.match(p.text) for p in paras]
    if sum(1 for m in heads if m) < MIN_MEASURES:
        return None
    out: list[tuple[str, str, list[Para]]] = []
    loose: list[Para] = []
    i = 0
    while i < len(paras):
        m = heads[i]
        if not m:
            loose.append(paras[i])
            i += 1
            continue
        if loose:
            out.append(("", "", loose))
            loose = []
        j = i + 1
        while j < len(paras) and not heads[j] and not _section_heading(paras[j].text):
            j += 1
        # The number is often a line of its own, the sponsor and the description the next ones.
        opening = " ".join([paras[i].text[m.end() :], *(p.text for p in paras[i + 1 : min(j, i + 4)])])
        out.append((measure_title(opening), " ".join(m.group(1).split()), paras[i:j]))
        i = j
    if loose:
        out.append(("", "", loose))
    return out


def _section_heading(text: str) -> bool:
    """A heading in capitals of two words or more, alone or run into its section's first lines,
    that ends the measure before it (the calendar, the adjournment, the next body's record)."""
    if _CAPS_LEAD.match(text):
        return True
    return _all_caps(text) and len(text.split()) >= 2 and not _SENTENCE_END.search(text)


def measure_title(rest: str) -> str:
    """What a measure is, from the text after its number: the first sentence that is not its
    sponsor ("By Council Member Kelley."), its first :data:`MEASURE_TITLE_WORDS` words; "" when
    there is none."""
    rest = re.sub(r"^[\s.:;,–—-]+", "", rest)
    for s, e in sentence_spans(rest) if rest else []:
        sentence = rest[s:e].strip()
        if _SPONSOR_SENTENCE.match(sentence) or not _LETTER.search(sentence):
            continue
        words = sentence.split()
        if len(words) > MEASURE_TITLE_WORDS:
            return " ".join(words[:MEASURE_TITLE_WORDS]) + " …"
        return sentence.rstrip(".")
    return ""
