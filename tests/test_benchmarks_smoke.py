"""CI smoke for benchmarks/: metrics on hand examples, and the quality + speed code on a tiny subset."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from benchmarks import metrics

DATA = Path(os.environ.get("MINSEARCH_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


def test_metrics_hand_example():
    gains = {"a": 3, "b": 2, "c": 1, "z": 0}
    ranked = ["b", "x", "a", "c"]
    dcg = 2 / math.log2(2) + 0 + 3 / math.log2(4) + 1 / math.log2(5)
    idcg = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at_k(ranked, gains, 10) == pytest.approx(dcg / idcg)
    assert metrics.ndcg_at_k(["a", "b", "c"], gains, 10) == pytest.approx(1.0)
    assert metrics.ndcg_at_k(["x", "y"], gains, 10) == 0.0
    assert metrics.ndcg_at_k(["x", "a"], gains, 1) == 0.0
    assert metrics.mrr_at_k(ranked, gains, 10) == 1.0
    assert metrics.mrr_at_k(["x", "z", "c"], gains, 10) == pytest.approx(1 / 3)
    assert metrics.mrr_at_k(["x", "z", "c"], gains, 2) == 0.0
    assert metrics.recall_at_k(ranked, gains, 100) == 1.0
    assert metrics.recall_at_k(["a", "x"], gains, 100) == pytest.approx(1 / 3)
    assert metrics.recall_at_k(["x", "a"], gains, 1) == 0.0
    assert metrics.dedupe(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]
    ev = metrics.evaluate({"q1": ["a"], "q2": []}, {"q1": {"a": 1}, "q2": {"b": 1}, "q3": {"c": 0}})
    assert ev["queries"] == 2 and ev["ndcg@10"] == pytest.approx(0.5) and ev["mrr@10"] == pytest.approx(0.5)


def test_leave_one_corpus_out_scores_the_choice_of_the_other_corpora():
    """The setting chosen without a corpus is the one scored on it: "b" wins on x and y but loses
    on z, so z left out reports b's loss; ties go to the earlier setting of the grid."""
    from benchmarks.sweep import loco

    scores = {
        ("off",): {"x": 0.5, "y": 0.5, "z": 0.5},
        ("a",): {"x": 0.6, "y": 0.5, "z": 0.6},
        ("b",): {"x": 0.7, "y": 0.6, "z": 0.4},
        ("c",): {"x": 0.7, "y": 0.6, "z": 0.4},
    }
    folds = loco(scores, ("off",))
    assert folds["z"]["chosen"] == ("b",) and folds["z"]["held_out"] - folds["z"]["off"] == pytest.approx(-0.1)
    assert folds["x"]["chosen"] == ("a",) and folds["y"]["chosen"] == ("a",)


def test_plain_query_strips_whoosh_syntax():
    from benchmarks.common import plain_query

    assert (
        plain_query('what is "information science"? (title:x) AND NOT y*')
        == "what is information science title x and not y"
    )


def test_loaders_parse_the_sets():
    from benchmarks import datasets

    if not (DATA / "ir-cranfield").is_dir() or not (DATA / "ir-msmarco-5k-subset").is_dir():
        pytest.skip(f"data dir {DATA} has no IR sets")
    cran = datasets.cranfield(DATA)
    assert len(cran.docs) == 1400 and len(cran.queries) == 225
    assert cran.qrels["1"]["184"] == 2.0  # "1 184 2" -> gain 4 - 2
    ms = datasets.msmarco(DATA)  # no header line: the first pair must be kept
    assert ms.qrels["19335"]["1720389"] == 1.0
    db = datasets.dbpedia(DATA)  # header line skipped
    assert "query-id" not in db.qrels


