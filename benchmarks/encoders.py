"""Another sentence-transformers model's meaning view against the packaged one, on the judged minutes.

Issue 11's paraphrase target (0.60 nDCG@10) is missed by queries in everyday words whose answer
is in the minutes' own words ("kids running away from care" against "children missing from
care"). Ranking, chunking and vocabulary have been measured at length (RESULTS.md); this asks the
other question: how much of the gap is the encoder. It embeds every paragraph of each judged
minutes corpus's benchmark index as ``"<item title>: <paragraph>"`` (the product's title prefix;
no windows: both models read at most 256 word pieces) with the packaged model and with the
model in ``--other``, ranks by cosine alone (brute force, no floor, no fusion, no vocabulary)
and scores each judged query as ``benchmarks.quality`` does (a chunk covers a judged fragment of
its document; each judged item is credited once).

    python -m benchmarks.encoders --other DIR [--corpora seeds,kent,...] [--data DIR]

``DIR``: a sentence-transformers folder (``modules.json``, weights), loaded from its path; no
hub. Writes ``benchmarks/results/encoders.md`` (included in RESULTS.md) and
``encoders.json`` (per query). Torch, two threads: all-mpnet-base-v2 embedded 10-17 paragraphs/s
here, London Ontario's 6,566 in 6.5-10 min; Limerick (88,344) is left out by default.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Optional

from .common import BENCH_DIR, by_corpus_of, judged_items, judged_labels, judged_rows, norm_text
from .metrics import ndcg_at_k

RESULTS = BENCH_DIR / "results" / "encoders.md"
PER_QUERY = BENCH_DIR / "results" / "encoders.json"
CORPORA = ("seeds", "kent", "london-ontario", "cleveland")
WINDOW = 256  # word pieces each model reads (the packaged model's window)


def _scores(rows: list[dict], chunks: list, sims) -> dict[str, float]:
    """nDCG@10 of each query's first ten chunks by ``sims`` (queries x chunks)."""
    import numpy as np

    out = {}
    for qi, r in enumerate(rows):
        first = [chunks[j] for j in np.argsort(-sims[qi])[:10]]
        labels, gains = judged_labels(
            judged_items(r, {}), ((str(j), [(c.doc_id, norm_text(c.text))]) for j, c in enumerate(first))
        )
        out[r["qid"]] = ndcg_at_k(labels, gains, 10)
    return out


def measure(data: Path, other: Path, corpora: tuple[str, ...], log=print) -> dict:
    """Per query: its corpus, kind and nDCG@10 by each model's cosine alone; per model, paragraphs/s."""
    import torch
    from sentence_transformers import SentenceTransformer

    from minsearch.config import load_settings
    from minsearch.encode import model_spec
    from minsearch.search import Searcher

    from .quality import minutes_index

    torch.set_num_threads(2)
    packaged = load_settings().model
    models = {
        packaged: SentenceTransformer(str(model_spec(packaged).path()), device="cpu"),
        other.name: SentenceTransformer(str(other), device="cpu"),
    }
    for m in models.values():
        m.max_seq_length = WINDOW
    queries: dict[str, dict] = {}
    speed: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for corpus, rows in by_corpus_of(judged_rows()).items():
        if corpus not in corpora:
            continue
        home, why = minutes_index(corpus, data, None, log, build_limerick=False)
        if home is None:
            log(f"  {corpus}: skipped ({why})")
            continue
        searcher = Searcher(load_settings(index_dir=home))
        with searcher.pinned() as view:
            chunks = [c for d in view.documents() for c in view.document_chunks(d)]
        searcher.close()
        texts = [f"{c.title}: {c.text}" if c.title else c.text for c in chunks]
        for r in rows:
            queries[r["qid"]] = {"corpus": corpus, "kind": r.get("kind", "?"), "query": r["query"]}
        for name, model in models.items():
            start = time.perf_counter()
            vecs = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
            took = time.perf_counter() - start
            speed[name][0] += len(texts)
            speed[name][1] += took
            qvecs = model.encode([r["query"] for r in rows], normalize_embeddings=True, convert_to_numpy=True)
            for qid, score in _scores(rows, chunks, qvecs @ vecs.T).items():
                queries[qid][name] = score
            log(f"  {corpus}: {name} {len(texts)} paragraphs in {took:.0f} s")
    return {"models": list(models), "queries": queries, "per_second": {n: p / s for n, (p, s) in speed.items() if s}}


def report(m: dict, when: str, other: Path) -> str:
    """Markdown for RESULTS.md."""
    a, b = m["models"]
    qs = m["queries"]

    def mean(keys: list[str], name: str) -> str:
        return f"{sum(qs[k][name] for k in keys) / len(keys):.4f}" if keys else "-"

    lines = [
        "## Another encoder's meaning view against the packaged one (`python -m benchmarks.encoders`)",
        "",
        f"Measured {when} with `--other {other}`. Every paragraph of each judged minutes corpus "
        "embedded as `<item title>: <paragraph>` (256 word pieces at most) by each model; ranked by "
        "cosine alone (no floor, fusion or vocabulary), so the figures are the meaning view's, below "
        "the product's semantic mode and hybrid. Paragraphs embedded per second (torch, 2 threads): "
        + ", ".join(f"{n} {v:.1f}" for n, v in m["per_second"].items())
        + ".",
        "",
        f"| corpus | queries | {a} | {b} |",
        "|---|---|---|---|",
    ]
    by_corpus: dict[str, list[str]] = defaultdict(list)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for qid, q in qs.items():
        by_corpus[q["corpus"]].append(qid)
        by_kind[q["kind"]].append(qid)
    for corpus, keys in by_corpus.items():
        lines.append(f"| {corpus} | {len(keys)} | {mean(keys, a)} | {mean(keys, b)} |")
    lines += ["", f"| kind | queries | {a} | {b} |", "|---|---|---|---|"]
    for kind, keys in sorted(by_kind.items()):
        lines.append(f"| {kind} | {len(keys)} | {mean(keys, a)} | {mean(keys, b)} |")
    lines += ["", "Paraphrases, query by query:", "", f"| query | {a} | {b} |", "|---|---|---|"]
    for qid in by_kind.get("paraphrase", []):
        lines.append(f"| {qid} {qs[qid]['query']} | {qs[qid][a]:.3f} | {qs[qid][b]:.3f} |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--other", type=Path, required=True, help="a sentence-transformers model folder")
    ap.add_argument("--corpora", default=",".join(CORPORA), help=f"judged corpora (default {','.join(CORPORA)})")
    ap.add_argument("--data", type=Path, default=None, help="data dir (default: $MINSEARCH_DATA / settings)")
    args = ap.parse_args(argv)
    if not (args.other / "modules.json").is_file():
        ap.error(f"--other: {args.other} is not a sentence-transformers folder (no modules.json)")
    from minsearch.config import load_settings

    measured = measure(args.data or load_settings().data_dir, args.other, tuple(args.corpora.split(",")))
    PER_QUERY.write_text(json.dumps(measured, indent=1), encoding="utf-8")
    text = report(measured, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), args.other)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
