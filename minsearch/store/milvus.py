"""The Milvus store: the same chunks, vectors and filtered searches, on a Milvus server or cluster.

Three collections per index (``settings.milvus_collection`` = ``NAME``):

``NAME`` (one row per embedding *unit*)
    ``id`` = ``key(chunk_id)~n~gen`` is the primary key (``gen``: the commit that wrote it); every
    unit row repeats its chunk's fields (chunk_id, doc_id, title, section, paragraph, item, start, end, council, committee,
    council_key, committee_key, date, url, source, kind, exact, sketch, nwords) so any row can be
    filtered alone.
    Filters never put a user's string into an expression: documents, chunks, councils and
    committees are matched by ``*_key`` fields holding a SHA-1 of the value (see :func:`key`).
    ``dense`` holds the unit's normalised vector (FLAT index, metric IP). Only unit 0 carries the
    paragraph in ``text`` (``is_primary`` = true); the other units have ``text = ""``. ``words``
    (agenda item title + paragraph, the two fields the embedded store's BM25F searches) is
    analysed (:data:`ANALYZER`) and a BM25 Function turns it into the ``sparse`` field; it is
    empty on the other units, so a chunk is counted once by keyword search however many windows
    it was embedded as. Vector search
    uses ``group_by_field="chunk_id"``: a chunk scores as its best unit, as in :mod:`.vectors`.
``NAME_docs``
    one row per document, primary key ``doc_key`` (the :class:`~.base.DocRecord`), from which ``documents()``, the
    counts of ``info()`` and the facets are computed.
``NAME_meta``
    key/value rows: ``index`` (model, dim, generation counter, last commit time) and ``writer``
    (the advisory writer lease, see :func:`milvus_writer`).

Milvus requires a vector field in every collection: the two small ones carry a 2-dim dummy.

Keyword queries: Milvus's BM25 searches plain words. The Whoosh query language is still parsed
(the same errors, the same ``strict`` fallback, the same highlight terms); the BM25 candidates
are then checked in Python against the structure of the query (AND, NOT, quoted words and
phrases, ``field:value``), so those queries give the same *set* of hits as the embedded store
over the candidate pool. Parts that cannot be checked (date ranges inside the query) are
dropped with a notice. Milvus's BM25 is one field, so a title word weighs as much as a paragraph
word (Whoosh's BM25F gives titles 0.3 of the weight, in their own field).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import numpy as np

from ..config import Settings
from ..glossary import Expansion
from ..ingest.fingerprint import fingerprint
from ..model import Chunk, ChunkMeta, Filters, MinsearchError, coverage_needed
from .base import DocRecord, DocUpdate, Facets, IndexInfo, KeywordResult, VectorResult, facets_of
from .query import bm25_words, highlight_terms, label_key, parse, plan_query, safe_stem, scored_fields

# Byte limits of the VARCHAR fields (Milvus counts bytes); longer values are cut on a character boundary.
_LIMITS = {
    "id": 64, "chunk_id": 1024, "doc_id": 1000, "title": 8192, "section": 256, "text": 65535,
    "council": 1024, "committee": 1024, "council_key": 40, "committee_key": 40, "date": 32,
    "doc_key": 40, "chunk_key": 40,
    "url": 8192, "source": 8192, "hash": 128, "indexed_at": 64, "key": 128, "value": 65535, "words": 65535,
    "kind": 16, "sketch": 512,
}
# Version of the collections' layout, kept in the index meta row. 2: BM25 over title + text ("words").
# 3: a paragraph's kind and wording fingerprints (as the embedded store's ChunkTable); "words" is
#    also indexed for TEXT_MATCH, which gives the document frequencies that weigh coverage.
SCHEMA_VERSION = 3
# As the embedded store's text field: lower-cased, English-stemmed, stopwords kept (phrases need
# them); loose stopwords are left out of queries instead (:func:`.query.bm25_words`). Milvus's "english"
# analyzer drops stopwords from the index and was further from the embedded store's rankings
# (benchmarks/results/scale_out.md).
ANALYZER = {"tokenizer": "standard", "filter": ["lowercase", {"type": "stemmer", "language": "english"}]}
_SCALARS = ("chunk_id", "gen", "doc_id", "title", "section", "paragraph", "item", "start", "end", "text",
            "council", "committee", "date", "url", "source", "kind")
_META_FIELDS = ("chunk_id", "gen", "doc_id", "date", "kind", "exact", "sketch", "nwords")
_DOC_FIELDS = ("doc_id", "hash", "source", "chunks", "title", "council", "committee", "date", "indexed_at")
_DUMMY = [1.0, 0.0]
_BATCH = 512  # rows per insert / ids per "in [...]" expression
_MAX_TOPK = 16384  # Milvus's limit on limit (+ offset)
LEASE_SECONDS = 600.0  # an unrenewed writer lease from a dead writer on another machine expires after this


def _cut(value: str, name: str) -> str:
    limit = _LIMITS[name]
    b = value.encode("utf-8", "surrogatepass")
    if len(b) <= limit:
        return value
    return b[:limit].decode("utf-8", "ignore")


def key(value: str) -> str:
    """What filters compare instead of an id or a label: its SHA-1, 40 hex digits.

    Ids and names can hold any character ("Children's Panel.txt", "King's Lynn"), and the
    Milvus Lite server turns expressions into SQL without escaping a single quote: matching
    on a digest keeps every user string out of the expression text.
    """
    return hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()


def quote(value: str) -> str:
    """A Milvus expression string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_expr(f: Filters) -> str:
    """The :class:`Filters` as a Milvus boolean expression ("" when there are none).

    Same semantics as :meth:`.vectors.ChunkTable.mask`: labels compare by :func:`label_key`,
    dates are ISO strings and a chunk without a date fails any date bound.
    """
    parts: list[str] = []
    if f.council:
        parts.append(f"council_key == {quote(key(label_key(f.council)))}")
    if f.committee:
        parts.append(f"committee_key == {quote(key(label_key(f.committee)))}")
    if f.since:
        parts.append(f'(date != "" and date >= {quote(f.since)})')
    if f.until:
        parts.append(f'(date != "" and date <= {quote(f.until)})')
    if f.doc_id:
        parts.append(f"doc_key == {quote(key(f.doc_id))}")
    if f.exclude_doc_id:
        parts.append(f"doc_key != {quote(key(f.exclude_doc_id))}")
    return " and ".join(parts)


