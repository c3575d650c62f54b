"""Saved searches on the page: ``/watch`` (the list and what re-indexes found), "Save this
search" (``POST /watch``), removing one, and the Atom feed of any search (``/feed.atom?q=...``).

There are no accounts: anyone who can reach the page can see, add and remove saved searches.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for

from ...model import MODES, Filters, MinsearchError, Query
from ...searching.alerts import forget_search, news, save_search
from ...searching.validate import query_text
from ...store.watchlist import SavedSearch
from ..digest import atom_feed, citation, doc_path
from ..links import optional, searcher

bp = Blueprint("watch", __name__)

FEED_ENTRIES = 20  # newest matches in a feed
SHOWN = 10  # new matches listed per saved search on /watch


def feed_params(query: str, council: str = "", committee: str = "", mode: str = "hybrid") -> dict[str, str]:
    """The parameters of a search's feed (and of its results page): blank ones left out."""
    params = {"q": query, "council": council, "committee": committee, "mode": "" if mode == "hybrid" else mode}
    return {k: v for k, v in params.items() if v}


@bp.before_request
def same_site_only() -> None:
    """Another site's page cannot make a visitor's browser save or remove a search: a form posted
    from elsewhere carries another Origin (browsers send it with every cross-site POST)."""
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin and urlsplit(origin).netloc != request.host:
        raise MinsearchError("saved searches can only be changed from this site's own pages", status=403)


@bp.get("/watch")
def page() -> Any:
    found = news(searcher().settings, since="all")
    return render_template(
        "watch.html",
        news=[
            (s, alerts[:SHOWN], len(alerts), feed_params(s.query, s.council, s.committee, s.mode))
            for s, alerts in found
        ],
        saved=request.args.get("saved", ""),
        removed=request.args.get("removed", ""),
        citation=citation,
        doc_path=doc_path,
    )


@bp.post("/watch")
def save() -> Any:
    f = request.form
    mode = f.get("mode", "hybrid").strip() or "hybrid"
    found = searcher()
    s = save_search(
        found.settings,
        SavedSearch(
            name=f.get("name", ""),
            query=f.get("q", ""),
            council=f.get("council", ""),
            committee=f.get("committee", ""),
            mode=mode,
        ),
        store=found.store,
        encoder=found,
    )
    return redirect(url_for("watch.page", saved=s.name), code=303)


@bp.post("/watch/remove")
def remove() -> Any:
    name = request.form.get("name", "")
    forget_search(searcher().settings, name)
    return redirect(url_for("watch.page", removed=name), code=303)


@bp.get("/feed.atom")
def feed() -> Any:
    """The newest matches of a search, newest meeting first, as Atom (a feed reader or Outlook
    subscribes to it). The same parameters as the search page."""
    a = request.args
    mode = a.get("mode", "hybrid").strip() or "hybrid"
    if mode not in MODES:
        raise MinsearchError(f"{mode!r} is not one of {', '.join(MODES)}", param="mode")
    params = feed_params(a.get("q", ""), a.get("council", "").strip(), a.get("committee", "").strip(), mode)
    filters = Filters(council=params.get("council"), committee=params.get("committee"))
    result = searcher().search(
        Query(text=params.get("q", ""), mode=mode, sort="date", limit=FEED_ENTRIES, filters=filters), strict=False
    )
    base = request.host_url.rstrip("/")
    asked = query_text(params.get("q", ""))[0]  # as typed: with the dates it names in words, if any
    title = f"Minutes search: {asked}" + "".join(
        f" ({v})" for v in (params.get("council"), params.get("committee")) if v
    )
    query_string = urlencode({**params, "q": asked})
    body = atom_feed(
        title,
        self_url=f"{base}{url_for('watch.feed')}?{query_string}",
        page_url=f"{base}{url_for('search.page')}?{query_string}",
        hits=result.hits,
        base_url=base,
        indexed=info.last_indexed if (info := optional(searcher().info)) else "",
    )
    return Response(body, mimetype="application/atom+xml")
