"""Build speed, before and after (issue 16 target 3): ``minsearch index`` of one corpus by two
checkouts, alternating, each in a new process and a new index folder, on this machine in one run.

    python -m benchmarks.build --before /path/to/old/checkout --corpus kent.jsonl [--rounds 2]
    python -m benchmarks.build --checkout torch=DIR --checkout float32=DIR --checkout int8=. --corpus FILE

``--checkout LABEL=DIR`` (repeated) builds with any number of checkouts in one run instead, in a
rotating order each round (a label starting with "torch" is measured with torch's start-up); each
checkout's own chunker counts the units.

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

from .common import checkout_env

HERE = Path(__file__).resolve().parent.parent
MODEL = "all-MiniLM-L6-v2"


def _env(checkout: Path) -> dict:
    env = checkout_env(checkout, MINSEARCH_MODEL=MODEL)
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
    code = _STARTUP["before" if which.startswith("torch") else "after"].format(m=MODEL)
    subprocess.run([sys.executable, "-c", code], env=_env(checkout), cwd=checkout, check=True)
    return time.perf_counter() - t


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", type=Path, default=None, help="checkout of the code before (e.g. main)")
    ap.add_argument("--after", type=Path, default=HERE, help="checkout of the code after (default: this one)")
    ap.add_argument("--corpus", type=Path, required=True, help="a JSON Lines corpus (minsearch import output)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--query", default="children in care waiting for a dentist")
    ap.add_argument("--out", type=Path, default=HERE / "benchmarks" / "results" / "build.md")
    ap.add_argument("--checkout", action="append", default=[], help="LABEL=DIR, repeated: N checkouts in one run")
    args = ap.parse_args(argv)
    if args.checkout:
        many(args)
        return
    if args.before is None:
        ap.error("--before or --checkout is required")

    lines, work, part = split_corpus(args.corpus)
    units = units_of(part)
    print(f"{args.corpus.name}: {len(lines) - 1} records, {units} embedding units", flush=True)
    checkouts = {"before": args.before, "after": args.after}
    runs, starts = rounds(checkouts, {k: units for k in checkouts}, part, args, work)
    shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(report(args, len(lines) - 1, units, runs, starts), encoding="utf-8")
    print(f"wrote {args.out}")


def split_corpus(corpus: Path) -> tuple[list[str], Path, Path]:
    """The corpus's lines, a new work folder, and in it the corpus but its last record (the
    meeting each build then adds)."""
    lines = corpus.read_text(encoding="utf-8").splitlines()
    work = Path(tempfile.mkdtemp(prefix="build-bench-"))
    part = work / f"{corpus.stem}.jsonl"
    part.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    return lines, work, part


def rounds(
    checkouts: dict[str, Path], units: dict[str, int], part: Path, args, work: Path
) -> tuple[dict[str, list[dict]], dict[str, list[float]]]:
    """``args.rounds`` rounds of one build by each checkout, then each one's model start-up alone;
    the order rotated each round, so each checkout takes each place in turn (two of them
    alternate). Returns each checkout's builds and start-ups, in round order."""
    labels = list(checkouts)
    runs: dict[str, list[dict]] = {lab: [] for lab in labels}
    starts: dict[str, list[float]] = {lab: [] for lab in labels}
    for r in range(args.rounds):
        order = labels[r % len(labels) :] + labels[: r % len(labels)]
        for lab in order:
            res = one_build(checkouts[lab], part, args.corpus, work / lab, units[lab], args.query)
            runs[lab].append(res)
            print(
                f"round {r + 1} {lab}: "
                + json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in res.items()}),
                flush=True,
            )
        for lab in order:
            starts[lab].append(startup(checkouts[lab], lab))
            print(f"round {r + 1} {lab} start-up {starts[lab][-1]:.1f}s", flush=True)
    return runs, starts


_UNITS = """
from pathlib import Path
from minsearch.encode import embedding_units, load_tokenizer, model_spec
from minsearch.indexer import _Silent, scan_sources
from minsearch.ingest.chunker import chunk_document
tok = load_tokenizer(model_spec({m!r}))
n = 0
for doc in scan_sources([Path({c!r})], _Silent()).docs:
    chunks = chunk_document(doc)
    if chunks:
        n += len(embedding_units(chunks, tok)[0])
print(n)
"""


def units_in(checkout: Path, corpus: Path) -> int:
    """Embedding units of ``corpus`` as ``checkout``'s own chunker cuts it (:func:`units_of` there)."""
    code = _UNITS.format(m=MODEL, c=str(corpus))
    p = subprocess.run(
        [sys.executable, "-c", code], env=_env(checkout), cwd=checkout, capture_output=True, text=True, check=True
    )
    return int(p.stdout.strip().splitlines()[-1])


def many(args) -> None:
    """N checkouts (``--checkout LABEL=DIR``), each building the corpus in a new process, the order
    rotated each round; medians and every ratio from this one run."""
    checkouts = {lab: Path(d).resolve() for lab, d in (c.split("=", 1) for c in args.checkout)}
    lines, work, part = split_corpus(args.corpus)
    units = {lab: units_in(d, part) for lab, d in checkouts.items()}
    print(f"{args.corpus.name}: {len(lines) - 1} records, units {units}", flush=True)
    runs, starts = rounds(checkouts, units, part, args, work)
    shutil.rmtree(work, ignore_errors=True)
    raw = {
        "corpus": str(args.corpus),
        "records": len(lines) - 1,
        "units": units,
        "runs": runs,
        "starts": starts,
        "checkouts": {k: str(v) for k, v in checkouts.items()},
        "cpus": os.cpu_count(),
    }
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    args.out.write_text(report_many(args, raw), encoding="utf-8")
    print(f"wrote {args.out}")


def report_many(args, raw: dict) -> str:
    runs, starts, units = raw["runs"], raw["starts"], raw["units"]
    labels = list(runs)
    base = labels[0]
    loads = [x["load"] for lab in labels for x in runs[lab]]

    def med(lab: str, key: str) -> float:
        return median(x[key] for x in runs[lab])

    out = [
        f"`python -m benchmarks.build {' '.join('--checkout ' + c for c in args.checkout)} --corpus {args.corpus.name} "
        f"--rounds {args.rounds}`: {raw['records']} records, each checkout building a new index in a new process, "
        f"order rotated each round, medians of {args.rounds}; load average {min(loads):.1f}-{max(loads):.1f} on "
        f"{raw['cpus']} cores. Speed-up: {base}'s median over each one's.",
        "",
        "| checkout | weights | units | wall s | speed-up | embed s | speed-up | units/s | start-up s | meeting added s | cold hybrid s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lab in labels:
        out.append(
            f"| {lab} | {runs[lab][0]['weights']} | {units[lab]} | {med(lab, 'wall'):.1f} | "
            f"{med(base, 'wall') / med(lab, 'wall'):.2f}x | {med(lab, 'embed'):.1f} | {med(base, 'embed') / med(lab, 'embed'):.2f}x | "
            f"{med(lab, 'units_per_s'):.1f} | {median(starts[lab]):.1f} | {med(lab, 'meeting_added'):.1f} | {med(lab, 'cold_hybrid'):.2f} |"
        )
    out += ["", "| round | checkout | wall s | embed s | units/s | load |", "|---|---|---|---|---|---|"]
    for i in range(args.rounds):
        for lab in labels:
            x = runs[lab][i]
            out.append(
                f"| {i + 1} | {lab} | {x['wall']:.1f} | {x['embed']:.1f} | {x['units_per_s']:.1f} | {x['load']:.1f} |"
            )
    return "\n".join(out) + "\n"


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
