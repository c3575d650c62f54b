"""Browsing without a query: the latest meetings, one committee's meetings, the committees,
and one meeting's agenda in order. Plain functions of the index's document records and a
document's paragraphs; the Searcher supplies them (one index state per request)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..model import Chunk, Filters
from ..store.base import DocRecord


@dataclass
class Meeting:
    """One meeting's minutes (one indexed document) as a browse list shows it."""

    doc_id: str
    title: str
    council: str
    committee: str
    date: str
    paragraphs: int
    items: Optional[int] = None  # agenda items; counted for the meetings shown only

    @classmethod
    def of(cls, d: DocRecord) -> "Meeting":
        return cls(d.doc_id, d.title, d.council, d.committee, d.date, d.chunks)

    def to_json(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "title": self.title or None,
            "council": self.council or None,
            "committee": self.committee or None,
            "date": self.date or None,
            "paragraphs": self.paragraphs,
            "items": self.items,
        }


@dataclass
class MeetingList:
    """One page of meetings, newest first, and how many meetings the filters allow."""

    meetings: list[Meeting]
    total: int
    filters: Filters = field(default_factory=Filters)


@dataclass
class Committee:
    """A committee of a council, with its meetings and the date of the latest."""

    council: str
    committee: str
    meetings: int
    paragraphs: int
    latest: str


@dataclass
class AgendaItem:
    """One agenda item of a meeting: its number, title, and where its paragraphs start."""

    number: int
    title: str
    paragraphs: int
    first_paragraph: int
    ref: str = ""  # the source's own number ("minute 298"), as citations give it; "" if none


def admits(d: DocRecord, f: Filters) -> bool:
    """Whether a document passes resolved filters (names compared as the stores compare them)."""
    if f.council and d.council.casefold() != f.council.casefold():
        return False
    if f.committee and d.committee.casefold() != f.committee.casefold():
        return False
    if (f.since or f.until) and not d.date:
        return False  # as in searching: a date bound excludes undated meetings
    if f.since and d.date < f.since:
        return False
    if f.until and d.date > f.until:
        return False
    return True


def latest_meetings(documents: Iterable[DocRecord], f: Filters, limit: int, offset: int = 0) -> MeetingList:
    """Meetings that pass ``f``, newest first (undated last), one page of them."""
    chosen = [d for d in documents if admits(d, f)]
    chosen.sort(key=lambda d: (d.date or "", d.committee, d.title, d.doc_id), reverse=True)
    return MeetingList([Meeting.of(d) for d in chosen[offset : offset + limit]], len(chosen), f)


def committees(documents: Iterable[DocRecord]) -> list[Committee]:
    """Every council's committees, by council then committee name."""
    meetings: Counter = Counter()
    paragraphs: Counter = Counter()
    latest: dict[tuple[str, str], str] = {}
    for d in documents:
        k = (d.council, d.committee)
        meetings[k] += 1
        paragraphs[k] += d.chunks
        latest[k] = max(latest.get(k, ""), d.date)
    return [
        Committee(c, m, meetings[(c, m)], paragraphs[(c, m)], latest[(c, m)])
        for c, m in sorted(meetings, key=lambda k: (k[0].casefold(), k[1].casefold()))
    ]


def agenda(chunks: list[Chunk]) -> list[AgendaItem]:
    """A meeting's agenda items in order, from its paragraphs (in document order)."""
    items: dict[int, AgendaItem] = {}
    for c in sorted(chunks, key=lambda c: c.paragraph):
        it = items.get(c.item)
        if it is None:
            items[c.item] = AgendaItem(c.item, c.title, 1, c.paragraph, c.item_ref)
        else:
            it.paragraphs += 1
            it.ref = it.ref or c.item_ref
    return sorted(items.values(), key=lambda i: i.first_paragraph)
