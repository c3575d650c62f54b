"""The glossary: which groups a query names, and what else is searched for it."""

from __future__ import annotations

import pytest

from minsearch.glossary import Glossary, load_glossary, with_meanings
from minsearch.model import MinsearchError


def labels(text: str, glossary: Glossary | None = None) -> list[str]:
    return [e.matched for e in (glossary or load_glossary()).expand(text)]


def test_an_acronym_and_its_words_name_each_other():
    g = load_glossary()
    (ehcp,) = g.expand("EHCP reviews")
    assert "education health and care plan" in ehcp.alternates
    (words,) = g.expand("education health and care plans for children")
    assert words.matched == "education health and care plans" and "EHCP" in words.alternates


def test_uasc_names_the_wordings_minutes_use_for_those_children():
    """Kent's minutes say "unaccompanied young people" and "Unaccompanied Asylum-Seeking Young
    People" as often as "UASC": a search for UASC missed them (a new user's pass)."""
    (uasc,) = load_glossary().expand("UASC placements")
    assert {"unaccompanied young people", "unaccompanied asylum-seeking young people", "unaccompanied minors"} <= set(
        uasc.alternates
    )
    (words,) = load_glossary().expand("unaccompanied young people in Kent")
    assert "UASC" in words.alternates


def test_acronyms_that_are_words_count_only_in_capitals():
    assert labels("SEND pupils") == ["SEND"]
    assert labels("send the report to the panel") == []
    assert labels("PEPs for children in care")[:1] == ["PEPs"]


@pytest.mark.parametrize(
    "text",
    ["what is a active margin", "a", "hydrogen is a liquid below what temperature", "can a criterion be developed"],
)
def test_a_function_word_names_no_group(text):
    # "AED" stems to "a" with Porter: every query with "a" once searched for defibrillators.
    assert labels(text) == []


def test_what_the_query_already_says_is_not_also_searched():
    """ "illegal dumping of rubbish" listed "also searched: ... dumping of rubbish", and "NTE
    advisor and night-time economy plan" read "night-time economy" twice for meaning."""
    (dumping,) = load_glossary().expand("illegal dumping of rubbish")
    assert "fly-tipping" in dumping.alternates and "dumping of rubbish" not in dumping.alternates
    assert "dumping of rubbish" not in dumping.label()
    (lac,) = load_glossary().expand("looked after children LAC")
    assert "LAC" not in lac.alternates and "CLA" in lac.alternates


def test_a_shared_stem_is_not_the_same_word():
    """The stemmer makes "travel" and "travellers" one stem, "pension" and "pensioners",
    "interpretation" and "interpreters": "which council members voted against the resolution
    condemning the travel ban" was also searched as "traveller community, gypsy and traveller",
    and a CISI question on the interpretation of data as translation services."""
    g = load_glossary()
    assert labels("travel ban") == []
    assert labels("interpretation of citation data") == []
    assert labels("Traveller sites")[:1] == ["Traveller sites"]
    # One group's "pensioners" and another's "pensions" are not one wording either: "Senior" was
    # also searched as "pension fund, pensions, local government pension scheme".
    (senior,) = g.expand("pensioners")
    assert "older people" in senior.alternates and "superannuation" not in senior.alternates
    (fund,) = g.expand("pension fund deficit")
    assert "superannuation" in fund.alternates and "older people" not in fund.alternates


def test_the_semantic_view_reads_what_an_acronym_stands_for():
    exp = load_glossary().expand("LAC placements")
    assert with_meanings("LAC placements", exp).startswith("LAC placements (looked after children")
    assert with_meanings("budget", []) == "budget"


def test_an_index_home_glossary_extends_the_shipped_one(tmp_path):
    (tmp_path / "glossary.tsv").write_text("# ours\nHWB\thealth and wellbeing board\n", encoding="utf-8")
    g = load_glossary(tmp_path)
    assert labels("HWB minutes", g) == ["HWB"] and labels("EHCP", g) == ["EHCP"]


def test_a_bad_glossary_line_is_one_error_naming_the_file_and_line(tmp_path):
    (tmp_path / "glossary.tsv").write_text("just one column\n", encoding="utf-8")
    with pytest.raises(MinsearchError) as e:
        load_glossary(tmp_path)
    msg = str(e.value)
    assert "glossary.tsv" in msg and "line 1" in msg and "\n" not in msg


