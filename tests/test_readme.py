"""The README says what the code does: its layout, its commands, and every example's result."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from minsearch.app.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """The text of one ``## heading`` section, up to the next one."""
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert m, f"README has no section {heading!r}"
    return m.group(1)


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_the_layout_block_lists_the_real_modules():
    [block] = _blocks(_section("Package layout"), "")
    named = set(re.findall(r"\b(\w+\.py)\b", block))
    real = {p.name for p in (ROOT / "minsearch").rglob("*.py")}
    assert named - real == set(), "README names modules that do not exist"
    assert real - named == set(), "modules missing from the README's package layout"
    packages = {p.parent.name + "/" for p in (ROOT / "minsearch").glob("*/__init__.py")}
    assert {p for p in packages if not re.search(rf"^\s+{p}", block, re.M)} == set()


def test_the_commands_the_readme_names_are_the_cli_commands():
    named = set(re.findall(r"^\s*(?:\$ )?minsearch ([a-z]+)", "\n".join(_blocks(README, "sh")), re.M))
    assert named == set(main.commands)


def _command_line_examples() -> list[tuple[list[str], str]]:
    """(arguments, comment) of every ``minsearch query`` line in "Command line"."""
    out = []
    for line in _blocks(_section("Command line"), "sh")[0].splitlines():
        command, _, comment = line.partition(" # ")
        args = shlex.split(command)
        if args[:2] == ["minsearch", "query"]:
            out.append((args[1:], comment))
    return out


@pytest.mark.parametrize(
    "args, comment", _command_line_examples(), ids=lambda x: " ".join(x) if isinstance(x, list) else ""
)
def test_every_query_example_returns_what_the_readme_says(args, comment, seeds_index, tmp_path, monkeypatch):
    monkeypatch.setenv("MINSEARCH_INDEX", str(seeds_index))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "queries.txt").write_text("dental checks\nfoster carers quitting\n")
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    if "--json" in args or "--queries-file" in args:
        results = [json.loads(line) for line in r.stdout.splitlines()]
        assert results and all(res["total"] > 0 for res in results)
        if "--json" in args:
            assert len(results) == 1 and list(results[0])[:4] == ["query", "mode", "total", "more"]
    elif "--format" in args:  # an export: CSV on the screen, or a Word file written with -o
        fmt = args[args.index("--format") + 1]
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(r.stdout)))
            assert rows and all(row["query"] == args[1] and row["citation"] for row in rows)
        else:
            from docx import Document

            out = tmp_path / args[args.index("-o") + 1]
            assert "Corporate Parenting Board" in "\n".join(p.text for p in Document(str(out)).paragraphs)
    elif "dated minutes only" in comment:  # the seeds are undated, as the footnote says
        assert r.stdout.startswith("No confident matches")
    else:
        assert re.match(r"\d+\+? matching paragraphs?\n", r.stdout), r.stdout
    if "--council" in args:
        council = args[args.index("--council") + 1]
        assert {h.lower() for h in re.findall(r"^    (\w+) · ", r.stdout, re.M)} <= {council.lower()}


def _language_examples() -> list[str]:
    """The queries in the first column of the query-language table."""
    rows = re.findall(r"^\| (`.*?) \| ", _section("Command line"), re.M)
    return [q for row in rows for q in re.findall(r"`([^`]+)`", row)]


@pytest.mark.parametrize("q", _language_examples())
def test_every_query_language_example_finds_what_it_says(q, searcher):
    from minsearch.model import Query
    from minsearch.store.query import date_phrase

    result = searcher.search(Query(q, mode="keyword"))
    if q.startswith("date:"):  # the seeds are undated: a date range finds none of them
        assert result.total == 0
    elif date_phrase(q):  # dates named in words filter dated minutes only: here they are words
        assert result.total > 0 and not any("from your words" in n for n in result.notices), q
    else:
        assert result.total > 0, q


def test_syntax_errors_behave_as_the_readme_says(seeds_index, monkeypatch):
    monkeypatch.setenv("MINSEARCH_INDEX", str(seeds_index))
    section = _section("Command line")
    assert "`\"dental checks` searches\n*dental* and *checks*" in section and "`title:(` searches the word" in section

    def run(*args):
        return CliRunner().invoke(main, ["query", *args, "--json", "--mode", "keyword"])

    unclosed, words, phrase = run('"dental checks'), run("dental checks"), run('"dental checks"')
    assert unclosed.exit_code == 0 and json.loads(unclosed.output)["hits"] == json.loads(words.output)["hits"]
    assert json.loads(words.output)["total"] > json.loads(phrase.output)["total"]
    title = run("title:(")
    assert title.exit_code == 0 and json.loads(title.output)["query"] == "title:("
    for broken in ("date:[foo to bar]", "*e*"):
        r = run(broken)
        assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output


@pytest.mark.slow
def test_the_python_api_example_runs(tmp_path):
    [code] = _blocks(_section("Python API"), "python")
    r = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.splitlines()
    assert lines[0].startswith("indexed 5 documents, ")
    assert re.fullmatch(r"\d+ matching paragraphs", lines[1])
    assert lines[2].startswith("1. Kirklees, Corporate Parenting Board, undated: ")
    assert "[seeds/002_85a858a1c7ec9477.txt]" in lines[2]
    assert lines[-1].startswith("error: ") and "since" in lines[-1] and "yesterday" in lines[-1]
