"""The search page and JSON API: a thin Flask front end over the :class:`~minsearch.search.Searcher`.

It holds no search logic. It reads the URL (so every search can be bookmarked and shared),
calls the Searcher, and renders what comes back through autoescaped Jinja templates from the
top-level ``web/`` folder. Every user-facing problem is a :class:`MinsearchError` shown on
the page (or as ``{"error": ...}`` with status 400 from the API); anything else is logged and
answered with a friendly 500 page, never a traceback.

    app = create_app(load_settings(index_dir="index"))
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import asdict
from datetime import date
from typing import Optional
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, g, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from ..config import Settings, load_settings
from ..model import MODES, SORTS, Filters, IndexUnavailable, MinsearchError, Query, SearchResult, printable
from .resources import web_folders

log = logging.getLogger("minsearch.web")

PER_PAGE = 10
MAX_PAGE = 100  # deeper pages only ask the ranker for more candidates nobody reads
MODE_LABELS = {
    "hybrid": ("Words and meaning", "recommended"),
    "keyword": ("Exact words", "\"phrases\", AND, OR, NOT"),
    "semantic": ("Meaning", "same idea, other words"),
}
SORT_LABELS = {"relevance": "Best match", "date": "Newest meeting first"}
SECTION_LABELS = {"minutes": "Minutes", "resolved": "Resolved", "description": "Description"}
FILTER_KEYS = ("council", "committee", "since", "until")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_CLI_FLAG = re.compile(r"(?<![\w-])--(?=[a-z])")
UNAVAILABLE = ("The search index is not available right now: it is being rebuilt, or it is damaged. "
               "Please try again later.")
# A doc id that is safe as /doc/<path>: segments of ordinary characters, none empty, "." or "..".
_PATH_ID = re.compile(r"[\w\-. ,'()&+~@]+(?:/[\w\-. ,'()&+~@]+)*")


def safe_link(url: str) -> Optional[str]:
    """``url`` if it is an http(s) link to somewhere, else None: a stored ``javascript:`` or
    ``data:`` URL (any case, with leading spaces or control characters) is never put in an href
    (the CSP blocks it in Chromium, but not every browser enforces CSP)."""
    cleaned = (url or "").strip()
    if not cleaned or any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned):
        return None
    parts = urlsplit(cleaned)
    return cleaned if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def doc_href(doc_id: str, **params) -> str:
    """The address of a document's page, for any id a feed can hold.

    Ordinary ids (``000_87bf...``, ``council/a/b``) read as a path; an id that a path cannot
    carry (``/abs/path``, ``../../etc/passwd``, ``a//b``: browsers and Flask normalise them) goes
    in the query string instead, ``/doc?id=...``.
    """
    anchor = params.pop("_anchor", None)
    parts = doc_id.split("/")
    if _PATH_ID.fullmatch(doc_id) and not any(p in (".", "..") or p != p.strip() for p in parts):
        return url_for("document", doc_id=doc_id, _anchor=anchor, **params)
    return url_for("document_by_query", id=doc_id, _anchor=anchor, **params)


def user_message(e: Exception) -> str:
    """A Searcher message as a web user reads it: parameter names without the CLI's ``--``."""
    return _CLI_FLAG.sub("", str(e))


def _page_number(raw: Optional[str], *, strict: bool) -> int:
    """``page`` from the URL: 1..MAX_PAGE. The page quietly clamps; the API says what is wrong."""
    if raw is None or raw.strip() == "":
        return 1
    try:
        n = int(raw.strip())
    except ValueError:
        if strict:
            raise MinsearchError(f"page: {raw[:40]!r} is not a whole number") from None
        return 1
    if strict and not 1 <= n <= MAX_PAGE:
        raise MinsearchError(f"page: must be between 1 and {MAX_PAGE}, not {n}")
    return min(max(n, 1), MAX_PAGE)


def _form() -> dict:
    """The search form's state as the URL gives it (for re-filling the form; the query is
    replaced by what was searched once a search ran, see ``search_page``)."""
    a = request.args
    mode = a.get("mode", "hybrid").strip() or "hybrid"
    sort = a.get("sort", "relevance").strip() or "relevance"
    return {
        "q": a.get("q", ""),
        "mode": mode,
        "sort": sort,
        **{k: a.get(k, "").strip() for k in FILTER_KEYS},
    }


def _query(form: dict, page: int, limit: int = PER_PAGE) -> Query:
    filters = Filters(council=form["council"] or None, committee=form["committee"] or None,
                      since=form["since"] or None, until=form["until"] or None)
    return Query(text=form["q"], mode=form["mode"], sort=form["sort"], filters=filters,
                 limit=limit, offset=(page - 1) * limit)


def _nice_date(iso: str) -> str:
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    return f"{d.day} {d:%B %Y}"


def _options(values: dict, chosen: str) -> list[tuple[str, bool]]:
    """Select-list options from the index's facets; a value from the URL that is not one of
    them is kept (the Searcher matches it case-insensitively), so the form shows what was searched."""
    names = sorted(values, key=str.casefold)
    hit = next((n for n in names if n.casefold() == chosen.casefold()), None) if chosen else None
    if chosen and hit is None:
        names.append(chosen)
        hit = chosen
    return [(n, n == hit) for n in names]


def _pages(page: int, pages: int) -> list[Optional[int]]:
    """Page links to show: first, last and the neighbourhood of the current page (None = gap)."""
    keep = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[Optional[int]] = []
    for n in keep:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def create_app(settings: Optional[Settings] = None, searcher=None) -> Flask:
    """The WSGI app. One :class:`Searcher` per app (thread-safe; it follows new index generations)."""
    if searcher is None:
        from ..search import Searcher

        searcher = Searcher(settings or load_settings())
    folders = web_folders()
    app = Flask(__name__, template_folder=str(folders.templates), static_folder=str(folders.static),
                static_url_path="/static")
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["minsearch.searcher"] = searcher
    app.jinja_env.globals.update(MODES=MODES, SORTS=SORTS, MODE_LABELS=MODE_LABELS, SORT_LABELS=SORT_LABELS,
                                 SECTION_LABELS=SECTION_LABELS, nice_date=_nice_date)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    def url_with(**changes) -> str:
        """The current URL with some parameters changed (None or "" removes one); the query is
        what was searched (the first 500 characters), not all that the URL brought."""
        args = {k: v for k, v in request.args.items()}
        if g.get("searched") is not None:
            args["q"] = g.searched
        args.update(changes)
        clean = {k: v for k, v in args.items() if v not in (None, "")}
        return request.path + ("?" + urlencode(clean) if clean else "")

    app.jinja_env.globals["url_with"] = url_with

    def doc_url(chunk) -> str:
        return doc_href(chunk.doc_id, hit=chunk.paragraph, _anchor=f"p{chunk.paragraph}")

    def similar_url(chunk) -> str:
        return url_for("similar", chunk=chunk.chunk_id)

    app.jinja_env.globals.update(doc_url=doc_url, similar_url=similar_url, doc_href=doc_href, safe_link=safe_link)

    def facets():
        try:
            return searcher.facets()
        except IndexUnavailable:
            raise
        except MinsearchError:
            return None

    @app.before_request
    def index_available():
        """Every route but static files needs the index: a deleted or broken one is a 503."""
        store = getattr(searcher, "store", None)
        if request.endpoint != "static" and store is not None:
            store.refresh()  # one stat; raises IndexUnavailable

    # -- pages --------------------------------------------------------------------------------------
    @app.get("/")
    def search_page():
        form = _form()
        page = _page_number(request.args.get("page"), strict=False)
        f = facets()
        ctx = {
            "form": form, "page": page, "result": None, "error": None, "pages": 0,
            "councils": _options(f.councils if f else {}, form["council"]),
            "committees": _options(f.committees if f else {}, form["committee"]),
            "date_min": (f.date_min if f else "") or "", "date_max": (f.date_max if f else "") or "",
        }
        if not form["q"].strip():
            try:
                ctx["info"] = searcher.info()
            except IndexUnavailable:
                raise
            except MinsearchError:
                ctx["info"] = None
            return render_template("search.html", **ctx)
        try:
            result = searcher.search(_query(form, page), strict=False)
        except IndexUnavailable:
            raise
        except MinsearchError as e:
            from ..search import MAX_QUERY_CHARS

            form["q"] = form["q"][:MAX_QUERY_CHARS]  # not searched: echo no more than a search would use
            ctx["error"] = user_message(e)
            return render_template("search.html", **ctx), 400
        form["q"] = g.searched = result.query.text
        pages = max(1, math.ceil(result.total / PER_PAGE))
        ctx.update(result=result, pages=pages, page_links=_pages(page, pages) if pages > 1 else [],
                   first=(page - 1) * PER_PAGE + 1)
        return render_template("search.html", **ctx)

    @app.get("/doc")
    def document_by_query():
        """A document whose id a path cannot carry (see :func:`doc_href`)."""
        return document(request.args.get("id", ""))

    @app.get("/doc/<path:doc_id>")
    def document(doc_id: str):
        try:
            chunks = searcher.document(doc_id)
        except IndexUnavailable:
            raise
        except MinsearchError:
            return _not_found(f"There is no document {printable(doc_id)[:200]!r} in the index. It may have "
                              "been removed since the link was made.")
        hit = _int_or_none(request.args.get("hit"))
        item = _int_or_none(request.args.get("item"))
        hit_chunk = next((c for c in chunks if c.paragraph == hit), None)
        if hit_chunk is not None:
            item = hit_chunk.item
        items = sorted({c.item for c in chunks})
        if item not in items:
            item = items[0] if len(items) == 1 else None
        shown = [c for c in chunks if item is None or c.item == item]
        groups = []  # (item, title, [(section heading or None, chunk)])
        for c in shown:
            if not groups or groups[-1][0] != c.item:
                groups.append((c.item, c.title, []))
                last_section = None
            heading = None
            if c.section != last_section:
                heading = SECTION_LABELS.get(c.section, c.section.replace("_", " ").capitalize())
                last_section = c.section
            groups[-1][2].append((heading, c))
        other_items = [(c.item, c.title) for c in chunks if c.item != item]
        other_items = list(dict.fromkeys(other_items)) if item is not None else []
        first = shown[0]
        return render_template("document.html", doc_id=doc_id, meta=first, groups=groups, hit=hit,
                               back_url=_back_to_results(),
                               hit_chunk=hit_chunk, item=item, other_items=other_items,
                               title=first.title if item is not None else (first.title or doc_id))

    @app.get("/similar")
    @app.get("/similar/<path:chunk_id>")
    def similar(chunk_id: Optional[str] = None):
        chunk_id = chunk_id or request.args.get("chunk", "")
        page = _page_number(request.args.get("page"), strict=False)
        if not chunk_id.strip():
            return _not_found("No paragraph was given to find similar ones for.")
        try:
            result = searcher.more_like_this(chunk_id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        except IndexUnavailable:
            raise
        except MinsearchError:
            return _not_found(f"There is no paragraph {printable(chunk_id)[:200]!r} in the index. It may have "
                              "been removed since the link was made.")
        source = _chunk_by_id(chunk_id)
        pages = max(1, math.ceil(result.total / PER_PAGE))
        return render_template("similar.html", result=result, source=source, source_text=result.query.text,
                               page=page, pages=pages, page_links=_pages(page, pages) if pages > 1 else [],
                               first=(page - 1) * PER_PAGE + 1)

    def _chunk_by_id(chunk_id: str):
        """The paragraph itself, for the heading of "More like this"."""
        try:
            return searcher.chunk(chunk_id)
        except IndexUnavailable:
            raise
        except MinsearchError:
            return None

    # -- JSON API -------------------------------------------------------------------------------------
    @app.get("/api/search")
    def api_search():
        try:
            form = _form()
            page = _page_number(request.args.get("page"), strict=True)
            raw_limit = request.args.get("limit", "")
            limit = _int_or_none(raw_limit, PER_PAGE)
            if limit is None or not 1 <= limit <= 100:
                raise MinsearchError(f"limit: must be a whole number from 1 to 100, not {raw_limit[:20]!r}")
            result: SearchResult = searcher.search(_query(form, page, limit), strict=False, snippets=False)
        except IndexUnavailable:
            raise
        except MinsearchError as e:
            return _api_error(user_message(e), 400)
        return jsonify({**result.to_json(), "page": page, "per_page": limit,
                        "pages": max(1, math.ceil(result.total / limit))})

    @app.get("/api/health")
    def api_health():
        info = asdict(searcher.info())  # IndexUnavailable: 503 (index_unavailable)
        info.pop("location", None)  # where the index lives on disk is nobody's business
        return jsonify({"status": "ok", **info})

    # -- errors ---------------------------------------------------------------------------------------
    def _api_error(message: str, status: int):
        return jsonify({"error": message}), status

    def _not_found(message: str):
        if request.path.startswith("/api/"):
            return _api_error(message, 404)
        return render_template("error.html", status=404, heading="Not found", message=message), 404

    @app.errorhandler(IndexUnavailable)
    def index_unavailable(e: IndexUnavailable):
        # The server log says which file; the page does not name the server's folders.
        log.error("index unavailable: %s", e)
        if request.path.startswith("/api/"):
            return _api_error(UNAVAILABLE, 503)
        return render_template("error.html", status=503, heading="Search is not available",
                               message=UNAVAILABLE), 503

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.code and e.code >= 500:
            return server_error(e)
        if request.path.startswith("/api/"):
            return _api_error(e.description or e.name, e.code or 400)
        message = ("There is no page at this address. Try a search instead."
                   if e.code == 404 else (e.description or e.name))
        return render_template("error.html", status=e.code, heading=e.name, message=message), e.code

    @app.errorhandler(Exception)
    def server_error(e: Exception):
        original = getattr(e, "original_exception", None) or e
        if not isinstance(original, HTTPException):
            log.error("error serving %s %s", request.method, request.full_path.rstrip("?"), exc_info=original)
        if request.path.startswith("/api/"):
            return _api_error("internal error; the server log has the details", 500)
        try:
            return render_template("error.html", status=500, heading="Something went wrong",
                                   message="The search page hit a problem it did not expect. It has been "
                                           "logged; please try again, or try a different search."), 500
        except Exception:  # a broken template must not turn into a traceback either
            return Response("Something went wrong. Please try again.", 500, mimetype="text/plain")

    @app.after_request
    def headers(resp: Response) -> Response:
        for k, v in SECURITY_HEADERS.items():
            resp.headers.setdefault(k, v)
        return resp

    return app


def _back_to_results() -> Optional[str]:
    """The search this page was opened from (same site, search page only), for a "Back" link."""
    ref = request.referrer
    if not ref:
        return None
    u = urlsplit(ref)
    if u.netloc != request.host or u.path != "/" or not u.query:
        return None
    return "/?" + u.query


def _int_or_none(raw: Optional[str], default: Optional[int] = None) -> Optional[int]:
    """An int from the URL; ``default`` if absent or blank, None if not a number."""
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        return None
