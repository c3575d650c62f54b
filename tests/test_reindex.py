"""Re-indexing as a publisher does it every week: incremental, atomic, crash-safe, one writer."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import kept_sentences_match_the_texts

from minsearch.config import load_settings
from minsearch.indexer import index_paths
from minsearch.model import MinsearchError, Query
from minsearch.search import Searcher
from minsearch.store.layout import IndexBusy, IndexLayout, WriterLock

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NEW_MEETING = """Agenda item

Unaccompanied Asylum Seeking Children

Minutes:

The Board received an update on placements for unaccompanied asylum seeking children (UASC) and the
national transfer scheme, including the zebrafinch pilot for supported lodgings.

Resolved:

1. That the update on the zebrafinch pilot be noted.
"""


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "minutes"
    shutil.copytree(SEEDS, folder)
    return folder


def run(corpus_or_paths, home: Path, encoder, **kw):
    paths = corpus_or_paths if isinstance(corpus_or_paths, list) else [corpus_or_paths]
    return index_paths(paths, load_settings(index_dir=home), encoder=encoder, **kw)


def answers(home: Path, queries=("dental checks", "zebrafinch", "foster carers quitting")) -> list:
    s = Searcher(load_settings(index_dir=home))
    try:
        return [s.search(Query(q, limit=5), snippets=False).to_json() for q in queries]
    finally:
        s.close()


def test_add_change_delete_and_noop(corpus, index_copy, encoder):
    home = index_copy  # the seeds index: same documents as ``corpus``
    before = IndexLayout(home).current()

    noop = run(corpus, home, encoder)
    assert (noop.added, noop.changed, noop.removed, noop.unchanged) == ([], [], [], 5)
    assert not noop.published and IndexLayout(home).current() == before

    (corpus / "005_new.txt").write_text(NEW_MEETING)
    added = run(corpus, home, encoder)
    assert added.added == ["005_new"] and added.unchanged == 5 and added.published
    assert added.new_chunks == 2  # only the new meeting was chunked and embedded
    hits = answers(home, ["zebrafinch"])[0]["hits"]
    assert hits and hits[0]["doc_id"] == "005_new"

    assert kept_sentences_match_the_texts(home) > 20
    (corpus / "005_new.txt").write_text(NEW_MEETING.replace("zebrafinch", "kingfisher"))
    changed = run(corpus, home, encoder)
    assert changed.changed == ["005_new"] and changed.new_chunks == 2
    assert answers(home, ["zebrafinch"])[0]["hits"] == [] or all(
        "zebrafinch" not in h["text"] for h in answers(home, ["zebrafinch"])[0]["hits"]
    )
    assert answers(home, ['"kingfisher"'])[0]["hits"][0]["doc_id"] == "005_new"

    (corpus / "005_new.txt").unlink()
    kept = run(corpus, home, encoder)
    assert kept.kept_missing == ["005_new"] and not kept.published
    pruned = run(corpus, home, encoder, prune=True)
    assert pruned.removed == ["005_new"] and pruned.documents == 5
    assert answers(home, ['"kingfisher"'])[0]["hits"] == []
    assert kept_sentences_match_the_texts(home) > 20  # the kept sentences follow their paragraphs' rows


def test_manifest_change_reindexes_the_document(corpus, index_copy, encoder):
    manifest = json.loads((corpus / "manifest.json").read_text())
    manifest["004_9cb78d4272562d1a.txt"]["date"] = "2018-03-14"
    (corpus / "manifest.json").write_text(json.dumps(manifest))
    s = run(corpus, index_copy, encoder)
    assert s.changed == ["004_9cb78d4272562d1a"]
    searcher = Searcher(load_settings(index_dir=index_copy))
    from minsearch.model import Filters

    r = searcher.search(Query("placements", filters=Filters(since="2018-01-01", until="2018-12-31")))
    assert r.hits and {h.chunk.doc_id for h in r.hits} == {"004_9cb78d4272562d1a"}
    assert searcher.facets().date_min == "2018-03-14"


def test_old_generations_are_cleaned_up(corpus, index_copy, encoder):
    for i in range(4):
        (corpus / f"extra{i}.txt").write_text(NEW_MEETING.replace("zebrafinch", f"bird{i}"))
        run(corpus, index_copy, encoder)
    gens = sorted(p.name for p in (index_copy / "generations").iterdir())
    assert len(gens) == 2 and IndexLayout(index_copy).current() == gens[-1]


def test_a_second_writer_is_refused_with_the_holders_pid(corpus, index_copy, encoder):
    with WriterLock(IndexLayout(index_copy).lock_file):
        with pytest.raises(IndexBusy, match=f"pid {os.getpid()}"):
            run(corpus, index_copy, encoder)


def test_stale_lock_of_a_dead_writer_is_cleared(corpus, index_copy, encoder):
    (index_copy / "LOCK").write_text("pid 999999 since 2020-01-01 00:00:00\n")
    (index_copy / "generations" / "gen-000099.tmp").mkdir()  # what a killed writer leaves
    (corpus / "005_new.txt").write_text(NEW_MEETING)
    s = run(corpus, index_copy, encoder)
    assert s.published and not (index_copy / "generations" / "gen-000099.tmp").exists()


def test_write_error_leaves_the_live_index_untouched(corpus, index_copy, encoder, monkeypatch):
    before = answers(index_copy)
    (corpus / "005_new.txt").write_text(NEW_MEETING)
    import numpy as np

    def disk_full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", disk_full)
    with pytest.raises(MinsearchError, match="No space left on device.*untouched"):
        run(corpus, index_copy, encoder)
    monkeypatch.undo()
    assert answers(index_copy) == before
    assert not any(p.name.endswith(".tmp") for p in (index_copy / "generations").iterdir())


def test_searches_during_generation_switches_never_fail_or_mix(corpus, index_copy, encoder):
    searcher = Searcher(load_settings(index_dir=index_copy))
    errors: list[BaseException] = []
    seen: set[int] = set()
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                r = searcher.search(Query("zebrafinch", mode="keyword", limit=20), snippets=False)
                # Each generation i adds one document mentioning the word: a response must be
                # the whole of one generation, so its hits are exactly extra0..extra{n-1}.
                docs = sorted({h.chunk.doc_id for h in r.hits})
                n = len(docs)
                assert docs == sorted(f"extra{i}" for i in range(n)), docs
                seen.add(n)
                searcher.search(Query("dental checks", limit=5))
            except BaseException as e:  # noqa: BLE001
                errors.append(e)
                return

    searcher.search(Query("dental checks", limit=5))  # the query encoder loaded before the loop starts
    t = threading.Thread(target=loop)
    t.start()
    try:
        for i in range(3):
            (corpus / f"extra{i}.txt").write_text(NEW_MEETING.replace("zebrafinch", f"zebrafinch{i} zebrafinch"))
            run(corpus, index_copy, encoder)
            # The loop keeps searching through the next publish; on a busy machine it may need a
            # moment to reach this generation (it saw only the first once in CI, under load).
            deadline = time.monotonic() + 20
            while i + 1 not in seen and not errors and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        stop.set()
        t.join()
    assert not errors, errors[0]
    assert len(seen) >= 2  # the loop really saw the index change under it
    searcher.close()


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", ["embedding paragraphs and sentences:", "keyword index", "vectors", "publishing"])
def test_sigkill_during_indexing_keeps_the_previous_index(corpus, index_copy, kill_at):
    before = answers(index_copy)
    live = IndexLayout(index_copy).current()
    (corpus / "005_new.txt").write_text(NEW_MEETING)
    proc = subprocess.Popen(
        [sys.executable, "-m", "minsearch.app.cli", "index", str(corpus), "--index", str(index_copy)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    killed = False
    for line in proc.stderr:
        if kill_at in line:
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
    proc.wait(timeout=120)
    assert killed, f"never reached {kill_at!r}"
    assert IndexLayout(index_copy).current() == live
    assert answers(index_copy) == before
    # The next run completes and cleans up after the killed one.
    done = subprocess.run(
        [sys.executable, "-m", "minsearch.app.cli", "index", str(corpus), "--index", str(index_copy), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 1
    assert answers(index_copy, ["zebrafinch"])[0]["hits"][0]["doc_id"] == "005_new"
    assert not any(p.name.endswith(".tmp") for p in (index_copy / "generations").iterdir())


def test_a_new_chunker_version_rechunks_everything(corpus, index_copy, encoder, monkeypatch):
    import minsearch.indexer as indexer

    monkeypatch.setattr(indexer, "CHUNKER_VERSION", 99)
    s = run(corpus, index_copy, encoder)
    assert len(s.changed) == 5 and s.unchanged == 0
    assert run(corpus, index_copy, encoder).unchanged == 5


class _Counting:
    """An encoder that counts the texts it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.texts = inner, 0
        self.name, self.dim = inner.name, inner.dim

    def encode(self, texts, batch_size=32, progress=None):
        self.texts += len(texts)
        return self.inner.encode(texts, batch_size=batch_size, progress=progress)


