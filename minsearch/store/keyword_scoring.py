"""BM25F for plain word queries, scored a whole posting list at a time with NumPy.

Most queries people type are a handful of words, which the parser turns into an OR of terms
over ``text`` and ``title``. Whoosh scores those one matching paragraph at a time in Python
(~60 µs each); a long or common-word query over Limerick's 90k paragraphs matches thousands
and took 40-150 ms. This module reads the same Whoosh postings a block (up to 128 postings) at a
time and applies Whoosh's own BM25F formula to whole arrays, giving the same scores and the same
order (ties by document number) in a few milliseconds.

Anything else (phrases, AND/NOT, wildcards, ranges, boosts, field queries on unscored fields)
returns ``None`` from :func:`plain_terms` and is searched by Whoosh itself. The postings reader
uses internals of ``whoosh-reloaded`` 2.7.5 (pinned in pyproject.toml); if they ever differ, the
caller falls back to Whoosh (tests compare both on real indexes).
"""

from __future__ import annotations

import copy
import functools
import io
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np
from whoosh import query, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, _lenfield
from whoosh.matching import ListMatcher
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.searching import Searcher as WhooshSearcher
from whoosh.util.numeric import byte_to_length

_INT = struct.Struct("!i")  # a block's length (whoosh.system.pack_int)
# Whoosh stores each field length as one byte; this table undoes that (lossy) encoding.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class UnsupportedPostings(Exception):
    """The postings are not in the layout this module reads; search with Whoosh instead."""


def plain_terms(q: query.Query, scorable: set[str]) -> Optional[list[tuple[str, str]]]:
    """The (field, term) leaves of ``q`` if it is a term or an OR of terms, else ``None``.

    Only unboosted terms on scored fields qualify: those are exactly the queries whose Whoosh
    score is the sum of one BM25F score per matching term.
    """
    if isinstance(q, query.Term):
        if q.boost != 1.0 or q.fieldname not in scorable or not isinstance(q.text, str):
            return None
        return [(q.fieldname, q.text)]
    if type(q) is query.Or and q.boost == 1.0 and getattr(q, "scale", None) is None:
        out: list[tuple[str, str]] = []
        for sub in q.subqueries:
            leaves = plain_terms(sub, scorable)
            if leaves is None:
                return None
            out.extend(leaves)
        return out or None
    return None


