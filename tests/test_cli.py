"""The command line as an analyst uses it: output, JSON shape, errors and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import HIT_KEYS, TEST_MODEL

from minsearch.app.cli import main


@pytest.fixture
def cli(seeds_index, monkeypatch):
    monkeypatch.setenv("MINSEARCH_INDEX", str(seeds_index))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_human_output_shows_title_place_and_emphasised_snippet(cli):
    r = cli("query", "dental checks", "--limit", "2")
    assert r.exit_code == 0, r.output
    assert "Performance Monitoring Information" in r.output
    assert "Wolverhampton · Corporate Parenting Board" in r.output
    assert "**Dental** **checks**" in r.output
    # Each hit is headed by its rank and item title, with no score: the list is not in score order
    # where a query names a number or code, and "#5 0.109, #6 0.944" read as a mistake.
    heads = [line for line in r.output.splitlines() if re.match(r"^\s*\d+\. ", line)]
    assert len(heads) == 2 and not [h for h in heads if re.search(r"\d\.\d{3}", h)], heads


def test_json_is_one_object_with_the_documented_hit_shape(cli):
    r = cli("query", "dental checks", "--json", "--mode", "keyword", "--limit", "2")
    out = json.loads(r.output)
    assert out["query"] == "dental checks" and out["mode"] == "keyword"
    assert len(out["hits"]) == 2 and set(out["hits"][0]) == HIT_KEYS
    assert out["total"] >= 2 and set(out) >= {"total", "more", "hits", "closest", "also_searched"}
    assert out["hits"][0]["text"].startswith("Dental checks were showing")


def test_a_number_nothing_has_says_so_without_search_advice(cli):
    # The seeds number no minutes: "minute 4" is looked up, not searched, and nothing has it.
    r = cli("query", "minute 4")
    assert r.exit_code == 0
    assert "note: No minute or item is numbered 4 in these minutes." in r.output
    assert "No paragraphs: nothing has that number." in r.output and "Try fewer words" not in r.output


def test_filters_from_the_command_line(cli):
    r = cli("query", "dental", "--json", "--council", "Kirklees")
    assert {h["council"] for h in json.loads(r.output)["hits"]} == {"Kirklees"}


def test_queries_file_gives_one_json_line_per_query(cli, tmp_path):
    f = tmp_path / "q.txt"
    f.write_text("dental checks\n\nfoster carers quitting\ndate:[foo to bar]\n")
    r = cli("query", "--queries-file", str(f), "--limit", "2")
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert [x["query"] for x in lines] == ["dental checks", "foster carers quitting", "date:[foo to bar]"]
    assert len(lines[0]["hits"]) == 2 and "error" in lines[2]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["query", ""], 2, "empty"),
        (["query", "date:[foo to bar]"], 1, "query syntax"),
        (["query", "x", "--since", "yesterday"], 1, "--since"),
        (["query", "x", "--index", "/nonexistent/minsearch"], 1, "no index here yet"),
    ],
)
def test_errors_are_one_line_with_exit_codes(cli, args, code, message):
    r = CliRunner().invoke(main, args)
    assert r.exit_code == code
    assert message in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_a_fresh_clones_empty_index_home_says_how_to_build_one(tmp_path):
    """The repository's index/ holds only a .gitkeep: a first query there is told to build an index."""
    (tmp_path / ".gitkeep").write_text("")
    r = CliRunner().invoke(main, ["query", "x", "--index", str(tmp_path)])
    assert r.exit_code == 1 and "no index here yet" in r.output and "minsearch index" in r.output


def test_foreign_folder_is_refused(tmp_path):
    (tmp_path / "something.txt").write_text("not an index")
    r = CliRunner().invoke(main, ["query", "x", "--index", str(tmp_path)])
    assert r.exit_code == 1 and "not a minsearch index" in r.output


def test_status_reports_the_live_generation(cli):
    r = cli("status", "--json")
    info = json.loads(r.output)
    assert info["documents"] == 5 and info["chunks"] > 50 and info["model"] == TEST_MODEL
    assert info["generation"].startswith("gen-") and "Kirklees" in info["councils"]


