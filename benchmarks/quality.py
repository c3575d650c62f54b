"""Quality: nDCG@10, recall@100 and MRR@10 of keyword, semantic and hybrid (every fusion setting)
on the judged IR sets, and on our own judged set over real minutes (benchmarks/judged/minutes.jsonl).

Each set is indexed with ``minsearch.indexer.index_paths`` (cached under .cache/) and queried with
``Searcher.search(Query(text, mode, limit=100), strict=False, snippets=False)``. Chunk hits map back
to documents: a document ranks at its best chunk (first occurrence kept).
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from pathlib import Path
from statistics import mean
from typing import Callable, Optional

from . import datasets
from .common import (
    JUDGED_MINUTES,
    SEEDS,
    NotCached,
    by_corpus_of,
    cached_index,
    corpus_jsonl,
    file_hash,
    judged_items,
    judged_labels,
    judged_rows,
    norm_text,
    plain_query,
)
from .metrics import dedupe, evaluate, mrr_at_k, ndcg_at_k

# (label, mode, settings overrides); "hybrid (default)" is whatever minsearch.config defaults to.
RRF_KS = (10, 30, 60, 100)
ALPHAS = (0.3, 0.5, 0.7, 0.8)


def variants(smoke: bool = False) -> list[tuple[str, str, dict]]:
    out = [("keyword", "keyword", {}), ("semantic", "semantic", {}), ("hybrid (default)", "hybrid", {})]
    if smoke:
        return out
    out += [(f"hybrid rrf k={k}", "hybrid", {"fusion": "rrf", "rrf_k": k}) for k in RRF_KS]
    out += [(f"hybrid weighted alpha={a}", "hybrid", {"fusion": "weighted", "alpha": a}) for a in ALPHAS]
    return out


def searchers(home: Path, smoke: bool = False, settings=None):
    """One Searcher per variant, all over one opened store (the store is read-only here).

    ``smoke``: only the three modes with the default fusion. ``settings``: search another store
    than the embedded index at ``home`` (its Milvus copy).
    """
    from minsearch.config import load_settings
    from minsearch.search import Searcher

    base = settings or load_settings(index_dir=home)
    first = Searcher(base)
    out = []
    for label, mode, over in variants(smoke):
        s = Searcher(base.with_(**over), store=first.store) if over else first
        s._encoder = first._encoder  # share the query encoder once loaded
        out.append((label, mode, s))
    return out, first


def run_queries(
    searcher, queries: dict[str, str], mode: str, limit: int = 100, prepare: Callable[[str], str] = plain_query
) -> tuple[dict, dict, list]:
    """{qid: [chunk hits (chunk_id, doc_id, text)]} plus per-query notices and latencies (ms)."""
    from minsearch.model import MinsearchError, Query

    runs, notes, lat = {}, {}, []
    for qid, text in queries.items():
        t = time.perf_counter()
        try:
            res = searcher.search(Query(text=prepare(text), mode=mode, limit=limit), strict=False, snippets=False)
            # A hit shows its repeats ("also in"): what they say counts as shown.
            runs[qid] = [
                (h.chunk.chunk_id, h.chunk.doc_id, h.chunk.text, [(a.doc_id, a.text) for a in h.also]) for h in res.hits
            ]
            if res.notices:
                notes[qid] = res.notices
        except MinsearchError as e:
            runs[qid] = []
            notes[qid] = [str(e)]
        lat.append((time.perf_counter() - t) * 1000)
    return runs, notes, lat


def eval_ir_set(
    jset: "datasets.JudgedSet",
    encoder,
    smoke: bool = False,
    log=print,
    tag: str = "",
    settings_for: Optional[Callable] = None,
) -> dict:
    """``settings_for(home, name)``: search another store built from the cached index (Milvus)."""
    path = jset.to_jsonl(tag)
    home, summary = cached_index(f"set-{jset.name}{tag}", [path], file_hash(path), encoder, log)
    other = settings_for(home, f"set_{jset.name.replace('-', '_')}{tag.replace('-', '_')}") if settings_for else None
    per_variant, first = searchers(home, smoke or other is not None, other)
    # Shared encoder: load once on the first searcher, hand it to the others.
    first.encode(["warm up"])
    for _l, _m, s in per_variant:
        s._encoder = first._encoder
    results = {}
    cut_queries = 0
    for label, mode, s in per_variant:
        runs, notes, lat = run_queries(s, jset.queries, mode)
        cut_queries = max(cut_queries, sum(1 for n in notes.values() if any("cut" in x for x in n)))
        doc_runs = {q: dedupe([d for _c, d, _t, _a in hits]) for q, hits in runs.items()}
        m = evaluate(doc_runs, jset.qrels)
        m["ms_per_query"] = mean(lat) if lat else float("nan")
        results[label] = m
        log(
            f"    {jset.name:12s} {label:28s} nDCG@10 {m['ndcg@10']:.4f}  R@100 {m['recall@100']:.4f}  "
            f"MRR@10 {m['mrr@10']:.4f}"
        )
    first.close()
    return {
        "set": jset.name,
        "notes": jset.notes,
        "docs": len(jset.docs),
        "queries": len(jset.queries),
        "indexed_docs": summary["documents"],
        "chunks": summary["chunks"],
        "skipped_docs": len(summary.get("skipped", [])),
        "queries_cut_to_500_chars": cut_queries,
        "index": str(home),
        "results": results,
    }


# -- our judged set over real minutes (read by common.judged_rows) -----------------------------


def minutes_index(
    corpus: str, data: Path, encoder, log=print, build_limerick: bool = True
) -> tuple[Optional[Path], str]:
    """The index for one corpus of the minutes judged set, or (None, reason)."""
    if corpus == "seeds":
        if not SEEDS.is_dir():
            return None, f"{SEEDS} not found"
        key = file_hash(SEEDS / "manifest.json", "".join(sorted(p.name for p in SEEDS.iterdir())))
        home, _s = cached_index("minutes-seeds", [SEEDS], key, encoder, log)
        return home, "seeds/"
    if corpus == "kent":
        folder = data / "kent-cc-minutes-sample"
        files = sorted(folder.glob("*.txt"))
        if not files:
            return None, f"no .txt files in {folder}"
        key = file_hash(files[0], "".join(f"{f.name}:{f.stat().st_size}" for f in files))
        home, _s = cached_index("minutes-kent", files, key, encoder, log)
        return home, f"{len(files)} Kent .txt files (doc id = file stem)"
    if corpus == "limerick":
        path, conv = corpus_jsonl("limerick", data, None, log)
        try:
            home, _s = cached_index("limerick-100pct", [path], file_hash(path), encoder, log, build=build_limerick)
        except NotCached as e:
            return None, str(e)
        return home, conv
    if corpus in JUDGED_IMPORTS:
        limit = JUDGED_IMPORTS[corpus]
        if not (data / datasets_folder(corpus)).is_dir():
            return None, f"{data / datasets_folder(corpus)} not found"
        path, conv = corpus_jsonl(corpus, data, limit, log)
        home, _s = cached_index(f"minutes-{corpus}", [path], file_hash(path), encoder, log)
        return home, f"{conv} ({'all records' if limit is None else f'first {limit} records'})"
    return None, f"unknown corpus {corpus!r}"


# Judged corpora indexed from `minsearch import` output: corpus -> records taken (None: all).
JUDGED_IMPORTS = {"london-ontario": None, "cleveland": 12}


def datasets_folder(corpus: str) -> str:
    from minsearch.ingest.corpora import FOLDERS

    return FOLDERS[corpus]


def _limerick_id_map(data: Path) -> dict[str, str]:
    """Raw Limerick record ids ("meetings/.../X.md", as in the judged file) -> the ids
    ``import_corpus`` gives the same records ("limerick/.../X"), matched by position in the raw file."""
    import gzip

    raw = data / "limerick-council-minutes" / "minutes.jsonl.gz"
    try:
        path, _conv = corpus_jsonl("limerick", data, None, log=lambda m: None)
    except Exception:
        return {}
    if not raw.is_file() or not path.is_file():
        return {}
    imported = {}
    for line in open(path, encoding="utf-8"):
        if line.strip():
            rid = json.loads(line)["id"]
            imported[rid.split("~")[0]] = imported.get(rid.split("~")[0], rid)
    out = {}
    with gzip.open(raw, "rt", encoding="utf-8") as fh:
        for line in fh:
            rid = json.loads(line)["id"]
            key = "limerick/" + re.sub(r"\.md$", "", " ".join(rid.split()).removeprefix("meetings/"))
            if key in imported:
                out[rid] = imported[key]
    return out


def eval_minutes(
    judged: Path,
    data: Path,
    encoder,
    smoke: bool = False,
    log=print,
    build_limerick: bool = True,
    settings_for: Optional[Callable] = None,
    corpora: Optional[set[str]] = None,
    default_only: bool = False,
) -> dict:
    """Chunk-level evaluation: each judged (doc_id, fragment, grade) is one relevant item; a chunk
    covers it when the doc ids match and the chunk's normalised text contains the fragment.
    nDCG@10 / MRR@10 credit each item once, at the first chunk covering it (gain = grade);
    recall@100 is the share of items covered by the top 100 chunks."""
    if not judged.is_file():
        return {"skipped": f"{judged} not present"}
    rows = judged_rows(judged)
    if smoke:
        rows = rows[:5]
    by_corpus = by_corpus_of(rows)
    out: dict = {"queries": len(rows), "corpora": {}, "kinds": {}}
    id_maps = {"limerick": _limerick_id_map(data)}
    per_query: list[tuple[str, str, str, str, dict]] = []  # (corpus, kind, variant, qid, metrics)
    for corpus, qs in by_corpus.items():
        if corpora is not None and corpus not in corpora:
            continue
        home, why = minutes_index(corpus, data, encoder, log, build_limerick)
        if home is None:
            log(f"    minutes/{corpus}: skipped ({why})")
            out["corpora"][corpus] = {"skipped": why, "queries": len(qs)}
            continue
        other = settings_for(home, f"minutes_{corpus}") if settings_for else None
        per_variant, first = searchers(home, smoke or default_only or other is not None, other)
        res_c = {}
        for label, mode, s in per_variant:
            s._encoder = first._encoder
            # Our own queries are written for minsearch: searched as typed (strict=False).
            runs, _notes, _lat = run_queries(s, {r["qid"]: r["query"] for r in qs}, mode, prepare=str.strip)
            ms = []
            idmap = id_maps.get(corpus) or {}
            for r in qs:
                items = judged_items(r, idmap)
                labels, gains = judged_labels(
                    items,
                    (
                        (cid, [(doc, norm_text(text))] + [(d, norm_text(t)) for d, t in also])
                        for cid, doc, text, also in runs.get(r["qid"], [])
                    ),
                )
                top10_cov, top100_cov = set(), set()
                for at, (_cid, doc, text, also) in enumerate(runs.get(r["qid"], [])[:100]):
                    shown = [(doc, norm_text(text))] + [(d, norm_text(t)) for d, t in also]
                    found = {it[0] for it in items if any(it[1] == d and it[2] in t for d, t in shown)}
                    top100_cov |= found
                    if at < 10:
                        top10_cov |= found
                rel = {it[0] for it in items if it[3] > 0}
                m = {
                    "ndcg@10": ndcg_at_k(labels, gains, 10),
                    "mrr@10": mrr_at_k(labels, gains, 10),
                    "recall@10": (len(rel & top10_cov) / len(rel)) if rel else 0.0,
                    "recall@100": (len(rel & top100_cov) / len(rel)) if rel else 0.0,
                }
                ms.append(m)
                per_query.append((corpus, r.get("kind", "?"), label, r["qid"], m))
            res_c[label] = {k: mean(m[k] for m in ms) for k in ("ndcg@10", "recall@10", "recall@100", "mrr@10")}
            log(
                f"    minutes/{corpus:9s} {label:28s} nDCG@10 {res_c[label]['ndcg@10']:.4f}  "
                f"R@100 {res_c[label]['recall@100']:.4f}  MRR@10 {res_c[label]['mrr@10']:.4f}"
            )
        first.close()
        judged_ids = {x["doc_id"] for r in qs for x in r["relevant"]}
        mapped = sum(1 for d in judged_ids if d in idmap)
        out["corpora"][corpus] = {
            "queries": len(qs),
            "index_source": why,
            "results": res_c,
            "judged_doc_ids": len(judged_ids),
            "ids_mapped_to_import_corpus": mapped,
        }
    kinds: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for _c, kind, label, _q, m in per_query:
        kinds[kind][label].append(m)
    out["kinds"] = {
        k: {
            lab: {
                **{x: mean(m[x] for m in ms) for x in ("ndcg@10", "recall@10", "recall@100", "mrr@10")},
                "queries": len(ms),
            }
            for lab, ms in v.items()
        }
        for k, v in kinds.items()
    }
    # Per query, to see which queries a change moves: {qid: {variant: nDCG@10}}.
    by_qid: dict[str, dict[str, float]] = defaultdict(dict)
    for _c, _k, label, qid, m in per_query:
        by_qid[qid][label] = round(m["ndcg@10"], 4)
    out["per_query"] = dict(by_qid)
    return out


def run(
    data: Path, encoder, smoke: bool = False, log=print, build_limerick: bool = True, only_minutes: bool = False
) -> dict:
    out: dict = {"sets": [], "skipped": {}, "minutes": None}
    for name, loader in [] if only_minutes else datasets.LOADERS.items():
        if not (data / datasets.FOLDERS[name]).is_dir():
            out["skipped"][name] = f"{data / datasets.FOLDERS[name]} not found"
            log(f"  quality: {name} skipped (not in data dir)")
            continue
        jset = loader(data)
        tag = ""
        if smoke:
            jset, tag = jset.subset(200, 5), "-smoke"
        log(f"  quality: {name} ({len(jset.docs)} docs, {len(jset.queries)} queries)")
        out["sets"].append(eval_ir_set(jset, encoder, smoke, log, tag))
    judged = JUDGED_MINUTES
    log("  quality: judged minutes set")
    out["minutes"] = eval_minutes(judged, data, encoder, smoke, log, build_limerick)
    return out
