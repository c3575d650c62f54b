"""``/similar?chunk=<id>``: paragraphs closest in meaning to one paragraph, from other meetings."""

from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, render_template, request
from werkzeug.exceptions import NotFound

from ..links import optional, searcher
from ..present import PER_PAGE, Paging, page_number

bp = Blueprint("similar", __name__)


@bp.get("/similar")
@bp.get("/similar/<path:chunk_id>")
def page(chunk_id: Optional[str] = None) -> Any:
    chunk_id = chunk_id or request.args.get("chunk", "")
    number = page_number(request.args.get("page"), strict=False)
    if not chunk_id.strip():
        raise NotFound("No paragraph was given to find similar ones for.")
    result = searcher().more_like_this(chunk_id, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    source = optional(lambda: searcher().chunk(chunk_id))  # the paragraph itself, for the heading
    paging = Paging.of(number, result.total)
    return render_template(
        "similar.html",
        result=result,
        source=source,
        source_text=result.query.text,
        page=number,
        pages=paging.pages,
        page_links=paging.links,
        first=paging.first,
    )
