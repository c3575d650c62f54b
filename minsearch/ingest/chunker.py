"""Cutting a Document into agenda items and paragraph Chunks.

A chunk is one paragraph: a block of text between blank (or whitespace-only, often
non-breaking-space) lines, a bullet, or a numbered resolution. Headings ("Agenda item",
"Minutes:", "Resolved:", "Supporting documents:") are not chunks; they become metadata:
the agenda item ``title`` and the ``section`` of each paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from ..model import Chunk, Document
from .decisions import MOTION_START, is_decision
from .fingerprint import words_of
from .kinds import classify, classify_rows, split_procedure_lines
from .paragraphs import BULLET, WS, Para, fold_forms, number_shape
from .structure import rebuild_paragraphs, split_measures, split_numbered_items

# Bump when chunking changes what a document becomes: the indexer then re-chunks every document.
# 3: paragraphs have a kind (substance / procedure / heading); motion blocks are split into
#    mover lines, motion text and vote tally; paragraphs without a word are dropped.
# 4: reference numbers on their own ("Ord. No. 1444-16.") are substance, not headings.
# 5: chunks carry the source's own numbers (item_ref "minute 299" / "item 2.5", para_ref "4") and
#    the PDF page they start on; London Ontario sub-items are numbered "2.5", not counted.
# 6: more decisions are in the "resolved" section: "Motion made by", "That, on the recommendation
#    of ...", "... BE APPROVED", "it was agreed that", "on the proposal of X, seconded by Y".
# 7: each document's record keeps the acronyms it defines (minsearch.ingest.acronyms), so every
#    document is read again once.
# 8: acronyms matched by their initials first ("County Councils Network (CCN)", not "Councils
#    Network"), and ending at a word that starts with their last letter.
# 9: a one-word paragraph is a heading ("Services.", a wrapped line's tail), and "X and Y were in
#    attendance for this item." is attendance.
# 10: attendance lists with roles in brackets ("IN ATTENDANCE: Kevin Kasaven (Director of ...)",
#    "Apologies: Clerical Officer (Ms. H O'Neill)") or after the body's name ("Finance Committee:
#    Present: Kelley, Chair; ...") are procedure (14 paragraphs over the five minutes corpora).
# 11: index and contents entries (words, then dot leaders to a page number) are headings.
# 12: short title-case labels on a line of their own are headings (kinds._title_label).
# 13: ligatures and full-width forms are folded to plain letters (paragraphs.fold_forms).
# 14: a reference number on a line of its own ("Ord. No. 29-17.", "Resolution No. 514-16.") is
#    joined to the paragraph it numbers, with a sponsor line between them ("By Council Member X.").
# 15: bare numbers are agenda items only when their items are of an agenda item's length
#    (structure.MAX_ITEM_PARAGRAPHS), and a number alone ("6", "5. 6.") titles no item: the City
#    Record's numbered conditions and page numbers titled hundreds of paragraphs each.
# 16: a table or list printed one cell per line is one paragraph (_join_cells), and a label on its
#    own line ("Proposed:") is joined to the value under it ("Councillor Ryan (E)"); a numbered
#    heading run into its title ("20.Question submitted by ...") heads an agenda item.
# 17: a numbered heading run into a remark in brackets and the item's first lines ("14. Notice of
#    Motion submitted by Councillor X (to be referred to ...) I will move ...") heads an item, and a
#    gap of two unread item numbers does not split the agenda (Limerick: 96 meetings, +280 items).
# 18: a journal that numbers its measures, not its agenda ("Ord. No. 129-17. By Council Member X.
#    An emergency ordinance ..."), has each measure as an item, titled by its description and cited
#    by its number (structure.split_measures); what was done with a measure ("Referred to Committee
#    on Finance.", "Adopted February 27, 2017.") and "Those voting nay: ..." are procedure.
# 19: a procedural line that ends with a member's title keeps the name on the next line ("Those
#    voting nay: Council Member" / "Polensek.": Cleveland 102 paragraphs, Limerick 90, Kent 2).
# 20: a clause a meeting prints in the same words under 3+ items (an emergency clause, "the Mayor
#    and the City Clerk BE AUTHORIZED to execute ...") is procedure (_formulas_are_procedure).
# 21: a disposition's bodies must be capitalised names ("Referred to the matter of ..." is a
#    sentence; the pattern had ignored case there): 2 Cleveland paragraphs, no other corpus.
# 22: a clock time alone ("9:30 A.M.") is a heading; two names after a title for several people
#    ("Messrs. Gallagher, Saab.", "Councillors Keller, Prendiville.") are procedure: Cleveland 135
#    of 110k paragraphs, Limerick 12 in 150 meetings, London Ontario 1, Kent none.
# 23: a date (and time) alone ("Tuesday March 7, 2017 9:30 a.m.") is a heading; "Authorized
#    Absence:" / "Excused absences:" / "Leave of absence:" label attendance.
# 24: a note on the order of business ("This item was taken after Item 16 and before Item 13.",
#    "It was noted that this item had been deferred from the September Meeting.") is procedure.
# 25: counts of a vote without names ("Against (0) Abstain (9)", "Abstain (0)", "For: 10 Against:
#    0") are procedure; a tally's label and count stay with the names on the next line.
# 26: a list of people with their roles and no label or verb ("Chief Executive (Mr. C. Murray),
#    Meetings Administrator (Mr. E. Griffin), ...", "Robin Cahill, Senior Commissioner, ... and
#    Brian Horton, Chair Kent Housing Group") is procedure: Cleveland 350 paragraphs, Limerick
#    ~150, Kent 3, London Ontario 1.
# 27: a motion's lead-in of procedure words only ("Motion to amend part b) to read as follows:",
#    "Item 9, clause 5.1, as amended, reads as follows:") is procedure: London Ontario 200
#    paragraphs become 150 (123 procedure), Limerick 11 become 7.
# 28: an attendance list the PDF wrapped ("PRESENT: ..., David Brazier," / "Lesley Game, ...") is
#    one procedure paragraph, not a list of names as substance; the preamble's title is the
#    capitalised header that opens the minutes, never an attendance line.
# 29: a resolution headed with the minute's bracketed number ("(27) RESOLVED that:", "(4) RESOLVED
#    that pursuant to ...") is a decision, as "27. RESOLVED that" was.
# 30: a declaration of interest the PDF cut mid-sentence goes on into the next line ("... declared
#    an interest ... that he was a" / "Member of Swale Borough Council."); the points of a numbered
#    paragraph are cited under it ("26(2)", not "2", which is another paragraph).
# 31: a numbered paragraph's lettered and roman points are cited under it ("7(a)", "7(b)" and the
#    lines under each, "1(iii)"), not all as "7".
# 32: one or two people alone, a person and their post, a measure's sponsor, a recusal, a
#    signature's blanks, a vote's label alone and a wrapped roll's lone surname are procedure
#    ("Patricia J. Britt City Clerk, Clerk of Council", "By Council Member Zone.", "Recuse: C.
#    Rahman", "Mr B Lewis, Mr D Ross", "Dated: ____", "In Favour", "Maschke. Nays: None."): as
#    substance they led first pages by meaning ("By Council Member Zone." for a question about
#    council); Limerick 1,579 paragraphs (of 88,627), Cleveland 60 of 10,574, London Ontario 20
#    (its tallies' "Recuse:" lines: a resolution and its vote are now apart), Kent 2, seeds none.
# 33: numbered headings run into their first lines ("22. Notice of Motion submitted by Councillor
#    C. McMahon I will move ...", "2.UPDATE FROM CHIEF SUPERINTENDENT The Chief ...", "1. RESULT OF
#    THE LOCAL ELECTIONS ...: The Meetings Administrator ...") or ending in a colon head items; a
#    gap of 4-10 numbers joins two runs of items; a journal's measures win over a numbered list
#    with fewer items. Limerick 7,857 -> 9,284 items (9,863 paragraphs cited under another
#    item's number and title before; meetings with no item number 419 -> 391); 5 City Records
#    now itemised by their measures, not a board's bylaws, an exam's list of documents or a
#    zoning appeal's conditions; Kent, London Ontario and the seeds unchanged.
# 34: a vote's counts printed one under another keep the names under the last ("Against (0)" /
#    "Abstain (11)" / "Mr Chittenden, Mrs Dean MBE, ..." is one vote line; the names were a
#    paragraph of their own, which no question about the vote found): 4 of Kent's votes, in 3
#    meetings; no other corpus changed. (A vote printed count by count as one paragraph was
#    measured and not taken: benchmarks/RESULTS.md.)
# 35: a vote's announcement in pointers and meeting words only ("Following the debate, the Chairman
#    put to the vote the amendment set out in paragraph 7 above and the voting was as follows:",
#    "As all Members were not in agreement, a Vote was taken which resulted as follows:") is
#    procedure: Kent 27, Limerick 47 paragraphs; so is "The Mayor declared the amended Motion
#    defeated." (3, Limerick). No paragraph's bounds change, no other corpus.
# 36: a title-case label keeps its kind with the year or years it covers ("Kent Pay Scheme
#    2025-26", "(b) Proposed Askeaton Local Area Plan 2015-2021", "Year of Culture 2014"): heading.
#    Limerick 401 paragraphs, Kent 6; Cleveland's and Limerick's table headers with years join
#    as one heading row.
# 37: a roll call's last names the PDF wrapped onto a line of their own, with its count ("Teefy,
#    Wade. (9)"), are procedure: 38 of Limerick's paragraphs (4 were shown as the motion of the
#    vote after them); no other corpus.
# 38: a docket or other code with its label alone ("Docket A-210-16.") is joined to the paragraph
#    it numbers, as "Ord. No. 29-17." is: 46 of the City Record's paragraphs (12 issues), no other
#    corpus.
# 39: a motion suspending the rules for final passage ("Motion to suspend rules, Charter, and
#    statutory provisions and place on final adoption.") and "On motions, the following
#    resolutions were adopted, except as may be otherwise noted." are procedure: Cleveland 55
#    paragraphs (12 issues), Limerick 4 ("... be placed on the Agenda for the next Meeting."); no
#    other corpus.
CHUNKER_VERSION = 39

_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)
# A paragraph the source numbers itself: "4) The Leader said", "12. The Committee noted".
_PARA_NUMBER = re.compile(r"^[\s\u00a0]*\(?(\d{1,3})[.)]\)?[\s\u00a0]+\S")
# A lettered or roman point of a numbered paragraph: "(a) ...", "b) ...", "(iii) ..." (then a space).
_LETTER_POINT = re.compile(r"^[\s\u00a0]*(?:\(([a-z]|[ivx]{2,5})\)|([a-z]|[ivx]{2,5})\))[\s\u00a0]+\S", re.I)
_LETTERED = re.compile(r"\((?:[a-z]|[ivx]{2,5})\)$", re.I)  # a reference's point, replaced by the next one
# A paragraph that only numbers what follows: a reference number ("Ord. No. 29-17.", "Resolution
# No. 514-16.", "R.PS. Reg. No. 1693.", "Amendment No. 2"), at most a few words before it (a page
# header's date run into it). The identifier holds a digit: "No." alone is an answer, not a label.
_REFERENCE_LABEL = re.compile(r"(?:^|\s)(?:No|Nos|Number|#)\.?\s*[A-Z]{0,4}[-./]?\d[\w./-]*\.?$", re.I)
# ... or a word or two naming what is numbered, then a code of capitals and numbers ("Docket
# A-210-16.", "Application P-1234"): a board's appeals, each headed by its docket (46 of the
# City Record's first 12 issues, none in Kent, Limerick, London Ontario or the seeds).
_CODE_LABEL = re.compile(r"^(?:[A-Z][a-z]+\.?\s+){1,2}[A-Z]{1,4}-\d+(?:[-/]\d+)*\.?$")
# A sponsor line between the number and the text: "By Council Member Kelley.", "By Director Dumas."
_SPONSOR = re.compile(r"^By\s+[A-Z]")
_NUMBERED = re.compile(r"^[\s\u00a0]*(?:\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])[\s\u00a0]+\S")

# Heading lines, matched on the whole (normalised) paragraph.
_AGENDA_ITEM = re.compile(r"^(?:.*\s[-–]\s)?agenda item$", re.I)
_MINUTES = re.compile(r"^minutes\s*:?$", re.I)
# (A minute's own number may come first, bracketed as ModernGov prints it: "(27) RESOLVED that:";
# Kent's budget resolution had been read as discussion, and left out of the decisions timeline.)
_MINUTE_NO = r"(?:\(?\d+[.)]?\s+)?"
_RESOLVED = re.compile(
    rf"^{_MINUTE_NO}(?:it\s+was\s+)?resolved\s*(?:[:–—-]\s*)?$|^{_MINUTE_NO}(?:and\s+)?resolved\s+(?:that|unanimously)\s*:?$",
    re.I,
)
_SUPPORTING = re.compile(r"^supporting\s+documents?\s*:?", re.I)
_CONTACTS = re.compile(r"^contacts?\s*:$", re.I)
_RESOLVED_INLINE = re.compile(rf"^{_MINUTE_NO}(?:and\s+)?(?:it\s+was\s+)?resolved\b\s*[:–—-]?\s*", re.I)
_RESOLUTION_THAT = re.compile(
    rf"^{_MINUTE_NO}That(?:,\s+\w|\s+(?:the|a|an|all|this|these|councillors?|members?|officers?|[A-Z]))"
)


def paragraphs(text: str) -> list[Para]:
    """Paragraph spans: blank-line blocks, further split at bullet and numbered lines."""
    out: list[Para] = []
    block: list[tuple[int, int]] = []  # line spans of the current block

    def flush() -> None:
        if not block:
            return
        cur_start = block[0][0]
        cur_end = block[0][1]
        for s, e in block[1:]:
            line = text[s:e]
            if BULLET.match(line) or _NUMBERED.match(line):
                out.append(Para(cur_start, cur_end, text[cur_start:cur_end]))
                cur_start = s
            cur_end = e
        out.append(Para(cur_start, cur_end, text[cur_start:cur_end]))
        block.clear()

    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        body = line.rstrip("\r\n")
        if not WS.sub("", body):
            flush()
        else:
            block.append((start, start + len(body)))
    flush()
    return [p for p in out if p.text]


@dataclass
class _Item:
    title: str
    paras: list[Para]
    has_minutes_heading: bool
    ref: str = ""  # the source's number for the item ("minute 299", "item 2.5"); "" when it has none


def _split_seed_items(paras: list[Para], default_title: str) -> list[_Item]:
    """ModernGov agenda-item pages: "Agenda item" then the title line, repeated per item."""
    items: list[_Item] = []
    i = 0
    current: Optional[_Item] = None
    while i < len(paras):
        t = paras[i].text
        if _AGENDA_ITEM.match(t):
            # "Agendas, Meetings and Minutes - Agenda item" is the page title: same marker.
            j = i + 1
            while j < len(paras) and _AGENDA_ITEM.match(paras[j].text):
                j += 1
            title = paras[j].text if j < len(paras) else default_title
            current = _Item(title=title, paras=[], has_minutes_heading=False)
            items.append(current)
            i = j + 1
            continue
        if current is None:
            current = _Item(title=default_title, paras=[], has_minutes_heading=False)
            items.append(current)
        current.paras.append(paras[i])
        if _MINUTES.match(t):
            current.has_minutes_heading = True
        i += 1
    return items


def _numbered_items(text: str, paras: list[Para], default_title: str) -> Optional[list[_Item]]:
    """Numbered agenda items of real minutes (``1.``, ``(Item 5)``, ``Minute No. 12/2024``), or
    else the numbered measures of a council journal (``Ord. No. 129-17.``).

    Found by :mod:`minsearch.ingest.structure`; None means "no numbering found".
    """
    spans = split_numbered_items(text, paras)
    measures = split_measures(paras)
    # A journal's measures hold numbered lists of their own (a board's bylaws 1-12, an exam's job
    # titles 2-19 in the City Record of 28 November 2018, which took the place of its 112
    # measures): the numbering with more items is the document's.
    if measures and (not spans or len(measures) > len(spans)):
        spans = measures
    if not spans:
        return None
    return [
        _Item(title=title or default_title, paras=ps, has_minutes_heading=False, ref=ref) for title, ref, ps in spans
    ]


def chunk_document(doc: Document) -> list[Chunk]:
    """Chunks for every paragraph of ``doc``, with agenda item title and section as metadata."""
    paras = _document_paragraphs(doc)
    default_title = doc.title or _first_line_title(paras) or doc.doc_id
    if any(_AGENDA_ITEM.match(p.text) for p in paras[:5]):
        items = _split_seed_items(paras, default_title)
    else:
        items = _numbered_items(doc.text, paras, default_title) or [_Item(default_title, paras, False)]
    chunks: list[Chunk] = []
    number = 0
    for item_no, item in enumerate(items, start=1):
        # (A title can come from the source's metadata, not the text: folded as paragraphs are.)
        item.title = fold_forms(item.title)
        _number_paragraphs(item.paras)
        item.paras = _attach_labels([part for para in item.paras for part in _split_motion(doc.text, para)])
        item.paras = _join_cells(_join_values(item.paras), item.title)
        for section, para in _sections(item):
            text = para.text
            if not _HAS_WORD.search(text):
                continue  # ".", "—": no word to search or show (PDF column debris)
            number += 1
            if section in ("documents", "contacts"):
                kind = "procedure"
            else:
                kind = para.kind or classify(text, item.title)
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.doc_id}#p{number}",
                    doc_id=doc.doc_id,
                    source=doc.source,
                    title=item.title,
                    section=section,
                    paragraph=number,
                    start=para.start,
                    end=para.end,
                    text=text,
                    item=item_no,
                    council=doc.council,
                    committee=doc.committee,
                    date=doc.date,
                    url=doc.url,
                    kind=kind,
                    item_ref=item.ref,
                    para_ref=para.ref,
                    page=para.page,
                )
            )
    _formulas_are_procedure(chunks)
    return chunks


# A clause printed under FORMULA_ITEMS or more items of one meeting, in the same words (its own
# number aside), is the meeting's machinery, not what any one item is about: "Section 3. That this
# ordinance is declared to be an emergency measure and, provided it receives the affirmative vote
# of two-thirds ...", "the Mayor and the City Clerk BE AUTHORIZED to execute any contract ...",
# "It was agreed to refer this notice of motion to the ... Strategic Policy Committee".
FORMULA_ITEMS = 3
FORMULA_WORDS = 8  # shorter repeats ("Received.", "Carried.") are for the kinds to judge
_CLAUSE_NUMBER = re.compile(
    r"^\s*(?:section\s+\d+[a-z]?\.?|\(?\d{1,3}[a-z]?[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])\s*", re.I
)


def _formulas_are_procedure(chunks: list[Chunk]) -> None:
    """Mark as procedure the formulas a meeting repeats under many items (see FORMULA_ITEMS)."""
    items: dict[str, set[int]] = {}
    keys = []
    for c in chunks:
        words = words_of(_CLAUSE_NUMBER.sub("", c.text))  # as the repeats are compared
        key = " ".join(words) if len(words) >= FORMULA_WORDS else ""
        keys.append(key)
        if key:
            items.setdefault(key, set()).add(c.item)
    for c, key in zip(chunks, keys):
        if key and len(items[key]) >= FORMULA_ITEMS and c.kind == "substance":
            c.kind = "procedure"


def _number_paragraphs(paras: list[Para]) -> None:
    """Set each paragraph's own number in the source (``Para.ref``).

    Where an item numbers its paragraphs from its first ("1) Mr Murphy proposed ...", as ModernGov
    printed minutes do), the unnumbered paragraphs after a numbered one (the quoted motion, its
    "(i)", "(ii)" points) are part of it and carry its number; elsewhere a number on a paragraph is
    its own only (a numbered list in the middle of an item numbers nothing around it).
    """
    refs = [m.group(1) if (m := _PARA_NUMBER.match(p.raw)) else "" for p in paras]
    numbered = bool(refs) and refs[0] == "1"
    # Points are told from paragraphs where the item numbers its paragraphs from the first (or the
    # second, after an attendance line: Kent's Cabinet).
    first = next((i for i, r in enumerate(refs) if r), len(refs))
    if first <= 1 and first < len(refs) and refs[first] == "1":
        refs = refs[:first] + _sub_points(refs[first:], [_number_shape(p.raw) for p in paras[first:]])
    last = ""
    for p, ref in zip(paras, refs):
        letter = _LETTER_POINT.match(p.raw) if numbered and not ref and last else None
        if letter is not None:
            # "(a) In Mrs Bell's absence ...", "(b) ... the following:" and its lines under "7.":
            # "7(a)", "7(b)" (cited "para 7", twenty paragraphs of Kent's Cabinet shared one
            # citation); a motion's "(i)", "(ii)", "(iii)" under "1)": "1(i)" ... ("(i)" after "(h)"
            # is a letter, and reads the same).
            ref = f"{_LETTERED.sub('', last)}({(letter.group(1) or letter.group(2)).lower()})"
        last = ref or (last if numbered else "")
        p.ref = last


def _number_shape(raw: str) -> str:
    """How a paragraph's number is written: "(x)", "x)" or "x." ("" for none)."""
    m = _PARA_NUMBER.match(raw)
    return number_shape(raw, m.group(1)) if m else ""


