"""A search for a minute by its number: "minute 298", "item 2.5", or a citation pasted back.

Officers cite the minutes by the numbers the minutes print ("Kent County Council, County Council,
13 March 2025, minute 298, para 4": :mod:`minsearch.citation`), and come back with that citation
to read the paragraph again. Those numbers are not words of the paragraphs (the chunker takes
"298." off the heading as the item's number), so a keyword search for them found nothing and a
search by meaning found minutes about minutes. A query that is only such a number, or a whole
citation, is read here; the searcher then lists the paragraphs of the items numbered so
(:meth:`minsearch.store.base.StoreView.numbered`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Callable, Iterable, Optional

from ..citation import long_date
from ..model import Filters, Query, SearchResult
from ..ranking.rank import Ranked
from ..ranking.snippets import TermMatcher, snippet
from ..store.base import Facets, StoreView
from ..store.query import label_key
from .browse import admits
from .counts import count_paragraphs
from .page import result_page

# "minute 298", "Minute No. 45/21", "min. 298", "item 2.5", "agenda item 4.1.b" (the nouns the
# chunker gives item numbers: minsearch.ingest.chunker), the number as the source prints it.
_ITEM = re.compile(
    r"^(?:minutes?|min\.?|(?:agenda\s+)?item)\s*(?:no\.?\s*)?"
    r"(?P<n>\d{1,5}(?:/\d{2,4}|(?:\.\d{1,3}){0,3}(?:\.?[a-z])?))$",
    re.I,
)
_PARA = re.compile(r"^para(?:graph)?\.?\s*(?P<p>\d{1,3}[a-z]?(?:\((?:\d{1,3}|[a-z]|[ivx]{2,5})\))*)$", re.I)
_PAGE = re.compile(r"^page\s*(?P<n>\d{1,5})$", re.I)
# What a citation is copied with: the CLI's "cite:" and the page's "Cite as:" labels.
_LABEL = re.compile(r"^(?:cite(?:\s+as)?|citation)\s*:\s*", re.I)
# "minute 298 para 4": a paragraph's or a page's number typed without the comma before it.
_RUN_ON = re.compile(r"\s+(?=(?:para(?:graph)?|page)\.?\s*\d)", re.I)
# A citation of a source that numbers nothing names the item by its title: item “Performance
# Monitoring” (minsearch.citation), straight quotes when retyped.
_TITLED = re.compile(r"(?:^|,)\s*item\s+[“\"](?P<t>[^”\"]{1,300})[”\"]\s*(?=,|$)", re.I)
NOUNS = ("minute", "item")  # a minute's number is searched under either noun: users say "minute 4.1"
MAX_PARTS = 8  # a citation has at most council, committee, date, item, para, page (and a link)


@dataclass(frozen=True)
class Reference:
    """What a query names by number: the item (``number``, "298"), maybe its paragraph
    (``para``, "4", "26(2)") and page, and the council, committee and date of a pasted citation."""

    number: str  # "" when the citation names the item by its title (a source that numbers none)
    para: str = ""
    page: int = 0  # the PDF page, 0 when not given
    council: Optional[str] = None
    committee: Optional[str] = None
    day: Optional[str] = None  # ISO date of the meeting
    title: str = ""  # the item's title, where the citation names it so: item “Performance Monitoring”
    unread: tuple[str, ...] = ()  # parts of a citation naming no council or committee of the index

    @property
    def where(self) -> str:
        """The citation's council, committee and date as the notice names them ("" if none)."""
        day = long_date(self.day) if self.day else ""
        return ", ".join(p for p in (self.council, self.committee, day) if p)

    @property
    def refs(self) -> list[str]:
        """The ``Chunk.item_ref`` values this number stands for ("minute 298", "item 298")."""
        return [f"{noun} {self.number}" for noun in NOUNS]

    def filters(self, f: Filters) -> Filters:
        """``f`` with what the citation names, where ``f`` does not say otherwise."""
        return replace(
            f,
            council=f.council or self.council,
            committee=f.committee or self.committee,
            since=f.since or self.day,
            until=f.until or self.day,
        )


@dataclass
class _Read:
    number: str = ""
    title: str = ""
    para: str = ""
    page: int = 0
    council: Optional[str] = None
    committee: Optional[str] = None
    day: Optional[str] = None
    dated: bool = False  # a date, or "undated": the shape of a citation, not of a search
    unread: list[str] = field(default_factory=list)


