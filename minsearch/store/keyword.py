"""The keyword view: a Whoosh index of chunks (BM25F, English stemming, phrases, fields).

The fields, their analysis and the query language are in :mod:`.query` (the Milvus store
answers the same language); this module reads and writes the Whoosh index and scores queries.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from bisect import bisect_left
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Callable, Iterator, Optional

import numpy as np
from whoosh import collectors, fields, index, query, scoring
from whoosh.automata.lev import levenshtein_automaton
from whoosh.searching import Searcher as WhooshSearcher
from whoosh.writing import IndexWriter

from ..glossary import Expansion
from ..model import Chunk, Filters, IndexUnavailable, coverage_needed
from ..words import safe_stem
from .base import KeywordResult
from .keyword_scoring import PostingCache, PostingScorer, UnsupportedPostings
from .postings import CompactCodec
from .query import (
    Concept,
    Plan,
    SafeStem,  # noqa: F401  An index pickles its schema, analyzers by module path: indexes built
    WholeAmounts,  # noqa: F401  before the query language moved to .query name these two here.
    highlight_terms,
    label_key,
    leaves,
    parse,
    plan_query,
    schema,
)
from .vectors import ChunkTable, chunk_key

WEIGHTING = scoring.BM25F(B=0.75, K1=1.2)
# Words the wildcards and ranges of one query may expand to, together. Unbounded, ``e*`` took
# 23.5 s and ``text:[a to z]`` 17 s on Limerick, and ``text:[a to z] exact:[a to z]`` 10.9 s on a
# 2,500-paragraph index of 30,000 words; a prefix of two letters expands to a few hundred.
MAX_EXPANSION = 500
# Seconds a keyword search that Whoosh scores (phrases, AND/NOT, wildcards, ranges) may run before
# it is stopped with the results found so far; a plain-words query is scored in NumPy in milliseconds.
QUERY_BUDGET = 2.0
# Whoosh searchers per open generation: as many keyword searches run at once (see KeywordIndex).
MAX_SEARCHERS = 8


def chunk_fields(c: Chunk) -> dict:
    """What the keyword index holds of ``c``: the fields it searches and filters on, and its key
    (:func:`~.vectors.chunk_key`), by which the chunk table finds the rest. Nothing is stored:
    the paragraph's record is in ``paragraphs.bin`` (:mod:`.paragraphs`)."""
    doc = dict(
        key=chunk_key(c.chunk_id),
        doc_id=c.doc_id,
        title=c.title,
        section=c.section,
        text=c.text,
        exact=f"{c.title}\n{c.text}",
        council=c.council,
        committee=c.committee,
        council_key=label_key(c.council),
        committee_key=label_key(c.committee),
    )
    if c.date:
        doc["date"] = datetime.fromisoformat(c.date)
    return doc


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
        return (
            isinstance(other, _Expanded)
            and self.fieldname == other.fieldname
            and self.words == other.words
            and self.boost == other.boost
            and self.constantscore == other.constantscore
        )

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


def bound_expansions(
    q: query.Query, reader, limit: int, deadline: float = float("inf")
) -> tuple[query.Query, list[str]]:
    """Expand every wildcard and range of ``q`` against ``reader``: at most ``limit`` words per field.

    The bound is shared equally by the patterns the user typed (``e* AND t*``: 250 words each,
    in ``text`` and in ``title``), words are taken in the index's (alphabetical) order, and a
    notice says when a pattern was cut short. Returns the rewritten query and the notices.
    """
    patterns = len({_pattern_label(leaf) for leaf in leaves(q) if isinstance(leaf, query.MultiTerm)})
    share = max(1, limit // max(1, patterns))
    notices: list[str] = []

    def visit(sub: query.Query) -> query.Query:
        if isinstance(sub, query.MultiTerm) and not isinstance(sub, _Expanded):
            words = list(itertools.islice(_until(sub._btexts(reader), deadline), share + 1))
            if len(words) > share:
                words = words[:share]
                if not notices:
                    hint = "Narrow the range" if isinstance(sub, query.TermRange) else "Type more letters before the *"
                    shared = f" (this query's {patterns} wildcards and ranges share {limit})" if patterns > 1 else ""
                    notices.append(
                        f"{_pattern_label(sub)!r} matches more than {share} words; only the first {share} "
                        f"(alphabetically) were searched{shared}. {hint} to find the rest."
                    )
            return _Expanded(sub, words, deadline)
        if sub.is_leaf():
            return sub
        return sub.apply(visit)

    return visit(q), notices


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (a swap of two letters is one edit): small words only."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def words_within(words: list[str], typed: str, edits: int) -> list[str]:
    """The words of the sorted list ``words`` at most ``edits`` (1 or 2) edits from ``typed`` by
    :func:`edit_distance` (a swap of two letters is one edit), sorted. Whoosh's Levenshtein
    automaton, walked over the list as Whoosh walks its term file, finds insertions, deletions
    and substitutions; a swap is one more automaton from ``typed`` with the two letters swapped.
    Whoosh's own corrector reads the term file in small reads (on Limerick 69 ms a misspelt word
    on average, 0.3-0.5 s for one two edits away) and its ``ListCorrector`` skips words ("aple"
    did not find "apple")."""
    if not words or not typed:
        return []
    found = set(_automaton_walk(words, typed, edits))
    swapped = _swaps(typed)
    for once in swapped:
        found.update(_automaton_walk(words, once, edits - 1) if edits > 1 else _present(words, [once]))
    if edits > 1:
        found.update(_present(words, [twice for once in swapped for twice in _swaps(once)]))
    return sorted(w for w in found if edit_distance(typed, w) <= edits)


def _swaps(word: str) -> list[str]:
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1) if word[i] != word[i + 1]]


