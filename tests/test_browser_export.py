"""Taking evidence away in a real browser (Chromium, Playwright): download a search's results as
CSV, Markdown and Word, pin paragraphs from two searches and download the list, go back from a
document to its results, and copy a citation (with JavaScript; without it the page is the same,
less the button).

The screenshot of an export in the README (docs/export.png) is taken here, only when
MINSEARCH_UPDATE_SCREENSHOT=1: the Word export's text as python-docx reads it back, shown as a page.
"""

from __future__ import annotations

import csv
import html
import io
import os

import pytest
from test_browser import ROOT, browser, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXPORT_SHOT = ROOT / "docs" / "export.png"


def _download(page, link_text: str, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text).first.click()
    d = info.value
    path = tmp_path / d.suggested_filename
    d.save_as(str(path))
    return path


def _docx_preview(path) -> str:
    """The .docx as python-docx reads it, as a small page (headings, quotes, the rest)."""
    from docx import Document

    parts = []
    for p in Document(str(path)).paragraphs:
        style, text = p.style.name, html.escape(p.text)
        if style.startswith("Heading 1") or style == "Title":
            parts.append(f"<h1>{text}</h1>")
        elif style.startswith("Heading"):
            parts.append(f"<h2>{text}</h2>")
        elif style == "Quote":
            parts.append(f"<blockquote>{text}</blockquote>")
        else:
            parts.append(f"<p>{text}</p>")
    css = (
        "body{font:15px/1.45 Calibri,Carlito,'DejaVu Sans',sans-serif;max-width:46rem;margin:2rem auto;color:#222}"
        "h1{font-size:1.6rem;color:#17365d}h2{font-size:1.15rem;color:#365f91;margin-top:1.4rem}"
        "blockquote{font-style:italic;margin:.4rem 1.5rem;color:#444}"
        ".frame{border:1px solid #bbb;padding:1.5rem 2rem;box-shadow:0 2px 8px #0002}"
        ".label{font:13px sans-serif;color:#666;margin:0 0 .5rem}"
    )
    return (
        f"<!doctype html><meta charset=utf-8><style>{css}</style>"
        f"<p class=label>{html.escape(path.name)} (Word), as python-docx reads it back</p>"
        f"<div class=frame>{''.join(parts)}</div>"
    )


def test_download_pin_and_go_back(server, browser, tmp_path):  # noqa: F811
    base, _log = server
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(base + "/?q=dental+checks&council=Wolverhampton")
        first = page.locator("ol.hits > li").first
        cite = first.locator("cite.cite-text").inner_text()
        assert cite.startswith("Wolverhampton, Corporate Parenting Board, undated")
        assert page.locator("button.copy").count() == 0  # no JavaScript: the citation is plain text

        csv_file = _download(page, "Spreadsheet (CSV)", tmp_path)
        rows = list(csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
        assert rows and rows[0]["citation"] == cite and rows[0]["filter_council"] == "Wolverhampton"
        md = _download(page, "Markdown", tmp_path).read_text(encoding="utf-8")
        assert md.startswith("# Evidence from the minutes: dental checks") and f"— {cite}" in md
        from docx import Document

        word = _download(page, "Word document", tmp_path)
        assert cite in "\n".join(p.text for p in Document(str(word)).paragraphs)

        # Pin the first hit here and one from another search; the list holds both, with their searches.
        first.get_by_role("button", name="Pin to evidence list").click()
        page.wait_for_url("**/?q=dental+checks**")
        assert page.locator("ol.hits > li").first.locator(".pinned").is_visible()
        page.goto(base + "/?q=foster+carers")
        page.locator("ol.hits > li").first.get_by_role("button", name="Pin to evidence list").click()
        page.wait_for_url("**/?q=foster+carers**")
        page.get_by_role("link", name="Evidence list (2)").click()
        page.wait_for_url("**/evidence")
        assert page.locator("ol.evidence-list > li").count() == 2
        searched = page.locator("p.searched").all_inner_texts()
        assert searched[0].startswith("Found by searching dental checks") and "foster carers" in searched[1]
        word = _download(page, "Word document", tmp_path)
        text = "\n".join(p.text for p in Document(str(word)).paragraphs)
        assert cite in text and "Found by searching “foster carers”." in text
        if os.environ.get("MINSEARCH_UPDATE_SCREENSHOT") == "1":
            preview = ctx.new_page()
            preview.set_viewport_size({"width": 900, "height": 900})
            preview.set_content(_docx_preview(word))
            preview.screenshot(path=str(EXPORT_SHOT), full_page=False)
            preview.close()

        # The way back: from a result's document to the same results page (query, filter, page).
        page.goto(base + "/?q=dental+checks&council=Wolverhampton&page=1")
        page.locator("ol.hits h3 a").first.click()
        page.wait_for_url("**/doc/**")
        page.get_by_role("link", name="‹ Back to results").click()
        page.wait_for_url("**/?q=dental+checks&council=Wolverhampton&page=1")
        assert page.locator("ol.hits > li").first.locator("cite.cite-text").inner_text() == cite
    finally:
        ctx.close()


def test_copy_citation_with_javascript(server, browser):  # noqa: F811
    base, _log = server
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(base + "/?q=dental+checks")
        first = page.locator("ol.hits > li").first
        button = first.get_by_role("button", name="Copy citation")
        button.click()
        page.wait_for_function("() => document.querySelector('button.copy').textContent === 'Copied'")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == first.locator("cite.cite-text").inner_text()
    finally:
        ctx.close()
