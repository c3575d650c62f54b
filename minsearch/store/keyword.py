"""The keyword view: a Whoosh index of chunks (BM25F, English stemming, phrases, fields).

Two analyses of the same text sit side by side: ``text`` (stemmed, for recall) and ``exact``
(lower-cased, unstemmed, for quoted words and phrases: ``"worthing"`` must not match "worth").
Neither drops stopwords, because ``StemmingAnalyzer()`` with its default stoplist renumbers
positions and makes ``"with child"`` match any "child" (see FIELD-NOTES).
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable, Optional

from whoosh import fields, index, qparser, query, scoring
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.lang.porter import stem

from ..model import Chunk, Filters, MinsearchError
from .keyword_scoring import PostingScorer, UnsupportedPostings, plain_terms

STEMMED = StemmingAnalyzer(stoplist=None)
UNSTEMMED = StandardAnalyzer(stoplist=None, minsize=1)
LABEL = StandardAnalyzer(stoplist=None, minsize=1)

# Fields a user can name in a query (``title:budget``); the rest are internal.
QUERY_FIELDS = ("text", "title", "exact", "council", "committee", "section", "date", "doc_id")
MAX_QUERY_CHARS = 1000
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2)
RECENT_CHUNKS = 4096  # paragraphs kept decoded per open index (a few MB)


def schema() -> fields.Schema:
    return fields.Schema(
        chunk_id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        source=fields.STORED(),
        title=fields.TEXT(analyzer=STEMMED, stored=True, field_boost=0.3),
        section=fields.ID(stored=True),
        paragraph=fields.NUMERIC(stored=True),
        item=fields.NUMERIC(stored=True),
        start=fields.STORED(),
        end=fields.STORED(),
        text=fields.TEXT(analyzer=STEMMED, stored=True),
        exact=fields.TEXT(analyzer=UNSTEMMED),
        council=fields.TEXT(analyzer=LABEL, stored=True),
        committee=fields.TEXT(analyzer=LABEL, stored=True),
        council_key=fields.ID(),
        committee_key=fields.ID(),
        date=fields.DATETIME(),
        date_str=fields.STORED(),
        url=fields.STORED(),
        boilerplate=fields.BOOLEAN(stored=True),
    )


def label_key(value: str) -> str:
    """How council and committee names are compared: case- and space-insensitively."""
    return re.sub(r"\s+", " ", value).strip().casefold()


def chunk_fields(c: Chunk) -> dict:
    doc = dict(
        chunk_id=c.chunk_id, doc_id=c.doc_id, source=c.source, title=c.title, section=c.section,
        paragraph=c.paragraph, item=c.item, start=c.start, end=c.end, text=c.text,
        exact=f"{c.title}\n{c.text}", council=c.council, committee=c.committee,
        council_key=label_key(c.council), committee_key=label_key(c.committee),
        date_str=c.date, url=c.url, boilerplate=c.boilerplate,
    )
    if c.date:
        doc["date"] = datetime.fromisoformat(c.date)
    return doc


def chunk_from_stored(d: dict) -> Chunk:
    return Chunk(
        chunk_id=d["chunk_id"], doc_id=d["doc_id"], source=d.get("source", ""), title=d.get("title", ""),
        section=d.get("section", ""), paragraph=d.get("paragraph", 0), start=d.get("start", 0),
        end=d.get("end", 0), text=d.get("text", ""), item=d.get("item", 1), council=d.get("council", ""),
        committee=d.get("committee", ""), date=d.get("date_str", ""), url=d.get("url", ""),
        boilerplate=bool(d.get("boilerplate", False)),
    )


class QuerySyntaxError(MinsearchError):
    """The query does not parse in the Whoosh query language."""


@dataclass
class KeywordResult:
    hits: list[tuple[str, float]]  # (chunk_id, BM25F score), best first
    total: int
    terms: list[tuple[str, str]] = field(default_factory=list)  # (field, term) for highlighting
    notices: list[str] = field(default_factory=list)


# A quoted string not already bound to a field ("x" but not title:"x") searches the unstemmed field.
_BARE_QUOTE = re.compile(r'(?<![\w:])"([^"]+)"')


def _parser(sch: fields.Schema) -> qparser.QueryParser:
    # A plain OR: BM25 already rewards paragraphs with more of the words, and Whoosh's scaled
    # OR (OrGroup.factory) doubles query time on a large index (measured on Limerick).
    p = qparser.MultifieldParser(["text", "title"], sch, group=qparser.OrGroup)
    p.add_plugin(qparser.GtLtPlugin())
    return p


def parse(text: str, sch: fields.Schema, strict: bool = True) -> tuple[query.Query, list[str]]:
    """Parse the Whoosh query language; quoted parts match exactly (unstemmed).

    ``strict``: raise :class:`QuerySyntaxError`; otherwise fall back to the plain words and say so.
    """
    notices: list[str] = []
    rewritten = _BARE_QUOTE.sub(lambda m: f'exact:"{m.group(1)}"', text)
    parser = _parser(sch)
    try:
        q = _drop_loose_stopwords(_lift_nots(parser.parse(rewritten)))
        _check(q)
    except Exception as e:  # Whoosh raises bare Exception for bad dates and ranges
        if strict:
            raise QuerySyntaxError(f"query syntax: {e} (quote the words to search them literally)") from None
        words = " ".join(re.findall(r"\w+", text))
        if not words:
            raise QuerySyntaxError("query has no words to search") from None
        plain = qparser.MultifieldParser(["text", "title"], sch, group=qparser.OrGroup)
        plain.remove_plugin_class(qparser.FieldsPlugin)
        q = plain.parse(words)
        notices.append(f"Your query could not be read as search syntax ({e}); searched the plain words instead.")
    return q, notices


# English function words and question words: loose in a query, they match nearly everything.
_FUNCTION_WORDS = """a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing done down during each either few for from
further had has have having he her here hers herself him himself his how i if in into is it its itself
just may me might more most much must my myself no nor not now of off on once only or other our ours
ourselves out over own please same say said says she should so some such tell than that the their
theirs them themselves then there these they this those through to too under until up upon us very
was we were what when where which while who whom whose why will with would you your yours yourself
yourselves""".split()
STOPWORDS = frozenset(_FUNCTION_WORDS) | frozenset(stem(w) for w in _FUNCTION_WORDS)


def _drop_loose_stopwords(q: query.Query) -> query.Query:
    """Leave out "the", "for", "about"... where they are loose OR terms of a longer query.

    The index keeps stopwords (phrases need them), but as loose terms they match almost every
    paragraph, add nothing to the ranking, and made natural-language queries score the whole
    index (~1 s on Limerick). Quoted phrases, fields and a query of only stopwords keep them.
    """
    if isinstance(q, query.CompoundQuery):
        q.subqueries = [_drop_loose_stopwords(sub) for sub in q.subqueries]
        if isinstance(q, query.Or):
            kept = [sub for sub in q.subqueries
                    if not (isinstance(sub, query.Term) and sub.fieldname in ("text", "title")
                            and str(sub.text) in STOPWORDS)]
            if kept and len(kept) < len(q.subqueries):
                q.subqueries = kept
    return q


def _lift_nots(q: query.Query) -> query.Query:
    """``dental NOT registrations`` means "dental, without registrations".

    With an OR default group Whoosh reads it as ``dental OR (NOT registrations)``, which matches
    nearly everything; rewrite each such OR as ``(positives) ANDNOT (negatives)``.
    """
    if isinstance(q, query.CompoundQuery):
        q.subqueries = [_lift_nots(sub) for sub in q.subqueries]
        if isinstance(q, query.Or):
            neg = [sub.query for sub in q.subqueries if isinstance(sub, query.Not)]
            pos = [sub for sub in q.subqueries if not isinstance(sub, query.Not)]
            if neg and pos:
                q.subqueries = pos
                base = pos[0] if len(pos) == 1 else q
                return query.AndNot(base, neg[0] if len(neg) == 1 else query.Or(neg))
    return q


def _check(q: query.Query) -> None:
    if isinstance(q, query.NullQuery.__class__) or q is query.NullQuery:
        raise ValueError("nothing to search for")
    for leaf in q.leaves() if q.is_leaf() is False else [q]:
        if leaf.__class__.__name__ in ("ErrorQuery",):
            raise ValueError(str(leaf))


def filter_query(f: Filters) -> Optional[query.Query]:
    parts: list[query.Query] = []
    if f.council:
        parts.append(query.Term("council_key", label_key(f.council)))
    if f.committee:
        parts.append(query.Term("committee_key", label_key(f.committee)))
    if f.since or f.until:
        start = datetime.fromisoformat(f.since) if f.since else None
        end = datetime.fromisoformat(f.until) + timedelta(days=1) - timedelta(microseconds=1) if f.until else None
        parts.append(query.DateRange("date", start, end))
    if f.doc_id:
        parts.append(query.Term("doc_id", f.doc_id))
    if f.exclude_doc_id:
        parts.append(query.Not(query.Term("doc_id", f.exclude_doc_id)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.And(parts)


class KeywordIndex:
    """A read view of one generation's Whoosh index. Thread-safe.

    Whoosh's file objects read by seek-then-read on one shared handle, so two threads reading
    the same searcher at once can get each other's bytes (seen as zlib errors under four
    concurrent page requests). Every read therefore holds ``_lock``; the semantic view, which
    does not touch Whoosh, still runs alongside.
    """

    def __init__(self, folder: Path) -> None:
        try:
            self._ix = index.open_dir(str(folder))
        except Exception as e:
            raise MinsearchError(f"{folder}: not a minsearch keyword index ({e.__class__.__name__})") from e
        self._searcher = self._ix.searcher(weighting=WEIGHTING)
        # Index.schema re-reads the table of contents from disk on every call (~6 ms).
        self._schema = self._ix.schema
        self._scorable = {name for name, f in self._schema.items() if f.scorable}
        self._chunk_ids: dict[int, str] = {}  # doc number -> chunk id, filled as hits are seen
        self._postings: Optional[PostingScorer] = None  # built on the first plain-words query
        self._lock = threading.Lock()
        # Paragraphs recently shown: pages, "more like this" and repeated searches ask for the same
        # ones again, and reading one from Whoosh (a lookup and a zlib'd pickle) costs ~30 µs.
        self._recent: OrderedDict[str, Chunk] = OrderedDict()

    def close(self) -> None:
        with self._lock:
            self._searcher.close()

    @property
    def schema(self) -> fields.Schema:
        return self._schema

    def doc_count(self) -> int:
        with self._lock:
            return self._searcher.doc_count()

    def search(self, text: str, filters: Filters, limit: int, strict: bool = True) -> KeywordResult:
        q, notices = parse(text, self._schema, strict=strict)
        terms = sorted({(f, t.decode("utf-8") if isinstance(t, bytes) else str(t))
                        for f, t in q.iter_all_terms() if f in ("text", "title", "exact")})
        with self._lock:
            return self._search(q, filter_query(filters), limit, terms, notices)

    def _search(self, q: query.Query, fq: Optional[query.Query], limit: int, terms: list[tuple[str, str]],
                notices: list[str]) -> KeywordResult:
        words = plain_terms(q, self._scorable)
        if words is not None:
            try:
                hits, total = self._plain_search(words, fq, limit)
                return KeywordResult(hits=hits, total=total, terms=terms, notices=notices)
            except UnsupportedPostings:
                pass  # postings in a layout keyword_scoring does not read: Whoosh scores them
        res = self._searcher.search(q, limit=limit, filter=fq)
        hits = [(r["chunk_id"], float(r.score)) for r in res]
        return KeywordResult(hits=hits, total=res.estimated_length(), terms=terms, notices=notices)

    def _plain_search(self, words: list[tuple[str, str]], fq: Optional[query.Query],
                      limit: int) -> tuple[list[tuple[str, float]], int]:
        """An OR of words, scored with :class:`PostingScorer`: same scores, far less Python."""
        if self._postings is None:
            self._postings = PostingScorer(self._searcher, WEIGHTING)
        allowed = self._postings.mask(self._searcher.docs_for_query(fq)) if fq is not None else None
        best, total = self._postings.top(words, limit, allowed)
        return [(self._chunk_id(d), score) for d, score in best], total

    def _chunk_id(self, docnum: int) -> str:
        found = self._chunk_ids.get(docnum)
        if found is None:
            found = self._chunk_ids[docnum] = self._searcher.stored_fields(docnum)["chunk_id"]
        return found

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        out: dict[str, Chunk] = {}
        recent = self._recent
        with self._lock:
            for cid in chunk_ids:
                found = recent.get(cid)
                if found is None:
                    # document_number() reads one posting; document() runs a query per id.
                    n = self._searcher.document_number(chunk_id=cid)
                    if n is None:
                        continue
                    found = recent[cid] = chunk_from_stored(self._searcher.stored_fields(n))
                    if len(recent) > RECENT_CHUNKS:
                        recent.popitem(last=False)
                else:
                    recent.move_to_end(cid)
                out[cid] = replace(found)  # a copy: callers may not change the cached one
        return out

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        with self._lock:
            found = [chunk_from_stored(d) for d in self._searcher.documents(doc_id=doc_id)]
        return sorted(found, key=lambda c: c.paragraph)


def create(folder: Path) -> index.Index:
    folder.mkdir(parents=True, exist_ok=True)
    return index.create_in(str(folder), schema())


def open_writable(folder: Path) -> index.Index:
    return index.open_dir(str(folder))
