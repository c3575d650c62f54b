"""Saved searches' new matches as people read them: plain text, Markdown, HTML, JSON, an email
(through a real SMTP server) and an Atom feed. Presentation only: what is new is decided in
:mod:`minsearch.searching.alerts` and kept in :mod:`minsearch.store.watchlist`.
"""

from __future__ import annotations

import html
import os
import re
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Iterable, Optional
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

from ..citation import cite
from ..export import md_text
from ..model import Hit, MinsearchError, os_error_text, shown_source
from ..searching.alerts import alerts_json
from ..store.watchlist import Alert, News, SavedSearch
from ..words import excerpt
from .present import id_fits_a_path, nice_date, safe_link

# SMTP credentials come from the environment only (never the command line or the index home).
SMTP_USER_ENV = "MINSEARCH_SMTP_USER"
SMTP_PASSWORD_ENV = "MINSEARCH_SMTP_PASSWORD"
SMTP_FROM_ENV = "MINSEARCH_SMTP_FROM"


def citation(a: Alert) -> str:
    """The paragraph's one-line citation, as the page and the exports give it (:mod:`minsearch.citation`)."""
    return cite(a).text


def doc_path(doc_id: str, paragraph: int) -> str:
    """The document view's address for a paragraph, as the page's own links write it
    (:func:`minsearch.app.links.doc_href`), without a request to build it from."""
    if id_fits_a_path(doc_id):
        return f"/doc/{quote(doc_id, safe='/')}?hit={paragraph}#p{paragraph}"
    return f"/doc?{urlencode({'id': doc_id, 'hit': paragraph})}#p{paragraph}"


def where(a: Alert, base_url: Optional[str]) -> str:
    """A link to the paragraph on the page when its address is known, else to the published
    minutes (an http(s) ``url`` the source gave), else the file it came from."""
    if base_url:
        return base_url.rstrip("/") + doc_path(a.doc_id, a.paragraph)
    return safe_link(a.url) or shown_source(a.source, a.doc_id)


def _is_link(text: str) -> bool:
    return safe_link(text) is not None


def _describe(s: SavedSearch) -> str:
    limits = [f"council: {s.council}"] if s.council else []
    limits += [f"committee: {s.committee}"] if s.committee else []
    limits += [f"by {s.mode}"] if s.mode != "hybrid" else []
    return f"“{s.query}”" + (f" ({'; '.join(limits)})" if limits else "")


def _count(n: int) -> str:
    return "no new matches" if n == 0 else f"{n} new match{'es' if n != 1 else ''}"


def text_digest(news: News, base_url: Optional[str] = None, markdown: bool = False) -> str:
    """Each saved search, then each new paragraph with where it is (plain text or Markdown)."""
    lines: list[str] = []
    for s, alerts in news:
        head = f"{s.name}: {_describe(s)}, {_count(len(alerts))}" if s.name != s.query else None
        head = head or f"{_describe(s)}: {_count(len(alerts))}"
        lines += [f"## {md_text(head)}" if markdown else head, ""]
        for a in alerts:
            link = where(a, base_url)
            if markdown:  # the minutes' text and the names shown as typed, never as markup
                target = f"<{link}>" if _is_link(link) else f"`{link}`"
                lines += [f"- **{md_text(citation(a))}**  ", f"  {md_text(excerpt(a.text))}  ", f"  {target}"]
            else:
                lines += [f"  {citation(a)}", f"    {excerpt(a.text)}", f"    {link}"]
            lines.append("")
    if not news:
        lines.append("No saved searches; add one with `minsearch watch add WORDS`.")
    return "\n".join(lines).rstrip() + "\n"


def html_digest(news: News, base_url: Optional[str] = None) -> str:
    """The digest as an HTML email body (everything escaped)."""
    e = html.escape
    out = ["<html><body>"]
    for s, alerts in news:
        out.append(f"<h2>{e(s.name)}: {e(_describe(s))}, {e(_count(len(alerts)))}</h2><ul>")
        for a in alerts:
            link = where(a, base_url)
            ref = f'<a href="{e(link)}">{e(link)}</a>' if _is_link(link) else f"<code>{e(link)}</code>"
            out.append(f"<li><strong>{e(citation(a))}</strong><br>{e(excerpt(a.text))}<br>{ref}</li>")
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out)