def _sub_points(refs: list[str], shapes: list[str]) -> list[str]:
    """An item's paragraph numbers with the points of a paragraph cited under it: Kent's "26)
    RESOLVED that the County Council:" then "(1) Endorses ...", "(2) ...", or Cabinet's "7.
    RESOLVED that Cabinet:" then "1. Agree ...": "26(1)", "7(1)". (Cited "para 2", "(2) Endorses
    ..." sent a reader to paragraph "2) Mr Gough said ...".) A point is a number written otherwise
    than the item's own ("(1)" among "1)", "2)") or one that starts again below the last
    ("1." after "7.")."""
    own = shapes[0]
    top = 0
    out = []
    for ref, shape in zip(refs, shapes):
        if not ref:
            out.append("")
            continue
        n = int(ref)
        if top and (shape != own or n <= top):
            out.append(f"{top}({n})")
        else:
            top = n
            out.append(ref)
    return out


def _split_motion(text: str, para: Para) -> list[Para]:
    """A motion block as its mover lines, its motion text and its vote tally (see
    :func:`~.kinds.split_procedure_lines`); other paragraphs unchanged."""
    parts = split_procedure_lines(para.raw)
    if len(parts) == 1:
        para.kind = parts[0][2]
        return [para]
    lines = para.raw.split("\n")
    out: list[Para] = []
    pos = para.start
    for first, stop, kind in parts:
        raw = "\n".join(lines[first:stop])
        # Offsets: where the part's first and last lines are in the document (a rebuilt PDF
        # paragraph's lines are cleaned copies, so fall back to the paragraph's own span).
        head, tail = lines[first].strip()[:40], lines[stop - 1].strip()[-40:]
        s = text.find(head, pos, para.end) if head else -1
        e = text.find(tail, max(s, pos), para.end) if tail and s >= 0 else -1
        start = s if s >= 0 else para.start
        end = e + len(tail) if e >= 0 else para.end
        out.append(Para(start, max(end, start + 1), raw, kind, page=para.page, ref=para.ref))
        pos = max(pos, start)
    return out


