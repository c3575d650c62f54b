"""Side by side: the ensemble a user would assemble instead, with LangChain.

``EnsembleRetriever([BM25Retriever (rank-bm25), FAISS retriever], weights=[0.5, 0.5])`` over the
SAME chunks minsearch indexed, with the SAME MiniLM vectors (read back from the minsearch index,
``store.chunk_vector``) and the same ONNX query encoder. BM25 tokenises with a lower-cased
``\\w+`` split (LangChain's default is a bare ``str.split``, which would be an unfair strawman).
"""

from __future__ import annotations

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
