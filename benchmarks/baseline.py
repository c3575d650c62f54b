"""Side by side: the ensemble a user would assemble instead, with LangChain.

``EnsembleRetriever([BM25Retriever (rank-bm25), FAISS retriever], weights=[0.5, 0.5])`` over the
SAME chunks minsearch indexed, with the SAME MiniLM vectors (read back from the minsearch index,
``store.chunk_vector``) and the same ONNX query encoder. BM25 tokenises with a lower-cased
``\\w+`` split (LangChain's default is a bare ``str.split``, which would be an unfair strawman).
"""

from __future__ import annotations

import os
import re
import time
import warnings
from pathlib import Path
from typing import Iterable

from .common import plain_query
from .metrics import dedupe, evaluate
from .speed import pct


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def available() -> tuple[bool, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import faiss  # noqa: F401
            import rank_bm25  # noqa: F401
            from langchain_classic.retrievers import EnsembleRetriever  # noqa: F401
            from langchain_community.retrievers import BM25Retriever  # noqa: F401
            from langchain_community.vectorstores import FAISS  # noqa: F401
        return True, "langchain-classic EnsembleRetriever + langchain-community BM25Retriever/FAISS"
    except ImportError as e:
        return False, f"not installed ({e})"


class Baseline:
    def __init__(self, home: Path, doc_ids: Iterable[str], k: int = 100) -> None:
        import numpy as np
        from langchain_core.documents import Document
        from langchain_core.embeddings import Embeddings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from langchain_classic.retrievers import EnsembleRetriever
            from langchain_community.retrievers import BM25Retriever
            from langchain_community.vectorstores import FAISS
        from minsearch.config import load_settings
        from minsearch.search import Searcher

        self.searcher = Searcher(load_settings(index_dir=home))  # only for its store and query encoder
        enc = self.searcher

        class _Emb(Embeddings):
            def embed_documents(self, texts):
                return enc.encode(list(texts)).tolist()

            def embed_query(self, text):
                return enc.encode([text])[0].tolist()

        t = time.perf_counter()
        docs, pairs, metas = [], [], []
        with self.searcher.pinned() as store:
            for d in doc_ids:
                try:
                    chunks = store.document_chunks(d)
                except Exception:
                    chunks = []
                for c in chunks:
                    v = store.chunk_vector(c.chunk_id)
                    if v is None:
                        continue
                    content = f"{c.title}\n{c.text}" if c.title else c.text
                    meta = {"doc_id": c.doc_id, "chunk_id": c.chunk_id}
                    docs.append(Document(page_content=content, metadata=meta))
                    pairs.append((content, np.asarray(v, dtype=np.float32).tolist()))
                    metas.append(meta)
        self.chunks = len(docs)
        t_load = time.perf_counter() - t
        t = time.perf_counter()
        bm25 = BM25Retriever.from_documents(docs, preprocess_func=_tokens, k=k)
        faiss_store = FAISS.from_embeddings(pairs, _Emb(), metadatas=metas)
        dense = faiss_store.as_retriever(search_kwargs={"k": k})
        self.retriever = EnsembleRetriever(retrievers=[bm25, dense], weights=[0.5, 0.5], id_key="chunk_id")
        self.build_s = time.perf_counter() - t
        self.load_s = t_load

    def search(self, text: str) -> list[str]:
        return [d.metadata["doc_id"] for d in self.retriever.invoke(text)]

    def close(self) -> None:
        self.searcher.close()


def compare(home: Path, doc_ids: list[str], queries: dict[str, str], qrels=None, log=print, name="") -> dict:
    """Both systems open side by side; each query is timed on both, in alternating order, so that
    neither gets a warmer machine (page cache, CPU frequency, other jobs) than the other."""
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.search import Searcher

    b = Baseline(home, doc_ids)
    s = Searcher(load_settings(index_dir=home))

    def baseline_search(q: str) -> list[str]:
        return b.search(plain_query(q))

    def minsearch_search(q: str) -> list[str]:
        res = s.search(Query(text=plain_query(q), mode="hybrid", limit=100), strict=False, snippets=False)
        return [h.chunk.doc_id for h in res.hits]

    for q in ["warm up"] + list(queries.values())[:3]:
        baseline_search(q)
        minsearch_search(q)
    runs, m_runs, lat_b, lat_m = {}, {}, [], []
    for i, (qid, q) in enumerate(queries.items()):
        order = [(baseline_search, runs, lat_b), (minsearch_search, m_runs, lat_m)]
        for fn, into, lat in order if i % 2 == 0 else order[::-1]:
            t = time.perf_counter()
            into[qid] = dedupe(fn(q))
            lat.append((time.perf_counter() - t) * 1000)
    b.close()
    s.close()
    out = {
        "chunks": b.chunks,
        "baseline_build_s": b.build_s,
        "latency_ms": {
            "baseline_p50": pct(lat_b, 50),
            "baseline_p95": pct(lat_b, 95),
            "minsearch_p50": pct(lat_m, 50),
            "minsearch_p95": pct(lat_m, 95),
        },
    }
    if qrels is not None:
        out["baseline"] = evaluate(runs, qrels)
        out["minsearch_hybrid_default"] = evaluate(m_runs, qrels)
        out["ndcg_ratio_minsearch_over_baseline"] = (
            (out["minsearch_hybrid_default"]["ndcg@10"] / out["baseline"]["ndcg@10"])
            if out["baseline"]["ndcg@10"]
            else float("nan")
        )
    L = out["latency_ms"]
    out["latency_ratio_p50_baseline_over_minsearch"] = L["baseline_p50"] / L["minsearch_p50"]
    log(
        f"    baseline {name:12s} "
        + (
            f"nDCG@10 {out['baseline']['ndcg@10']:.4f} vs minsearch {out['minsearch_hybrid_default']['ndcg@10']:.4f}; "
            if qrels
            else ""
        )
        + f"p50 {L['baseline_p50']:.1f} ms vs {L['minsearch_p50']:.1f} ms"
    )
    return out


def run(quality: dict, speed: dict, data: Path, log=print, smoke: bool = False) -> dict:
    ok, why = available()
    if not ok:
        return {"skipped": why}
    from . import datasets

    out: dict = {"implementation": why, "sets": {}}
    for s in quality.get("sets", []):
        jset = datasets.LOADERS[s["set"]](data)
        if smoke:
            jset = jset.subset(200, 5)
        out["sets"][s["set"]] = compare(Path(s["index"]), list(jset.docs), jset.queries, jset.qrels, log, s["set"])
    if speed.get("index") and not smoke:
        import json as _json

        from .speed import LATENCY_QUERIES

        home = Path(speed["index"])
        src = _json.loads((home.parent / "summary.json").read_text())["sources"][0]
        ids = [_json.loads(l)["id"] for l in open(src, encoding="utf-8") if l.strip()]
        qs = {str(i): q for i, q in enumerate(LATENCY_QUERIES)}
        out["limerick"] = compare(home, ids, qs, None, log, "limerick")
    return out


# -- before and after, side by side: ``python -m benchmarks.baseline --checkout before=DIR ...`` ----
# Each checkout's minsearch (and its own copy of compare above) in a new process over the same
# cached benchmark index; the LangChain ensemble is timed beside it in that process, so each
# latency ratio is measured under the same conditions as its own baseline.
_ONE = """
import json, sys, warnings
warnings.filterwarnings("ignore")
from pathlib import Path
from benchmarks import baseline, datasets
j = datasets.LOADERS[sys.argv[1]](Path(sys.argv[2]))
r = baseline.compare(Path(sys.argv[3]), list(j.docs), j.queries, j.qrels, lambda m: None, sys.argv[1])
print(json.dumps(r))
"""


def side_by_side(data: Path, checkouts: dict[str, Path], sets: list[str], rounds: int, log=print) -> dict:
    """For each round and set, each checkout's :func:`compare` in a new process (the order of the
    checkouts reversed every other round), over the index this checkout's benchmarks cached."""
    import json
    import subprocess
    import sys

    from . import datasets
    from .common import cached_index, checkout_env, file_hash

    homes = {}
    for name in sets:
        jset = datasets.LOADERS[name](data)
        path = jset.to_jsonl("")
        homes[name], _summary = cached_index(f"set-{jset.name}", [path], file_hash(path), None, log, build=False)
    runs: dict = {lab: {name: [] for name in sets} for lab in checkouts}
    for r in range(rounds):
        for name in sets:
            for lab, code in list(checkouts.items())[:: 1 if r % 2 == 0 else -1]:
                load = os.getloadavg()[0]
                p = subprocess.run(
                    [sys.executable, "-c", _ONE, name, str(data), str(homes[name])],
                    env=checkout_env(code),
                    cwd=code,  # its own benchmarks package and minsearch
                    capture_output=True,
                    text=True,
                    check=True,
                )
                out = json.loads(p.stdout.strip().splitlines()[-1])
                out["load"] = load
                runs[lab][name].append(out)
                L = out["latency_ms"]
                log(
                    f"  round {r + 1} {name:11s} {lab:8s} minsearch p50 {L['minsearch_p50']:.1f} ms, "
                    f"baseline {L['baseline_p50']:.1f} ms, ratio {L['baseline_p50'] / L['minsearch_p50']:.2f} "
                    f"(load {load:.1f})"
                )
    commits = {
        lab: subprocess.run(
            ["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        for lab, code in checkouts.items()
    }
    return {
        "runs": runs,
        "checkouts": {k: str(v) for k, v in checkouts.items()},
        "commits": commits,
        "sets": sets,
        "rounds": rounds,
    }


def side_by_side_markdown(raw: dict, command: str) -> str:
    from statistics import median

    from .report import machine

    labels, sets = list(raw["runs"]), raw["sets"]
    loads = [x["load"] for lab in labels for name in sets for x in raw["runs"][lab][name]]
    m = machine()
    out = [
        f"`{command}`: each checkout's minsearch and the LangChain ensemble (BM25 + FAISS, the same chunks "
        f"and vectors) timed side by side in one process per checkout, set and round, over the same cached "
        f"index; {raw['rounds']} rounds, the checkouts' order reversed every other round; medians over rounds. "
        + "".join(f"{lab}: {c}. " for lab, c in raw.get("commits", {}).items())
        + f"Machine: {m.get('cpu', '?')}, {os.cpu_count()} cores; load average {min(loads):.1f}-{max(loads):.1f}. "
        f"Hybrid, limit 100, no snippets (the quality setting). Ratio: baseline p50 / minsearch p50 "
        f"(above 1: minsearch is faster).",
        "",
        "| set | checkout | minsearch p50 / p95 ms | baseline p50 / p95 ms | p50 ratio | nDCG@10 minsearch / baseline |",
        "|---|---|---|---|---|---|",
    ]
    for name in sets:
        for lab in labels:
            xs = raw["runs"][lab][name]

            def med(key: str, xs=xs) -> float:
                return median(x["latency_ms"][key] for x in xs)

            ratio = median(x["latency_ms"]["baseline_p50"] / x["latency_ms"]["minsearch_p50"] for x in xs)
            q = xs[0]
            out.append(
                f"| {name} | {lab} | {med('minsearch_p50'):.1f} / {med('minsearch_p95'):.1f} | "
                f"{med('baseline_p50'):.1f} / {med('baseline_p95'):.1f} | {ratio:.2f} | "
                f"{q['minsearch_hybrid_default']['ndcg@10']:.4f} / {q['baseline']['ndcg@10']:.4f} |"
            )
    out += [
        "",
        "| round | set | checkout | minsearch p50 ms | baseline p50 ms | ratio | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in range(raw["rounds"]):
        for name in sets:
            for lab in labels:
                x = raw["runs"][lab][name][r]
                L = x["latency_ms"]
                out.append(
                    f"| {r + 1} | {name} | {lab} | {L['minsearch_p50']:.1f} | {L['baseline_p50']:.1f} | "
                    f"{L['baseline_p50'] / L['minsearch_p50']:.2f} | {x['load']:.1f} |"
                )
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    import argparse
    import json
    import shlex
    import sys

    from .common import BENCH_DIR

    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.baseline",
        description="minsearch against the LangChain ensemble, checkouts side by side",
    )
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--checkout", action="append", required=True, help="LABEL=DIR (a git worktree), repeatable")
    ap.add_argument("--sets", default="msmarco-5k,dbpedia-5k,cisi,cranfield")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "baseline_speed.md")
    a = ap.parse_args(argv)
    checkouts = {lab: Path(d).resolve() for lab, d in (c.split("=", 1) for c in a.checkout)}
    raw = side_by_side(a.data.resolve(), checkouts, [s.strip() for s in a.sets.split(",") if s.strip()], a.rounds)
    command = "python -m benchmarks.baseline " + " ".join(shlex.quote(x) for x in (argv or sys.argv[1:]))
    a.out.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    a.out.write_text(side_by_side_markdown(raw, command), encoding="utf-8")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