def _is_reference_label(text: str) -> bool:
    """A paragraph that is only a reference number (and maybe a date before it), nothing to read."""
    return len(text.split()) <= 8 and bool(_REFERENCE_LABEL.search(text) or _CODE_LABEL.match(text))


def _attach_labels(paras: list[Para]) -> list[Para]:
    """Each reference number on its own joined to the paragraph it numbers.

    Council journals print a measure as its number, its sponsor and its text on separate lines
    ("Ord. No. 29-17." / "By Council Member Kelley." / "An emergency ordinance ... (VAPAC) ...").
    Alone, the number was a hit that said nothing and the text a hit without its number: a search
    for the number could not show what the measure is, nor one for its subject which measure it
    is. 5,827 of 124,183 paragraphs of Cleveland's City Record (200 issues), 9 of Limerick's
    26,956 (300 meetings), none of Kent's, London Ontario's or the seeds'. A heading after the
    number (a running header, "CITY COUNCIL") is not what it numbers: the number stays alone.
    """
    out: list[Para] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        if not _is_reference_label(para.text) or i + 1 >= len(paras):
            out.append(para)
            i += 1
            continue
        group = [para]
        j = i + 1
        if _SPONSOR.match(paras[j].text) and len(paras[j].text.split()) <= 15 and j + 1 < len(paras):
            group.append(paras[j])  # the sponsor line, then the text it sponsors
            j += 1
        body = paras[j]
        if (body.kind or classify(body.text)) == "heading" or _is_reference_label(body.text):
            out.append(para)
            i += 1
            continue
        group.append(body)
        raw = "\n".join(p.raw for p in group)
        out.append(Para(para.start, body.end, raw, body.kind, page=para.page, ref=para.ref or body.ref))
        i = j + 1
    return out