def test_the_shipped_vocabulary_is_well_formed():
    """Every everyday group has at least two wordings, none is an acronym, and no wording is in
    two groups (it would join two topics into one family)."""
    from importlib import resources

    text = resources.files("minsearch").joinpath("data", "vocabulary.tsv").read_text(encoding="utf-8")
    seen: dict[str, int] = {}
    groups = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        acronyms, wordings = line.split("\t")
        terms = wordings.split("|")
        assert acronyms == "" and len(terms) >= 2 and all(t.strip() == t and t for t in terms), lineno
        for t in terms:
            assert t not in seen, f"line {lineno}: {t!r} is also on line {seen[t]}"
            seen[t] = lineno
        groups += 1
    assert groups >= 300


def test_everyday_wordings_name_each_other_and_acronyms_stay_acronyms():
    g = load_glossary()
    (dumping,) = g.expand("illegal dumping on country lanes")
    assert dumping.everyday and "fly-tipping" in dumping.alternates
    assert "illegal dumping" in g.expand("fly-tipping hotspots")[0].alternates
    (ehcp,) = g.expand("EHCP reviews")
    assert not ehcp.everyday


def test_how_much_of_a_query_its_everyday_wordings_stand_for():
    """Fusion leans on the keyword view for a query said mostly in everyday wordings the minutes
    name otherwise (Settings.everyday_lean); words the glossary does not know count against it,
    function words do not, and the model's guesses (nearby words) stand for nothing."""
    from dataclasses import replace

    from minsearch.searching.vocabulary import everyday_share

    g = load_glossary()
    assert everyday_share("county lines", g.expand("county lines")) == 1.0
    assert everyday_share("illegal dumping of rubbish", g.expand("illegal dumping of rubbish")) == pytest.approx(2 / 3)
    scams = "phone and email scams targeting the public"
    assert everyday_share(scams, g.expand(scams)) == pytest.approx(1 / 5)
    assert everyday_share("EHCP reviews", g.expand("EHCP reviews")) == 0.0  # an acronym leans anyway
    assert everyday_share("county lines", []) == 0.0  # not searched: the minutes say it
    guessed = [replace(e, guessed=True) for e in g.expand("county lines")]
    assert everyday_share("county lines", guessed) == 0.0
    assert everyday_share("the of and", g.expand("the of and")) == 0.0


def test_an_everyday_wording_is_searched_only_where_the_minutes_lack_it(tmp_path, encoder):
    """ "illegal dumping" finds the paragraphs about fly-tipping in minutes that never say it;
    where the minutes use the query's own words, the search is not widened."""
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths
    from minsearch.model import Query
    from minsearch.search import Searcher
    from minsearch.searching.vocabulary import SCARCE

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "Item 1\n\nEnvironment\n\nFly-tipping on rural lanes rose by a tenth; the enforcement team issued "
        "fixed penalty notices.\n\nItem 2\n\nLighting\n\n"
        + "\n\n".join(f"The street lights on road {n} were replaced with LED lanterns." for n in range(SCARCE))
        + "\n\nItem 3\n\nParks\n\nThe lamp posts of the park paths were painted.\n"
    )
    home = tmp_path / "ix"
    index_paths([docs], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    s = Searcher(load_settings(index_dir=home))
    try:
        r = s.search(Query("illegal dumping", mode="keyword"))
        assert r.hits and "Fly-tipping" in r.hits[0].chunk.text
        assert any("fly-tipping" in e for e in r.expansions)
        # A description (more than 20 words) brings its own vocabulary: it is searched as written.
        long = "what has the council said about illegal dumping " + " ".join(f"point{n}" for n in range(20))
        assert s.search(Query(long, mode="keyword")).expansions == []
        r = s.search(Query("street lights", mode="keyword"))
        assert r.expansions == [] and not any("park paths" in h.chunk.text for h in r.hits)
    finally:
        s.close()


def test_what_an_acronym_stands_for_is_marked_as_a_phrase(tmp_path, encoder):
    """ "EHCP" marks "education, health and care plan" where it stands whole, not every "education",
    "health" or "plan" of the paragraph (a random fragment to the reader)."""
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths
    from minsearch.model import Query
    from minsearch.search import Searcher

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "Item 1\n\nSchools\n\nThe education team met the health board about the plan for care homes. "
        "An education, health and care plan was agreed for each child.\n"
    )
    home = tmp_path / "ix"
    index_paths([docs], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    s = Searcher(load_settings(index_dir=home))
    try:
        for mode in ("keyword", "hybrid"):
            r = s.search(Query("EHCP", mode=mode))
            assert r.hits, mode
            assert [t for t, m in r.hits[0].snippet if m] == ["education, health and care plan"], mode
    finally:
        s.close()
