"""The search page and JSON API: a thin Flask front end over the :class:`~minsearch.search.Searcher`.

It holds no search logic. The routes (:mod:`minsearch.app.pages`, :mod:`minsearch.app.api`)
read the URL (so every search can be bookmarked and shared), call the Searcher, and render what
comes back through autoescaped Jinja templates from the top-level ``web/`` folder; what a page
shows is worked out in :mod:`minsearch.app.present`, without Flask. Every user-facing problem is
a :class:`MinsearchError` answered in one place (:mod:`minsearch.app.errors`): a page, or
``{"error": ...}`` from the API, with its status; anything else is logged and answered with a
friendly 500 page, never a traceback.

    app = create_app(load_settings(index_dir="index"))
"""

from __future__ import annotations

from typing import Any, Optional

from flask import Flask, Response, request

from ..citation import cite
from ..config import Settings, load_settings
from ..model import MODES, SORTS
from . import errors, present
from .api import bp as api
from .links import doc_href, doc_url, export_url, pin_fields, pinned_ids, results_here, similar_url, url_with
from .pages import BLUEPRINTS
from .pages.browse import meeting_href
from .pages.evidence import EXPORT_LIMIT
from .present import safe_link  # noqa: F401  (kept importable from here)
from .resources import web_folders

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# What the templates may call: labels, and the pure helpers of minsearch.app.present.
TEMPLATE_GLOBALS: dict[str, Any] = {
    "MODES": MODES,
    "SORTS": SORTS,
    "MODE_LABELS": present.MODE_LABELS,
    "SORT_LABELS": present.SORT_LABELS,
    "nice_date": present.nice_date,
    "section_label": present.section_label,
    "count_text": present.count_text,
    "counts_note": present.counts_note,
    "more_match_hint": present.more_match_hint,
    "decisions_count_text": present.decisions_count_text,
    "found_by": present.found_by,
    "also_in": present.also_in,
    "marks": present.marks,
    "plural": present.plural,
    "shown_motion": present.shown_motion,
    "item_label": present.item_label,
    "safe_link": present.safe_link,
    "url_with": url_with,
    "doc_url": doc_url,
    "similar_url": similar_url,
    "doc_href": doc_href,
    "cite": cite,
    "export_url": export_url,
    "pin_fields": pin_fields,
    "pinned_ids": pinned_ids,
    "results_here": results_here,
    "export_limit": EXPORT_LIMIT,
    "meeting_href": meeting_href,
}


def create_app(settings: Optional[Settings] = None, searcher=None) -> Flask:
    """The WSGI app. One :class:`Searcher` per app (thread-safe; it follows new index generations)."""
    if searcher is None:
        from ..search import Searcher

        searcher = Searcher(settings or load_settings())
    folders = web_folders()
    app = Flask(
        __name__, template_folder=str(folders.templates), static_folder=str(folders.static), static_url_path="/static"
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["minsearch.searcher"] = searcher
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    for bp in (*BLUEPRINTS, api):
        app.register_blueprint(bp)
    errors.register(app)

    @app.before_request
    def index_available() -> None:
        """Every route but static files needs the index: a deleted or broken one is a 503."""
        store = getattr(searcher, "store", None)  # a test's stand-in Searcher may have none
        if request.endpoint != "static" and store is not None:
            store.refresh()  # one stat; raises IndexUnavailable

    @app.after_request
    def headers(resp: Response) -> Response:
        for k, v in SECURITY_HEADERS.items():
            resp.headers.setdefault(k, v)
        return resp

    return app
