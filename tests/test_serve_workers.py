"""`minsearch serve --workers N`: several processes serve one index, each following newly
published generations; the excerpt of a paragraph found by meaning is chosen cheaply."""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks.serve_process import ServeProcess
from minsearch.config import load_settings
from minsearch.indexer import index_paths
from minsearch.model import Chunk, Hit
from minsearch.ranking.snippets import TermMatcher
from minsearch.searching.page import add_snippets

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MEETING = "Agenda item\n\nRiver Crossing\n\nMinutes:\n\nThe Board discussed the {word} crossing and its costs.\n"


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


def _answered_by(log: Path, since: int) -> set[str]:
    """Process ids of the workers that logged a request after the first ``since`` characters."""
    return set(re.findall(r"\[(\d+)\] GET ", log.read_text()[since:]))


def _batches(base: str, log: Path, done, seconds: float = 60) -> list[tuple[list[str], list[str]]]:
    """Batches of concurrent searches (slow enough that one worker cannot take them all) until
    ``done(generations, worker pids)`` of a batch; each batch's generations and pids."""
    url = f"{base}/api/search?" + urllib.parse.urlencode({"q": "dental checks", "mode": "hybrid"})
    deadline, batches = time.monotonic() + seconds, []
    while True:
        mark = len(log.read_text())
        with ThreadPoolExecutor(12) as pool:
            gens = {
                b["generation"] for b in pool.map(_get, [f"{base}/api/health"] * 12 + [url] * 24) if "generation" in b
            }
        pids = _answered_by(log, mark)
        batches.append((sorted(gens), sorted(pids)))
        if done(gens, pids) or time.monotonic() > deadline:
            return batches


def test_every_worker_serves_a_newly_published_generation(index_copy, tmp_path, encoder):
    log = tmp_path / "serve.log"
    with ServeProcess(index_copy, log, timeout=90, extra_args=["--workers", "2", "--threads", "2"]) as srv:
        first = srv.health["generation"]
        assert "with 2 workers" in log.read_text()
        batches = _batches(srv.base, log, lambda gens, pids: len(pids) == 2)  # both workers have read it
        assert batches[-1] == ([first], sorted(batches[-1][1])) and len(batches[-1][1]) == 2, batches

        corpus = tmp_path / "minutes"
        shutil.copytree(SEEDS, corpus)
        (corpus / "extra.txt").write_text(MEETING.format(word="kingfisher"))
        index_paths([corpus], load_settings(index_dir=index_copy), encoder=encoder)
        # A request that arrives while its worker is opening the new generation is answered from
        # the old one (nothing waits); soon every answer, from both workers, is the new one.
        batches = _batches(srv.base, log, lambda gens, pids: first not in gens and len(pids) == 2)
        gens, pids = batches[-1]
        assert first not in gens and len(gens) == 1 and len(pids) == 2, batches
        search = f"{srv.base}/api/search?" + urllib.parse.urlencode({"q": "kingfisher", "mode": "keyword"})
        with ThreadPoolExecutor(8) as pool:
            found = list(pool.map(_get, [search] * 16))
        assert all(r["hits"] and "kingfisher" in r["hits"][0]["text"] for r in found)
    # Stopped (SIGTERM) cleanly: no worker aborted, hung until killed, or left a traceback.
    text = log.read_text()
    assert "minsearch: stopped" in text and "Traceback" not in text and "was sent" not in text, text[-3000:]


def test_one_worker_is_waitress_in_one_process(seeds_index, tmp_path):
    log = tmp_path / "serve.log"
    with ServeProcess(seeds_index, log, timeout=90, extra_args=["--workers", "1"]) as srv:
        assert _get(f"{srv.base}/api/health")["chunks"] > 0
        assert not Path(f"/proc/{srv.pid}/task/{srv.pid}/children").read_text().split()
    assert "with 2 workers" not in log.read_text()


class _NoEncoder:
    def encode(self, texts):  # pragma: no cover - failing is the point
        raise AssertionError(f"encoded {texts!r}")


