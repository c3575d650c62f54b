"""The JSON API: ``/api/search`` (the shape of ``minsearch query --json``, plus paging),
``/api/decisions`` (``minsearch decisions --json``) and ``/api/health``. Errors are
``{"error": ...}`` with the status, from :mod:`minsearch.app.errors`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, jsonify, request

from ..searching.validate import whole_number
from .links import searcher
from .pages.search import form_query, search_form
from .present import PER_PAGE, page_count, page_number

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Any:
    page = page_number(request.args.get("page"), strict=True)
    limit = whole_number(request.args.get("limit"), "limit", PER_PAGE)  # its range: the Searcher's
    result = searcher().search(form_query(search_form(), page, limit), strict=False, snippets=False, counts=True)
    return jsonify({**result.to_json(), "page": page, "per_page": limit, "pages": page_count(result.total, limit)})


@bp.get("/decisions")
def decisions() -> Any:
    """The decisions timeline (the shape of ``minsearch decisions --json``)."""
    return jsonify(searcher().decisions(form_query(search_form(), 1), strict=False, snippets=False).to_json())


@bp.get("/health")
def health() -> Any:
    info = asdict(searcher().info())  # IndexUnavailable: 503
    info.pop("location", None)  # where the index lives on disk is nobody's business
    return jsonify({"status": "ok", **info})