def test_reading_every_document_again_embeds_only_new_text(corpus, index_copy, encoder, monkeypatch):
    """A new chunker (or index format) reads every document again; the text it embeds is the
    same, so the vectors are reused, not computed again. An edited meeting embeds only what changed."""
    import minsearch.indexer as indexer

    def meaning(home: Path) -> list:
        s = Searcher(load_settings(index_dir=home))
        try:
            found = [s.search(Query(q, mode="semantic", limit=5), snippets=False) for q in queries]
            return [[(h.chunk.chunk_id, h.score) for h in r.hits] for r in found]
        finally:
            s.close()

    queries = ("dental checks", "foster carers quitting", "missing episodes")
    counting = _Counting(encoder)
    before = meaning(index_copy)
    monkeypatch.setattr(indexer, "CHUNKER_VERSION", 99)
    s = run(corpus, index_copy, counting)
    assert len(s.changed) == 5 and s.published and s.reused_units > 100
    assert counting.texts == 0 and meaning(index_copy) == before  # the same vectors

    meeting = sorted(corpus.glob("*.txt"))[0]
    meeting.write_text(meeting.read_text() + "\n\nThe zebrafinch pilot was welcomed by members.\n")
    s = run(corpus, index_copy, counting)
    assert s.changed == [s.changed[0]] and counting.texts == 1  # the new paragraph alone
    assert answers(index_copy, ["zebrafinch"])[0]["hits"]


