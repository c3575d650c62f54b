"""Speed and size: build throughput, warm and cold query latency, server memory, size on disk,
growth with corpus size, incremental re-index. Limerick indexes come from build_limerick (cached)."""

from __future__ import annotations

import json
import math
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Optional

from .common import (
    CACHE,
    NotCached,
    cached_index,
    corpus_jsonl,
    corpus_size,
    dir_size,
    file_hash,
    judged_rows,
    plain_query,
)

# Realistic questions to a council-minutes search (used for latency only, not for quality).
LATENCY_QUERIES = [
    "housing adaptation grants",
    "traffic calming measures",
    "public lighting repairs",
    "derelict sites levy",
    "social housing waiting list",
    "planning permission for wind farm",
    "flooding in the town centre",
    "Christmas lights funding",
    "speed limit review",
    "road resurfacing programme",
    "litter and illegal dumping",
    "homeless services funding",
    "library opening hours",
    "playground equipment",
    "greenway cycle route",
    "vacant property tax",
    "budget for the coming year",
    "water services Irish Water",
    "footpath repairs near the school",
    "notice of motion on climate action",
    "casual trading bye-laws",
    "election of Cathaoirleach",
    "community development grants",
    "Garda presence in the city centre",
    "anti-social behaviour",
    "rural transport bus service",
    "tourism strategy",
    "local property tax adjustment",
    "dog fouling enforcement",
    "car parking charges",
    "disabled parking spaces",
    "estate taken in charge",
    "compulsory purchase order",
    "noise complaints",
    "allotments and community gardens",
    "burial ground extension",
    "broadband rollout",
    "funding for sports clubs",
    "fire service",
    "Shannon estuary development",
]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    f, c = math.floor(k), math.ceil(k)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def limerick_index(data: Path, frac: float, encoder, log=print, limit: Optional[int] = None, build: bool = True):
    """(home, build summary, jsonl, converter) for a fraction of Limerick (or the first ``limit`` records)."""
    if limit is None:
        n = corpus_size("limerick", data)
        limit = None if frac >= 1.0 else max(1, math.ceil(n * frac))
        name = f"limerick-{int(round(frac * 100))}pct"
    else:
        name = f"limerick-first{limit}"
    jsonl, conv = corpus_jsonl("limerick", data, limit, log=log)
    home, summary = cached_index(name, [jsonl], file_hash(jsonl), encoder, log, build=build)
    return home, summary, jsonl, conv


def build_figures(summary: dict) -> dict:
    s = summary["seconds"]
    total = s.get("total", float("nan"))
    embed = s.get("embed", 0.0)
    chunks = summary["new_chunks"] or summary["chunks"]
    return {
        "documents": summary["documents"],
        "chunks": summary["chunks"],
        "seconds": s,
        "chunks_per_s_total": chunks / total if total else float("nan"),
        "chunks_per_s_embed": chunks / embed if embed else float("nan"),
        "chunks_per_s_read_and_chunk": chunks / s["read_and_chunk"] if s.get("read_and_chunk") else float("nan"),
        "chunks_per_s_write": chunks / s["write"] if s.get("write") else float("nan"),
        "non_encoding_share": (total - embed) / total if total else float("nan"),
        # {"embedded": n, "cached": n}: texts embedded, and taken from the embedding cache, when
        # benchmarks.build_limerick built it (absent: not recorded)
        "embedding_cache": summary.get("embedding_cache"),
    }


def warm_latency(
    home: Path,
    queries: list[str],
    modes=("keyword", "semantic", "hybrid"),
    snippets_opts=(False, True),
    reps: int = 2,
    log=print,
) -> dict:
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.search import Searcher

    s = Searcher(load_settings(index_dir=home))
    for q in queries[:3]:  # warm up: encoder load, Whoosh caches, page cache
        for m in modes:
            s.search(Query(text=plain_query(q), mode=m, limit=10), strict=False, snippets=True)
    out = {}
    for snip in snippets_opts:
        for m in modes:
            lat = []
            for _ in range(reps):
                for q in queries:
                    t = time.perf_counter()
                    s.search(Query(text=plain_query(q), mode=m, limit=10), strict=False, snippets=snip)
                    lat.append((time.perf_counter() - t) * 1000)
            key = f"{m}{' +snippets' if snip else ''}"
            out[key] = {"p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "mean_ms": statistics.mean(lat), "n": len(lat)}
            log(f"    latency {key:22s} p50 {out[key]['p50_ms']:7.1f} ms  p95 {out[key]['p95_ms']:7.1f} ms")
    s.close()
    return out


def minsearch_exe() -> list[str]:
    exe = Path(sys.executable).with_name("minsearch")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "minsearch.app.cli"]


