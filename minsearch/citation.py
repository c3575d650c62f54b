"""How a paragraph is cited: the one citation formatter the CLI, ``--json``, the API, the page and
the exports all use.

A citation names what a member can check in the source: the council, the committee, the meeting
date, the item's number *as the source prints it* ("minute 298", "item 2.5"), the paragraph's own
number ("para 4") and the PDF page, where the source has them (never minsearch's own counters: a
source that numbers nothing is cited by its item's title), and the link to the original.

    Kent County Council, County Council, 13 March 2025, minute 298, para 4

Plain data in, plain data out: no Flask, no index (it only reads a Chunk's fields).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Optional, Protocol
from urllib.parse import unquote, urlsplit


class Cited(Protocol):
    """What a citation reads of a paragraph: a :class:`minsearch.model.Chunk` (not imported:
    :mod:`minsearch.model` uses this module for the hits' JSON)."""

    council: str
    committee: str
    date: str
    title: str
    url: str
    item_ref: str
    para_ref: str
    page: int
    paragraph: int


# File names a link may end in that name the original document ("Printed minutes 13th-Mar-2025.pdf").
_FILE_NAME = re.compile(r"[^/]+\.(?:pdf|docx?|rtf|txt|html?|md)$", re.I)


def long_date(iso: str) -> str:
    """``2025-03-13`` as ``13 March 2025``; anything else as it is."""
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    return f"{d.day} {d:%B %Y}"


def safe_url(url: str) -> Optional[str]:
    """``url`` if it is an http(s) link to somewhere, else None: a stored ``javascript:`` or
    ``data:`` URL (any case, with leading spaces or control characters) is never offered as a link."""
    cleaned = (url or "").strip()
    if not cleaned or any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        return None
    parts = urlsplit(cleaned)
    return cleaned if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def original_name(url: str) -> str:
    """The original file's name, where the link ends in one (``Printed minutes ... Cabinet.pdf``); else ""."""
    path = urlsplit(url or "").path
    last = unquote(path.rsplit("/", 1)[-1]) if path else ""
    return last if _FILE_NAME.fullmatch(last) else ""


@dataclass(frozen=True)
class Citation:
    """A paragraph's citation: ``text`` (one line) and the parts it is made of."""

    text: str
    council: str
    committee: str
    date: str  # ISO, "" when the source states none
    item: str  # the source's own number with its noun ("minute 298", "item 2.5"); "" when it has none
    item_number: str  # the number alone ("298", "2.5")
    item_title: str
    para: str  # the paragraph's own number in the source ("4"); "" when it has none
    page: Optional[int]  # the PDF page; None when not known
    url: str  # the original (an http(s) link), "" when the source has none
    original: str  # the original file's name, when the link names one
    paragraph: int  # minsearch's own position of the paragraph in the document (its /doc anchor)

    @property
    def with_link(self) -> str:
        """The citation as a briefing pastes it: ``text`` and, where the source has one, the link
        to the original in brackets (what the page's *Copy citation* copies: the citation alone
        sent the reader looking for the minutes)."""
        return f"{self.text} ({self.url})" if self.url else self.text

    def to_json(self) -> dict:
        return asdict(self)


def cite(chunk: Cited) -> Citation:
    """The citation of one paragraph."""
    item = chunk.item_ref.strip()
    number = item.split(" ", 1)[1] if " " in item else item
    url = safe_url(chunk.url) or ""
    parts = [p for p in (chunk.council, chunk.committee) if p]
    parts.append(long_date(chunk.date) if chunk.date else "undated")
    if item:
        parts.append(item)
    elif chunk.title:
        parts.append(f"item “{chunk.title}”")  # no number in the source: never invent one
    if chunk.para_ref:
        parts.append(f"para {chunk.para_ref}")
    if chunk.page:
        parts.append(f"page {chunk.page}")
    return Citation(
        text=", ".join(parts),
        council=chunk.council,
        committee=chunk.committee,
        date=chunk.date,
        item=item,
        item_number=number,
        item_title=chunk.title,
        para=chunk.para_ref,
        page=chunk.page or None,
        url=url,
        original=original_name(url),
        paragraph=chunk.paragraph,
    )
