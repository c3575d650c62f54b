"""Official citations: the source's own item and paragraph numbers, PDF pages and links to the
original, checked on known items of every shared corpus and the seeds; the citation line in the
CLI, --json, the API and the page; both stores keep the new fields."""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner
from helpers import TEST_MODEL

from minsearch.app.cli import main
from minsearch.citation import cite, original_name
from minsearch.config import load_settings
from minsearch.ingest.chunker import chunk_document
from minsearch.ingest.corpora import iter_corpus
from minsearch.ingest.structure import rebuild_paragraphs
from minsearch.model import Chunk, Document

DATA = load_settings().data_dir


def _chunks(rec: dict) -> list[Chunk]:
    doc = Document(
        doc_id=rec["id"],
        source=rec["id"],
        text=rec["text"],
        title=rec["title"],
        council=rec["council"],
        committee=rec["committee"],
        date=rec["date"],
        url=rec["url"],
    )
    return chunk_document(doc)


def _corpus(name: str, folder: str):
    if not (DATA / folder).is_dir():
        pytest.skip(f"shared corpus {folder} not found in {DATA}")
    return iter_corpus(name, DATA)


def _find(chunks: list[Chunk], words: str) -> Chunk:
    return next(c for c in chunks if words in c.text)


# -- every corpus, on known items -------------------------------------------------------------------
def test_the_points_of_a_numbered_paragraph_are_cited_under_it():
    # "(2) Endorses the proposed decision ..." was cited "minute 285, para 2", which is "2) Mr
    # Gough said he believed ..."; Cabinet's "1. Agree to submit ..." (a point of "7. RESOLVED
    # that Cabinet:") "para 1", which is "1. The Leader introduced the report".
    recs = {r["id"]: r for r in _corpus("kent", "kent-cc-minutes-sample")}
    council = _chunks(recs["kent/county-council_2025-01-09"])
    assert cite(_find(council, "(2) Endorses the proposed decision")).text.endswith("minute 285, para 26(2)")
    assert cite(_find(council, "Mr Gough said he believed")).text.endswith("minute 285, para 2")
    cabinet = _chunks(recs["kent/cabinet_2025-01-09"])
    resolved = [c for c in cabinet if c.text.startswith("1. Agree to submit") and c.section == "resolved"]
    assert [c.para_ref for c in resolved][-1] == "7(1)"
    assert _find(cabinet, "The Leader introduced the report").para_ref == "1"


def test_kent_minute_and_paragraph_numbers_are_the_printed_ones():
    recs = {r["id"]: r for r in _corpus("kent", "kent-cc-minutes-sample")}
    chunks = _chunks(recs["kent/county-council_2025-03-13"])
    # "298. Report by Leader of the Council (Item 7)": minsearch counts it as its 8th part.
    c = _find(chunks, "Regarding secondary school offers")
    assert (c.item_ref, c.para_ref, c.item) == ("minute 298", "4", 8)
    assert cite(c).text == "Kent County Council, County Council, 13 March 2025, minute 298, para 4"
    # The quoted motion and its (i), (ii) points belong to the numbered paragraph before them,
    # each point cited under it.
    adopt = _find(chunks, "(iii) Adopt the Kent Minerals and Waste Local Plan")
    assert cite(adopt).text.endswith("minute 299, para 1(iii)")
    motion = [c for c in chunks if c.item_ref == "minute 299"]
    assert [c.para_ref for c in motion[: motion.index(adopt) + 1]][-4:] == ["1", "1(i)", "1(ii)", "1(iii)"]
    # The link names the original PDF that index.jsonl gives for the file.
    index = {
        json.loads(line)["file"]: json.loads(line) for line in (DATA / "kent-cc-minutes-sample/index.jsonl").open()
    }
    path = index["county-council_2025-03-13.txt"]["source_paths"][0]
    assert cite(c).original == path.rsplit("/", 1)[1] == "Printed minutes 13th-Mar-2025 10.00 County Council.pdf"
    assert cite(c).url.startswith("https://github.com/lusavkaedu/council-assistant/blob/4cc1e60d")
    # A panel whose minutes number items as the agenda does ("Apologies and Substitutes (Item 1)").
    panel = _chunks(recs["kent/corporate-parenting-panel_2024-12-10"])
    assert {c.item_ref for c in panel if c.title == "Challenge Cards Update"} == {"item 5"}


