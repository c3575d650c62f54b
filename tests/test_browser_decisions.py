"""The decisions tab in a real browser (Debian's headless Chromium, no JavaScript), over the Kent
County Council sample indexed with the real model: search, switch to the Decisions tab, filter,
switch back. Saves the README's screenshot of the tab (docs/decisions.png) only when
MINSEARCH_UPDATE_SCREENSHOT=1: a test run must not change the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_browser import ARGS, CHROMIUM

from benchmarks.serve_process import ServeProcess, ServerDidNotStart
from minsearch.config import load_settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "decisions.png"


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_encoder):
    from minsearch.indexer import index_paths

    folder = load_settings().data_dir / "kent-cc-minutes-sample"
    if not folder.is_dir():
        pytest.skip(f"shared data not found at {folder} (set MINSEARCH_DATA)")
    home = tmp_path_factory.mktemp("kent-decisions-ix")
    summary = index_paths(
        sorted(folder.glob("*.txt")), load_settings(index_dir=home, model=real_encoder.name), encoder=real_encoder
    )
    assert summary.documents == 8 and not summary.skipped
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    try:
        with ServeProcess(home, log, timeout=30) as srv:
            yield srv.base
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


def test_decisions_tab(server, browser, tmp_path):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=False)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(server + "/")
        page.get_by_label("Search the minutes", exact=True).fill("devolution")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_url("**/?q=devolution**")
        tabs = page.get_by_role("navigation", name="Views of this search")
        assert tabs.get_by_role("link", name="All paragraphs").get_attribute("aria-current") == "page"

        tabs.get_by_role("link", name="Decisions").click()
        page.wait_for_url("**/decisions?q=devolution**")
        count = page.locator("h2#count").inner_text()
        assert " decisions in " in count and "meetings" in count, count
        dates = page.locator("ol.meetings > li > h3 time").evaluate_all("els => els.map(e => e.dateTime)")
        assert len(dates) >= 2 and dates == sorted(dates), dates
        leads = page.locator(".decision .lead").all_inner_texts()
        assert "26) RESOLVED that the County Council:" in leads, leads
        marks = {m.lower() for m in page.locator(".decision p.snippet mark").all_inner_texts()}
        assert "devolution" in marks
        assert page.locator(".decision .outcome").count() >= 1
        assert page.get_by_label("Search the minutes", exact=True).input_value() == "devolution"
        shot = SCREENSHOT if os.environ.get("MINSEARCH_UPDATE_SCREENSHOT") == "1" else tmp_path / "decisions.png"
        # Tall enough to show more than one meeting of the timeline.
        page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1200, "height": 1700})

        # A filter applied on this tab stays on it, and the other tab keeps it.
        page.get_by_label("Committee", exact=True).select_option("Cabinet")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url("**/decisions?**committee=Cabinet**")
        who = page.locator("ol.meetings > li > h3 .who").all_inner_texts()
        assert who and all(w.startswith("Cabinet") for w in who), who
        page.get_by_role("navigation", name="Views of this search").get_by_role("link", name="All paragraphs").click()
        page.wait_for_url("**/?q=devolution**committee=Cabinet**")
        assert page.locator("ol.hits > li").count() > 0
    finally:
        ctx.close()
