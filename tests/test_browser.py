"""The search page in a real browser: Debian's headless Chromium driven by Playwright.

Starts ``minsearch serve`` on a free port (waitress, as in production), searches, filters,
opens a document, and saves a screenshot of the results page (to docs/screenshot.png, the README's,
only when MINSEARCH_UPDATE_SCREENSHOT=1: a test run must not change the checkout).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import DENTAL

from benchmarks.serve_process import ServeProcess, ServerDidNotStart

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot.png"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(real_seeds_index, tmp_path_factory):
    """The page over the seeds indexed with the real model: the user's path ends at "more like this"."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    try:
        with ServeProcess(real_seeds_index, log, timeout=30) as srv:
            assert srv.health["chunks"] == 108
            yield srv.base, log
    except ServerDidNotStart as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _result_ids(page) -> list[str]:
    hrefs = page.locator("ol.hits h3 a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    out = []
    for h in hrefs:  # /doc/<id>?hit=<n>&back=<the results>#p<n>
        doc, _, rest = h[len("/doc/") :].partition("?hit=")
        out.append(f"{doc}#p{rest.split('#')[0].split('&')[0]}")
    return out


def test_search_filter_and_open_a_document(server, browser, tmp_path):
    base, log = server
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(base + "/")
        assert page.locator("h2", has_text="Search tips").is_visible()
        page.get_by_label("Search the minutes", exact=True).fill("dental checks")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_url("**/?q=dental+checks**")

        ids = _result_ids(page)
        assert set(ids[:3]) <= DENTAL, ids
        assert page.locator("h2#count").inner_text().split()[1:3] == ["matching", "paragraphs"]
        first = page.locator("ol.hits > li").first
        marks = [m.lower() for m in first.locator("p.snippet mark").all_inner_texts()]
        assert "dental" in marks and "checks" in marks
        assert first.locator("p.snippet mark").first.evaluate("e => getComputedStyle(e).backgroundColor") not in (
            "rgba(0, 0, 0, 0)",
            "transparent",
        )
        shot = SCREENSHOT if os.environ.get("MINSEARCH_UPDATE_SCREENSHOT") == "1" else tmp_path / "results.png"
        page.screenshot(path=str(shot), full_page=False)

        # Filter by council: the URL carries it, and only Kirklees paragraphs remain.
        page.get_by_label("Council", exact=True).select_option("Kirklees")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url("**council=Kirklees**")
        councils = page.locator("ol.hits ul.meta li:first-child").all_inner_texts()
        assert councils and set(councils) == {"Kirklees"}, councils
        assert page.get_by_label("Council", exact=True).input_value() == "Kirklees"
        assert page.get_by_label("Search the minutes", exact=True).input_value() == "dental checks"

        # Open a document from a result: the hit paragraph is marked and scrolled to.
        link = page.locator("ol.hits h3 a").first
        href = link.get_attribute("href")
        para = href.split("#")[1]
        link.click()
        page.wait_for_url(f"**/doc/**#{para}")
        hit = page.locator(f"#{para}")
        assert hit.get_attribute("class").split() == ["para", "hit"]
        assert hit.get_attribute("aria-current") == "true"
        assert page.locator("[aria-current='true']").count() == 1
        assert "dental" in hit.inner_text().lower()
        assert hit.is_visible() and hit.evaluate(
            "e => { const r = e.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }"
        )
        assert page.locator("h1").inner_text() == "Children's Performance Highlight Report"
        assert page.get_by_role("link", name="‹ Back to results").is_visible()
        headings = page.locator("h2.section-heading").all_inner_texts()
        assert "Minutes" in headings

        # More like this, from the marked paragraph.
        hit.get_by_role("link", name="More like this").click()
        page.wait_for_selector("h1:has-text('Paragraphs like this one')")
        assert page.locator("ol.hits > li").count() > 0
    finally:
        ctx.close()
    lines = log.read_text().splitlines()
    assert any(" GET /?q=dental+checks" in line and " 200 " in line and line.endswith("ms") for line in lines), lines


def test_phone_layout_has_no_sideways_scrolling(server, browser, tmp_path):
    base, _ = server
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=1, is_mobile=True)
    page = ctx.new_page()
    try:
        page.goto(base + "/?q=dental+checks&council=Wolverhampton")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert page.locator("ol.hits > li").count() > 0
        # Keyboard: the skip link comes first and is visible when focused.
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "Skip to main content"
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
        print("phone screenshot:", tmp_path / "phone.png")
    finally:
        ctx.close()
