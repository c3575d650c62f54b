"""The write side: :class:`MilvusWriter` (new rows first, then remove what they replace) and
:func:`milvus_writer`, which holds the lock and the lease around it."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterator, Optional

import numpy as np

from ...config import Settings
from ...model import MinsearchError
from ..base import DocRecord, DocUpdate, IndexInfo
from ..lexicon import Embed
from .connection import _query_all, _reason, connect
from .expressions import _and, _in_keys, key
from .lease import _Lease
from .schema import (
    _BATCH,
    _DOC_FIELDS,
    _DUMMY,
    SCHEMA_VERSION,
    _check_schema,
    _create_collections,
    _cut,
    _names,
    _unit_rows,
)


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

    # The collections hold paragraph vectors only; a page encodes its excerpts' sentences.
    keeps_sentences = False

    def known_vectors(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """None found: the collection keeps no unit keys (every changed document is embedded)."""
        return np.zeros(len(keys), dtype=bool), np.zeros((0, self.dim), dtype=np.float32)

    def lacks_lexicon(self) -> bool:
        """Never: this store keeps no lexicon."""
        return False

    def commit(
        self,
        upserts: list[DocUpdate],
        deletes: list[str],
        progress: Optional[Callable[[str], None]] = None,
        embed_words: Optional[Embed] = None,
    ) -> IndexInfo:
        """Apply the changes: new rows first, then remove what they replace. (``embed_words`` is
        not used: Milvus's BM25 keeps no list of the index's words to build a lexicon from.)

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
                raise MinsearchError(
                    f"{u.record.source}: vectors of dimension {u.vectors.shape[1:]}, index has {self.dim}"
                )
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
            value = {"model": self.model, "dim": self.dim, "generation": gen, "updated": now, "schema": SCHEMA_VERSION}
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
        return IndexInfo(
            backend="milvus",
            location=self.settings.milvus_uri,
            generation=str(gen),
            documents=len(docs),
            chunks=sum(d.chunks for d in docs.values()),
            model=self.model,
            dim=self.dim,
            size_bytes=0,
            last_indexed=now,
        )

    def _renew(self) -> None:
        if self._lease is not None:
            self._lease.renew()

    def close(self) -> None:
        pass


@contextmanager
def milvus_writer(settings: Settings, dim: int, wait: float = 0.0) -> Iterator[MilvusWriter]:
    """A writer on ``settings.milvus_collection``, one at a time.

    Two locks: an flock on ``<index_dir>/milvus-<collection>.LOCK`` (exact, for writers on this
    machine: the index folder also holds the query encoder) and a lease row in ``<collection>_meta``
    (advisory, for writers on other machines; see :class:`_Lease`).
    """
    from ..layout import WriterLock

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
