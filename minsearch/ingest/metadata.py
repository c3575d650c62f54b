"""Council, committee, meeting date and URL for a document: from a sidecar manifest, or the text.

Sidecar manifests (documented in the README):

* ``manifest.json`` in a folder: ``{"<file name>": {"doc_id"?, "council", "committee", "date", "url", "title"?}}``
* ``<file>.meta.json`` beside one file, with the same keys; it wins over the folder manifest.

Values from a manifest win over what is guessed from the text, so a publisher can always correct us.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..model import Document, MinsearchError

MANIFEST_NAME = "manifest.json"
META_SUFFIX = ".meta.json"
META_KEYS = ("doc_id", "council", "committee", "date", "url", "title")

# Month names and their usual abbreviations ("sept" too), as dates are written in minutes and queries.
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9


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
    firsts = [next(((start, iso) for start, _end, iso in _written(text, rx, mdy)), None) for rx, mdy in _WRITTEN]
    iso_first = next(
        ((m.start(), iso) for m in _ISO_IN_TEXT.finditer(text) if (iso := _iso(*map(int, m.groups())))), None
    )
    found = [f for f in (*firsts, iso_first) if f is not None]
    return min(found, key=lambda f: f[0])[1] if found else None  # (the earliest; on a tie, the first kind)


_WRITTEN = ((_DMY, False), (_MDY, True))


def dates_in(text: str) -> Iterator[tuple[int, int, str]]:
    """Every real date written out in ``text`` as day-month-year or month-day-year ("12 March
    2024", "March 12, 2024"): (start, end, ISO date)."""
    for rx, mdy in _WRITTEN:
        yield from _written(text, rx, mdy)


def _written(text: str, rx: re.Pattern[str], mdy: bool) -> Iterator[tuple[int, int, str]]:
    """The real dates ``rx`` (:data:`_DMY` or, ``mdy``, :data:`_MDY`) finds in ``text``, in order."""
    for m in rx.finditer(text):
        d, mon = (m.group(2), m.group(1)) if mdy else (m.group(1), m.group(2))
        iso = _iso(int(m.group(3)), MONTHS.get(mon.lower()), int(d))
        if iso:
            yield m.start(), m.end(), iso


def _iso(y: int, mo: Optional[int], d: int) -> Optional[str]:
    if mo is None or not (1900 <= y <= 2100):
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


# --- guessing from the document itself (used only where no manifest or record field says) -----

_COMMITTEE_WORDS = (
    r"(?:Cabinet|Council|Committee|Sub-Committee|Subcommittee|Panel|Board|Forum|Commission|Executive|"
    r"Assembly|Partnership|Group|Authority|Cabinet\s+Member\s+Decisions?)"
)
_SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "at", "to", "a", "an", "&"}
_FILE_NAME = re.compile(r"^(?P<a>.*?)[\s_.-]*(?P<date>\d{4}-\d{2}-\d{2})[\s_.-]*(?P<b>.*)$")
# Possessive: the blank lines after a line start are read once, not split between two \s* at every
# start (3,000 blank lines at the head of a file: minutes to index it, cubic; now milliseconds).
_HEADER_END = re.compile(
    r"^\s*+(?:\*\*)?\s*+(?:members\s+)?present\b|^\s*+\(?item\s+1\)?\s*$|^\s*+(?:\*\*)?1\.", re.I | re.M
)
_HELD = re.compile(r"\bheld\b(?:[^.]|\.(?=\d)|\b[A-Z]\.){0,240}", re.I)
_MEETING_OF = re.compile(
    r"\b(?:minutes\s+(?:of\s+(?:proceedings\s+)?)?(?:at\s+|of\s+)?(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}?meeting\s+of|"
    r"meeting\s+of)\s+(?:the\s+)?(?P<body>[^.\n]{3,140}?)\s+(?:held|on|at|in|which|,|$)",
    re.I | re.M,
)
_COUNCIL_NAME = re.compile(
    r"^(?:[A-Z][\w'’.-]*\s+){1,5}?(?:(?:City|County|Borough|District|Town|Parish|Metropolitan(?:\s+Borough)?|"
    r"Unitary|Regional)\s+)*(?:and\s+County\s+|and\s+City\s+)?Council$",
    re.I,
)
_DMY_LOOSE = re.compile(r"\b(\d{1,2})\s*(?:st|nd|rd|th|™|[\"“”'’])?\s+(?:of\s+)?([A-Za-z]{3,9})\.?,?\s+(\d{4})\b", re.I)


def smart_title(text: str) -> str:
    """``CORPORATE PARENTING PANEL`` -> ``Corporate Parenting Panel`` (mixed case is kept)."""
    text = re.sub(r"\s+", " ", text).strip(" –—-:,.")
    if any(c.islower() for c in text):
        return text
    words = []
    for i, w in enumerate(text.split(" ")):
        lw = w.lower()
        if i and lw in _SMALL_WORDS:
            words.append(lw)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in lw.split("-")))
    return " ".join(words)


