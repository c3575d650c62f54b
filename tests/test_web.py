"""The search page and JSON API through Flask's test client, on the seeds index."""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
from html import unescape

import pytest
from helpers import DENTAL, TEST_MODEL, make_chunk

from minsearch.config import load_settings
from minsearch.model import Chunk, Hit, MinsearchError, Query, SearchResult
from minsearch.searching.examples import Examples
from minsearch.store.base import Facets, IndexInfo

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def app(seeds_index):
    from minsearch.app.web import create_app

    app = create_app(load_settings(index_dir=seeds_index))
    yield app
    app.extensions["minsearch.searcher"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def text(resp) -> str:
    return resp.get_data(as_text=True)


def doc_links(html: str) -> list[str]:
    """(doc_id, hit) of every result title link, in order."""
    return re.findall(r'<h3 id="h-\d+"><a href="/doc/([^"?]+)\?hit=(\d+)(?:&amp;back=[^"#]*)?#p\d+"', html)


def result_councils(html: str) -> list[str]:
    return re.findall(r'<ul class="meta">\s*<li>([^<]+)</li>', html)


# -- the search page ------------------------------------------------------------------------------
def test_empty_query_shows_the_form_and_search_tips(client):
    r = client.get("/")
    assert r.status_code == 200
    html = text(r)
    assert "Search tips" in html and "results" not in html.split("Search tips")[0].lower().split("</form>")[-1]
    for name in ("q", "council", "committee", "since", "until", "sort"):
        assert f'<label for="{name}"' in html, name  # every input has a label
    assert html.count('type="radio" name="mode"') == 3
    assert '<option value="Kirklees">' in html and '<option value="Corporate Parenting Board">' in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link
    assert "5 meeting documents" in html and "108 paragraphs" in html
    assert "<script" not in html  # works without JavaScript; nothing to load from the internet
    assert "http://" not in html.replace('http://www.w3.org', '') and "https://" not in html
    assert client.get("/?q=+++").status_code == 200


def test_search_shows_results_with_highlights_and_links(client):
    r = client.get("/?q=dental+checks")
    assert r.status_code == 200
    html = text(r)
    assert re.search(r"<h2 id=\"count\" class=\"count\">\s*\d+\+? matching paragraphs?", html)
    first = doc_links(html)[:3]
    assert {f"{d}#p{p}" for d, p in first} <= DENTAL
    assert "<mark>Dental</mark> <mark>checks</mark>" in html
    assert 'href="/doc/000_87bfe40191ebd6ef?hit=8&amp;back=/?q%3Ddental%2Bchecks#p8"' in html  # and the way back
    assert 'href="/similar?chunk=000_87bfe40191ebd6ef%23p8"' in html
    assert "Corporate Parenting Board" in html and "Wolverhampton" in html
    assert '<span class="section section-minutes">Minutes</span>' in html
    assert 'value="dental checks"' in html  # the box keeps the query
    assert "<title>dental checks – Minutes search</title>" in html


def test_page_uses_the_same_ranking_as_the_searcher(client, searcher):
    for mode in ("hybrid", "keyword", "semantic"):
        html = text(client.get(f"/?q=dental+checks&mode={mode}"))
        want = [h.chunk.chunk_id for h in searcher.search(Query("dental checks", mode=mode), strict=False).hits]
        assert [f"{d}#p{p}" for d, p in doc_links(html)] == want, mode
        assert f'value="{mode}" checked' in html


def test_semantic_only_hits_mark_their_best_sentence(client):
    html = text(client.get("/?q=children+seeing+the+dentist&mode=semantic"))
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", html)
    assert marks and "dent" in marks[0].lower()


def test_council_filter_shows_only_that_council(client):
    html = text(client.get("/?q=dental+checks&council=Kirklees"))
    councils = result_councils(html)
    assert councils and set(councils) == {"Kirklees"}
    assert '<option value="Kirklees" selected>' in html
    assert "Clear filters" in html
    # case-insensitive like the CLI, and the select list still shows the choice
    html = text(client.get("/?q=dental&council=kirklees"))
    assert set(result_councils(html)) == {"Kirklees"}
    assert '<option value="Kirklees" selected>' in html


def test_committee_filter_and_unknown_filter_values(client):
    html = text(client.get("/?q=dental&committee=Children+and+Families+Overview+and+Scrutiny+Panel&mode=keyword"))
    assert "Worcestershire" in html and "Wolverhampton" not in result_councils(html)
    # An unknown council is a bad parameter (issue 13): the form stays, the message lists real ones.
    r = client.get("/?q=dental&council=Atlantis")
    assert r.status_code == 400
    html = text(r)
    assert "no council is called" in html and "Kirklees" in html
    assert '<option value="Atlantis" selected>' in html  # the form shows what was asked


def test_sort_by_date_and_dates_in_the_url(client):
    r = client.get("/?q=dental&sort=date&since=2000-01-01&until=2100-12-31")
    assert r.status_code == 200
    html = text(r)
    assert '<option value="date" selected>' in html
    assert 'value="2000-01-01"' in html and 'value="2100-12-31"' in html


def test_pagination(client):
    html = text(client.get("/?q=children"))
    assert 'aria-label="Result pages"' in html and 'rel="next"' in html
    assert 'href="/?q=children&amp;page=2"' in html
    p2 = text(client.get("/?q=children&page=2"))
    assert '<ol class="hits" start="11">' in p2 and 'aria-current="page"><span class="vh">Page </span>2' in p2
    assert set(doc_links(html)).isdisjoint(doc_links(p2))
    for bad in ("abc", "-3", "0", "", "1e9", "99999999999999999999999"):
        assert client.get(f"/?q=dental&page={bad}").status_code == 200, bad
    html = text(client.get("/?q=dental&council=Kirklees&mode=keyword&page=50"))
    assert "There are no results on page 50" in html


# -- hostile and bad input ---------------------------------------------------------------------------
def test_query_is_escaped(client):
    r = client.get("/?q=" + HOSTILE)
    assert r.status_code == 200
    html = text(r)
    assert HOSTILE not in html and "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_syntax_error_falls_back_to_plain_words_with_a_notice(client):
    r = client.get("/?q=date:[foo+to+bar]+dental&mode=keyword")
    assert r.status_code == 200
    html = text(r)
    assert "searched the plain words instead" in html
    assert "<mark>" in html and doc_links(html)


def test_very_long_query_is_cut_with_a_notice(client):
    r = client.get("/?q=" + "dental+" * 400)
    assert r.status_code == 200
    assert "Your query was cut to its first" in text(r)


@pytest.mark.parametrize(
    "url, message",
    [
        ("/?q=dental&since=2020-13-45", "since: &#39;2020-13-45&#39; is not a date"),
        ("/?q=dental&until=yesterday", "until: &#39;yesterday&#39; is not a date"),
        ("/?q=dental&since=2021-01-01&until=2020-01-01", "since 2021-01-01 is after until 2020-01-01"),
        ("/?q=dental&mode=fuzzy", "mode: &#39;fuzzy&#39; is not one of"),
        ("/?q=dental&sort=colour", "sort: &#39;colour&#39; is not one of"),
    ],
)
def test_bad_parameters_show_the_message_on_the_page(client, url, message):
    r = client.get(url)
    assert r.status_code == 400
    html = text(r)
    assert 'role="alert"' in html and message in html
    assert "Traceback" not in html and "--" not in re.sub(r"<!--.*?-->", "", html.split('role="alert"')[1][:300])
    assert '<form class="search"' in html  # the form is still there to fix the search


@pytest.mark.parametrize(
    "q",
    [
        "\x00",
        "%00dental",
        "%ED%A0%80",
        "%FF%FE",
        "(((",
        '"',
        "*",
        "AND",
        "title:",
        "dental^^^",
        "x" * 5000,
        "%F0%9F%A6%B7+teeth",
    ],
)
def test_odd_queries_never_fail(client, q):
    r = client.get("/?q=" + q)
    assert r.status_code in (200, 400), q
    assert "Traceback" not in text(r)
    assert client.get("/api/search?q=" + q).status_code in (200, 400)


def test_unknown_document_is_a_friendly_404(client):
    for url in ("/doc/nope", "/doc/../../etc/passwd", "/doc/seeds/000_87bfe40191ebd6ef.txt", "/doc/%3Cscript%3E"):
        r = client.get(url)
        assert r.status_code == 404, url
        html = text(r)
        assert "Not found" in html and "Search the minutes instead" in html and "<script>" not in html
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "There is no page at this address" in text(r)


# -- document view -----------------------------------------------------------------------------------
def test_document_view_marks_the_hit_paragraph(client):
    r = client.get("/doc/000_87bfe40191ebd6ef?hit=8")
    assert r.status_code == 200
    html = text(r)
    assert '<div id="p8" class="para hit" aria-current="true">' in html
    assert html.count('aria-current="true"') == 1 and html.count('class="para hit"') == 1
    assert "Dental checks were showing as reduced" in html
    for n in range(1, 13):
        assert f'id="p{n}"' in html  # the whole agenda item, every paragraph anchored
    assert re.search(r'<h2 class="section-heading section-minutes">Minutes</h2>', html)
    assert re.search(r'<h2 class="section-heading section-resolved">Motion or decision</h2>', html)
    assert html.index(">Minutes</h2>") < html.index(">Motion or decision</h2>")
    assert "<h1>Performance Monitoring Information</h1>" in html
    assert "Wolverhampton" in html and "Corporate Parenting Board" in html
    assert 'href="#p8">highlighted below</a>' in html
    assert 'href="/similar?chunk=000_87bfe40191ebd6ef%23p8"' in html


def test_document_view_without_or_with_a_bad_hit(client):
    for url in ("/doc/000_87bfe40191ebd6ef", "/doc/000_87bfe40191ebd6ef?hit=abc", "/doc/000_87bfe40191ebd6ef?hit=999"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert 'class="para hit"' not in text(r)


def test_back_link_returns_to_the_search(client):
    html = text(
        client.get(
            "/doc/000_87bfe40191ebd6ef?hit=8",
            headers={"Referer": "http://localhost/?q=dental+checks&council=Wolverhampton"},
        )
    )
    assert 'href="/?q=dental+checks&amp;council=Wolverhampton">‹ Back to results' in html
    html = text(client.get("/doc/000_87bfe40191ebd6ef?hit=8", headers={"Referer": "http://evil.example/?q=x"}))
    assert "evil.example" not in html and "Back to results" not in html


# -- more like this ------------------------------------------------------------------------------------
def test_more_like_this_lists_similar_paragraphs_from_other_meetings(client):
    for url in ("/similar?chunk=000_87bfe40191ebd6ef%23p8", "/similar/000_87bfe40191ebd6ef%23p8"):
        r = client.get(url)
        assert r.status_code == 200, url
        html = text(r)
        assert "Paragraphs like this one" in html
        assert "Dental checks were showing as reduced" in html  # the paragraph itself, on top
        links = doc_links(html)
        assert links and all(d != "000_87bfe40191ebd6ef" for d, _ in links)
        assert ("001_23af7a714eb52c01", "7") in links[:3]
    r = client.get("/similar?chunk=nope%23p1")
    assert r.status_code == 404 and "There is no paragraph" in text(r)
    assert client.get("/similar").status_code == 404
    assert client.get("/similar?chunk=000_87bfe40191ebd6ef%23p8&page=abc").status_code == 200


# -- JSON API -------------------------------------------------------------------------------------------
def test_api_search_has_the_cli_json_shape(client, seeds_index):
    from click.testing import CliRunner

    from minsearch.app.cli import main

    r = client.get("/api/search?q=dental+checks&council=Kirklees")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    cli = CliRunner().invoke(
        main, ["query", "dental checks", "--council", "Kirklees", "--json", "--index", str(seeds_index)]
    )
    assert cli.exit_code == 0, cli.output
    want = json.loads(cli.output.strip().splitlines()[-1])
    assert set(want) <= set(body) and body["page"] == 1
    assert [h["chunk_id"] for h in body["hits"]] == [h["chunk_id"] for h in want["hits"]]
    assert set(body["hits"][0]) == set(want["hits"][0])
    assert {h["council"] for h in body["hits"]} == {"Kirklees"}
    assert body["query"] == "dental checks" and body["mode"] == "hybrid" and body["total"] >= len(body["hits"])


def test_api_search_pages_and_modes(client):
    p1 = client.get("/api/search?q=dental&mode=keyword").get_json()
    p2 = client.get("/api/search?q=dental&mode=keyword&page=2&limit=3").get_json()
    assert p1["mode"] == "keyword" and p2["page"] == 2 and len(p2["hits"]) <= 3
    assert p2["hits"][0]["rank"] == 4
    body = client.get("/api/search?q=date:[foo+to+bar]+dental&mode=keyword").get_json()
    assert any("plain words" in n for n in body["notices"])


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("/api/search", "q: empty"),  # the parameter as the URL names it
        ("/api/search?q=dental&since=bad", "since: 'bad' is not a date"),
        ("/api/search?q=dental&mode=fuzzy", "mode: 'fuzzy'"),
        ("/api/search?q=dental&page=abc", "page: 'abc' is not a whole number"),
        ("/api/search?q=dental&page=0", "page: must be between"),
        ("/api/search?q=dental&limit=1000", "limit:"),
    ],
)
def test_api_errors_are_json_400(client, url, fragment):
    r = client.get(url)
    assert r.status_code == 400 and r.mimetype == "application/json"
    assert fragment in r.get_json()["error"]


