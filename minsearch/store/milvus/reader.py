"""The read side: :class:`MilvusStore`, the keyword and vector views plus chunks, documents,
facets and counts."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional

from ...config import Settings
from ...model import Chunk, ChunkMeta, Filters, MinsearchError
from ..base import DocRecord, Facets, IndexInfo, facets_of
from ..lexicon import Lexicon
from .connection import _query_all, connect
from .expressions import _and, _in_keys, filter_expr, key, quote
from .keyword_search import _KeywordSearch
from .schema import _BATCH, _DOC_FIELDS, _META_FIELDS, _SCALARS, _check_schema, _chunk_of, _names
from .vector_search import _VectorSearch


class MilvusStore(_KeywordSearch, _VectorSearch):
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
                f"{{milvus-uri}} {self.uri}: no minsearch index in collection {self._chunks!r} "
                f"(run `minsearch index --backend milvus` first)",
                mentions=("milvus-uri",),
                status=503,
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

    def _newest_rows(self, what: str, chunk_ids: Iterable[str], fields: Iterable[str]) -> dict[str, dict]:
        """Each paragraph's row of its newest generation: while a commit runs, a paragraph can
        have rows of two generations (so each batch asks for up to two rows per paragraph)."""
        ids = list(dict.fromkeys(chunk_ids))
        out: dict[str, dict] = {}
        for s in range(0, len(ids), _BATCH):
            part = ids[s : s + _BATCH]
            rows = self._call(
                what,
                self._client.query,
                self._chunks,
                filter=_and(_in_keys("chunk_key", part), "is_primary == true"),
                output_fields=list(fields),
                limit=len(part) * 2,
            )
            for r in rows:
                if r["gen"] >= out.get(r["chunk_id"], {}).get("gen", -1):
                    out[r["chunk_id"]] = r
        return {c: out[c] for c in ids if c in out}

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        return {c: _chunk_of(r) for c, r in self._newest_rows("reading chunks", chunk_ids, _SCALARS).items()}

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        rows = self._call(
            "reading a document",
            _query_all,
            self._client,
            self._chunks,
            _and(f"doc_key == {quote(key(doc_id))}", "is_primary == true"),
            list(_SCALARS),
        )
        if rows:  # the newest version only, while a commit is replacing the document
            gen = max(r["gen"] for r in rows)
            rows = [r for r in rows if r["gen"] == gen]
        return sorted((_chunk_of(r) for r in rows), key=lambda c: c.paragraph)

    def numbered(self, refs: list[str], filters: Filters, limit: int) -> list[str]:
        if not refs or limit <= 0:
            return []
        rows = self._call(
            "finding a numbered item",
            self._client.query,
            self._chunks,
            # (refs are made by minsearch.searching.reference: "minute 298", letters, digits and dots)
            filter=_and(
                f"item_ref in [{', '.join(quote(r) for r in refs)}]", filter_expr(filters), "is_primary == true"
            ),
            output_fields=["chunk_id", "gen", "doc_id", "paragraph"],
            limit=min(16384, 2 * limit),
        )
        newest: dict[str, dict] = {}  # (a paragraph has rows of two generations while a commit runs)
        for r in rows:
            if r["gen"] >= newest.get(r["chunk_id"], {}).get("gen", -1):
                newest[r["chunk_id"]] = r
        ordered = sorted(newest.values(), key=lambda r: (r["doc_id"], int(r["paragraph"])))
        return [r["chunk_id"] for r in ordered][:limit]

    def chunk_meta(self, chunk_ids: Iterable[str]) -> dict[str, ChunkMeta]:
        return {
            c: ChunkMeta(
                chunk_id=r["chunk_id"],
                doc_id=r["doc_id"],
                date=r.get("date", ""),
                kind=r.get("kind") or "substance",
                exact=int(r["exact"]) & ((1 << 64) - 1),
                sketch=bytes.fromhex(r.get("sketch") or ""),
                words=int(r.get("nwords", 0)),
                item=int(r.get("item", 0)),
            )
            for c, r in self._newest_rows("reading chunk kinds", chunk_ids, _META_FIELDS).items()
        }

    @contextmanager
    def pinned(self) -> Iterator["MilvusStore"]:
        """Milvus serves every query from its latest committed rows: the store is its own view."""
        yield self

    def _doc_records(self) -> list[DocRecord]:
        rows = self._call("reading documents", _query_all, self._client, self._docs, 'doc_id != ""', list(_DOC_FIELDS))
        return [DocRecord(**{k: r[k] for k in _DOC_FIELDS}) for r in rows]

    def facets(self) -> Facets:
        return facets_of(self._doc_records())

    def documents(self) -> dict[str, DocRecord]:
        return {d.doc_id: d for d in self._doc_records()}

    def corrections(
        self, words: list[str], limit: int = 3, leave: Optional[Callable[[str], bool]] = None
    ) -> Optional[dict[str, list[str]]]:
        """Not supported: Milvus's BM25 keeps no list of the index's words to correct from, so
        "did you mean" is not offered with this backend (None, not an empty answer)."""
        return None

    def lexicon(self) -> Optional[Lexicon]:
        """None: Milvus's BM25 keeps no list of the index's words (as for :meth:`corrections`),
        so a query's words are not widened to the index's nearest words with this backend."""
        return None

    def info(self) -> IndexInfo:
        docs = self._doc_records()
        meta = self._index_meta()
        return IndexInfo(
            backend="milvus",
            location=self.uri,
            generation=str(meta.get("generation", "")),
            documents=len(docs),
            chunks=sum(d.chunks for d in docs),
            model=meta.get("model", self.model),
            dim=int(meta.get("dim", self.dim)),
            size_bytes=0,
            last_indexed=meta.get("updated", ""),
        )

    @property
    def generation(self) -> str:
        """The commit counter Milvus keeps with the index (asked each time: there is no local copy
        to switch, and a commit by another process changes it)."""
        return str(self._call("reading", self._index_meta).get("generation", ""))

    def refresh(self) -> bool:
        """Milvus serves the latest committed rows to every query: nothing to switch."""
        return False

    def close(self) -> None:
        try:
            self._client.close()
        except Exception:  # noqa: BLE001 (closing a lost connection)
            pass
