"""The keyword view: a Whoosh index of chunks (BM25F, English stemming, phrases, fields).

Two analyses of the same text sit side by side: ``text`` (stemmed, for recall) and ``exact``
(lower-cased, unstemmed, for quoted words and phrases: ``"worthing"`` must not match "worth").
Neither drops stopwords, because ``StemmingAnalyzer()`` with its default stoplist renumbers
positions and makes ``"with child"`` match any "child" (see FIELD-NOTES).
"""
from __future__ import annotations

import itertools
import math
import re
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Iterable, Iterator, Optional

import numpy as np
from whoosh import collectors, fields, index, qparser, query, scoring
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StandardAnalyzer
from whoosh.searching import Searcher as WhooshSearcher

from ..glossary import Expansion
from ..model import Chunk, Filters, IndexUnavailable, MinsearchError, coverage_needed
from ..words import STOPWORDS, safe_stem
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




class SafeStem(Filter):
    """The Porter stem of each word, unless that would make a content word into a function word:
    "AED" (defibrillators) stems to "a", "one" to "on", "using" to "us"; such a stem matches nearly
    every paragraph and is left out of queries, so the word would be lost. The word stays whole."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for t in tokens:
            if not t.stopped:
                t.text = safe_stem(t.text)
            yield t


STEMMED = RegexTokenizer(r"[\w\*]+(\.?[\w\*]+)*") | LowercaseFilter() | WholeAmounts() | SafeStem()
UNSTEMMED = StandardAnalyzer(stoplist=None, minsize=1) | WholeAmounts()
LABEL = StandardAnalyzer(stoplist=None, minsize=1)

# Bump when the analysis of text changes (the tokens an index holds): benchmark caches key on it.
ANALYSIS_VERSION = 2  # 2: whole amounts ("820.00" also "820"), no stem that is a function word
# Fields scored by BM25F (the ones a query's words and phrases are searched in).
SCORED_FIELDS = frozenset({"text", "title", "exact"})
# Fields a user can name in a query (``title:budget``); the rest are internal.
QUERY_FIELDS = ("text", "title", "exact", "council", "committee", "section", "date", "doc_id")
MAX_QUERY_CHARS = 1000
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2)
RECENT_CHUNKS = 4096  # paragraphs kept decoded per open index (a few MB)
# Words the wildcards and ranges of one query may expand to, together. Unbounded, ``e*`` took
# 23.5 s and ``text:[a to z]`` 17 s on Limerick, and ``text:[a to z] exact:[a to z]`` 10.9 s on a
# 2,500-paragraph index of 30,000 words; a prefix of two letters expands to a few hundred.
MAX_EXPANSION = 500
# Seconds a keyword search that Whoosh scores (phrases, AND/NOT, wildcards, ranges) may run before
# it is stopped with the results found so far; a plain-words query is scored in NumPy in milliseconds.
QUERY_BUDGET = 2.0
# Whoosh searchers per open generation: as many keyword searches run at once (see KeywordIndex).
MAX_SEARCHERS = 8


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


@lru_cache(maxsize=1)
def scored_fields() -> frozenset[str]:
    """The fields of :func:`schema` that BM25F scores (a query's words may name any of them)."""
    return frozenset(name for name, f in schema().items() if f.scorable)


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
        _refuse_leading_wildcards(q)
    except Exception as e:  # Whoosh raises bare Exception for bad dates and ranges
        if strict:
            if isinstance(e, LeadingWildcard):
                raise QuerySyntaxError(f"query: {e}") from None
            raise QuerySyntaxError(f"query syntax: {e} (quote the words to search them literally)") from None
        # The words the user meant to find, without the broken syntax: a range such as
        # "date:[foo to bar]" is dropped whole (its bounds are not search words), field names go.
        kept = _FIELD_PREFIX.sub(" ", _RANGE.sub(" ", text))
        words = " ".join(re.findall(r"\w+", kept)) or " ".join(re.findall(r"\w+", text))
        if not words:
            raise QuerySyntaxError("query has no words to search") from None
        plain = qparser.MultifieldParser(["text", "title"], sch, group=qparser.OrGroup)
        plain.remove_plugin_class(qparser.FieldsPlugin)
        plain.remove_plugin_class(qparser.WildcardPlugin)
        q = plain.parse(words)
        if isinstance(e, LeadingWildcard):
            notices.append(f"Your query could not be searched as written: {e}; searched the plain words instead.")
        else:
            notices.append(f"Your query could not be read as search syntax ({e}); searched the plain words instead.")
    return q, notices


class LeadingWildcard(ValueError):
    """A wildcard before the first letter: it would scan every word of the index."""


def _refuse_leading_wildcards(q: query.Query) -> None:
    """``*e*``, ``?x``, ``text:*`` and ``*`` are matched against every word of a field (57 s for
    ``*e*`` on Limerick); a pattern must start with at least one letter."""
    for leaf in _leaves(q):
        pattern = None
        if isinstance(leaf, query.Every):
            pattern = f"{leaf.fieldname}:*" if leaf.fieldname else "*"
        elif isinstance(leaf, (query.Wildcard, query.Prefix)) and (not leaf.text or leaf.text[0] in "*?"):
            pattern = leaf.text if isinstance(leaf, query.Wildcard) else leaf.text + "*"
        if pattern is not None:
            raise LeadingWildcard(f"{pattern!r} starts with a wildcard, which would scan every word in the index; "
                                  f"put at least one letter first (e.g. e*)")


def _leaves(q: query.Query) -> Iterator[query.Query]:
    if q.is_leaf():
        yield q
        return
    for sub in q.children():
        yield from _leaves(sub)


class _Expanded(query.MultiTerm):
    """A wildcard or range, expanded once to a bounded list of words (:func:`bound_expansions`).

    Whoosh would expand the pattern again for every matcher, and builds one matcher per word
    before it looks at a single paragraph (5.6 s for the 57,000 words of ``text:[a to z]
    exact:[a to z]`` on a 2,500-paragraph index). This one searches the list it was given,
    scored exactly as the pattern it replaces (constant score for wildcards and ranges), and
    stops building matchers at the query's deadline.
    """

    def __init__(self, original: query.MultiTerm, words: list[bytes], deadline: float) -> None:
        self.fieldname = original.fieldname
        self.text = getattr(original, "text", "")
        self.boost = original.boost
        self.constantscore = original.constantscore
        self.words = words
        self.deadline = deadline

    def _btexts(self, ixreader) -> Iterator[bytes]:
        return iter(self.words)

    def matcher(self, searcher, context=None):
        # As MultiTerm.matcher, with terms that check the deadline before reading their postings.
        from whoosh import matching
        from whoosh.searching import SearchContext

        qs = [_DeadlineTerm(self.fieldname, w, self.deadline) for w in self.words if w]
        if not qs:
            return matching.NullMatcher()
        if len(qs) == 1:
            return qs[0].matcher(searcher, context)
        if self.constantscore:
            context = context.set(weighting=None) if context else SearchContext(weighting=None)
        return query.Or(qs, boost=self.boost).matcher(searcher, context)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, _Expanded) and self.fieldname == other.fieldname and self.words == other.words
                and self.boost == other.boost and self.constantscore == other.constantscore)

    def __hash__(self) -> int:
        return hash((self.fieldname, tuple(self.words), self.boost))

    def __repr__(self) -> str:
        return f"_Expanded({self.fieldname!r}, {len(self.words)} words)"