def _present(words: list[str], candidates: list[str]) -> list[str]:
    at = [bisect_left(words, c) for c in candidates]
    return [c for c, i in zip(candidates, at) if i < len(words) and words[i] == c]


def _automaton_walk(words: list[str], typed: str, edits: int) -> list[str]:
    """The words within ``edits`` insertions, deletions and substitutions of ``typed``."""
    if edits == 0:
        return _present(words, [typed])
    dfa = levenshtein_automaton(typed, edits, 0).to_dfa()
    found: list[str] = []
    at = 0
    match = dfa.next_valid_string(words[0])
    while match:
        at = bisect_left(words, match, at)
        if at == len(words):
            break
        word = words[at]
        if word == match:
            found.append(word)
            word += "\0"  # the next match sorts after this word
        match = dfa.next_valid_string(word)
    return found


def _keeps_letters(typed: str, word: str) -> bool:
    """Every letter typed is in ``word``, in order: a letter was left out ("dentl" -> "dental")."""
    it = iter(word)
    return all(ch in it for ch in typed)


# Two edits turn one short word into another real one ("fouling" -> "housing", "cheks" ->
# "chris"): a word shorter than this is corrected by one edit (a swap counts as one) at most.
TWO_EDITS_FROM = 8
# Two edits of a long word walk one automaton per pair of neighbouring letters: 40-160 ms for a
# word of 10-13 letters on Limerick, 470 ms for 30 (random letters), 4.7 s for 120. No word of
# the minutes' is longer than this and misspelt twice; a longer one is offered one edit at most.
TWO_EDITS_UP_TO = 20
# Words of one query corrected at most (the first ones the index lacks): each costs up to ~0.15 s
# at two edits, and a query lacking more words than this is not a typo (nonsense, another language).
CORRECTED_WORDS = 6
# Unknown words whose closest spellings one generation remembers: paging, re-sorting or filtering
# a misspelt query searched its spellings again (40-160 ms a word at two edits on Limerick), and
# a generation's words never change. Each entry is a word and a few candidates.
REMEMBERED_SPELLINGS = 4096


