"""Meaning-mode pages against keyword ones: the code before and after a change, side by side.

``python -m benchmarks.meaning [--before DIR [--before-index DIR --before-small DIR]] [--rounds 2] [--index DIR] [--small DIR]``

Measures, warm and in-process (the Searcher, as the page calls it, limit 10):

- keyword + snippets and semantic + snippets over the Limerick latency and judged queries
  (target: semantic + snippets p95 at most 2x keyword + snippets p95);
- "more like this" (``Searcher.more_like_this`` with snippets, as ``/similar`` asks) for the
  first hits of those queries on Limerick, and of the Kent judged queries on the Kent index
  (1,041 paragraphs; target: p50 at most 30 ms).

``--before DIR``: a checkout of the code before the change (e.g. the main branch). Each round
measures both, one after the other in child processes (``PYTHONPATH`` set to each checkout), so
a busy machine slows both alike; latencies are pooled over the rounds. Writes
benchmarks/results/meaning.md, its section of RESULTS.md (and .cache/meaning.json); says which
target passes. Also measured per checkout, as the targets that must hold: hybrid latency without
snippets, a cold ``minsearch query`` (keyword, hybrid) and adding one meeting to a copy of Kent.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from .common import judged_rows

HERE = Path(__file__).resolve()


def _judged(corpus: str) -> list[str]:
    return [r["query"] for r in judged_rows() if r.get("corpus") == corpus]


def measure(index: Path, small: Optional[Path], reps: int = 2) -> dict:
    """Latencies (ms) of the code on ``PYTHONPATH``: one list per measurement."""
    from benchmarks.speed import LATENCY_QUERIES
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.search import Searcher

    out: dict[str, list[float]] = {}

    def timed(key: str, fn, *args, **kw) -> None:
        t = time.perf_counter()
        fn(*args, **kw)
        out.setdefault(key, []).append((time.perf_counter() - t) * 1000)

    s = Searcher(load_settings(index_dir=index))
    queries = LATENCY_QUERIES + _judged("limerick")
    for q in queries[:3]:  # warm up: encoder, caches
        for mode in ("keyword", "semantic"):
            s.search(Query(text=q, mode=mode, limit=10), strict=False)
    sources = []
    for q in LATENCY_QUERIES:
        r = s.search(Query(text=q, mode="hybrid", limit=1), strict=False, snippets=False)
        sources += [h.chunk.chunk_id for h in r.hits]
    for _ in range(reps):
        for q in queries:
            for mode in ("keyword", "semantic"):
                timed(f"{mode} +snippets", s.search, Query(text=q, mode=mode, limit=10), strict=False)
            timed(
                "hybrid (no snippets)", s.search, Query(text=q, mode="hybrid", limit=10), strict=False, snippets=False
            )
        for c in sources:
            timed("similar (Limerick)", s.more_like_this, c, limit=10)
    s.close()
    if small is not None:
        s = Searcher(load_settings(index_dir=small))
        sources = []
        for q in _judged("kent"):
            r = s.search(Query(text=q, mode="hybrid", limit=1), strict=False, snippets=False)
            sources += [h.chunk.chunk_id for h in r.hits]
        s.more_like_this(sources[0], limit=10)  # warm up
        for _ in range(reps):
            for c in sources:
                timed("similar (Kent)", s.more_like_this, c, limit=10)
        s.close()
    return out


def excerpt_agreement(index: Path) -> dict:
    """How often the excerpt chosen now is the sentence the old choice showed (every sentence of
    the first eight encoded whole, the closest to the query), and how close to the query it is
    (its cosine over the best one's), over the multi-sentence paragraphs of the semantic first
    pages of the Limerick latency and judged queries; and the same for more like this (the
    first hit of each latency query, its neighbours, against the paragraph's own vector)."""
    import numpy as np

    from benchmarks.speed import LATENCY_QUERIES
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.ranking.snippets import TermMatcher, focus_spans
    from minsearch.search import Searcher
    from minsearch.searching.page import add_snippets

    s = Searcher(load_settings(index_dir=index))

    def score(hits, meaning: str, qvec, encode_sentences: bool, tally: list) -> None:
        with s.pinned() as view:
            add_snippets(hits, TermMatcher([]), view, s._encoder, meaning, qvec, encode_sentences=encode_sentences)
        for h in hits:
            sp = focus_spans(h.chunk.text)
            if len(sp) < 2:
                continue
            sentences = [h.chunk.text[a:b] for a, b in sp]
            sims = s.encode(sentences) @ qvec
            marked = "".join(t for t, m in h.snippet if m) or "".join(t for t, _ in h.snippet)
            shown = [i for i, x in enumerate(sentences) if x.strip()[:60] in marked]
            if shown:
                tally.append((shown[0] == int(np.argmax(sims)), float(sims[shown[0]] / sims.max())))

    search: list = []
    similar: list = []
    for q in LATENCY_QUERIES + _judged("limerick"):
        r = s.search(Query(text=q, mode="semantic", limit=10), strict=False, snippets=False)
        score(r.hits, q, s.encode([q])[0], True, search)
        if q in LATENCY_QUERIES and r.hits:
            src = r.hits[0].chunk
            with s.pinned() as view:
                vec = view.chunk_vector(src.chunk_id)
            m = s.more_like_this(src.chunk_id, limit=10, snippets=False)
            score(m.hits, src.text, vec, False, similar)
    s.close()

    def summary(t: list) -> dict:
        return {"paragraphs": len(t), "same": sum(a for a, _ in t) / len(t), "closeness": sum(c for _, c in t) / len(t)}

    return {"semantic search": summary(search), "more like this": summary(similar)}


def _child(code: Path, index: Path, small: Optional[Path], reps: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    args = [sys.executable, str(HERE), "--child", "--index", str(index), "--reps", str(reps)]
    if small is not None:
        args += ["--small", str(small)]
    p = subprocess.run(args, cwd=code, env=env, capture_output=True, text=True, timeout=3600)
    if p.returncode != 0:
        raise RuntimeError(f"measuring {code} failed:\n{p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def cold_cli(code: Path, index: Path, runs: int = 3) -> dict[str, list[float]]:
    """``minsearch query`` from a cold start (a new process), keyword and hybrid, in ms."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    out: dict[str, list[float]] = {}
    for mode in ("keyword", "hybrid"):
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "minsearch.app.cli", "query", "dental checks", "--index", str(index)]
                + ["--mode", mode, "--limit", "10"],
                cwd=code,
                env=env,
                capture_output=True,
                check=True,
                timeout=120,
            )
            out.setdefault(f"cold CLI {mode}", []).append((time.perf_counter() - t) * 1000)
    return out


def add_meeting(code: Path, small: Path, work: Path) -> dict[str, list[float]]:
    """``minsearch index`` adding one meeting to a copy of the small index, in ms."""
    import shutil

    env = {**os.environ, "PYTHONPATH": str(code)}
    home, folder = work / "index", work / "meeting"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(small, home, symlinks=True)
    (home / "LOCK").unlink(missing_ok=True)
    folder.mkdir(parents=True)
    (folder / "weekly.txt").write_text(
        "Agenda item\n\nRiver Crossing\n\nMinutes:\n\nThe committee discussed the new river crossing.\n"
    )
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "minsearch.app.cli", "index", str(folder), "--index", str(home)],
        cwd=code,
        env=env,
        capture_output=True,
        check=True,
        timeout=300,
    )
    ms = (time.perf_counter() - t) * 1000
    shutil.rmtree(work, ignore_errors=True)
    return {"add one meeting (Kent copy)": [ms]}


def _cached(prefix: str) -> Optional[Path]:
    """The cached index named ``prefix``... in the current index format and recipe."""
    from benchmarks.common import CACHE, recipe

    for folder in sorted(CACHE.glob(f"{prefix}*-{recipe()}")):
        if (folder / "index" / "CURRENT").is_file():
            return folder / "index"
    return None


def summary(lat: dict[str, list[float]]) -> dict:
    from benchmarks.speed import pct

    return {k: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95), "n": len(v)} for k, v in lat.items()}


def targets(s: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for the figures of one checkout."""
    out = []
    kw, sem = s.get("keyword +snippets"), s.get("semantic +snippets")
    if kw and sem:
        ratio = sem["p95_ms"] / kw["p95_ms"]
        out.append(("semantic + snippets p95 <= 2x keyword + snippets p95", f"{ratio:.1f}x", ratio <= 2.0))
    hy = s.get("hybrid (no snippets)")
    if hy:
        ok = hy["p50_ms"] < 50 and hy["p95_ms"] < 150
        out.append(("hybrid p50 < 50 ms, p95 < 150 ms", f"{hy['p50_ms']:.0f} / {hy['p95_ms']:.0f} ms", ok))
    for mode, cap in (("keyword", 1000), ("hybrid", 2000)):
        c = s.get(f"cold CLI {mode}")
        if c:
            out.append((f"cold CLI {mode} < {cap / 1000:g} s (p50)", f"{c['p50_ms'] / 1000:.2f} s", c["p50_ms"] < cap))
    add = s.get("add one meeting (Kent copy)")
    if add:
        out.append(("one meeting added in < 5 s (p50)", f"{add['p50_ms'] / 1000:.1f} s", add["p50_ms"] < 5000))
    sim = s.get("similar (Kent)")
    if sim:
        out.append(
            ("more like this p50 <= 30 ms (Kent, 1,041 paragraphs)", f"{sim['p50_ms']:.0f} ms", sim["p50_ms"] <= 30)
        )
    return out


def markdown(res: dict) -> str:
    from benchmarks.report import machine  # noqa: F401  (the machine is recorded in res)

    m = res["machine"]
    cols = list(res["figures"])
    L = [
        "## Meaning-mode pages against keyword ones",
        "",
        f"- Measured {res['date']} by `{res['command']}`; {m.get('cpu')}, {m.get('cores')} cores, shared with "
        f"other jobs (load average {res['load']}), so compare the columns, not absolute figures",
        f"- Index: {res['index']}; more like this also on {res['small']}"
        + "".join(
            f"; {name} read {i} and {sm} (its index format)"
            for name, (i, sm) in res.get("indexes", {}).items()
            if (i, sm) != (res["index"], res["small"])
        ),
        f"- {res['rounds']} rounds, each measuring every checkout in turn in a child process; warm, in-process "
        "(`Searcher.search(..., limit=10)` with snippets, `Searcher.more_like_this(chunk, limit=10)`)",
        "",
        "| measurement | " + " | ".join(f"{c} p50 ms | {c} p95 ms" for c in cols) + " |",
        "|---|" + "---|---|" * len(cols),
    ]
    keys = list(next(iter(res["figures"].values())))
    for k in keys:
        cells = []
        for c in cols:
            f = res["figures"][c].get(k)
            cells += [f"{f['p50_ms']:.1f}", f"{f['p95_ms']:.1f}"] if f else ["-", "-"]
        L.append(f"| {k} | " + " | ".join(cells) + " |")
    L += ["", "| target | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    rows: dict[str, list[str]] = {}
    for c in cols:
        for name, got, met in targets(res["figures"][c]):
            rows.setdefault(name, []).append(f"{got} ({'met' if met else 'NOT met'})")
    for name, cells in rows.items():
        L.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(L) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.meaning", description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="default: the cached Limerick 100%% index")
    ap.add_argument("--small", type=Path, help="default: the cached Kent index")
    ap.add_argument("--before", type=Path, help="a checkout of the code before the change, measured alongside")
    ap.add_argument("--before-index", type=Path, help="the index --before reads (its format); default: --index")
    ap.add_argument("--before-small", type=Path, help="the small index --before reads; default: --small")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--reps", type=int, default=1, help="passes over the queries per round")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--excerpts", action="store_true", help="only: how often the excerpt is the old choice's sentence")
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(measure(a.index, a.small, a.reps)))
        return 0
    from benchmarks.common import CACHE
    from benchmarks.report import machine

    index = a.index or _cached("limerick-100pct-")
    small = a.small or _cached("minutes-kent-")
    if index is None:
        print("no Limerick index: build it (python -m benchmarks.build_limerick) or pass --index", file=sys.stderr)
        return 2
    if a.excerpts:
        from benchmarks.load import splice_into_results

        agree = excerpt_agreement(index)
        L = [
            "## Excerpts of paragraphs found by meaning: the cheaper choice against the old one",
            "",
            f"- Measured {time.strftime('%Y-%m-%d %H:%M %Z')} by `python -m benchmarks.meaning --excerpts"
            + "".join(f" {x}" for x in (argv or sys.argv[1:]) if x != "--excerpts")
            + f"` on {index}",
            "- The old choice: every sentence (of a paragraph's first eight) encoded whole, the closest to the "
            "query shown. Now: the sentence with most of the query's (or, for more like this, the paragraph's) "
            "words; among equals, the closest by the vectors of their first 24 words that the index keeps "
            "(index format 7, float16; nothing is encoded while the page waits). Closeness: the shown "
            "sentence's cosine to the query over the best sentence's.",
            "",
            "| page | multi-sentence paragraphs | same sentence as the old choice | closeness |",
            "|---|---|---|---|",
        ]
        for k, v in agree.items():
            L.append(f"| {k} | {v['paragraphs']} | {v['same']:.1%} | {v['closeness']:.3f} |")
        md = "\n".join(L) + "\n"
        (HERE.parent / "results" / "excerpts.md").write_text(md, encoding="utf-8")
        splice_into_results(md, head=L[0])
        print(md)
        return 0
    # (name, code, index, small index): a change of index format gives the code before it its own.
    checkouts = (
        [("before", a.before.resolve(), a.before_index or index, a.before_small or small)] if a.before else []
    ) + [("after" if a.before else "this", HERE.parents[1], index, small)]
    pooled: dict[str, dict[str, list[float]]] = {name: {} for name, *_ in checkouts}
    for r in range(a.rounds):
        for name, code, idx, sm in checkouts:
            t = time.perf_counter()
            figures = _child(code, idx, sm, a.reps)
            figures.update(cold_cli(code, idx))
            if sm is not None:
                figures.update(add_meeting(code, sm, CACHE / "meaning-work"))
            for k, v in figures.items():
                pooled[name].setdefault(k, []).extend(v)
            print(f"  round {r + 1}: {name} ({code}) in {time.perf_counter() - t:.0f} s", flush=True)
    res = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": "python -m benchmarks.meaning" + "".join(f" {x}" for x in (argv or sys.argv[1:])),
        "machine": machine(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "index": str(index),
        "small": str(small),
        "indexes": {name: [str(i), str(sm)] for name, _c, i, sm in checkouts},
        "rounds": a.rounds,
        "checkouts": {name: str(code) for name, code, *_ in checkouts},
        "figures": {name: summary(lat) for name, lat in pooled.items()},
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "meaning.json").write_text(json.dumps(res, indent=1))
    md = markdown(res)
    out = HERE.parent / "results" / "meaning.md"
    out.write_text(md, encoding="utf-8")
    from benchmarks.load import splice_into_results

    splice_into_results(md, head=md.splitlines()[0])
    print(md)
    print(f"wrote {out} and its section of benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