@pytest.mark.slow
def test_quality_and_speed_on_a_tiny_subset(real_encoder, real_seeds_index, tmp_path, monkeypatch):
    if not (DATA / "ir-cisi").is_dir():
        pytest.skip(f"data dir {DATA} has no CISI set")
    import shutil

    from benchmarks import common, datasets, quality, speed

    monkeypatch.setattr(common, "CACHE", tmp_path)
    monkeypatch.setattr(datasets, "CACHE", tmp_path)
    monkeypatch.setenv("MINSEARCH_MODEL", real_encoder.name)  # the benchmarks measure the real model
    # Reuse the seeds index's ONNX query encoder instead of exporting one more (the slow part).
    exported = real_seeds_index / "encoder" / "all-MiniLM-L6-v2"
    if (exported / "model.onnx").is_file():
        shutil.copytree(exported, tmp_path / "onnx" / "all-MiniLM-L6-v2")
    jset = datasets.cisi(DATA).subset(200, 5)
    assert len(jset.docs) == 200 and len(jset.queries) == 5
    res = quality.eval_ir_set(jset, real_encoder, smoke=True, log=lambda m: None, tag="-ci")
    assert set(res["results"]) == {"keyword", "semantic", "hybrid (default)"}
    for r in res["results"].values():
        for k in ("ndcg@10", "recall@100", "mrr@10"):
            assert 0.0 <= r[k] <= 1.0
    # Relevant docs were put in the subset: retrieval finds at least some of them.
    assert res["results"]["keyword"]["recall@100"] > 0.2
    lat = speed.warm_latency(
        Path(res["index"]),
        ["library automation"],
        modes=("hybrid",),
        snippets_opts=(False,),
        reps=1,
        log=lambda m: None,
    )
    assert lat["hybrid"]["n"] == 1 and lat["hybrid"]["p50_ms"] > 0


@pytest.mark.slow
def test_load_smoke_on_the_seeds_index(seeds_index, tmp_path):
    """The load benchmark's smoke run (levels 1 and 4, with and without a re-index), in well under a minute."""
    import time

    from benchmarks import load

    t = time.perf_counter()
    res = load.run(
        seeds_index,
        levels=[1, 4],
        requests=10,
        seconds=40,
        threads=4,
        reindex=True,
        work=tmp_path / "load",
        log=lambda m: None,
        label="seeds",
    )
    assert time.perf_counter() - t < 50
    rows = res["rows"]
    assert [(r["connections"], r["reindex"]) for r in rows] == [(1, False), (4, False), (1, True), (4, True)]
    for r in rows:
        assert r["errors"] == 0, r["error_examples"]
        assert r["requests"] >= 10 and 0 < r["p50_ms"] <= r["p95_ms"] <= r["p99_ms"] and r["rss_mb"] > 0
    assert all(r["publishes"] >= 1 and not r["publish_errors"] for r in rows if r["reindex"])
    assert not res["server_log_errors"]
    md = load.markdown(res)
    assert "| connections | re-index | requests | errors |" in md and md.count("\n| 4 |") == 2
    results = tmp_path / "RESULTS.md"
    results.write_text("# minsearch benchmarks\n\n## Speed\n\nx\n\n## Plots\n\n![p](p.png)\n")
    load.splice_into_results(md, results)
    load.splice_into_results(md, results)  # replaces its own section, once
    text = results.read_text()
    assert text.count("## Load:") == 1 and text.index("## Load:") < text.index("## Plots")


def test_memory_table_reports_the_step_per_worker():
    """results/memory.md: each round's totals by --workers, the step per worker added, and the verdict."""
    from benchmarks import load

    def by_workers(one: float, two: float, each: float) -> list[dict]:
        worker = {"pss_mb": each, "uss_mb": 80.0}
        return [
            {"workers": 1, "total_pss_mb": one, "memory": {"workers": []}},
            {"workers": 2, "total_pss_mb": two, "memory": {"workers": [worker, worker]}},
        ]

    res = {
        "date": "2026-12-01 22:40 UTC",
        "command": "python -m benchmarks.load --memory-only --memory-workers 1,2 --before /tmp/b",
        "machine": "x86, 2 cores",
        "load_average": "1.0 1.0 1.0",
        "index": "lim",
        "before": "/tmp/b",
        "requests": 150,
        "counts": [1, 2],
        "runs": [
            {"round": 1, "code": "before", "by_workers": by_workers(473, 761, 335)},
            {"round": 1, "code": "after", "by_workers": by_workers(426, 536, 223)},
        ],
    }
    md = load.memory_markdown(res)
    assert "| 1 | before | 473 | 761 [335 (80), 335 (80)] | 288 |" in md
    assert "| 1 | after | 426 | 536 [223 (80), 223 (80)] | 110 |" in md
    assert "before 288 MB, after 110 MB" in md and "**met**" in md


@pytest.mark.slow
def test_trust_checks_the_seeds_first_pages(real_seeds_index, monkeypatch):
    """benchmarks.trust searches every judged seeds query through the product and finds no
    procedure, no repeated text and no answered out-of-domain query on the seeds' first pages."""
    from benchmarks import quality, trust

    def index(corpus, data, encoder, log=print, build_limerick=True):
        return (real_seeds_index, "seeds/") if corpus == "seeds" else (None, "not built here")

    monkeypatch.setattr(quality, "minutes_index", index)
    pages = trust.first_pages(DATA, log=lambda m: None)
    seeds = pages["seeds"]
    assert seeds["queries"] == 25 and seeds["nonsense"] == 20
    assert (seeds["procedure"], seeds["repeats"], seeds["answered"]) == (0, 0, [])
    text = trust.report(pages, "now")
    assert "| seeds | 25 | 0 | 0 | 0 of 20 |" in text
    assert "| kent | not run: not built here |" in text