def test_api_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok" and body["generation"].startswith("gen-")
    assert body["chunks"] == 108 and body["documents"] == 5 and body["model"] == TEST_MODEL
    assert "location" not in body
    r = client.get("/api/nope")
    assert r.status_code == 404 and "error" in r.get_json()


# -- plumbing ----------------------------------------------------------------------------------------------
def test_static_files_and_security_headers(client):
    r = client.get("/static/style.css")
    assert r.status_code == 200 and "focus-visible" in text(r)
    assert "@import" not in text(r) and "url(http" not in text(r)  # no assets from the internet
    r = client.get("/")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert client.post("/?q=dental").status_code == 405


class StubSearcher:
    """A Searcher stand-in with hostile text and a slashed doc id (what a real index could hold)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.chunks = [
            make_chunk(
                "council/a/b",
                i,
                source="x.txt",
                title=f"Item {HOSTILE}",
                section=s,
                text=f"Paragraph {i} {HOSTILE} <b>bold</b> & more",
                council="<i>Evil</i> Council",
                committee="Board",
                date="2021-03-04",
            )
            for i, s in ((1, "minutes"), (2, "minutes"), (3, "resolved"))
        ]

    def search(self, q, strict=True, snippets=True, counts=False):
        if self.fail:
            raise RuntimeError("boom: secret internals")
        hit = Hit(
            rank=1,
            score=1.0,
            chunk=self.chunks[1],
            keyword_rank=1,
            snippet=[("Paragraph 2 ", False), (HOSTILE, True), (" & more", False)],
        )
        return SearchResult(query=q, hits=[hit], total=1, notices=[f"note {HOSTILE}"])

    def more_like_this(self, chunk_id, limit=10, offset=0, filters=None, snippets=True):
        return self.search(Query(text="x"))

    def document(self, doc_id):
        if doc_id != "council/a/b":
            raise MinsearchError("no such document")
        return list(self.chunks)

    def facets(self):
        return Facets(councils={"<i>Evil</i> Council": 3}, committees={"Board": 3})

    def examples(self):
        # (An index home's own glossary.tsv could hold any text: the tips escape it.)
        return Examples(
            words=HOSTILE, phrase=HOSTILE, exclude=(HOSTILE, "x"), title=HOSTILE, meaning=(HOSTILE, HOSTILE)
        )

    def info(self):
        return IndexInfo("embedded", "/secret/path", "gen-000009", 1, 3, "m", 384, 10, "2021-03-04T00:00:00")

    def close(self):
        pass


def test_minutes_text_and_metadata_are_escaped_and_slashed_ids_work():
    from minsearch.app.web import create_app

    client = create_app(searcher=StubSearcher()).test_client()
    html = text(client.get("/?q=anything"))
    assert "<script>" not in html and "<i>Evil</i>" not in html and "<b>bold" not in html
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in html
    assert "note &lt;script&gt;" in html
    assert 'href="/doc/council/a/b?hit=2&amp;back=' in html
    assert "4 March 2021" in html and 'datetime="2021-03-04"' in html
    tips = text(client.get("/"))  # the search tips' examples
    assert "<script>" not in tips and tips.count("&lt;script&gt;") >= 7
    r = client.get("/doc/council/a/b?hit=2")
    assert r.status_code == 200
    html = text(r)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<div id="p2" class="para hit" aria-current="true">' in html
    assert unescape(html).count(HOSTILE) >= 3


class CountedSearcher(StubSearcher):
    """A search whose views counted more matches than were ranked ("1+"), and whose counts by
    committee do not add up to its total (a filter sets its own bar for a match)."""

    def search(self, q, strict=True, snippets=True, counts=False):
        from minsearch.model import MatchCounts

        result = super().search(q, strict, snippets, counts)
        result.more = True
        result.counts = MatchCounts(committees={"Board": 3}, years={"2021": 1}, total=1, more=True)
        return result


def test_the_page_says_why_counts_need_not_add_up_and_that_more_match_on_the_last_page():
    """ "homeless encampments" has 41 matches on London Ontario and its committees count 35 and 23
    (each what that filtered search lists): the page said nothing of why. And the last page of a
    "189+" search ended with no word on the more that match."""
    from minsearch.app.web import create_app

    client = create_app(searcher=CountedSearcher()).test_client()
    html = unescape(text(client.get("/?q=anything")))
    assert "Counted among the first 1 matches: choosing one may list more, and the counts need not add up" in html
    assert "These are the 1 best-matching paragraphs, and more match" in html
    html = unescape(text(create_app(searcher=StubSearcher()).test_client().get("/?q=anything")))
    assert "need not add up" not in html and "more match" not in html


def test_unexpected_errors_are_a_friendly_500_and_logged(caplog):
    from minsearch.app.web import create_app

    client = create_app(searcher=StubSearcher(fail=True)).test_client()
    with caplog.at_level(logging.ERROR, logger="minsearch.web"):
        r = client.get("/?q=dental")
    assert r.status_code == 500
    html = text(r)
    assert "Something went wrong" in html and "boom" not in html and "Traceback" not in html
    assert any("boom" in str(rec.exc_info[1]) for rec in caplog.records if rec.exc_info)
    r = client.get("/api/search?q=dental")
    assert r.status_code == 500 and "boom" not in r.get_json()["error"]


def test_request_log_writes_one_line_per_request(app, caplog):
    from werkzeug.test import Client

    from minsearch.app.serve import RequestLog

    c = Client(RequestLog(app))
    with caplog.at_level(logging.INFO, logger="minsearch.access"):
        c.get("/api/health")
        c.get("/doc/nope?hit=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "minsearch.access"]
    assert len(lines) == 2
    assert re.fullmatch(r"GET /api/health 200 \d+\.\dms", lines[0]), lines[0]
    assert re.fullmatch(r"GET /doc/nope\?hit=1 404 \d+\.\dms", lines[1]), lines[1]


def test_serve_command_is_registered():
    from click.testing import CliRunner

    from minsearch.app.cli import main
    from minsearch.app.serve import is_loopback

    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0 and "--port" in r.output and "127.0.0.1" in r.output
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")


@pytest.mark.parametrize(
    "dates, same_as",
    [
        ("until=9999-12-31", "until=2100-12-31"),
        ("since=0001-01-01", "since=1900-01-01"),
        ("since=0001-01-01&until=9999-12-31", "since=1900-01-01&until=2100-12-31"),
    ],
)
def test_extreme_dates_are_searched(client, dates, same_as):
    r = client.get(f"/?q=dental&{dates}")
    assert r.status_code == 200 and "Something went wrong" not in text(r)
    assert doc_links(text(r)) == doc_links(text(client.get(f"/?q=dental&{same_as}")))
    for mode in ("keyword", "hybrid"):
        r = client.get(f"/api/search?q=dental&mode={mode}&{dates}")
        assert r.status_code == 200
        assert r.get_json()["hits"] == client.get(f"/api/search?q=dental&mode={mode}&{same_as}").get_json()["hits"]


# -- what a careless publisher or a hostile index can hold (issue 15) -----------------------------------
class OddSearcher(StubSearcher):
    """Ids and URLs a JSON Lines feed can hold, and an absolute source from an older index."""

    IDS = ["/abs/path", "../../etc/passwd", "a//b", "a/./b/", "x y?z#w%41", "plain/ok", "dot.", "-"]

    def __init__(self, url: str = "", source: str = "/srv/secret/minutes/x.txt") -> None:
        super().__init__()
        self.docs = {
            doc_id: [
                Chunk(
                    chunk_id=f"{doc_id}#p1",
                    doc_id=doc_id,
                    source=source,
                    title=f"Title {n}",
                    section="minutes",
                    paragraph=1,
                    start=0,
                    end=1,
                    text=f"Text of document {n}.",
                    url=url,
                )
            ]
            for n, doc_id in enumerate(self.IDS)
        }

    def search(self, q, strict=True, snippets=True, counts=False):
        hits = [Hit(rank=i + 1, score=1.0, chunk=c[0], keyword_rank=i + 1) for i, c in enumerate(self.docs.values())]
        return SearchResult(query=q, hits=hits, total=len(hits))

    def document(self, doc_id):
        if doc_id not in self.docs:
            raise MinsearchError("no such document")
        return list(self.docs[doc_id])

    def chunk(self, chunk_id):
        return next(c[0] for c in self.docs.values() if c[0].chunk_id == chunk_id)


def test_every_hit_links_to_its_document_whatever_its_id():
    from minsearch.app.web import create_app

    client = create_app(searcher=OddSearcher()).test_client()
    html = text(client.get("/?q=anything"))
    links = re.findall(r'<h3 id="h-\d+"><a href="([^"]+)"', html)
    assert len(links) == len(OddSearcher.IDS)
    for n, link in enumerate(links):
        r = client.get(unescape(link))
        assert r.status_code == 200, (OddSearcher.IDS[n], link)
        assert f"Text of document {n}." in text(r), (OddSearcher.IDS[n], link)
    assert 'href="/doc/plain/ok?hit=1&amp;back=' in html  # ordinary ids keep their readable links


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "  JavaScript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "\tjava\nscript:alert(1)",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative/path",
        "ftp://host/x",
    ],
)
def test_only_http_links_are_rendered_as_links(url):
    from minsearch.app.web import create_app

    client = create_app(searcher=OddSearcher(url=url)).test_client()
    html = text(client.get("/doc/plain/ok"))
    assert "Text of document 5." in html
    assert "Original minutes" not in html and "script:" not in html.lower() and "data:text" not in html
    results = text(client.get("/?q=anything"))
    assert "Cite as:" in results and re.search(r'data-copy="[^"]*\)"', results) is None  # nor copied


@pytest.mark.parametrize("url", ["https://council.example/minutes/1.pdf", " http://council.example/a?b=1&c=2 "])
def test_http_links_are_rendered(url):
    from minsearch.app.web import create_app

    client = create_app(searcher=OddSearcher(url=url)).test_client()
    html = text(client.get("/doc/plain/ok"))
    link = url.strip().replace("&", "&amp;")
    assert f'href="{link}"' in html and "Original minutes" in html
    # "Copy citation" copies the link with the citation, as a briefing cites a source.
    results = text(client.get("/?q=anything"))
    cited = re.search(r'<cite class="cite-text" data-copy="([^"]*)">([^<]*)</cite>', results)
    assert cited is not None and cited.group(1) == f"{cited.group(2)} ({link})"


def test_the_api_never_shows_an_absolute_server_path():
    from minsearch.app.web import create_app

    client = create_app(searcher=OddSearcher(source="/srv/secret/minutes/x.txt")).test_client()
    body = client.get("/api/search?q=anything").get_json()
    assert [h["source"] for h in body["hits"]] == [h["doc_id"] for h in body["hits"]]
    for url in ("/?q=anything", "/api/search?q=anything", "/doc/plain/ok", "/api/health"):
        assert "/srv/secret" not in text(client.get(url)), url


def test_the_api_source_is_the_path_under_the_indexed_folder(client):
    hits = client.get("/api/search?q=dental+checks").get_json()["hits"]
    assert hits and all(h["source"] == f"seeds/{h['doc_id']}.txt" for h in hits)


def test_the_page_echoes_only_what_was_searched(client):
    long = "dental checks " + "x" * 700
    html = text(client.get("/?q=" + urllib.parse.quote(long)))
    searched = re.search(r'<input id="q" name="q" type="search" value="([^"]*)"', html).group(1)
    assert len(searched) <= 500 and long.startswith(unescape(searched)) and "Your query was cut" in html
    for link in re.findall(r'href="(/\?[^"]*page=\d[^"]*)"', html):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(unescape(link)).query)["q"][0]
        assert q == unescape(searched), link
    assert "x" * 501 not in html


@pytest.fixture
def fragile(index_copy):
    from minsearch.app.web import create_app

    app = create_app(load_settings(index_dir=index_copy))
    yield app.test_client(), index_copy
    app.extensions["minsearch.searcher"].close()


ROUTES = [
    "/",
    "/?q=dental",
    "/doc/000_87bfe40191ebd6ef",
    "/similar?chunk=000_87bfe40191ebd6ef%23p8",
    "/api/search?q=dental",
    "/api/health",
    "/no/such/page",
]


@pytest.mark.parametrize("breakage", ["deleted", "missing generation", "truncated vectors"])
def test_a_deleted_or_broken_index_answers_503_on_every_route(fragile, breakage):
    import shutil

    client, home = fragile
    assert client.get("/api/health").status_code == 200
    if breakage == "deleted":
        shutil.rmtree(home)
    elif breakage == "missing generation":
        (home / "CURRENT.new").write_text("gen-000099\n")
        (home / "CURRENT.new").replace(home / "CURRENT")
    else:  # a new generation whose vector matrix was cut short
        gens = home / "generations"
        live = (home / "CURRENT").read_text().strip()
        shutil.copytree(gens / live, gens / "gen-000099")
        vec = gens / "gen-000099" / "vectors.npy"
        vec.write_bytes(vec.read_bytes()[:1000])
        (home / "CURRENT.new").write_text("gen-000099\n")
        (home / "CURRENT.new").replace(home / "CURRENT")
    for url in ROUTES:
        r = client.get(url)
        assert r.status_code == 503, (url, r.status_code)
        body = text(r)
        assert str(home) not in body and "generations" not in body and "Traceback" not in body, url
        if url.startswith("/api/"):
            assert "not available" in r.get_json()["error"]
        else:
            assert "not available" in body
    assert client.get("/static/style.css").status_code == 200


def test_every_hit_links_back_to_its_own_search_and_pins_record_it(client):
    """A results page builds its links once per request (the way back, the pin fields): each
    page's hits carry that page's own search, never the previous request's."""
    for q, mode in (("dental checks", "keyword"), ("foster carers", "hybrid"), ("dental checks", "semantic")):
        html = text(client.get("/?" + urllib.parse.urlencode({"q": q, "mode": mode})))
        here = "/?" + urllib.parse.urlencode({"q": q, "mode": mode})
        backs = re.findall(r'<a href="/doc/[^"?]+\?hit=\d+&amp;back=([^"#]*)#p\d+"', html)
        assert len(backs) >= 10 and {urllib.parse.unquote(b) for b in backs} == {here}, (q, set(backs))
        pins = re.findall(r'<form class="pin".*?</form>', html, re.S)
        assert len(pins) >= 5 and all(f'<input type="hidden" name="q" value="{q}">' in f for f in pins)
        nexts = re.findall(r'<input type="hidden" name="next" value="([^"]*)">', html)
        assert nexts and all(n.replace("&amp;", "&").startswith(here + "#h-") for n in nexts), nexts[:2]