def closest_spellings(typed: str, frequency: dict[str, int]) -> list[str]:
    """Candidate words best first: fewest edits, then those that keep every typed letter (a
    missed letter is the commonest slip), then those with the same letters (two swapped), then
    those with the typed first letter (rarely the slip: "colections" is "collection", not
    "elections"), then the most paragraphs. Numbers are never offered, nor more than one edit
    for a short word (:data:`TWO_EDITS_FROM`)."""
    most = 2 if len(typed) >= TWO_EDITS_FROM else 1
    edits = {w: edit_distance(typed, w) for w in frequency if frequency[w] > 0 and not w.isdigit() and w != typed}
    return sorted(
        (w for w, n in edits.items() if n <= most),
        key=lambda w: (
            edits[w],
            not _keeps_letters(typed, w),
            sorted(w) != sorted(typed),  # two letters swapped ("recieve")
            w[:1] != typed[:1],
            -frequency[w],
            w,
        ),
    )


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
    if f.doc_ids is not None:
        parts.append(query.Or([query.Term("doc_id", d) for d in f.doc_ids]) if f.doc_ids else query.NullQuery)
    if f.section:
        parts.append(query.Term("section", f.section))
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

    def __init__(self, folder: Path, table: ChunkTable) -> None:
        self.folder = folder
        self.table = table  # the generation's chunk table: Whoosh's paragraphs name their rows by key
        try:
            self._ix = open_readable(folder)
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
        self._rows: Optional[np.ndarray] = None  # Whoosh doc number -> table row (see _doc_rows)
        self._posting_cache = PostingCache()  # the posting lists read lately, for every searcher
        # Guards what is read lazily once per generation (_rows, _spellings) and _closest.
        self._rows_lock = threading.Lock()
        self._spellings: Optional[list[str]] = None  # the words of ``exact``, sorted (see corrections)
        # Unknown word -> its closest spellings, best first (see corrections), oldest first.
        self._closest: OrderedDict[str, list[str]] = OrderedDict()

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
            except Exception:  # noqa: BLE001 (a retired generation's files may be gone: keep to the open searchers)
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

    def search(
        self,
        text: str,
        filters: Filters,
        limit: int,
        strict: bool = True,
        min_coverage: float = 0.0,
        expansions: tuple[Expansion, ...] = (),
        match_words: int = 0,
    ) -> KeywordResult:
        """The best ``limit`` paragraphs for ``text`` (Whoosh query language), with coverage.

        ``expansions`` (glossary groups the query names) are searched beside the words they
        stand for, in a query of plain words and phrases; explicit syntax (AND, NOT, fields) is
        searched as written. ``min_coverage``, ``match_words``: what ``covered`` counts (see
        :class:`~.base.KeywordResult` and :func:`~minsearch.model.coverage_needed`).
        """
        q, notices = parse(text, self._schema, strict=strict)
        plan = plan_query(q, self._scorable, expansions)
        terms = sorted(highlight_terms(q) | (plan.extra_terms if plan is not None else set()))
        fq = filter_query(filters)
        deadline = time.monotonic() + QUERY_BUDGET
        with self._reader() as r:
            if plan is not None:
                try:
                    return self._concept_search(
                        r,
                        plan,
                        fq,
                        limit,
                        coverage_needed(min_coverage, match_words, len(plan.concepts)),
                        terms,
                        notices,
                        few_documents=filters.doc_ids is not None,
                    )
                except UnsupportedPostings:
                    pass  # postings in a layout keyword_scoring does not read: Whoosh scores them
            q, bounded = bound_expansions(q, r.searcher.reader(), MAX_EXPANSION, deadline)
            return self._whoosh_search(r, q, fq, limit, terms, notices + bounded, deadline)

    def _whoosh_search(
        self,
        r: _Reader,
        q: query.Query,
        fq: Optional[query.Query],
        limit: int,
        terms: list[tuple[str, str]],
        notices: list[str],
        deadline: float,
    ) -> KeywordResult:
        """Explicit syntax (AND, NOT, fields, wildcards, ranges), scored by Whoosh within the budget."""
        # What is left of the budget is checked between matching paragraphs (and by each expanded
        # word's matcher); no SIGALRM, which only the main thread may use: this runs in worker threads.
        timed = collectors.TimeLimitCollector(
            r.searcher.collector(limit=limit, filter=fq), max(0.001, deadline - time.monotonic()), use_alarm=False
        )
        try:
            r.searcher.search_with_collector(q, timed)
        except collectors.TimeLimit:
            notices = notices + [
                f"This search took longer than {QUERY_BUDGET:g} s and was stopped, so the results "
                f"may be incomplete; use fewer wildcards or ranges."
            ]
            inner = timed
            while isinstance(inner, collectors.WrappingCollector):
                inner = inner.child
            if not hasattr(inner, "matcher"):  # stopped while building its matchers: nothing found yet
                return KeywordResult(hits=[], total=0, terms=terms, notices=notices)
        res = timed.results()
        hits = [(self._chunk_id(r, hit.docnum), float(hit.score)) for hit in res]
        total = res.estimated_length()
        # Explicit syntax is a demand every hit meets: each covers the query.
        return KeywordResult(
            hits=hits,
            total=total,
            terms=terms,
            notices=notices,
            coverage={c: 1.0 for c, _s in hits},
            coverage_text={c: 1.0 for c, _s in hits},
            covered=total,
        )

    def _concept_search(
        self,
        r: _Reader,
        plan: "Plan",
        fq: Optional[query.Query],
        limit: int,
        min_coverage: float,
        terms: list[tuple[str, str]],
        notices: list[str],
        few_documents: bool = False,
    ) -> KeywordResult:
        """Plain words, phrases and glossary alternates, scored as Whoosh scores an OR of them
        (the sum of each part's BM25F), with each paragraph's coverage of the query.

        ``few_documents``: the filters let through a few documents only (saved searches over a
        re-index's new meeting): only the segments holding them are read."""
        if r.postings is None:
            r.postings = PostingScorer(r.searcher, WEIGHTING, self._posting_cache)
        scorer = r.postings
        allowed = scorer.mask(r.searcher.docs_for_query(fq)) if fq is not None else None
        if few_documents and allowed is not None:
            scorer = scorer.within(allowed)
        per_term: dict[tuple[str, str], np.ndarray] = {}
        total, matched = scorer.scores(plan.plain, per_term)
        other: list[np.ndarray] = []
        other_scores: list[np.ndarray] = []
        own_masks: list[np.ndarray] = []  # where each phrase is in the paragraph's own words
        for i, oq in enumerate(plan.other):  # phrases: selective, so Whoosh scores all their matches fast
            mask = np.zeros(scorer.doc_count_all, dtype=bool)
            found = np.zeros(scorer.doc_count_all, dtype=np.float64)
            for hit in r.searcher.search(oq, limit=None):
                found[hit.docnum] = float(hit.score)
                mask[hit.docnum] = True
            other.append(mask)
            other_scores.append(found)
            own_q = plan.own_words(i)
            if own_q is oq:
                own_masks.append(mask)
            else:
                own_mask = np.zeros(scorer.doc_count_all, dtype=bool)
                if own_q is not None and mask.any():
                    own_mask[[hit.docnum for hit in r.searcher.search(own_q, limit=None)]] = True
                own_masks.append(own_mask & mask)
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
                own |= own_masks[i]
            covered_weight[mask] += w
            covered_text[own] += w
        total_weight = weights.sum()
        coverage = covered_weight / total_weight if total_weight > 0 else matched.astype(np.float64)
        coverage_text = covered_text / total_weight if total_weight > 0 else matched.astype(np.float64)
        best, count = scorer.best(total, matched, limit, allowed)
        ok = matched & (coverage >= min_coverage - 1e-9)
        if allowed is not None:
            ok &= allowed
        hits = [(self._chunk_id(r, d), score) for d, score in best]
        cov = {cid: float(coverage[d]) for (cid, _s), (d, _x) in zip(hits, best)}
        own_cov = {cid: float(coverage_text[d]) for (cid, _s), (d, _x) in zip(hits, best)}
        return KeywordResult(
            hits=hits,
            total=count,
            terms=terms,
            notices=notices,
            coverage=cov,
            coverage_text=own_cov,
            covered=int(np.count_nonzero(ok)),
            expansions=[e.label() for e in plan.used],
            words=len(plan.concepts),
        )

    def _concept_weight(self, r: _Reader, c: "Concept") -> float:
        """How much a part of the query weighs in coverage: the IDF of its rarest word (a word
        the index has never seen weighs most)."""
        n = max(r.searcher.doc_count_all(), 1)  # an empty index has no IDF (log 0)
        idfs = [math.log(n / (r.searcher.doc_frequency(f, t) + 1)) + 1 for f, t in c.weight_terms]
        return max(idfs) if idfs else 1.0

    def _chunk_id(self, r: _Reader, docnum: int) -> str:
        rows = self._rows if self._rows is not None else self._doc_rows(r)
        row = int(rows[docnum]) if docnum < len(rows) else -1
        if row < 0:
            from .layout import damaged

            raise damaged(self.folder, KeyError(f"paragraph {docnum} of the keyword index is not in the chunk table"))
        return self.table.chunk_id_at(row)

    def chunk_id_of(self, docnum: int) -> str:
        """The chunk id of Whoosh document number ``docnum`` (for tools that search Whoosh directly)."""
        with self._reader() as r:
            return self._chunk_id(r, docnum)

    def _doc_rows(self, r: _Reader) -> np.ndarray:
        """The table row of every Whoosh document number (-1 for none), read once from the key
        column (8 bytes a paragraph) of this generation; every searcher of it numbers alike."""
        with self._rows_lock:
            if self._rows is None:
                reader = r.searcher.reader()
                keys = np.fromiter(reader.column_reader("key"), dtype=np.uint64, count=reader.doc_count_all())
                self._rows = self.table.rows_of_keys(keys)
            return self._rows

    def corrections(
        self, words: list[str], limit: int = 3, leave: Optional[Callable[[str], bool]] = None
    ) -> dict[str, list[str]]:
        """For each of ``words`` that no paragraph contains, the index's words closest in
        spelling (see :func:`closest_spellings`). Words are looked up in ``exact`` (every word of
        the texts and titles, lower-cased and unstemmed), so a correction is a word as printed.
        A word whose stem the texts hold is searched as it is and is not corrected: Kent prints
        "Abstain (3)", and "who abstained on the vapes motion" (which finds those lines) was
        offered "Did you mean: who abstain ...". ``leave``: see :meth:`~.base.StoreView.corrections`."""
        out: dict[str, list[str]] = {}
        with self._reader() as r:
            reader = r.searcher.reader()
            unknown = 0
            for w in dict.fromkeys(words):
                if not w or reader.doc_frequency("exact", w) > 0 or (leave is not None and leave(w)):
                    continue
                if reader.doc_frequency("text", safe_stem(w)) > 0:
                    continue
                unknown += 1
                if unknown > CORRECTED_WORDS:
                    break
                out[w] = self._closest_to(reader, w)[:limit]
        return out

    def _closest_to(self, reader, word: str) -> list[str]:
        """The closest spellings of ``word`` (not in the index), best first; remembered for this
        generation (:data:`REMEMBERED_SPELLINGS` words)."""
        with self._rows_lock:
            found = self._closest.get(word)
        if found is not None:
            return found
        known = self._spelling_list(reader)
        # The words within one edit, else two (only a word long enough may be offered at two:
        # closest_spellings), ranked here: Whoosh orders by frequency alone, offering "rent" for "dentl".
        near = words_within(known, word, 1)
        if not near and TWO_EDITS_FROM <= len(word) <= TWO_EDITS_UP_TO:
            near = words_within(known, word, 2)
        found = closest_spellings(word, {c: reader.doc_frequency("exact", c) for c in near})
        with self._rows_lock:
            self._closest[word] = found
            if len(self._closest) > REMEMBERED_SPELLINGS:
                self._closest.popitem(last=False)
        return found

    def _spelling_list(self, reader) -> list[str]:
        """The words of ``exact``, sorted, read once per generation (26,808 on Limerick, 83 ms)."""
        with self._rows_lock:
            if self._spellings is None:
                words = (w.decode("utf-8") if isinstance(w, bytes) else w for w in reader.lexicon("exact"))
                self._spellings = sorted(words)
            return self._spellings