def read_reference(text: str, facets: Callable[[], Facets]) -> Optional[Reference]:
    """The :class:`Reference` ``text`` is, or None: it must be an item's number ("minute 298"),
    or a citation as minsearch writes it, comma-separated parts each of which is understood (the
    item's number, or its title in quotes where the source numbers none, "para 4", "page 12", the
    date, "undated", a link in brackets, and council and committee names of this index; a title
    needs one of the last three). Anything else ("minute 298 budget", "item 4, dental checks")
    is searched as words, except in a citation (a part is its date, or "undated"): there a name
    this index does not hold is left out and named in ``Reference.unread`` (a colleague's index
    may call the committee otherwise)."""
    cleaned = re.sub(r"\s*\(https?://[^\s()]*\)\s*$", "", " ".join(text.split()))  # Copy citation's link
    cleaned = _RUN_ON.sub(", ", _LABEL.sub("", cleaned))
    got = _Read()
    titled = _TITLED.search(cleaned)  # (taken out before the commas are read: a title may hold some)
    if titled is not None:
        got.title = " ".join(titled.group("t").split())
        cleaned = f"{cleaned[: titled.start()]}{cleaned[titled.end() :]}"
    parts = [p.strip() for p in cleaned.strip(" .").split(",") if p.strip()]
    if len(parts) > MAX_PARTS or not (got.title or parts):
        return None
    if not got.title and not any(_ITEM.match(p) for p in parts):  # (names are read only for a citation)
        return None
    names = facets() if len(parts) > 1 or got.title else Facets()
    for part in parts:
        if not _read_part(part, got, names):
            got.unread.append(part)
    if got.unread and not (got.dated and len(got.unread) <= 2):
        return None
    if got.title and (got.number or not (got.council or got.committee or got.day)):
        return None  # a title alone is words to search; with a number, two items
    if not (got.number or got.title):
        return None
    return Reference(got.number, got.para, got.page, got.council, got.committee, got.day, got.title, tuple(got.unread))


def _read_part(part: str, got: _Read, facets: Facets) -> bool:
    """Read one comma-separated part into ``got``; False when it is not a part of a citation."""
    item = _ITEM.match(part)
    if item and not got.number:
        got.number = item.group("n").lower()
        return True
    para = _PARA.match(part)
    if para and not got.para:
        got.para = para.group("p").lower()
        return True
    page = _PAGE.match(part)
    if page and not got.page:
        got.page = int(page.group("n"))
        return True
    if part.lower() == "undated":
        got.dated = True
        return True
    day = _day(part)
    if day is not None and got.day is None:
        got.day, got.dated = day, True
        return True
    return _read_name(part, got, facets)


def _read_name(part: str, got: _Read, facets: Facets) -> bool:
    """A council's or committee's name exactly as the index holds it (any case): a citation
    names them in full, and a looser match would read a word of a search as a committee."""
    council = _exact(part, facets.councils)
    if council is not None and got.council is None:
        got.council = council
        return True
    committee = _exact(part, facets.committees)
    if committee is not None and got.committee is None:
        got.committee = committee
        return True
    return False


def _exact(value: str, names: Iterable[str]) -> Optional[str]:
    """The name of ``names`` that ``value`` is, compared as the stores compare names (label_key)."""
    key = label_key(value)
    return next((n for n in names if label_key(n) == key), None)


def _day(part: str) -> Optional[str]:
    """An ISO date from "13 March 2025" (as citations print it) or "2025-03-13"; else None."""
    try:
        return datetime.strptime(part, "%d %B %Y").date().isoformat()
    except ValueError:
        pass
    try:
        return date.fromisoformat(part).isoformat()
    except ValueError:
        return None


# Paragraphs read for one number at most: "item 3" is every meeting's third item (Limerick: 3,000
# paragraphs); a citation's council, committee and date narrow it to one.
MAX_NUMBERED = 5000


