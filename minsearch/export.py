"""Evidence exports: search results (or a list of pinned paragraphs) as CSV, Markdown, JSON or a
Word document, each entry with the quote, its citation (:mod:`minsearch.citation`), the link to the
original and the search that found it.

One module for every front end: ``minsearch query --format`` and the page's "Download" links call
:func:`render`, so a CSV from the shell and one from the page have the same columns.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Optional

from .citation import Citation, cite, long_date
from .model import Chunk, Filters, Hit, MinsearchError

# format -> (media type, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "json": ("application/json", "json"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}
FILTER_NAMES = ("council", "committee", "since", "until")
COLUMNS = (
    "number",
    "quote",
    "vote_on",
    "moves",
    "citation",
    "council",
    "committee",
    "date",
    "item",
    "item_number",
    "item_title",
    "para",
    "page",
    "source_url",
    "original",
    "doc_id",
    "chunk_id",
    "paragraph",
    "query",
    "mode",
    "filter_council",
    "filter_committee",
    "filter_since",
    "filter_until",
)
# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)" in a
# stored paragraph): such a cell is written with a leading apostrophe, which shows it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Entry:
    """One paragraph of evidence and the search that found it."""

    chunk: Chunk
    query: str = ""
    mode: str = ""
    filters: dict[str, str] = field(default_factory=dict)  # council, committee, since, until (given ones)
    # For a vote: the motion it decides (minsearch.searching.votes), so that "Yeas: ... Motion
    # Passed (8 to 4)" taken away says on what; "" when not known.
    vote_on: str = ""
    # For a line of movers that does not say its motion ("Moved by S. Trosow"): the motion it puts.
    moves: str = ""

    @property
    def citation(self) -> Citation:
        return cite(self.chunk)


def filters_of(f: Filters) -> dict[str, str]:
    """The filters a search used, by name, as an export records them (the empty ones left out)."""
    return {k: str(getattr(f, k)) for k in FILTER_NAMES if getattr(f, k)}


def entry_of(hit: Hit, query: str = "", mode: str = "", filters: Optional[dict[str, str]] = None) -> Entry:
    """One paragraph found (``hit``, with the motion a vote decides or a line of movers puts) as
    evidence of the search that found it."""
    return Entry(hit.chunk, query, mode, dict(filters or {}), hit.motion or "", hit.moves or "")


def entries_for(hits: Iterable[Hit], query: str, mode: str, filters: Filters) -> list[Entry]:
    """The entries of one search's results."""
    given = filters_of(filters)
    return [entry_of(h, query, mode, given) for h in hits]


def row(n: int, e: Entry) -> dict[str, str]:
    """One entry as a CSV row (every value a string)."""
    c = e.citation
    return {
        "number": str(n),
        "quote": e.chunk.text,
        "vote_on": e.vote_on,
        "moves": e.moves,
        "citation": c.text,
        "council": c.council,
        "committee": c.committee,
        "date": c.date,
        "item": c.item,
        "item_number": c.item_number,
        "item_title": c.item_title,
        "para": c.para,
        "page": str(c.page or ""),
        "source_url": c.url,
        "original": c.original,
        "doc_id": e.chunk.doc_id,
        "chunk_id": e.chunk.chunk_id,
        "paragraph": str(c.paragraph),
        "query": e.query,
        "mode": e.mode,
        **{f"filter_{k}": e.filters.get(k, "") for k in FILTER_NAMES},
    }


