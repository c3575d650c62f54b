"""The client connection, one-line errors, and reading every row of a query."""

from __future__ import annotations

import re
import uuid
from typing import Any

from ...model import MinsearchError
from .schema import _MAX_TOPK


def connect(uri: str):
    from pymilvus import MilvusClient

    try:
        # A private connection alias: pymilvus shares one connection per URI by default, and
        # closing any client on it would cut off the others (a writer closing under a searcher).
        return MilvusClient(uri=uri, timeout=5, alias=f"minsearch-{uuid.uuid4().hex}")
    except Exception as e:  # noqa: BLE001 (pymilvus raises many kinds; each is a one-line error)
        raise MinsearchError(
            f"{{milvus-uri}} {uri}: cannot connect to Milvus ({_reason(e)})", mentions=("milvus-uri",)
        ) from None


def _reason(e: Exception) -> str:
    msg = getattr(e, "message", None) or str(e)
    return re.sub(r"\s+", " ", msg).strip()[:300]


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


class _Connected:
    """What the read side's parts share: the client, the collections, and :meth:`_call`."""

    uri: str
    _client: Any
    _chunks: str
    _docs: str
    _meta: str

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MinsearchError:
            raise
        except Exception as e:  # noqa: BLE001 (pymilvus raises many kinds; each is a one-line error)
            raise MinsearchError(f"Milvus {self.uri} ({self._chunks}): {what} failed ({_reason(e)})") from None