# A cell of a table or list printed one per line: at most this many words ("D05", "10,000",
# "Local Roads", "Ms. C. Curley, Director of Service"). Joined when at least CELL_RUN stand
# together, at most MAX_CELLS to a paragraph. Measured on the chunks of the five judged minutes
# corpora (runs of 3+ paragraphs of at most 6 words under one item): 10,292 of Limerick's 96,820
# paragraphs, 1,404 of Cleveland's 11,098, 15 of London Ontario's, 6 of Kent's, none of the seeds'.
CELL_WORDS = 6
CELL_RUN = 3
MAX_CELLS = 40
_WORD3 = re.compile(r"[^\W\d_]{3}")
# Headings that say which section of an item follows (_sections reads them): never joined.
_SECTION_MARKS = (_MINUTES, _RESOLVED, _SUPPORTING, _CONTACTS)
# A label on a line of its own, its value on the next: "Proposed:" / "Councillor Ryan (E)".
_LABEL_WORDS = 3


def _cell(para: Para) -> bool:
    """Could this paragraph be one cell of a table printed a cell per line? Short, not a label
    (a label introduces what follows), not a numbered or bulleted point (the points of a
    resolution are read one by one), not a heading the item's sections are told by."""
    t = para.text
    return (
        len(t.split()) <= CELL_WORDS
        and not t.endswith(":")
        # "Agreed.", "Carried": what was done, not a cell; a person may be one ("Councillor Ryan (E)")
        and classify(t, people_lists=False) != "procedure"
        and not (_NUMBERED.match(para.raw) or BULLET.match(para.raw))
        and not any(h.match(t) for h in (*_SECTION_MARKS, _AGENDA_ITEM))
        and not _is_reference_label(t)
    )


