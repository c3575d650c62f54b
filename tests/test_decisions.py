"""The decisions timeline: what meetings resolved about a topic, oldest meeting first.

Recognising decisions in the shapes minutes give them (ingest), reading the outcome a source
states, and the timeline from the library, the command line, the JSON API and the page, on a
small corpus of four meetings in the shapes of four councils' minutes (English "RESOLVED that",
eScribe motion blocks with a vote, Irish "on the proposal of ... it was agreed", a resolution
with lettered points), indexed with the test model.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from minsearch.app.cli import main
from minsearch.config import load_settings
from minsearch.ingest.chunker import chunk_document
from minsearch.ingest.decisions import is_decision, outcome
from minsearch.model import Chunk, Document, Filters, MinsearchError, Query
from minsearch.search import Searcher
from minsearch.searching.decisions import DecisionQuestion, read_question

MEETINGS = [
    {
        "id": "cpp-2024-01-10",
        "date": "2024-01-10",
        "council": "Testshire",
        "committee": "Corporate Parenting Panel",
        "text": "1. Placement Sufficiency Strategy\n\n"
        "The Head of Commissioning introduced the annual update on placement sufficiency. Members asked about "
        "placement sufficiency for older children and the cost of placement sufficiency gaps.\n\n"
        "RESOLVED that the Panel endorse the refreshed Placement Sufficiency Strategy and ask for a progress "
        "report in six months.\n\n2. Dental checks\n\nRESOLVED that the report on dental checks be noted.\n",
    },
    {
        "id": "council-2022-06-20",
        "date": "2022-06-20",
        "council": "Testshire",
        "committee": "Council",
        "text": "4. Children's Services Report\n\nMoved by A. Smith\nSeconded by B. Jones\n"
        "That, on the recommendation of the Director, Children's Services, the placement sufficiency action plan "
        "BE APPROVED.\nYeas: A. Smith, B. Jones, C. Brown\nNays: D. White\nMotion Passed (3 to 1)\n\n"
        "5. Parks\n\nMoved by C. Brown\nSeconded by A. Smith\nThat the parks report BE RECEIVED.\nMotion Passed\n",
    },
    {
        "id": "md-2023-05-02",
        "date": "2023-05-02",
        "council": "Testshire",
        "committee": "Metropolitan District",
        "text": "3. Housing\n\nCouncillor Kiely said that placement sufficiency was the biggest issue facing "
        "children in care, and that placement sufficiency had been raised before.\n\n"
        "On the proposal of Councillor Kiely, seconded by Councillor Secas, it was agreed to write to the "
        "Minister about placement sufficiency for children in care.\n\n"
        "Councillor Secas agreed to draft a letter about road signs.\n",
    },
    {
        "id": "cpp-2021-02-01",
        "date": "2021-02-01",
        "council": "Testshire",
        "committee": "Corporate Parenting Panel",
        "text": "1. Placements\n\nRESOLVED that the Panel:\n\n(a) notes the placement sufficiency duty;\n\n"
        "(b) agrees to a placement sufficiency review.\n",
    },
]
OLDEST_FIRST = ["2021-02-01", "2022-06-20", "2023-05-02", "2024-01-10"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("decisions-corpus")
    path = folder / "meetings.jsonl"
    path.write_text("".join(json.dumps(m) + "\n" for m in MEETINGS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def home(corpus, tmp_path_factory, encoder) -> Path:
    from minsearch.indexer import index_paths

    home = tmp_path_factory.mktemp("decisions-ix")
    summary = index_paths([corpus], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    assert summary.documents == len(MEETINGS) and not summary.skipped
    return home


@pytest.fixture(scope="module")
def searcher(home):
    s = Searcher(load_settings(index_dir=home))
    yield s
    s.close()


def _sections(text: str) -> list[tuple[str, str]]:
    doc = Document(doc_id="d", source="d.txt", text=text)
    return [(c.section, c.text) for c in chunk_document(doc)]


# -- recognising decisions (ingest) ---------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "On the proposal of Councillor Foley, seconded by Councillor Galvin, it was agreed to allocate €1500.",
        "Following discussion, it was proposed by Councillor Lynch, seconded by Councillor Keller and agreed to write.",
        "It was agreed that the matter would be revisited in the New Year.",
        "The Members agreed that a reception would take place in November.",
        "AGREED – that the report be noted.",
        "b) the Civic Administration BE DIRECTED to report back on the options;",
        "Motion to approve part d) to read as follows:",
    ],
)
def test_decision_shapes_of_minutes_are_recognised(text):
    assert is_decision(text)


@pytest.mark.parametrize(
    "text",
    [
        "Councillor O'Brien agreed to word a Motion on this matter for the next full Council Meeting.",
        "THE CIVIL SERVICE COMMISSION'S POLICY IS THAT APPLICATIONS WILL NOT BE ACCEPTED AFTER 11:59 PM.",
        "Members discussed the cost of placements and asked for more detail.",
    ],
)
def test_discussion_and_notices_are_not_decisions(text):
    assert not is_decision(text)


def _section_of(meeting: dict, start: str) -> str:
    (section,) = [s for s, t in _sections(meeting["text"]) if t.startswith(start)]
    return section


def _minutes(texts: list[tuple[str, str]]) -> list[Chunk]:
    """A document's paragraphs in one agenda item, from (kind, text) pairs."""
    return [Chunk(f"d#p{n}", "d", "d.txt", "Item", "minutes", n, 0, 1, t, kind=k) for n, (k, t) in enumerate(texts, 1)]


def test_motions_and_agreements_are_put_in_the_resolved_section():
    escribe, irish, lettered = MEETINGS[1], MEETINGS[2], MEETINGS[3]
    assert _section_of(escribe, "That, on the recommendation") == "resolved"
    assert _section_of(escribe, "Moved by A. Smith") == "resolved"
    assert _section_of(irish, "On the proposal of Councillor Kiely") == "resolved"
    assert _section_of(irish, "Councillor Kiely said") == "minutes"  # the discussion
    assert _section_of(irish, "Councillor Secas agreed") == "minutes"  # a person agreeing is not a decision
    assert _section_of(lettered, "(a) notes") == "resolved"


def test_motion_made_by_starts_a_motion():
    text = "Motion made by E. Peloza\nSeconded by S. Lewis\nThat the report be received.\nMotion Passed (5 to 0)"
    section, first = _sections(text)[0]
    assert section == "resolved" and first.startswith("Motion made by E. Peloza")
    assert outcome(first) == "Passed (5 to 0)"