def news_json(news: News) -> list[dict]:
    return [
        {
            "name": s.name,
            "query": s.query,
            "council": s.council or None,
            "committee": s.committee or None,
            "mode": s.mode,
            "new": [{**alerts_json(a), "source": shown_source(a.source, a.doc_id)} for a in alerts],
        }
        for s, alerts in news
    ]


def send_digest(news: News, to: str, smtp: str, base_url: Optional[str] = None, timeout: float = 30) -> int:
    """Email the digest (plain text and HTML) to ``to`` through the SMTP server ``smtp``
    (``HOST:PORT``). With $MINSEARCH_SMTP_USER and $MINSEARCH_SMTP_PASSWORD set it switches to TLS
    (STARTTLS) and logs in; without them it sends as is (a relay on the local network).
    Returns the number of new matches sent."""
    host, _, port_text = smtp.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise MinsearchError(f"{smtp!r} is not HOST:PORT (e.g. smtp.example.org:587)", param="smtp")
    if "@" not in to or any(ch in to for ch in "\r\n,;"):
        raise MinsearchError(f"{to!r} is not one email address", param="email")
    user, password = os.environ.get(SMTP_USER_ENV), os.environ.get(SMTP_PASSWORD_ENV)
    n = sum(len(alerts) for _s, alerts in news)
    msg = EmailMessage()
    msg["Subject"] = f"minsearch: {_count(n)} for {len(news)} saved search{'es' if len(news) != 1 else ''}"
    msg["From"] = os.environ.get(SMTP_FROM_ENV) or user or "minsearch@localhost"
    msg["To"] = to
    msg.set_content(text_digest(news, base_url))
    msg.add_alternative(html_digest(news, base_url), subtype="html")
    try:
        with smtplib.SMTP(host, int(port_text), timeout=timeout) as server:
            if user and password:
                server.starttls()
                server.login(user, password)
            server.send_message(msg)
    except smtplib.SMTPException as ex:
        raise MinsearchError(f"{smtp}: the mail server refused the digest ({ex})", param="smtp") from None
    except OSError as ex:
        raise MinsearchError(f"{smtp}: could not reach the mail server ({os_error_text(ex)})", param="smtp") from None
    return n


# -- Atom ----------------------------------------------------------------------------------------
ATOM = "http://www.w3.org/2005/Atom"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _stamp(iso_date: str, fallback: str) -> str:
    """An RFC 3339 time for a meeting date (midnight UTC), or ``fallback``."""
    try:
        return datetime.fromisoformat(iso_date).replace(tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return fallback


def _when(iso: str) -> str:
    try:
        return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S%z").astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return ""


def atom_feed(title: str, self_url: str, page_url: str, hits: Iterable[Hit], base_url: str, indexed: str = "") -> bytes:
    """An Atom 1.0 feed of ``hits`` (newest meeting first), each entry linking to its paragraph.

    An undated meeting's entry is dated when the index was last updated (``indexed``, ISO), so
    that it stays the same from one fetch to the next."""
    now = _when(indexed) or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: Optional[str] = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    entries = []
    for h in hits:
        c = h.chunk
        link = base_url.rstrip("/") + doc_path(c.doc_id, c.paragraph)
        entries.append((_stamp(c.date, now), c, link))
    sub(feed, "title", title)
    sub(feed, "id", self_url)
    sub(feed, "updated", max((u for u, _c, _l in entries), default=now))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    sub(sub(feed, "author"), "name", "minsearch")
    sub(feed, "generator", "minsearch")
    for updated, c, link in entries:
        entry = sub(feed, "entry")
        where_ = ", ".join(p for p in (c.council, c.committee, nice_date(c.date)) if p)
        sub(entry, "title", ": ".join(p for p in (where_, c.title) if p) or c.doc_id)
        sub(entry, "id", link)
        sub(entry, "updated", updated)
        sub(entry, "link", rel="alternate", type="text/html", href=link)
        sub(entry, "summary", excerpt(c.text, 600))
    body = _XML_BAD.sub("\ufffd", ET.tostring(feed, encoding="unicode"))  # control characters are not XML
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8", "replace")