def test_lettered_points_and_the_lines_under_them_are_cited_under_their_paragraph():
    recs = {r["id"]: r for r in _corpus("kent", "kent-cc-minutes-sample")}
    chunks = [c for c in _chunks(recs["kent/cabinet_2025-01-30"]) if c.item_ref == "minute 87"]
    # "7. Mr Jeffrey ... provided an update on the following:", "(a) In Mrs. Bell's absence ...",
    # "(c) In regard to consultations ...:" and the consultations listed under it, one a line.
    assert _find(chunks, "7. Mr Jeffrey").para_ref == "7"
    assert _find(chunks, "In Mrs. Bell's absence").para_ref == "7(a)"
    assert _find(chunks, "Schools Funding Formula").para_ref == "7(c)"
    sevens = [c.para_ref for c in chunks if c.para_ref.startswith("7")]
    assert list(dict.fromkeys(sevens)) == ["7", "7(a)", "7(b)", "7(c)", "7(d)", "7(e)"]
    assert _find(chunks, "On 3rd December, KCC hosted").para_ref == "6(i)"  # after "(h)": a letter


def test_kent_pages_come_from_printed_page_numbers_only_when_they_run_1_2_3():
    recs = {r["id"]: r for r in _corpus("kent", "kent-cc-minutes-sample")}
    cabinet = _chunks(recs["kent/cabinet_2025-01-30"])  # page numbers 1..17 head every page
    assert (
        max(c.page for c in cabinet)
        == 17
        == json.loads(
            next(line for line in (DATA / "kent-cc-minutes-sample/index.jsonl").open() if "cabinet_2025-01-30" in line)
        )["pages"]
    )
    assert cabinet[0].page == 1
    # A page-number-free text (pypdf joined its pages with a newline): no page is claimed.
    assert {c.page for c in _chunks(recs["kent/county-council_2025-03-13"])} == {0}


def test_london_sub_items_keep_their_dotted_numbers_and_the_meeting_link():
    first = next(_corpus("london-ontario", "london-ontario-council-minutes"))
    chunks = _chunks(first)
    duluth = [c for c in chunks if c.title.startswith("1958 Duluth Crescent")]
    assert duluth and {c.item_ref for c in duluth} == {"item 2.5"}
    assert {c.item for c in duluth} != {5}  # minsearch's own count differs
    ref = cite(duluth[0])
    assert ref.item_number == "2.5" and ", item 2.5" in ref.text
    assert ref.url.startswith("https://pub-london.escribemeetings.com/Meeting.aspx?Id=630e0269")
    assert {c.item_ref for c in chunks if c.title == "Dog Licensing and Control By-law PH-4"} == {"item 4.1"}


def test_limerick_numbers_pages_and_pdf_link():
    recs = list(itertools.islice(_corpus("limerick", "limerick-council-minutes"), 2))
    first, second = _chunks(recs[0]), _chunks(recs[1])
    # "---" starts every page of the Markdown; the motion is on the page printed "2".
    scanlan = _find(first, "Jerome Scanlan be appointed")
    assert scanlan.page == 2
    assert cite(scanlan).url == (
        "https://www.limerick.ie/sites/default/files/media/documents/2017-08/"
        "municipal_district_of_newcastle_west_-_minutes_of_meeting_11_june_14.pdf"
    )
    assert cite(scanlan).original == "municipal_district_of_newcastle_west_-_minutes_of_meeting_11_june_14.pdf"
    land = _find(second, "distributed a map and outlined the circumstances")
    assert land.item_ref == "item 3" and land.title.startswith("To consider disposal of land at Lower Maiden")