@pytest.mark.slow
def test_gate_measures_the_seeds_queries_against_off_topic_ones(real_seeds_index, monkeypatch):
    """benchmarks.gate reads every judged seeds query, the 20 out-of-domain queries and the probes
    through the product's candidates: every seeds query has a confident match, no out-of-domain
    query does, and the report says so."""
    from benchmarks import gate, quality

    def index(corpus, data, encoder, log=print, build_limerick=True):
        return (real_seeds_index, "seeds/") if corpus == "seeds" else (None, "not built here")

    monkeypatch.setattr(quality, "minutes_index", index)
    rows = gate.measure(DATA, log=lambda m: None)
    seeds = rows["seeds"]
    assert sum(1 for r in seeds if r["qid"]) == 25 and sum(r["kind"] == "out-of-domain" for r in seeds) == 20
    assert all(r["answered"] for r in seeds if r["qid"])
    assert not any(r["answered"] for r in seeds if r["kind"] == "out-of-domain")
    text = gate.report(rows, "now")
    assert "| seeds |" in text and "| none |" in text


def test_item_context_puts_back_the_vector_search():
    """benchmarks.item_context reorders the semantic view for its own searches only."""
    from benchmarks.item_context import apply
    from minsearch.store.vectors import VectorIndex

    before = VectorIndex.search
    for variant in [("centroid", 0.2), ("best", 0.2)]:
        with apply(variant):
            assert VectorIndex.search is not before
        assert VectorIndex.search is before
        with pytest.raises(RuntimeError), apply(variant):
            raise RuntimeError("a search failed")
        assert VectorIndex.search is before


def test_query_variants_put_back_what_they_change():
    """benchmarks.query_variants measures variants that are not settings of the product: each is
    put in place for its own searches only, and taken out after, also when a search fails."""
    from benchmarks.query_variants import apply, without_body
    from minsearch.searching import candidates
    from minsearch.searching.encoding import LazyEncoder

    def product():
        return (candidates.gather, candidates.with_meanings, LazyEncoder.encode)

    before = product()
    for variant in [("drop", 0.1), ("average", 0.1), ("body",)]:
        with apply(variant):
            assert product() != before
        assert product() == before
        with pytest.raises(RuntimeError), apply(variant):
            raise RuntimeError("a search failed")
        assert product() == before
    with apply(("off",)):
        assert product() == before
    assert (
        without_body("which streets did council give honorary names to?") == "which streets did give honorary names to?"
    )
    assert without_body("how did Councillor Trosow vote?") == "how did Councillor Trosow vote?"
    assert without_body("council tax rise") == "council tax rise"


def test_encoders_scores_each_model_by_its_first_ten_and_refuses_a_folder_without_a_model(tmp_path, capsys):
    """benchmarks.encoders: a judged fragment first scores 1.0 and second less; the report puts the
    two models side by side; --other that is not a sentence-transformers folder is a one-line
    error naming the option, before any model is loaded."""
    from types import SimpleNamespace

    import numpy as np

    from benchmarks import encoders

    rows = [{"qid": "q1", "query": "missing children", "relevant": [{"doc_id": "d", "fragment": "Missing  from care"}]}]
    chunks = [
        SimpleNamespace(doc_id="d", text="Children missing from care rose."),
        SimpleNamespace(doc_id="d", text="Other."),
    ]
    assert encoders._scores(rows, chunks, np.array([[0.9, 0.1]])) == {"q1": 1.0}
    second = encoders._scores(rows, chunks, np.array([[0.1, 0.9]]))["q1"]
    assert 0.6 < second < 0.7  # 1 / log2(3)
    measured = {
        "models": ["small", "big"],
        "queries": {
            "q1": {"corpus": "seeds", "kind": "paraphrase", "query": "missing children", "small": 0.5, "big": 1.0}
        },
        "per_second": {"small": 100.0, "big": 20.0},
    }
    text = encoders.report(measured, "now", tmp_path)
    assert "| seeds | 1 | 0.5000 | 1.0000 |" in text and "| q1 missing children | 0.500 | 1.000 |" in text
    with pytest.raises(SystemExit):
        encoders.main(["--other", str(tmp_path)])
    assert f"--other: {tmp_path} is not a sentence-transformers folder" in capsys.readouterr().err
