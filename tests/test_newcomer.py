"""What someone new meets first: folders with a README in them, compressed corpora, explicit files."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from minsearch.app.cli import main
from minsearch.ingest.readers import SkipFile, Skipped, SourceFile, iter_source_files, read_source

MINUTES = "Agenda item\n\nBudget\n\nMinutes:\n\nThe budget for {what} was agreed.\n"


@pytest.fixture
def folder(tmp_path):
    """A folder of minutes with the files that usually sit beside them."""
    f = tmp_path / "council"
    f.mkdir()
    (f / "cabinet_2025-01-09.txt").write_text(MINUTES.format(what="roads"))
    (f / "notes-of-meeting_2025-02-01.txt").write_text(MINUTES.format(what="parks"))  # minutes, by UK name
    for name in ("README.md", "SOURCE.md", "LICENSE", "licence.txt", "CHANGELOG.md", "NOTES.md", "todo.txt"):
        (f / name).write_text("# About this folder\n\nDownloaded from the council's website.\n")
    return f


def test_files_about_a_folder_are_left_out_with_a_reason(folder):
    found = list(iter_source_files([folder]))
    read = sorted(x.path.name for x in found if isinstance(x, SourceFile))
    assert read == ["cabinet_2025-01-09.txt", "notes-of-meeting_2025-02-01.txt"]
    left = {x.source.rsplit("/", 1)[-1]: x for x in found if isinstance(x, Skipped)}
    assert set(left) == {"README.md", "SOURCE.md", "LICENSE", "licence.txt", "CHANGELOG.md", "NOTES.md", "todo.txt"}
    assert all(s.deliberate for s in left.values())
    assert left["SOURCE.md"].reason == "SOURCE file, not minutes (name it on the command line to index it)"


def test_a_file_named_on_the_command_line_is_read_whatever_its_name(folder):
    [src] = list(iter_source_files([folder / "SOURCE.md"]))
    assert isinstance(src, SourceFile) and read_source(src)[0].text.startswith("# About this folder")


def test_strict_does_not_fail_on_files_left_out_on_purpose(folder, index_copy, encoder):
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths

    summary = index_paths([folder], load_settings(index_dir=index_copy), strict=True, encoder=encoder)
    assert len(summary.added) == 2 and len(summary.skipped) == 7


def _gzip_jsonl(path) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a", "text": MINUTES.format(what="roads")}) + "\n")


def test_a_compressed_feed_is_named_as_such(tmp_path):
    _gzip_jsonl(tmp_path / "feed.jsonl.gz")
    with pytest.raises(SkipFile, match=r"^gzip-compressed: .*decompress it first \(gunzip -k\)$"):
        read_source(SourceFile(tmp_path / "feed.jsonl.gz", tmp_path))


@pytest.mark.parametrize(
    "folder_name, corpus", [("limerick-council-minutes", "limerick"), ("kent-cc-minutes-sample", "kent")]
)
def test_a_shared_corpus_file_points_to_minsearch_import(tmp_path, folder_name, corpus):
    f = tmp_path / folder_name
    f.mkdir()
    _gzip_jsonl(f / "minutes.jsonl.gz")
    (f / "index.jsonl").write_text('{"file": "cabinet_2025-01-09.txt", "council": "Kent County Council"}\n')
    hint = (
        f"it belongs to the shared corpus {corpus!r}: run `minsearch import {corpus} {corpus}.jsonl`, "
        f"then `minsearch index {corpus}.jsonl`"
    )
    with pytest.raises(SkipFile) as e:
        read_source(SourceFile(f / "minutes.jsonl.gz", f))
    assert str(e.value) == f"gzip-compressed; {hint}"
    with pytest.raises(SkipFile) as e:
        read_source(SourceFile(f / "index.jsonl", f))
    assert str(e.value).endswith(f"; {hint}") and str(e.value).startswith("line 1: ")


def test_index_of_a_corpus_file_says_to_import_it_without_loading_a_model(tmp_path, index_copy, monkeypatch):
    import minsearch.encode as encode

    def refuse(*a, **k):
        raise AssertionError("the embedding model was loaded")

    monkeypatch.setattr(encode.TorchEncoder, "__init__", refuse)
    monkeypatch.setattr(encode.OnnxEncoder, "__init__", refuse)
    monkeypatch.setattr(encode, "open_encoder", refuse)
    f = tmp_path / "cleveland-city-record"
    f.mkdir()
    _gzip_jsonl(f / "city-record-2017-2018.jsonl.gz")
    (f / "SOURCE.md").write_text("Where this came from.\n")
    before = sorted(p.name for p in (index_copy / "generations").iterdir())
    r = CliRunner().invoke(main, ["index", str(f), "--index", str(index_copy)])
    assert r.exit_code == 0, r.output
    skipped = [line for line in r.output.splitlines() if line.startswith("  skipped ")]
    assert len(skipped) == 2
    assert skipped[0].endswith("SOURCE.md: SOURCE file, not minutes (name it on the command line to index it)")
    assert skipped[1].endswith(
        "city-record-2017-2018.jsonl.gz: gzip-compressed; it belongs to the shared corpus "
        "'cleveland': run `minsearch import cleveland cleveland.jsonl`, then "
        "`minsearch index cleveland.jsonl`"
    )
    assert sorted(p.name for p in (index_copy / "generations").iterdir()) == before


def test_nothing_to_index_in_a_new_index_loads_no_model(tmp_path, monkeypatch):
    """`minsearch index minutes.jsonl.gz --index new/` finds nothing to index: it says so at once,
    without loading the real model (~8 s) and exporting it (~15 s) for an index with no documents."""
    import minsearch.encode as encode

    def refuse(*a, **k):
        raise AssertionError("the embedding model was loaded")

    monkeypatch.setattr(encode.TorchEncoder, "__init__", refuse)
    monkeypatch.setattr(encode.OnnxEncoder, "__init__", refuse)
    monkeypatch.setenv("MINSEARCH_MODEL", "all-MiniLM-L6-v2")
    f = tmp_path / "minutes.jsonl.gz"
    _gzip_jsonl(f)
    r = CliRunner().invoke(main, ["index", str(f), "--index", str(tmp_path / "new")])
    assert r.exit_code == 0, r.output
    assert "skipped" in r.output and "gzip-compressed" in r.output
    assert not (tmp_path / "new" / "encoder").exists()