def _and(*exprs: str) -> str:
    return " and ".join(f"({e})" for e in exprs if e)


def _in_keys(field: str, values: list[str]) -> str:
    """``field in [...]`` over the :func:`key` of each value."""
    return f"{field} in [{', '.join(quote(key(v)) for v in values)}]"


def connect(uri: str):
    from pymilvus import MilvusClient

    try:
        # A private connection alias: pymilvus shares one connection per URI by default, and
        # closing any client on it would cut off the others (a writer closing under a searcher).
        return MilvusClient(uri=uri, timeout=5, alias=f"minsearch-{uuid.uuid4().hex}")
    except Exception as e:  # noqa: BLE001 (pymilvus raises many kinds; each is a one-line error)
        raise MinsearchError(f"--milvus-uri {uri}: cannot connect to Milvus ({_reason(e)})") from None


def _reason(e: Exception) -> str:
    msg = getattr(e, "message", None) or str(e)
    return re.sub(r"\s+", " ", msg).strip()[:300]


def _names(collection: str) -> tuple[str, str, str]:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", collection):
        raise MinsearchError(
            f"--milvus-collection: {collection!r} is not a Milvus collection name (letters, digits, _)"
        )
    return collection, f"{collection}_docs", f"{collection}_meta"


def _check_schema(meta: dict, collection: str) -> None:
    if meta and int(meta.get("schema", 1)) != SCHEMA_VERSION:
        raise MinsearchError(
            f"Milvus collection {collection!r} has layout {meta.get('schema', 1)}, this minsearch needs "
            f"{SCHEMA_VERSION}; index into a new --milvus-collection (or drop the old collections) and re-index"
        )


def _query_all(client, collection: str, expr: str, fields: list[str], batch: int = 1000) -> list[dict]:
    """Every row matching ``expr``; past Milvus's 16384-row limit on one query, by iterator."""
    rows = client.query(collection, filter=expr, output_fields=fields, limit=_MAX_TOPK)
    if len(rows) < _MAX_TOPK:
        return [dict(r) for r in rows]
    import logging

    logging.getLogger("pymilvus").setLevel(logging.ERROR)  # the iterator warns about client-side timestamps
    it = client.query_iterator(collection, batch_size=batch, filter=expr, output_fields=fields)
    out: list[dict] = []
    try:
        while True:
            part = it.next()
            if not part:
                break
            out.extend(dict(r) for r in part)
    finally:
        it.close()
    return out


def _first_per_chunk(hits: list[tuple[str, float]]) -> list[tuple[str, float]]:
    seen: set[str] = set()
    out = []
    for c, sc in hits:
        if c not in seen:
            seen.add(c)
            out.append((c, sc))
    return out


def _chunk_of(row: dict) -> Chunk:
    return Chunk(
        chunk_id=row["chunk_id"], doc_id=row["doc_id"], source=row.get("source", ""), title=row.get("title", ""),
        section=row.get("section", ""), paragraph=int(row.get("paragraph", 0)), start=int(row.get("start", 0)),
        end=int(row.get("end", 0)), text=row.get("text", ""), item=int(row.get("item", 1)),
        council=row.get("council", ""), committee=row.get("committee", ""), date=row.get("date", ""),
        url=row.get("url", ""), kind=row.get("kind") or "substance",
    )


# -- keyword queries: Whoosh syntax checked over BM25 candidates ----------------------------------
_WORD = re.compile(r"\w+")


