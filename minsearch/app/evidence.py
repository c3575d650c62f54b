"""The page's evidence list: paragraphs pinned from any number of searches, kept in a cookie (no
accounts, no JavaScript), each with the search that found it.

Pure functions of plain data, so they are tested without Flask. The cookie holds base64 of a
small JSON list; it is bounded (:data:`MAX_PINS` paragraphs, :data:`MAX_COOKIE` bytes, under the
4 KB every browser keeps), and pinning past the bound is a clear error, never a silent loss.
A damaged or forged cookie reads as an empty list.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlsplit

from ..model import MinsearchError

COOKIE = "minsearch_evidence"
MAX_PINS = 25
MAX_COOKIE = 3800  # bytes of the cookie's value
MAX_FIELD = 300  # characters kept of a pinned search's query or filter
FILTER_KEYS = ("council", "committee", "since", "until")


@dataclass(frozen=True)
class Pin:
    """One pinned paragraph and the search it was pinned from."""

    chunk_id: str
    query: str = ""
    mode: str = ""
    filters: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        out: dict = {"c": self.chunk_id}
        if self.query:
            out["q"] = self.query
        if self.mode:
            out["m"] = self.mode
        if self.filters:
            out["f"] = self.filters
        return out


def read_pins(raw: Optional[str]) -> list[Pin]:
    """The evidence list a cookie holds (empty when it holds none, or nothing readable)."""
    if not raw:
        return []
    try:
        items = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error, UnicodeError):
        return []
    pins: list[Pin] = []
    if not isinstance(items, list):
        return []
    for it in items[:MAX_PINS]:
        if not isinstance(it, dict) or not isinstance(it.get("c"), str) or not it["c"]:
            continue
        f = it["f"] if isinstance(it.get("f"), dict) else {}
        filters = {k: str(f[k])[:MAX_FIELD] for k in FILTER_KEYS if isinstance(f.get(k), str) and f[k]}
        pins.append(
            Pin(it["c"][: MAX_FIELD * 4], str(it.get("q") or "")[:MAX_FIELD], str(it.get("m") or "")[:20], filters)
        )
    return pins


def write_pins(pins: list[Pin]) -> str:
    """The cookie value for ``pins``; a MinsearchError when they do not fit (too many, too long)."""
    if len(pins) > MAX_PINS:
        raise full(f"it holds {MAX_PINS} paragraphs, the most it can")
    raw = json.dumps([p.to_json() for p in pins], ensure_ascii=False, separators=(",", ":"))
    value = base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")
    if len(value) > MAX_COOKIE:
        raise full("its paragraphs and their searches fill the space a browser keeps for it")
    return value


def full(why: str) -> MinsearchError:
    return MinsearchError(
        f"Your evidence list is full: {why}. Download it, then remove paragraphs or clear it to pin more.",
        status=400,
    )


def pin(pins: list[Pin], new: Pin) -> list[Pin]:
    """``pins`` with ``new`` added at the end (a paragraph already pinned stays where it is)."""
    if any(p.chunk_id == new.chunk_id for p in pins):
        return pins
    return [*pins, new]


def unpin(pins: list[Pin], chunk_id: str) -> list[Pin]:
    return [p for p in pins if p.chunk_id != chunk_id]


def pin_from_form(form: dict[str, str]) -> Pin:
    """The pin a "Pin" button's form describes (its hidden fields: the paragraph and the search)."""
    chunk_id = (form.get("chunk") or "").strip()
    if not chunk_id:
        raise MinsearchError("no paragraph was given to pin", param="chunk")
    filters = {k: form[k].strip()[:MAX_FIELD] for k in FILTER_KEYS if (form.get(k) or "").strip()}
    return Pin(chunk_id, (form.get("q") or "").strip()[:MAX_FIELD], (form.get("mode") or "").strip()[:20], filters)


def local_path(target: Optional[str]) -> Optional[str]:
    """``target`` if it is an address on this site (``/?q=...``, ``/doc/...``), else None: where a
    form may send the browser back to, never somewhere else (``//evil.example``, ``https://...``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def results_path(target: Optional[str]) -> Optional[str]:
    """``target`` if it is a results page of this site (the search page or "more like this"), for
    the document view's way back; else None."""
    path = local_path(target)
    if path is None:
        return None
    route = urlsplit(path).path
    return path if route == "/" or route == "/similar" or route.startswith("/similar/") else None
