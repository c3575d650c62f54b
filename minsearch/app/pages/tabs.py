"""The tabs above the results: one search, seen as all its paragraphs or as its decisions."""

from __future__ import annotations

from flask import g, request, url_for

from ..present import FILTER_KEYS

TAB_KEYS = ("q", "mode", *FILTER_KEYS)  # what the tabs carry over: the search, not its page or order
TABS = (("search.page", "All paragraphs"), ("decisions.page", "Decisions"))


def tabs(current: str) -> list[tuple[str, str, bool]]:
    """(label, address, is the page shown) for each tab, every address keeping the query (as
    searched) and the filters."""
    args = {k: v for k in TAB_KEYS if (v := request.args.get(k, "").strip())}
    if g.get("searched") is not None:
        args["q"] = g.searched
    return [(label, url_for(endpoint, **args), endpoint == current) for endpoint, label in TABS]  # type: ignore[arg-type]