class _Doc:
    """The tokens of one chunk, per field, as the Whoosh analysers would produce them."""

    def __init__(self, c: Chunk) -> None:
        text_words = [w.lower() for w in _WORD.findall(c.text)]
        title_words = [w.lower() for w in _WORD.findall(c.title)]
        self.tokens = {
            "text": [safe_stem(w) for w in text_words],
            "title": [safe_stem(w) for w in title_words],
            "exact": title_words + text_words,
            "council": [w.lower() for w in _WORD.findall(c.council)],
            "committee": [w.lower() for w in _WORD.findall(c.committee)],
            "section": [c.section],
            "doc_id": [c.doc_id],
        }


class _Checker:
    """Evaluates a parsed Whoosh query against one chunk; notes the parts it cannot check."""

    def __init__(self) -> None:
        self.unchecked: set[str] = set()

    def plain(self, q) -> bool:
        """True when the query is only OR-ed words of the default fields (BM25 alone decides)."""
        from whoosh import query

        if isinstance(q, (query.Or, query.DisjunctionMax)):
            return all(self.plain(s) for s in q.subqueries)
        return isinstance(q, query.Term) and q.fieldname in ("text", "title")

    def match(self, q, d: _Doc) -> bool:
        from whoosh import query

        if isinstance(q, query.Not):
            return not self.match(q.query, d)
        if isinstance(q, query.AndNot):
            return self.match(q.a, d) and not self.match(q.b, d)
        if isinstance(q, query.AndMaybe):
            return self.match(q.a, d)
        if isinstance(q, query.Require):
            return self.match(q.a, d) and self.match(q.b, d)
        if isinstance(q, query.And):
            return all(self.match(s, d) for s in q.subqueries)
        if isinstance(q, (query.Or, query.DisjunctionMax)):
            return any(self.match(s, d) for s in q.subqueries)
        if isinstance(q, query.Every):
            return True
        if q is query.NullQuery:
            return False
        field = getattr(q, "fieldname", None)
        toks = d.tokens.get(field) if field else None
        if isinstance(q, query.Term) and toks is not None:
            t = q.text.decode() if isinstance(q.text, bytes) else str(q.text)
            return t.lower() in toks
        if isinstance(q, query.Phrase) and toks is not None:
            words = [w.decode() if isinstance(w, bytes) else str(w) for w in q.words]
            n = len(words)
            return any(toks[i : i + n] == words for i in range(len(toks) - n + 1))
        if isinstance(q, (query.Prefix, query.Wildcard)) and toks is not None:
            t = q.text.decode() if isinstance(q.text, bytes) else str(q.text)
            pattern = t + "*" if isinstance(q, query.Prefix) else t
            return any(fnmatchcase(w, pattern) for w in toks)
        self.unchecked.add(field or q.__class__.__name__)
        return True


