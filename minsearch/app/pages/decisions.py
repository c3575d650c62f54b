"""``/decisions``: the decisions tab of the results page (what meetings resolved about the
query, oldest meeting first). It takes the search form's query and filters, so the two tabs
switch views of one search."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, url_for

from ...searching.validate import MAX_QUERY_CHARS, query_text
from ..links import optional, searcher
from ..present import counted_options
from .search import form_query, search_form
from .tabs import tabs

bp = Blueprint("decisions", __name__)


@bp.get("/decisions")
def page() -> Any:
    form = search_form()
    f = optional(searcher().facets)
    ctx: dict[str, Any] = {
        "form": form,
        "action": url_for("decisions.page"),
        "result": None,
        "timeline": None,
        "error": None,
        "councils": counted_options(f.councils if f else {}, form["council"], None),
        "committees": counted_options(f.committees if f else {}, form["committee"], None),
        "date_min": (f.date_min if f else "") or "",
        "date_max": (f.date_max if f else "") or "",
        "tabs": tabs("decisions.page"),
    }
    if not form["q"].strip():
        return render_template("decisions.html", **ctx)

    def show_bad_parameter(message: str) -> Any:
        form["q"] = form["q"][:MAX_QUERY_CHARS]
        return render_template("decisions.html", **{**ctx, "error": message}), 400

    g.show_bad_parameter = show_bad_parameter  # used by minsearch.app.errors
    timeline = searcher().decisions(form_query(form, 1), strict=False)
    form["q"] = g.searched = query_text(form["q"])[0]  # as typed (see the search page)
    ctx.update(timeline=timeline, tabs=tabs("decisions.page"))
    return render_template("decisions.html", **ctx)
