"""The three collections' layout (fields, byte limits, indexes, layout version) and the rows
that hold a chunk: :func:`_unit_rows` writes them, :func:`_chunk_of` reads one back."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from ...ingest.fingerprint import fingerprint
from ...model import Chunk, MinsearchError
from ..base import DocUpdate
from ..query import label_key
from .expressions import key

# Byte limits of the VARCHAR fields (Milvus counts bytes); longer values are cut on a character boundary.
_LIMITS = {
    "id": 64,
    "chunk_id": 1024,
    "doc_id": 1000,
    "title": 8192,
    "section": 256,
    "text": 65535,
    "council": 1024,
    "committee": 1024,
    "council_key": 40,
    "committee_key": 40,
    "date": 32,
    "doc_key": 40,
    "chunk_key": 40,
    "url": 8192,
    "source": 8192,
    "hash": 128,
    "indexed_at": 64,
    "key": 128,
    "value": 65535,
    "words": 65535,
    "kind": 16,
    "sketch": 512,
    "item_ref": 256,
    "para_ref": 64,
}
# Version of the collections' layout, kept in the index meta row. 2: BM25 over title + text ("words").
# 3: a paragraph's kind and wording fingerprints (as the embedded store's ChunkTable); "words" is
#    also indexed for TEXT_MATCH, which gives the document frequencies that weigh coverage.
# 4: the source's own numbers and page of a paragraph (item_ref, para_ref, page).
SCHEMA_VERSION = 4
# As the embedded store's text field: lower-cased, English-stemmed, stopwords kept (phrases need
# them); loose stopwords are left out of queries instead (:func:`.query.bm25_words`). Milvus's "english"
# analyzer drops stopwords from the index and was further from the embedded store's rankings
# (benchmarks/results/scale_out.md).
ANALYZER = {"tokenizer": "standard", "filter": ["lowercase", {"type": "stemmer", "language": "english"}]}
_SCALARS = (
    "chunk_id",
    "gen",
    "doc_id",
    "title",
    "section",
    "paragraph",
    "item",
    "start",
    "end",
    "text",
    "council",
    "committee",
    "date",
    "url",
    "source",
    "kind",
    "item_ref",
    "para_ref",
    "page",
)
_META_FIELDS = ("chunk_id", "gen", "doc_id", "date", "kind", "exact", "sketch", "nwords", "item")
_DOC_FIELDS = ("doc_id", "hash", "source", "chunks", "title", "council", "committee", "date", "indexed_at")
_DUMMY = [1.0, 0.0]
_BATCH = 512  # rows per insert / ids per "in [...]" expression
_MAX_TOPK = 16384  # Milvus's limit on limit (+ offset)


def _cut(value: str, name: str) -> str:
    limit = _LIMITS[name]
    b = value.encode("utf-8", "surrogatepass")
    if len(b) <= limit:
        return value
    return b[:limit].decode("utf-8", "ignore")


def _names(collection: str) -> tuple[str, str, str]:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", collection):
        raise MinsearchError(
            f"{collection!r} is not a Milvus collection name (letters, digits, _)", param="milvus-collection"
        )
    return collection, f"{collection}_docs", f"{collection}_meta"


def _check_schema(meta: dict, collection: str) -> None:
    if meta and int(meta.get("schema", 1)) != SCHEMA_VERSION:
        raise MinsearchError(
            f"Milvus collection {collection!r} has layout {meta.get('schema', 1)}, this minsearch needs "
            f"{SCHEMA_VERSION}; index into a new --milvus-collection (or drop the old collections) and re-index"
        )


def _chunk_of(row: dict) -> Chunk:
    return Chunk(
        chunk_id=row["chunk_id"],
        doc_id=row["doc_id"],
        source=row.get("source", ""),
        title=row.get("title", ""),
        section=row.get("section", ""),
        paragraph=int(row.get("paragraph", 0)),
        start=int(row.get("start", 0)),
        end=int(row.get("end", 0)),
        text=row.get("text", ""),
        item=int(row.get("item", 1)),
        council=row.get("council", ""),
        committee=row.get("committee", ""),
        date=row.get("date", ""),
        url=row.get("url", ""),
        kind=row.get("kind") or "substance",
        item_ref=row.get("item_ref") or "",
        para_ref=row.get("para_ref") or "",
        page=int(row.get("page") or 0),
    )


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
        s.add_field(
            "words",
            DataType.VARCHAR,
            max_length=_LIMITS["words"],
            enable_analyzer=True,
            enable_match=True,
            analyzer_params=ANALYZER,
        )
        s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        for name in ("council_key", "committee_key", "council", "committee", "date", "url", "source"):
            s.add_field(name, DataType.VARCHAR, max_length=_LIMITS[name])
        s.add_field("kind", DataType.VARCHAR, max_length=_LIMITS["kind"])
        s.add_field("item_ref", DataType.VARCHAR, max_length=_LIMITS["item_ref"])
        s.add_field("para_ref", DataType.VARCHAR, max_length=_LIMITS["para_ref"])
        s.add_field("page", DataType.INT64)
        s.add_field("exact", DataType.INT64)
        s.add_field("sketch", DataType.VARCHAR, max_length=_LIMITS["sketch"])
        s.add_field("nwords", DataType.INT64)
        s.add_function(
            Function(
                name="words_bm25",
                function_type=FunctionType.BM25,
                input_field_names=["words"],
                output_field_names=["sparse"],
            )
        )
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
        rows.append(
            {
                "id": f"{key(c.chunk_id)}~{n}~{gen}",
                "chunk_id": _cut(c.chunk_id, "chunk_id"),
                "unit": n,
                "gen": gen,
                "chunk_key": key(c.chunk_id),
                "doc_key": key(c.doc_id),
                "is_primary": n == 0,
                "doc_id": _cut(c.doc_id, "doc_id"),
                "title": _cut(c.title, "title"),
                "section": _cut(c.section, "section"),
                "paragraph": int(c.paragraph),
                "item": int(c.item),
                "start": int(c.start),
                "end": int(c.end),
                "text": _cut(c.text, "text") if n == 0 else "",
                "words": _cut(f"{c.title}\n{c.text}", "words") if n == 0 else "",
                "dense": vectors[r].tolist(),
                "council_key": key(label_key(c.council)),
                "committee_key": key(label_key(c.committee)),
                "council": _cut(c.council, "council"),
                "committee": _cut(c.committee, "committee"),
                "date": _cut(c.date or "", "date"),
                "url": _cut(c.url or "", "url"),
                "source": _cut(c.source or "", "source"),
                "kind": c.kind,
                "item_ref": _cut(c.item_ref, "item_ref"),
                "para_ref": _cut(c.para_ref, "para_ref"),
                "page": int(c.page),
                "exact": fp.exact - (1 << 64) if fp.exact >= 1 << 63 else fp.exact,
                "sketch": fp.sketch.hex(),
                "nwords": fp.words,
            }
        )
    missing = set(range(len(u.chunks))) - set(seen)
    if missing:
        raise MinsearchError(f"{u.record.source}: {len(missing)} chunk(s) have no vector")
    return rows
