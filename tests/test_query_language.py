"""The query language (minsearch/store/query.py), which both stores answer: parsing, highlight
terms and the plain words of a query."""

from __future__ import annotations

import pytest
from helpers import minutes_searcher

from minsearch.store.query import (
    QuerySyntaxError,
    bm25_words,
    correctable_words,
    date_field,
    date_phrase,
    highlight_terms,
    parse,
    schema,
    semantic_text,
)


def test_parse_without_a_schema_reads_the_query_as_an_index_would():
    text = 'title:budget AND "dental checks" NOT fees'
    assert parse(text)[0] == parse(text, schema())[0]


def test_highlight_terms_are_the_words_and_phrases_not_the_labels():
    q, _ = parse('"dental checks" council:kirklees adoption')
    terms = highlight_terms(q)
    # a phrase is one term, marked where its words stand together
    assert ("exact", "dental checks") in terms and ("exact", "dental") not in terms
    assert ("text", "adopt") in terms  # stemmed, as the text field is
    assert not any(f == "council" for f, _t in terms)


def test_strict_parse_names_the_problem_and_lenient_parse_says_what_it_did():
    with pytest.raises(QuerySyntaxError, match="starts with a wildcard"):
        parse("*e* checks")
    q, notices = parse("*e* checks", strict=False)
    assert ("text", "check") in highlight_terms(q)
    assert notices and "plain words" in notices[0]


def test_plain_words_for_the_encoder_and_for_bm25():
    text = 'title:budget AND "dental checks" NOT fees'
    assert semantic_text(text) == "budget dental checks fees"
    # BM25 over plain words must not search for what the query excludes, nor for loose stopwords.
    assert bm25_words(text) == "budget dental checks"
    assert bm25_words("the of") == "the of"  # only stopwords: they are kept


def test_a_question_mark_ends_a_question_and_is_no_wildcard():
    # Officers ask questions: "checks?" was a wildcard (checks + one letter) and matched no "checks".
    assert parse("what about dental checks?")[0] == parse("what about dental checks")[0]
    assert parse("dental checks??")[0] == parse("dental checks")[0]
    assert parse('"dental checks?"')[0] == parse('"dental checks"')[0]
    # Typed apart or after a bracket it ends the question too (it was refused as a leading wildcard).
    assert parse("dental checks ?")[0] == parse("dental checks")[0]
    assert parse("what about (dental checks)?")[0] == parse("what about (dental checks)")[0]
    # Before a letter it is still Whoosh's one-letter wildcard.
    assert "wom?n" in str(parse("wom?n")[0])


def test_whooshs_own_failures_are_not_the_message():
    with pytest.raises(QuerySyntaxError, match="not search syntax minsearch can read") as e:
        parse("<script>alert(1)</script>")
    assert "index" not in str(e.value)
    q, notices = parse("<script>alert(1)</script>", strict=False)
    assert ("text", "alert") in highlight_terms(q) and "list index" not in notices[0]


def test_the_speller_leaves_function_words_and_question_marks_alone():
    text = "what did the panel say about dentl cheks?"
    spans = correctable_words(text)
    assert [w for _s, _e, w in spans] == ["panel", "dentl", "cheks"]  # "say" is never searched loose
    assert all(text[s:e].lower() == w for s, e, w in spans)
    # a code's letters are not a misspelt word ("CRR0056" was offered "Did you mean: CAR0056?")
    assert [w for _s, _e, w in correctable_words("CRR0056 risk reprot, 2025Q1")] == ["risk", "reprot"]