def numbered_page(view: StoreView, q: Query, ref: Reference, counts: bool = False) -> SearchResult:
    """The paragraphs of the items ``ref`` numbers, under ``q.filters`` narrowed by the citation
    (:meth:`Reference.filters`), newest meeting first and each in the minutes' order; only those
    of the paragraph ``ref.para`` and page ``ref.page`` where the minutes have them. The page
    ``q`` asks for, each excerpt the paragraph's opening, and notices saying how they were found;
    with ``counts``, the paragraphs listed per council, committee and period (``result.counts``).

    ``result.query`` keeps the filters the user chose, not the citation's: the page would
    otherwise carry the citation's council and committee into the next search. A citation whose
    council, committee or date the number is not found under lists the number where the minutes
    print it, and says so."""
    notices: list[str] = []
    if not ref.number:
        ids = _titled(view, ref.title, ref.filters(q.filters))
    else:
        ids = view.numbered(ref.refs, ref.filters(q.filters), MAX_NUMBERED)
        if not ids and ref.where:
            ids = view.numbered(ref.refs, q.filters, MAX_NUMBERED)
            if ids:
                notices.append(f"Nothing numbered {ref.number} at {ref.where}: listed where the minutes print it.")
    ids, para, page = _narrowed(view, ids, ref)
    meta = view.chunk_meta(ids)
    place = {c: i for i, c in enumerate(ids)}
    # Newest meeting first, an undated one last (sorted stably: each meeting's paragraphs in order).
    by_meeting = sorted(ids, key=lambda c: (meta[c].doc_id if c in meta else "", place[c]))
    ordered = sorted(by_meeting, key=lambda c: meta[c].date if c in meta else "", reverse=True)
    result = result_page(view, q, [Ranked(c, 1.0) for c in ordered], [], notices, more=len(ids) >= MAX_NUMBERED)
    result.by_number = ref.number or f"“{ref.title}”"
    for h in result.hits:
        h.snippet = snippet(h.chunk.text, TermMatcher([]))
    if counts:
        per_doc = Counter(meta[c].doc_id for c in ids if c in meta)
        docs = view.documents()
        result.counts = count_paragraphs(replace(docs[d], chunks=n) for d, n in per_doc.items() if d in docs)
    if not ids and not ref.number:
        result.notices.append(f"No item titled “{ref.title}” at {ref.where}.")
        return result
    if not ids:
        narrowed = "" if q.filters.is_empty() else " (with these filters)"
        result.notices.append(f"No minute or item is numbered {ref.number} in these minutes{narrowed}.")
        return result
    printed = f"item “{ref.title}”"
    if ref.number:  # as the minutes print it: "item 2.5" in London Ontario's, "minute 298" in Kent's
        printed = result.hits[0].chunk.item_ref if result.hits else f"minute {ref.number}"
    at = f" ({ref.where})" if ref.where and not notices else ""
    how = "number" if ref.number else "citation"
    result.notices.insert(0, f"Found by its {how}: {printed}{para}{page}{at}.")
    if ref.unread:
        names = ", ".join(f"“{u}”" for u in ref.unread)
        result.notices.append(f"Not a council or committee of these minutes, so not used: {names}.")
    if (ref.para and not para) or (ref.page and not page):
        asked = ", ".join(
            x for x in (f"para {ref.para}" if ref.para else "", f"page {ref.page}" if ref.page else "") if x
        )
        result.notices.append(f"Nothing of {printed} is at {asked} as cited: all of it is listed.")
    return result


# Meetings read for a citation naming its item by title (its council, committee and date narrow
# them to one, or to the few meetings of an undated committee).
MAX_TITLED_MEETINGS = 200


def _titled(view: StoreView, title: str, f: Filters) -> list[str]:
    """The paragraphs of the items titled ``title`` (any case and spacing) in the meetings ``f``
    admits (its council, committee and dates; none when more than :data:`MAX_TITLED_MEETINGS`)."""
    meetings = [d.doc_id for d in view.documents().values() if admits(d, f)]
    if len(meetings) > MAX_TITLED_MEETINGS:
        return []
    wanted = " ".join(title.split()).casefold()
    return [
        c.chunk_id
        for doc in sorted(meetings)
        for c in view.document_chunks(doc)
        if " ".join(c.title.split()).casefold() == wanted
    ]


def _narrowed(view: StoreView, ids: list[str], ref: Reference) -> tuple[list[str], str, str]:
    """``ids`` narrowed to the cited paragraph and page where any of them is there (a paragraph
    cut by a page break is cited on both pages; several paragraphs after "7)" are "para 7"), and
    what narrowed them, as the notice says it (", para 4", ", page 8")."""
    if not ids or not (ref.para or ref.page):
        return ids, "", ""
    chunks = view.chunks(ids)
    para = page = ""
    if ref.para:
        held = [c for c in ids if c in chunks and chunks[c].para_ref.lower() == ref.para]
        ids, para = (held, f", para {ref.para}") if held else (ids, "")
    if ref.page:
        held = [c for c in ids if c in chunks and chunks[c].page == ref.page]
        ids, page = (held, f", page {ref.page}") if held else (ids, "")
    return ids, para, page
