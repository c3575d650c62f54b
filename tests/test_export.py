"""Evidence exports (CSV, Markdown, JSON, Word) from the CLI and the page, the page's evidence list
(pins kept in a cookie) and the document view's way back to its results."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from html import unescape

import pytest
from click.testing import CliRunner

from minsearch.app.cli import main
from minsearch.app.evidence import COOKIE, MAX_PINS, Pin, read_pins, write_pins
from minsearch.citation import cite
from minsearch.export import COLUMNS, Entry, filename, render
from minsearch.model import Chunk, MinsearchError


def _csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def _docx_links(data: bytes) -> list[str]:
    from docx import Document

    doc = Document(io.BytesIO(data))
    return [r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")]


KENT_LIKE = Chunk(
    "k#p4",
    "k",
    "k.jsonl",
    "Report by Leader of the Council",
    "minutes",
    4,
    0,
    1,
    "=HYPERLINK(\"http://evil.example\") 4) Regarding secondary school offers, 96% had a place.",
    council="Kent County Council",
    committee="County Council",
    date="2025-03-13",
    url="https://example.org/Printed%20minutes%2013th-Mar-2025.pdf",
    item_ref="minute 298",
    para_ref="4",
)


# -- the export module --------------------------------------------------------------------------------
def test_csv_reads_back_with_the_columns_and_no_formula():
    entry = Entry(KENT_LIKE, "school offers", "hybrid", {"council": "Kent County Council"})
    data, media, ext = render([entry], "csv")
    assert (media.split(";")[0], ext) == ("text/csv", "csv")
    [row] = _csv(data)
    assert tuple(row) == COLUMNS
    assert row["citation"] == "Kent County Council, County Council, 13 March 2025, minute 298, para 4"
    assert (row["item"], row["item_number"], row["para"], row["date"]) == ("minute 298", "298", "4", "2025-03-13")
    assert row["source_url"] == KENT_LIKE.url and row["original"] == "Printed minutes 13th-Mar-2025.pdf"
    assert (row["query"], row["mode"], row["filter_council"], row["filter_since"]) == (
        "school offers",
        "hybrid",
        "Kent County Council",
        "",
    )
    assert row["quote"].startswith("'=HYPERLINK")  # shown as text by a spreadsheet, never run


def test_the_readme_lists_the_csv_columns_as_exported():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"CSV columns: `([^`]+)`", readme)
    assert listed and tuple(c.strip() for c in listed[1].split(",")) == COLUMNS


def test_a_download_is_named_after_its_search_in_plain_letters():
    day = r"\d{4}-\d\d-\d\d"
    assert re.fullmatch(rf"minutes-evidence-{day}\.csv", filename(None, "csv"))
    assert re.fullmatch(rf"minutes-search-dental-checks-{day}\.md", filename("minutes-search", "md", "Dental checks"))
    # Accents dropped, quotes, slashes and header-breaking characters never kept.
    odd = filename("minutes-search", "csv", 'Comhairle "Ó Súilleabháin"/..\r\nX: y; é')
    assert re.fullmatch(rf"minutes-search-comhairle-o-suilleabhain-x-y-e-{day}\.csv", odd)
    long = filename(
        "minutes-search", "csv", "education health and care plans for children in care placed out of county"
    )
    assert re.fullmatch(rf"minutes-search-education-health-and-care-plans-for-{day}\.csv", long)
    assert re.fullmatch(rf"minutes-search-{day}\.csv", filename("minutes-search", "csv", "«»?!"))  # nothing to keep


def test_a_citation_pasted_into_a_briefing_carries_its_link():
    ref = cite(KENT_LIKE)
    assert ref.with_link == (
        "Kent County Council, County Council, 13 March 2025, minute 298, para 4 "
        "(https://example.org/Printed%20minutes%2013th-Mar-2025.pdf)"
    )
    assert cite(replace(KENT_LIKE, url="")).with_link == ref.text  # no link: the citation alone


def test_markdown_links_the_original_and_escapes_markup():
    chunk = Chunk("d#p1", "d", "d", "Budget *draft*", "minutes", 1, 0, 1, "The [budget](x) was agreed.")
    md = render([Entry(KENT_LIKE, "school offers"), Entry(chunk)], "md")[0].decode()
    assert "[original](https://example.org/Printed%20minutes%2013th-Mar-2025.pdf)" in md
    assert "— Kent County Council, County Council, 13 March 2025, minute 298, para 4" in md
    assert "Found by searching “school offers”." in md
    assert r"> The \[budget\](x) was agreed." in md and r"Budget \*draft\*" in md


def test_docx_opens_with_quotes_citations_and_links():
    data = render([Entry(KENT_LIKE, "school offers")], "docx")[0]
    text = _docx_text(data)
    assert "Regarding secondary school offers, 96% had a place." in text
    assert "Kent County Council, County Council, 13 March 2025, minute 298, para 4" in text
    assert "Found by searching “school offers”." in text
    assert _docx_links(data) == [KENT_LIKE.url]


def test_docx_takes_control_characters_in_the_search_and_the_item_title():
    # The page's Download (Word) of /export?q=devolution%01 answered 500: the title (the query)
    # and the item headings were written to the XML unfiltered; the quotes already were.
    odd = Chunk("d#p1", "d", "d", "Budget\x0bmonitoring", "minutes", 1, 0, 1, "The budget\x0c was agreed.")
    data = render([Entry(odd, "budget\x01")], "docx", title="Evidence from the minutes: budget\x01")[0]
    text = _docx_text(data)
    assert "Evidence from the minutes: budget" in text and "1. Budget monitoring" in text
    assert "The budget  was agreed." in text  # a form feed is a space, as it is between words
    assert "\x01" not in text and "\x0b" not in text


def test_json_export_and_unknown_format():
    doc = json.loads(render([Entry(KENT_LIKE, "q", "keyword", {"since": "2025-01-01"})], "json")[0])
    [e] = doc["entries"]
    assert e["citation"]["item"] == "minute 298" and e["filters"] == {"since": "2025-01-01"} and e["query"] == "q"
    with pytest.raises(MinsearchError, match="not an export format"):
        render([], "pdf")


# -- the CLI --------------------------------------------------------------------------------------------
def test_query_format_csv_md_json_and_docx(seeds_index, monkeypatch, tmp_path):
    monkeypatch.setenv("MINSEARCH_INDEX", str(seeds_index))
    run = CliRunner().invoke
    r = run(main, ["query", "dental checks", "-n", "3", "--council", "Wolverhampton", "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = _csv(r.stdout.encode())
    assert len(rows) == 3 and all(
        x["query"] == "dental checks" and x["filter_council"] == "Wolverhampton" for x in rows
    )
    assert rows[0]["citation"].startswith("Wolverhampton, Corporate Parenting Board, undated")
    md = run(main, ["query", "dental checks", "-n", "2", "--format", "md"]).stdout
    assert md.startswith("# Evidence from the minutes: dental checks") and md.count("\n> ") == 2
    js = json.loads(run(main, ["query", "dental checks", "-n", "2", "--format", "json"]).stdout)
    assert len(js["entries"]) == 2 and js["entries"][0]["query"] == "dental checks"
    out = tmp_path / "evidence.docx"
    r = run(main, ["query", "dental checks", "-n", "2", "--format", "docx", "-o", str(out)])
    assert r.exit_code == 0 and "wrote 2 paragraph(s)" in r.output
    assert "Wolverhampton, Corporate Parenting Board, undated" in _docx_text(out.read_bytes())
    r = run(main, ["query", "dental checks", "--format", "docx"])
    assert r.exit_code == 2 and "--output" in r.output
    r = run(main, ["query", "dental checks", "--format", "csv", "--json"])
    assert r.exit_code == 2


# -- the page ------------------------------------------------------------------------------------------
@pytest.fixture
def client(searcher):
    from minsearch.app.web import create_app

    return create_app(searcher=searcher).test_client()


def _html(r) -> str:
    return r.get_data(as_text=True)


def test_results_show_citations_and_download_links(client):
    html = _html(client.get("/?q=dental+checks&council=Wolverhampton"))
    assert '<cite class="cite-text" data-copy="Wolverhampton, Corporate Parenting Board, undated, item' in html
    assert '<script src="/static/copy.js" defer></script>' in html  # the copy button: an extra only
    links = re.findall(r'href="(/export\?[^"]+)"', html)
    assert {re.search(r"format=(\w+)", x)[1] for x in links} == {"csv", "md", "docx"}
    r = client.get(unescape(links[0]))
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    # Named after the search, so that a day's downloads can be told apart without opening them.
    assert re.fullmatch(
        r'attachment; filename="minutes-search-dental-checks-\d{4}-\d\d-\d\d\.csv"', r.headers["Content-Disposition"]
    )
    rows = _csv(r.get_data())
    assert rows and {x["council"] for x in rows} == {"Wolverhampton"} and rows[0]["filter_council"] == "Wolverhampton"
    assert client.get("/export?q=dental&format=exe").status_code == 400
    assert client.get("/export?format=csv").status_code == 400


def test_pins_from_two_searches_make_one_downloadable_list(client):
    assert "Your list is empty" in _html(client.get("/evidence"))
    for q, chunk in (("dental checks", "000_87bfe40191ebd6ef#p8"), ("foster carers", "001_23af7a714eb52c01#p7")):
        r = client.post(
            "/evidence/pin",
            data={"chunk": chunk, "q": q, "council": "Wolverhampton", "next": f"/?q={q.replace(' ', '+')}"},
        )
        assert r.status_code == 303 and r.headers["Location"] == f"/?q={q.replace(' ', '+')}"
    html = _html(client.get("/evidence"))
    assert html.count('<li class="hit"') == 2 and "Found by searching <q>foster carers</q>" in html
    rows = _csv(client.get("/evidence/download?format=csv").get_data())
    assert [(x["chunk_id"], x["query"]) for x in rows] == [
        ("000_87bfe40191ebd6ef#p8", "dental checks"),
        ("001_23af7a714eb52c01#p7", "foster carers"),
    ]
    assert "On your <a" in _html(client.get("/?q=dental+checks"))  # a pinned hit says so
    client.post("/evidence/remove", data={"chunk": "000_87bfe40191ebd6ef#p8"})
    assert len(_csv(client.get("/evidence/download?format=csv").get_data())) == 1
    client.post("/evidence/clear")
    assert "Your list is empty" in _html(client.get("/evidence"))


def test_pins_are_bounded_checked_escaped_and_same_site(client):
    assert client.post("/evidence/pin", data={"chunk": "nope#p1"}).status_code == 404
    r = client.post(
        "/evidence/pin", data={"chunk": "000_87bfe40191ebd6ef#p8"}, headers={"Origin": "https://evil.example"}
    )
    assert r.status_code == 403
    r = client.post("/evidence/pin", data={"chunk": "000_87bfe40191ebd6ef#p8", "next": "//evil.example/"})
    assert r.headers["Location"] == "/evidence"  # never sent off-site
    client.post("/evidence/pin", data={"chunk": "001_23af7a714eb52c01#p7", "q": "<script>alert(1)</script>"})
    html = _html(client.get("/evidence"))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    full = [Pin(f"000_87bfe40191ebd6ef#p{n}") for n in range(1, MAX_PINS + 1)]
    client.set_cookie(COOKIE, write_pins(full))
    r = client.post("/evidence/pin", data={"chunk": "002_85a858a1c7ec9477#p19"})
    assert r.status_code == 400 and "Your evidence list is full" in _html(r)
    with pytest.raises(MinsearchError, match="full"):
        write_pins([Pin("x" * 300, "q" * 300) for _ in range(MAX_PINS)])
    assert read_pins("not base64 json!") == [] and read_pins(None) == []


def test_document_view_goes_back_to_the_results_it_came_from(client):
    html = _html(client.get("/?q=dental+checks&council=Wolverhampton&mode=keyword&page=1"))
    link = unescape(re.search(r'<h3 id="h-1"><a href="([^"]+)"', html)[1])
    doc = _html(client.get(link))
    back = unescape(re.search(r'<a href="([^"]+)">‹ Back to results</a>', doc)[1])
    assert back.startswith("/?") and {"q=dental+checks", "council=Wolverhampton", "mode=keyword", "page=1"} <= set(
        back[2:].split("&")
    )
    # Other items' links keep it; a "back" that leads off the results pages is ignored.
    assert "‹ Search the minutes" in _html(client.get("/doc/000_87bfe40191ebd6ef?hit=8&back=https://evil.example/"))
    assert "‹ Search the minutes" in _html(client.get("/doc/000_87bfe40191ebd6ef?hit=8&back=/evidence"))
