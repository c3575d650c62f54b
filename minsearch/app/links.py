"""The request-bound helpers every page shares: the Searcher, and the addresses pages link to."""

from __future__ import annotations

from typing import Any, Callable, Hashable, Optional, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import current_app, g, request, url_for
from werkzeug.datastructures import MultiDict

from ..model import Chunk, IndexUnavailable, MinsearchError
from .evidence import COOKIE, read_pins, results_path
from .present import id_fits_a_path

T = TypeVar("T")


def searcher() -> Any:
    """The app's one :class:`~minsearch.search.Searcher` (or a test's stand-in)."""
    return current_app.extensions["minsearch.searcher"]


def optional(fetch: Callable[[], T]) -> Optional[T]:
    """``fetch()``, or None when it fails with a user-facing error: for the parts of a page that
    can be left out (the filter lists, the index summary). A missing index still answers 503."""
    try:
        return fetch()
    except IndexUnavailable:
        raise
    except MinsearchError:
        return None


def url_with(**changes: Any) -> str:
    """The current URL with some parameters changed (None or "" removes one); the query is
    what was searched (the first 500 characters), not all that the URL brought."""
    args: dict[str, Any] = dict(request.args.items())
    if g.get("searched") is not None:
        args["q"] = g.searched
    args.update(changes)
    clean = {k: v for k, v in args.items() if v not in (None, "")}
    return request.path + ("?" + urlencode(clean) if clean else "")


def doc_href(doc_id: str, **params: Any) -> str:
    """The address of a document's page, for any id a feed can hold: as a path when it can be
    one (:func:`~minsearch.app.present.id_fits_a_path`), else ``/doc?id=...``."""
    anchor = params.pop("_anchor", None)
    if id_fits_a_path(doc_id):
        return url_for("document.by_path", doc_id=doc_id, _anchor=anchor, **params)
    return url_for("document.by_query", id=doc_id, _anchor=anchor, **params)


def per_request(key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, made once per request (and per query searched, which the page sets before it
    renders): a results page asks for the same link parts for each of its hits. On Limerick a
    page of ten hits built the way back to the results 30 times over (each an ``urlencode`` of
    the request's parameters) and the same document links twice; "more like this" pages spent
    ~40% of their time in those links."""
    memo: dict = g.setdefault("_per_request", {})
    full = (key, g.get("searched"))
    if full not in memo:
        memo[full] = make()
    return memo[full]


def doc_url(chunk: Chunk) -> str:
    """A paragraph in its agenda item, marked; from a results page, with the way back to it."""
    return per_request(
        ("doc_url", chunk.doc_id, chunk.paragraph),
        lambda: doc_href(chunk.doc_id, hit=chunk.paragraph, back=results_here(), _anchor=f"p{chunk.paragraph}"),
    )


RESULT_PAGES = ("search.page", "similar.page")


def results_here() -> Optional[str]:
    """This results page's address (its query, filters and page), for a document's "Back to
    results" link; None on any other page."""
    return per_request("results_here", lambda: url_with() if request.endpoint in RESULT_PAGES else None)


def export_url(fmt: str) -> str:
    """The download of this search's results as ``fmt`` (:mod:`minsearch.app.pages.evidence`)."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k in SEARCH_KEYS and v}
    if g.get("searched") is not None:
        args["q"] = g.searched
    return url_for("evidence.export", **args, format=fmt)


def pin_fields() -> dict[str, str]:
    """The search a "Pin" button records with its paragraph (hidden fields of its form)."""
    return dict(per_request("pin_fields", _pin_fields))


def _pin_fields() -> dict[str, str]:
    args = request.args
    back = results_path(args.get("back"))
    if back is not None:  # a document opened from results: the search is the one it came from
        args = MultiDict(parse_qsl(urlsplit(back).query))
    out = {k: v for k, v in args.items() if k in PIN_KEYS and v}
    if g.get("searched") is not None:
        out["q"] = g.searched
    return out


def pinned_ids() -> set[str]:
    """The paragraphs on this browser's evidence list."""
    return set(per_request("pinned_ids", lambda: {p.chunk_id for p in read_pins(request.cookies.get(COOKIE))}))


SEARCH_KEYS = ("q", "mode", "sort", "council", "committee", "since", "until")
PIN_KEYS = ("q", "mode", "council", "committee", "since", "until")


def similar_url(chunk: Chunk) -> str:
    return url_for("similar.page", chunk=chunk.chunk_id)