def _blocks(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(doc numbers, term frequencies) of a posting list as Whoosh 3 writes it: a header tag, then
    blocks of (length, its sign marking the last; pickled block info; the block's pickled and
    maybe compressed data). Read from the bytes of the whole list, read at once: Whoosh's matcher
    reads each block's info a few bytes at a time (~19 reads a block through the segment file),
    which was most of the ~940 reads a Cranfield question made."""
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise UnsupportedPostings("posting list header")
    buf = io.BytesIO(data)
    id_parts: list[np.ndarray] = []
    w_parts: list[np.ndarray] = []
    at = 4
    while True:
        (length,) = _INT.unpack_from(data, at)
        last = length < 0
        end = at + _INT.size + abs(length)
        buf.seek(at + _INT.size)
        count, _maxid, _maxweight, compression, _minlength, _maxlength = pickle.load(buf)
        raw = data[buf.tell() : end]
        deltas, weights = pickle.loads(zlib.decompress(raw) if compression else raw)[:2]
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))  # ids are stored as gaps
        if len(ids) != count:
            raise UnsupportedPostings("block length")
        id_parts.append(ids)
        if weights is None:
            w_parts.append(np.ones(count))
        elif isinstance(weights, float):
            w_parts.append(np.full(count, weights))
        else:
            w_parts.append(np.asarray(weights, dtype=np.float64))
        if last:
            break
        at = end
    return np.concatenate(id_parts), np.concatenate(w_parts)


@dataclass
class _Segment:
    reader: Any  # a Whoosh SegmentReader (Whoosh has no type information)
    offset: int
    doc_count_all: int
    live: Optional[np.ndarray]  # False for deleted documents; None when none are deleted


# Posting lists kept per generation, counted in postings (16 bytes each: a doc number and a term
# frequency): 500,000 is ~8 MB, at least five of the longest lists of Limerick's 97,119 paragraphs,
# or every word asked of a small index. A list is read through Whoosh's term index and postings
# file in several small reads, and many of a query's words were asked before: of the 4,472 lists
# Cranfield's 225 questions read in turn, 68% had been read by an earlier one (CISI 58%, MS MARCO
# 10%, the 20 Limerick latency queries 14%); a Cranfield question's keyword search takes 2.3 ms
# with its lists kept, 4.2 ms without.
POSTINGS_KEPT = 500_000


class PostingCache:
    """Posting lists read lately, shared by every searcher of one generation (its files do not
    change). Thread-safe; the arrays it hands out are read-only."""

    def __init__(self, budget: int = POSTINGS_KEPT) -> None:
        self.budget = budget
        self._lists: OrderedDict[tuple[int, str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(
        self, key: tuple[int, str, str], read: Callable[[], tuple[np.ndarray, np.ndarray]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The list of ``key`` (segment, field, term): kept, or ``read()`` and kept."""
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
                return found
        found = read()
        for array in found:
            array.flags.writeable = False
        with self._lock:
            # (a word no paragraph holds counts as one: the words a generation is asked are unbounded)
            if key not in self._lists and len(found[0]) <= self.budget:
                self._lists[key] = found
                self._size += max(1, len(found[0]))
                while self._size > self.budget:
                    self._size -= max(1, len(self._lists.popitem(last=False)[1][0]))
        return found


class PostingScorer:
    """Scores plain term queries over one open Whoosh searcher (one index generation)."""

    def __init__(
        self, searcher: WhooshSearcher, weighting: scoring.BM25F, cache: Optional[PostingCache] = None
    ) -> None:
        """``cache``: the posting lists shared by the generation's searchers (else one of its own)."""
        self._searcher = searcher
        self._cache = cache if cache is not None else PostingCache()
        self._B, self._K1 = weighting.B, weighting.K1
        self._field_B = dict(weighting._field_B)
        self._segments: list[_Segment] = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            live = None
            if reader.has_deletions():
                live = np.ones(reader.doc_count_all(), dtype=bool)
                live[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
            self._segments.append(_Segment(reader, offset, reader.doc_count_all(), live))
        self.doc_count_all = searcher.doc_count_all()
        self._lengths: dict[tuple[int, str], np.ndarray] = {}
        self._skip: frozenset[int] = frozenset()  # segments not read (see within())

    def within(self, allowed: np.ndarray) -> "PostingScorer":
        """This scorer reading only the segments that hold ``allowed`` documents (a re-index's new
        meeting is a small segment of its own): their scores are the same, others are 0."""
        out = copy.copy(self)
        out._skip = frozenset(
            si
            for si, seg in enumerate(self._segments)
            if not allowed[seg.offset : seg.offset + seg.doc_count_all].any()
        )
        return out

    # -- reading ---------------------------------------------------------------------------------
    def _field_lengths(self, si: int, fieldname: str) -> np.ndarray:
        """Per-document length of ``fieldname`` in segment ``si``, as Whoosh scores it."""
        key = (si, fieldname)
        found = self._lengths.get(key)
        if found is None:
            seg = self._segments[si]
            col = seg.reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            raw = np.zeros(seg.doc_count_all, dtype=np.uint8)
            if col is not None:
                if getattr(col, "_fixedlen", None) != 1:
                    raise UnsupportedPostings("length column layout")
                n = min(col._count, seg.doc_count_all)
                raw[:n] = np.frombuffer(col._dbfile.get(col._basepos, n), dtype=np.uint8)
            found = _LENGTH_OF_BYTE[raw]
            self._lengths[key] = found
        return found

    @staticmethod
    def _postings(reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(segment doc numbers, term frequencies) of one term in one segment."""
        if not isinstance(reader, SegmentReader):  # (an empty index's EmptyReader: no postings)
            if (fieldname, text) in reader:
                raise UnsupportedPostings(type(reader).__name__)
            return np.empty(0, np.int64), np.empty(0, np.float64)
        terms = reader._terms
        btext = reader._text_to_bytes(fieldname, text)
        try:
            terminfo = terms.term_info(fieldname, btext)
        except (TermNotFound, KeyError):  # (KeyError: no word of the field is in this segment)
            return np.empty(0, np.int64), np.empty(0, np.float64)
        if terminfo.is_inlined():  # short lists are stored inline in the term info
            m = terms._codec.postings_reader(terms._postfile, terminfo, reader.schema[fieldname].format)
            if not isinstance(m, ListMatcher):
                raise UnsupportedPostings(type(m).__name__)
            inline_ids: list[int] = []
            inline_ws: list[float] = []
            while m.is_active():
                inline_ids.append(m.id())
                inline_ws.append(m.weight())
                m.next()
            return np.asarray(inline_ids, np.int64), np.asarray(inline_ws, np.float64)
        offset, length = terminfo.extent()
        if isinstance(length, tuple):  # whoosh-reloaded 2.7.5 reads it as struct.unpack's 1-tuple
            (length,) = length
        return _blocks(terms._postfile.get(offset, length))

    # -- scoring ---------------------------------------------------------------------------------
    def scores(
        self, terms: list[tuple[str, str]], per_term: Optional[dict[tuple[str, str], np.ndarray]] = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Summed BM25F score of every document, and which documents matched any term.

        ``per_term``: filled with a boolean mask of the documents each term matched.
        """
        total = np.zeros(self.doc_count_all, dtype=np.float64)
        matched = np.zeros(self.doc_count_all, dtype=bool)
        s = self._searcher
        for fieldname, text in terms:
            mine = None
            if per_term is not None:
                mine = per_term[(fieldname, text)] = np.zeros(self.doc_count_all, dtype=bool)
            found = [
                (
                    si,
                    seg,
                    *self._cache.get(
                        (si, fieldname, text), functools.partial(self._postings, seg.reader, fieldname, text)
                    ),
                )
                for si, seg in enumerate(self._segments)
                if si not in self._skip
            ]
            found = [f for f in found if len(f[2])]
            if not found:  # as in Whoosh, a term that matches nothing is not scored (its IDF is undefined)
                continue
            idf = s.idf(fieldname, text)
            avgfl = s.avg_field_length(fieldname) or 1
            B = self._field_B.get(fieldname, self._B)
            K1 = self._K1
            for si, seg, ids, tf in found:
                fl = self._field_lengths(si, fieldname)[ids]
                part = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
                if seg.live is not None:
                    keep = seg.live[ids]
                    ids, part = ids[keep], part[keep]
                total[ids + seg.offset] += part
                matched[ids + seg.offset] = True
                if mine is not None:
                    mine[ids + seg.offset] = True
        return total, matched

    def top(
        self, terms: list[tuple[str, str]], limit: int, allowed: Optional[np.ndarray] = None
    ) -> tuple[list[tuple[int, float]], int]:
        """The best ``limit`` (docnum, score) pairs, best first, and how many documents matched.

        ``allowed``: a boolean mask of documents the filters let through.
        """
        total, matched = self.scores(terms)
        return self.best(total, matched, limit, allowed)

    @staticmethod
    def best(
        total: np.ndarray, matched: np.ndarray, limit: int, allowed: Optional[np.ndarray] = None
    ) -> tuple[list[tuple[int, float]], int]:
        """The best ``limit`` (docnum, score) of ``matched`` documents by ``total``, and their count."""
        matched = matched.copy()
        if allowed is not None:
            matched &= allowed
        idx = np.flatnonzero(matched)
        count = len(idx)
        if count > limit:
            s = total[idx]
            threshold = s[np.argpartition(-s, limit - 1)[:limit]].min()
            idx = idx[s >= threshold]  # keep every tie at the threshold, then order exactly
        order = np.lexsort((idx, -total[idx]))[:limit]  # best score first, ties by doc number
        best = idx[order]
        return [(int(d), float(total[d])) for d in best], count

    def mask(self, docnums) -> np.ndarray:
        out = np.zeros(self.doc_count_all, dtype=bool)
        arr = np.fromiter(docnums, dtype=np.int64)
        if len(arr):
            out[arr] = True
        return out
