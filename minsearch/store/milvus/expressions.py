"""Filters as Milvus boolean expressions, with every user string kept out of the expression text."""

from __future__ import annotations

import hashlib

from ...model import Filters
from ..query import label_key


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
    if f.doc_ids is not None:
        parts.append(_in_keys("doc_key", list(f.doc_ids)) if f.doc_ids else "false")
    if f.section:  # a checked name (searching.validate.check_section), quoted all the same
        parts.append(f"section == {quote(f.section)}")
    return " and ".join(parts)


def _and(*exprs: str) -> str:
    return " and ".join(f"({e})" for e in exprs if e)


def _in_keys(field: str, values: list[str]) -> str:
    """``field in [...]`` over the :func:`key` of each value."""
    return f"{field} in [{', '.join(quote(key(v)) for v in values)}]"
