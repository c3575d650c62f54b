"""The browse pages and the chart of matches over time in a real browser (Debian's Chromium,
Playwright, JavaScript off), over the dated index of test_browse.py. Saves the README's
screenshots (docs/meeting.png, docs/chart.png) only when MINSEARCH_UPDATE_SCREENSHOT=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_browse import dated  # noqa: F401  (the fixture)
from test_browser import ARGS, CHROMIUM

from benchmarks.serve_process import ServeProcess, ServerDidNotStart

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def base(dated, tmp_path_factory):  # noqa: F811
    log = tmp_path_factory.mktemp("serve-browse") / "serve.log"
    try:
        with ServeProcess(dated, log, timeout=30) as srv:
            yield srv.base
    except ServerDidNotStart as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def page():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        ctx = b.new_context(viewport={"width": 1100, "height": 800}, java_script_enabled=False)
        pg = ctx.new_page()
        pg.set_default_timeout(15000)
        yield pg
        b.close()


def _shot(name: str, tmp_path: Path) -> str:
    return str(DOCS / name if os.environ.get("MINSEARCH_UPDATE_SCREENSHOT") == "1" else tmp_path / name)


def test_browse_from_home_to_a_meeting_and_into_an_item(base, page, tmp_path):
    page.goto(base + "/")
    page.get_by_role("link", name="Browse the latest meetings").click()
    page.wait_for_url("**/meetings")
    assert page.locator("h1").inner_text() == "Latest meetings"
    page.get_by_role("link", name="Cabinet", exact=True).first.click()
    page.wait_for_url("**/meetings?*committee=Cabinet*")
    page.locator("table.meetings tbody a").first.click()
    page.wait_for_url("**/meeting/**")
    items = page.locator("ul.agenda > li > a").all_inner_texts()
    assert items == [
        "Minute 76: Apologies and Substitutes",
        "Minute 77: Reports of Officers",
        "Minute 78: Budget Monitoring",
    ]
    page.screenshot(path=_shot("meeting.png", tmp_path), full_page=False)
    page.get_by_role("link", name="Reports of Officers").click()
    assert (
        "Dental checks" in page.locator("article").inner_text()
        or "dental checks" in page.locator("article").inner_text()
    )


def test_chart_is_drawn_and_a_bar_filters_to_its_month(base, page, tmp_path):
    page.goto(base + "/?q=dental+checks&mode=keyword")
    # The answer comes first: the overview is one line until it is opened, so the first result is
    # on the first screen (it was pushed below it by the chart and the counts).
    first = page.locator("ol.hits > li").first.bounding_box()
    assert first and first["y"] + 120 < page.viewport_size["height"]
    assert not page.locator("figure.chart svg").is_visible()
    page.locator("section.facets > details > summary").click()
    chart = page.locator("figure.chart svg")
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 60
    bars = page.locator("figure.chart svg rect")
    assert bars.count() == 4 and bars.first.bounding_box()["height"] > 10
    page.mouse.move(0, 0)  # no bar drawn as hovered in the screenshot
    page.locator("section.facets").screenshot(path=_shot("chart.png", tmp_path))
    page.locator('figure.chart svg a[aria-label^="February 2024"]').click()
    page.wait_for_url("**since=2024-02-01**")
    assert page.locator("h2#count").inner_text().startswith("2 matching paragraphs")


@pytest.mark.parametrize("path", ["/meetings", "/committees"])
def test_browse_tables_fit_a_phone(base, page, path, tmp_path):
    # The tables of meetings and committees are read as one block per row on a phone; before,
    # their last columns (agenda items, latest meeting) were off the right edge of the screen.
    browser = page.context.browser
    assert browser is not None
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, java_script_enabled=False)
    try:
        pg = ctx.new_page()
        pg.goto(base + path)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375
        labels = pg.evaluate(
            "[...document.querySelector('table.meetings tbody tr').cells]"
            ".map(td => getComputedStyle(td, '::before').content)"
        )
        last = '"Agenda items: "' if path == "/meetings" else '"Latest meeting: "'
        assert labels[-1] == last  # each cell says what it is, the heading row being hidden
        pg.screenshot(path=str(tmp_path / "phone-browse.png"), full_page=True)
    finally:
        ctx.close()