def test_an_item_with_a_resolved_heading_keeps_its_discussion_in_the_minutes():
    text = (
        "Agenda item\nReport\nMinutes:\nIt was agreed that the outcome would be fed back.\n\n"
        "Resolved:\n1. That the report be received."
    )
    got = dict((t, s) for s, t in _sections(text))
    assert got["It was agreed that the outcome would be fed back."] == "minutes"
    assert got["1. That the report be received."] == "resolved"


@pytest.mark.parametrize(
    "text, tally, expected",
    [
        ("Yeas: A. Smith, B. Jones Nays: D. White Motion Passed (13 to 2)", True, "Passed (13 to 2)"),
        ("Motion Failed (4 to 10)", True, "Failed (4 to 10)"),
        ("CARRIED UNANIMOUSLY", True, "Carried unanimously"),
        ("The amendment was lost.", True, "Amendment lost"),
        (
            "Following the debate, the Chairman put the motion and it was agreed unanimously.",
            False,
            "Agreed unanimously",
        ),
        ("The funding agreed in 2019 was passed to the trust in full.", False, None),
        ("as authorised by Ordinance No. 1141-16, passed by the Council of the City", False, None),
    ],
)
def test_outcome_as_the_minutes_state_it(text, tally, expected):
    assert outcome(text, tally=tally) == expected


# -- the timeline (library) -----------------------------------------------------------------------
def test_timeline_lists_decisions_oldest_meeting_first(searcher):
    t = searcher.decisions(Query("placement sufficiency"))
    assert [m.date for m in t.meetings] == OLDEST_FIRST
    assert all(d.hit.chunk.section == "resolved" for m in t.meetings for d in m.decisions)
    texts = [d.hit.chunk.text for m in t.meetings for d in m.decisions]
    # The discussion says "placement sufficiency" more often than any decision: it is not listed.
    assert not any(x.startswith(("The Head of Commissioning", "Councillor Kiely said")) for x in texts)
    # Decisions about something else, and the parks motion, are not listed.
    assert not any("dental" in x or "parks" in x for x in texts)
    assert t.total == len(texts) == 5
    committees = [m.committee for m in t.meetings]
    assert committees == ["Corporate Parenting Panel", "Council", "Metropolitan District", "Corporate Parenting Panel"]


def test_outcome_and_lead_in_are_attached(searcher):
    t = searcher.decisions(Query("placement sufficiency"))
    by_date = {m.date: m.decisions for m in t.meetings}
    (escribe,) = by_date["2022-06-20"]
    assert escribe.hit.chunk.text.startswith("That, on the recommendation")
    assert escribe.outcome == "Passed (3 to 1)"  # from the vote tally after the motion
    points = by_date["2021-02-01"]
    assert [d.hit.chunk.text[:3] for d in points] == ["(a)", "(b)"]  # in the order of the minutes
    assert all(d.lead == "RESOLVED that the Panel:" for d in points)
    assert all(d.outcome is None for d in points)  # the minutes state none


def test_filters_apply_to_the_timeline(searcher):
    since = searcher.decisions(Query("placement sufficiency", filters=Filters(since="2022-01-01")))
    assert [m.date for m in since.meetings] == OLDEST_FIRST[1:]
    panel = searcher.decisions(Query("placement sufficiency", filters=Filters(committee="corporate parenting panel")))
    assert [m.date for m in panel.meetings] == ["2021-02-01", "2024-01-10"]


def test_a_question_searches_its_topic_with_the_committee_and_year_it_names(searcher):
    plain = searcher.decisions(Query("placement sufficiency"))
    texts = [d.hit.chunk.text for m in plain.meetings for d in m.decisions]
    # The words asking for a decision are not searched: they matched every short resolution.
    asked = searcher.decisions(Query("What was decided about placement sufficiency?"))
    assert [d.hit.chunk.text for m in asked.meetings for d in m.decisions] == texts
    assert asked.notices[0] == "Searched the decisions about 'placement sufficiency'."
    # A committee of the index named in the question, and a year, narrow the timeline (and say so).
    t = searcher.decisions(
        Query("what did the corporate parenting panel decide about placement sufficiency since 2022")
    )
    assert [m.date for m in t.meetings] == ["2024-01-10"]
    assert any("Corporate Parenting Panel only" in n for n in t.notices)
    assert any("from 2022-01-01" in n for n in t.notices)
    # A filter given outright wins over the question's.
    t = searcher.decisions(
        Query("what did the panel decide on placement sufficiency", filters=Filters(committee="council"))
    )
    assert {m.committee for m in t.meetings} == {"Council"}
    # A committee these minutes do not have is said so, and all of them are searched.
    t = searcher.decisions(Query("what did the audit board resolve about placement sufficiency"))
    assert [d.hit.chunk.text for m in t.meetings for d in m.decisions] == texts
    assert any("No committee or council of these minutes is called 'audit board'" in n for n in t.notices)


@pytest.mark.parametrize(
    "text, topic, body, since, until",
    [
        ("what did cabinet decide about the budget", "the budget", "cabinet", None, None),
        ("What have we resolved about dental checks since 2022?", "dental checks", None, "2022-01-01", None),
        ("has the panel agreed the sufficiency strategy", "the sufficiency strategy", "panel", None, None),
        ("decisions on home to school transport in 2024", "home to school transport", None, "2024-01-01", "2024-12-31"),
        ("what decisions has cabinet made on family hubs", "family hubs", "cabinet", None, None),
        ("when did council approve the local plan before 2023", "the local plan", "council", None, "2022-12-31"),
    ],
)
def test_a_question_put_to_the_decisions_is_read(text, topic, body, since, until):
    assert read_question(text) == DecisionQuestion(topic, body, since, until)


@pytest.mark.parametrize(
    "text",
    [
        "placement sufficiency",
        "who seconded the motion",
        "what did cabinet decide about",
        "what have we resolved about this",
        "Local Plan 2040",
    ],
)
def test_a_topic_is_searched_as_typed(text):
    assert read_question(text) is None


def test_no_confident_match_is_an_empty_timeline(searcher):
    t = searcher.decisions(Query("purple elephant trombone"))
    assert t.total == 0 and t.meetings == []


def test_a_bad_filter_is_a_one_line_error(searcher):
    with pytest.raises(MinsearchError) as e:
        searcher.decisions(Query("placement", filters=Filters(until="June")))
    assert e.value.param == "until"
    with pytest.raises(MinsearchError) as e:
        searcher.search(Query("placement", filters=Filters(section="resolved; drop")))
    assert e.value.param == "section"


