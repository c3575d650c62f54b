"""``/doc/<id>``: one agenda item of a document (or the whole document), the found paragraph marked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from ..evidence import results_path
from ..links import searcher
from ..present import back_to_results, document_view, int_or_none

bp = Blueprint("document", __name__)


@bp.get("/doc")
def by_query() -> Any:
    """A document whose id a path cannot carry (see :func:`minsearch.app.links.doc_href`)."""
    return by_path(request.args.get("id", ""))


@bp.get("/doc/<path:doc_id>")
def by_path(doc_id: str) -> Any:
    chunks = searcher().document(doc_id)  # not in the index: a 404
    view = document_view(doc_id, chunks, int_or_none(request.args.get("hit")), int_or_none(request.args.get("item")))
    # The way back: the results page the link came from (its query, filters and page travel in
    # ``back``), else the search the browser says it came from.
    back = results_path(request.args.get("back"))
    return render_template(
        "document.html",
        doc_id=doc_id,
        back=back,
        back_url=back or back_to_results(request.referrer, request.host),
        **vars(view),
    )
