"""Structured errors: a parameter and a status, each front end spelling the parameter its own way."""

from __future__ import annotations

import pytest

from minsearch.model import Filters, IndexUnavailable, MinsearchError, Query
from minsearch.searching.validate import (
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    validate,
    whole_number,
)


def test_an_error_names_its_parameter_as_each_front_end_does():
    e = MinsearchError("'x' is not a date (use YYYY-MM-DD)", param="since")
    assert str(e) == "since: 'x' is not a date (use YYYY-MM-DD)" and e.status == 400
    assert e.render(lambda p: f"--{p}") == "--since: 'x' is not a date (use YYYY-MM-DD)"
    assert "--" not in e.message and "since" not in e.message


def test_parameters_inside_a_sentence_and_braces_in_values():
    e = MinsearchError("{since} 2021 is after {until} 2020 near {x}", param="since", mentions=("until",))
    assert str(e) == "since 2021 is after until 2020 near {x}"
    assert e.render(lambda p: f"--{p}") == "--since 2021 is after --until 2020 near {x}"


def test_plain_string_errors_and_statuses():
    assert str(MinsearchError("docs.json: damaged")) == "docs.json: damaged"
    assert MinsearchError("gone", status=404).status == 404
    assert IndexUnavailable("x: missing").status == 503 and isinstance(IndexUnavailable("x"), MinsearchError)


@pytest.mark.parametrize(
    "q, param, fragment",
    [
        (Query(""), "query", "query: empty"),
        (Query("x", mode="fuzzy"), "mode", "mode: 'fuzzy' is not one of hybrid, keyword, semantic"),
        (Query("x", sort="colour"), "sort", "sort: 'colour' is not one of"),
        (Query("x", fusion="mean"), "fusion", "fusion: 'mean' is not one of"),
        (Query("x", limit=MAX_LIMIT + 1), "limit", f"limit: must be between 1 and {MAX_LIMIT}, not {MAX_LIMIT + 1}"),
        (Query("x", limit=0), "limit", "limit: must be between 1 and"),
        (Query("x", offset=-1), "offset", "offset: must not be negative"),
        (Query("x", filters=Filters(until="yesterday")), "until", "until: 'yesterday' is not a date"),
        (
            Query("x", filters=Filters(since="2021-01-01", until="2020-01-01")),
            "since",
            "since 2021-01-01 is after until 2020-01-01",
        ),
    ],
)
def test_validation_errors_carry_their_parameter(q, param, fragment):
    with pytest.raises(MinsearchError) as e:
        validate(q)
    assert e.value.param == param and e.value.status == 400 and str(e.value).startswith(fragment)
    assert "--" not in str(e.value)


def test_validation_normalises():
    q, notices = validate(Query("  dental \n checks ", filters=Filters(council=" Kent ", since="2021-03-04")))
    assert q.text == "dental checks" and q.filters.council == "Kent" and q.filters.since == "2021-03-04"
    assert notices == []
    q, notices = validate(Query("word " * 200))
    assert len(q.text) <= MAX_QUERY_CHARS and notices and "cut" in notices[0]


def test_whole_number():
    assert whole_number(None, "limit", 10) == 10 and whole_number(" 7 ", "limit", 10) == 7
    with pytest.raises(MinsearchError, match="^limit: 'abc' is not a whole number$"):
        whole_number("abc", "limit", 10)


def test_the_searcher_reports_what_is_not_in_the_index_as_404(searcher):
    for call in (
        lambda: searcher.document("nope"),
        lambda: searcher.chunk("nope#p1"),
        lambda: searcher.more_like_this("nope#p1"),
    ):
        with pytest.raises(MinsearchError, match="there is no (document|paragraph) 'nope") as e:
            call()
        assert e.value.status == 404


def test_the_cli_spells_the_parameter_as_its_option(seeds_index):
    from click.testing import CliRunner

    from minsearch.app.cli import main

    r = CliRunner().invoke(
        main, ["query", "x", "--since", "2021-01-01", "--until", "2020-01-01", "--index", str(seeds_index)]
    )
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.output.strip() == "minsearch: error: --since 2021-01-01 is after --until 2020-01-01"
    r = CliRunner().invoke(
        main, ["query", "--queries-file", "-", "--since", "bad", "--index", str(seeds_index)], input="dental\n"
    )
    assert "--since: 'bad' is not a date" in r.output


def test_an_unknown_fusion_in_the_environment_is_an_error_not_a_silent_fallback(seeds_index, monkeypatch):
    """``MINSEARCH_FUSION=foo`` used to rank by weighted fusion without a word; it is now one line
    naming the setting, and ``--fusion`` given on the command line still wins over it."""
    from click.testing import CliRunner

    from minsearch.app.cli import main

    monkeypatch.setenv("MINSEARCH_FUSION", "foo")
    r = CliRunner().invoke(main, ["query", "dental checks", "--index", str(seeds_index)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.output.strip() == "minsearch: error: MINSEARCH_FUSION: 'foo' is not one of rrf, weighted"
    # The server does not start with it (the page and the API have no fusion to correct) ...
    r = CliRunner().invoke(main, ["serve", "--index", str(seeds_index), "--port", "0"])
    assert (
        r.exit_code == 1 and r.output.strip() == "minsearch: error: MINSEARCH_FUSION: 'foo' is not one of rrf, weighted"
    )
    # ... and an app made with it says so as the server's fault, not the request's.
    from minsearch.app.web import create_app
    from minsearch.config import load_settings

    client = create_app(load_settings(index_dir=seeds_index)).test_client()
    resp = client.get("/api/search?q=dental")
    assert resp.status_code == 500 and "MINSEARCH_FUSION" in resp.get_data(as_text=True)
    r = CliRunner().invoke(main, ["query", "dental checks", "--fusion", "rrf", "--index", str(seeds_index)])
    assert r.exit_code == 0 and "matching paragraph" in r.output
    monkeypatch.setenv("MINSEARCH_FUSION", " rrf ")  # stray spaces from a shell export are not a new method
    r = CliRunner().invoke(main, ["query", "dental checks", "--index", str(seeds_index)])
    assert r.exit_code == 0 and "matching paragraph" in r.output
    monkeypatch.setenv("MINSEARCH_FUSION", "")  # set but empty: the default, as MINSEARCH_INDEX= is
    r = CliRunner().invoke(main, ["query", "dental checks", "--index", str(seeds_index)])
    assert r.exit_code == 0 and "matching paragraph" in r.output
