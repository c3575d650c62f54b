"""Generation switches under a live server: a request finishes on the generation it started on,
a generation is closed when its last reader is done, and nothing waits for a slow request."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from minsearch.config import load_settings
from minsearch.indexer import index_paths
from minsearch.model import Filters, Query
from minsearch.store import keyword

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MEETING = "Agenda item\n\nRiver Crossing\n\nMinutes:\n\nThe Board discussed the {word} crossing and its costs.\n"


def _get(url: str) -> tuple[int, dict, float]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, json.load(r), time.perf_counter() - t
    except urllib.error.HTTPError as e:
        return e.code, json.load(e), time.perf_counter() - t


@pytest.mark.slow
def test_two_publishes_during_a_slow_request(index_copy, tmp_path, encoder, monkeypatch, caplog):
    from benchmarks.serve_process import ServeThread
    from minsearch.app.web import create_app

    corpus = tmp_path / "minutes"
    shutil.copytree(SEEDS, corpus)
    entered, release = threading.Event(), threading.Event()
    original = keyword.KeywordIndex._concept_search  # where a query of plain words is scored

    def slow_first_search(self, *args, **kwargs):
        if not entered.is_set():  # the first keyword search holds its searcher until released
            entered.set()
            release.wait(60)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(keyword.KeywordIndex, "_concept_search", slow_first_search)
    app = create_app(load_settings(index_dir=index_copy))
    searcher = app.extensions["minsearch.searcher"]
    slow: dict = {}
    try:
        with ServeThread(app, threads=4) as srv:
            first = _get(f"{srv.base}/api/health")[1]["generation"]

            def run_slow():
                slow["result"] = _get(f"{srv.base}/api/search?mode=keyword&q=dental+checks")

            t = threading.Thread(target=run_slow)
            t.start()
            assert entered.wait(30)
            seen = [first]
            for i in range(2):
                (corpus / f"extra{i}.txt").write_text(MEETING.format(word=f"kingfisher{i}"))
                index_paths([corpus], load_settings(index_dir=index_copy), encoder=encoder)
                status, body, secs = _get(f"{srv.base}/api/health")
                assert status == 200 and secs < 1.0, (status, body, secs)
                seen.append(body["generation"])
                status, _body, secs = _get(f"{srv.base}/api/search?mode=keyword&q=kingfisher{i}")
                assert status == 200 and secs < 1.0, (status, _body, secs)
                # (read whole and closed: a page left unread kept a server thread writing it until the
                # server stopped, and its wake-up call to the stopped server was logged as an error)
                with urllib.request.urlopen(f"{srv.base}/doc/000_87bfe40191ebd6ef", timeout=10) as r:
                    assert r.status == 200 and r.read()
            assert len(set(seen)) == 3, seen  # two new generations went live meanwhile
            assert not slow, "the slow request finished early"
            # The slow request's generation is still open: it is closed by its last reader.
            assert first in searcher.store.open_generations()
            release.set()
            t.join(30)
            status, body, _secs = slow["result"]
            assert status == 200, body
            assert body["hits"] and body["hits"][0]["text"]
            assert searcher.store.open_generations() == [seen[-1]]
    finally:
        release.set()
        searcher.close()
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


def test_a_retired_generation_closes_when_its_last_reader_is_done(index_copy, tmp_path, encoder):
    """The Searcher pins one generation per call; switches meanwhile never close it under the call."""
    from minsearch.search import Searcher

    corpus = tmp_path / "minutes"
    shutil.copytree(SEEDS, corpus)
    s = Searcher(load_settings(index_dir=index_copy))
    try:
        with s.pinned() as view:
            old = view.gen.name
            for i in range(2):
                (corpus / f"extra{i}.txt").write_text(MEETING.format(word=f"heron{i}"))
                index_paths([corpus], load_settings(index_dir=index_copy), encoder=encoder)
                s.search(Query(f"heron{i}", mode="keyword"))  # a new request switches to the new generation
            assert old in s.store.open_generations() and len(s.store.open_generations()) == 2
            assert view.keyword_search("dental", Filters(), 5).hits  # still readable
        assert old not in s.store.open_generations()
        assert len(s.store.open_generations()) == 1
    finally:
        s.close()
    assert s.store.open_generations() == []
