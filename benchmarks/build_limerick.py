"""Background job: build (and cache) the Limerick indexes the speed section needs.

``python -m benchmarks.build_limerick --data DIR [--fractions 1.0,0.1,0.3] [--cleveland]``
(long: ~20-50 min for 100%; ``--cleveland`` adds ~150k Cleveland chunks, about another 35-60 min).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import time
from pathlib import Path

from .common import LogProgress, cache_slot, cached_index, corpus_jsonl, corpus_size, file_hash


def build_fraction(data: Path, frac: float, encoder=None, log=print, name: str = "limerick", build: bool = True):
    n = corpus_size(name, data)
    limit = None if frac >= 1.0 else max(1, math.ceil(n * frac))
    jsonl, conv = corpus_jsonl(name, data, limit, log=log)
    home, summary = cached_index(
        f"{name}-{int(round(frac * 100))}pct", [jsonl], file_hash(jsonl), encoder, log, build=build
    )
    return home, summary, jsonl, conv


def cleveland_index(data: Path, log=print, build: bool = True) -> tuple[Path, dict]:
    """Limerick 100% + Cleveland: a copy of the cached Limerick index with Cleveland added to it.

    The added documents are embedded exactly as a publisher's incremental ``minsearch index`` run
    would (the index's ONNX export); the recorded build time is the Limerick build plus this add.
    """
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths

    lim_home, lim_summary, _j, _c = build_fraction(data, 1.0, None, log=log, build=build)
    cle_jsonl, _conv = corpus_jsonl("cleveland", data, None, log=log)
    folder, home, cached = cache_slot(
        f"limerick-cleveland-{file_hash(cle_jsonl, lim_home.parent.name)}",
        build,
        "run benchmarks.build_limerick --cleveland",
    )
    if cached is not None:
        return home, cached
    done = folder / "summary.json"
    log(f"  copying {lim_home} and adding Cleveland ...")
    shutil.copytree(lim_home, home, symlinks=True)
    t = time.perf_counter()
    add = index_paths([cle_jsonl], load_settings(index_dir=home), progress=LogProgress(log)).to_json()
    wall = time.perf_counter() - t
    keys = set(lim_summary["seconds"]) | set(add["seconds"])
    out = dict(add)
    out["seconds"] = {k: round(lim_summary["seconds"].get(k, 0.0) + add["seconds"].get(k, 0.0), 3) for k in keys}
    out["parts"] = {"limerick": lim_summary, "cleveland_add": add, "cleveland_add_wall_seconds": wall}
    out["sources"] = [str(cle_jsonl)]
    done.write_text(json.dumps(out, indent=1))
    log(f"  built {folder.name}: {out['documents']} docs, {out['chunks']} chunks; Cleveland added in {wall:.1f}s")
    return home, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--fractions", default="1.0,0.1,0.3")
    ap.add_argument("--corpus", default="limerick")
    ap.add_argument("--cleveland", action="store_true", help="also build Limerick 100%% + Cleveland")
    a = ap.parse_args()
    from .embed_cache import caching_encoder

    # The embedding cache (the product's ONNX export behind a SQLite file of vectors by text): a chunker
    # or format change re-embeds only the texts it changed (the whole of Limerick took ~25 minutes).
    enc = caching_encoder("all-MiniLM-L6-v2")
    for f in a.fractions.split(","):
        hits, misses = enc.hits, enc.misses
        home, summary, _j, conv = build_fraction(a.data, float(f), enc, name=a.corpus)
        if (enc.hits, enc.misses) != (hits, misses) and "embedding_cache" not in summary:
            # Built now: how many of its texts the cache gave (the report says the embedding row
            # is then not a whole build's).
            summary["embedding_cache"] = {"embedded": enc.misses - misses, "cached": enc.hits - hits}
            (home.parent / "summary.json").write_text(json.dumps(summary, indent=1))
        print(
            f"{a.corpus} {f}: {home} {summary['seconds']} (embedded {enc.misses}, cached {enc.hits}) ({conv})",
            flush=True,
        )
    if a.cleveland:
        home, summary = cleveland_index(a.data)
        print(f"limerick+cleveland: {home} {summary['seconds']}", flush=True)


if __name__ == "__main__":
    main()