class MilvusStore:
    """Read side over a Milvus server. Each call asks Milvus; there are no local generations."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.uri = settings.milvus_uri
        self._chunks, self._docs, self._meta = _names(settings.milvus_collection)
        self._client = connect(self.uri)
        names = (self._chunks, self._docs, self._meta)
        if not all(self._call("opening", self._client.has_collection, n) for n in names):
            self.close()
            raise MinsearchError(
                f"--milvus-uri {self.uri}: no minsearch index in collection {self._chunks!r} "
                f"(run `minsearch index --backend milvus` first)"
            )
        for name in names:
            self._call("loading", self._client.load_collection, name)
        meta = self._call("opening", self._index_meta)
        _check_schema(meta, self._chunks)
        self.model: str = meta.get("model", settings.model)
        self.dim: int = int(meta.get("dim", 0))
        self._idfs: dict[str, float] = {}
        self._n_paragraphs: Optional[int] = None

    def _index_meta(self) -> dict:
        rows = self._client.query(self._meta, filter='key == "index"', output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else {}

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MinsearchError:
            raise
        except Exception as e:  # noqa: BLE001 (pymilvus raises many kinds; each is a one-line error)
            raise MinsearchError(f"Milvus {self.uri} ({self._chunks}): {what} failed ({_reason(e)})") from None

    # -- searching ------------------------------------------------------------------------------
    def keyword_search(self, text: str, filters: Filters, limit: int, strict: bool = True, min_coverage: float = 0.0,
                       expansions: tuple[Expansion, ...] = (), match_words: int = 0) -> KeywordResult:
        q, notices = parse(text, strict=strict)
        terms = sorted(highlight_terms(q))
        plan = plan_query(q, scored_fields(), expansions)
        words = bm25_words(text)
        if plan is not None and plan.used:
            # Glossary alternates widen the BM25 pool as they widen the embedded store's query.
            words = " ".join([words] + [a for e in plan.used for a in e.alternates])
            terms = sorted(set(terms) | plan.extra_terms)
        if not words:
            return KeywordResult(hits=[], total=0, terms=terms, notices=notices)
        checker = _Checker()
        plain = checker.plain(q)
        leaves = [q] if q.is_leaf() else list(q.leaves())
        if any(leaf.__class__.__name__ in ("Prefix", "Wildcard", "FuzzyTerm", "Regex") for leaf in leaves):
            notices.append("The Milvus backend matches whole words only: wildcards and fuzzy terms "
                           "find only paragraphs that also contain the other words of your query.")
        # A structured query is checked over a larger BM25 pool, so the check has enough to keep.
        pool = min(_MAX_TOPK, limit if plain else max(limit * 5, 500))
        expr = _and("is_primary == true", filter_expr(filters))
        res = self._call("keyword search", self._client.search, self._chunks, data=[words], anns_field="sparse",
                         limit=pool, filter=expr, output_fields=["chunk_id"],
                         search_params={"metric_type": "BM25"})
        hits = [(r["entity"]["chunk_id"], float(r["distance"])) for r in res[0]] if res else []
        hits = _first_per_chunk(hits)  # a commit in progress can leave two versions of a paragraph
        found = self.chunks([c for c, _ in hits]) if hits else {}
        if not plain and hits:
            hits = [(c, s) for c, s in hits if c in found and checker.match(q, _Doc(found[c]))]
            if checker.unchecked:
                notices.append("The Milvus backend could not apply the "
                               f"{', '.join(sorted(checker.unchecked))} part of your query; it was ignored.")
        full = len(hits) >= pool
        hits = hits[:limit]
        if plan is None:  # explicit syntax: every hit meets the demand
            coverage = own = {c: 1.0 for c, _s in hits}
        else:
            docs = {c: _Doc(found[c]) for c, _s in hits if c in found}
            coverage, own = self._coverage(plan, docs), self._coverage(plan, docs, own_words=True)
        need = coverage_needed(min_coverage, match_words, len(plan.concepts)) if plan is not None else min_coverage
        covered = sum(1 for c, _s in hits if coverage.get(c, 0.0) >= need - 1e-9)
        # Milvus counts nothing beyond the pool: a full pool means "at least this many".
        return KeywordResult(hits=hits, total=len(hits) + int(full), terms=terms, notices=notices,
                             coverage=coverage, coverage_text=own, covered=covered + int(full),
                             expansions=[e.label() for e in plan.used] if plan is not None else [],
                             words=len(plan.concepts) if plan is not None else 0)

    def _coverage(self, plan, docs: dict[str, "_Doc"], own_words: bool = False) -> dict[str, float]:
        """The share of the query's weight each paragraph contains, as the embedded store counts it
        (``own_words``: not counting its agenda item's title)."""
        # A word in a label field ("council:kirklees") is shared by many paragraphs, like a filter:
        # it weighs the least (Milvus counts words in title and text only).
        weights = [max((self._idf(t) if f in ("text", "title", "exact") else 1.0 for f, t in c.weight_terms),
                       default=1.0) for c in plan.concepts]
        total = sum(weights) or 1.0
        checker = _Checker()
        out: dict[str, float] = {}
        for cid, d in docs.items():
            got = 0.0
            for c, w in zip(plan.concepts, weights):
                if any(t in d.tokens.get(f, ()) for f, t in c.terms if not (own_words and f == "title")) \
                        or any(checker.match(plan.other[i], d) for i in c.others):
                    got += w
            out[cid] = got / total
        return out

    def _idf(self, term: str) -> float:
        """Whoosh's IDF of a stemmed word, from a TEXT_MATCH count over the paragraphs."""
        import math

        if term not in self._idfs:
            n = self._paragraphs()
            try:
                # Only word characters reach the expression (a stemmed query word), in Milvus's
                # single-quoted TEXT_MATCH form.
                safe = " ".join(re.findall(r"\w+", term))
                rows = self._client.query(self._chunks, filter=_and("is_primary == true", f"TEXT_MATCH(words, '{safe}')"),
                                          output_fields=["count(*)"]) if safe else []
                df = int(rows[0]["count(*)"]) if rows else 0
            except Exception:  # noqa: BLE001 (a document frequency Milvus cannot count weighs as a rare word)
                df = 0
            self._idfs[term] = math.log(max(n, 1) / (df + 1)) + 1
        return self._idfs[term]

    def _paragraphs(self) -> int:
        if self._n_paragraphs is None:
            rows = self._call("counting", self._client.query, self._chunks, filter="is_primary == true",
                              output_fields=["count(*)"])
            self._n_paragraphs = int(rows[0]["count(*)"]) if rows else 0
        return self._n_paragraphs

    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int,
                      floor: Optional[float] = None) -> VectorResult:
        vec = np.asarray(vector, dtype=np.float32).ravel().tolist()
        res = self._call("vector search", self._client.search, self._chunks, data=[vec], anns_field="dense",
                         limit=min(limit, _MAX_TOPK), filter=filter_expr(filters), output_fields=["chunk_id"],
                         search_params={"metric_type": "IP"}, group_by_field="chunk_id")
        out = [(r["entity"]["chunk_id"], float(r["distance"])) for r in res[0]] if res else []
        out.sort(key=lambda x: -x[1])
        above = len(out) if floor is None else sum(1 for _c, sc in out if sc >= floor)
        # Counted within the pool: a pool that is all above the floor means "at least this many".
        return VectorResult(out, above + int(above == len(out) and len(out) >= limit))

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        ids = list(dict.fromkeys(chunk_ids))
        out: dict[str, Chunk] = {}
        for s in range(0, len(ids), _BATCH):
            part = ids[s : s + _BATCH]
            rows = self._call("reading chunks", self._client.query, self._chunks,
                              filter=_and(_in_keys("chunk_key", part), "is_primary == true"),
                              output_fields=list(_SCALARS), limit=len(part))
            newest: dict[str, int] = {}
            for r in rows:  # while a commit runs, a paragraph can have rows of two generations
                if r["gen"] >= newest.get(r["chunk_id"], -1):
                    newest[r["chunk_id"]] = r["gen"]
                    out[r["chunk_id"]] = _chunk_of(r)
        return {c: out[c] for c in ids if c in out}

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        rows = self._call("reading a document", _query_all, self._client, self._chunks,
                          _and(f"doc_key == {quote(key(doc_id))}", "is_primary == true"), list(_SCALARS))
        if rows:  # the newest version only, while a commit is replacing the document
            gen = max(r["gen"] for r in rows)
            rows = [r for r in rows if r["gen"] == gen]
        return sorted((_chunk_of(r) for r in rows), key=lambda c: c.paragraph)

    def chunk_vector(self, chunk_id: str) -> Optional[np.ndarray]:
        """The mean of a chunk's unit vectors, normalised (for "more like this")."""
        rows = self._call("reading a vector", self._client.query, self._chunks,
                          filter=f"chunk_key == {quote(key(chunk_id))}", output_fields=["dense", "gen"],
                          limit=_MAX_TOPK)
        if not rows:
            return None
        gen = max(r["gen"] for r in rows)
        v = np.asarray([r["dense"] for r in rows if r["gen"] == gen], dtype=np.float32).mean(axis=0)
        return (v / (np.linalg.norm(v) or 1.0)).astype(np.float32)

    def vector_scores(self, vector: np.ndarray, chunk_ids: Iterable[str]) -> dict[str, float]:
        ids = list(dict.fromkeys(chunk_ids))
        q = np.asarray(vector, dtype=np.float32).ravel()
        best: dict[str, tuple[int, float]] = {}  # chunk -> (generation, best unit score)
        for s in range(0, len(ids), _BATCH):
            part = ids[s : s + _BATCH]
            rows = self._call("reading vectors", self._client.query, self._chunks,
                              filter=_in_keys("chunk_key", part), output_fields=["chunk_id", "dense", "gen"],
                              limit=_MAX_TOPK)
            for r in rows:
                score = float(np.asarray(r["dense"], dtype=np.float32) @ q)
                gen, old = best.get(r["chunk_id"], (-1, -2.0))
                if r["gen"] > gen or (r["gen"] == gen and score > old):
                    best[r["chunk_id"]] = (r["gen"], score)
        return {c: v for c, (_g, v) in best.items()}

    def chunk_meta(self, chunk_ids: Iterable[str]) -> dict[str, ChunkMeta]:
        ids = list(dict.fromkeys(chunk_ids))
        out: dict[str, ChunkMeta] = {}
        newest: dict[str, int] = {}
        for s in range(0, len(ids), _BATCH):
            part = ids[s : s + _BATCH]
            rows = self._call("reading chunk kinds", self._client.query, self._chunks,
                              filter=_and(_in_keys("chunk_key", part), "is_primary == true"),
                              output_fields=list(_META_FIELDS), limit=len(part) * 2)
            for r in rows:  # while a commit runs, a paragraph can have rows of two generations
                if r["gen"] >= newest.get(r["chunk_id"], -1):
                    newest[r["chunk_id"]] = r["gen"]
                    out[r["chunk_id"]] = ChunkMeta(
                        chunk_id=r["chunk_id"], doc_id=r["doc_id"], date=r.get("date", ""),
                        kind=r.get("kind") or "substance", exact=int(r["exact"]) & ((1 << 64) - 1),
                        sketch=bytes.fromhex(r.get("sketch") or ""), words=int(r.get("nwords", 0)))
        return out

    @contextmanager
    def pinned(self) -> Iterator["MilvusStore"]:
        """Milvus serves every query from its latest committed rows: the store is its own view."""
        yield self

    def _doc_records(self) -> list[DocRecord]:
        rows = self._call("reading documents", _query_all, self._client, self._docs, 'doc_id != ""',
                          list(_DOC_FIELDS))
        return [DocRecord(**{k: r[k] for k in _DOC_FIELDS}) for r in rows]

    def facets(self) -> Facets:
        return facets_of(self._doc_records())

    def info(self) -> IndexInfo:
        docs = self._doc_records()
        meta = self._index_meta()
        return IndexInfo(backend="milvus", location=self.uri, generation=str(meta.get("generation", "")),
                         documents=len(docs), chunks=sum(d.chunks for d in docs), model=meta.get("model", self.model),
                         dim=int(meta.get("dim", self.dim)), size_bytes=0, last_indexed=meta.get("updated", ""))

    def refresh(self) -> bool:
        """Milvus serves the latest committed rows to every query: nothing to switch."""
        return False

    def close(self) -> None:
        try:
            self._client.close()
        except Exception:  # noqa: BLE001 (closing a lost connection)
            pass