def _joined(group: list[Para], kind: Optional[str]) -> Para:
    first, last = group[0], group[-1]
    raw = "\n".join(p.raw for p in group)
    return Para(first.start, last.end, raw, kind, page=first.page, ref=first.ref or last.ref)


def _join_values(paras: list[Para]) -> list[Para]:
    """A label on its own line joined to the value under it: "Proposed:" / "Councillor Ryan (E)"
    is one mover line (alone, the name was a paragraph of substance that said nothing)."""
    out: list[Para] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        t = para.text
        if (
            nxt is not None
            and t.endswith(":")
            and len(t.split()) <= _LABEL_WORDS
            and not any(h.match(t) for h in _SECTION_MARKS)
            and _cell(nxt)
        ):
            pair = _joined([para, nxt], None)
            # (Its kind is settled here: a labelled value is not a cell of the table around it.)
            pair.kind = classify(pair.text)
            out.append(pair)
            i += 2
            continue
        out.append(para)
        i += 1
    return out


def _join_cells(paras: list[Para], title: str) -> list[Para]:
    """Each run of table cells (:func:`_cell`, at least :data:`CELL_RUN` in a row) as one paragraph.

    PDF minutes print a table one cell per line: a budget ("Svc" / "B04" / "Local Roads" /
    "130,000" / "D05" ...), a list of officers present, the years and costs of a reply. Cell by
    cell, each was a paragraph that meant only its item's title: "budget" on Limerick listed
    "10,000", "100,000", "327,600", "77,600", "130,000" and "D05" of one meeting's budget table as
    six of its first nine results. As one paragraph the table is one result, found by any of its
    words and read for meaning as a whole."""
    out: list[Para] = []
    i = 0
    while i < len(paras):
        j = i
        while j < len(paras) and j - i < MAX_CELLS and paras[j].kind is None and _cell(paras[j]):
            j += 1
        if j - i >= CELL_RUN:
            group = paras[i:j]
            texts = [p.text for p in group]
            kind = classify_rows(texts, title)
            # A table's shape: a figure or code standing alone ("130,000", "D05"), a header of labels,
            # a list of people. Short rows that each say something ("Roads £1.2m" of an HTML table,
            # "Lack of lighting.") are read one by one, as before.
            if kind != "substance" or any(not _WORD3.search(t) for t in texts):
                out.append(_joined(group, kind))
            else:
                out.extend(group)
            i = j
        else:
            out.append(paras[i])
            i += 1
    return out


