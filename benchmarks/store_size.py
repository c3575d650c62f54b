"""Index size, adding one meeting, and `serve` memory: two code trees side by side (issue 16 part 4).

    python -m benchmarks.store_size --before /work/main --before-index DIR --after-index DIR [--rounds 3] [--write]

``--before`` is another checkout of minsearch (e.g. main) and ``--before-index`` a Limerick index in
its format; the "after" tree is this one. Each measurement runs in a fresh process with that tree
first on ``PYTHONPATH``, alternating before/after, so machine load falls on both alike:

- the size on disk of each index's parts, and Whoosh against the paragraphs' raw text;
- adding one new meeting (a new JSON Lines record) to a private copy, ``--rounds`` times each, with
  the indexer's phases; then the size of the index folder (two generations are kept: the live one
  and the one before, for readers still on it), counting a hard-linked file once;
- `minsearch serve --workers 1` (one process): peak RSS after 30 /api/search requests (10 queries x 3 modes);
- warm hybrid latency in one process (the 64 latency queries, twice).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AFTER = HERE.parent


def disk_usage(folder: Path) -> int:
    """Bytes of the files under ``folder``, a file with several links (inode) counted once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            st = p.stat()
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def raw_text_bytes(jsonl: Path) -> int:
    """UTF-8 bytes of the records' text: what the index is built from."""
    n = 0
    with open(jsonl, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                n += len(json.loads(line).get("text", "").encode("utf-8"))
    return n


# -- the measurements, each run in a child process of one tree ------------------------------------
def child_sizes(home: str) -> dict:
    from benchmarks.speed import size_on_disk

    gens = sorted((Path(home) / "generations").glob("gen-*[0-9]"))
    meta = json.loads((gens[-1] / "meta.json").read_text()) if gens else {}
    return {**size_on_disk(Path(home)), "format": meta.get("format")}


def child_add(home: str, jsonl: str, n: str) -> dict:
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths

    # Not benchmarks.watch.new_meeting: this runs with the "before" checkout first on the path,
    # whose benchmarks package may not have it.
    home_p, jsonl_p = Path(home), Path(jsonl)
    last = None
    with open(jsonl_p, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                last = line
    assert last is not None
    rec = json.loads(last)
    rec["id"] = f"{rec['id']}~store-size-{n}"
    rec["text"] += f"\n\nAny other business: the members noted benchmark item {n} on road resurfacing.\n"
    extra = home_p.parent / f"new-meeting-{n}.jsonl"
    extra.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    sources = [jsonl_p] + sorted(home_p.parent.glob("new-meeting-*.jsonl"))
    t = time.perf_counter()
    s = index_paths(sources, load_settings(index_dir=home_p))
    took = time.perf_counter() - t
    assert s.published and len(s.added) == 1, s.to_json()
    return {"seconds": took, "phases": {k: round(v, 3) for k, v in s.seconds.items()}}


def child_serve(home: str) -> dict:
    """Peak RSS of one `minsearch serve --workers 1` process (waitress) after 30 /api/search requests."""
    import urllib.parse
    import urllib.request

    from benchmarks.common import CACHE
    from benchmarks.serve_process import ServeProcess
    from benchmarks.speed import LATENCY_QUERIES, pct

    cmd = [sys.executable, "-m", "minsearch.app.cli"]  # this tree's CLI, not an installed one
    with ServeProcess(Path(home), CACHE / "serve.log", timeout=120, command=cmd, extra_args=["--workers", "1"]) as srv:
        lat = []
        for q in LATENCY_QUERIES[:10]:
            for mode in ("hybrid", "keyword", "semantic"):
                t = time.perf_counter()
                url = f"{srv.base}/api/search?" + urllib.parse.urlencode({"q": q, "mode": mode})
                urllib.request.urlopen(url, timeout=60).read()
                lat.append((time.perf_counter() - t) * 1000)
        status = Path(f"/proc/{srv.pid}/status").read_text()
    fields = {line.split(":")[0]: line.split(":")[1].strip() for line in status.splitlines() if ":" in line}
    return {
        "vm_hwm_mb": int(fields["VmHWM"].split()[0]) / 1024,
        "vm_rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "requests": len(lat),
        "http_p50_ms": pct(lat, 50),
        "http_p95_ms": pct(lat, 95),
    }


def child_latency(home: str) -> dict:
    from benchmarks.speed import LATENCY_QUERIES, warm_latency

    return warm_latency(Path(home), LATENCY_QUERIES, modes=("hybrid",), snippets_opts=(False,), log=lambda *_: None)


def _child(tree: Path, task: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    p = subprocess.run(
        [sys.executable, "-c", CHILD, task, *args], cwd=tree, env=env, capture_output=True, text=True, timeout=900
    )
    if p.returncode != 0:
        raise RuntimeError(f"{tree} {task}: {p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


CHILD = f"""
import json, sys
sys.path.insert(0, {str(AFTER)!r})  # this module (benchmarks.store_size), found after the tree's own
import importlib.util
spec = importlib.util.spec_from_file_location("store_size", {str(HERE / "store_size.py")!r})
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
sys.path.pop(0)
print(json.dumps(getattr(mod, "child_" + sys.argv[1])(*sys.argv[2:])))
"""


def latency_runs(trees: dict, log=print) -> dict:
    """Warm hybrid latency of each tree, twice, alternating which goes first."""
    out: dict[str, list] = {}
    for k in ("after", "before", "before", "after"):
        t, ix = trees[k]
        out.setdefault(k, []).append(_child(t, "latency", str(ix))["hybrid"])
        log(f"latency {k}: {out[k][-1]}")
    return out


def run(before: Path, before_index: Path, after_index: Path, jsonl: Path, rounds: int, work: Path, log=print) -> dict:
    trees = {"before": (before, before_index), "after": (AFTER, after_index)}
    load_start = os.getloadavg()[0]
    out: dict = {"trees": {k: str(v[0]) for k, v in trees.items()}, "indexes": {k: str(v[1]) for k, v in trees.items()}}
    out["raw_text_mb"] = raw_text_bytes(jsonl) / 1e6
    out["sizes"] = {k: _child(t, "sizes", str(ix)) for k, (t, ix) in trees.items()}
    log(f"sizes {json.dumps(out['sizes'])}")
    # Adding meetings, alternating which tree goes first.
    copies = {}
    for k, (_t, ix) in trees.items():
        dest = work / k / "index"
        shutil.rmtree(dest.parent, ignore_errors=True)
        dest.parent.mkdir(parents=True)
        shutil.copytree(ix, dest, symlinks=True)
        (dest / "LOCK").unlink(missing_ok=True)
        copies[k] = dest
    adds: dict[str, list] = {"before": [], "after": []}
    for r in range(rounds):
        for k in ("before", "after") if r % 2 == 0 else ("after", "before"):
            res = _child(trees[k][0], "add", str(copies[k]), str(jsonl), str(r))
            adds[k].append(res)
            log(f"round {r + 1} {k}: {res['seconds']:.2f} s {res['phases']}")
    out["adds"] = adds
    out["home_after_adds_mb"] = {k: disk_usage(copies[k]) / 1e6 for k in copies}
    for k in copies:
        shutil.rmtree(copies[k].parent, ignore_errors=True)
    out["serve"], out["latency"] = {}, {}
    for k in ("before", "after", "before", "after"):  # twice each, alternating; the lower peak is kept
        t, ix = trees[k]
        res = _child(t, "serve", str(ix))
        log(f"serve {k}: {res}")
        out["serve"].setdefault(k, []).append(res)
    out["latency"] = latency_runs(trees, log)
    out["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    out["load_start"], out["load_end"] = load_start, os.getloadavg()[0]
    out["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return out


def markdown(o: dict, command: str) -> str:
    def f(x: float, d: int = 1) -> str:
        return f"{x:.{d}f}"

    s_b, s_a = o["sizes"]["before"], o["sizes"]["after"]
    parts = [
        "whoosh",
        "paragraph records (paragraphs.bin)",
        "vectors+units (.npy)",
        "chunk table (chunks.npz)",
        "encoder (ONNX)",
        "other",
    ]
    rows = [f"| {p} | {f(s_b.get(p + '_mb', 0))} | {f(s_a.get(p + '_mb', 0))} |" for p in parts]
    raw = o["raw_text_mb"]
    add_b = [a["seconds"] for a in o["adds"]["before"]]
    add_a = [a["seconds"] for a in o["adds"]["after"]]
    add_rows = [
        f"| {i + 1} | {f(b['seconds'], 2)} | {b['phases'].get('write', 0):.2f} | {f(a['seconds'], 2)} | "
        f"{a['phases'].get('write', 0):.2f} |"
        for i, (b, a) in enumerate(zip(o["adds"]["before"], o["adds"]["after"]))
    ]
    peak = {k: min(r.get("vm_hwm_mb", float("nan")) for r in v) for k, v in o["serve"].items()}
    lat = o["latency"]
    return "\n".join(
        [
            f"## Index size and adding a meeting: format {s_a.get('format')} (issue 16 part 4, issue 12)",
            "",
            f"Measured {o['when']} by `{command}` on {o['machine']}; load average {f(o['load_start'])} at the "
            f"start, {f(o['load_end'])} at the end (the machine was shared with other jobs: compare the columns, "
            "measured alternately in one run, rather than absolute times). Before: main "
            f"(`{o['trees']['before']}`, index format {s_b.get('format')}) with its Limerick index; after: this "
            f"branch (format {s_a.get('format')}) "
            "with the same corpus built by `benchmarks.build_limerick` (vectors from the embedding cache).",
            "",
            "| part of the Limerick index, MB | before | after |",
            "|---|---|---|",
            *rows,
            f"| **total** | **{f(s_b['total_mb'])}** | **{f(s_a['total_mb'])}** |",
            "",
            f"Whoosh against the paragraphs' raw text ({f(raw)} MB of UTF-8 in the records' `text`): "
            f"{f(s_b['whoosh_mb'] / raw, 2)}x before, {f(s_a['whoosh_mb'] / raw, 2)}x after (target <= 3x).",
            "",
            "Adding one new meeting (a new JSON Lines record) to a copy of each index, alternating:",
            "",
            "| round | before, s | of which write, s | after, s | of which write, s |",
            "|---|---|---|---|---|",
            *add_rows,
            "",
            f"Median: **{f(statistics.median(add_b), 2)} s** before, **{f(statistics.median(add_a), 2)} s** after "
            f"(write phase {f(statistics.median(a['phases'].get('write', 0) for a in o['adds']['before']), 2)} s -> "
            f"{f(statistics.median(a['phases'].get('write', 0) for a in o['adds']['after']), 2)} s). The index folder "
            f"after the adds (the live generation and the one before it, a hard-linked file counted once): "
            f"{f(o['home_after_adds_mb']['before'], 0)} MB before, {f(o['home_after_adds_mb']['after'], 0)} MB after.",
            "",
            f"`minsearch serve --workers 1` (one process) peak RSS (VmHWM) after 30 /api/search requests (lower of "
            "two runs each): "
            f"**{f(peak['before'], 0)} MB** before, **{f(peak['after'], 0)} MB** after (target <= 500 MB).",
            "",
            f"Warm hybrid latency in one process ({lat['before'][0]['n'] // 2} queries x 2, limit 10, no snippets; "
            f"two runs each, alternating): p50 {', '.join(f(r['p50_ms']) for r in lat['before'])} / p95 "
            f"{', '.join(f(r['p95_ms']) for r in lat['before'])} ms before, p50 "
            f"{', '.join(f(r['p50_ms']) for r in lat['after'])} / p95 {', '.join(f(r['p95_ms']) for r in lat['after'])} "
            "ms after (targets 50 / 150 ms on a quiet machine).",
            "",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", type=Path, required=True)
    ap.add_argument("--before-index", type=Path, required=True)
    ap.add_argument("--after-index", type=Path, required=True)
    # The newest conversion of Limerick (benchmarks.common.converted_path names them by importer).
    conversions = sorted((HERE / ".cache" / "corpora").glob("limerick-all.import_corpus*.jsonl"), key=os.path.getmtime)
    ap.add_argument("--jsonl", type=Path, default=conversions[-1] if conversions else None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", type=Path, default=HERE / ".cache" / "store-size-tmp")
    ap.add_argument(
        "--write", action="store_true", help="write benchmarks/results/store_size.md (RESULTS.md includes it)"
    )
    args = ap.parse_args()
    out = run(args.before, args.before_index, args.after_index, args.jsonl, args.rounds, args.work)
    (HERE / ".cache" / "store_size.json").write_text(json.dumps(out, indent=1))
    print(json.dumps(out, indent=1))
    if args.write:
        command = "python -m benchmarks.store_size " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        (HERE / "results" / "store_size.md").write_text(markdown(out, command))


if __name__ == "__main__":
    main()
