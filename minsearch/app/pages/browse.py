"""Browsing without a query: ``/meetings`` (the latest meetings, or one council's or
committee's), ``/committees`` (every committee, with its meetings) and ``/meeting/<id>`` (one
meeting's agenda items in order, each linking into the document view)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from ...model import Filters
from ..links import searcher
from ..present import Paging, id_fits_a_path, page_number

bp = Blueprint("browse", __name__)

MEETINGS_PER_PAGE = 20


@bp.get("/meetings")
def meetings() -> Any:
    a = request.args
    number = page_number(a.get("page"), strict=False)
    wanted = Filters(
        council=a.get("council") or None,
        committee=a.get("committee") or None,
        since=a.get("since") or None,
        until=a.get("until") or None,
    )
    found = searcher().meetings(wanted, limit=MEETINGS_PER_PAGE, offset=(number - 1) * MEETINGS_PER_PAGE)
    paging = Paging.of(number, found.total, MEETINGS_PER_PAGE)
    return render_template(
        "meetings.html",
        found=found,
        filters=found.filters,
        page=number,
        pages=paging.pages,
        page_links=paging.links,
        first=paging.first,
    )


@bp.get("/committees")
def committees() -> Any:
    return render_template("committees.html", committees=searcher().committees())


def meeting_href(doc_id: str) -> str:
    """A meeting's page, for any id (as :func:`~minsearch.app.links.doc_href` does for documents)."""
    if id_fits_a_path(doc_id):
        return url_for("browse.meeting_by_path", doc_id=doc_id)
    return url_for("browse.meeting_by_query", id=doc_id)


@bp.get("/meeting")
def meeting_by_query() -> Any:
    return meeting_by_path(request.args.get("id", ""))


@bp.get("/meeting/<path:doc_id>")
def meeting_by_path(doc_id: str) -> Any:
    meeting, items = searcher().meeting(doc_id)  # not in the index: a 404
    return render_template("meeting.html", meeting=meeting, items=items)
