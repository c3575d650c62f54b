"""Saved searches and their new matches: ``watch.json`` in the index home (see :mod:`.layout`).

One small JSON file, replaced atomically (written beside it, fsynced, renamed over it), so a
reader sees the old list or the new one. Read-modify-write holds an flock on ``WATCH.LOCK``: the
page, the CLI and the indexer may change it at the same time. It lives outside the generations,
so saved searches survive every re-index.

``evaluated`` names the generation whose changes were last checked against the saved searches:
the new matches of a generation are recorded in the same replace that moves ``evaluated`` to
it, so a crash records them once or not at all (the next run then records them).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

import numpy as np

from ..model import MODES, MinsearchError, os_error_text, printable
from .layout import DAMAGE, IndexLayout, check_folder, damaged

MAX_NAME = 100  # characters of a saved search's name
MAX_SEARCHES = 500  # saved searches per index: each re-index checks every one


@dataclass
class SavedSearch:
    """A search to re-run on every re-index: its words, filters and mode, under a name."""

    name: str
    query: str
    council: str = ""
    committee: str = ""
    mode: str = "hybrid"
    created: str = ""
    # The best cosine and coverage of the query over the whole index (kept up to date by each
    # check): a new paragraph is a match when it would be one in a search of the whole index.
    best_cos: float = -1.0
    best_cov: float = 0.0
    # ... and the best cosine of a paragraph holding enough of it (rank.BestScores.joint; -1 in a
    # list saved before it was kept: then a new paragraph must be that paragraph itself).
    best_joint: float = -1.0
    # The score of the last candidate each view handed to the ranker in that search (None: it
    # handed over every paragraph it found): a new paragraph below both would not have been shown.
    last_cos: Optional[float] = None
    last_keyword: Optional[float] = None
    # The query's vector (base64, float32) and the text it encodes: not encoded again on each check.
    vector: str = ""
    vector_of: str = ""


@dataclass
class Alert:
    """A paragraph a re-index added that matches a saved search (a copy: it outlives the index)."""

    search: str  # the saved search's name
    generation: str  # the generation that brought it
    recorded: str  # when it was found (ISO time)
    chunk_id: str
    doc_id: str
    text: str
    title: str = ""
    section: str = ""
    item: int = 1
    paragraph: int = 1
    council: str = ""
    committee: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    item_ref: str = ""  # the source's own item number ("minute 298"), as the citation shows it
    para_ref: str = ""  # the paragraph's own number in the source
    page: int = 0  # the PDF page, 0 when not known
    exact: int = 0  # fingerprint of the wording: the same words are not reported twice to one search


@dataclass
class WatchList:
    searches: list[SavedSearch] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    evaluated: str = ""  # the generation whose new paragraphs were last checked

    def find(self, name: str) -> Optional[SavedSearch]:
        return next((s for s in self.searches if s.name == name), None)


def _known(cls, d: dict) -> dict:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in d.items() if k in names}


# A saved search's scores, read back from watch.json: numbers (None where it may have none). A
# hand-edited "best_joint": "x" failed at the next re-index, deep in ranking, not naming the file.
_SCORES = ("best_cos", "best_cov", "best_joint")
_OPTIONAL_SCORES = ("last_cos", "last_keyword")


def _saved_search(d: dict) -> SavedSearch:
    s = SavedSearch(**_known(SavedSearch, d))
    for name in _SCORES + _OPTIONAL_SCORES:
        v = getattr(s, name)
        if not (isinstance(v, (int, float)) and not isinstance(v, bool)) and not (
            v is None and name in _OPTIONAL_SCORES
        ):
            raise TypeError(f"saved search {s.name!r}: {name} is {v!r}, not a number")
    return s


def load(home: Path) -> WatchList:
    """The saved searches of the index at ``home`` (none when nothing was saved)."""
    path = IndexLayout(home).watch_file
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return WatchList()
    except (*DAMAGE, UnicodeDecodeError) as e:
        raise damaged(path, e) from e
    try:
        return WatchList(
            searches=[_saved_search(s) for s in data.get("searches", [])],
            alerts=[Alert(**_known(Alert, a)) for a in data.get("alerts", [])],
            evaluated=str(data.get("evaluated", "")),
        )
    except (TypeError, AttributeError) as e:
        raise damaged(path, e) from e


def save(home: Path, wl: WatchList) -> None:
    """Replace ``watch.json`` in one step (call holding :func:`editing`'s lock)."""
    path = IndexLayout(home).watch_file
    tmp = path.with_name(f"watch.json.tmp-{os.getpid()}")
    data = {"version": 1, "evaluated": wl.evaluated, "searches": [asdict(s) for s in wl.searches]}
    data["alerts"] = [asdict(a) for a in wl.alerts]
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=0)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise MinsearchError(f"{path}: could not save the saved searches ({os_error_text(e)})") from e
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def editing(home: Path) -> Iterator[WatchList]:
    """The watch list, locked for change; saved when the block ends without an error."""
    home = Path(home)
    check_folder(home)
    if not home.is_dir():
        raise MinsearchError(f"{home}: no index here yet; build one with `minsearch index` first", param="index")
    lock = IndexLayout(home).watch_lock
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise MinsearchError(f"{lock}: cannot create the saved searches' lock ({os_error_text(e)})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held for a moment, or while a re-index checks the searches
        wl = load(home)
        yield wl
        save(home, wl)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def check_search(search: SavedSearch) -> SavedSearch:
    """``search`` with its parts trimmed, or an error naming the part that is wrong."""
    query = " ".join(search.query.split())
    if not query:
        raise MinsearchError("empty; type the words to watch for", param="query")
    if search.mode not in MODES:
        raise MinsearchError(f"{search.mode!r} is not one of {', '.join(MODES)}", param="mode")
    name = " ".join((search.name or query).split())[:MAX_NAME]
    return SavedSearch(
        name=printable(name),
        query=query,
        council=search.council.strip(),
        committee=search.committee.strip(),
        mode=search.mode,
        created=search.created or time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        best_cos=search.best_cos,
        best_cov=search.best_cov,
        best_joint=search.best_joint,
        last_cos=search.last_cos,
        last_keyword=search.last_keyword,
        vector=search.vector,
        vector_of=search.vector_of,
    )


def add_search(home: Path, search: SavedSearch, live: str) -> SavedSearch:
    """Save ``search``; it reports what re-indexes after generation ``live`` bring."""
    search = check_search(search)
    with editing(home) as wl:
        if wl.find(search.name) is not None:
            raise MinsearchError(f"there is already a saved search called {search.name!r}", param="name")
        if len(wl.searches) >= MAX_SEARCHES:
            raise MinsearchError(f"at most {MAX_SEARCHES} saved searches; remove one first", param="name")
        if not wl.searches or not wl.evaluated:
            wl.evaluated = live  # nothing was being watched: what is indexed now is not news
        wl.searches.append(search)
    return search


def remove_search(home: Path, name: str) -> SavedSearch:
    """Forget the saved search ``name`` and its matches."""
    with editing(home) as wl:
        found = wl.find(name)
        if found is None:
            names = ", ".join(repr(s.name) for s in wl.searches[:10]) or "none"
            raise MinsearchError(f"no saved search called {name!r} (saved: {names})", param="name", status=404)
        wl.searches.remove(found)
        wl.alerts = [a for a in wl.alerts if a.search != name]
    return found


# -- what a generation changed (embedded index) ----------------------------------------------------
def generation_hashes(home: Path, name: str) -> Optional[dict[str, str]]:
    """Each document's content hash in generation ``name``, or None if it is gone (cleaned up)."""
    path = IndexLayout(home).generation_dir(name) / "docs.json" if name else None
    if path is None or not path.is_file():
        return None
    try:
        return {k: v["hash"] for k, v in json.loads(path.read_text()).items()}
    except (*DAMAGE, AttributeError) as e:
        raise damaged(path, e) from e


def generation_wordings(home: Path, name: str) -> set[int]:
    """The wording fingerprints of every paragraph of generation ``name`` (empty if it is gone)."""
    path = IndexLayout(home).generation_dir(name) / "chunks.npz"
    if not name or not path.is_file():
        return set()
    try:
        with np.load(path, allow_pickle=False) as z:  # one column of ChunkTable's file, not the table
            return set(z["exact"].tolist())
    except DAMAGE as e:
        raise damaged(path, e) from e


News = list[tuple[SavedSearch, list[Alert]]]


def select_news(wl: WatchList, name: Optional[str] = None, since: Optional[str] = None) -> News:
    """Each saved search (or only ``name``) with its new matches, newest meeting first.

    ``since``: a generation (``gen-000007``: what later re-indexes found), a date (found on or
    after that day) or ``all``; by default what the last re-index found.
    """
    if name is not None and wl.find(name) is None:
        names = ", ".join(repr(s.name) for s in wl.searches[:10]) or "none"
        raise MinsearchError(f"no saved search called {name!r} (saved: {names})", param="name", status=404)
    keep = _since(since, wl.evaluated)
    out = []
    for s in wl.searches:
        if name is None or s.name == name:
            found = [a for a in wl.alerts if a.search == s.name and keep(a)]
            out.append((s, sorted(found, key=lambda a: (a.date, a.doc_id, -a.paragraph), reverse=True)))
    return out


def _since(since: Optional[str], evaluated: str):
    since = (since or "").strip()
    if not since:
        return lambda a: a.generation == evaluated
    if since == "all":
        return lambda a: True
    if re.fullmatch(r"gen-\d{6}", since):
        return lambda a: a.generation > since
    try:
        day = date.fromisoformat(since).isoformat()
    except ValueError:
        raise MinsearchError(
            f"{since[:40]!r} is not a generation (gen-000007), a date (YYYY-MM-DD) or all", param="since"
        ) from None
    return lambda a: a.recorded[:10] >= day
