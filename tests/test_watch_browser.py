"""Saved searches in a real browser (headless Chromium): save a search from its results page,
re-index with a new meeting, and find the new match on /watch, in the search's Atom feed and in
`minsearch watch news`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SEEDS
from test_browser import ARGS, CHROMIUM
from test_watch import NEW_DENTAL, add_meeting

from benchmarks.serve_process import ServeProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def minsearch(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "minsearch.app.cli", *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_save_a_search_then_a_new_meeting_shows_in_its_feed_and_news(tmp_path):
    import feedparser

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)")
    from playwright.sync_api import sync_playwright

    corpus, home = tmp_path / "minutes", tmp_path / "index"
    shutil.copytree(SEEDS, corpus)
    minsearch("index", str(corpus), "--index", str(home))
    with ServeProcess(home, tmp_path / "serve.log", timeout=60) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_context(java_script_enabled=False).new_page()
        page.set_default_timeout(15000)
        try:
            page.goto(srv.base + "/?q=dental+checks")
            page.get_by_label("Name (optional)").fill("Teeth")
            page.get_by_role("button", name="Save this search").click()
            page.wait_for_url("**/watch?saved=Teeth")
            assert "Saved “Teeth”" in page.locator("[role=status]").inner_text()
            assert page.get_by_role("heading", name="Teeth").is_visible()
            assert page.get_by_text("No new matches since it was saved").is_visible()

            add_meeting(corpus)
            assert "1 saved search has 2 new matches" in minsearch("index", str(corpus), "--index", str(home))

            page.goto(srv.base + "/watch")
            assert page.get_by_role("heading", name="2 new matches").is_visible()
            news_links = page.locator("ul.news a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
            assert sorted(news_links) == ["/doc/005_health?hit=1#p1", "/doc/005_health?hit=3#p3"]
            feed_url = page.get_by_role("link", name="Feed (Atom) for Teeth").get_attribute("href")
            assert feed_url == "/feed.atom?q=dental+checks"
            answer = page.request.get(srv.base + feed_url)
            assert answer.ok and answer.headers["content-type"].startswith("application/atom+xml")
            feed = feedparser.parse(answer.body())
            assert not feed.bozo, feed.bozo_exception
            newest = feed.entries[0]  # the only dated meeting: the new one comes first
            assert newest.updated.startswith("2026-11-20") and "/doc/005_health?hit=" in newest.link
            page.goto(newest.link)
            marked = page.locator("[aria-current='true']")
            assert "dental checks" in marked.inner_text()
        finally:
            browser.close()
    news = json.loads(minsearch("watch", "news", "--json", "--index", str(home)))
    assert [(s["name"], {a["chunk_id"] for a in s["new"]}) for s in news] == [("Teeth", NEW_DENTAL)]
