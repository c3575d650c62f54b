"""Importers for the shared corpora in ``data_dir`` -> minsearch JSON Lines input.

Each importer yields records ``{"id", "text", "title", "council", "committee", "date", "url"}``;
:func:`import_corpus` writes them to a ``.jsonl`` file that ``minsearch index`` reads.

* ``limerick``: Limerick City and County Council minutes (Markdown from PDFs), 1,025 documents.
* ``london-ontario``: City of London (Ontario) eScribe minutes, one record per meeting, rebuilt
  with item titles as headings and motions as "Moved by / Seconded by / text" blocks.
* ``cleveland``: The City Record (Cleveland, Ohio), one record per weekly issue.
* ``kent``: Kent County Council printed minutes (text extracted from the PDFs).
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Callable, Iterator, Optional
from urllib.parse import quote

from ..model import MinsearchError
from .metadata import find_date, metadata_from_name, metadata_from_text, normalise_date

Record = dict

FOLDERS = {
    "limerick": "limerick-council-minutes",
    "london-ontario": "london-ontario-council-minutes",
    "cleveland": "cleveland-city-record",
    "kent": "kent-cc-minutes-sample",
}


def import_hint(path: Path) -> Optional[str]:
    """What to run instead, for a file of one of the shared corpora (which ``minsearch index``
    cannot read as they are, or reads without their metadata); None for any other file."""
    try:
        folder = Path(path).resolve().parent.name
    except (OSError, RuntimeError):
        return None
    for name, corpus_folder in FOLDERS.items():
        if folder == corpus_folder:
            return (
                f"it belongs to the shared corpus {name!r}: run `minsearch import {name} {name}.jsonl`, "
                f"then `minsearch index {name}.jsonl`"
            )
    return None


def _default_data_dir() -> Path:
    from ..config import load_settings

    return load_settings().data_dir


def _folder(data_dir: Path, name: str) -> Path:
    folder = Path(data_dir) / FOLDERS[name]
    if not folder.is_dir():
        raise MinsearchError(f"{folder}: corpus {name!r} not found (set MINSEARCH_DATA or pass the data folder)")
    return folder


def _jsonl_gz(path: Path) -> Iterator[dict]:
    if not path.is_file():
        raise MinsearchError(f"{path}: file not found")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as e:
                raise MinsearchError(f"{path}: line {lineno} is not JSON ({e.msg})") from e


def _clean_space(s: str) -> str:
    return re.sub(r"[\s\u00a0]+", " ", s or "").strip()


def _record(
    rid: str, text: str, title: str = "", council: str = "", committee: str = "", date: str = "", url: str = ""
) -> Record:
    return {
        "id": rid,
        "text": text,
        "title": _clean_space(title),
        "council": council,
        "committee": _clean_space(committee),
        "date": date or "",
        "url": url or "",
    }


# --- Limerick ----------------------------------------------------------------------------------
LIMERICK_COUNCIL = "Limerick City and County Council"


def limerick_committee(meeting_title: str) -> str:
    """``Monthly Meeting of the Municipal District of Adare - Rathkeale`` -> ``Municipal District
    of Adare-Rathkeale``; ``A Full Meeting of Limerick City and County Council`` -> ``Full Council``."""
    t = _clean_space(meeting_title)
    t = re.sub(r"(?i)^(?:an?\s+)?(?:virtual\s+)?", "", t)
    full = r"(?i)\b(?:full|ordinary|adjourned|special|annual|budget)?\s*meeting\s+of\s+limerick\s+city\s+and\s+county\s+council$"
    if re.search(full, t) and "policing" not in t.lower():
        return "Full Council"
    t = re.sub(
        r"(?i)^(?:(?:monthly|special|adjourned|annual|budget|full|virtual)\s+)*"
        r"meeting\s+(?:of|for|to\s+consider\s+.*?\s+for)\s+(?:the\s+)?",
        "",
        t,
    )
    t = re.sub(r"(?i)\s+meeting$|\s+meeting\b(?=\s+(?:of|for)\b)", "", t)
    t = re.sub(r"(?i)\b(committee)\s+committee\b", r"\1", t)
    t = re.sub(r"(?i)^limerick\s+city\s+and\s+county\s+council(?:['’]s)?\s+", "", t)
    t = re.sub(r"\s*[-_]\s*(?=[A-Z])", "-", t) if re.search(r"(?i)district", t) else t
    t = re.sub(r"(?i)\bmunicipal district (?!of )", "Municipal District of ", t)
    t = re.sub(r"\bSPC\b", "Strategic Policy Committee", t)
    t = t.replace(" & ", " and ")
    return t[:1].upper() + t[1:] if t else "Council"


def _limerick_text(md: str) -> str:
    # The first line is "[Original file](url)": the url goes into the record instead.
    return re.sub(r"^\s*\[Original file\]\([^)]*\)\s*\n", "", md, count=1)


def import_limerick(data_dir: Path, limit: Optional[int] = None) -> Iterator[Record]:
    folder = _folder(data_dir, "limerick")
    for rec in _jsonl_gz(folder / "minutes.jsonl.gz"):
        if rec.get("doc_kind", "minutes") != "minutes":
            continue
        text = _limerick_text(rec.get("text") or "")
        if not text.strip():
            continue
        title = rec.get("doc_title") or ""
        # The record's meeting is the one that adopted or filed the minutes: in all 639 of the
        # 1,025 records whose minutes state their date, that date is earlier. The minutes' own
        # date, else the one their title names ("Minutes - Municipal District of Newcastle West -
        # 5th November 2014": 271 of the 386 that state none; cited as 3 December 2014 before),
        # else the adopting meeting's.
        # (The title is read whole: a heading-length limit left "Minutes - Monthly Meeting of the
        # Municipal District of Cappamore-Kilmallock - 21st November 2019" undated, cited as the
        # adopting meeting's 12 December 2019; 110 records.)
        stated = metadata_from_text(text).get("date") or find_date(title)
        date = stated or normalise_date(str(rec.get("meeting_date") or "")) or ""
        rid = "limerick/" + re.sub(r"\.md$", "", _clean_space(rec["id"]).removeprefix("meetings/"))
        yield _record(
            rid,
            text,
            title=title,
            council=LIMERICK_COUNCIL,
            committee=limerick_committee(rec.get("meeting_title") or ""),
            date=date,
            url=rec.get("source_pdf_url") or "",
        )


# --- London, Ontario ---------------------------------------------------------------------------
LONDON_COUNCIL = "City of London (Ontario)"


def _strings(xs) -> list[str]:
    if xs is None:
        return []
    if isinstance(xs, dict):
        xs = [xs]
    out = []
    for x in xs:
        s = x.get("string") if isinstance(x, dict) else x
        if isinstance(s, str) and s.strip():
            out.append(_clean_space(s))
    return out


def _motion_block(m: dict) -> list[str]:
    blocks = list(_strings(m.get("pre_motion_texts")))
    lines = _strings(m.get("moved_by")) + _strings(m.get("seconded_by")) + _strings(m.get("motion_texts"))
    vote = m.get("vote") or {}
    for row in vote.get("rows") or []:
        voters = ", ".join(v for v in row.get("voters") or [] if isinstance(v, str))
        if row.get("vote") or voters:
            lines.append(f"{(row.get('vote') or '').strip()} {voters}".strip())
    lines += _strings(m.get("result"))
    if lines:
        blocks.append("\n".join(lines))
    blocks += _strings(m.get("post_motion_texts"))
    return blocks


def _london_items(items: dict, out: list[str], parent: str = "") -> None:
    def key(k):
        return [int(p) if p.isdigit() else p for p in re.split(r"[.\s]+", str(k))]

    for k in sorted((items or {}).keys(), key=key):
        it = items[k]
        if not isinstance(it, dict):
            continue
        # eScribe numbers a sub-item within its parent ("5" under "2"); the minutes print "2.5".
        number = parent + _clean_space(str(it.get("number") or k)).strip(". ")
        title = _clean_space(it.get("title") or "") or f"Item {number}"
        # Every item becomes "<number>. <title>" + "(Item <number>)", the marker the structure
        # parser splits on and takes the item's official number from.
        out.append(f"{number}. {title}\n(Item {number})")
        for c in it.get("content") or []:
            if not isinstance(c, dict):
                continue
            if c.get("__class__") == "Motion":
                out.extend(_motion_block(c))
            else:
                out.extend(_strings([c]))
        atts = [str(a["title"]) for a in it.get("attachments") or [] if isinstance(a, dict) and a.get("title")]
        if atts:
            out.append("Supporting documents: " + "; ".join(_clean_space(a) for a in atts))
        _london_items(it.get("items") or {}, out, number + ".")


def london_meeting_text(m: dict) -> str:
    parts: list[str] = [_clean_space(m.get("title") or "Meeting")]
    for label, key in (
        ("Present", "present"),
        ("Also Present", "also_present"),
        ("Remote Attendance", "remote_attendance"),
        ("Absent", "absent"),
    ):
        names = [n for n in m.get(key) or [] if isinstance(n, str) and n.strip()]
        if names:
            parts.append(f"{label.upper()}: " + ", ".join(_clean_space(n) for n in names))
    parts += _strings(m.get("content"))
    _london_items(m.get("items") or {}, parts)
    return "\n\n".join(parts) + "\n"


def import_london(data_dir: Path, limit: Optional[int] = None) -> Iterator[Record]:
    folder = _folder(data_dir, "london-ontario")
    for rec in _jsonl_gz(folder / "meetings.jsonl.gz"):
        m = rec.get("meeting") or {}
        date = normalise_date(str(m.get("datetime") or "")) or ""
        path = str(rec.get("source_path") or "")
        rid = "london-ontario/" + re.sub(r"\.json$", "", path.removeprefix("data/"))
        committee = _clean_space(m.get("meeting_type") or "") or "Council"
        yield _record(
            rid,
            london_meeting_text(m),
            title=m.get("title") or "",
            council=LONDON_COUNCIL,
            committee=committee,
            date=date,
            url=m.get("url") or "",
        )


# --- Cleveland ---------------------------------------------------------------------------------
# Where each issue's text is published (SOURCE.md: GitHub opencleveland/drocer at this commit);
# the record's id is its path there.
CLEVELAND_ORIGIN = "https://github.com/opencleveland/drocer/blob/c6ab98de586fc3a8cef5048e937a6769e48d6b31/"


def import_cleveland(data_dir: Path, limit: Optional[int] = None) -> Iterator[Record]:
    folder = _folder(data_dir, "cleveland")
    for rec in _jsonl_gz(folder / "city-record-2017-2018.jsonl.gz"):
        date = normalise_date(str(rec.get("issue_date") or "")) or ""
        rid = "cleveland/" + re.sub(r"\.txt$", "", str(rec["id"]))
        yield _record(
            rid,
            rec.get("text") or "",
            title=f"The City Record {date}".strip(),
            council="City of Cleveland",
            committee="City Council",
            date=date,
            url=CLEVELAND_ORIGIN + quote(str(rec["id"])) if rec.get("id") else "",
        )


# --- Kent --------------------------------------------------------------------------------------
KENT_COUNCIL = "Kent County Council"
# The original PDFs (SOURCE.md: GitHub lusavkaedu/council-assistant, present at this commit);
# index.jsonl names each one's path there ("source_paths").
KENT_ORIGIN = "https://github.com/lusavkaedu/council-assistant/blob/4cc1e60d8220e5eeee47a80283d91c8b1e96694e/"


def kent_original(meta: dict) -> str:
    """The link to a Kent file's original PDF, from its ``index.jsonl`` line; "" if it names none."""
    paths = [p for p in meta.get("source_paths") or [] if isinstance(p, str) and p.strip()]
    return KENT_ORIGIN + quote(paths[0].strip()) if paths else ""


