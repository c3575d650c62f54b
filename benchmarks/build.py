"""Build speed, before and after (issue 16 target 3): ``minsearch index`` of one corpus by two
checkouts, alternating, each in a new process and a new index folder, on this machine in one run.

    python -m benchmarks.build --before /path/to/old/checkout --corpus kent.jsonl [--rounds 2]

For each build: wall time of the whole command, the indexer's own "embed" seconds (model start-up
included) and the embedding units per second over that; then, on the index just built, one meeting
added (the corpus's last record, left out of the build) and a cold hybrid ``minsearch query``.
Also the start-up alone: torch + sentence-transformers loaded (before) against the ONNX export
written from the weights and opened (after). Writes ``benchmarks/results/build.md``.
The embedding cache of the other benchmarks is not used: every unit is embedded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Optional

HERE = Path(__file__).resolve().parent.parent
MODEL = "all-MiniLM-L6-v2"


def _env(checkout: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(checkout), MINSEARCH_MODEL=MODEL, HF_HUB_OFFLINE="1")
    env.pop("MINSEARCH_INDEX", None)
    return env


def _cli(checkout: Path, *args: str) -> tuple[float, str]:
    t = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "minsearch.app.cli", *args],
        env=_env(checkout),
        cwd=checkout,  # `python -m` puts the working directory before PYTHONPATH
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{checkout}: minsearch {' '.join(args)} failed:\n{p.stderr[-2000:]}")
    return wall, p.stdout + p.stderr


def _load() -> float:
    return os.getloadavg()[0]


def units_of(corpus: Path) -> int:
    """Embedding units of the corpus (this checkout's chunker and windows)."""
    from minsearch.encode import embedding_units, load_tokenizer, model_spec
    from minsearch.indexer import _Silent, scan_sources
    from minsearch.ingest.chunker import chunk_document

    tok = load_tokenizer(model_spec(MODEL))
    n = 0
    for doc in scan_sources([corpus], _Silent()).docs:
        chunks = chunk_document(doc)
        if chunks:
            n += len(embedding_units(chunks, tok)[0])
    return n


def one_build(checkout: Path, corpus: Path, full: Path, work: Path, units: int, query: str) -> dict:
    home = work / "index"
    shutil.rmtree(home, ignore_errors=True)
    load0 = _load()
    wall, out = _cli(checkout, "index", str(corpus), "--index", str(home))
    m = re.search(r"embed ([0-9.]+)s", out)
    embed = float(m.group(1)) if m else float("nan")
    added, _ = _cli(checkout, "index", str(full), "--index", str(home))
    cold = [_cli(checkout, "query", query, "--index", str(home), "--limit", "10")[0] for _ in range(3)]
    weights = "float32 (torch export)"
    info = home / "encoder" / MODEL / "encoder.json"
    if info.is_file():
        weights = json.loads(info.read_text()).get("weights", weights)
    return {
        "wall": wall,
        "embed": embed,
        "units_per_s": units / embed if embed == embed and embed > 0 else float("nan"),
        "meeting_added": added,
        "cold_hybrid": median(cold),
        "weights": weights,
        "load": (load0 + _load()) / 2,
    }


_STARTUP = {
    "before": "from minsearch.encode import TorchEncoder; TorchEncoder({m!r})",
    "after": (
        "import tempfile, pathlib; from minsearch.encode import OnnxEncoder, write_onnx_export; "
        "from minsearch.encode_export import QUANTIZE; d = pathlib.Path(tempfile.mkdtemp()) / 'enc'; "
        "write_onnx_export({m!r}, d, QUANTIZE); OnnxEncoder(d, {m!r}).encode(['warm up'])"
    ),
}


def startup(checkout: Path, which: str) -> float:
    t = time.perf_counter()
    code = _STARTUP[which].format(m=MODEL)
    subprocess.run([sys.executable, "-c", code], env=_env(checkout), cwd=checkout, check=True)
    return time.perf_counter() - t


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, required=True, help="checkout of the code before (e.g. main)")
    ap.add_argument("--after", type=Path, default=HERE, help="checkout of the code after (default: this one)")
    ap.add_argument("--corpus", type=Path, required=True, help="a JSON Lines corpus (minsearch import output)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--query", default="children in care waiting for a dentist")
    ap.add_argument("--out", type=Path, default=HERE / "benchmarks" / "results" / "build.md")
    args = ap.parse_args(argv)

    lines = args.corpus.read_text(encoding="utf-8").splitlines()
    work = Path(tempfile.mkdtemp(prefix="build-bench-"))
    part = work / f"{args.corpus.stem}.jsonl"  # all but the last record: the last is the meeting added
    part.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    units = units_of(part)
    print(f"{args.corpus.name}: {len(lines) - 1} records, {units} embedding units", flush=True)
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    starts: dict[str, list[float]] = {"before": [], "after": []}
    checkouts = {"before": args.before, "after": args.after}
    for r in range(args.rounds):
        order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
        for which in order:
            res = one_build(checkouts[which], part, args.corpus, work / which, units, args.query)
            runs[which].append(res)
            print(
                f"round {r + 1} {which}: "
                + json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in res.items()}),
                flush=True,
            )
        for which in order:
            starts[which].append(startup(checkouts[which], which))
            print(f"round {r + 1} {which} start-up {starts[which][-1]:.1f}s", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(report(args, len(lines) - 1, units, runs, starts), encoding="utf-8")
    print(f"wrote {args.out}")


def report(args, records: int, units: int, runs: dict, starts: dict) -> str:
    def med(which: str, key: str) -> float:
        return median(x[key] for x in runs[which])

    b, a = "before", "after"
    loads = [x["load"] for w in runs for x in runs[w]]

    def row(label: str, key: str, unit: str = " s", digits: int = 1, higher_is_better: bool = False) -> tuple:
        """One measure before and after, and the speed-up (after over before when more is better)."""
        before, after = med(b, key), med(a, key)
        return (
            label,
            f"{before:.{digits}f}{unit}",
            f"{after:.{digits}f}{unit}",
            after / before if higher_is_better else before / after,
        )

    rows = [
        row("`minsearch index` wall time", "wall"),
        row("embed phase (model start-up included)", "embed"),
        row("units/s over the embed phase", "units_per_s", unit="", higher_is_better=True),
        (
            "model start-up alone",
            f"{median(starts[b]):.1f} s",
            f"{median(starts[a]):.1f} s",
            median(starts[b]) / median(starts[a]),
        ),
        row("one meeting added (new process)", "meeting_added"),
        row("cold hybrid `minsearch query`", "cold_hybrid", digits=2),
    ]
    out = [
        "## Build speed before and after issue 16 target 3",
        "",
        f"`python -m benchmarks.build --before <checkout before> --corpus {args.corpus.name} --rounds {args.rounds}`: "
        f"{records} records ({units} embedding units), each checkout building a new index in a new process, "
        f"alternating, {args.rounds} rounds, medians shown. Load average during the builds "
        f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores (other engineers' jobs): read the ratios.",
        f"Weights the build embedded with: before {runs[b][0]['weights']}, after {runs[a][0]['weights']}.",
        "",
        "| measure | before | after | speed-up |",
        "|---|---|---|---|",
    ]
    out += [f"| {name} | {x} | {y} | {r:.2f}x |" for name, x, y, r in rows]
    out += [
        "",
        "Each run:",
        "",
        "| round | code | wall s | embed s | units/s | meeting added s | cold hybrid s | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for which in (b, a):
        for i, x in enumerate(runs[which]):
            out.append(
                f"| {i + 1} | {which} | {x['wall']:.1f} | {x['embed']:.1f} | {x['units_per_s']:.1f} | "
                f"{x['meeting_added']:.1f} | {x['cold_hybrid']:.2f} | {x['load']:.1f} |"
            )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
