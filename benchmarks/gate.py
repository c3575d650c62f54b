"""Why some judged paraphrases have no confident match: the gate against off-topic queries.

A query has matches only when some paragraph is close enough in meaning (the index's calibrated
bar, :mod:`minsearch.searching.calibration`) or holds enough of its words. Issue 11's paraphrase
target (0.60 nDCG@10) is missed mostly by queries with no confident match at all, whose answer
is in their "closest, low confidence" list. This measures, on each judged minutes corpus's
benchmark index and through the product's own candidates, how far below the bar those queries'
best cosines are, and how far the 20 judged out-of-domain queries and the 49 shipped probes
reach; and, for a few other signals one could gate on, whether any separates the two groups.

    python -m benchmarks.gate [--data DIR]

writes ``benchmarks/results/gate.md`` (included in RESULTS.md). About 10 s with cached indexes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from .common import BENCH_DIR, measured_report

RESULTS = BENCH_DIR / "results" / "gate.md"

# Signals of a query's candidates, each higher for a better answer (name, how it is computed).
SIGNALS: dict[str, Callable[[dict], float]] = {
    "best cosine - bar": lambda r: r["cos"] - r["bar"],
    "best coverage": lambda r: r["cov"],
    "best - 20th cosine": lambda r: r["sem"][0] - r["sem"][min(19, len(r["sem"]) - 1)] if r["sem"] else 0.0,
    "mean of the top 10 cosines - bar": lambda r: sum(r["sem"][:10]) / max(1, len(r["sem"][:10])) - r["bar"],
    "both views' top 20 shared": lambda r: float(r["shared"]),
}


def measure(data: Path, log=print) -> dict[str, list[dict]]:
    """Per corpus: one row per query (judged, out-of-domain, probe) with its group, whether it
    has a confident match, and the candidates' signals."""
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.search import Searcher
    from minsearch.searching.calibration import probe_queries
    from minsearch.searching.ranked import best_scores

    from .common import by_corpus_of, judged_rows
    from .quality import minutes_index
    from .tuning import nonsense_queries

    out: dict[str, list[dict]] = {}
    for corpus, qs in by_corpus_of(judged_rows()).items():
        home, why = minutes_index(corpus, data, None, log, build_limerick=False)
        if home is None:
            log(f"  {corpus}: skipped ({why})")
            continue
        searcher = Searcher(load_settings(index_dir=home))
        queries = [(r["qid"], r.get("kind", "?"), r["query"]) for r in qs]
        queries += [("", "out-of-domain", t) for t in nonsense_queries()]
        queries += [("", "probe", t) for t in probe_queries()]
        rows = []
        with searcher.pinned() as view:
            params = searcher.rank_params(None, view, "hybrid")
            for qid, kind, text in queries:
                q, _notes = searcher.validate(Query(text=text, mode="hybrid", limit=10), view)
                c = searcher.candidates(q, view, strict=False)
                cos, cov, _joint = best_scores(q, c, params.joint_coverage)
                sem = sorted((s for _c, s in c.semantic_hits), reverse=True)[:50]
                shared = {i for i, _s in c.keyword_hits[:20]} & {i for i, _s in c.semantic_hits[:20]}
                answered = bool(searcher.search(q, strict=False, snippets=False).total)
                rows.append(
                    {
                        "qid": qid,
                        "kind": kind,
                        "query": text,
                        "cos": cos,
                        "cov": cov,
                        "bar": params.confident_floor,
                        "sem": sem,
                        "shared": len(shared),
                        "answered": answered,
                    }
                )
        searcher.close()
        out[corpus] = rows
    return out


def report(rows: dict[str, list[dict]], when: str) -> str:
    """Markdown for RESULTS.md."""
    lines = [
        "## Judged queries without a confident match, against off-topic ones (`python -m benchmarks.gate`)",
        "",
        f"Measured {when} through the product's candidates (default hybrid) on each judged minutes "
        "corpus's benchmark index. A query has matches only when a paragraph is within the index's "
        "calibrated bar in meaning or holds enough of its words; the judged queries below have none "
        "(their answers are among the closest paragraphs shown under \"closest, low confidence\"). "
        "For each, how far its best cosine is below the bar; and how far the 20 judged out-of-domain "
        "queries and the 49 shipped probes reach (their highest).",
        "",
        "| corpus | bar | judged queries without a match (best cosine - bar) | out-of-domain: highest (query) | probes: highest |",
        "|---|---|---|---|---|",
    ]
    for corpus, rs in rows.items():
        judged = [r for r in rs if r["qid"]]
        missing = [r for r in judged if not r["answered"]]
        ood = [r for r in rs if r["kind"] == "out-of-domain"]
        probes = [r for r in rs if r["kind"] == "probe"]
        worst = max(ood, key=lambda r: r["cos"])
        miss = ", ".join(f"{r['qid']} {r['cos'] - r['bar']:+.3f}" for r in missing) or "none"
        lines.append(
            f"| {corpus} | {rs[0]['bar']:.3f} | {miss} | {worst['cos'] - worst['bar']:+.3f} ({worst['query']}) "
            f"| {max(r['cos'] - r['bar'] for r in probes):+.3f} |"
        )
    lines += [
        "",
        "Other signals a gate could use, pooled over the five corpora: the judged queries without a "
        "match against the out-of-domain ones (lowest and highest of each). A signal separates them "
        "only if the first range lies above the second.",
        "",
        "| signal | judged without a match | out-of-domain | separates |",
        "|---|---|---|---|",
    ]
    missing = [r for rs in rows.values() for r in rs if r["qid"] and not r["answered"]]
    ood = [r for rs in rows.values() for r in rs if r["kind"] == "out-of-domain"]
    for name, signal in SIGNALS.items():
        a = [signal(r) for r in missing]
        b = [signal(r) for r in ood]
        if not a or not b:
            continue
        lines.append(
            f"| {name} | {min(a):.3f} to {max(a):.3f} | {min(b):.3f} to {max(b):.3f} | "
            f"{'yes' if min(a) > max(b) else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Optional[list[str]] = None) -> None:
    measured_report(argv, __doc__, lambda data: measure(data, log=lambda m: None), report, RESULTS)


if __name__ == "__main__":
    main()