def test_an_index_in_an_older_format_is_rebuilt_without_embedding_again(corpus, index_copy, encoder):
    """A new index format (5 -> 6 changed only the keyword index) indexes every document again;
    the live generation's vectors of the same texts are reused, whatever its format."""
    from minsearch.store.layout import FORMAT_VERSION

    layout = IndexLayout(index_copy)
    old = layout.require_current()
    meta_path = layout.generation_dir(old) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["format"] = FORMAT_VERSION - 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(MinsearchError, match="run `minsearch index"):
        Searcher(load_settings(index_dir=index_copy))

    counting = _Counting(encoder)
    s = run(corpus, index_copy, counting)
    assert s.published and len(s.changed) + len(s.added) == 5 and s.reused_units > 100
    assert counting.texts == 0
    new = layout.require_current()
    assert new != old and layout.read_meta(new)["format"] == FORMAT_VERSION
    assert answers(index_copy, ["dental checks"])[0]["hits"]


def test_pdf_width_lines_without_page_markers_are_joined_into_paragraphs():
    from minsearch.ingest.chunker import chunk_document
    from minsearch.model import Document

    para = (
        "It was noted that a total of five written submissions had been received\n\n"
        "during the period of public consultation and that the scheme would cost\n\n"
        "in the region of one million euro, with the bridge alone costing more.\n\n"
    )
    doc = Document(doc_id="lim", source="lim.md", text=para * 20, format="jsonl")
    chunks = chunk_document(doc)
    assert len(chunks) == 20
    assert chunks[0].text.endswith("with the bridge alone costing more.")


# -- one folder must not overwrite another (issue 15) ---------------------------------------------
CABINET = "MINUTES of a meeting of the Cabinet held on 9 January 2025.\n\nAgenda item\n\nBudget\n\nMinutes:\n\n{}\n"


def _council(root: Path, name: str, sentence: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "cabinet_2025-01-09.txt").write_text(CABINET.format(sentence))
    return folder


def _doc_for(home: Path, word: str) -> list[str]:
    return sorted({h["doc_id"] for h in answers(home, [f'"{word}"'])[0]["hits"]})


