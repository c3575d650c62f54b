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