@pytest.mark.parametrize(
    ("text", "since", "until", "rest"),
    [
        (
            "what have we resolved about placement sufficiency since 2022",
            "2022-01-01",
            None,
            "what have we resolved about placement sufficiency",
        ),
        ("dental checks in March 2024", "2024-03-01", "2024-03-31", "dental checks"),
        ("housing between 2021 and 2023", "2021-01-01", "2023-12-31", "housing"),
        ("flooding before 2020", None, "2019-12-31", "flooding"),
        ("libraries after Sept 2023?", "2023-10-01", None, "libraries?"),
        ("fees until Feb 2024", None, "2024-02-29", "fees"),
        ("snow removal from March 2025 to June 2025", "2025-03-01", "2025-06-30", "snow removal"),
        ("from Jan 2025 through March 2025 snow", "2025-01-01", "2025-03-31", "snow"),
        ('"snow removal" since June 2025', "2025-06-01", None, '"snow removal"'),
        ("what did council decide in May 2025?", "2025-05-01", "2025-05-31", "what did council decide?"),
    ],
)
def test_dates_in_words(text, since, until, rest):
    found = date_phrase(text)
    assert found is not None and (found.since, found.until, found.rest) == (since, until, rest)


@pytest.mark.parametrize(
    "text",
    [
        "the 2022 budget",
        "in 2023",
        '"since 2022" housing',
        "date:>2024 x",
        "SS-2025-112",
        "since 2022-style",
        "in 2017 about taxes in 2018",
        "between 2024 and 2021 fees",
        "housing since 2025*",
        "budget NOT since 2022",
    ],
)
def test_not_dates_in_words(text):
    assert date_phrase(text) is None


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("dental date:[2020 to 2021]", "2020-01-01", "2021-12-31"),
        ("dental date:>2024-06", "2024-07-01", None),
        ("dental date:<=2024-06", None, "2024-06-30"),
        ("dental date:2024", "2024-01-01", "2024-12-31"),
    ],
)
def test_the_date_field_is_a_filter(text, since, until):
    found = date_field(text)
    assert found is not None and (found.since, found.until, found.rest) == (since, until, "dental")


@pytest.mark.parametrize(
    "text", ["date:[2020 to 2021]", "dental date:[foo to bar]", "dental date:2024-13", "dental NOT date:2024"]
)
def test_a_date_field_left_to_the_parser(text):
    assert date_field(text) is None


def test_dates_in_words_filter_an_index_of_dated_meetings_only():
    from minsearch.model import Query
    from minsearch.searching.validate import holds_dated_meetings, validate

    assert holds_dated_meetings(["2024-01-01", "2024-02-01", ""])
    # DBpedia's abstracts: 58 of 4,998 have a date ("held ... on 8 June 1990"), no meetings
    assert not holds_dated_meetings(["1990-06-08"] * 58 + [""] * 4940)
    assert not holds_dated_meetings([])
    words, notes = validate(Query("world cup winners since 1974"), dated=False)
    assert words.text == "world cup winners since 1974" and words.filters.since is None and not notes
    meetings, notes = validate(Query("world cup winners since 1974"), dated=True)
    assert meetings.text == "world cup winners" and meetings.filters.since == "1974-01-01" and notes


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("Resolution No. 18-17", "18 17"),
        ("SS-2025-112 report", "ss 2025 112"),
        ("minute 45/21", "45 21"),
        ("budget 2024/25", "2024 25"),
        ("Z-25026", "z 25026"),
        ("€4,253,795.11", "4 253 795.11"),  # found "€4,127,429" by its "4"
        ("$233,820.00 contract", "233 820"),  # zero cents: also "$233,820"
    ],
)
def test_a_hyphenated_or_slashed_code_is_searched_as_typed(text, phrase):
    """A reference code's parts must stand together: as an OR of "18" and "17", "Resolution No.
    18-17" found "January 18, 2017 Res. No. 33-17" first."""
    q, _ = parse(text)
    assert ("text", phrase) in highlight_terms(q)
    assert ("text", phrase.split()[-1]) not in highlight_terms(q)


@pytest.mark.parametrize(
    "text",
    [
        "well-being",
        "a/b testing",
        "title:SS-2025-112",
        "date:2024-01 budget",
        "SS-20* report",
        '"Res. No. 18-17"',
        "items 3,4,5",
        "in 2024, the council",
    ],
)
def test_words_fields_wildcards_and_quotes_are_not_codes(text):
    terms = highlight_terms(parse(text)[0])
    if text.startswith('"'):  # the user's own quote, as typed
        assert terms == {("exact", "res no 18 17")}
    else:
        assert not [t for _f, t in terms if " " in t], terms


