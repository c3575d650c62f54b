"""What the search page shows, worked out without Flask: labels, counts, paging, the document view.

Everything here is a pure function of plain data (a :class:`~minsearch.model.SearchResult`, a list
of :class:`~minsearch.model.Chunk`), so it is unit-tested directly; the routes in
:mod:`minsearch.app.pages` and :mod:`minsearch.app.api` only read the request, call the Searcher
and hand these view models to the templates.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional
from urllib.parse import urlsplit

from ..citation import long_date, safe_url
from ..model import Chunk, Hit, MatchCounts, MinsearchError, SearchResult
from ..searching.validate import check_range, whole_number

if TYPE_CHECKING:  # (the timeline's module imports the ranker: `minsearch --help` must stay light)
    from ..searching.decisions import DecisionTimeline

PER_PAGE = 10
MAX_PAGE = 100  # deeper pages only ask the ranker for more candidates nobody reads
ALSO_SHOWN = 5  # places of a repeated paragraph listed under it; the rest are counted
MODE_LABELS = {
    "hybrid": ("Words and meaning", "recommended"),
    "keyword": ("Exact words", '"phrases", AND, OR, NOT'),
    "semantic": ("Meaning", "same idea, other words"),
}
SORT_LABELS = {"relevance": "Best match", "date": "Newest meeting first"}
# The "resolved" section holds motions and decisions by their shape, carried or not ("Moved by S.
# Trosow Seconded by A. Hopkins" and the amendment it put, which failed 3 to 11): labelled
# "Resolved" on the page, a failed amendment read as decided.
SECTION_LABELS = {"minutes": "Minutes", "resolved": "Motion or decision", "description": "Description"}
FILTER_KEYS = ("council", "committee", "since", "until")
UNAVAILABLE = (
    "The search index is not available right now: it is being rebuilt, or it is damaged. Please try again later."
)
GONE = "It may have been removed since the link was made."
# A doc id that is safe as /doc/<path>: segments of ordinary characters, none empty, "." or "..".
_PATH_ID = re.compile(r"[\w\-. ,'()&+~@]+(?:/[\w\-. ,'()&+~@]+)*")
SENTENCE_WORDS = 4  # a marked stretch longer than this is a sentence found by meaning, not a word


# -- words ------------------------------------------------------------------------------------------
def nice_date(iso: str) -> str:
    """``2021-03-04`` as ``4 March 2021`` (as citations write it); anything else as it is."""
    return long_date(iso)


def section_label(section: str) -> str:
    return SECTION_LABELS.get(section, section.replace("_", " ").capitalize())


# Of a motion shown with a vote or a line of movers on the results page and in the CLI (the page's
# evidence list, the JSON and the exports keep the whole motion: it is what is quoted).
MOTION_CHARS = 240


def shown_motion(text: Optional[str]) -> str:
    """The opening of a motion, as a result shows it."""
    from ..words import excerpt  # (minsearch.words loads Whoosh: `minsearch --help` must stay light)

    return excerpt(text, MOTION_CHARS) if text else ""


def plural(n: int, word: str, more: bool = False) -> str:
    """``1 matching paragraph``, ``1,234+ matching paragraphs``."""
    return f"{n:,}{'+' if more else ''} {word}{'' if n == 1 and not more else 's'}"


def count_text(result: SearchResult) -> str:
    """The results heading: how many paragraphs match."""
    if result.total or result.more:
        return plural(result.total, "matching paragraph", result.more)
    return "No confident matches"


def counts_note(counts: MatchCounts) -> str:
    """What the counts by council, committee and period are, when they are not simply shares of
    the total. Each is what choosing it lists, and a search narrowed to one committee sets its own
    bar for a match, so "homeless encampments" (41 matches on London Ontario) counts 35 in Council
    and 23 in the committee. When the views found more matches than were ranked (a total with
    "+"), each count is of the matches ranked, and choosing it may list more ("Cabinet 55" lists
    111 on Kent). "" when the committees, the years and the months add up to the total and no
    more were found."""
    if counts.more:
        return (
            f"Counted among the first {counts.total:,} matches: choosing one may list more,"
            f" and the counts need not add up to {counts.total:,}."
        )
    if any(
        values and sum(values.values()) != counts.total for values in (counts.committees, counts.years, counts.months)
    ):
        return f"Each count is what choosing it lists, so the counts need not add up to {counts.total:,}."
    return ""


def more_match_hint(total: int, counts: Optional[MatchCounts], form: dict[str, str]) -> str:
    """The last page of a search with more matches than were ranked ("189+"): what would list the
    others. A committee or a year is offered only when the matches ranked span more than one and
    none is chosen yet: all of a search's matches in 2025 were told to "choose a year"."""
    ways = ["add words"]
    if counts is not None and not form.get("committee") and len(counts.committees) > 1:
        ways.append("choose a committee")
    if counts is not None and len(counts.years) > 1:
        ways.append("choose a year" if not (form.get("since") or form.get("until")) else "narrow the dates")
    elif counts is not None and len(counts.months) > 1:
        ways.append("narrow the dates")
    said = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " or " + ways[-1]
    return f"These are the {total:,} best-matching paragraphs, and more match: {said} to see others."


