"""Issue 13 (forgiving filters, counts, browsing, "did you mean") and issue 12 part 6 (matches
over time): a small dated index of three councils, searched and browsed as a user would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import TEST_MODEL, minutes_searcher

from minsearch.app.cli import main
from minsearch.app.web import create_app
from minsearch.config import load_settings
from minsearch.model import Filters, MinsearchError, Query
from minsearch.search import Searcher

# Each meeting says something of its own about dental checks (but Adults Scrutiny).
KENT_JAN = "Dental checks for children in care rose to ninety per cent after the mobile dentist pilot began in January."
RECORDS = [
    ("kent/cab-2024-01", "Kent County Council", "Cabinet", "2024-01-10", KENT_JAN),
    (
        "kent/cab-2024-03",
        "Kent County Council",
        "Cabinet",
        "2024-03-14",
        "Cabinet asked why dental checks fell in Swale and Thanet.",
    ),
    (
        "kent/cpp-2024-03",
        "Kent County Council",
        "Corporate Parenting Panel",
        "2024-03-20",
        "Young people told the panel that dental checks were hard to book near their placements.",
    ),
    (
        "lon/audit-2023-11",
        "City of London (Ontario)",
        "Audit Committee",
        "2023-11-02",
        "The auditor found dental checks invoices paid twice by the health unit.",
    ),
    (
        "lon/plan-2024-02",
        "City of London (Ontario)",
        "Planning and Environment Committee",
        "2024-02-01",
        "A new clinic site was approved to widen access to dental checks in the east end.",
    ),
    (
        "kir/csp-2024-02",
        "Kirklees",
        "Children's Scrutiny Panel",
        "2024-02-05",
        "Scrutiny members questioned the backlog of dental checks for looked after children.",
    ),
    (
        "kir/asp-2024-04",
        "Kirklees",
        "Adults Scrutiny Panel",
        "2024-04-09",
        "Adult social care waiting lists were reviewed.",
    ),
]
# Kent's printed minutes number their items ("76. Title" then "(Item 1)"): the meeting page lists them.
ITEMS = (
    "76. Apologies and Substitutes\n(Item 1)\n\nApologies were received from Mr Hood.\n\n"
    "77. Reports of Officers\n(Item 2)\n\n{text}\n\n"
    "78. Budget Monitoring\n(Item 3)\n\nThe meeting noted the budget monitoring report."
)


@pytest.fixture(scope="module")
def dated(tmp_path_factory, encoder) -> Path:
    from minsearch.indexer import index_paths

    src = tmp_path_factory.mktemp("dated-src") / "minutes.jsonl"
    lines = []
    for rid, council, committee, date, text in RECORDS:
        rec = {"id": rid, "council": council, "committee": committee, "date": date, "title": f"{committee} minutes"}
        lines.append(json.dumps({**rec, "text": ITEMS.format(text=text)}))
    src.write_text("\n".join(lines) + "\n")
    home = tmp_path_factory.mktemp("dated-ix")
    index_paths([src], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    return home


@pytest.fixture(scope="module")
def s(dated):
    searcher = Searcher(load_settings(index_dir=dated, model=TEST_MODEL))
    yield searcher
    searcher.close()


@pytest.fixture(scope="module")
def client(s):
    return create_app(searcher=s).test_client()


def run(dated, *args):
    r = CliRunner().invoke(main, [*args, "--index", str(dated)])
    return r


# -- forgiving filters -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed, stored",
    [("kent", "Kent County Council"), ("KENT county", "Kent County Council"), ("london", "City of London (Ontario)")],
)
def test_council_filter_forgives_case_and_takes_a_prefix_or_words(s, typed, stored):
    r = s.search(Query("dental checks", mode="keyword", filters=Filters(council=typed)))
    assert r.hits and {h.chunk.council for h in r.hits} == {stored}
    assert r.query.filters.council == stored


def test_committee_filter_by_a_word_of_its_name(s):
    r = s.search(Query("dental checks", mode="keyword", filters=Filters(committee="parenting")))
    assert {h.chunk.committee for h in r.hits} == {"Corporate Parenting Panel"}


def test_ambiguous_committee_lists_the_names_it_could_be(s):
    with pytest.raises(MinsearchError) as e:
        s.search(Query("dental", filters=Filters(committee="scrutiny")))
    assert e.value.param == "committee"
    assert "Adults Scrutiny Panel" in str(e.value) and "Children's Scrutiny Panel" in str(e.value)


def test_unknown_council_names_the_nearest(s):
    with pytest.raises(MinsearchError) as e:
        s.search(Query("dental", filters=Filters(council="Kirklies")))
    assert e.value.param == "council" and "Kirklees" in str(e.value)


def test_cli_filter_forgives_and_a_bad_one_is_one_line(dated):
    ok = run(dated, "query", "dental checks", "--mode", "keyword", "--council", "Kent")
    assert ok.exit_code == 0, ok.output
    assert "Kent County Council" in ok.output and "Kirklees" not in ok.output
    bad = run(dated, "query", "dental checks", "--mode", "keyword", "--council", "atlantis")
    assert bad.exit_code == 1
    line = bad.output.strip()
    assert "\n" not in line and line.startswith("minsearch: error: --council:") and "Kirklees" in line


def test_page_resolves_the_filter_and_shows_the_stored_name_chosen(client):
    html = client.get("/?q=dental+checks&mode=keyword&council=kent").get_data(as_text=True)
    assert re.search(r'<option value="Kent County Council" selected>Kent County Council \(3\)</option>', html)
    bad = client.get("/?q=dental&mode=keyword&committee=scrutiny")
    assert bad.status_code == 400 and "Adults Scrutiny Panel" in bad.get_data(as_text=True)


# -- counts ----------------------------------------------------------------------------------------------
def test_counts_agree_with_what_the_filter_then_shows(s):
    r = s.search(Query("dental checks", mode="keyword"), counts=True)
    c = r.counts
    assert c is not None and r.total == 6
    assert c.councils == {"Kent County Council": 3, "City of London (Ontario)": 2, "Kirklees": 1}
    assert c.years == {"2023": 1, "2024": 5}
    for council, n in c.councils.items():
        assert s.search(Query("dental checks", mode="keyword", filters=Filters(council=council))).total == n
    for committee, n in c.committees.items():
        assert s.search(Query("dental checks", mode="keyword", filters=Filters(committee=committee))).total == n
    for month, n in c.months.items():
        f = Filters(since=f"{month}-01", until=f"{month}-28")
        assert s.search(Query("dental checks", mode="keyword", filters=f)).total == n


def test_counts_are_of_matches_not_the_closest_paragraphs(s):
    r = s.search(Query("zebra", mode="keyword"), counts=True)
    assert r.total == 0 and r.counts is not None and r.counts.councils == {}


def test_facets_command_with_and_without_a_query(dated):
    out = run(dated, "facets", "dental checks", "--mode", "keyword", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["total"] == 6 and data["councils"]["Kent County Council"] == 3 and data["years"]["2023"] == 1
    plain = run(dated, "facets", "--council", "kirk")
    assert plain.exit_code == 0, plain.output
    assert "Kirklees" in plain.output and "Kent County Council" not in plain.output
    assert "Children's Scrutiny Panel" in plain.output and "2024" in plain.output
    # A blank query counts every paragraph, and says so (it read "matching paragraphs").
    blank = run(dated, "facets", "   ")
    assert blank.exit_code == 0 and blank.output.splitlines()[0].endswith(" paragraphs"), blank.output
    assert "matching" not in blank.output.splitlines()[0]
    assert json.loads(run(dated, "facets", "   ", "--json").output)["query"] is None


def test_api_and_json_give_the_counts(client, dated):
    data = client.get("/api/search?q=dental+checks&mode=keyword").get_json()
    assert data["counts"]["months"] == {"2023-11": 1, "2024-01": 1, "2024-02": 2, "2024-03": 2}
    out = json.loads(run(dated, "query", "dental checks", "--mode", "keyword", "--json").output)
    assert out["counts"]["committees"]["Cabinet"] == 2


def test_page_shows_counts_and_a_chart_whose_bars_filter_to_their_period(client):
    html = client.get("/?q=dental+checks&mode=keyword").get_data(as_text=True)
    assert "Where and when" in html
    assert re.search(r'<option value="Kirklees">Kirklees \(1\)</option>', html)
    svg = html[html.index("<svg") : html.index("</svg>")]
    # The chart is drawn on the server: no script in it (the page's only script, copy.js, is optional).
    assert 'aria-describedby="chart-desc"' in svg and "<desc" in svg and "<script" not in svg
    assert "the most, 2, in February 2024, March 2024." in svg  # the text alternative
    bars = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', svg)
    assert (
        "/?q=dental+checks&amp;mode=keyword&amp;since=2024-02-01&amp;until=2024-02-29",
        "February 2024: 2 matching paragraphs",
    ) in bars
    assert len(re.findall(r"<rect ", svg)) == 4  # months without matches have no bar
    # Following a bar shows exactly the paragraphs it counted.
    follow = client.get("/api/search?q=dental+checks&mode=keyword&since=2024-02-01&until=2024-02-29").get_json()
    assert follow["total"] == 2


# -- did you mean --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
def test_misspelt_words_get_a_suggestion_from_the_index(s, mode):
    r = s.search(Query("dentl cheks", mode=mode))
    assert r.suggestion == "dental checks"
    assert r.query.text == "dentl cheks"  # offered, not searched instead


def test_a_misspelt_search_paged_sorted_or_filtered_offers_the_same_suggestion(s):
    """The closest spellings of a word are remembered for the index's generation: each page,
    order and filter of a misspelt query offers what the first search offered, and a word's
    suggestion does not depend on the words asked before it."""
    first = s.search(Query("Dentl cheks", mode="keyword"))
    again = [
        s.search(Query("Dentl cheks", mode="keyword", offset=10)),
        s.search(Query("Dentl cheks", mode="hybrid", sort="date")),
        s.search(Query("cheks Dentl", mode="keyword")),
        s.search(Query("DENTL", mode="keyword")),
    ]
    assert first.suggestion == "Dental checks"
    assert [r.suggestion for r in again] == ["Dental checks", "Dental checks", "checks Dental", "DENTAL"]
    with s.pinned() as view:
        assert view.corrections(["dentl", "dental"], limit=3) == view.corrections(["dentl"], limit=3)
        assert view.corrections(["dentl"], limit=1)["dentl"] == ["dental"]


def test_known_words_and_quoted_phrases_are_left_alone(s):
    assert s.search(Query("dental checks", mode="keyword")).suggestion is None
    assert s.search(Query('"dentl cheks"', mode="keyword")).suggestion is None
    mixed = s.search(Query('"dentl" cheks', mode="keyword")).suggestion
    assert mixed == '"dentl" checks'


def test_glossary_acronyms_are_not_corrected(s):
    # "EHCP" is in no paragraph, but the glossary searches it as what it stands for.
    assert s.search(Query("EHCP dentl", mode="keyword")).suggestion == "EHCP dental"


def test_a_question_searches_its_words(s):
    # "checks?" was a wildcard that matched no "checks", and "say" was "corrected" to "stay".
    asked = s.search(Query("what did the panel say about dental checks?", mode="keyword"))
    plain = s.search(Query("panel dental checks", mode="keyword"))
    assert asked.suggestion is None
    assert [h.chunk.chunk_id for h in asked.hits] == [h.chunk.chunk_id for h in plain.hits]
    assert "checks" in [t.lower() for t, marked in asked.hits[0].snippet if marked]


def test_a_pasted_page_is_corrected_only_as_far_as_it_is_searched(s):
    # The speller reads what is searched (500 characters), not every word of a huge query.
    suggestion = s.search(Query("dentl " * 1000, mode="keyword")).suggestion
    assert suggestion and suggestion.startswith("dental dental") and len(suggestion) < 700


def test_real_words_the_minutes_lack_are_not_corrected(tmp_path, encoder):
    # Kent offered "illegal during of rubbish" for "illegal dumping of rubbish" and "facing homes
    # in the roads" for "fixing holes in the roads": a word the index lacks is not misspelt for
    # that. A typo beside it still is corrected.
    from minsearch.indexer import index_paths

    src = tmp_path / "minutes.jsonl"
    text = "During the winter the homes facing the seafront were flooded. Repairs were agreed."
    src.write_text(json.dumps({"id": "k/1", "council": "Kent", "date": "2024-01-02", "text": text}) + "\n")
    home = tmp_path / "ix"
    index_paths([src], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    searcher = Searcher(load_settings(index_dir=home, model=TEST_MODEL))
    try:
        assert searcher.search(Query("illegal dumping of rubbish", mode="keyword")).suggestion is None
        assert searcher.search(Query("fixing holes in the roads", mode="keyword")).suggestion is None
        assert searcher.search(Query("fixing homse", mode="keyword")).suggestion == "fixing homes"
        # Real words are set aside before the speller's budget of words a query may have corrected
        # is counted: seven of them did not leave the typo after them uncorrected.
        many = "fixing holes illegal dumping rubbish roads pavements homse"
        assert searcher.search(Query(many, mode="keyword")).suggestion == many.replace("homse", "homes")
    finally:
        searcher.close()


def _dates(s, result) -> set[str]:
    return {s.chunk(h.chunk.chunk_id).date for h in result.hits}


def test_dates_named_in_the_words_filter_the_meetings(s, dated, client):
    # "What have we resolved about this since 2022?": the dates are a filter, not two more words.
    asked = s.search(Query("dental checks since March 2024", mode="keyword"))
    chosen = s.search(Query("dental checks", mode="keyword", filters=Filters(since="2024-03-01")))
    assert [h.chunk.chunk_id for h in asked.hits] == [h.chunk.chunk_id for h in chosen.hits]
    assert _dates(s, asked) == {"2024-03-14", "2024-03-20"} and asked.total == chosen.total
    assert any("from your words “since March 2024”" in n for n in asked.notices)
    assert _dates(s, s.search(Query("dental checks in November 2023", mode="keyword"))) == {"2023-11-02"}
    # dates that leave none of those chosen do not filter, and say so
    apart = s.search(Query("dental checks in 2023", mode="keyword", filters=Filters(since="2024-01-01")))
    assert any("outside the dates chosen, so it does not filter" in n for n in apart.notices)
    # within dates chosen with it; a year that is no date phrase stays a word
    both = s.search(Query("dental checks before 2024", mode="keyword", filters=Filters(since="2023-11-02")))
    assert _dates(s, both) == {"2023-11-02"}
    assert not s.search(Query("dental checks 2024", mode="keyword")).notices
    # the suggestion keeps the dates as typed, and so does the command line
    assert s.search(Query("dentl checks since 2024", mode="keyword")).suggestion == "dental checks since 2024"
    out = run(dated, "query", "dental checks in November 2023", "--mode", "keyword", "--json").output
    assert {h["date"] for h in json.loads(out)["hits"]} == {"2023-11-02"}
    html = client.get("/?q=dental+checks+since+March+2024&mode=keyword").get_data(as_text=True)
    assert "Meetings from 1 March 2024 only, from your words “since March 2024”" in html
    # The box and the links (another page, another order, the Decisions tab) keep the dates as typed.
    assert 'value="dental checks since March 2024"' in html
    assert "q=dental+checks+since+March+2024" in html and "q=dental+checks&" not in html
    feed = client.get("/feed.atom?q=dental+checks+since+March+2024&mode=keyword").get_data(as_text=True)
    assert "Minutes search: dental checks since March 2024" in feed and "q=dental+checks+since+March+2024" in feed
    # The date field says the same: it was one more OR term, so "dental checks date:[...]" was
    # every dental paragraph, and meaning never saw it.
    for q in ("dental checks date:>=2024-03", "dental checks date:[2024-03 to 2024-12]"):
        by_field = s.search(Query(q, mode="hybrid"))
        assert _dates(s, by_field) == {"2024-03-14", "2024-03-20"}, q
        assert any("Meetings from 1 March 2024" in n for n in by_field.notices)
    out = run(dated, "facets", "dental checks since March 2024", "--mode", "keyword")
    assert "from your words “since March 2024”" in out.output  # (the note goes to stderr)
    out = run(dated, "facets", "dental checks since March 2024", "--mode", "keyword", "--json")
    assert any("from your words “since March 2024”" in n for n in json.loads(out.stdout)["notices"])


def test_a_word_found_by_its_stem_is_not_offered_another_spelling(tmp_path, encoder):
    """Kent prints "Abstain (3) Mr Baker": "who abstained on the vapes motion" finds those lines
    (the search compares stems) and was offered "Did you mean: who abstain on the vapes motion"."""
    minutes = (
        "Minutes of the County Council held on 13 March 2025\n\n1. Disposable vapes\n\n"
        "The Chairman put the motion on disposable vapes to the vote.\n\nAbstain (3) Mr Baker, Mrs Bell, Mr Brady\n"
    )
    with minutes_searcher(tmp_path, encoder, {"a.txt": minutes}) as s:
        assert s.search(Query("who abstained on the vapes motion", mode="keyword")).suggestion is None
        assert s.search(Query("who abstian on the vapes motion", mode="keyword")).suggestion == (
            "who abstain on the vapes motion"
        )


def test_suggestions_are_near_typos_not_other_words():
    from minsearch.store.keyword import closest_spellings

    # a short word is one edit from its correction at most (a swap is one): "fouling" is no "housing"
    assert closest_spellings("fouling", {"housing": 570, "moulding": 2}) == []
    assert closest_spellings("recieve", {"receive": 3, "relieve": 9})[0] == "receive"  # two letters swapped
    # a long one may be two, and the first letter typed is rarely the slip
    assert closest_spellings("colections", {"elections": 28, "collection": 18})[0] == "collection"


def test_the_cli_suggestion_is_a_command_for_the_same_search(dated):
    # Copied and run, it searches the same index with the same mode and filters (it dropped them).
    out = run(dated, "query", "dentl cheks", "--mode", "keyword", "--council", "kent").output
    assert f"(minsearch query 'dental checks' --index {dated} --mode keyword --council kent)" in out
    out = run(dated, "facets", "dentl cheks", "--committee", "cabinet").output
    assert f"(minsearch facets 'dental checks' --index {dated} --committee cabinet)" in out


def test_did_you_mean_on_the_cli_and_the_page(dated, client):
    out = run(dated, "query", "dentl cheks", "--mode", "keyword")
    assert "Did you mean: dental checks?" in out.output and "minsearch query 'dental checks'" in out.output
    html = client.get("/?q=dentl+cheks&mode=keyword").get_data(as_text=True)
    assert 'Did you mean: <a href="/?q=dental+checks&amp;mode=keyword">dental checks</a>?' in html
    assert client.get("/api/search?q=dentl+cheks&mode=keyword").get_json()["did_you_mean"] == "dental checks"


# -- browsing ----------------------------------------------------------------------------------------------
def test_home_page_links_to_browsing(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/meetings"' in html and 'href="/committees"' in html


def test_latest_meetings_newest_first_with_items(client):
    html = client.get("/meetings").get_data(as_text=True)
    dates = re.findall(r'<time datetime="([\d-]+)">', html)
    assert dates == sorted(dates, reverse=True) and len(dates) == len(RECORDS)
    assert "7 meetings" in html
    assert 'href="/meeting/kir/asp-2024-04"' in html


def test_one_committees_meetings_with_a_forgiving_name(client):
    html = client.get("/meetings?committee=cabinet").get_data(as_text=True)
    assert "Meetings of Cabinet" in html and "2 meetings" in html
    assert "Kirklees" not in html.split("<tbody>")[1]


def test_committees_page_counts_meetings(client):
    html = client.get("/committees").get_data(as_text=True)
    row = re.search(
        r"<tr>\s*<td[^>]*><a href=\"([^\"]+)\">Cabinet</a></td>\s*<td[^>]*>Kent County Council</td>\s*<td[^>]*>2</td>",
        html,
    )
    assert row and "committee=Cabinet" in row.group(1)


def test_meeting_page_lists_agenda_items_in_order_linking_to_the_document(client, s):
    html = client.get("/meeting/kent/cab-2024-01").get_data(as_text=True)
    assert "10 January 2024" in html and "Cabinet" in html
    # Named by the source's own numbers, as the citations and the document view name them (not
    # minsearch's count of items: minute 77 is the second item, not "2").
    links = re.findall(r'<li><a href="([^"]+)"><span class="item-ref">([^<]+)</span> ([^<]+)</a>', html)
    assert [h for h, _r, _t in links] == [f"/doc/kent/cab-2024-01?item={n}" for n in (1, 2, 3)]
    assert [(r, t) for _h, r, t in links] == [
        ("Minute 76:", "Apologies and Substitutes"),
        ("Minute 77:", "Reports of Officers"),
        ("Minute 78:", "Budget Monitoring"),
    ]
    doc = client.get(links[1][0]).get_data(as_text=True)
    assert "<dt>Agenda item</dt><dd>Minute 77</dd>" in doc
    assert "Dental checks" in doc and "Apologies were received" not in doc
    assert client.get("/meeting/no-such-meeting").status_code == 404


def test_a_filter_narrows_the_matches_and_never_adds_any(s):
    # Unfiltered, the paragraphs with both words set the bar: "dental" alone is not enough. Within
    # Kent no paragraph has "backlog"; a paragraph with "dental" alone is still not a match there
    # (judged by Kent's weaker candidates alone, it was, and a committee could count 90 matches
    # for an address the whole search matched 7 times). It is offered as closest instead.
    r = s.search(Query("dental backlog", mode="keyword"), counts=True)
    assert {h.chunk.council for h in r.hits} == {"Kirklees"}
    kent = s.search(Query("dental backlog", mode="keyword", filters=Filters(council="kent")))
    assert kent.total == 0 and not kent.hits
    assert kent.closest and all("dental" in h.chunk.text.lower() for h in kent.closest[:3])
    assert r.counts is not None and r.counts.councils.get("Kent County Council", 0) == 0
    assert r.counts.total == r.total == sum(r.counts.councils.values())


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
@pytest.mark.parametrize(
    "text",
    ["backlog of dental checks for looked after children", "dentist pilot mobile", "clinic site approved east end"],
)
def test_a_filter_keeps_the_matches_it_narrows_to(s, mode, text):
    # Whether a query has a confident answer is decided over the whole index: a filter that leaves
    # out the best answer still shows the matches the unfiltered search listed there (it showed
    # none: "snow removal" on London Ontario, 13 matches in a committee, none when filtered to it).
    r = s.search(Query(text, mode=mode, limit=50), counts=True)
    assert r.hits and r.counts is not None
    for council in {h.chunk.council for h in r.hits}:
        filtered = s.search(Query(text, mode=mode, limit=50, filters=Filters(council=council)))
        listed = {h.chunk.chunk_id for h in r.hits if h.chunk.council == council}
        assert listed <= {h.chunk.chunk_id for h in filtered.hits}, council
        assert filtered.total == r.counts.councils[council], council


def test_chart_periods_grow_with_the_span_and_use_their_own_counts():
    from minsearch.app.chart import usage_chart
    from minsearch.model import MatchCounts

    assert usage_chart(MatchCounts()) is None  # no dated match: no chart
    short = usage_chart(MatchCounts(months={"2023-11": 1, "2024-02": 2}))
    assert short is not None and short.unit == "month" and len(short.bars) == 4
    assert [b.tick for b in short.bars] == ["Nov 2023", "Dec", "Jan 2024", "Feb"]
    assert (short.bars[-1].since, short.bars[-1].until) == ("2024-02-01", "2024-02-29")
    # Over four years, quarters, each counted as its own filter counts it (not a sum of months).
    long = usage_chart(MatchCounts(months={"2020-02": 1, "2023-12": 1}, quarters={"2020-Q1": 5, "2023-Q4": 1}))
    assert long is not None and long.unit == "quarter" and len(long.bars) == 16
    assert (long.bars[0].label, long.bars[0].count, long.bars[0].until) == ("Jan–Mar 2020", 5, "2020-03-31")
    decades = usage_chart(MatchCounts(months={"2010-05": 1, "2024-01": 1}, years={"2010": 1, "2024": 2}))
    assert decades is not None and decades.unit == "year" and len(decades.bars) == 15
    assert decades.summary == "Matching paragraphs per year, 2010 to 2024; the most, 2, in 2024."


def test_the_model_vocabulary_is_read_only_for_words_the_index_lacks(s, monkeypatch):
    # (15 ms of a cold `minsearch query`: a query whose words the minutes all hold has no need of it)
    from minsearch.searching import spelling

    def not_wanted(model: str) -> frozenset[str]:
        raise AssertionError("the model's vocabulary was read")

    monkeypatch.setattr(spelling, "vocabulary_words", not_wanted)
    assert s.search(Query("dental checks", mode="keyword")).suggestion is None
    with pytest.raises(AssertionError, match="vocabulary was read"):
        s.search(Query("dentl checks", mode="keyword"))
