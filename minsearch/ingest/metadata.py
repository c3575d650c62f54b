"""Council, committee, meeting date and URL for a document: from a sidecar manifest, or the text.

Sidecar manifests (documented in the README):

* ``manifest.json`` in a folder: ``{"<file name>": {"doc_id"?, "council", "committee", "date", "url", "title"?}}``
* ``<file>.meta.json`` beside one file, with the same keys; it wins over the folder manifest.

Values from a manifest win over what is guessed from the text, so a publisher can always correct us.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Optional

from ..model import MinsearchError

MANIFEST_NAME = "manifest.json"
META_SUFFIX = ".meta.json"
META_KEYS = ("doc_id", "council", "committee", "date", "url", "title")

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def is_sidecar(path: Path) -> bool:
    """True for files that describe other files and are not minutes themselves."""
    return path.name == MANIFEST_NAME or path.name.endswith(META_SUFFIX)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise MinsearchError(f"{path}: unreadable metadata file ({e.__class__.__name__}: {e})") from e
    if not isinstance(data, dict):
        raise MinsearchError(f"{path}: metadata file must hold a JSON object")
    return data


def sidecar_metadata(path: Path, manifest_cache: Optional[dict] = None) -> dict:
    """Metadata for ``path`` from its folder's manifest and its own ``.meta.json``, merged."""
    meta: dict = {}
    folder_manifest = path.parent / MANIFEST_NAME
    if manifest_cache is not None and folder_manifest in manifest_cache:
        manifest = manifest_cache[folder_manifest]
    else:
        manifest = _read_json(folder_manifest) if folder_manifest.is_file() else {}
        if manifest_cache is not None:
            manifest_cache[folder_manifest] = manifest
    entry = manifest.get(path.name)
    if isinstance(entry, dict):
        meta.update(entry)
    own = path.with_name(path.name + META_SUFFIX)
    if own.is_file():
        meta.update(_read_json(own))
    clean = {k: str(v).strip() for k, v in meta.items() if k in META_KEYS and v not in (None, "")}
    if "date" in clean:
        iso = normalise_date(clean["date"])
        if iso is None:
            raise MinsearchError(f"{path}: manifest date {clean['date']!r} is not a date (use YYYY-MM-DD)")
        clean["date"] = iso
    return clean


def normalise_date(text: str) -> Optional[str]:
    """ISO ``yyyy-mm-dd`` from ``2024-03-12``, ``12/03/2024`` (UK order), ``12 March 2024``,
    ``12th March, 2024`` or ``March 12, 2024``; None when it is not a real date."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
    if m:
        y, mo, d = map(int, m.groups())
        return _iso(y, mo, d)
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if m:
        d, mo, y = map(int, m.groups())
        return _iso(y, mo, d)
    found = find_date(text)
    return found


_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_ISO_IN_TEXT = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def find_date(text: str) -> Optional[str]:
    """The first real date written out in ``text`` (``12 March 2024``, ``March 12, 2024``, ISO)."""
    best: Optional[tuple[int, str]] = None
    for rx, order in ((_DMY, "dmy"), (_MDY, "mdy"), (_ISO_IN_TEXT, "ymd")):
        for m in rx.finditer(text):
            if order == "dmy":
                d, mon, y = m.group(1), m.group(2), m.group(3)
                mo = _MONTHS.get(mon.lower())
                iso = _iso(int(y), mo, int(d)) if mo else None
            elif order == "mdy":
                mon, d, y = m.group(1), m.group(2), m.group(3)
                mo = _MONTHS.get(mon.lower())
                iso = _iso(int(y), mo, int(d)) if mo else None
            else:
                iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if iso and (best is None or m.start() < best[0]):
                best = (m.start(), iso)
            if iso:
                break
    return best[1] if best else None


def _iso(y: int, mo: Optional[int], d: int) -> Optional[str]:
    if mo is None or not (1900 <= y <= 2100):
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None