def test_the_same_file_name_in_two_folders_keeps_both_documents(tmp_path, encoder):
    a = _council(tmp_path, "councilA", "The aardvark sanctuary budget was agreed.")
    b = _council(tmp_path, "councilB", "The bison reserve budget was deferred.")
    home = tmp_path / "index"
    first = run(a, home, encoder)
    assert first.added == ["cabinet_2025-01-09"]
    second = run(b, home, encoder)
    assert second.changed == [] and second.added == ["councilB/cabinet_2025-01-09"], second
    assert second.documents == 2
    assert _doc_for(home, "aardvark") == ["cabinet_2025-01-09"]
    assert _doc_for(home, "bison") == ["councilB/cabinet_2025-01-09"]
    # Stable: each folder keeps its ids, in either order, alone or together.
    for paths in ([b], [a], [b, a], [a, b]):
        again = run(paths, home, encoder)
        assert not (again.added or again.changed or again.skipped), (paths, again)
    (b / "cabinet_2025-01-09.txt").write_text(CABINET.format("The bison reserve budget was approved."))
    edited = run(b, home, encoder)
    assert edited.changed == ["councilB/cabinet_2025-01-09"] and edited.added == []
    assert _doc_for(home, "aardvark") == ["cabinet_2025-01-09"]


def test_both_folders_in_one_run_and_a_collision_that_cannot_be_told_apart(tmp_path, encoder):
    a = _council(tmp_path, "councilA", "The aardvark sanctuary budget was agreed.")
    b = _council(tmp_path, "councilB", "The bison reserve budget was deferred.")
    home = tmp_path / "index"
    both = run([a, b], home, encoder)
    assert sorted(both.added) == ["cabinet_2025-01-09", "councilB/cabinet_2025-01-09"] and not both.skipped
    # A third folder, also called councilB, with the same file name: neither id is free, and it
    # is not the same folder. It is refused with a message, and nothing indexed changes.
    c = _council(tmp_path / "elsewhere", "councilB", "The cormorant colony budget was noted.")
    third = run(c, home, encoder)
    assert not third.added and not third.changed and not third.published
    [skip] = third.skipped
    assert skip.source.endswith("elsewhere/councilB/cabinet_2025-01-09.txt")
    assert "already used" in skip.reason and "councilA" in skip.reason and "doc_id" in skip.reason
    assert "\n" not in skip.reason
    assert _doc_for(home, "aardvark") == ["cabinet_2025-01-09"]
    assert _doc_for(home, "bison") == ["councilB/cabinet_2025-01-09"]
    with pytest.raises(MinsearchError, match="^strict: 1 file") as e:
        run(c, home, encoder, strict=True)
    assert e.value.param == "strict"  # the CLI writes it --strict (test_cli)


def test_an_index_from_before_roots_were_recorded(tmp_path, encoder):
    """docs.json written by an older minsearch has no root: the file itself tells them apart."""
    a = _council(tmp_path, "councilA", "The aardvark sanctuary budget was agreed.")
    b = _council(tmp_path, "councilB", "The bison reserve budget was deferred.")
    home = tmp_path / "index"
    run(a, home, encoder)
    docs = home / "generations" / IndexLayout(home).current() / "docs.json"
    data = json.loads(docs.read_text())
    for rec in data.values():
        for key in ("root", "path", "id_given"):
            rec.pop(key, None)
    docs.write_text(json.dumps(data))
    assert not run(a, home, encoder).changed  # the same file: the same document
    second = run(b, home, encoder)
    assert second.added == ["councilB/cabinet_2025-01-09"] and not second.changed


def test_cli_indexes_two_councils_without_losing_one(tmp_path, encoder, monkeypatch):
    from click.testing import CliRunner

    from minsearch.app.cli import main

    a = _council(tmp_path, "councilA", "The aardvark sanctuary budget was agreed.")
    b = _council(tmp_path, "councilB", "The bison reserve budget was deferred.")
    home = tmp_path / "index"
    import minsearch.indexer as indexer

    monkeypatch.setattr(indexer, "_local_encoder", lambda settings, progress: encoder)
    monkeypatch.setattr(indexer, "_ensure_query_encoder", lambda settings, progress, enc: None)
    for folder in (a, b):
        r = CliRunner().invoke(main, ["index", str(folder), "--index", str(home)])
        assert r.exit_code == 0, r.output
    assert "added 1, changed 0" in r.output and "documents: 2" in r.output