def test_cleveland_pages_are_the_form_feed_pages_and_the_link_is_the_record():
    rec = next(_corpus("cleveland", "cleveland-city-record"))
    pages = rec["text"].split("\f")
    chunks = _chunks(rec)
    for c in (chunks[50], chunks[len(chunks) // 2], chunks[-20]):  # early, middle and late pages
        assert c.text[:30] in " ".join(pages[c.page - 1].split()), (c.page, c.text[:40])
    assert cite(chunks[0]).url.endswith("/2017/2017-01-04.txt")


def test_seeds_have_no_number_and_no_date_so_none_is_shown(searcher):
    c = searcher.chunk("000_87bfe40191ebd6ef#p8")
    assert (c.item_ref, c.para_ref, c.page, c.date) == ("", "", 0, "")
    assert (
        cite(c).text == "Wolverhampton, Corporate Parenting Board, undated, item “Performance Monitoring Information”"
    )
    # Pasted back, that citation lists the item it names (the paragraph is among them).
    from minsearch.model import Query

    r = searcher.search(Query(cite(c).text))
    assert r.total and {h.chunk.title for h in r.hits} == {c.title} and {h.chunk.doc_id for h in r.hits} == {c.doc_id}
    assert r.notices[0].startswith("Found by its citation: item “Performance Monitoring Information”")


# -- the parts, on made-up text -----------------------------------------------------------------------
def test_page_numbers_need_a_run_and_never_guess():
    body = "\n".join(f"Line {n} of the minutes about the budget." for n in range(8))
    numbered = f"1\n{body}\n2023/2024\n{body}\n2\n{body}\n3\n{body}\n"
    assert [p.page for p in rebuild_paragraphs(numbered)][-1] == 3  # "2023/2024" is not a page
    assert {p.page for p in rebuild_paragraphs(f"1\n{body}\n{body}\n")} == {0}  # a lone "1" says nothing
    assert [p.page for p in rebuild_paragraphs(f"{body}\n\f\n{body}\n\f\n{body}\n")][-1] == 3


def test_minute_no_and_numbered_headings_keep_their_style():
    text = (
        "Minute No. 45/21 Housing allocations\n\nThe committee noted the report on allocations.\n\n"
        "Minute No. 46/21 Parks\n\nThe committee agreed the parks plan.\n"
    )
    chunks = chunk_document(Document(doc_id="d", source="d", text=text))
    assert {c.item_ref for c in chunks} == {"minute 45/21", "minute 46/21"}


def test_citation_links_are_http_only_and_name_files():
    c = Chunk("d#p1", "d", "d", "T", "minutes", 1, 0, 1, "x", url="javascript:alert(1)")
    assert cite(c).url == "" and cite(c).original == ""
    assert original_name("https://x.org/a/Printed%20minutes%201.pdf") == "Printed minutes 1.pdf"
    assert original_name("https://x.org/Meeting.aspx?Id=1") == ""


# -- front ends -------------------------------------------------------------------------------------
def test_cli_shows_the_citation_and_json_has_its_parts(seeds_index, monkeypatch):
    monkeypatch.setenv("MINSEARCH_INDEX", str(seeds_index))
    r = CliRunner().invoke(main, ["query", "dental checks", "-n", "1"])
    assert r.exit_code == 0 and "    cite: Wolverhampton, Corporate Parenting Board, undated, item “" in r.output
    r = CliRunner().invoke(main, ["query", "dental checks", "-n", "1", "--json"])
    hit = json.loads(r.output)["hits"][0]
    assert hit["citation"].startswith("Wolverhampton, Corporate Parenting Board, undated")
    assert (hit["item_ref"], hit["para_ref"], hit["page"], hit["url"]) == (None, None, None, None)


@pytest.fixture
def numbered_searcher(tmp_path_factory, encoder, request):
    """A small index of Kent-style printed minutes (numbered minutes and paragraphs, page numbers,
    a link in a JSON Lines record) in the embedded store or in Milvus."""
    from minsearch.indexer import index_paths
    from minsearch.search import Searcher

    folder = tmp_path_factory.mktemp("numbered")
    # Text as pypdf extracts it: lines cut at the page width, page numbers on lines of their own.
    body = "\n".join(f"the committee discussed item detail number {n} and" for n in range(12)) + "\nnoted it."
    text = (
        f"1\nMINUTES of a meeting of the Panel.\n\n12. Apologies\n(Item 1)\n\n1) Apologies were received.\n\n"
        f"13. Dental checks for children in care\n(Item 2)\n\n1) The officer presented the report.\n{body}\n"
        f"2\n2) Dental checks had improved over the year for children in care.\n{body}\n"
    )
    rec = {"id": "panel", "text": text, "council": "Testshire", "committee": "Panel", "date": "2025-03-13"}
    rec["url"] = "https://example.org/minutes/Printed%20minutes.pdf"
    (folder / "panel.jsonl").write_text(json.dumps(rec) + "\n")
    if request.param == "milvus":
        from helpers import milvus_settings

        settings = milvus_settings(request.getfixturevalue("milvus"), folder / "home", model=TEST_MODEL)
    else:
        settings = load_settings(index_dir=folder / "index", model=TEST_MODEL)
    index_paths([folder / "panel.jsonl"], settings, encoder=encoder)
    s = Searcher(settings)
    yield s
    s.close()


@pytest.mark.parametrize(
    "numbered_searcher", ["embedded", pytest.param("milvus", marks=pytest.mark.slow)], indirect=True
)
def test_both_stores_keep_the_official_numbers_and_page(numbered_searcher):
    from minsearch.model import Query

    hit = numbered_searcher.search(Query('"dental checks had improved"', mode="keyword")).hits[0]
    c = hit.chunk
    assert (c.item_ref, c.para_ref, c.page) == ("minute 13", "2", 2)
    assert hit.to_json()["citation"] == "Testshire, Panel, 13 March 2025, minute 13, para 2, page 2"
    assert hit.to_json()["original"] == "Printed minutes.pdf"
    again = numbered_searcher.document("panel")
    assert [x.item_ref for x in again if x.chunk_id == c.chunk_id] == ["minute 13"]


@pytest.mark.parametrize(
    "numbered_searcher", ["embedded", pytest.param("milvus", marks=pytest.mark.slow)], indirect=True
)
def test_a_minute_is_found_by_its_number_or_its_citation_pasted_back(numbered_searcher):
    from minsearch.model import Filters, Query

    r = numbered_searcher.search(Query("minute 13"))
    paras = [h.chunk.paragraph for h in r.hits]
    assert r.total == len(r.hits) > 1 and paras == sorted(paras)  # the minute, in the minutes' order
    assert {h.chunk.item_ref for h in r.hits} == {"minute 13"} and r.notices == ["Found by its number: minute 13."]
    counted = numbered_searcher.search(Query("minute 13"), counts=True).counts  # (`minsearch facets`, the chart)
    assert counted is not None and counted.total == r.total and counted.committees == {"Panel": r.total}
    # What "Copy citation" copies, pasted into the search box: that paragraph.
    cited = (
        "Testshire, Panel, 13 March 2025, minute 13, para 2, page 2 (https://example.org/minutes/Printed%20minutes.pdf)"
    )
    r = numbered_searcher.search(Query(cited))
    assert r.hits and {(h.chunk.para_ref, h.chunk.page) for h in r.hits} == {("2", 2)}
    assert r.hits[0].chunk.text.startswith("2) Dental checks had improved")
    assert r.notices == ["Found by its number: minute 13, para 2, page 2 (Testshire, Panel, 13 March 2025)."]
    assert r.query.filters == Filters()  # (the page's filter boxes stay as the user left them)
    # Copied from the CLI with its label; a citation naming another committee: the number where
    # the minutes print it, and why.
    assert numbered_searcher.search(Query("cite: " + cited)).hits[0].chunk.chunk_id == r.hits[0].chunk.chunk_id
    r = numbered_searcher.search(Query("Testshire, Scrutiny Panel, 13 March 2025, minute 13, para 2"))
    assert {h.chunk.para_ref for h in r.hits} == {"2"}
    assert r.notices[-1] == "Not a council or committee of these minutes, so not used: “Scrutiny Panel”."
    r = numbered_searcher.search(Query("Testshire, Panel, 14 March 2025, minute 13, para 2"))
    assert r.hits and {h.chunk.para_ref for h in r.hits} == {"2"}
    assert r.notices[1] == "Nothing numbered 13 at Testshire, Panel, 14 March 2025: listed where the minutes print it."
    # A number the minutes do not print, or a filter leaving it out: nothing, and why.
    r = numbered_searcher.search(Query("minute 14"))
    assert r.total == 0 and r.notices == ["No minute or item is numbered 14 in these minutes."]
    assert r.to_json()["by_number"] == "14" and r.closest == []  # (scripts tell a lookup from a search)
    r = numbered_searcher.search(Query("minute 13", filters=Filters(since="2026-01-01")))
    assert r.total == 0 and "(with these filters)" in r.notices[0]
    # Words beside the number are a search as ever.
    r = numbered_searcher.search(Query("minute 13 dental checks", mode="keyword"))
    assert r.hits and not any("by its number" in n for n in r.notices) and r.to_json()["by_number"] is None


@pytest.mark.parametrize("numbered_searcher", ["embedded"], indirect=True)
def test_a_pasted_citation_on_the_page_opens_with_its_paragraph(numbered_searcher):
    from urllib.parse import quote_plus

    from minsearch.app.web import create_app

    client = create_app(searcher=numbered_searcher).test_client()
    cited = "Testshire, Panel, 13 March 2025, minute 13, para 2"
    html = client.get("/?q=" + quote_plus(cited)).get_data(as_text=True)
    assert "Found by its number: minute 13, para 2 (Testshire, Panel, 13 March 2025)." in html
    assert '<option value="Panel" selected' not in html  # the citation's committee is not a filter left on
    first = html.index('<ol class="hits"')
    assert "2) Dental checks had improved" in html[first : first + 3000]
    # Its download is named by the minute it found, not by the council's name that begins it.
    disposition = client.get("/export?format=csv&q=" + quote_plus(cited)).headers["Content-Disposition"]
    assert 'filename="minutes-search-minute-13-' in disposition
    html = client.get("/?q=minute+14").get_data(as_text=True)
    assert "No paragraph of these minutes has that number." in html and "Try fewer or different words" not in html