def cold_cli(home: Path, runs: int = 5, log=print) -> dict:
    out = {}
    for mode in ("keyword", "hybrid"):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            p = subprocess.run(
                minsearch_exe() + ["query", "dental checks", "--index", str(home), "--mode", mode, "--limit", "10"],
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - t)
            if p.returncode != 0:
                return {"error": f"minsearch query exited {p.returncode}: {p.stderr.strip()[-300:]}"}
        out[mode] = {"median_s": statistics.median(times), "runs": [round(x, 3) for x in times]}
        log(f"    cold `minsearch query --mode {mode}`: median {out[mode]['median_s']:.2f} s over {runs}")
    return out


def serve_memory(home: Path, queries: list[str], log=print) -> dict:
    """Peak RSS (VmHWM) of `minsearch serve` after a few /api/search requests."""
    from benchmarks.serve_process import ServeProcess, ServerDidNotStart

    try:
        srv = ServeProcess(home, CACHE / "serve.log", timeout=90, command=minsearch_exe()).__enter__()
    except ServerDidNotStart as e:
        return {"skipped": str(e).strip().splitlines()[-1][:300]}
    try:
        lat = []
        for q in queries[:10]:
            for mode in ("hybrid", "keyword", "semantic"):
                t = time.perf_counter()
                urllib.request.urlopen(
                    f"{srv.base}/api/search?" + urllib.parse.urlencode({"q": q, "mode": mode}), timeout=60
                ).read()
                lat.append((time.perf_counter() - t) * 1000)
        status = Path(f"/proc/{srv.pid}/status").read_text()
        fields = {l.split(":")[0]: l.split(":")[1].strip() for l in status.splitlines() if ":" in l}
        hwm_kb = int(fields["VmHWM"].split()[0])
        rss_kb = int(fields["VmRSS"].split()[0])
        out = {
            "vm_hwm_mb": hwm_kb / 1024,
            "vm_rss_mb": rss_kb / 1024,
            "requests": len(lat),
            "http_p50_ms": pct(lat, 50),
            "http_p95_ms": pct(lat, 95),
        }
        log(f"    serve: peak RSS {out['vm_hwm_mb']:.0f} MB after {len(lat)} requests")
        return out
    finally:
        srv.__exit__(None, None, None)


def size_on_disk(home: Path) -> dict:
    total = dir_size(home)
    parts: dict[str, int] = {}
    for f in home.rglob("*"):
        if f.is_file() and not f.is_symlink():
            key = (
                "whoosh"
                if "whoosh" in f.parts
                else "encoder (ONNX)"
                if "encoder" in f.parts
                else "vectors+units (.npy)"
                if f.suffix == ".npy"
                else "chunk table (chunks.npz)"
                if f.suffix == ".npz"
                else "paragraph records (paragraphs.bin)"
                if f.name == "paragraphs.bin"
                else "other"
            )
            parts[key] = parts.get(key, 0) + f.stat().st_size
    return {"total_mb": total / 1e6, **{f"{k}_mb": v / 1e6 for k, v in parts.items()}}


def incremental(home: Path, jsonl: Path, encoder, log=print) -> dict:
    """Add one meeting (a second JSONL file with one new record) to a copy of the index; then a no-op run."""
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths

    work = CACHE / "incremental-tmp"
    if work.exists():
        shutil.rmtree(work)
    t = time.perf_counter()
    shutil.copytree(home, work / "index", symlinks=True)
    (work / "index" / "LOCK").unlink(missing_ok=True)
    copy_s = time.perf_counter() - t
    with open(jsonl, encoding="utf-8") as fh:
        last = None
        for line in fh:
            if line.strip():
                last = line
    rec = json.loads(last)
    rec["id"] = rec["id"] + "~benchmark-new-meeting"
    rec["text"] = rec["text"] + "\n\nAny other business: the members noted a new benchmark item.\n"
    extra = work / "new-meeting.jsonl"
    extra.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    settings = load_settings(index_dir=work / "index")
    t = time.perf_counter()
    # As a publisher runs it: no preloaded model; the indexer uses the index's ONNX export.
    add = index_paths([jsonl, extra], settings)
    add_s = time.perf_counter() - t
    t = time.perf_counter()
    noop = index_paths([jsonl, extra], settings)
    noop_s = time.perf_counter() - t
    out = {
        "add_one_s": add_s,
        "add_summary": {"added": len(add.added), "new_chunks": add.new_chunks, "seconds": add.seconds},
        "noop_s": noop_s,
        "noop_summary": {"published": noop.published, "seconds": noop.seconds},
        "copy_index_s": copy_s,
        "encoder_preloaded": False,
    }
    log(f"    incremental: add one meeting {add_s:.2f} s ({add.new_chunks} chunks), no-op {noop_s:.2f} s")
    shutil.rmtree(work, ignore_errors=True)
    return out


