"""The few types every step shares: Document, Chunk, Filters, Query, Hit.

Data flows one way: sources -> Document -> Chunk -> stores -> ranker -> Hit -> front ends.
Everything here is plain data, cheap to import (no NumPy, no Whoosh, no torch).
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Literal, Optional

Mode = Literal["hybrid", "keyword", "semantic"]
MODES: tuple[str, ...] = ("hybrid", "keyword", "semantic")
Sort = Literal["relevance", "date"]
SORTS: tuple[str, ...] = ("relevance", "date")


@dataclass
class Document:
    """One source document (a minutes file, an HTML page, a JSONL record) as text plus metadata.

    ``doc_id`` is stable across runs: it comes from a manifest, a record's ``id`` or the file
    name, never from the order of reading.  ``content_hash`` covers the text *and* the metadata,
    so editing a manifest re-indexes the document.
    """

    doc_id: str
    source: str
    text: str
    title: str = ""
    council: str = ""
    committee: str = ""
    date: str = ""  # ISO yyyy-mm-dd, or "" when unknown
    url: str = ""
    format: str = "text"
    # Where the document was read from, to tell documents with the same id apart (see
    # minsearch.indexer.assign_ids): the indexed folder it was found under and the file itself
    # (both resolved, absolute), and whether the id was given (a JSON Lines record's ``id``, a
    # manifest's ``doc_id``) rather than made from the path under the folder.
    root: str = ""
    path: str = ""
    id_given: bool = False

    @property
    def content_hash(self) -> str:
        h = hashlib.sha1()
        for part in (self.text, self.title, self.council, self.committee, self.date, self.url, self.format):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass
class Chunk:
    """One paragraph of one agenda item: the unit that is indexed, ranked and shown.

    Headings are not chunks; they live here as metadata (``title``, ``section``).
    ``start``/``end`` are character offsets of ``text`` in the document's text.
    """

    chunk_id: str
    doc_id: str
    source: str
    title: str
    section: str  # "minutes", "resolved", "description", ...
    paragraph: int  # 1-based position within the document
    start: int
    end: int
    text: str
    item: int = 1  # 1-based agenda item number within the document
    council: str = ""
    committee: str = ""
    date: str = ""
    url: str = ""
    # "substance" (what was said and decided), "procedure" (attendance, votes, movers, chair
    # changes: indexed, never ranked above substance) or "heading" (a label for what follows);
    # see minsearch.ingest.kinds.
    kind: str = "substance"
    # The source's own numbers, for citing it (see minsearch.citation): the agenda item's number
    # with its noun as printed ("minute 299", "item 2.5"; "" when the source numbers none), the
    # paragraph's own number ("4" of "4) ..."), and the PDF page it starts on (0: not known).
    item_ref: str = ""
    para_ref: str = ""
    page: int = 0

    @property
    def boilerplate(self) -> bool:
        """Procedure or heading: indexed (people search for names), but ranked below substance."""
        return self.kind != "substance"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Chunk":
        names = {f.name for f in dataclasses.fields(cls)}
        out = {k: v for k, v in d.items() if k in names}
        if "kind" not in d and d.get("boilerplate"):
            out["kind"] = "procedure"  # written before chunks had kinds
        return cls(**out)


@dataclass(frozen=True)
class ChunkMeta:
    """What ranking needs to know of a candidate without reading its text (see ChunkTable)."""

    chunk_id: str
    doc_id: str
    date: str
    kind: str  # substance / procedure / heading
    exact: int  # fingerprints of the wording (minsearch.ingest.fingerprint)
    sketch: bytes
    words: int
    # The agenda item's number within its document (Chunk.item; 0: not known): with doc_id it
    # names the item, whose paragraphs give context to the one that names what a query asks for.
    item: int = 0


@dataclass(frozen=True)
class Filters:
    """Metadata restrictions applied to both views *before* fusion."""

    council: Optional[str] = None
    committee: Optional[str] = None
    since: Optional[str] = None  # ISO date, inclusive
    until: Optional[str] = None  # ISO date, inclusive
    doc_id: Optional[str] = None
    exclude_doc_id: Optional[str] = None
    # Only these documents (saved searches are run over the documents a re-index added or changed).
    doc_ids: Optional[tuple[str, ...]] = None
    # Only paragraphs of this section ("resolved": the decisions; see minsearch.ingest.chunker).
    section: Optional[str] = None

    def is_empty(self) -> bool:
        return not any(dataclasses.astuple(self))


@dataclass(frozen=True)
class Query:
    """A search request as every front end states it."""

    text: str
    mode: str = "hybrid"
    limit: int = 10
    offset: int = 0
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    fusion: Optional[str] = None  # None: the configured default ("rrf" or "weighted")


@dataclass
class Hit:
    """One ranked result: the chunk, its fused score, how each view saw it, and its repeats."""

    rank: int
    score: float
    chunk: Chunk
    keyword_rank: Optional[int] = None
    semantic_rank: Optional[int] = None
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_match) segments
    also: list[Chunk] = field(default_factory=list)  # the same text printed elsewhere (collapsed)
    # For a vote (a tally or a result line): the motion it decides, as the minutes print it before
    # the vote in the same agenda item (minsearch.searching.votes); None when not known.
    motion: Optional[str] = None
    # For a line naming who moved or seconded a motion ("Moved by S. Trosow") that does not say
    # the motion itself: the motion it puts (minsearch.searching.votes); None otherwise.
    moves: Optional[str] = None
    # Listed as the rest of an agenda item that a paragraph naming what was searched heads or is
    # titled by (a measure's clauses after its number), not found by words or meaning itself.
    context: bool = False

    def to_json(self) -> dict:
        """The hit shape shared by ``minsearch query --json`` and ``/api/search``."""
        from .citation import cite

        c = self.chunk
        ref = cite(c)
        return {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "text": c.text,
            "chunk_id": c.chunk_id,
            "doc_id": c.doc_id,
            "source": shown_source(c.source, c.doc_id),
            "title": c.title,
            "section": c.section,
            "kind": c.kind,
            "paragraph": c.paragraph,
            "council": c.council or None,
            "committee": c.committee or None,
            "date": c.date or None,
            # How to cite it (minsearch.citation): the line, and its parts not given above.
            "citation": ref.text,
            "item_ref": ref.item or None,
            "item_number": ref.item_number or None,
            "para_ref": ref.para or None,
            "page": ref.page,
            "url": ref.url or None,
            "original": ref.original or None,
            "motion": self.motion,
            "moves": self.moves,
            "also": [
                {
                    "chunk_id": a.chunk_id,
                    "doc_id": a.doc_id,
                    "paragraph": a.paragraph,
                    "title": a.title,
                    "council": a.council or None,
                    "committee": a.committee or None,
                    "date": a.date or None,
                }
                for a in self.also
            ],
        }


@dataclass
class MatchCounts:
    """Matching paragraphs per council, committee, year (``2021``), quarter (``2021-Q1``) and
    month (``2021-03``): each what the search filtered to it counts (names and periods without
    matches are left out)."""

    councils: dict[str, int] = field(default_factory=dict)
    committees: dict[str, int] = field(default_factory=dict)
    years: dict[str, int] = field(default_factory=dict)
    quarters: dict[str, int] = field(default_factory=dict)  # "2021-Q2"
    months: dict[str, int] = field(default_factory=dict)
    total: int = 0  # the paragraphs counted: a search's matches (its total), or all the meetings'
    # True when the views counted more matches than were ranked (a result's "total+"): the
    # counts are then those of the matches ranked, and each may be higher.
    more: bool = False

    def to_json(self) -> dict:
        return {
            "total": self.total,
            "councils": self.councils,
            "committees": self.committees,
            "years": self.years,
            "quarters": self.quarters,
            "months": self.months,
            "more": self.more,
        }


@dataclass
class SearchResult:
    """Matches for one query, plus what the front ends need to explain them."""

    query: Query
    hits: list[Hit]
    total: int  # matching paragraphs (repeats counted once) among the candidates ranked
    more: bool = False  # True when the views counted more matches than were ranked: "total+"
    notices: list[str] = field(default_factory=list)  # e.g. "syntax error: searched plain words"
    terms: list[str] = field(default_factory=list)  # query words for highlighting
    closest: list[Hit] = field(default_factory=list)  # no confident match: the nearest paragraphs
    expansions: list[str] = field(default_factory=list)  # glossary terms also searched
    suggestion: Optional[str] = None  # "did you mean": the query with misspelt words corrected
    counts: Optional[MatchCounts] = None  # matches by council, committee, year, month (when asked)
    # The item number the query named ("298": "minute 298" or a pasted citation), or the quoted
    # title a citation of unnumbered minutes names ("“Performance Monitoring”"), whose paragraphs
    # these are (minsearch.searching.reference), not a search's matches; "" for a search.
    by_number: str = ""

    def to_json(self) -> dict:
        extra = {"counts": self.counts.to_json()} if self.counts is not None else {}
        return {
            "query": self.query.text,
            "mode": self.query.mode,
            "total": self.total,
            "more": self.more,
            "notices": self.notices,
            "also_searched": self.expansions,
            "hits": [h.to_json() for h in self.hits],
            "closest": [h.to_json() for h in self.closest],
            "did_you_mean": self.suggestion,
            "by_number": self.by_number or None,
            **extra,
        }


def coverage_needed(share: float, match_words: int, words: int) -> float:
    """The share of a query's weight a keyword hit must contain to count as a match.

    ``share``, or in a query of more than ``match_words`` parts (``words``), the weight of
    ``match_words`` of them: a pasted question of 20 words is rarely 40 % present in its answer
    (CISI's long queries: keyword recall@100 fell from 0.3 to 0.1 with a fixed share).
    """
    if match_words > 0 and words > match_words:
        return min(share, match_words / words)
    return share


class MinsearchError(Exception):
    """A user-facing error: one line that names the file or parameter that was wrong.

    ``param`` is the user's name for what was wrong (``since``, ``limit``, a file), spelled the
    way neither front end spells it: each names it its own way through :meth:`render` (the CLI
    as ``--since``, the page and the API as ``since``), so the message never has to be rewritten.
    ``message`` is the plain text; where it names parameters inside a sentence it writes them as
    ``{since}`` and lists them in ``mentions`` (``{since} 2021-01-01 is after {until} ...``).
    ``status`` is what HTTP calls the problem: 400 a bad parameter, 404 not found, 503 no index.

    ``str(error)`` is the neutral rendering (``since: 'x' is not a date``). Errors raised as one
    ready-made string (``MinsearchError("docs.json: damaged")``) keep working unchanged.
    """

    status: int = 400

    def __init__(
        self, message: str, *, param: Optional[str] = None, mentions: tuple[str, ...] = (), status: Optional[int] = None
    ) -> None:
        self.message = message
        self.param = param
        self.mentions = mentions
        if status is not None:
            self.status = status
        super().__init__(self.render())

    def render(self, name: Callable[[str], str] = str) -> str:
        """The message with every parameter written as ``name(parameter)``: one line."""
        names = {n for n in (self.param, *self.mentions) if n}
        text = self.message
        if names:
            # Only the declared names are placeholders: braces in a quoted value stay as they are.
            text = _PLACEHOLDER.sub(lambda m: name(m[1]) if m[1] in names else m[0], text)
        if self.param and "{" + self.param + "}" not in self.message:
            text = f"{name(self.param)}: {text}"
        return text

    def __str__(self) -> str:
        return self.render()


_PLACEHOLDER = re.compile(r"\{([\w-]+)\}")


class IndexUnavailable(MinsearchError):
    """The index is missing, being replaced by a broken generation, or damaged: no request can be
    answered until it is rebuilt (the page answers 503). The message names the file."""

    status = 503


def printable(text: str) -> str:
    """``text`` as it can be written anywhere (JSON, a terminal, a page).

    A file name that is not UTF-8 reaches Python with its bytes as lone surrogates, which no
    encoder accepts (a 500 on every /api/search that found the file): they become ``\\xNN``.
    Other lone surrogates (from a ``\\ud800`` escape in JSON) become U+FFFD.
    """
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return re.sub("[\ud800-\udfff]", "\ufffd", text)


def shown_source(source: str, doc_id: str) -> str:
    """Where a paragraph came from, as the page, the API and ``--json`` show it: the file's path
    under the folder it was indexed from (``seeds/000_87bfe40191ebd6ef.txt``, ``feeds/kent.jsonl#12``).

    Never an absolute server path: an index written before sources were stored that way (or a
    source with ``..``) shows the document id instead.
    """
    path = source.split("#", 1)[0].replace("\\", "/")
    if (
        not path
        or posixpath.isabs(path)
        or path.startswith("~")
        or ".." in path.split("/")
        or re.match(r"[A-Za-z]:", path)
    ):
        return printable(doc_id)
    return printable(source)


def os_error_text(e: OSError) -> str:
    """One line for an OSError: "disk full" when it is, else the system's words for it."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"disk full ({e.strerror})"
    return e.strerror or str(e)