# -- the write side --------------------------------------------------------------------------------
def _create_collections(client, names: tuple[str, str, str], dim: int) -> None:
    from pymilvus import DataType, Function, FunctionType

    chunks, docs, meta = names
    if not client.has_collection(chunks):
        s = client.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("id", DataType.VARCHAR, is_primary=True, max_length=_LIMITS["id"])
        s.add_field("chunk_id", DataType.VARCHAR, max_length=_LIMITS["chunk_id"])
        s.add_field("chunk_key", DataType.VARCHAR, max_length=_LIMITS["chunk_key"])
        s.add_field("doc_key", DataType.VARCHAR, max_length=_LIMITS["doc_key"])
        s.add_field("unit", DataType.INT64)
        s.add_field("gen", DataType.INT64)
        s.add_field("is_primary", DataType.BOOL)
        s.add_field("doc_id", DataType.VARCHAR, max_length=_LIMITS["doc_id"])
        s.add_field("title", DataType.VARCHAR, max_length=_LIMITS["title"])
        s.add_field("section", DataType.VARCHAR, max_length=_LIMITS["section"])
        s.add_field("paragraph", DataType.INT64)
        s.add_field("item", DataType.INT64)
        s.add_field("start", DataType.INT64)
        s.add_field("end", DataType.INT64)
        s.add_field("text", DataType.VARCHAR, max_length=_LIMITS["text"])
        s.add_field("words", DataType.VARCHAR, max_length=_LIMITS["words"], enable_analyzer=True,
                    enable_match=True, analyzer_params=ANALYZER)
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        for name in ("council_key", "committee_key", "council", "committee", "date", "url", "source"):
            s.add_field(name, DataType.VARCHAR, max_length=_LIMITS[name])
        s.add_field("kind", DataType.VARCHAR, max_length=_LIMITS["kind"])
        s.add_field("exact", DataType.INT64)
        s.add_field("sketch", DataType.VARCHAR, max_length=_LIMITS["sketch"])
        s.add_field("nwords", DataType.INT64)
        s.add_function(Function(name="words_bm25", function_type=FunctionType.BM25,
                                input_field_names=["words"], output_field_names=["sparse"]))
        ip = client.prepare_index_params()
        ip.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        ip.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
        client.create_collection(chunks, schema=s, index_params=ip, consistency_level="Strong")
    if not client.has_collection(docs):
        s = client.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("doc_key", DataType.VARCHAR, is_primary=True, max_length=_LIMITS["doc_key"])
        s.add_field("doc_id", DataType.VARCHAR, max_length=_LIMITS["doc_id"])
        for name in ("hash", "source", "title", "council", "committee", "date", "indexed_at"):
            s.add_field(name, DataType.VARCHAR, max_length=_LIMITS[name])
        s.add_field("chunks", DataType.INT64)
        s.add_field("v", DataType.FLOAT_VECTOR, dim=2)
        ip = client.prepare_index_params()
        ip.add_index(field_name="v", index_type="FLAT", metric_type="IP")
        client.create_collection(docs, schema=s, index_params=ip, consistency_level="Strong")
    if not client.has_collection(meta):
        s = client.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=_LIMITS["key"])
        s.add_field("value", DataType.VARCHAR, max_length=_LIMITS["value"])
        s.add_field("v", DataType.FLOAT_VECTOR, dim=2)
        ip = client.prepare_index_params()
        ip.add_index(field_name="v", index_type="FLAT", metric_type="IP")
        client.create_collection(meta, schema=s, index_params=ip, consistency_level="Strong")
    for name in names:
        client.load_collection(name)