def to_csv(entries: list[Entry]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    for n, e in enumerate(entries, start=1):
        w.writerow({k: _cell(v) for k, v in row(n, e).items()})
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_json(entries: list[Entry], title: str = "") -> str:
    doc = {
        "title": title,
        "exported": _now(),
        "entries": [
            {
                "number": n,
                "quote": e.chunk.text,
                "vote_on": e.vote_on or None,
                "moves": e.moves or None,
                "citation": e.citation.to_json(),
                "doc_id": e.chunk.doc_id,
                "chunk_id": e.chunk.chunk_id,
                "query": e.query,
                "mode": e.mode,
                "filters": e.filters,
            }
            for n, e in enumerate(entries, start=1)
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def searched(e: Entry) -> str:
    """The search that found an entry, in words: ``“dental checks” (Kent County Council, since 1 January 2025)``."""
    if not e.query:
        return ""
    parts = [e.filters[k] for k in ("council", "committee") if e.filters.get(k)]
    if e.filters.get("since"):
        parts.append("since " + long_date(e.filters["since"]))
    if e.filters.get("until"):
        parts.append("until " + long_date(e.filters["until"]))
    return f"“{e.query}”" + (f" ({', '.join(parts)})" if parts else "")


def motion_label(e: Entry) -> str:
    """How an entry's motion is introduced: a vote's "The vote on:", a line of movers' "The motion:"."""
    return "The vote on:" if e.vote_on else "The motion:"


def to_markdown(entries: list[Entry], title: str = "Evidence from the minutes") -> str:
    lines = [f"# {md_text(title)}", "", f"Exported {_now()[:10]}; {len(entries)} paragraph(s).", ""]
    for n, e in enumerate(entries, start=1):
        c = e.citation
        lines.append(f"## {n}. {md_text(c.item_title or 'Untitled item')}")
        lines.append("")
        lines.extend("> " + md_text(part) for part in e.chunk.text.splitlines() or [""])
        lines.append("")
        if e.vote_on or e.moves:
            lines.append(f"{motion_label(e)} {md_text(e.vote_on or e.moves)}")
            lines.append("")
        cited = md_text(c.text)
        lines.append(f"— {cited}" + (f" ([original]({_md_url(c.url)}))" if c.url else ""))
        if e.query:
            lines.append("")
            lines.append(f"Found by searching {md_text(searched(e))}.")
        lines.append("")
    return "\n".join(lines)


def md_text(s: str) -> str:
    """Text that Markdown shows as it is: its markup characters escaped."""
    out = []
    for ch in s:
        out.append("\\" + ch if ch in "\\`*_[]<>#|" else ch)
    return "".join(out)


def _md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def to_docx(entries: list[Entry], title: str = "Evidence from the minutes") -> bytes:
    """A Word document: a heading, then per entry the quote, its citation (linked to the original)
    and the search that found it."""
    from docx import Document as WordDocument

    doc = WordDocument()
    doc.add_heading(_xml_safe(title), level=1)  # the title holds the query, as typed
    doc.add_paragraph(f"Exported {_now()[:10]}; {len(entries)} paragraph(s).")
    for n, e in enumerate(entries, start=1):
        c = e.citation
        doc.add_heading(_xml_safe(f"{n}. {c.item_title or 'Untitled item'}"), level=2)
        doc.add_paragraph(_xml_safe(e.chunk.text), style="Quote")
        if e.vote_on or e.moves:
            doc.add_paragraph(_xml_safe(f"{motion_label(e)} {e.vote_on or e.moves}"))
        p = doc.add_paragraph(_xml_safe(c.text))
        if c.url:
            p.add_run(" (")
            _hyperlink(p, c.url, "original")
            p.add_run(")")
        if e.query:
            doc.add_paragraph(_xml_safe(f"Found by searching {searched(e)}."))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _xml_safe(s: str) -> str:
    """Word's XML takes no control characters (a PDF's stray \\x0c would stop the save)."""
    return "".join(ch if ch in "\t\n" or ord(ch) >= 32 else " " if ch in "\x0b\x0c\r" else "" for ch in s)


def _hyperlink(paragraph, url: str, text: str) -> None:
    """A clickable link in a python-docx paragraph (python-docx has no call for one)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def render(entries: list[Entry], fmt: str, title: str = "Evidence from the minutes") -> tuple[bytes, str, str]:
    """``entries`` in format ``fmt``: (content, media type, file extension)."""
    if fmt not in FORMATS:
        raise MinsearchError(f"{fmt!r} is not an export format (choose from {', '.join(FORMATS)})", param="format")
    media, ext = FORMATS[fmt]
    if fmt == "csv":
        # A byte-order mark, so Excel reads the file as UTF-8 (Python's csv reads it with utf-8-sig).
        data = ("\ufeff" + to_csv(entries)).encode("utf-8")
    elif fmt == "md":
        data = to_markdown(entries, title).encode("utf-8")
    elif fmt == "json":
        data = to_json(entries, title).encode("utf-8")
    else:
        data = to_docx(entries, title)
    return data, media, ext


# A search's words in a download's name: at most this many characters (whole words), ASCII only.
NAME_WORDS = 40


def filename(stem: Optional[str], ext: str, about: str = "") -> str:
    """A download's file name: ``minutes-evidence-2026-12-01.csv``; with ``about`` (the search),
    its words as well, ``minutes-search-dental-checks-2026-12-01.csv``: three searches downloaded
    the same day were ``minutes-search-2026-12-01 (1).csv``, ``(2)``, told apart only by opening
    them. Letters and digits only (accents dropped, the rest a hyphen): nothing a header or a
    file system could read otherwise."""
    words = unicodedata.normalize("NFKD", about).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", words).strip("-")
    if len(slug) > NAME_WORDS:
        cut = slug[: NAME_WORDS + 1]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut[:NAME_WORDS]).strip("-")
    return "-".join(p for p in (stem or "minutes-evidence", slug, _now()[:10]) if p) + f".{ext}"


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
