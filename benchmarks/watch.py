"""Re-indexing with saved searches: add one meeting to a copy of the full Limerick index, without
and with 50 saved searches, side by side in one run (alternating, several rounds).

    python -m benchmarks.watch [--index DIR] [--jsonl FILE] [--rounds 3]

The index and its JSON Lines source default to the cached ones of ``benchmarks.build_limerick``
(as :func:`benchmarks.speed.incremental` uses them). Each round adds a new meeting (the corpus's last
record under a new id, with a new closing line) once with the saved searches switched off and once
with them on; "on" times include checking the 50 searches against the new paragraphs and recording
their matches. As a publisher runs it: no model preloaded (the index's ONNX export).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import time
from pathlib import Path

from .common import CACHE, converted_path, current_index
from .speed import LATENCY_QUERIES, judged_limerick_queries

TARGET_S = 5.0


def saved_searches(n: int = 50) -> list[str]:
    """Realistic standing questions: the latency queries, then judged Limerick queries."""
    out = list(dict.fromkeys(LATENCY_QUERIES + judged_limerick_queries()))
    return out[:n]


def new_meeting(jsonl: Path, folder: Path, i: int) -> Path:
    last = None
    with open(jsonl, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                last = line
    assert last is not None
    rec = json.loads(last)
    rec["id"] = f"{rec['id']}~watch-benchmark-{i}"
    rec["text"] = rec["text"] + f"\n\nAny other business: the members noted benchmark item {i} on road resurfacing.\n"
    path = folder / f"new-meeting-{i}.jsonl"
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def run(index: Path, jsonl: Path, rounds: int = 3, searches: int = 50, log=print) -> dict:
    from minsearch.config import load_settings
    from minsearch.encode import open_encoder
    from minsearch.indexer import index_paths
    from minsearch.searching.alerts import save_search
    from minsearch.store import open_store, watchlist
    from minsearch.store.layout import IndexLayout

    load_start = os.getloadavg()[0]
    work = CACHE / "watch-tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t = time.perf_counter()
    home = work / "index"
    shutil.copytree(index, home, symlinks=True)
    (home / "LOCK").unlink(missing_ok=True)
    log(f"copied the index in {time.perf_counter() - t:.1f} s")
    layout = IndexLayout(home)
    settings = load_settings(index_dir=home)
    t = time.perf_counter()
    store = open_store(settings)
    encoder = open_encoder(store.model, layout.encoder_dir(store.model))
    for q in saved_searches(searches):
        save_search(settings, watchlist.SavedSearch(name=q, query=q), store=store, encoder=encoder)
    store.close()
    log(f"saved {searches} searches in {time.perf_counter() - t:.1f} s (each searched once over the whole index)")
    sources = [jsonl]
    times: dict[str, list[float]] = {"without": [], "with": []}
    phases: dict[str, list[dict]] = {"without": [], "with": []}
    matches: list[int] = []
    off = home / "watch.json.off"
    n = 0
    for r in range(rounds):
        for label in ("without", "with") if r % 2 == 0 else ("with", "without"):
            if label == "without":
                os.replace(layout.watch_file, off)
            else:
                with watchlist.editing(home) as wl:  # what earlier rounds added is not this round's news
                    wl.evaluated = layout.current() or ""
            sources.append(new_meeting(jsonl, work, n))
            n += 1
            t = time.perf_counter()
            s = index_paths(sources, settings)
            took = time.perf_counter() - t
            assert s.published and len(s.added) == 1, s.to_json()
            times[label].append(took)
            phases[label].append({k: round(v, 2) for k, v in s.seconds.items()})
            if label == "with":
                matches.append(sum(s.new_matches.values()))
            else:
                os.replace(off, layout.watch_file)
            log(f"round {r + 1} {label:7s} saved searches: {took:.2f} s {phases[label][-1]}")
    shutil.rmtree(work, ignore_errors=True)
    out = {
        "searches": searches,
        "rounds": rounds,
        "without_s": times["without"],
        "with_s": times["with"],
        "median_without_s": statistics.median(times["without"]),
        "median_with_s": statistics.median(times["with"]),
        "phases": phases,
        "new_matches": matches,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_start": load_start,
        "load_end": os.getloadavg()[0],
    }
    out["met"] = out["median_with_s"] < TARGET_S
    return out


def markdown(out: dict, command: str) -> str:
    """The section benchmarks/RESULTS.md includes (benchmarks/results/watch.md)."""
    w, o = out["without_s"], out["with_s"]
    rows = [
        f"| {i + 1} | {a:.2f} | {b:.2f} | {out['phases']['with'][i].get('saved_searches', 0):.2f} | {n} |"
        for i, (a, b, n) in enumerate(zip(w, o, out["new_matches"]))
    ]
    return "\n".join(
        [
            "## Re-indexing with saved searches (issue 12)",
            "",
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `{command}` on {out['machine']}; "
            f"load average {out['load_start']:.1f} at the start and {out['load_end']:.1f} at the end (the "
            "machine was shared with other jobs: "
            "compare the two columns, measured alternately in one run, rather than absolute times).",
            "",
            f"A copy of the full Limerick index; each round adds one new meeting (a new JSON Lines record) with "
            f"the {out['searches']} saved searches switched off, and another with them on (the order alternates). "
            "'With' includes checking every saved search against the new paragraphs and recording the matches "
            "(the `saved_searches` phase). Target: under "
            f"{TARGET_S:g} s with {out['searches']} saved searches.",
            "",
            "| round | without saved searches, s | with 50 saved searches, s | of which checking them, s | new matches |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Median: **{out['median_without_s']:.2f} s** without, **{out['median_with_s']:.2f} s** with "
            f"(median cost of checking the saved searches "
            f"{statistics.median(p.get('saved_searches', 0) for p in out['phases']['with']):.2f} s); "
            f"target < {TARGET_S:g} s: **{'met' if out['met'] else 'NOT met'}** on this run.",
            "",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = current_index("limerick-100pct")
    ap.add_argument("--index", type=Path, default=default)
    ap.add_argument("--jsonl", type=Path, default=converted_path("limerick"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--searches", type=int, default=50)
    ap.add_argument("--write", action="store_true", help="write benchmarks/results/watch.md (RESULTS.md includes it)")
    args = ap.parse_args()
    if args.index is None or not args.index.is_dir():
        raise SystemExit("no Limerick index: run python -m benchmarks.build_limerick (or pass --index)")
    out = run(args.index, args.jsonl, args.rounds, args.searches)
    print(json.dumps(out, indent=1))
    if args.write:
        command = f"python -m benchmarks.watch --rounds {args.rounds} --searches {args.searches}"
        (Path(__file__).resolve().parent / "results" / "watch.md").write_text(markdown(out, command))


if __name__ == "__main__":
    main()