def metadata_from_name(name: str) -> dict:
    """``cabinet_2025-01-09.txt`` -> committee ``Cabinet``, date ``2025-01-09``."""
    stem = re.sub(r"\.(?:txt|text|md|html?|xhtml|pdf|jsonl|ndjson|json)$", "", Path(name).name, flags=re.I)
    out: dict = {}
    m = _FILE_NAME.match(stem)
    if not m:
        return out
    iso = normalise_date(m.group("date"))
    if iso:
        out["date"] = iso
    words = (m.group("a") or m.group("b") or "").strip(" _.-")
    words = re.sub(r"[_-]+", " ", words).strip()
    if (
        words
        and re.fullmatch(r"[A-Za-z][A-Za-z &']{2,80}", words)
        and not re.fullmatch(r"(?i)minutes?|agenda|doc(?:ument)?", words)
    ):
        words = re.sub(r"(?i)\s*\bminutes?\b\s*", " ", words).strip()
        if words:
            out["committee"] = smart_title(words.upper()) if words.islower() else words
    return out


def _date_in(text: str) -> Optional[str]:
    for m in _DMY_LOOSE.finditer(text):
        mo = MONTHS.get(m.group(2).lower())
        iso = _iso(int(m.group(3)), mo, int(m.group(1))) if mo else None
        if iso:
            return iso
    return find_date(text)


def metadata_from_text(text: str) -> dict:
    """Council, committee and meeting date stated at the head of a minutes document.

    Only the header (up to the attendance list or the first item) is read, and only where the
    text says what it is: "MINUTES of a meeting of the Cabinet held ... on 9 January 2025",
    "CORPORATE PARENTING PANEL – 29 October 2024", "KENT COUNTY COUNCIL".
    """
    head = text[:3000]
    m = _HEADER_END.search(head)
    if m and m.start() > 40:
        head = head[: m.start()]
    head = re.sub(r"\*\*|__", "", head)
    flat = re.sub(r"\s+", " ", head)
    out: dict = {}
    # The date: in the "held ... on <date>" sentence, else in a short heading line.
    for hm in _HELD.finditer(flat):
        iso = _date_in(hm.group(0))
        if iso:
            out["date"] = iso
            break
    lines = [ln.strip(" \t\u00a0#*") for ln in head.splitlines() if ln.strip(" \t\u00a0#*")]
    if "date" not in out:
        for ln in lines[:12]:
            if len(ln) <= 90:
                iso = _date_in(ln)
                if (
                    iso
                    and not ln.endswith(".")
                    and re.search(r"(?i:minutes|meeting|committee|council|panel|board|cabinet)|[A-Z]{4}", ln)
                ):
                    out["date"] = iso
                    break
    # The council: a heading line that is a council's name.
    for ln in lines[:8]:
        cand = re.split(r"\s+[–—-]\s+|\s*[–—]\s*", ln)[0].strip()
        generic = r"(?i)^(?:the\s+)?(?:county|city|borough|district|town|parish|full)\s+council$"
        if _COUNCIL_NAME.match(cand) and len(cand.split()) >= 2 and not re.match(generic, cand):
            out["council"] = smart_title(cand)
            break
    # The committee: "meeting of the X held", or a heading line "X PANEL – date".
    mo = _MEETING_OF.search(flat)
    if mo:
        body = mo.group("body").strip()
        body = re.split(r"\s+(?:held|on|at|in)\s+", body, maxsplit=1)[0]
        if (
            _COUNCIL_NAME.match(body)
            and len(body.split()) >= 3
            and not re.match(r"(?i)(?:county|city|borough|district)\s+council$", body)
        ):
            out.setdefault("council", smart_title(body))
        elif 2 <= len(body) <= 100:
            out["committee"] = smart_title(body)
    if "committee" not in out:
        for ln in lines[:8]:
            cand = re.split(r"\s*[–—]\s*|\s+-\s+", ln)[0].strip()
            if re.search(rf"(?i)\b{_COMMITTEE_WORDS}$", cand) and len(cand) <= 80 and not _date_in(cand):
                if out.get("council") and smart_title(cand) == out["council"]:
                    continue
                out["committee"] = smart_title(cand)
                break
    return out


def guess_metadata(text: str, name: str = "") -> dict:
    """What the file name and then the text say; the file name wins (a publisher chose it)."""
    out = metadata_from_text(text)
    out.update(metadata_from_name(name) if name else {})
    return out


def fill_folder_councils(docs: Iterable[Document]) -> int:
    """A file that names no council (neither a manifest nor its text: Kent's Corporate Parenting
    Panel heads its minutes "CORPORATE PARENTING PANEL – 10th December 2024" where Kent's other
    minutes say "KENT COUNTY COUNCIL") takes the council that the other files of its folder name,
    when at least two of them name one and none names another. A folder of several councils'
    files is left as it is; a manifest says otherwise when it must. JSON Lines records carry
    their own fields and are left alone. Returns how many documents were given a council."""
    folders: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        if d.format != "jsonl" and d.path:
            folders[str(Path(d.path).parent)].append(d)
    filled = 0
    for group in folders.values():
        named = [d.council for d in group if d.council]
        if len(named) < 2 or len(set(named)) != 1:
            continue
        for d in group:
            if not d.council:
                d.council = named[0]
                filled += 1
    return filled