def _tip_links(html: str) -> list[str]:
    tips = html.split('id="tips-heading"')[1].split("</dl>")[0]
    return [unescape(h) for h in re.findall(r'<dt><a href="([^"]+)"', tips)]


def test_every_search_tip_finds_something_in_this_index(client):
    html = text(client.get("/"))
    links = _tip_links(html)
    assert len(links) == 5, links  # words, "a phrase", a NOT b, title:word, everyday words
    for link in links:
        page = text(client.get(link))
        assert re.search(r'class="count">\s*[1-9]\d*\+? matching paragraphs?', page), link


def test_search_tips_come_from_the_minutes_indexed(tmp_path, encoder):
    """A roads committee's minutes are offered examples from roads, not the seeds' children's
    services ("dental checks" found nothing on an index of other minutes)."""
    from helpers import minutes_searcher

    from minsearch.app.web import create_app

    meeting = (
        "Transport Committee\n\n1. Road Safety\n\n"
        "Members discussed traffic calming on Mill Road, where residents reported speeding.\n\n"
        "Traffic calming measures near the primary school were agreed.\n\n"
        "The engineer said traffic calming would be funded from the road safety budget.\n\n"
        "2. Winter Service\n\nThe gritting routes for the winter were approved.\n"
    )
    files = {f"transport-2024-0{i}-1{i}.txt": meeting for i in range(1, 4)}
    with minutes_searcher(tmp_path, encoder, files) as s:
        c = create_app(searcher=s).test_client()
        html = text(c.get("/"))
        assert "dental checks" not in html and "care leavers" not in html
        links = _tip_links(html)
        assert any("traffic+calming" in link for link in links), links
        for link in links:
            assert re.search(r'class="count">\s*[1-9]\d*\+? matching paragraphs?', text(c.get(link))), link
