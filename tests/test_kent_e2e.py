"""End to end on real minutes: the whole Kent County Council sample from the shared data."""

from __future__ import annotations

import pytest

from minsearch.config import load_settings
from minsearch.indexer import index_paths
from minsearch.model import Filters, Query
from minsearch.search import Searcher

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kent(tmp_path_factory, real_encoder):
    folder = load_settings().data_dir / "kent-cc-minutes-sample"
    if not folder.is_dir():
        pytest.skip(f"shared data not found at {folder} (set MINSEARCH_DATA)")
    home = tmp_path_factory.mktemp("kent-ix")
    minutes = sorted(folder.glob("*.txt"))  # the folder also holds SOURCE.md and index.jsonl
    summary = index_paths(minutes, load_settings(index_dir=home, model=real_encoder.name), encoder=real_encoder)
    assert summary.documents == 8 and not summary.skipped, summary.skipped
    s = Searcher(load_settings(index_dir=home))
    yield s
    s.close()


def test_an_agenda_item_is_found_with_its_meeting(kent):
    r = kent.search(Query("provisional local government finance settlement", limit=5))
    top = r.hits[0].chunk
    assert "Finance Settlement" in top.title
    assert top.doc_id == "cabinet_2025-01-09" and top.date == "2025-01-09" and top.committee == "Cabinet"


def test_resolutions_are_found_and_marked(kent):
    r = kent.search(Query('"RESOLVED that Cabinet note the provisional settlement"', mode="keyword"))
    assert r.hits and r.hits[0].chunk.section == "resolved"


def test_paraphrase_finds_key_performance_indicators(kent):
    r = kent.search(Query("how many targets were missed last quarter", mode="hybrid", limit=10))
    assert any("Quarterly Performance Report" in h.chunk.title for h in r.hits[:5])


def test_committee_and_date_filters_on_real_minutes(kent):
    r = kent.search(
        Query("children in care", limit=20, filters=Filters(committee="Corporate Parenting Panel", since="2024-12-01"))
    )
    assert r.hits and {h.chunk.doc_id for h in r.hits} == {"corporate-parenting-panel_2024-12-10"}


def test_decisions_timeline_on_real_minutes(kent):
    t = kent.decisions(Query("devolution"))
    dates = [m.date for m in t.meetings]
    assert len(dates) >= 2 and dates == sorted(dates)
    decisions = [d for m in t.meetings for d in m.decisions]
    assert all(d.hit.chunk.section == "resolved" for d in decisions)
    council = [d for m in t.meetings if m.doc_id == "county-council_2025-01-09" for d in m.decisions]
    assert any(d.lead == "26) RESOLVED that the County Council:" for d in council)
    # The budget itself, "(27) RESOLVED that:" with the minute's number in brackets (it was missing).
    budget = kent.decisions(Query("budget"))
    setting = [
        d.hit.chunk.text for m in budget.meetings if m.doc_id == "county-council_2025-02-13" for d in m.decisions
    ]
    assert "(c) The net revenue budget requirement of £1,530.9m for 2025-26." in setting

    farming = kent.decisions(Query("inheritance tax relief for farmers"))
    assert farming.meetings and farming.meetings[0].doc_id == "county-council_2024-12-19"
    # The minutes: "For (35) ... Against (0) ... Abstain (9) ... Motion carried." before "8) RESOLVED
    # that the County Council resolves:"; "agreed unanimously" is the next paragraph's (extending the
    # meeting past 4.30pm), once shown as this motion's outcome.
    assert {d.outcome for d in farming.meetings[0].decisions} == {"Carried (35 to 0)"}
    devolution = [d.outcome for d in council if d.hit.chunk.text.startswith("(1) Endorses")]
    assert devolution == ["Carried (39 to 19)"]

    strategy = kent.decisions(Query("placement sufficiency", filters=Filters(since="2024-01-01")))
    texts = [d.hit.chunk.text for m in strategy.meetings for d in m.decisions]
    assert "4. RESOLVED to endorse the Sufficiency Strategy 2022-2027." in texts


def test_officers_in_attendance_are_not_an_answer(kent):
    # Kent's Corporate Parenting Panel lists its officers with their roles in brackets; the list
    # is procedure, not an answer to a question about school attendance.
    r = kent.search(Query("school attendance of children in care", mode="hybrid", limit=10))
    assert r.hits
    assert not any(h.chunk.text.startswith("IN ATTENDANCE") for h in r.hits)
    listed = kent.search(Query('"IN ATTENDANCE" Kasaven', mode="keyword", limit=5))
    assert listed.hits and listed.hits[0].chunk.kind == "procedure"


def test_an_acronym_names_its_own_thing_first(kent):
    # "KYCC" is the Kent Youth County Council (defined in the minutes): its elections come before
    # the general election's turnout, which holds the query's other words.
    r = kent.search(Query("KYCC election turnout", limit=5))
    assert "KYCC" in r.hits[0].chunk.text
    assert any("Turnout" in h.chunk.text for h in r.hits[1:5])


def test_a_persons_name_lists_the_paragraphs_naming_them_first(kent):
    # "Tony Doran" (the Virtual School's head teacher): the paragraphs naming him come before the
    # other people's names meaning finds near his ("Sayer who was substituted by Roxanne Hills").
    r = kent.search(Query("Tony Doran", limit=10))
    naming = [("Tony Doran" in f"{h.chunk.title} {h.chunk.text}") for h in r.hits]
    assert sum(naming) >= 5
    assert naming == sorted(naming, reverse=True), [h.chunk.text[:60] for h in r.hits]


def test_an_everyday_wording_finds_the_minutes_own_first(kent):
    """ "illegal dumping of rubbish": Kent's minutes say "fly tipping". The keyword view finds it
    through the glossary, and fusion leans on that view as for an acronym, so the paragraph on
    fly-tipping is not buried under paragraphs on vapes close in meaning (it was fifth)."""
    r = kent.search(Query("illegal dumping of rubbish", limit=10))
    assert any("fly-tipping" in e for e in r.expansions)
    assert any("Fly tipping" in h.chunk.text for h in r.hits[:2]), [h.chunk.text[:60] for h in r.hits[:5]]


def test_the_panels_minutes_belong_to_kent_though_they_never_say_so(kent):
    """The Corporate Parenting Panel's minutes never name Kent; every other file of the folder
    does. A council filter used to hide the Panel's paragraphs (and their citations lacked the
    council): "Tony Doran" filtered to Kent found only other people's names."""
    assert set(kent.facets().councils) == {"Kent County Council"}
    r = kent.search(Query("Tony Doran", limit=5, filters=Filters(council="Kent County Council")))
    top = r.hits[0].chunk
    assert "Tony Doran" in top.text and top.committee == "Corporate Parenting Panel"
    assert top.council == "Kent County Council"


def test_how_a_member_voted_shows_the_vote_line_naming_him_first(kent):
    """Kent prints a vote's counts one under another and the names under the last ("Against (0)"
    / "Abstain (11)" / "Mr Chittenden, Mrs Dean MBE, ..."): the names were a paragraph of their
    own, which no question about the vote listed. They are one vote line with their count, and
    it comes first, before his votes on other items."""
    r = kent.search(Query("how did Mr Chittenden vote on the minerals and waste plan"))
    first = r.hits[0].chunk
    assert "Abstain (11)" in first.text and "Mr Chittenden" in first.text, [
        (h.chunk.title[:30], h.chunk.text[:40]) for h in r.hits[:4]
    ]
    assert "Minerals and Waste" in first.title