def found_by(hit: Hit, closest: bool = False) -> str:
    """Which search found a hit, as the page says it."""
    if closest:
        return "nearest, not a match"
    if hit.context:
        return "part of the item that names it"
    if hit.keyword_rank and hit.semantic_rank:
        return "matched words and meaning"
    if hit.keyword_rank:
        return "matched words"
    return "matched meaning" if hit.semantic_rank else ""


def also_in(hit: Hit) -> tuple[list[tuple[Chunk, str]], int]:
    """The other places a repeated paragraph is printed, each with its label, and how many more
    there are beyond :data:`ALSO_SHOWN`."""
    c = hit.chunk
    shown = []
    for a in hit.also[:ALSO_SHOWN]:
        if a.doc_id == c.doc_id:
            where = "this meeting"
        else:
            where = a.committee or a.council or a.title or "another document"
            if a.date:
                where += f", {nice_date(a.date)}"
        own = own_place(a)
        shown.append((a, f"{where}, {own}" if own else where))
    return shown, max(0, len(hit.also) - ALSO_SHOWN)


def own_place(c: Chunk) -> str:
    """Where a paragraph is in the minutes' own numbers ("minute 308, para 3"; "" when the source
    numbers neither): minsearch's count of a document's paragraphs ("paragraph 58") beside the
    minutes' "para 2" read as a second numbering."""
    return ", ".join(x for x in (c.item_ref, f"para {c.para_ref}" if c.para_ref else "") if x)


def marks(hit: Hit) -> list[tuple[str, Optional[str]]]:
    """A hit's snippet as (text, mark) pieces: mark is None (plain), "" (a matched word) or
    "sentence" (the sentence that matched in meaning); empty when there is no snippet."""
    return [(t, ("sentence" if len(t.split()) > SENTENCE_WORDS else "") if m else None) for t, m in hit.snippet]