# Words that look like syntax, or that the analysers treat specially: the parser decides them.
_TRICKY = [
    "dental checks",
    "  snow   removal  ",
    "AND",
    "dental AND checks",
    "dental and checks",
    "dental OR checks NOT fees",
    "Not the budget",
    "TO",
    "from 2021 TO 2023",
    "the of and",
    "the",
    "S106 CIL 2025",
    "ss 2025 112",
    "820 00",
    "café Ünïcödé straße",
    "İstanbul",
    "x² ½",
    "AED one using",
    "dental_checks",
    "dental-checks",
    "dental, checks",
    "title:budget",
    '"dental checks"',
    "dent*",
    "budget^2",
    "(snow)",
]


def _judged_queries() -> list[str]:
    import json
    from pathlib import Path

    judged = Path(__file__).resolve().parents[1] / "benchmarks" / "judged" / "minutes.jsonl"
    return [json.loads(line)["query"] for line in judged.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_plain_words_are_read_as_whooshs_parser_reads_them():
    """Plain words skip Whoosh's parser (2.7 ms a question); the tree must be the parser's own."""
    from minsearch.store.query import _parser, _plain_words

    sch = schema()
    texts = _TRICKY + _judged_queries()
    fast = 0
    for text in texts:
        mine = _plain_words(text, sch)
        if mine is None:
            continue
        fast += 1
        assert mine == _parser(sch).parse(text), text
    assert fast >= len(texts) // 2  # the common case takes the short way
    for syntax in ("dental AND checks", "title:budget", '"dental checks"', "dent*", "dental-checks", "TO"):
        assert _plain_words(syntax, sch) is None, syntax
    # and what a search does with it is unchanged: the same tree after the stopwords are dropped
    assert parse("the dental checks of children")[0] == parse("dental checks children")[0]


def test_a_query_naming_a_code_still_searches_the_glossary():
    """A code is found as a word is (text and title), not demanded as a quote is: "EHCP 2024/25"
    still searches "education, health and care plan"."""
    from minsearch.glossary import load_glossary
    from minsearch.store.query import plan_query, scored_fields

    glossary = load_glossary()
    for text, searched in (("EHCP 2024/25", True), ('EHCP "2024/25"', False)):
        plan = plan_query(parse(text)[0], scored_fields(), tuple(glossary.expand(text)))
        assert plan is not None and bool(plan.used) is searched, text


@pytest.mark.parametrize("text", ["Z-9815", '"Z-9815"'])
def test_a_code_in_an_item_title_is_not_every_vote_lines_own_words(tmp_path, encoder, text):
    """The vote and mover lines under "1378 Commissioners Road (Z-9815)" hold the code only
    through their item's title: they are not matches for it (procedure must match in its own
    words). A code searched in the field that holds the title took "Z-9815" to 0.08 nDCG@10."""
    from minsearch.model import Query

    minutes = (
        "Minutes of the Planning and Environment Committee\n\n"
        "1. 1378 Commissioners Road West (Z-9815)\n\n"
        "That the application of Sifton Properties relating to 1378 Commissioners Road West BE APPROVED.\n\n"
        "Moved by S. Hillier Seconded by E. Peloza\n\n"
        "Motion Passed (5 to 0)\n\n"
        "2. Other Business\n\n"
        "The report on file Z-9815 was received for information by the committee.\n"
    )
    with minutes_searcher(tmp_path, encoder, {"a.txt": minutes}) as s:
        r = s.search(Query(text))
        kinds = [h.chunk.kind for h in r.hits]
        assert r.total == len(r.hits) and "procedure" not in kinds, [(h.chunk.kind, h.chunk.text) for h in r.hits]
        assert {h.chunk.text[:20] for h in r.hits} >= {"That the application", "The report on file Z"}
