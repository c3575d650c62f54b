"""Background job: build (and cache) the Limerick indexes the speed section needs.

``python -m benchmarks.build_limerick --data DIR [--fractions 1.0,0.1,0.3]`` (long: ~20 min for 100%).
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

from .common import cached_index, corpus_jsonl, corpus_size, file_hash


def build_fraction(data: Path, frac: float, encoder=None, log=print, name: str = "limerick"):
    n = corpus_size(name, data)
    limit = None if frac >= 1.0 else max(1, math.ceil(n * frac))
    jsonl, conv = corpus_jsonl(name, data, limit, log=log)
    home, summary = cached_index(f"{name}-{int(round(frac * 100))}pct", [jsonl], file_hash(jsonl), encoder, log)
    return home, summary, jsonl, conv


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--fractions", default="1.0,0.1,0.3")
    ap.add_argument("--corpus", default="limerick")
    a = ap.parse_args()
    from minsearch.encode import DocumentEncoder

    enc = DocumentEncoder("all-MiniLM-L6-v2")
    for f in a.fractions.split(","):
        home, summary, _j, conv = build_fraction(a.data, float(f), enc, name=a.corpus)
        print(f"{a.corpus} {f}: {home} {summary['seconds']} ({conv})", flush=True)


if __name__ == "__main__":
    main()