def test_index_reports_skipped_files_and_strict_refuses(tmp_path, encoder):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("Agenda item\n\nBudget\n\nMinutes:\n\nThe budget was agreed.\n")
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    home = tmp_path / "ix"
    r = CliRunner().invoke(main, ["index", str(folder), "--index", str(home), "--strict"])
    assert r.exit_code == 1 and "--strict" in r.output and not (home / "CURRENT").exists()
    r = CliRunner().invoke(main, ["index", str(folder), "--index", str(home), "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert summary["added"] == 1 and summary["documents"] == 1
    reasons = {s["source"].rsplit("/", 1)[-1]: s["reason"] for s in summary["skipped"]}
    assert reasons == {"empty.txt": "empty file", "binary.txt": "binary file, not minutes text"}


@pytest.mark.slow
def test_cold_keyword_query_does_not_load_torch(real_seeds_index):
    code = (
        "import sys, runpy; sys.argv=['minsearch','query','dental','--mode','keyword','--index',%r];"
        "import minsearch.app.cli as c\ntry: c.main()\nexcept SystemExit: pass\n"
        "assert 'torch' not in sys.modules and 'onnxruntime' not in sys.modules, 'heavy import'" % str(real_seeds_index)
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    code = code.replace("'keyword'", "'hybrid'").replace(" and 'onnxruntime' not in sys.modules", "")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


# -- careless use (issue 15) ----------------------------------------------------------------------------
@pytest.fixture
def no_model(monkeypatch):
    """Fail the test if the embedding model is loaded."""
    import minsearch.encode as encode

    def refuse(*a, **k):
        raise AssertionError("the embedding model was loaded")

    import minsearch.encode_hashing as encode_hashing

    monkeypatch.setattr(encode.TorchEncoder, "__init__", refuse)
    monkeypatch.setattr(encode.OnnxEncoder, "__init__", refuse)
    monkeypatch.setattr(encode_hashing.HashingEncoder, "__init__", refuse)


def _status(home) -> dict:
    r = CliRunner().invoke(main, ["status", "--json", "--index", str(home)])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


@pytest.mark.parametrize("extra", [[], ["--prune"], ["--prune", "--force"]])
def test_a_missing_path_is_an_error_before_anything_loads(index_copy, tmp_path, no_model, extra):
    before = _status(index_copy)
    r = CliRunner().invoke(main, ["index", str(tmp_path / "seedz"), "--index", str(index_copy)] + extra)
    assert r.exit_code == 1, r.output
    assert r.output.strip() == f"minsearch: error: {tmp_path / 'seedz'}: no such file or folder"
    assert _status(index_copy) == before


def test_prune_refuses_to_empty_the_index_unless_forced(index_copy, tmp_path, no_model):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.bin").write_bytes(b"\x00\x01" * 50)  # a skipped file: still no document
    before = _status(index_copy)
    r = CliRunner().invoke(main, ["index", str(empty), "--prune", "--index", str(index_copy)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    [error] = [line for line in r.output.splitlines() if line.startswith("minsearch: error:")]  # after progress lines
    assert "--prune" in error and "no documents" in error and "all 5" in error and "--force" in error
    assert _status(index_copy) == before
    r = CliRunner().invoke(main, ["index", str(empty), "--prune", "--force", "--json", "--index", str(index_copy)])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert summary["removed"] == 5 and summary["documents"] == 0


@pytest.mark.parametrize(
    "args", [["--until", "9999-12-31"], ["--since", "0001-01-01"], ["--since", "0001-01-01", "--until", "9999-12-31"]]
)
@pytest.mark.parametrize("mode", ["keyword", "hybrid", "semantic"])
def test_extreme_dates_are_dates(cli, args, mode):
    r = CliRunner().invoke(main, ["query", "dental", "--mode", mode, "--json"] + args)
    assert r.exit_code == 0, r.output  # an OverflowError traceback before
    sane = [a.replace("9999-12-31", "2100-12-31").replace("0001-01-01", "1900-01-01") for a in args]
    assert json.loads(r.output) == json.loads(cli("query", "dental", "--mode", mode, "--json", *sane).output)


# -- one line, never a traceback (issue 15 #12) ------------------------------------------------------------
def _live(home):
    return home / "generations" / (home / "CURRENT").read_text().strip()


def _garble(path):
    path.write_bytes(b"\x93NUMPY garbage" + bytes(range(256)) * 3)


CORRUPTIONS = {
    "truncated vectors.npy": ("vectors.npy", lambda p: p.write_bytes(p.read_bytes()[:2000])),
    "corrupt chunks.npz": ("chunks.npz", _garble),
    "corrupt units.npy": ("units.npy", _garble),
    "truncated units.npy": ("units.npy", lambda p: p.write_bytes(p.read_bytes()[:140])),
    "truncated sentences.npy": ("sentences.npy", lambda p: p.write_bytes(p.read_bytes()[:2000])),
    "corrupt sentence_rows.npy": ("sentence_rows.npy", _garble),
    "deleted Whoosh segment": ("whoosh", lambda p: next(p.glob("*.seg")).unlink()),
    "corrupt meta.json": ("meta.json", lambda p: p.write_text("{not json")),
}


def _one_line_error(r, *fragments):
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    [error] = [line for line in r.output.splitlines() if line.startswith("minsearch: error:")]
    for f in fragments:
        assert f in error, (f, error)
    return error


@pytest.mark.parametrize("what", sorted(CORRUPTIONS))
def test_a_corrupt_index_file_is_one_line_that_says_to_rebuild(index_copy, what):
    name, damage = CORRUPTIONS[what]
    damage(_live(index_copy) / name)
    for args in (["query", "dental", "--mode", "keyword"], ["query", "dental"], ["status"]):
        r = CliRunner().invoke(main, args + ["--index", str(index_copy)])
        _one_line_error(r, name, "rebuild")


@pytest.mark.parametrize(
    "what", ["corrupt docs.json", "truncated vectors.npy", "truncated sentences.npy", "deleted Whoosh segment"]
)
def test_indexing_into_a_corrupt_index_is_one_line(index_copy, tmp_path, no_model, what):
    new = tmp_path / "new"
    new.mkdir()
    (new / "minutes.txt").write_text("Agenda item\n\nBudget\n\nMinutes:\n\nThe budget was agreed.\n")
    if what == "corrupt docs.json":
        (_live(index_copy) / "docs.json").write_text("{oops")
        name = "docs.json"
    else:
        name, damage = CORRUPTIONS[what]
        damage(_live(index_copy) / name)
    r = CliRunner().invoke(main, ["index", str(new), "--index", str(index_copy)])
    _one_line_error(r, name, "rebuild")


def test_index_pointing_at_a_file_is_one_line(tmp_path):
    f = tmp_path / "index.txt"
    f.write_text("not a folder")
    for args in (["query", "dental"], ["status"], ["index", str(tmp_path)], ["serve", "--port", "0"]):
        r = CliRunner().invoke(main, args + ["--index", str(f)])
        _one_line_error(r, str(f), "not a folder")


def test_serve_on_an_address_that_is_not_one_is_one_line(seeds_index):
    for host in ("999.1.1.1", "no such host.invalid"):
        r = CliRunner().invoke(main, ["serve", "--host", host, "--port", "0", "--index", str(seeds_index)])
        _one_line_error(r, "--host", host)


def test_deeply_nested_folders_are_walked_without_a_recursion_error(tmp_path):
    from minsearch.ingest.readers import Skipped, iter_source_files

    folder = tmp_path / "deep"
    folder.mkdir()
    leaf = folder
    for _ in range(1100):  # (os.makedirs recurses too)
        leaf = leaf / "d"
        leaf.mkdir()
    (leaf / "minutes.txt").write_text("Minutes.\n")
    (folder / "top.txt").write_text("Minutes.\n")
    try:
        items = list(iter_source_files([folder]))
        files = [i.path.name for i in items if not isinstance(i, Skipped)]
        assert "top.txt" in files and "minutes.txt" in files, [str(i)[:100] for i in items if isinstance(i, Skipped)]
    finally:  # bottom up: shutil.rmtree (and so pytest's clean-up) recurses as deep as the folders
        (leaf / "minutes.txt").unlink()
        while leaf != folder:
            leaf.rmdir()
            leaf = leaf.parent


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "-inf"])
def test_wait_is_a_finite_number_of_seconds(tmp_path, value):
    r = CliRunner().invoke(main, ["index", str(tmp_path), "--wait", value, "--index", str(tmp_path / "ix")])
    assert r.exit_code == 2 and "--wait" in r.output and "Traceback" not in r.output
    assert "finite" in r.output


def test_serve_help_states_the_served_defaults():
    """`serve --help` said "32 with several, of which 2 search at once" after the default became one."""
    from minsearch.app.serve import SEARCH_SLOTS, WORKER_THREADS

    text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert f"{WORKER_THREADS} with several" in text
    assert SEARCH_SLOTS == 1 and "of which one searches at a time" in text
