"""``/``: the search form, its results, and search tips when nothing was asked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request

from ...model import Filters, Query
from ...searching.validate import MAX_QUERY_CHARS, query_text
from ..chart import usage_chart
from ..links import optional, searcher
from ..present import FILTER_KEYS, PER_PAGE, Paging, counted_options, page_number
from .tabs import tabs

bp = Blueprint("search", __name__)


def search_form() -> dict[str, str]:
    """The search form's state as the URL gives it (for re-filling the form; the query is
    replaced by what was searched, cut as a search cuts it, once a search ran)."""
    a = request.args
    return {
        "q": a.get("q", ""),
        "mode": a.get("mode", "hybrid").strip() or "hybrid",
        "sort": a.get("sort", "relevance").strip() or "relevance",
        **{k: a.get(k, "").strip() for k in FILTER_KEYS},
    }


def form_query(form: dict[str, str], page: int, limit: int = PER_PAGE) -> Query:
    """The Searcher's query for a search form (a blank filter is no filter)."""
    filters = Filters(
        council=form["council"] or None,
        committee=form["committee"] or None,
        since=form["since"] or None,
        until=form["until"] or None,
    )
    return Query(
        text=form["q"], mode=form["mode"], sort=form["sort"], filters=filters, limit=limit, offset=(page - 1) * limit
    )


@bp.get("/")
def page() -> Any:
    form = search_form()
    number = page_number(request.args.get("page"), strict=False)
    f = optional(searcher().facets)
    ctx: dict[str, Any] = {
        "form": form,
        "page": number,
        "result": None,
        "error": None,
        "pages": 0,
        "councils": counted_options(f.councils if f else {}, form["council"], None),
        "committees": counted_options(f.committees if f else {}, form["committee"], None),
        "date_min": (f.date_min if f else "") or "",
        "date_max": (f.date_max if f else "") or "",
        "examples": optional(searcher().examples),  # the tips' and the search box's examples
    }
    if not form["q"].strip():
        ctx["info"] = optional(searcher().info)
        return render_template("search.html", **ctx)

    def show_bad_parameter(message: str) -> Any:
        """A search that could not run: the message above the form, to fix it there."""
        form["q"] = form["q"][:MAX_QUERY_CHARS]  # not searched: echo no more than a search would use
        return render_template("search.html", **{**ctx, "error": message}), 400

    g.show_bad_parameter = show_bad_parameter  # used by minsearch.app.errors
    result = searcher().search(form_query(form, number), strict=False, counts=True)
    # What was typed, as far as it was searched (cut to 500 characters): the form and every link
    # search it again. Not result.query.text, which leaves out the dates named in words ("since
    # 2022" is a filter), so page 2 and a re-sort lost them.
    form["q"] = g.searched = query_text(form["q"])[0]
    # The names the filters resolved to ("kent" is Kent County Council), shown as chosen.
    form["council"] = result.query.filters.council or ""
    form["committee"] = result.query.filters.committee or ""
    paging = Paging.of(number, result.total)
    counts = result.counts
    ctx.update(
        result=result,
        pages=paging.pages,
        page_links=paging.links,
        first=paging.first,
        tabs=tabs("search.page"),
        counts=counts,
        chart=usage_chart(counts) if counts is not None and result.total else None,
        councils=counted_options(f.councils if f else {}, form["council"], counts.councils if counts else None),
        committees=counted_options(f.committees if f else {}, form["committee"], counts.committees if counts else None),
    )
    return render_template("search.html", **ctx)