def _unit_rows(u: DocUpdate, gen: int) -> list[dict]:
    rows = []
    seen: Counter = Counter()
    units = np.asarray(u.units, dtype=np.int64)
    vectors = np.asarray(u.vectors, dtype=np.float32)
    prints = [fingerprint(c.text) for c in u.chunks]
    for r, ci in enumerate(units.tolist()):
        c = u.chunks[ci]
        n = seen[ci]
        seen[ci] += 1
        fp = prints[ci]
        rows.append({
            "id": f"{key(c.chunk_id)}~{n}~{gen}", "chunk_id": _cut(c.chunk_id, "chunk_id"), "unit": n, "gen": gen,
            "chunk_key": key(c.chunk_id), "doc_key": key(c.doc_id),
            "is_primary": n == 0, "doc_id": _cut(c.doc_id, "doc_id"), "title": _cut(c.title, "title"),
            "section": _cut(c.section, "section"), "paragraph": int(c.paragraph), "item": int(c.item),
            "start": int(c.start), "end": int(c.end), "text": _cut(c.text, "text") if n == 0 else "",
            "words": _cut(f"{c.title}\n{c.text}", "words") if n == 0 else "",
            "dense": vectors[r].tolist(), "council_key": key(label_key(c.council)),
            "committee_key": key(label_key(c.committee)), "council": _cut(c.council, "council"),
            "committee": _cut(c.committee, "committee"), "date": _cut(c.date or "", "date"),
            "url": _cut(c.url or "", "url"), "source": _cut(c.source or "", "source"),
            "kind": c.kind, "exact": fp.exact - (1 << 64) if fp.exact >= 1 << 63 else fp.exact,
            "sketch": fp.sketch.hex(), "nwords": fp.words,
        })
    missing = set(range(len(u.chunks))) - set(seen)
    if missing:
        raise MinsearchError(f"{u.record.source}: {len(missing)} chunk(s) have no vector")
    return rows