class _DeadlineTerm(query.Term):
    def __init__(self, fieldname: str, text: bytes, deadline: float) -> None:
        super().__init__(fieldname, text)
        self.deadline = deadline

    def matcher(self, searcher, context=None):
        if time.monotonic() > self.deadline:
            raise collectors.TimeLimit
        return super().matcher(searcher, context)


def _pattern_label(q: query.MultiTerm) -> str:
    if isinstance(q, query.Prefix):
        return f"{q.text}*"
    if isinstance(q, query.TermRange):
        return f"[{q.start or ''} to {q.end or ''}]"
    return str(getattr(q, "text", "")) or q.__class__.__name__


def _until(words: Iterator[bytes], deadline: float) -> Iterator[bytes]:
    """``words`` until the deadline passes (checked every 256 words: a clock read is ~50 ns)."""
    for i, w in enumerate(words):
        if not i % 256 and time.monotonic() > deadline:
            return
        yield w


def bound_expansions(q: query.Query, reader, limit: int,
                     deadline: float = float("inf")) -> tuple[query.Query, list[str]]:
    """Expand every wildcard and range of ``q`` against ``reader``: at most ``limit`` words per field.

    The bound is shared equally by the patterns the user typed (``e* AND t*``: 250 words each,
    in ``text`` and in ``title``), words are taken in the index's (alphabetical) order, and a
    notice says when a pattern was cut short. Returns the rewritten query and the notices.
    """
    patterns = len({_pattern_label(leaf) for leaf in _leaves(q) if isinstance(leaf, query.MultiTerm)})
    share = max(1, limit // max(1, patterns))
    notices: list[str] = []

    def visit(sub: query.Query) -> query.Query:
        if isinstance(sub, query.MultiTerm) and not isinstance(sub, _Expanded):
            words = list(itertools.islice(_until(sub._btexts(reader), deadline), share + 1))
            if len(words) > share:
                words = words[:share]
                if not notices:
                    hint = "Narrow the range" if isinstance(sub, query.TermRange) else \
                        "Type more letters before the *"
                    shared = f" (this query's {patterns} wildcards and ranges share {limit})" if patterns > 1 else ""
                    notices.append(f"{_pattern_label(sub)!r} matches more than {share} words; only the first {share} "
                                   f"(alphabetically) were searched{shared}. {hint} to find the rest.")
            return _Expanded(sub, words, deadline)
        if sub.is_leaf():
            return sub
        return sub.apply(visit)

    return visit(q), notices




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
        # The last moment of the day (adding a day to 9999-12-31 overflowed).
        end = datetime.combine(date.fromisoformat(f.until), dtime.max) if f.until else None
        parts.append(query.DateRange("date", start, end))
    if f.doc_id:
        parts.append(query.Term("doc_id", f.doc_id))
    if f.exclude_doc_id:
        parts.append(query.Not(query.Term("doc_id", f.exclude_doc_id)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.And(parts)


@dataclass
class _Reader:
    """One Whoosh searcher and what is derived from it; used by one thread at a time."""

    searcher: WhooshSearcher
    postings: Optional[PostingScorer] = None  # built on the first plain-words query


class KeywordIndex:
    """A read view of one generation's Whoosh index. Thread-safe.

    Whoosh's file objects read by seek-then-read on one shared handle, so two threads reading
    the same searcher at once can get each other's bytes (seen as zlib errors under four
    concurrent page requests). Each search therefore takes a searcher of its own from a small
    pool (up to ``MAX_SEARCHERS``, opened as needed, each with its own file handles), so one
    slow query no longer holds up every other keyword search of the generation.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            self._ix = index.open_dir(str(folder))
            first = _Reader(self._ix.searcher(weighting=WEIGHTING))
            # Index.schema re-reads the table of contents from disk on every call (~6 ms).
            self._schema = self._ix.schema
        except Exception as e:
            from .layout import damaged

            raise damaged(Path(getattr(e, "filename", None) or folder), e) from e
        # For tools and tests that read Whoosh directly, one thread at a time.
        self._searcher = first.searcher
        self._scorable = {name for name, f in self._schema.items() if f.scorable}
        self._pool = threading.Condition()
        self._idle: list[_Reader] = [first]
        self._open = 1  # searchers opened (idle or in use) or being opened
        self._closed = False
        self._can_grow = True  # False once opening another searcher failed (e.g. the folder was removed)
        self._chunk_ids: dict[int, str] = {}  # doc number -> chunk id, filled as hits are seen
        self._cache_lock = threading.Lock()
        # Paragraphs recently shown: pages, "more like this" and repeated searches ask for the same
        # ones again, and reading one from Whoosh (a lookup and a zlib'd pickle) costs ~30 µs.
        self._recent: OrderedDict[str, Chunk] = OrderedDict()

    @contextmanager
    def _reader(self) -> Iterator[_Reader]:
        """A searcher for this thread alone: an idle one, a new one (up to ``MAX_SEARCHERS``), or
        the next one another thread gives back."""
        reader = self._checkout()
        try:
            yield reader
        finally:
            with self._pool:
                if self._closed:
                    reader.searcher.close()
                else:
                    self._idle.append(reader)
                    self._pool.notify()

    def _checkout(self) -> _Reader:
        while True:
            with self._pool:
                while True:
                    if self._closed:
                        raise IndexUnavailable(f"{self.folder}: keyword index is closed")
                    if self._idle:
                        return self._idle.pop()
                    if self._can_grow and self._open < MAX_SEARCHERS:
                        self._open += 1
                        break
                    self._pool.wait()
            try:  # opening reads the table of contents and opens the segment files (a few ms)
                return _Reader(self._ix.searcher(weighting=WEIGHTING))
            except Exception:
                # A generation retired while this request was in flight may have had its folder
                # removed by the writer: keep to the searchers already open.
                with self._pool:
                    self._open -= 1
                    self._can_grow = False

    def close(self) -> None:
        with self._pool:
            self._closed = True
            idle, self._idle = self._idle, []
            self._pool.notify_all()
        for reader in idle:
            reader.searcher.close()

    @property
    def schema(self) -> fields.Schema:
        return self._schema

    def doc_count(self) -> int:
        with self._reader() as r:
            return r.searcher.doc_count()

    def search(self, text: str, filters: Filters, limit: int, strict: bool = True, min_coverage: float = 0.0,
               expansions: tuple[Expansion, ...] = (), match_words: int = 0) -> KeywordResult:
        """The best ``limit`` paragraphs for ``text`` (Whoosh query language), with coverage.

        ``expansions`` (glossary groups the query names) are searched beside the words they
        stand for, in a query of plain words and phrases; explicit syntax (AND, NOT, fields) is
        searched as written. ``min_coverage``, ``match_words``: what ``covered`` counts (see
        :class:`~.base.KeywordResult` and :func:`~minsearch.model.coverage_needed`).
        """
        q, notices = parse(text, self._schema, strict=strict)
        plan = plan_query(q, self._scorable, expansions)
        found = {(f, t.decode("utf-8") if isinstance(t, bytes) else str(t))
                 for f, t in q.iter_all_terms() if f in ("text", "title", "exact")}
        terms = sorted(found | (plan.extra_terms if plan is not None else set()))
        fq = filter_query(filters)
        deadline = time.monotonic() + QUERY_BUDGET
        with self._reader() as r:
            if plan is not None:
                try:
                    return self._concept_search(r, plan, fq, limit,
                                                coverage_needed(min_coverage, match_words, len(plan.concepts)),
                                                terms, notices)
                except UnsupportedPostings:
                    pass  # postings in a layout keyword_scoring does not read: Whoosh scores them
            q, bounded = bound_expansions(q, r.searcher.reader(), MAX_EXPANSION, deadline)
            return self._whoosh_search(r, q, fq, limit, terms, notices + bounded, deadline)

    def _whoosh_search(self, r: _Reader, q: query.Query, fq: Optional[query.Query], limit: int,
                       terms: list[tuple[str, str]], notices: list[str], deadline: float) -> KeywordResult:
        """Explicit syntax (AND, NOT, fields, wildcards, ranges), scored by Whoosh within the budget."""
        # What is left of the budget is checked between matching paragraphs (and by each expanded
        # word's matcher); no SIGALRM, which only the main thread may use: this runs in worker threads.
        timed = collectors.TimeLimitCollector(r.searcher.collector(limit=limit, filter=fq),
                                              max(0.001, deadline - time.monotonic()), use_alarm=False)
        try:
            r.searcher.search_with_collector(q, timed)
        except collectors.TimeLimit:
            notices = notices + [f"This search took longer than {QUERY_BUDGET:g} s and was stopped, so the results "
                                 f"may be incomplete; use fewer wildcards or ranges."]
            inner = timed
            while isinstance(inner, collectors.WrappingCollector):
                inner = inner.child
            if not hasattr(inner, "matcher"):  # stopped while building its matchers: nothing found yet
                return KeywordResult(hits=[], total=0, terms=terms, notices=notices)
        res = timed.results()
        hits = [(hit["chunk_id"], float(hit.score)) for hit in res]
        total = res.estimated_length()
        # Explicit syntax is a demand every hit meets: each covers the query.
        return KeywordResult(hits=hits, total=total, terms=terms, notices=notices,
                             coverage={c: 1.0 for c, _s in hits}, coverage_text={c: 1.0 for c, _s in hits},
                             covered=total)

    def _concept_search(self, r: _Reader, plan: "Plan", fq: Optional[query.Query], limit: int, min_coverage: float,
                        terms: list[tuple[str, str]], notices: list[str]) -> KeywordResult:
        """Plain words, phrases and glossary alternates, scored as Whoosh scores an OR of them
        (the sum of each part's BM25F), with each paragraph's coverage of the query."""
        if r.postings is None:
            r.postings = PostingScorer(r.searcher, WEIGHTING)
        scorer = r.postings
        per_term: dict[tuple[str, str], np.ndarray] = {}
        total, matched = scorer.scores(plan.plain, per_term)
        other: list[np.ndarray] = []
        other_scores: list[np.ndarray] = []
        for i, oq in enumerate(plan.other):  # phrases: selective, so Whoosh scores all their matches fast
            mask = np.zeros(scorer.doc_count_all, dtype=bool)
            found = np.zeros(scorer.doc_count_all, dtype=np.float64)
            for hit in r.searcher.search(oq, limit=None):
                found[hit.docnum] = float(hit.score)
                mask[hit.docnum] = True
            other.append(mask)
            other_scores.append(found)
            if i < plan.own_phrases():
                total += found
                matched |= mask
        for g in plan.synonyms:
            # A paragraph with the alternate scores as if it had the query's words (capped at the best
            # score those words get), and one with both gets the better of the two, not their sum.
            alt, alt_matched = scorer.scores(g.plain, per_term)
            for i in g.others:
                alt = alt + other_scores[i]
                alt_matched |= other[i]
            own = scorer.scores(g.words)[0]
            cap = own.max() if own.any() else alt.max(initial=0.0)
            total += np.maximum(0.0, np.minimum(alt, cap) - own)
            matched |= alt_matched
        weights = np.array([self._concept_weight(r, c) for c in plan.concepts], dtype=np.float64)
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
        allowed = scorer.mask(r.searcher.docs_for_query(fq)) if fq is not None else None
        best, count = scorer.best(total, matched, limit, allowed)
        ok = matched & (coverage >= min_coverage - 1e-9)
        if allowed is not None:
            ok &= allowed
        hits = [(self._chunk_id(r, d), score) for d, score in best]
        cov = {cid: float(coverage[d]) for (cid, _s), (d, _x) in zip(hits, best)}
        own_cov = {cid: float(coverage_text[d]) for (cid, _s), (d, _x) in zip(hits, best)}
        return KeywordResult(hits=hits, total=count, terms=terms, notices=notices, coverage=cov,
                             coverage_text=own_cov, covered=int(np.count_nonzero(ok)),
                             expansions=[e.label() for e in plan.used], words=len(plan.concepts))

    def _concept_weight(self, r: _Reader, c: "Concept") -> float:
        """How much a part of the query weighs in coverage: the IDF of its rarest word (a word
        the index has never seen weighs most)."""
        n = max(r.searcher.doc_count_all(), 1)  # an empty index has no IDF (log 0)
        idfs = [math.log(n / (r.searcher.doc_frequency(f, t) + 1)) + 1 for f, t in c.weight_terms]
        return max(idfs) if idfs else 1.0

    def _chunk_id(self, r: _Reader, docnum: int) -> str:
        found = self._chunk_ids.get(docnum)
        if found is None:
            found = self._chunk_ids[docnum] = r.searcher.stored_fields(docnum)["chunk_id"]
        return found

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        wanted = list(chunk_ids)
        out: dict[str, Chunk] = {}
        missing: list[str] = []
        recent = self._recent
        with self._cache_lock:
            for cid in wanted:
                found = recent.get(cid)
                if found is None:
                    missing.append(cid)
                else:
                    recent.move_to_end(cid)
                    out[cid] = replace(found)  # a copy: callers may not change the cached one
        if missing:
            read: dict[str, Chunk] = {}
            with self._reader() as r:
                for cid in missing:
                    # document_number() reads one posting; document() runs a query per id.
                    n = r.searcher.document_number(chunk_id=cid)
                    if n is not None:
                        read[cid] = chunk_from_stored(r.searcher.stored_fields(n))
            with self._cache_lock:
                for cid, found in read.items():
                    recent[cid] = found
                    if len(recent) > RECENT_CHUNKS:
                        recent.popitem(last=False)
            out.update({cid: replace(found) for cid, found in read.items()})
        return {cid: out[cid] for cid in wanted if cid in out}

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        with self._reader() as r:
            found = [chunk_from_stored(d) for d in r.searcher.documents(doc_id=doc_id)]
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
class Synonyms:
    """Glossary alternates of some of the query's words: a paragraph with an alternate scores as if
    it had those words (the better of the two, never both added up)."""

    words: list[tuple[str, str]]  # the query's own leaves this group stands for
    plain: list[tuple[str, str]] = field(default_factory=list)  # one-word alternates
    others: list[int] = field(default_factory=list)  # phrase alternates (indexes into Plan.other)


@dataclass
class Plan:
    plain: list[tuple[str, str]]  # (field, term) leaves scored a posting block at a time
    other: list[query.Query]  # phrases, scored by Whoosh (the query's own, then glossary ones)
    concepts: list[Concept]
    used: list[Expansion]
    extra_terms: set[tuple[str, str]]  # glossary terms, for highlighting
    synonyms: list[Synonyms] = field(default_factory=list)

    def own_phrases(self) -> int:
        """How many of ``other`` are the query's own (the rest are glossary alternates)."""
        return len(self.other) - sum(len(g.others) for g in self.synonyms)


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
    synonyms: list[Synonyms] = []
    # Glossary alternates only widen a query of plain words: quotes and fields are demands.
    if expansions and not other and all(f in ("text", "title") for f, _t in plain):
        for e in expansions:
            keys = [t.text for w in e.words for t in STEMMED(w) if t.text in concepts]
            if not keys:
                continue
            used.append(e)
            targets = [concepts[k] for k in keys]
            group = Synonyms(words=[leaf for c in targets for leaf in c.terms])
            for alt in e.alternates:
                stems = [t.text for t in STEMMED(alt)]
                if not stems or (len(stems) == 1 and stems[0] in concepts):
                    continue
                if len(stems) == 1:
                    leaves = [("text", stems[0]), ("title", stems[0])]
                    group.plain.extend(leaf for leaf in leaves if leaf not in group.plain)
                    for c in targets:
                        c.terms.extend(leaves)
                else:
                    other.append(query.Phrase("text", stems))
                    group.others.append(len(other) - 1)
                    for c in targets:
                        c.others.append(len(other) - 1)
                extra.update(("text", s) for s in stems)
            synonyms.append(group)
    return Plan(plain, other, list(concepts.values()), used, extra, synonyms)
