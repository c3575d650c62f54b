"""Every error the web answers, in one place: a page for people, ``{"error": ...}`` for ``/api/``.

- :class:`~minsearch.model.MinsearchError`: its ``status`` (400 a bad parameter, 404 not
  found, 503 no index) and its message, parameters named as in the URL (``since``). A page that
  can show a bad parameter in place (the search form) registers ``g.show_bad_parameter``.
- werkzeug's HTTP errors (an unknown address, a wrong method): their status and description.
- anything else: logged with its traceback, answered with a friendly 500 that tells nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..model import IndexUnavailable, MinsearchError
from .present import GONE, UNAVAILABLE, as_sentence

log = logging.getLogger("minsearch.web")

URL_NAMES = {"query": "q"}  # the API's names for parameters the library names otherwise
HEADINGS = {400: "That request could not be answered", 404: "Not found", 503: "Search is not available"}
NO_PAGE = "There is no page at this address. Try a search instead."
BROKEN = (
    "The search page hit a problem it did not expect. It has been logged; please try again, or try a different search."
)


def respond(status: int, message: str, heading: str = "") -> Any:
    """The one shape of an error answer: JSON under ``/api/``, else the error page."""
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), status
    return render_template(
        "error.html", status=status, heading=heading or HEADINGS.get(status, "Error"), message=message
    ), status


def minsearch_error(e: MinsearchError) -> Any:
    if isinstance(e, IndexUnavailable) or e.status == 503:
        # The server log says which file; the answer does not name the server's folders.
        log.error("index unavailable: %s", e)
        return respond(503, UNAVAILABLE)
    # Parameters as the URL names them: "since", not "--since"; for a JSON client the query is
    # "q" (a person reading the page is told about "query").
    message = e.render(lambda p: URL_NAMES.get(p, p)) if request.path.startswith("/api/") else e.render()
    if e.status == 404:
        page_message = f"{as_sentence(message)} {GONE}"
        return respond(404, message if request.path.startswith("/api/") else page_message)
    show = g.get("show_bad_parameter")
    if show is not None and e.status == 400:
        return show(message)
    return respond(e.status, message)


def http_error(e: HTTPException) -> Any:
    if e.code and e.code >= 500:
        return server_error(e)
    if request.path.startswith("/api/"):
        return respond(e.code or 400, e.description or e.name)
    message = NO_PAGE if e.code == 404 and request.endpoint is None else (e.description or e.name)
    return respond(e.code or 400, message, HEADINGS[404] if e.code == 404 else e.name)


def server_error(e: Exception) -> Any:
    original = getattr(e, "original_exception", None) or e
    if not isinstance(original, HTTPException):
        log.error("error serving %s %s", request.method, request.full_path.rstrip("?"), exc_info=original)
    if request.path.startswith("/api/"):
        return respond(500, "internal error; the server log has the details")
    try:
        return respond(500, BROKEN, "Something went wrong")
    except Exception:  # noqa: BLE001  (a broken template must not turn into a traceback either)
        return Response("Something went wrong. Please try again.", 500, mimetype="text/plain")


def register(app: Flask) -> None:
    app.register_error_handler(MinsearchError, minsearch_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, server_error)
