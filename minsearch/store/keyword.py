"""The keyword view: a Whoosh index of chunks (BM25F, English stemming, phrases, fields).

Two analyses of the same text sit side by side: ``text`` (stemmed, for recall) and ``exact``
(lower-cased, unstemmed, for quoted words and phrases: ``"worthing"`` must not match "worth").
Neither drops stopwords, because ``StemmingAnalyzer()`` with its default stoplist renumbers
positions and makes ``"with child"`` match any "child" (see FIELD-NOTES).
"""
from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
from whoosh import fields, index, qparser, query, scoring
from whoosh.analysis import Filter, StandardAnalyzer, StemmingAnalyzer
from whoosh.lang.porter import stem

from ..glossary import Expansion
from ..model import Chunk, Filters, MinsearchError
from .base import KeywordResult
from .keyword_scoring import PostingScorer, UnsupportedPostings

class WholeAmounts(Filter):
    """"820.00" is also "820": minutes print sums with pence or cents ("$233,820.00"), people type
    them without ("$233,820"). The whole part is added at the same position, so phrases still work."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for t in tokens:
            yield t
            if _ZERO_CENTS.fullmatch(t.text):
                t.text = t.text.split(".", 1)[0]
                yield t


_ZERO_CENTS = re.compile(r"\d+\.0+")
STEMMED = StemmingAnalyzer(stoplist=None) | WholeAmounts()
UNSTEMMED = StandardAnalyzer(stoplist=None, minsize=1) | WholeAmounts()
LABEL = StandardAnalyzer(stoplist=None, minsize=1)

# Fields scored by BM25F (the ones a query's words and phrases are searched in).
SCORED_FIELDS = frozenset({"text", "title", "exact"})
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
        kind=fields.ID(stored=True),
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
        date_str=c.date, url=c.url, kind=c.kind,
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
        kind=d.get("kind") or "substance",
    )


class QuerySyntaxError(MinsearchError):
    """The query does not parse in the Whoosh query language."""


_RANGE = re.compile(r"\S*[\[{][^\]}]*[\]}]?")
_FIELD_PREFIX = re.compile(r"\b\w+:(?=\S)")
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
        # The words the user meant to find, without the broken syntax: a range such as
        # "date:[foo to bar]" is dropped whole (its bounds are not search words), field names go.
        kept = _FIELD_PREFIX.sub(" ", _RANGE.sub(" ", text))
        words = " ".join(re.findall(r"\w+", kept)) or " ".join(re.findall(r"\w+", text))
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

    def search(self, text: str, filters: Filters, limit: int, strict: bool = True, min_coverage: float = 0.0,
               expansions: tuple[Expansion, ...] = ()) -> KeywordResult:
        """The best ``limit`` paragraphs for ``text`` (Whoosh query language), with coverage.

        ``expansions`` (glossary groups the query names) are searched beside the words they
        stand for, in a query of plain words and phrases; explicit syntax (AND, NOT, fields) is
        searched as written. ``min_coverage``: what ``covered`` counts (see
        :class:`~.base.KeywordResult`).
        """
        q, notices = parse(text, self._schema, strict=strict)
        plan = plan_query(q, self._scorable, expansions)
        found = {(f, t.decode("utf-8") if isinstance(t, bytes) else str(t))
                 for f, t in q.iter_all_terms() if f in ("text", "title", "exact")}
        terms = sorted(found | (plan.extra_terms if plan is not None else set()))
        fq = filter_query(filters)
        with self._lock:
            if plan is not None:
                try:
                    return self._concept_search(plan, fq, limit, min_coverage, terms, notices)
                except UnsupportedPostings:
                    pass  # postings in a layout keyword_scoring does not read: Whoosh scores them
            res = self._searcher.search(q, limit=limit, filter=fq)
            hits = [(r["chunk_id"], float(r.score)) for r in res]
            total = res.estimated_length()
        # Explicit syntax is a demand every hit meets: each covers the query.
        return KeywordResult(hits=hits, total=total, terms=terms, notices=notices,
                             coverage={c: 1.0 for c, _s in hits}, coverage_text={c: 1.0 for c, _s in hits},
                             covered=total)

    def _concept_search(self, plan: "Plan", fq: Optional[query.Query], limit: int, min_coverage: float,
                        terms: list[tuple[str, str]], notices: list[str]) -> KeywordResult:
        """Plain words, phrases and glossary alternates, scored as Whoosh scores an OR of them
        (the sum of each part's BM25F), with each paragraph's coverage of the query."""
        if self._postings is None:
            self._postings = PostingScorer(self._searcher, WEIGHTING)
        scorer = self._postings
        per_term: dict[tuple[str, str], np.ndarray] = {}
        total, matched = scorer.scores(plan.plain, per_term)
        other: list[np.ndarray] = []
        for oq in plan.other:
            mask = np.zeros(scorer.doc_count_all, dtype=bool)
            for hit in self._searcher.search(oq, limit=None):
                total[hit.docnum] += float(hit.score)
                mask[hit.docnum] = True
            other.append(mask)
            matched |= mask
        weights = np.array([self._concept_weight(c) for c in plan.concepts], dtype=np.float64)
        covered_weight = np.zeros(scorer.doc_count_all, dtype=np.float64)
        covered_text = np.zeros(scorer.doc_count_all, dtype=np.float64)
        for c, w in zip(plan.concepts, weights):
            mask = np.zeros(scorer.doc_count_all, dtype=bool)
            own = np.zeros(scorer.doc_count_all, dtype=bool)  # in the paragraph's own words
            for leaf in c.terms:
                hit_mask = per_term.get(leaf)
                if hit_mask is not None:
                    mask |= hit_mask
                    if leaf[0] != "title":
                        own |= hit_mask
            for i in c.others:
                mask |= other[i]
                own |= other[i]  # phrases are searched in the paragraph's text
            covered_weight[mask] += w
            covered_text[own] += w
        total_weight = weights.sum()
        coverage = covered_weight / total_weight if total_weight > 0 else matched.astype(np.float64)
        coverage_text = covered_text / total_weight if total_weight > 0 else matched.astype(np.float64)
        allowed = scorer.mask(self._searcher.docs_for_query(fq)) if fq is not None else None
        best, count = scorer.best(total, matched, limit, allowed)
        ok = matched & (coverage >= min_coverage - 1e-9)
        if allowed is not None:
            ok &= allowed
        hits = [(self._chunk_id(d), score) for d, score in best]
        cov = {cid: float(coverage[d]) for (cid, _s), (d, _x) in zip(hits, best)}
        own = {cid: float(coverage_text[d]) for (cid, _s), (d, _x) in zip(hits, best)}
        return KeywordResult(hits=hits, total=count, terms=terms, notices=notices, coverage=cov, coverage_text=own,
                             covered=int(np.count_nonzero(ok)), expansions=[e.label() for e in plan.used])

    def _concept_weight(self, c: "Concept") -> float:
        """How much a part of the query weighs in coverage: the IDF of its rarest word (a word
        the index has never seen weighs most)."""
        n = max(self._searcher.doc_count_all(), 1)  # an empty index has no IDF (log 0)
        idfs = [math.log(n / (self._searcher.doc_frequency(f, t) + 1)) + 1 for f, t in c.weight_terms]
        return max(idfs) if idfs else 1.0

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


# -- query plans: plain words, phrases and glossary alternates -------------------------------------
@dataclass
class Concept:
    """One part of a query for coverage: a word (in any field), or a phrase."""

    terms: list[tuple[str, str]] = field(default_factory=list)  # plain leaves that satisfy it
    others: list[int] = field(default_factory=list)  # indexes into Plan.other that satisfy it
    weight_terms: list[tuple[str, str]] = field(default_factory=list)  # whose IDF gives its weight


@dataclass
class Plan:
    plain: list[tuple[str, str]]  # (field, term) leaves scored a posting block at a time
    other: list[query.Query]  # phrases, scored by Whoosh and added
    concepts: list[Concept]
    used: list[Expansion]
    extra_terms: set[tuple[str, str]]  # glossary terms, for highlighting


def plan_query(q: query.Query, scorable: set[str], expansions: tuple[Expansion, ...] = ()) -> Optional[Plan]:
    """How to score ``q`` as a sum of parts, or None when it needs Whoosh (AND, NOT, wildcards, ranges)."""
    if type(q) is query.Or and q.boost == 1.0 and getattr(q, "scale", None) is None:
        children = list(q.subqueries)
    else:
        children = [q]
    plain: list[tuple[str, str]] = []
    other: list[query.Query] = []
    concepts: dict[object, Concept] = {}
    for child in children:
        if child.boost != 1.0:
            return None
        if isinstance(child, query.Term) and child.fieldname in scorable and isinstance(child.text, str):
            leaf = (child.fieldname, child.text)
            key = child.text if child.fieldname in ("text", "title") else leaf
            c = concepts.setdefault(key, Concept())
            if leaf not in plain:
                plain.append(leaf)
            c.terms.append(leaf)
            weight = ("text", child.text) if child.fieldname in ("text", "title") else leaf
            if weight not in c.weight_terms:
                c.weight_terms.append(weight)
        elif isinstance(child, query.Phrase) and child.fieldname in scorable:
            other.append(child)
            concepts[("phrase", len(other) - 1)] = Concept(
                others=[len(other) - 1], weight_terms=[(child.fieldname, w) for w in child.words])
        else:
            return None
    used: list[Expansion] = []
    extra: set[tuple[str, str]] = set()
    # Glossary alternates only widen a query of plain words: quotes and fields are demands.
    if expansions and not other and all(f in ("text", "title") for f, _t in plain):
        for e in expansions:
            targets = [concepts[t.text] for w in e.words for t in STEMMED(w) if t.text in concepts]
            if not targets:
                continue
            used.append(e)
            for alt in e.alternates:
                stems = [t.text for t in STEMMED(alt)]
                if not stems:
                    continue
                if len(stems) == 1:
                    leaves = [("text", stems[0]), ("title", stems[0])]
                    for leaf in leaves:
                        if leaf not in plain:
                            plain.append(leaf)
                    for c in targets:
                        c.terms.extend(leaves)
                else:
                    other.append(query.Phrase("text", stems))
                    for c in targets:
                        c.others.append(len(other) - 1)
                extra.update(("text", s) for s in stems)
    return Plan(plain, other, list(concepts.values()), used, extra)
