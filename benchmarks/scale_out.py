"""Scale-out check: the Milvus backend next to the embedded one, and Ray embedding throughput.

    python -m benchmarks.scale_out [--data ../shared/data] [--limerick] [--texts 500]
                                   [--skip-quality] [--skip-throughput]

(a) nDCG@10 / recall@100 / MRR@10 on every judged set (the four IR sets and the minutes set over
    seeds and Kent, plus Limerick with ``--limerick``) in keyword, semantic and hybrid mode, with
    the embedded store and with Milvus (a real server: the C++ core of milvus-lite, started on
    127.0.0.1 by benchmarks/milvus_server.py). The Milvus index is a copy of the cached embedded
    benchmark index (same chunks, same vectors), so the differences are the stores' own.
    Needs the cached indexes of ``python -m benchmarks.run`` (quality section).
(b) Embedding throughput for ``--texts`` paragraphs: one process (TorchEncoder, 2 torch
    threads) against ``ray_encode`` on a local 2-CPU Ray cluster (2 actors x 1 thread), with the
    per-worker rate and what N such workers would take for 10 million paragraphs.

Writes benchmarks/results/scale_out.md (a skipped section keeps its previous text); the
benchmark report includes it in RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "scale_out.md"


def milvus_copy(home: Path, settings, log) -> float:
    """Write the embedded index at ``home`` into Milvus: the same chunks and the same vectors.

    Nothing is re-chunked or re-embedded, so any difference in results is the store's own.
    Returns the seconds the writes took.
    """
    import json
    from collections import defaultdict

    from minsearch.store.base import DocRecord, DocUpdate
    from minsearch.store.embedded import EmbeddedStore
    from minsearch.store.milvus import milvus_writer
    from minsearch.store.vectors import VectorIndex

    store = EmbeddedStore(home)
    with store.pinned() as view:
        gen = view.gen.folder
        records = {k: DocRecord(**v) for k, v in json.loads((gen / "docs.json").read_text()).items()}
        vi = VectorIndex.load(gen)
        by_doc: dict[str, list] = defaultdict(list)
        for c in view.gen.chunks_at(list(range(len(vi.table)))):
            by_doc[c.doc_id].append(c)
    store.close()
    row_of = {cid: i for i, cid in enumerate(vi.table.chunk_ids())}
    starts = vi._starts.tolist() + [len(vi.units)]
    span = {int(vi.units[a]): (a, b) for a, b in zip(starts[:-1], starts[1:])}  # chunk row -> unit rows
    vectors = np.asarray(vi.vectors, dtype=np.float32)
    t = time.perf_counter()
    with milvus_writer(settings, vectors.shape[1]) as w:
        batch: list = []
        for doc_id, rec in records.items():
            chunks = sorted(by_doc.get(doc_id, []), key=lambda c: c.paragraph)
            if not chunks:
                continue
            parts, owners = [], []
            for i, c in enumerate(chunks):
                a, b = span[row_of[c.chunk_id]]
                parts.append(vectors[a:b])
                owners += [i] * (b - a)
            batch.append(
                DocUpdate(
                    record=rec, chunks=chunks, vectors=np.concatenate(parts), units=np.asarray(owners, dtype=np.int64)
                )
            )
            if sum(len(u.units) for u in batch) >= 5000:
                w.commit(batch, [])
                batch = []
        if batch:
            w.commit(batch, [])
    secs = time.perf_counter() - t
    log(f"milvus copy of {home.parent.name}: {len(records)} docs, {len(vi.table)} chunks in {secs:.1f} s")
    return secs


def parity(data: Path, log, limerick: bool = False) -> list[str]:
    """nDCG@10 / recall@100 / MRR@10 per judged set, embedded vs Milvus (a copy of the same index)."""
    import shutil

    from benchmarks import datasets
    from benchmarks.common import JUDGED_MINUTES
    from benchmarks.milvus_server import MilvusServer
    from benchmarks.quality import eval_ir_set, eval_minutes
    from minsearch.config import load_settings
    from minsearch.store.layout import IndexLayout

    work = Path(tempfile.mkdtemp(prefix="milvus-parity-"))
    copies: dict[str, float] = {}
    rows: list[tuple[str, str, dict, dict]] = []  # (set, mode, embedded metrics, milvus metrics)
    modes = (("keyword", "keyword"), ("semantic", "semantic"), ("hybrid (default)", "hybrid"))
    with MilvusServer(work / "milvus") as srv:

        def settings_for(home: Path, name: str):
            mhome = work / name
            mhome.mkdir(parents=True)
            model = load_settings().model
            src = IndexLayout(home).encoder_dir(model)
            dst = IndexLayout(mhome).encoder_dir(model)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.symlink_to(src.resolve(), target_is_directory=True)  # the same query encoder
            st = load_settings(index_dir=mhome, backend="milvus", milvus_uri=srv.uri, milvus_collection=name)
            copies[name] = milvus_copy(home, st, log)
            return st

        for name, loader in datasets.LOADERS.items():
            if not (data / datasets.FOLDERS[name]).is_dir():
                continue
            jset = loader(data)
            emb = eval_ir_set(jset, None, smoke=True, log=log)
            mil = eval_ir_set(jset, None, smoke=True, log=log, settings_for=settings_for)
            for label, mode in modes:
                rows.append((name, mode, emb["results"][label], mil["results"][label]))
        corpora = {"seeds", "kent"} | ({"limerick"} if limerick else set())
        emb = eval_minutes(
            JUDGED_MINUTES, data, None, log=log, build_limerick=False, corpora=corpora, default_only=True
        )
        mil = eval_minutes(
            JUDGED_MINUTES,
            data,
            None,
            log=log,
            build_limerick=False,
            corpora=corpora,
            default_only=True,
            settings_for=settings_for,
        )
        for corpus, e in emb["corpora"].items():
            if "results" not in e or "results" not in mil["corpora"].get(corpus, {}):
                continue
            for label, mode in modes:
                rows.append((f"minutes/{corpus}", mode, e["results"][label], mil["corpora"][corpus]["results"][label]))
    shutil.rmtree(work, ignore_errors=True)
    out = [
        "### (a) Retrieval quality: embedded vs Milvus on every judged set",
        "",
        "Each Milvus index is a copy of the cached embedded benchmark index (same chunks, same unit vectors, "
        "written with `benchmarks.scale_out.milvus_copy`), searched through the same `Searcher` with the "
        "same query encoder and the default fusion; only the store differs. Target: |difference| <= 0.02.",
        "",
        "| set | mode | embedded nDCG@10 | Milvus nDCG@10 | difference | within 0.02 | embedded R@100 | Milvus R@100 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, mode, e, m in rows:
        d = m["ndcg@10"] - e["ndcg@10"]
        out.append(
            f"| {name} | {mode} | {e['ndcg@10']:.4f} | {m['ndcg@10']:.4f} | {d:+.4f} | "
            f"{'yes' if abs(d) <= 0.02 else '**no**'} | {e['recall@100']:.4f} | {m['recall@100']:.4f} |"
        )
    out.append("")
    for mode in ("keyword", "semantic", "hybrid"):
        ds = [abs(m["ndcg@10"] - e["ndcg@10"]) for _n, md, e, m in rows if md == mode]
        if ds:
            out.append(
                f"- {mode}{' (the default)' if mode == 'hybrid' else ''}: within 0.02 on "
                f"{sum(d <= 0.02 for d in ds)}/{len(ds)} sets (largest difference {max(ds):.4f})."
            )
    out += [
        "",
        "Milvus copy times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in copies.items()) + ".",
        "",
        "Why keyword results differ: Milvus's BM25 runs over one analysed field (agenda item title + "
        "paragraph; standard tokenizer, lower case, Snowball English stemmer, stopwords kept and left "
        "out of queries as in the embedded store) with Milvus's BM25 statistics, where the embedded "
        "store's Whoosh BM25F scores text and title as two fields (title at 0.3 weight, Porter stemming, Whoosh's IDF, lengths "
        "stored in one byte). Unit rows without text (the extra windows of long paragraphs) also count in "
        "Milvus's collection statistics. Semantic search is the same exact inner-product search "
        "over the same vectors.",
    ]
    return out


def throughput(n_texts: int, enc, log) -> list[str]:
    from minsearch.encode_ray import ray_encode

    texts = _texts(n_texts)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    t = time.perf_counter()
    single = enc.encode(texts)
    t_single = time.perf_counter() - t
    log(f"single process: {n_texts / t_single:.1f} texts/s")

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    from minsearch.encode_ray import _start

    t = time.perf_counter()
    ray, started = _start(None, 2)
    t_cluster = time.perf_counter() - t
    stamps: list[tuple[float, int]] = []
    try:
        t = time.perf_counter()
        vecs = ray_encode(
            texts, enc.spec.name, batch_size=32, progress=lambda n: stamps.append((time.perf_counter(), n))
        )
        t_ray = time.perf_counter() - t
    finally:
        if started:
            ray.shutdown()
    cos = float(np.min(np.sum(vecs * single, axis=1)))
    # Steady state: from the first batch back to the last (actor start and model load excluded).
    steady_n = sum(n for _, n in stamps[1:])
    steady_s = stamps[-1][0] - stamps[0][0] if len(stamps) > 1 else t_ray
    steady = steady_n / steady_s if steady_s > 0 else float("nan")
    per_worker = steady / 2
    log(f"ray: {n_texts / t_ray:.1f} texts/s wall, {steady:.1f}/s steady over 2 actors (min cosine {cos:.5f})")
    out = [
        f"### (b) Embedding throughput: one process vs Ray on this machine (2 cores, {n_texts} paragraphs)",
        "",
        "| run | seconds | paragraphs/s |",
        "|---|---|---|",
        f"| one process (sentence-transformers, 2 torch threads) | {t_single:.1f} | {n_texts / t_single:.1f} |",
        f"| Ray Data, 2 actors x 1 thread, wall (actor start + model load included) | {t_ray:.1f} | {n_texts / t_ray:.1f} |",
        f"| Ray Data, steady state (first batch back to last) | {steady_s:.1f} | {steady:.1f} |",
        f"| Ray local cluster start (`ray.init`, 127.0.0.1) | {t_cluster:.1f} | - |",
        "",
        f"Vectors from Ray equal the single-process ones (min cosine {cos:.5f}), in input order.",
        "",
        f"Measured per-worker rate (one 1-CPU actor, steady state): **{per_worker:.1f} paragraphs/s**. "
        f"On these 2 cores Ray's steady rate was {steady / (n_texts / t_single):.2f}x one process "
        f"({_verdict(steady / (n_texts / t_single))}), and its wall time includes {t_ray - steady_s:.0f} s "
        f"of actor start and model load per run (plus {t_cluster:.0f} s to start the cluster), so on one "
        "machine it only pays for long runs; its point is workers on other machines. "
        f"Load average while measuring: {load}: the machine was shared, so compare ratios rather "
        "than absolute rates. Extrapolated for 10 million paragraphs (linear in workers, ignoring "
        "the driver and object-store costs that grow with N):",
        "",
        "| workers (1 CPU each) | time for 10M paragraphs |",
        "|---|---|",
    ]
    for n in (1, 2, 16, 64, 256):
        secs = 10_000_000 / (per_worker * n)
        out.append(f"| {n} | {_dur(secs)} |")
    return out


def _verdict(ratio: float) -> str:
    if ratio > 1.1:
        return "two 1-thread actors used the 2 cores better than one process with 2 torch threads"
    if ratio < 0.9:
        return "the actors' overhead outweighed the parallelism"
    return "about the same: both use the 2 cores"


def _texts(n: int) -> list[str]:
    """~100-word paragraphs from the minutes samples, else from CISI abstracts, else synthetic."""
    import re

    data = ROOT.parent / "shared" / "data"
    paras: list[str] = []
    for f in sorted((data / "ir-cisi").glob("CISI.ALL")):
        for block in f.read_text(errors="replace").split(".W")[1:]:
            body = " ".join(block.split(".X")[0].split())
            words = body.split()
            if len(words) >= 40:
                paras.append(" ".join(words[:110]))
    paras += [
        " ".join(re.findall(r"\w+", (ROOT / "seeds" / p.name).read_text())[:100])
        for p in sorted((ROOT / "seeds").glob("*.txt"))
    ]
    while len(paras) < n:
        paras.append(f"Paragraph {len(paras)} on dental checks, foster care and school places. " * 8)
    return paras[:n]


def _dur(secs: float) -> str:
    if secs >= 86400:
        return f"{secs / 86400:.1f} days"
    if secs >= 3600:
        return f"{secs / 3600:.1f} h"
    return f"{secs / 60:.0f} min"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--limerick", action="store_true", help="also copy the Limerick index (90k chunks) to Milvus")
    ap.add_argument("--texts", type=int, default=500)
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(f"[scale_out] {msg}", file=sys.stderr, flush=True)

    previous = OUT.read_text() if OUT.is_file() else ""
    cmd = "python -m benchmarks.scale_out " + " ".join(argv if argv is not None else sys.argv[1:])
    lines = [
        "## Scale-out: Milvus backend and Ray embedding",
        "",
        "Milvus 2.5 core from `milvus-lite==2.5.1`, pymilvus 2.5, Ray 2.60; this machine (2 cores, no GPU).",
        "",
    ]
    if not args.skip_quality:
        lines += [f"Section (a) measured {time.strftime('%Y-%m-%d %H:%M')} by `{cmd.strip()}`.", ""]
        lines += parity(args.data, log, limerick=args.limerick) + [""]
    elif "### (a)" in previous:
        lines += [previous[previous.index("### (a)") : previous.index("### (b)")].strip(), ""]
    if not args.skip_throughput:
        from minsearch.encode import TorchEncoder

        lines += [f"Section (b) measured {time.strftime('%Y-%m-%d %H:%M')} by `{cmd.strip()}`.", ""]
        lines += throughput(args.texts, TorchEncoder("all-MiniLM-L6-v2"), log) + [""]
    elif "### (b)" in previous:
        kept = previous[previous.index("### (b)") :].strip()
        if "Section (b) measured" not in previous:
            lines += ["Section (b) measured 2026-11-25 by `python -m benchmarks.scale_out` (an earlier run).", ""]
        else:
            lines += [previous[previous.index("Section (b) measured") : previous.index("### (b)")].strip(), ""]
        lines += [kept, ""]
    text = "\n".join(lines)
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