def _document_paragraphs(doc: Document) -> list[Para]:
    if doc.format == "pdf" or _looks_line_broken(doc.text):
        return rebuild_paragraphs(doc.text)
    return paragraphs(doc.text)


def _looks_line_broken(text: str) -> bool:
    """PDF extractions put every visual line in its own block; the seed format does not."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 12:
        return False
    short = sum(1 for ln in lines if len(ln) < 100 and not ln.rstrip().endswith((".", ":", ";")))
    # A sentence cut at the page width: a line without a closing mark, then one in lower case.
    cut = sum(
        1
        for a, b in zip(lines, lines[1:])
        if not a.rstrip().endswith((".", ":", ";", "?", "!", '"', "”")) and b.lstrip()[:1].islower()
    )
    if len(lines) >= 40:
        return short / len(lines) > 0.6 or (cut / len(lines) > 0.15 and sorted(map(len, lines))[len(lines) // 2] < 120)
    # Shorter texts: only the unmistakable PDF-to-Markdown shape (a page rule or page number
    # line, and most lines cut off mid-sentence).
    marker = re.search(r"(?m)^[ \t]*(?:-{3,}[ \t]*(?:\d{1,4})?|\d{1,4})[ \t]*$|\f", text)
    return bool(marker) and short / len(lines) > 0.5


def _first_line_title(paras: list[Para]) -> str:
    """The title of what comes before the first agenda item: a short paragraph among the first
    three that is not an attendance list, or the capitalised header line that opens the minutes
    ("CORPORATE PARENTING PANEL – 10th December 2024", whose paragraph runs on into "MINUTES of
    the meeting held in ...": "ALSO PRESENT: Sue Chandler, ..." had become the title)."""
    for n, p in enumerate(paras[:3]):
        head, _nl, rest = p.raw.strip().partition("\n")
        letters = [c for c in head if c.isalpha()]
        if n == 0 and rest and 3 <= len(head.strip()) <= 120 and sum(c.isupper() for c in letters) > 0.6 * len(letters):
            return " ".join(head.split())
        t = p.text
        if 3 <= len(t) <= 120 and not _AGENDA_ITEM.match(t) and classify(t) != "procedure":
            return t
    return ""


def _sections(item: _Item) -> Iterator[tuple[str, Para]]:
    """(section, paragraph) for the content paragraphs of one item; headings are consumed."""
    section = "description" if item.has_minutes_heading else "minutes"
    first = True
    resolving_list = False
    # An item with a "Resolved:" heading marks its decisions itself: "it was agreed that" in its
    # discussion is an action noted on the way, not the decision.
    headed = any(_RESOLVED.match(p.text) for p in item.paras)
    for para in item.paras:
        t = para.text
        if _MINUTES.match(t):
            section = "minutes"
            continue
        if _RESOLVED.match(t):
            section = "resolved"
            continue
        if _SUPPORTING.match(t):
            section = "documents"
            rest = _SUPPORTING.sub("", t).strip()
            if not rest:
                continue
        elif _CONTACTS.match(t):
            section = "contacts"
            continue
        if first and t.startswith("[") and t.endswith("]"):
            # The bracketed line under the title says what the item was for.
            yield "description", para
            if not item.has_minutes_heading:
                section = "minutes"
            first = False
            continue
        first = False
        if section == "minutes" and resolving_list and (_NUMBERED.match(para.raw) or BULLET.match(para.raw)):
            yield "resolved", para  # the (a), (b) ... points of "RESOLVED that Cabinet:"
            continue
        resolving_list = False
        if section == "minutes" and (
            _RESOLVED_INLINE.match(t)
            and len(t) > 12
            or _RESOLUTION_THAT.match(t)
            or MOTION_START.match(t)
            or (not headed and is_decision(t))
        ):
            resolving_list = t.endswith(":")
            yield "resolved", para
            continue
        yield section, para