def import_kent(data_dir: Path, limit: Optional[int] = None) -> Iterator[Record]:
    folder = _folder(data_dir, "kent")
    index: dict[str, dict] = {}
    idx = folder / "index.jsonl"
    if idx.is_file():
        for rec in _jsonl_gz(idx):
            if rec.get("file"):
                index[rec["file"]] = rec
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        meta = index.get(path.name, {})
        guess = metadata_from_name(path.name)
        committee = guess.get("committee") or meta.get("committee") or metadata_from_text(text).get("committee", "")
        date = guess.get("date") or normalise_date(str(meta.get("meeting_date") or "")) or ""
        title = f"{committee} minutes, {date}".strip(", ") if committee else path.stem
        yield _record(
            "kent/" + path.stem,
            text,
            title=title,
            council=meta.get("council") or KENT_COUNCIL,
            committee=committee,
            date=date,
            url=kent_original(meta),
        )


CORPORA: dict[str, Callable[[Path, Optional[int]], Iterator[Record]]] = {
    "limerick": import_limerick,
    "london-ontario": import_london,
    "cleveland": import_cleveland,
    "kent": import_kent,
}


def iter_corpus(name: str, data_dir: Optional[Path] = None, limit: Optional[int] = None) -> Iterator[Record]:
    """The records of one corpus, in a stable order; at most ``limit`` of them."""
    if name not in CORPORA:
        raise MinsearchError(f"unknown corpus {name!r} (choose from {', '.join(sorted(CORPORA))})")
    data_dir = Path(data_dir) if data_dir is not None else _default_data_dir()
    n = 0
    seen: set[str] = set()
    for rec in CORPORA[name](data_dir, limit):
        if limit is not None and n >= limit:
            return
        if not rec["text"].strip():
            continue
        base, k = rec["id"], 1
        while rec["id"] in seen:  # ids must be unique within a JSONL file
            k += 1
            rec["id"] = f"{base}~{k}"
        seen.add(rec["id"])
        n += 1
        yield rec


def import_corpus(name: str, out: Path, data_dir: Optional[Path] = None, limit: Optional[int] = None) -> int:
    """Write corpus ``name`` as JSON Lines to ``out``; returns the number of records written.

    The file is written beside ``out`` and renamed into place, so a failed import leaves no
    half-written input behind.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    n = 0
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            for rec in iter_corpus(name, data_dir, limit):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n