def as_sentence(message: str) -> str:
    """A one-line error as a sentence on a page: capital first, full stop last."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


# -- paging ---------------------------------------------------------------------------------------
def page_count(total: int, per_page: int = PER_PAGE) -> int:
    return max(1, math.ceil(total / per_page))


def page_links(page: int, pages: int) -> list[Optional[int]]:
    """Page links to show: first, last and the neighbourhood of the current page (None = gap);
    none when there is one page."""
    if pages <= 1:
        return []
    keep = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[Optional[int]] = []
    for n in keep:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def page_number(raw: Optional[str], *, strict: bool) -> int:
    """``page`` from the URL: 1..MAX_PAGE. The page quietly clamps; the API says what is wrong."""
    if not strict:
        try:
            n = whole_number(raw, "page", 1)
        except MinsearchError:
            return 1
        return min(max(n, 1), MAX_PAGE)
    return check_range(whole_number(raw, "page", 1), 1, MAX_PAGE, "page")


@dataclass
class Paging:
    """Where one page of results sits: its number, the page count, the links, its first rank."""

    page: int
    pages: int
    links: list[Optional[int]]
    first: int

    @classmethod
    def of(cls, page: int, total: int, per_page: int = PER_PAGE) -> "Paging":
        pages = page_count(total, per_page)
        return cls(page, pages, page_links(page, pages), (page - 1) * per_page + 1)


# -- the search form ---------------------------------------------------------------------------------
def options(values: dict, chosen: str) -> list[tuple[str, bool]]:
    """Select-list options from the index's facets; a value from the URL that is not one of
    them is kept (the Searcher matches it case-insensitively), so the form shows what was searched."""
    names = sorted(values, key=str.casefold)
    hit = next((n for n in names if n.casefold() == chosen.casefold()), None) if chosen else None
    if chosen and hit is None:
        names.append(chosen)
        hit = chosen
    return [(n, n == hit) for n in names]


def counted_options(
    values: dict, chosen: str, counts: Optional[dict[str, int]]
) -> list[tuple[str, bool, Optional[int]]]:
    """:func:`options` with the current query's matches under each name (None without a query;
    0 where none of its matches is)."""
    return [(n, sel, None if counts is None else counts.get(n, 0)) for n, sel in options(values, chosen)]


# -- links --------------------------------------------------------------------------------------------
def safe_link(url: str) -> Optional[str]:
    """``url`` if it is an http(s) link to somewhere, else None: a stored ``javascript:`` or
    ``data:`` URL (any case, with leading spaces or control characters) is never put in an href
    (the CSP blocks it in Chromium, but not every browser enforces CSP)."""
    return safe_url(url)


def id_fits_a_path(doc_id: str) -> bool:
    """Whether ``/doc/<doc_id>`` reaches the document: ordinary ids (``000_87bf...``,
    ``council/a/b``) do; ``/abs/path``, ``../../etc/passwd`` or ``a//b`` do not (browsers and
    Flask normalise them), and go in the query string instead."""
    parts = doc_id.split("/")
    return bool(_PATH_ID.fullmatch(doc_id)) and not any(p in (".", "..") or p != p.strip() for p in parts)


def back_to_results(referrer: Optional[str], host: str) -> Optional[str]:
    """The search a page was opened from (same site, search page only), for a "Back" link."""
    if not referrer:
        return None
    u = urlsplit(referrer)
    if u.netloc != host or u.path != "/" or not u.query:
        return None
    return "/?" + u.query


def int_or_none(raw: Optional[str]) -> Optional[int]:
    """An int from the URL; None if absent, blank or not a number."""
    try:
        return int(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


# -- the document view ----------------------------------------------------------------------------------
@dataclass
class DocumentView:
    """One agenda item of a document (or all of it), grouped for the page."""

    meta: Chunk  # the first paragraph shown: its council, committee, date, title, url
    title: str
    item: Optional[int]  # the agenda item shown; None: the whole document
    hit: Optional[int]  # the paragraph a search found, to mark
    hit_chunk: Optional[Chunk]
    # (item, title, [(section heading or None, paragraph)]) in order
    groups: list[tuple[int, str, list[tuple[Optional[str], Chunk]]]] = field(default_factory=list)
    other_items: list[tuple[int, str]] = field(default_factory=list)  # the meeting's other items
    # item -> the source's own number for it ("minute 298", "item 2.5"), where it has one
    refs: dict[int, str] = field(default_factory=dict)


def document_view(doc_id: str, chunks: list[Chunk], hit: Optional[int], item: Optional[int]) -> DocumentView:
    """The agenda item holding paragraph ``hit`` (else item ``item``; else the whole document, or its
    only item), with a heading wherever the section changes."""
    hit_chunk = next((c for c in chunks if c.paragraph == hit), None)
    if hit_chunk is not None:
        item = hit_chunk.item
    items = sorted({c.item for c in chunks})
    if item not in items:
        item = items[0] if len(items) == 1 else None
    shown = [c for c in chunks if item is None or c.item == item]
    groups: list[tuple[int, str, list[tuple[Optional[str], Chunk]]]] = []
    last_section: Optional[str] = None
    for c in shown:
        if not groups or groups[-1][0] != c.item:
            groups.append((c.item, c.title, []))
            last_section = None
        heading = None
        if c.section != last_section:
            heading = section_label(c.section)
            last_section = c.section
        groups[-1][2].append((heading, c))
    others = list(dict.fromkeys((c.item, c.title) for c in chunks if c.item != item)) if item is not None else []
    first = shown[0]
    title = first.title if item is not None else (first.title or doc_id)
    refs = {c.item: c.item_ref for c in chunks if c.item_ref}
    return DocumentView(
        meta=first, title=title, item=item, hit=hit, hit_chunk=hit_chunk, groups=groups, other_items=others, refs=refs
    )


def item_label(ref: str, ordinal: int) -> str:
    """How the page names an agenda item: by the source's own number ("Minute 298", "Item 2.5"),
    else by its place in the document ("Part 3"), which is minsearch's count, not the source's."""
    return ref[:1].upper() + ref[1:] if ref else f"Part {ordinal}"


def decisions_count_text(timeline: DecisionTimeline) -> str:
    """The decisions heading: how many decisions, in how many meetings."""
    if not timeline.total:
        return "No decision matches this search with confidence"
    return f"{plural(timeline.total, 'decision', timeline.more)} in {plural(len(timeline.meetings), 'meeting')}"
