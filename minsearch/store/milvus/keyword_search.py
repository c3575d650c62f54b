"""Keyword search: Milvus's BM25 over the words of a query, then the Whoosh query's structure
checked in Python over the candidates, and each candidate's coverage of the query weighed as
the embedded store weighs it."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Callable, Iterable, Optional

from ...glossary import Expansion
from ...model import Chunk, Filters, coverage_needed
from ..base import KeywordResult
from ..query import bm25_words, highlight_terms, parse, plan_query, safe_stem, scored_fields
from .connection import _Connected
from .expressions import _and, filter_expr
from .schema import _MAX_TOPK


def _first_per_chunk(hits: list[tuple[str, float]]) -> list[tuple[str, float]]:
    seen: set[str] = set()
    out = []
    for c, sc in hits:
        if c not in seen:
            seen.add(c)
            out.append((c, sc))
    return out


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


class _KeywordSearch(_Connected):
    """The keyword view of :class:`~.reader.MilvusStore`."""

    _idfs: dict[str, float]
    _no_text_match: bool = False  # the server cannot count document frequencies (TEXT_MATCH)
    _n_paragraphs: Optional[int]
    chunks: Callable[[Iterable[str]], dict[str, Chunk]]

    def keyword_search(
        self,
        text: str,
        filters: Filters,
        limit: int,
        strict: bool = True,
        min_coverage: float = 0.0,
        expansions: tuple[Expansion, ...] = (),
        match_words: int = 0,
    ) -> KeywordResult:
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
            notices.append(
                "The Milvus backend matches whole words only: wildcards and fuzzy terms "
                "find only paragraphs that also contain the other words of your query."
            )
        # A structured query is checked over a larger BM25 pool, so the check has enough to keep.
        pool = min(_MAX_TOPK, limit if plain else max(limit * 5, 500))
        expr = _and("is_primary == true", filter_expr(filters))
        res = self._call(
            "keyword search",
            self._client.search,
            self._chunks,
            data=[words],
            anns_field="sparse",
            limit=pool,
            filter=expr,
            output_fields=["chunk_id"],
            search_params={"metric_type": "BM25"},
        )
        hits = [(r["entity"]["chunk_id"], float(r["distance"])) for r in res[0]] if res else []
        hits = _first_per_chunk(hits)  # a commit in progress can leave two versions of a paragraph
        found = self.chunks([c for c, _ in hits]) if hits else {}
        if not plain and hits:
            hits = [(c, s) for c, s in hits if c in found and checker.match(q, _Doc(found[c]))]
            if checker.unchecked:
                notices.append(
                    "The Milvus backend could not apply the "
                    f"{', '.join(sorted(checker.unchecked))} part of your query; it was ignored."
                )
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
        return KeywordResult(
            hits=hits,
            total=len(hits) + int(full),
            terms=terms,
            notices=notices,
            coverage=coverage,
            coverage_text=own,
            covered=covered + int(full),
            expansions=[e.label() for e in plan.used] if plan is not None else [],
            words=len(plan.concepts) if plan is not None else 0,
        )

    def _coverage(self, plan, docs: dict[str, "_Doc"], own_words: bool = False) -> dict[str, float]:
        """The share of the query's weight each paragraph contains, as the embedded store counts it
        (``own_words``: not counting its agenda item's title)."""
        # A word in a label field ("council:kirklees") is shared by many paragraphs, like a filter:
        # it weighs the least (Milvus counts words in title and text only).
        weights = [
            max((self._idf(t) if f in ("text", "title", "exact") else 1.0 for f, t in c.weight_terms), default=1.0)
            for c in plan.concepts
        ]
        total = sum(weights) or 1.0
        checker = _Checker()
        out: dict[str, float] = {}
        for cid, d in docs.items():
            got = 0.0
            for c, w in zip(plan.concepts, weights):
                if any(t in d.tokens.get(f, ()) for f, t in c.terms if not (own_words and f == "title")) or any(
                    checker.match(plan.other[i], d)
                    and (not own_words or ((own := plan.own_words(i)) is not None and checker.match(own, d)))
                    for i in c.others
                ):
                    got += w
            out[cid] = got / total
        return out

    def _idf(self, term: str) -> float:
        """Whoosh's IDF of a stemmed word, from a TEXT_MATCH count over the paragraphs."""
        import math

        if term not in self._idfs:
            n = self._paragraphs()
            if self._no_text_match:
                self._idfs[term] = math.log(max(n, 1)) + 1
                return self._idfs[term]
            try:
                # Only word characters reach the expression (a stemmed query word), in Milvus's
                # single-quoted TEXT_MATCH form.
                safe = " ".join(re.findall(r"\w+", term))
                rows = (
                    self._client.query(
                        self._chunks,
                        filter=_and("is_primary == true", f"TEXT_MATCH(words, '{safe}')"),
                        output_fields=["count(*)"],
                    )
                    if safe
                    else []
                )
                df = int(rows[0]["count(*)"]) if rows else 0
            except Exception:  # noqa: BLE001 (a document frequency Milvus cannot count weighs as a rare word)
                # Milvus Lite 2.5.1 refuses every TEXT_MATCH ("invalid parameter"): then every
                # word weighs the same, and the server is not asked (and its error logged) again.
                self._no_text_match = True
                df = 0
            self._idfs[term] = math.log(max(n, 1) / (df + 1)) + 1
        return self._idfs[term]

    def _paragraphs(self) -> int:
        if self._n_paragraphs is None:
            rows = self._call(
                "counting", self._client.query, self._chunks, filter="is_primary == true", output_fields=["count(*)"]
            )
            self._n_paragraphs = int(rows[0]["count(*)"]) if rows else 0
        return self._n_paragraphs