def test_section_filter_on_an_ordinary_search(searcher):
    for mode in ("keyword", "semantic", "hybrid"):
        r = searcher.search(Query("placement sufficiency", mode=mode, limit=20, filters=Filters(section="resolved")))
        assert r.hits and all(h.chunk.section == "resolved" for h in r.hits), mode


# -- command line ---------------------------------------------------------------------------------
def test_cli_prints_meetings_in_date_order_with_outcomes(home):
    r = CliRunner().invoke(main, ["decisions", "placement sufficiency", "--index", str(home)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("5 decisions in 4 meetings, oldest first")
    heads = re.findall(r"^(\d{4}-\d\d-\d\d) · Testshire · (.+) \(", r.output, re.M)
    assert [d for d, _ in heads] == OLDEST_FIRST
    assert "    Outcome: Passed (3 to 1)" in r.output
    assert r.output.count("RESOLVED that the Panel:") == 1  # once, above its two points
    # The points in the order of the minutes, under their lead-in, each with its citation.
    assert re.search(
        r"\n      \(a\) notes the \*\*placement\*\* \*\*sufficiency\*\* duty;\n      cite: [^\n]+\n      \(b\) agrees",
        r.output,
    )
    assert "\n    cite: Testshire, Council, 20 June 2022, item 4\n" in r.output
    assert r.output.count("cite: ") == 5
    assert "**placement** **sufficiency**" in r.output.lower()


def test_cli_json_and_filters(home):
    r = CliRunner().invoke(
        main, ["decisions", "placement sufficiency", "--index", str(home), "--since", "2023-01-01", "--json"]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["query"] == "placement sufficiency" and out["since"] == "2023-01-01"
    assert [m["date"] for m in out["meetings"]] == OLDEST_FIRST[2:]
    first = out["meetings"][0]
    assert first["committee"] == "Metropolitan District" and first["doc_id"] == "md-2023-05-02"
    (d,) = first["decisions"]
    assert d["section"] == "resolved" and d["text"].startswith("On the proposal") and "outcome" in d


def test_cli_bad_date_and_no_match(home):
    r = CliRunner().invoke(main, ["decisions", "placement", "--index", str(home), "--since", "2023-13-01"])
    assert r.exit_code == 1 and "--since" in r.output and "not a date" in r.output
    r = CliRunner().invoke(main, ["decisions", "purple elephant trombone", "--index", str(home)])
    assert r.exit_code == 0 and r.output.startswith("No decision matches this search with confidence")


# -- the page and the API -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(searcher):
    from minsearch.app.web import create_app

    return create_app(searcher=searcher).test_client()


def test_results_page_has_tabs_that_keep_the_search(client):
    html = client.get("/?q=placement+sufficiency&committee=Council&mode=keyword&page=1").get_data(as_text=True)
    tabs = re.search(r'<nav class="tabs".*?</nav>', html, re.S).group(0)
    assert 'href="/?q=placement+sufficiency&amp;mode=keyword&amp;committee=Council" aria-current="page"' in tabs
    assert 'href="/decisions?q=placement+sufficiency&amp;mode=keyword&amp;committee=Council">Decisions<' in tabs
    assert '<nav class="tabs"' not in client.get("/").get_data(as_text=True)  # no search, no tabs


def test_decisions_tab_lists_meetings_oldest_first(client):
    resp = client.get("/decisions?q=placement+sufficiency")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'action="/decisions"' in html  # searching again stays on this tab
    assert '<h2 id="count" class="count">5 decisions in 4 meetings' in html
    assert re.findall(r'<time datetime="([\d-]+)"', html) == OLDEST_FIRST
    # The two points of one resolution: their agenda item and lead-in are shown once.
    assert html.count('<p class="lead">RESOLVED that the Panel:</p>') == 1
    assert html.count('<p class="item"><a href="/doc/cpp-2021-02-01?hit=') == 1
    assert '<p class="outcome">Outcome: <strong>Passed (3 to 1)</strong></p>' in html
    assert html.count('<span class="cite-label">Cite as:</span>') == 5  # each decision, for a briefing
    assert 'data-copy="Testshire, Council, 20 June 2022, item 4"' in html
    assert "<mark>placement</mark> <mark>sufficiency</mark>" in html
    assert 'href="/doc/council-2022-06-20?hit=' in html
    assert 'aria-current="page">Decisions</a>' in html
    assert 'id="sort"' not in html  # a timeline has one order


def test_decisions_tab_without_a_match_points_to_all_paragraphs(client):
    html = client.get("/decisions?q=%3Cscript%3Epurple+elephant").get_data(as_text=True)
    assert "No decision matches this search with confidence." in html
    assert 'href="/?q=%3Cscript%3Epurple+elephant">See every paragraph that matches</a>' in html
    assert "<script>purple" not in html


def test_decisions_tab_bad_date_is_answered_above_the_form(client):
    resp = client.get("/decisions?q=placement&since=2024-02-30")
    assert resp.status_code == 400
    assert "That search could not run" in resp.get_data(as_text=True)


def test_api_decisions(client):
    out = client.get("/api/decisions?q=placement+sufficiency&council=testshire").get_json()
    assert [m["date"] for m in out["meetings"]] == OLDEST_FIRST
    assert out["total"] == 5 and out["council"] == "Testshire"  # the stored name the filter resolved to
    assert client.get("/api/decisions?q=x&until=soon").get_json() == {
        "error": "until: 'soon' is not a date (use YYYY-MM-DD)"
    }


def test_a_lead_in_covers_the_points_that_count_on_from_it():
    from minsearch.model import Chunk
    from minsearch.searching.decisions import lead_in

    texts = [
        "5. Mr Love proposed the following amendment:",
        "1. Agree to submit a request to Government;",
        "2. Note the timetable;",
        "6. Following the debate, the Leader proposed the above motion.",
    ]
    doc = [Chunk(f"d#p{n}", "d", "d.txt", "Devolution", "resolved", n, 0, 1, t) for n, t in enumerate(texts, start=1)]
    assert [lead_in(doc, i) for i in range(4)] == [None, texts[0], texts[0], None]


def test_a_point_ending_with_a_colon_is_one_of_the_points():
    from minsearch.model import Chunk
    from minsearch.searching.decisions import lead_in

    texts = [
        "That the following actions be taken with respect to the Mobility Master Plan:",
        "a) the Road Network maps BE APPROVED;",
        "b) the Cycling Network maps BE APPROVED, except:",
        "i) the Royal Crescent addition BE REMOVED;",
        "ii) the Huron Street addition BE REFERRED back;",
        "c) the Civic Administration BE DIRECTED to report back.",
    ]
    doc = [Chunk(f"d#p{n}", "d", "d.txt", "Plan", "resolved", n, 0, 1, t) for n, t in enumerate(texts, start=1)]
    assert [lead_in(doc, i) for i in range(1, 6)] == [texts[0], texts[0], texts[2], texts[2], texts[0]]


def test_the_points_of_one_motion_share_the_vote_after_them():
    from minsearch.model import Chunk
    from minsearch.searching.decisions import Decision, outcome_after

    rows = [
        ("resolved", "procedure", "Moved by S. Trosow Seconded by D. Ferreira"),
        ("resolved", "substance", "That the following actions be taken:"),
        ("resolved", "substance", "a) the funding BE APPROVED;"),
        ("resolved", "substance", "b) the Civic Administration BE DIRECTED to report back."),
        ("minutes", "procedure", "Yeas: H. McAlister, J. Pribil Motion Passed (2 to 0)"),
        ("resolved", "procedure", "Moved by J. Pribil Seconded by H. McAlister"),
        ("resolved", "substance", "That the report BE RECEIVED."),
        ("minutes", "procedure", "Motion Failed (1 to 3)"),
    ]
    doc = [
        Chunk(f"d#p{n}", "d", "d.txt", "Funding", section, n, 0, 1, text, kind=kind)
        for n, (section, kind, text) in enumerate(rows, start=1)
    ]
    assert [outcome_after(doc, i) for i in (2, 3, 6)] == [
        ("Passed (2 to 0)", 5),
        ("Passed (2 to 0)", 5),
        ("Failed (1 to 3)", 8),
    ]
    a, b, c = (
        Decision(hit=None, outcome=o, outcome_paragraph=p)
        for o, p in [("Passed (2 to 0)", 5)] * 2 + [("Failed (1 to 3)", 8)]
    )  # type: ignore[arg-type]
    assert a.shares_outcome(b) and not b.shares_outcome(c) and not c.shares_outcome(None)


def _kent_doc(rows: list[tuple[str, str, str]]) -> list:
    from minsearch.model import Chunk

    return [
        Chunk(f"d#p{n}", "d", "d.txt", "Devolution", section, n, 0, 1, text, kind=kind)
        for n, (section, kind, text) in enumerate(rows, start=1)
    ]


def test_a_resolution_recorded_after_its_vote_takes_the_vote_before_it():
    # Kent prints the tally, then "26) RESOLVED that the County Council:" and its points; the
    # timeline showed no outcome for a resolution carried 39 to 19.
    from minsearch.searching.decisions import outcome_after, outcome_before

    doc = _kent_doc(
        [
            ("minutes", "procedure", "Amendment lost."),
            ("minutes", "procedure", "For (39) Mr Baker, Mr Bartlett, Mrs Bell"),
            ("minutes", "procedure", "Against (19) Mr Baldock, Mr Brady"),
            ("minutes", "procedure", "Abstain (1)"),
            ("minutes", "substance", "Ms Constantine"),
            ("minutes", "procedure", "Substantive Motion carried."),
            ("resolved", "heading", "26) RESOLVED that the County Council:"),
            ("resolved", "substance", "(1) Endorses the ongoing joint work on devolution;"),
            ("resolved", "substance", "(2) Notes the timetable."),
            ("minutes", "substance", "27) The Chairman thanked Members for the debate on the paper."),
        ]
    )
    assert [outcome_after(doc, i) for i in (6, 7, 8)] == [None, None, None]
    assert [outcome_before(doc, i) for i in (6, 7, 8)] == [("Carried (39 to 19)", 6)] * 3
    # A lost vote just before a resolution was an amendment's, not the resolution's.
    lost = _kent_doc([("minutes", "procedure", "Amendment lost."), ("resolved", "substance", "RESOLVED that X.")])
    assert outcome_before(lost, 1) is None


def test_the_minutes_next_paragraph_is_not_a_point_of_the_resolution():
    # "9) The Chairman proposed ... and it was agreed unanimously." after point "6." of resolution
    # "8)" was shown as the motion's outcome.
    from minsearch.searching.decisions import outcome_after

    doc = _kent_doc(
        [
            ("resolved", "substance", "8) RESOLVED that the County Council resolves:"),
            ("resolved", "substance", "5. To request that the Executive calls upon all Kent MPs;"),
            ("resolved", "substance", "6. To request that the Cabinet Member engages with farmers."),
            ("minutes", "procedure", "9) The Chairman proposed to extend the meeting and it was agreed unanimously."),
        ]
    )
    assert [outcome_after(doc, i) for i in (1, 2)] == [None, None]


ESCRIBE_VOTES = (
    "8. Shelter Funding Allocations\n\n"
    "Motion made by C. Rahman\nSeconded by S. Lehman\n"
    "that part d) relating to the drop-in spaces BE REFERRED to Civic Administration to examine options for "
    "shelter beds;\nYeas: S. Lewis, S. Hillier, C. Rahman\nNays: A. Hopkins\nMotion Passed (3 to 1)\n\n"
    "Motion made by C. Rahman\nSeconded by S. Lehman\n"
    "that part h) BE AMENDED to read “the shelter budget of up to $1,400,000 BE APPROVED for basic needs”;\n\n"
    "Motion made by D. Ferreira\nSeconded by S. Stevenson\n"
    "That the motion be amended to read as follows:\n"
    "e) the Civic Administration BE DIRECTED to find a source of shelter funding of $157,860 for 10 spaces;\n"
    "Yeas: A. Hopkins, S. Lewis, S. Hillier, C. Rahman\nMotion Passed (4 to 0)\n\n"
    "Motion made by D. Ferreira\nSeconded by P. Cuddy\nThat part e), as amended, BE APPROVED:\n"
    "e) the Civic Administration BE DIRECTED to find a source of shelter funding of $157,860 for 10 spaces;\n"
    "Yeas: A. Hopkins\nNays: S. Lewis, S. Hillier, C. Rahman\nMotion Failed (1 to 3)\n"
)


def test_each_vote_is_read_against_its_own_motion(tmp_path, encoder):
    """A new user's pass on London Ontario: the vote on referring part d) was shown as the outcome
    of the next motion (part h)'s amendment, which recorded none), and a point amended (Passed)
    then put to the vote (Failed) was shown once, as passed: "an officer would report that
    council approved it when it did not"."""
    from minsearch.indexer import index_paths

    src = tmp_path / "council.jsonl"
    meeting = {"id": "council-2025-02-11", "date": "2025-02-11", "council": "Testshire", "committee": "Council"}
    src.write_text(json.dumps({**meeting, "text": ESCRIBE_VOTES}) + "\n", encoding="utf-8")
    home = tmp_path / "ix"
    index_paths([src], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    s = Searcher(load_settings(index_dir=home))
    try:
        (m,) = s.decisions(Query("shelter")).meetings
    finally:
        s.close()
    outcomes = [(d.hit.chunk.text[:20], d.outcome) for d in m.decisions]
    assert dict(outcomes)["that part d) relatin"] == "Passed (3 to 1)"
    assert dict(outcomes)["that part h) BE AMEN"] is None  # the minutes record no vote on it
    spaces = [o for t, o in outcomes if t.startswith("e) the Civic")]
    assert spaces == ["Passed (4 to 0)", "Failed (1 to 3)"]


def test_a_motion_introducing_its_wording_is_shown_with_it_whole_where_it_is_quoted(tmp_path, encoder):
    """A browser pass on London Ontario: "Moved by S. Trosow Seconded by E. Peloza That part b) be
    approved to read as follows:" gave its vote the motion "That part b) be approved to read as
    follows" and nothing of what b) was to read; and a motion kept as evidence was cut to its
    first 240 characters ("...") in the spreadsheet. A result shows the motion's opening; the
    JSON, the evidence list and the exports keep it whole."""
    import csv
    import io

    from minsearch.app.web import create_app
    from minsearch.indexer import index_paths

    wording = (
        "b) the Civic Administration BE DIRECTED to report back on options for winter shelter spaces, "
        "including warming centres in each ward, the costs of keeping them open overnight from December "
        "to March, the staff needed to run them, and the partners who could operate them, with a "
        "recommendation on funding from the Housing Stability reserve; it being noted that the "
        "committee received a communication from the Middlesex-London Health Unit on cold weather."
    )
    text = (
        "3. Winter Response\n\nMoved by S. Trosow Seconded by E. Peloza That part b) be approved to read as "
        f"follows:\n{wording}\nYeas: S. Trosow, E. Peloza, A. Hopkins\nNays: P. Cuddy\nMotion Passed (3 to 1)\n"
    )
    src = tmp_path / "council.jsonl"
    meeting = {"id": "sppc-2025-07-17", "date": "2025-07-17", "council": "Testshire", "committee": "SPPC"}
    src.write_text(json.dumps({**meeting, "text": text}) + "\n", encoding="utf-8")
    home = tmp_path / "ix"
    index_paths([src], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    whole = f"That part b) be approved to read as follows: {wording}"
    js = CliRunner().invoke(main, ["query", "how did P. Cuddy vote", "--json", "--index", str(home)])
    vote = next(h for h in json.loads(js.output)["hits"] if h["text"].startswith("Yeas:"))
    assert vote["motion"] == whole
    out = CliRunner().invoke(main, ["query", "how did P. Cuddy vote", "--index", str(home)]).output
    assert "the vote on: That part b) be approved to read as follows: b) the Civic Administration" in out
    assert wording[-40:] not in out and " …" in out  # the opening only
    exported = CliRunner().invoke(main, ["query", "how did P. Cuddy vote", "--format", "csv", "--index", str(home)])
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert [r["vote_on"] for r in rows if r["quote"].startswith("Yeas:")] == [whole]
    s = Searcher(load_settings(index_dir=home))
    try:
        client = create_app(searcher=s).test_client()
        page = client.get("/?q=how+did+P.+Cuddy+vote").get_data(as_text=True)
        assert "The vote on:</span> That part b) be approved" in page and wording[-40:] not in page
        chunk = next(
            h.chunk.chunk_id for h in s.search(Query("how did P. Cuddy vote")).hits if h.chunk.text.startswith("Yeas:")
        )
        client.post("/evidence/pin", data={"chunk": chunk, "q": "how did P. Cuddy vote"})
        assert wording[-40:] in client.get("/evidence").get_data(as_text=True)
    finally:
        s.close()


def test_a_vote_found_alone_says_what_it_decided(searcher, home, client):
    """Asked how a member voted, the page listed "Yeas: ... Nays: D. White Motion Passed (3 to 1)"
    and nothing said on what: each vote now shows the motion the minutes print just before it."""
    motion = "That, on the recommendation of the Director, Children's Services, the placement sufficiency action plan BE APPROVED."
    r = searcher.search(Query("how did D. White vote", mode="keyword"))
    vote = next(h for h in r.hits if h.chunk.text.startswith("Yeas:"))
    assert vote.motion == motion
    assert all(h.motion is None for h in r.hits if not h.chunk.text.startswith("Yeas:"))
    out = CliRunner().invoke(main, ["query", "how did D. White vote", "--mode", "keyword", "--index", str(home)])
    assert f"the vote on: {motion}" in out.output, out.output
    js = CliRunner().invoke(main, ["query", "how did D. White vote", "--json", "--index", str(home)])
    assert motion in [h["motion"] for h in json.loads(js.output)["hits"]]
    html = client.get("/?q=how+did+D.+White+vote&mode=keyword").get_data(as_text=True)
    assert "The vote on:" in html and "placement sufficiency action plan BE APPROVED." in html
    # ... and taken away as evidence, it still says on what
    import csv
    import io

    exported = CliRunner().invoke(
        main, ["query", "how did D. White vote", "--mode", "keyword", "--format", "csv", "--index", str(home)]
    )
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert [r["vote_on"] for r in rows if r["quote"].startswith("Yeas:")] == [motion]
    md = CliRunner().invoke(
        main, ["query", "how did D. White vote", "--mode", "keyword", "--format", "md", "--index", str(home)]
    )
    assert "The vote on: That, on the recommendation" in md.output


def test_a_pinned_vote_or_movers_line_says_its_motion_in_the_evidence_list_and_its_downloads(searcher, home, client):
    """A vote pinned to the evidence list ("Yeas: ... Motion Passed (3 to 1)") and a line of movers
    ("Moved by C. Brown") said nothing of which motion they were about, on the list page and in
    its downloads; a search's export of a line of movers did not either."""
    import csv
    import io

    vote, movers = "council-2022-06-20#p3", "council-2022-06-20#p4"
    assert searcher.chunk(vote).text.startswith("Yeas:") and searcher.chunk(movers).text.startswith("Moved by C. Brown")
    for chunk in (vote, movers, "gone#p1"):
        client.post("/evidence/pin", data={"chunk": chunk, "q": "placement sufficiency"})
    html = client.get("/evidence").get_data(as_text=True)
    assert "The vote on:</span> That, on the recommendation of the Director" in html
    assert "The motion:</span> That the parks report BE RECEIVED." in html
    rows = list(csv.DictReader(io.StringIO(client.get("/evidence/download?format=csv").get_data(as_text=True))))
    by_id = {r["chunk_id"]: r for r in rows}
    assert by_id[vote]["vote_on"].startswith("That, on the recommendation") and by_id[vote]["moves"] == ""
    assert by_id[movers]["moves"] == "That the parks report BE RECEIVED." and by_id[movers]["vote_on"] == ""
    md = client.get("/evidence/download?format=md").get_data(as_text=True)
    assert "The motion: That the parks report BE RECEIVED." in md
    exported = CliRunner().invoke(
        main, ["query", "Moved by C. Brown", "--mode", "keyword", "--format", "json", "--index", str(home)]
    )
    entries = json.loads(exported.output)["entries"]
    assert "That the parks report BE RECEIVED." in [e["moves"] for e in entries]


def test_a_vote_on_one_part_of_a_report_says_which_part():
    """London Ontario's council votes a report part by part, each vote after the report's lead-in
    and the one part it decides: both votes read "That the following actions be taken with respect
    to the Review of Winter Maintenance Performance ...:", and a member voted for one and against
    the other. A vote on the whole list keeps the lead-in alone."""
    from minsearch.searching.votes import motion_of

    lead = "That the following actions be taken with respect to the Review of Winter Maintenance Performance:"
    doc = _minutes(
        [
            ("procedure", "Motion made by C. Rahman Seconded by S. Stevenson"),
            ("substance", lead),
            ("substance", "a) the Civic Administration BE DIRECTED to report back on snow clearing;"),
            ("procedure", "Yeas: A. Hopkins, S. Hillier Motion Passed (2 to 0)"),
            ("procedure", "Motion made by C. Rahman Seconded by S. Stevenson"),
            ("substance", lead),
            ("substance", "b) the City's winter maintenance performance BE RECEIVED, including:"),
            ("substance", "i) a performance assessment of contracted service providers;"),
            ("procedure", "Yeas: A. Hopkins Nays: S. Hillier Motion Passed (1 to 1)"),
            ("procedure", "Motion made by C. Rahman Seconded by S. Stevenson"),
            ("substance", lead),
            ("substance", "a) the Civic Administration BE DIRECTED to report back on snow clearing;"),
            ("substance", "b) the City's winter maintenance performance BE RECEIVED;"),
            ("procedure", "Yeas: A. Hopkins, S. Hillier Motion Passed (2 to 0)"),
        ]
    )
    assert motion_of(doc, 3) == f"{lead} a) the Civic Administration BE DIRECTED to report back on snow clearing;"
    assert motion_of(doc, 8) == f"{lead} b) the City's winter maintenance performance BE RECEIVED, including:"
    assert motion_of(doc, 13) == lead


def test_a_vote_that_prints_its_motion_or_follows_another_vote_gets_none():
    from minsearch.model import Chunk
    from minsearch.searching.votes import motion_of

    texts = [
        ("substance", "That the parks report BE RECEIVED."),
        ("procedure", "Yeas: A. Smith, B. Jones Motion Passed (2 to 0)"),
        ("procedure", "Yeas: A. Smith Nays: B. Jones Motion Failed (1 to 1)"),
        ("procedure", "Moved by A. Smith Motion to adjourn. Yeas: A. Smith, B. Jones Motion Passed (2 to 0)"),
    ]
    doc = [Chunk(f"d#p{n}", "d", "d.txt", "Parks", "minutes", n, 0, 1, t, kind=k) for n, (k, t) in enumerate(texts, 1)]
    assert motion_of(doc, 1) == "That the parks report BE RECEIVED."
    assert motion_of(doc, 2) is None  # another vote's result stands between: the minutes do not say
    assert motion_of(doc, 3) is None  # it prints its own motion


def test_each_line_of_a_vote_or_its_movers_reads_the_whole_motion_it_belongs_to():
    """Which of an item's motions a vote or mover question asks about is told by the motion's
    words: London prints "Moved by" and "Seconded by" before the motion and one tally after it;
    Kent prints a vote as three lines ("For (15) ...", "Against (35) ...", "Abstain (1) Motion
    lost.") after "Mr X proposed and Mr Y seconded the following amendment:"; Limerick reports
    its movers after the motion ("The Motion was proposed by Councillor Gavan ...")."""
    from minsearch.searching.votes import motion_words

    london = _minutes(
        [
            ("procedure", "Moved by S. Trosow"),
            ("procedure", "Seconded by A. Hopkins"),
            ("substance", "That part b) the current board BE DISSOLVED;"),
            ("procedure", "Yeas: S. Trosow Nays: A. Hopkins Motion Passed (1 to 1)"),
            ("procedure", "Moved by A. Hopkins"),
            ("procedure", "Seconded by S. Trosow"),
            ("substance", "That part d) appointments BE REFERRED to Council;"),
            ("procedure", "Yeas: S. Trosow, A. Hopkins Motion Passed (2 to 0)"),
        ]
    )
    for i in (0, 1, 3):
        assert "DISSOLVED" in motion_words(london, i) and "REFERRED" not in motion_words(london, i)
    for i in (4, 5, 7):
        assert "REFERRED" in motion_words(london, i) and "DISSOLVED" not in motion_words(london, i)

    kent = _minutes(
        [
            ("procedure", "Mr Hood proposed and Mr Lewis seconded the following amendment:"),
            ("substance", "Replace first past the post with proportional representation."),
            ("procedure", "For (15) Mr Hood, Mr Lewis"),
            ("procedure", "Against (35) Mr Baker, Mrs Bell"),
            ("procedure", "Abstain (1) Mr Mallon Motion lost."),
        ]
    )
    for i in (0, 2, 3, 4):
        assert "proportional representation" in motion_words(kent, i)

    limerick = _minutes(
        [
            ("substance", "I will move that this Council commit to using factual information."),
            ("procedure", "The Motion was proposed by Councillor Hickey and seconded by Councillor Ryan."),
            ("substance", "I will move that employers provide menstrual and menopausal care to staff."),
            ("procedure", "The Motion was proposed by Councillor Gavan and seconded by Councillor Ryan."),
        ]
    )
    assert "menstrual" in motion_words(limerick, 3) and "factual" not in motion_words(limerick, 3)
    assert "factual" in motion_words(limerick, 1) and "menstrual" not in motion_words(limerick, 1)


def test_a_vote_after_a_report_of_its_movers_is_the_vote_on_the_motion_before_them():
    """Limerick prints a notice of motion, then who moved it, then "agreed.": 156 of its votes were
    shown as the vote on "The Notice of Motion was proposed by Councillor Kiely, seconded by
    Councillor O'Sullivan and". A movers' line that says the motion is still the motion."""
    from minsearch.searching.votes import motion_of

    notice = "I will move at the next Meeting that we write to the CEO of An Post about the post office."
    doc = _minutes(
        [
            ("substance", notice),
            (
                "substance",
                "The Notice of Motion was proposed by Councillor Kiely, seconded by Councillor O'Sullivan and",
            ),
            ("procedure", "agreed."),
        ]
    )
    assert motion_of(doc, 2) == notice
    amend = "It was proposed by Councillor Collins to amend the motion to include Land Search and Rescue."
    doc = _minutes([("substance", notice), ("substance", amend), ("procedure", "agreed.")])
    assert motion_of(doc, 2) == amend


def test_a_movers_line_cut_off_where_its_motion_begins_shows_the_motion_after_it():
    """Kent's PDF breaks "1) Mr Hood proposed, and Mr Lewis seconded that" from the motion on the
    next line: 14 of its votes were shown as the vote on "1) , and that"."""
    from minsearch.searching.votes import motion_of

    texts = [
        ("procedure", "4) Following further debate, Mr Rayner proposed and Mr Meade seconded that"),
        ("substance", "the substantive motion (as amended) in paragraph 3 be put to the vote."),
        ("procedure", "For (33) Mr Brady, Mrs Bell"),
        ("procedure", "Against (2) Mr Baker, Mr Lehmann"),
        ("procedure", "Abstain (0) Motion carried."),
    ]
    assert motion_of(_minutes(texts), 4) == "the substantive motion (as amended) in paragraph 3 be put to the vote."
    # Broken inside what it says: the vote was on an amendment, not on "the substantive motion".
    texts = [
        ("procedure", "19) Mr Brady proposed and Ms Constantine seconded the following amendment"),
        ("substance", "to the substantive motion set out in paragraph 15:"),
        ("heading", "“County Council is asked to:"),
        ("substance", "(1) Endorse the ongoing joint work between KCC and Medway Council on devolution;"),
        ("substance", "(2) Comment that the Council does not support an elected mayor.”"),
        ("procedure", "For (17) Mr Baldock, Mr Brady"),
        ("procedure", "Against (43) Mr Baker, Mr Bartlett"),
        ("procedure", "Abstain (3) Mrs Hudson Amendment lost."),
    ]
    assert motion_of(_minutes(texts), 7) == (
        "following amendment to the substantive motion set out in paragraph 15: “County Council is asked to: "
        "(1) Endorse the ongoing joint work between KCC and Medway Council on devolution;"
    )


def test_a_vote_the_chair_put_by_its_paragraph_number_is_the_vote_on_that_paragraphs_motion():
    """Kent's minutes say "5) The Chairman put the substantive motion (as amended) as set out in
    paragraph 3 to the vote": the vote was shown as on those words, not on the motion of its
    paragraph 3. A motion that the substantive motion "be put to the vote" (to end the debate) is
    its own motion, and a part the chair quotes is shown as quoted."""
    from dataclasses import replace

    from minsearch.searching.votes import motion_of

    texts = [
        ("1", "procedure", "1) Mr Hood proposed, and Ms Hawkins seconded the motion that"),
        ("1", "substance", "This Council believes that action is needed on disposable vapes."),
        ("2", "procedure", "2) Mr Watkins proposed and Mr Brazier seconded the following amendment:"),
        ("", "heading", "This Council believes that:"),
        ("", "substance", "a) Urgent action is required to close the loopholes on disposable vapes."),
        (
            "3",
            "substance",
            "3) The proposer and seconder agreed to the amendment, which became the substantive motion:",
        ),
        ("", "heading", "This Council believes that:"),
        ("", "substance", "a) Urgent action is required to close the loopholes on disposable vapes."),
        ("4", "procedure", "4) Following further debate, Mr Rayner proposed and Mr Meade seconded that"),
        # (the chair's announcements are procedure: they only point to the motion)
        ("4", "procedure", "the substantive motion (as amended) in paragraph 3 be put to the vote."),
        ("", "procedure", "For (33) Mr Brady, Mrs Bell"),
        ("", "procedure", "Against (2) Mr Baker, Mr Lehmann"),
        ("", "procedure", "Abstain (0) Motion carried."),
        (
            "5",
            "procedure",
            "5) The Chairman put the substantive motion (as amended) as set out in paragraph 3 to the vote.",
        ),
        ("", "procedure", "For (34) Mr Baker, Mr Brady"),
        ("", "procedure", "Against (0)"),
        ("", "procedure", "Abstain (0) Substantive motion carried."),
        (
            "6",
            "procedure",
            "6) Following the debate the Chairman put the amendment set out in paragraph 2 to the vote:",
        ),
        ("", "procedure", "Against (11) Mr Gough"),
        ("", "procedure", "Abstain (0) Amendment carried."),
        (
            "7",
            "substance",
            "7) The Chairman put part a) of the motion at paragraph 2 – “Urgent action is required” to the vote:",
        ),
        ("", "procedure", "Against (2) Mr Hook"),
        ("", "procedure", "Abstain (0) Motion carried."),
    ]
    doc = [replace(c, para_ref=ref) for c, (ref, _k, _t) in zip(_minutes([(k, t) for _r, k, t in texts]), texts)]
    assert motion_of(doc, 12) == "the substantive motion (as amended) in paragraph 3 be put to the vote."
    assert motion_of(doc, 16) == (
        "3) The proposer and seconder agreed to the amendment, which became the substantive motion: "
        "This Council believes that: a) Urgent action is required to close the loopholes on disposable vapes."
    )
    assert motion_of(doc, 19) == (
        "This Council believes that: a) Urgent action is required to close the loopholes on disposable vapes."
    )
    assert motion_of(doc, 22).startswith("7) The Chairman put part a) of the motion at paragraph 2 – “Urgent")


def test_every_line_of_a_vote_printed_in_three_says_what_it_decided():
    """Kent prints one vote as "For (15) ...", "Against (35) ..." and "Abstain (1) Mr Mallon Motion
    lost.": only the last said which motion it decided, so the "Against" line a question about who
    voted against finds said nothing. Each line of the vote now says it; a roll call whose result
    the minutes do not print says nothing; and what the movers leave of a line ("3) Mr Hood
    proposed, and Mr Lewis seconded, that ...") is not shown as "3) , and that"."""
    from minsearch.model import Hit
    from minsearch.searching.votes import add_motions

    texts = [
        (
            "procedure",
            "3) Mr Hood proposed, and Mr Lewis seconded, that the Council calls for proportional representation.",
        ),
        ("procedure", "For (15) Mr Hood, Mr Lewis"),
        ("procedure", "Against (35) Mr Baker, Mrs Bell"),
        ("procedure", "Abstain (1) Mr Mallon Motion lost."),
        ("substance", "4) That the report on devolution be noted."),
        ("procedure", "Yeas: Mr Baker, Mrs Bell"),
        ("procedure", "Nays: None."),
    ]
    doc = _minutes(texts)

    class Meeting:
        def document_chunks(self, doc_id: str) -> list[Chunk]:
            return doc

    hits = [Hit(n, 0.0, doc[n]) for n in (1, 2, 3, 5, 6)]
    add_motions(hits, Meeting())  # type: ignore[arg-type]
    said = "the Council calls for proportional representation"
    assert [h.motion for h in hits] == [said, said, said, None, None]
    # A result with no count is no line of a roll call, and still a vote with its motion.
    notice = "I will move at the next Meeting that we write to the CEO of An Post about the post office."
    doc = _minutes([("substance", notice), ("procedure", "agreed.")])
    hits = [Hit(1, 0.0, doc[1])]
    add_motions(hits, Meeting())  # type: ignore[arg-type]
    assert hits[0].motion == notice


def test_a_roll_call_without_its_result_says_what_the_chair_called_the_vote_on():
    """Limerick prints "The Mayor directed that a Vote be taken on the proposal ... to vary the
    Local Property Tax ..." then the roll call, and the result only in the words of a later
    paragraph: the roll call showed no motion. One called on "the Motion" alone names none."""
    from minsearch.model import Hit
    from minsearch.searching.votes import add_motions

    texts = [
        (
            "substance",
            "The Mayor directed that a Vote be taken on the proposal put forward by Cmhlr. Ó Ceallaigh and "
            "seconded by Councillor Browne to vary the Local Property Tax basic rate downwards by 15% for 2016 and "
            "the result of the voting was as follows:",
        ),
        ("procedure", "For Councillors Browne, Keller, Loftus, McCreesh."),
        ("procedure", "Against Councillors Butler, Byrne, Clifford."),
        ("substance", "Following some discussion, the Cathaoirleach directed that a vote be taken on the Motion."),
        ("procedure", "For Councillors Daly, Gilligan."),
    ]
    doc = _minutes(texts)

    class Meeting:
        def document_chunks(self, doc_id: str) -> list[Chunk]:
            return doc

    hits = [Hit(n, 0.0, doc[n]) for n in (1, 2, 4)]
    add_motions(hits, Meeting())  # type: ignore[arg-type]
    called = (
        "the proposal put forward by Cmhlr. Ó Ceallaigh and seconded by Councillor Browne to vary the Local "
        "Property Tax basic rate downwards by 15% for 2016"
    )
    assert [h.motion for h in hits] == [called, called, None]


def test_a_line_of_movers_shows_the_motion_it_puts():
    """ "Moved by S. Trosow" / "Seconded by A. Hopkins" said nothing of which of an item's motions
    they moved. London prints the motion after its movers; Limerick reports the movers after the
    motion and a member's speech on it; a line that says its motion needs none."""
    from minsearch.searching.votes import motion_moved

    london = _minutes(
        [
            ("procedure", "Moved by S. Trosow"),
            ("procedure", "Seconded by A. Hopkins"),
            ("substance", "That Saturday property inspections BE ARRANGED;"),
            ("procedure", "Yeas: S. Trosow Nays: A. Hopkins Motion Failed (1 to 1)"),
            ("procedure", "Motion made by A. Hopkins Seconded by S. Trosow That the report BE RECEIVED."),
        ]
    )
    assert motion_moved(london, 0) == motion_moved(london, 1) == "That Saturday property inspections BE ARRANGED;"
    assert motion_moved(london, 4) is None  # it says its motion
    limerick = _minutes(
        [
            (
                "substance",
                "I will move at the next Meeting that employers provide menstrual and menopausal care to staff.",
            ),
            (
                "substance",
                "In moving the Motion, Councillor Gavan looked for policies to be put in place by employers.",
            ),
            ("procedure", "The Motion was proposed by Councillor Gavan and seconded by Councillor O'Donovan."),
        ]
    )
    assert motion_moved(limerick, 2) == limerick[0].text
    # Limerick's usual shape: the movers, then the resolution they moved (printed as procedure),
    # after a member's statement against it (which was shown as "The motion:").
    resolved = (
        "And Resolved: “That, in accordance with Section 20 of the Finance (Local Property Tax) Act, the basic "
        "rate of Local Property Tax be varied upwards by fifteen per cent (15%) for the year 2022.”"
    )
    tax = _minutes(
        [
            ("substance", "Councillor Benson stated that there should be no variation of the Local Property Tax."),
            ("procedure", "Proposed by Councillor J. Sheahan; Seconded by Councillor M. Collins;"),
            ("procedure", resolved),
        ]
    )
    assert motion_moved(tax, 1) == resolved


def test_a_vote_on_a_motion_of_many_points_is_the_vote_on_the_motion():
    """The vote under the last point of a motion ("f) the resignations ... BE ACCEPTED") was shown
    as the vote on that point, not on the motion its movers put; a vote after "Additional Votes:
    Moved by ... Motion to open the public participation meeting." as the planning application's."""
    from minsearch.model import Chunk
    from minsearch.searching.votes import motion_of

    texts = [
        ("procedure", "Motion made by S. Lewis Seconded by P. Cuddy"),
        ("substance", "That with respect to the Transit Commission the following actions be taken:"),
        ("substance", "a) the current membership BE VACATED;"),
        ("substance", "f) the resignations from D. Little BE ACCEPTED;"),
        ("procedure", "Yeas: S. Lewis, P. Cuddy Nays: H. McAlister Motion Passed (2 to 1)"),
        ("substance", "the recommended amendment is consistent with the Provincial Planning Statement;"),
        (
            "procedure",
            "Additional Votes: Moved by P. Cuddy Seconded by S. Hillier Motion to open the public participation meeting.",
        ),
        ("procedure", "Yeas: S. Lewis, P. Cuddy, S. Hillier Motion Passed (3 to 0)"),
    ]
    doc = [
        Chunk(f"d#p{n}", "d", "d.txt", "Transit", "resolved", n, 0, 1, t, kind=k) for n, (k, t) in enumerate(texts, 1)
    ]
    assert motion_of(doc, 4) == "That with respect to the Transit Commission the following actions be taken:"
    assert motion_of(doc, 7) == "Motion to open the public participation meeting"
