"""Taking evidence away: ``/export`` downloads a search's results, ``/evidence`` is the list of
paragraphs pinned from any number of searches (kept in a cookie, see :mod:`minsearch.app.evidence`),
downloadable the same ways. The files are made by :mod:`minsearch.export`, as ``minsearch query
--format`` makes them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.exceptions import Forbidden

from ...export import Entry, entries_for, entry_of, filename, render
from ...model import MinsearchError
from ..evidence import COOKIE, MAX_PINS, Pin, local_path, pin, pin_from_form, read_pins, unpin, write_pins
from ..links import searcher
from .search import form_query, search_form

bp = Blueprint("evidence", __name__)
EXPORT_LIMIT = 50  # results a download holds: the first 50, whatever page is shown
PAGE_FORMATS = ("csv", "md", "docx")  # what the page offers (``json`` works too, for scripts)


def _download(entries: list[Entry], fmt: str, title: str, stem: str, about: str = "") -> Response:
    data, media, ext = render(entries, fmt, title=title)
    resp = Response(data, mimetype=media.split(";")[0])
    resp.headers["Content-Type"] = media
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename(stem, ext, about)}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _format() -> str:
    return (request.args.get("format") or "csv").strip().lower()


@bp.get("/export")
def export() -> Any:
    """The first :data:`EXPORT_LIMIT` results of the search in the URL, as a file."""
    form = search_form()
    if not form["q"].strip():
        raise MinsearchError("nothing to export: give a search (q)", param="q")
    fmt = _format()
    render([], fmt)  # a wrong format is a clear 400 before any search runs
    result = searcher().search(form_query(form, 1, limit=EXPORT_LIMIT), strict=False, snippets=False)
    q = result.query
    entries = entries_for(result.hits, q.text, q.mode, q.filters)
    # A pasted citation is named by the minute it found ("...-minute-298-..."), not by its first
    # words, the council's name, which the file name's 40 characters cut before the number.
    about = result.hits[0].chunk.item_ref if result.by_number and result.hits else q.text
    return _download(entries, fmt, f"Evidence from the minutes: {q.text}", "minutes-search", about or q.text)


# -- the evidence list -------------------------------------------------------------------------------
def _pins() -> list[Pin]:
    return read_pins(request.cookies.get(COOKIE))


def _same_site() -> None:
    """A form that changes the list must come from this site's own pages (another site's form
    could otherwise empty it: the cookie is replaced, not merged)."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if source and urlsplit(source).netloc != request.host:
        raise Forbidden("The evidence list can only be changed from this site's own pages.")


def _back(default: str = "/evidence") -> Any:
    target = local_path(request.form.get("next")) or default
    return redirect(target, code=303)


def _store(resp: Any, pins: list[Pin]) -> Any:
    if pins:
        resp.set_cookie(COOKIE, write_pins(pins), max_age=90 * 24 * 3600, httponly=True, samesite="Lax")
    else:
        resp.delete_cookie(COOKIE, httponly=True, samesite="Lax")
    return resp


@bp.post("/evidence/pin")
def add() -> Any:
    _same_site()
    new = pin_from_form(request.form.to_dict())
    searcher().chunk(new.chunk_id)  # a paragraph that is not in the index: a 404, nothing pinned
    pins = pin(_pins(), new)
    value = write_pins(pins)  # full: the error page says so, the list is unchanged
    resp = _back()
    resp.set_cookie(COOKIE, value, max_age=90 * 24 * 3600, httponly=True, samesite="Lax")
    return resp


@bp.post("/evidence/remove")
def remove() -> Any:
    _same_site()
    return _store(_back(), unpin(_pins(), (request.form.get("chunk") or "").strip()))


@bp.post("/evidence/clear")
def clear() -> Any:
    _same_site()
    return _store(_back(), [])


def _entries(pins: list[Pin]) -> tuple[list[Entry], list[Pin]]:
    """The pinned paragraphs still in the index, and the pins of those that are not."""
    found = {h.chunk.chunk_id: h for h in searcher().paragraphs([p.chunk_id for p in pins])}
    entries = [entry_of(found[p.chunk_id], p.query, p.mode, dict(p.filters)) for p in pins if p.chunk_id in found]
    return entries, [p for p in pins if p.chunk_id not in found]


@bp.get("/evidence")
def page() -> Any:
    entries, gone = _entries(_pins())
    return render_template("evidence.html", entries=entries, gone=gone, max_pins=MAX_PINS, formats=PAGE_FORMATS)


@bp.get("/evidence/download")
def download() -> Any:
    fmt = _format()
    render([], fmt)
    entries, _gone = _entries(_pins())
    return _download(entries, fmt, "Evidence from the minutes", "minutes-evidence")