# -- the query encoder export (issue 15 #11): the real model's -------------------------------------
@pytest.mark.slow
def test_a_failed_encoder_export_leaves_no_temp_file_and_says_disk_full(tmp_path, real_encoder, monkeypatch):
    import errno

    import torch

    dest = tmp_path / "encoder" / "all-MiniLM-L6-v2"
    dest.mkdir(parents=True)
    stale = dest / "model.onnx.tmp-999999999"  # what an export killed with -9 leaves
    stale.write_bytes(b"x" * 1000)
    mine = dest / f"model.onnx.tmp-{os.getppid()}"  # a live process's export in progress: not touched
    mine.write_bytes(b"y")

    def disk_fills(model, args, f, *a, **k):
        Path(f).write_bytes(b"partial model")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(torch.onnx, "export", disk_fills)
    with pytest.raises(MinsearchError) as e:
        real_encoder.export_onnx(dest)
    assert "disk full" in str(e.value) and str(dest) in str(e.value) and "\n" not in str(e.value)
    assert sorted(p.name for p in dest.iterdir()) == [mine.name]
    assert not (dest / "model.onnx").exists()


@pytest.mark.slow
def test_stale_export_files_are_removed_by_the_next_run(corpus, real_seeds_index, tmp_path, real_encoder):
    home = tmp_path / "real-index"
    shutil.copytree(real_seeds_index, home, symlinks=True)
    enc_dir = home / "encoder" / "all-MiniLM-L6-v2"
    (enc_dir / "model.onnx.tmp-999999999").write_bytes(b"x" * 1000)
    (corpus / "005_new.txt").write_text(NEW_MEETING)
    index_paths([corpus], load_settings(index_dir=home, model=real_encoder.name), encoder=real_encoder)
    assert not list(enc_dir.glob("model.onnx.tmp-*"))


def test_a_full_disk_says_disk_full(corpus, index_copy, encoder, monkeypatch, tmp_path):
    import errno

    import numpy as np
    from click.testing import CliRunner

    from minsearch.app.cli import main

    def disk_full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    (corpus / "005_new.txt").write_text(NEW_MEETING)
    monkeypatch.setattr(np, "save", disk_full)
    with pytest.raises(MinsearchError, match=r"disk full.*the live index is untouched"):
        run(corpus, index_copy, encoder)
    monkeypatch.undo()

    import minsearch.ingest.corpora as corpora

    def records(*a, **k):
        yield {"id": "a", "text": "x"}
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(corpora, "iter_corpus", records)
    out = tmp_path / "kent.jsonl"
    r = CliRunner().invoke(main, ["import", "kent", str(out)])
    assert r.exit_code == 1 and r.output.strip() == f"minsearch: error: {out}: disk full (No space left on device)"
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_the_same_words_at_two_meetings_are_two_documents(tmp_path, encoder):
    """Two copies of one meeting's minutes are indexed once; the same words minuted by another
    council or on another date are another meeting, and nothing of it is lost."""
    text = "MINUTES\n\nMotion on library opening hours.\n\nRESOLVED that the libraries open on Sundays."
    records = [
        {"id": "a", "council": "Kent", "committee": "Cabinet", "date": "2024-01-10", "text": text},
        {"id": "b", "council": "Kent", "committee": "Cabinet", "date": "2024-01-10", "text": text},  # a copy
        {"id": "c", "council": "Kirklees", "committee": "Cabinet", "date": "2024-01-10", "text": text},
        {"id": "d", "council": "Kent", "committee": "Cabinet", "date": "2024-02-14", "text": text},
    ]
    src = tmp_path / "minutes.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    summary = run(src, tmp_path / "ix", encoder)
    assert summary.documents == 3
    (skip,) = summary.skipped
    assert skip.source.endswith("minutes.jsonl#2") and skip.reason.startswith("same meeting as ")
    assert skip.reason.endswith("minutes.jsonl#1 (duplicate, not indexed twice)")