class _ByWord:
    """Vectors that say only whether a text mentions 'budget'."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return np.array([[1.0, 0.0] if "budget" in t.lower() else [0.0, 1.0] for t in texts], dtype=np.float32)


class _Kept:
    """A view that keeps the sentence vectors given (chunk id -> (spans, vectors)), and nothing else."""

    def __init__(self, kept=None) -> None:
        self.kept = kept or {}

    def sentence_vectors(self, chunk_ids):
        return {c: self.kept[c] for c in chunk_ids if c in self.kept}


def _hit(text: str) -> Hit:
    chunk = Chunk("c1", "d1", "minutes.txt", "Item", "minutes", 1, 0, len(text), text)
    return Hit(rank=1, score=1.0, chunk=chunk)


def _marked(hit: Hit) -> str:
    return "".join(t for t, m in hit.snippet if m)


def test_the_sentence_with_the_querys_words_is_chosen_without_the_encoder():
    h = _hit("The Chair opened the meeting. Members discussed the library opening hours at length. Tea followed.")
    add_snippets([h], TermMatcher([]), _Kept(), _NoEncoder(), "library hours", np.array([1.0, 0.0]))
    assert _marked(h) == "Members discussed the library opening hours at length."


def test_the_encoder_chooses_among_sentences_equally_full_of_the_querys_words():
    h = _hit("The Chair opened the meeting. Members approved the budget for the year. Tea followed.")
    enc = _ByWord()
    add_snippets([h], TermMatcher([]), _Kept(), enc, "council money", np.array([1.0, 0.0]))
    assert _marked(h) == "Members approved the budget for the year."
    assert enc.calls and all(len(t.split()) <= 24 for t in enc.calls[0])


def test_more_like_this_excerpts_do_not_use_the_encoder():
    h = _hit("The Chair opened the meeting. Members approved the budget for the year. Tea followed.")
    add_snippets(
        [h],
        TermMatcher([]),
        _Kept(),
        _NoEncoder(),
        "the budget was approved",
        np.array([1.0, 0.0]),
        encode_sentences=False,
    )
    assert _marked(h) == "Members approved the budget for the year."


THREE = "The Chair opened the meeting. Members approved the budget for the year. Tea followed."
THREE_SPANS = np.array([[0, 29], [30, 71], [72, 85]])


def test_the_index_s_sentence_vectors_choose_the_excerpt_without_the_encoder():
    """An index that keeps its sentences' vectors: a meaning-mode page takes a dot product, and a
    more-like-this excerpt sharing no words with the paragraph is the sentence closest to it."""
    kept = _Kept({"c1": (THREE_SPANS, np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32))})
    h = _hit(THREE)
    add_snippets([h], TermMatcher([]), kept, _NoEncoder(), "council money", np.array([1.0, 0.0]))
    assert _marked(h) == "Members approved the budget for the year."
    h = _hit(THREE)
    add_snippets(
        [h], TermMatcher([]), kept, _NoEncoder(), "zebra crossing", np.array([1.0, 0.0]), encode_sentences=False
    )
    assert _marked(h) == "Members approved the budget for the year."  # without them: the first, "The Chair ..."


def test_sentence_vectors_kept_for_other_sentences_are_not_used():
    """Vectors kept for sentences that are not the text's (split by another version) are ignored:
    the page encodes the sentences instead."""
    kept = _Kept({"c1": (np.array([[0, 40], [41, 85]]), np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32))})
    h = _hit(THREE)
    enc = _ByWord()
    add_snippets([h], TermMatcher([]), kept, enc, "council money", np.array([1.0, 0.0]))
    assert _marked(h) == "Members approved the budget for the year." and enc.calls


def _held_searches(search_path: str, slots: int):
    """A page behind :class:`SearchSlots` whose searches (``search_path``) are recorded and held until
    ``release`` is set: (call(path, query string) -> body, release, the searches started)."""
    import threading

    from minsearch.app.serve import SearchSlots

    release, started = threading.Event(), []

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        if environ["PATH_INFO"] == search_path:
            started.append(environ["QUERY_STRING"])
            release.wait(10)
        return [environ["PATH_INFO"].encode()]

    wrapped = SearchSlots(app, slots)

    def call(path: str, qs: str = "") -> bytes:
        return b"".join(wrapped({"PATH_INFO": path, "QUERY_STRING": qs}, lambda *a: None))

    return call, release, started


def test_searches_beyond_the_slots_wait_and_other_pages_do_not():
    import threading
    import time

    call, release, started = _held_searches("/api/search", 2)

    searches = [threading.Thread(target=call, args=("/api/search", f"q={i}")) for i in range(3)]
    for t in searches:
        t.start()
        time.sleep(0.1)
    assert started == ["q=0", "q=1"]  # the third waits for a slot
    t0 = time.perf_counter()
    assert call("/api/health") == b"/api/health" and call("/", "") == b"/"  # no slot needed
    assert time.perf_counter() - t0 < 1
    release.set()
    for t in searches:
        t.join(10)
    assert started == ["q=0", "q=1", "q=2"]


def test_a_worker_runs_numpys_blas_on_one_thread():
    """Each of several workers scans the vectors on one BLAS thread (the workers are the
    parallelism): checked in a fresh process, as a forked worker sets it."""
    import subprocess
    import sys

    code = (
        "import numpy, json\n"
        "from threadpoolctl import threadpool_info\n"
        "from minsearch.app.serve import _one_blas_thread\n"
        "_one_blas_thread()\n"
        "print(json.dumps([p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) and set(json.loads(out.stdout)) == {1}


def test_a_worker_runs_one_search_at_a_time_and_quick_pages_at_once():
    """The served default: in one worker a second search waits for the first, while a document
    or /api/health is answered at once."""
    import threading
    import time

    from minsearch.app.serve import SEARCH_SLOTS

    call, release, started = _held_searches("/", SEARCH_SLOTS)

    searches = [threading.Thread(target=call, args=("/", f"q={i}")) for i in range(2)]
    for t in searches:
        t.start()
        time.sleep(0.1)
    assert started == ["q=0"]  # the second search waits
    answered: list[bytes] = []
    quick = threading.Thread(target=lambda: answered.extend([call("/doc", "id=x"), call("/api/health")]))
    quick.start()
    quick.join(5)  # answered while the first search still holds its slot
    assert answered == [b"/doc", b"/api/health"] and started == ["q=0"]
    release.set()
    for t in searches:
        t.join(10)
    assert started == ["q=0", "q=1"]