class MilvusWriter:
    """Write side. Use through :func:`milvus_writer`, which holds the writer lock and lease."""

    def __init__(self, settings: Settings, client, dim: int, lease: Optional["_Lease"] = None) -> None:
        self.settings = settings
        self.model = settings.model
        self.dim = dim
        self._client = client
        self._names = _names(settings.milvus_collection)
        self._chunks, self._docs, self._meta = self._names
        self._lease = lease
        _create_collections(client, self._names, dim)
        meta = self._index_meta()
        if meta:
            _check_schema(meta, self._chunks)
        if meta and (meta.get("model") != self.model or int(meta.get("dim", dim)) != dim):
            raise MinsearchError(
                f"Milvus collection {self._chunks!r} was built with model {meta.get('model')!r} "
                f"(dim {meta.get('dim')}), not {self.model!r}; use another --milvus-collection to change model"
            )
        self.live = str(meta.get("generation", "")) if meta else ""

    def _index_meta(self) -> dict:
        rows = self._client.query(self._meta, filter='key == "index"', output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else {}

    def documents(self) -> dict[str, DocRecord]:
        rows = _query_all(self._client, self._docs, 'doc_id != ""', list(_DOC_FIELDS))
        return {r["doc_id"]: DocRecord(**{k: r[k] for k in _DOC_FIELDS}) for r in rows}

    def commit(
        self, upserts: list[DocUpdate], deletes: list[str], progress: Optional[Callable[[str], None]] = None
    ) -> IndexInfo:
        """Apply the changes: new rows first, then remove what they replace.

        Milvus has no transactions, so this is not one atomic switch, but a reader never finds a
        changed document missing: its new rows (tagged with the new generation) are written
        before its older rows are deleted, and in between the read side collapses the two
        versions of a paragraph to one (:meth:`MilvusStore.chunks` prefers the newer). Documents
        change one after another. A crash is repaired by the next run: the document records are
        written last, so a document whose record is old is simply re-indexed, and that run
        deletes every row of another generation.
        """
        say = progress or (lambda _msg: None)
        c = self._client
        for u in upserts:
            if u.vectors.shape[1:] != (self.dim,):
                raise MinsearchError(f"{u.record.source}: vectors of dimension {u.vectors.shape[1:]}, index has {self.dim}")
        try:
            gen = int(self._index_meta().get("generation", 0) or 0) + 1
            now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            say(f"inserting {sum(len(u.units) for u in upserts)} unit rows")
            rows: list[dict] = []
            for u in upserts:
                rows.extend(_unit_rows(u, gen))
                if len(rows) >= _BATCH:
                    c.insert(self._chunks, rows)
                    rows = []
                    self._renew()
            if rows:
                c.insert(self._chunks, rows)
            upsert_ids = [u.record.doc_id for u in upserts]
            say(f"removing old rows of {len(upsert_ids) + len(deletes)} document(s)")
            for s in range(0, len(upsert_ids), _BATCH):
                c.delete(self._chunks, filter=_and(_in_keys("doc_key", upsert_ids[s : s + _BATCH]), f"gen != {gen}"))
                self._renew()
            for s in range(0, len(deletes), _BATCH):
                c.delete(self._chunks, filter=_in_keys("doc_key", deletes[s : s + _BATCH]))
                c.delete(self._docs, filter=_in_keys("doc_key", deletes[s : s + _BATCH]))
                self._renew()
            recs = []
            for u in upserts:
                u.record.indexed_at = u.record.indexed_at or now
                # The collection keeps the fields it was made with: not where a file was read from.
                rec = {k: v for k, v in asdict(u.record).items() if k in _DOC_FIELDS}
                for k in ("doc_id", "hash", "source", "title", "council", "committee", "date", "indexed_at"):
                    rec[k] = _cut(str(rec[k] or ""), k)
                rec["chunks"] = int(rec["chunks"])
                rec["doc_key"] = key(u.record.doc_id)
                rec["v"] = _DUMMY
                recs.append(rec)
            for s in range(0, len(recs), _BATCH):
                c.upsert(self._docs, recs[s : s + _BATCH])
                self._renew()
            value = {"model": self.model, "dim": self.dim, "generation": gen, "updated": now,
                     "schema": SCHEMA_VERSION}
            c.upsert(self._meta, [{"key": "index", "value": json.dumps(value), "v": _DUMMY}])
            say("flushing")
            for name in self._names:
                c.flush(name)
        except MinsearchError:
            raise
        except Exception as e:  # noqa: BLE001 (pymilvus raises many kinds; each is a one-line error)
            raise MinsearchError(
                f"Milvus {self.settings.milvus_uri} ({self._chunks}): writing failed ({_reason(e)}); "
                f"re-run the same `minsearch index` to finish"
            ) from None
        self.live = str(gen)
        docs = self.documents()
        return IndexInfo(backend="milvus", location=self.settings.milvus_uri, generation=str(gen),
                         documents=len(docs), chunks=sum(d.chunks for d in docs.values()), model=self.model,
                         dim=self.dim, size_bytes=0, last_indexed=now)

    def _renew(self) -> None:
        if self._lease is not None:
            self._lease.renew()

    def close(self) -> None:
        pass


class _Lease:
    """An advisory writer lease, as a row of the meta collection, for writers on other machines.

    Milvus has no compare-and-set, so two writers starting in the same instant on two machines
    can both take it (the second read-back narrows that window to a few milliseconds). A writer
    renews it while it commits; one that died stops renewing, and its lease expires after
    :data:`LEASE_SECONDS`.
    """

    def __init__(self, client, meta: str, wait: float) -> None:
        self.client = client
        self.meta = meta
        self.wait = wait
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{time.time_ns()}"
        self._renewed = 0.0

    def _current(self) -> Optional[dict]:
        rows = self.client.query(self.meta, filter='key == "writer"', output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else None

    def _write(self) -> None:
        value = {"holder": self.holder, "expires": time.time() + LEASE_SECONDS,
                 "since": time.strftime("%Y-%m-%d %H:%M:%S")}
        self.client.upsert(self.meta, [{"key": "writer", "value": json.dumps(value), "v": _DUMMY}])
        self._renewed = time.monotonic()

    def acquire(self) -> None:
        from .layout import IndexBusy

        deadline = time.monotonic() + self.wait
        while True:
            cur = self._current()
            if cur is None or cur.get("expires", 0) < time.time() or cur.get("holder") == self.holder:
                self._write()
                time.sleep(0.05)
                cur = self._current()
                if cur and cur.get("holder") == self.holder:
                    return
            if time.monotonic() >= deadline:
                raise IndexBusy(
                    f"Milvus collection {self.meta[:-5]!r}: another `minsearch index` is writing "
                    f"({cur.get('holder', '?') if cur else '?'} since {cur.get('since', '?') if cur else '?'}); "
                    f"wait for it or pass --wait SECONDS"
                )
            time.sleep(0.5)

    def renew(self) -> None:
        if time.monotonic() - self._renewed > LEASE_SECONDS / 10:
            self._write()

    def release(self) -> None:
        try:
            cur = self._current()
            if cur and cur.get("holder") == self.holder:
                self.client.delete(self.meta, filter='key == "writer"')
                self.client.flush(self.meta)
        except Exception:  # noqa: BLE001 (the lease expires by itself)
            pass


@contextmanager
def milvus_writer(settings: Settings, dim: int, wait: float = 0.0) -> Iterator[MilvusWriter]:
    """A writer on ``settings.milvus_collection``, one at a time.

    Two locks: an flock on ``<index_dir>/milvus-<collection>.LOCK`` (exact, for writers on this
    machine: the index folder also holds the query encoder) and a lease row in ``<collection>_meta``
    (advisory, for writers on other machines; see :class:`_Lease`).
    """
    from .layout import WriterLock

    names = _names(settings.milvus_collection)
    home = Path(settings.index_dir)
    with WriterLock(home / f"milvus-{names[0]}.LOCK", wait=wait):
        client = connect(settings.milvus_uri)
        try:
            _create_collections(client, names, dim)
            lease = _Lease(client, names[2], wait)
            lease.acquire()
            try:
                yield MilvusWriter(settings, client, dim, lease)
            finally:
                lease.release()
        finally:
            try:
                client.close()
            except Exception:  # noqa: BLE001 (closing a lost connection)
                pass