def judged_limerick_queries() -> list[str]:
    return [r["query"] for r in judged_rows() if r.get("corpus") == "limerick"]


def run(
    data: Path,
    encoder,
    smoke: bool = False,
    log=print,
    seeds_home: Optional[Path] = None,
    growth: tuple[float, ...] = (0.1, 0.3, 1.0),
    build: bool = True,
) -> dict:
    out: dict = {}
    if not (data / "limerick-council-minutes").is_dir():
        out["skipped"] = f"{data / 'limerick-council-minutes'} not found"
        return out
    queries = LATENCY_QUERIES[:5] if smoke else LATENCY_QUERIES + judged_limerick_queries()
    out["latency_queries"] = len(queries)
    if smoke:
        home, summary, jsonl, conv = limerick_index(data, 0, encoder, log, limit=3)
        fracs = {"smoke": (home, summary)}
    else:
        fracs, missing = {}, {}
        for f in sorted(set(growth) | {1.0}):
            try:
                home, summary, jsonl_f, conv = limerick_index(data, f, encoder, log, build=build)
            except NotCached as e:
                missing[f"{int(f * 100)}%"] = f"not run: {e}"
                log(f"    limerick {int(f * 100)}%: {e}")
                continue
            fracs[f"{int(f * 100)}%"] = (home, summary)
            jsonl = jsonl_f
        out["missing"] = missing
        if not fracs:
            out["skipped"] = "no Limerick index is built yet: " + "; ".join(missing.values())
            return out
    out["converter"] = conv
    label_full = "smoke" if smoke else max(fracs, key=lambda k: fracs[k][1]["chunks"])
    out["full_label"] = label_full
    home_full, summary_full = fracs[label_full]
    out["index"] = str(home_full)
    out["build"] = build_figures(summary_full)
    log(
        f"    build: {out['build']['chunks']} chunks, {out['build']['chunks_per_s_total']:.1f} chunks/s, "
        f"non-encoding share {out['build']['non_encoding_share']:.1%}"
    )
    out["warm_latency"] = warm_latency(home_full, queries, reps=1 if smoke else 2, log=log)
    out["size"] = size_on_disk(home_full)
    growth = {}
    for label, (h, s) in fracs.items():
        lat = (
            out["warm_latency"] if h == home_full else warm_latency(h, queries, snippets_opts=(False,), reps=1, log=log)
        )
        growth[label] = {
            "chunks": s["chunks"],
            "documents": s["documents"],
            "build_s": s["seconds"]["total"],
            "embed_s": s["seconds"].get("embed", 0.0),
            "size_mb": dir_size(h) / 1e6,
            "latency": {m: lat[m] for m in ("keyword", "semantic", "hybrid")},
        }
    if not smoke:
        from .build_limerick import cleveland_index

        try:
            h, s = cleveland_index(data, log=log, build=False)
        except NotCached as e:
            out["growth_cleveland"] = f"not run: {e}"
        else:
            lat = warm_latency(h, queries, snippets_opts=(False,), reps=1, log=log)
            growth["100% + Cleveland"] = {
                "chunks": s["chunks"],
                "documents": s["documents"],
                "build_s": s["seconds"]["total"],
                "embed_s": s["seconds"].get("embed", 0.0),
                "size_mb": dir_size(h) / 1e6,
                "latency": {m: lat[m] for m in ("keyword", "semantic", "hybrid")},
                "note": "Limerick 100% build + Cleveland added incrementally "
                f"({s['parts']['cleveland_add']['seconds'].get('total', 0):.0f} s)",
            }
    out["growth"] = growth
    if seeds_home is not None:
        out["cold_cli"] = cold_cli(seeds_home, runs=1 if smoke else 5, log=log)
    out["serve"] = serve_memory(home_full, queries, log=log) if not smoke else {"skipped": "not run in --smoke"}
    out["incremental"] = incremental(home_full, jsonl, encoder, log=log)
    return out