def create(folder: Path) -> index.Index:
    folder.mkdir(parents=True, exist_ok=True)
    return index.create_in(str(folder), schema())


def open_readable(folder: Path) -> index.Index:
    """The index for searching, read through ordinary file handles rather than a memory map:
    Whoosh copies each memory-mapped segment's postings and terms into its own memory (~100 MB
    on Limerick) for every searcher it opens, in every server worker; read through a handle the
    OS page cache holds them once for all (measured: searches as fast, 157 MB less per worker)."""
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(folder), supports_mmap=False).open_index()


def open_writable(folder: Path) -> index.Index:
    return index.open_dir(str(folder))


def writer(ix: index.Index) -> IndexWriter:
    """A writer of new segments in the compact postings format (:mod:`.postings`)."""
    return ix.writer(limitmb=256, procs=1, codec=CompactCodec())


def frequent_words(folder: Path, min_paragraphs: int, keep: Callable[[str], bool]) -> list[str]:
    """The words of ``exact`` (lower case, as printed) in the Whoosh index in ``folder`` that
    ``keep`` accepts and at least ``min_paragraphs`` paragraphs hold, sorted (Limerick: 13,903 of
    26,621 words, 0.3 s). Paragraphs deleted but not yet merged away still count: a word only
    they hold is offered, and finds nothing."""
    out = []
    with open_readable(folder).reader() as reader:
        for raw, info in reader.iter_field("exact"):
            w = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if keep(w) and info.doc_frequency() >= min_paragraphs:
                out.append(w)
    return out
