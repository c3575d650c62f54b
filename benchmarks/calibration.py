"""The bar for a confident answer, measured per index, chosen leave-one-corpus-out.

Replays the judged minutes queries' kept candidates (see :mod:`benchmarks.tuning`, whose cache
it shares) with the product's ranking, and compares a fixed cosine bar with bars set from each
index's off-topic probes (``minsearch.searching.calibration``). For each corpus left out, the
bar is chosen on the others (no judged out-of-domain query answered, then the fewest judged
queries left unanswered, then the higher bar) and scored on the one left out.

    python -m benchmarks.calibration [--data DIR]

writes ``benchmarks/results/calibration.md`` (included in RESULTS.md).
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import replace
from pathlib import Path
from statistics import mean
from typing import Optional

from . import tuning as T

RESULTS = T.RESULTS / "calibration.md"
QUANTILES = (0.75, 0.9, 1.0)
MARGINS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12)
GAPS = (0.3, 0.25, 0.2, 0.15, 0.1)  # meaning_gap: a meaning-only match at most this below the bar


def _scores(data: dict, s) -> dict[str, dict]:
    out = {}
    for name, cd in data.items():
        rows = T.corpus_scores(cd, s)
        out[name] = {
            "ndcg": mean(r["ndcg@10"] for r in rows),
            "without": sum(1 for r in rows if r["matches"] == 0),
            "nonsense": sum(1 for q in cd.nonsense if T.score(q, cd, s)["matches"]),
            "procedure": sum(r["procedure_top10"] for r in rows if r["kind"] != "procedure"),
            "repeats": sum(r["repeats_top10"] for r in rows),
            "rows": rows,
        }
    return out


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    args = ap.parse_args(argv)
    from minsearch.config import load_settings
    from minsearch.ranking.rank import params_from

    data = T.load_candidates(args.data)
    product = params_from(load_settings())
    off = dict(semantic_floor=-1.0, min_coverage=0.0, confident_floor=-1.0, confident_coverage=0.0)
    named = {
        "keyword": T.Setting(mode="keyword", params=product),
        "semantic": T.Setting(mode="semantic", params=product),
        "hybrid, every candidate a match (no bar, no floors)": T.Setting(
            params=replace(product, confident_margin=-1.0, **off)
        ),
        "hybrid, fixed bar 0.5 (the previous default)": T.Setting(params=replace(product, confident_margin=-1.0)),
        "hybrid, bar from the probes, codes not first": T.Setting(params=replace(product, codes_first=False)),
        "hybrid, bar from the probes, acronyms' holders not first": T.Setting(
            params=replace(product, named_first=False)
        ),
        "**hybrid, product default** (bar from the probes; a code's or a specific acronym's holders first)": T.Setting(
            params=product
        ),
    }
    scored = {name: _scores(data, s) for name, s in named.items()}
    corpora = list(data)
    lines = [
        "## The bar for a confident answer, measured per index (`python -m benchmarks.calibration`)",
        "",
        "nDCG@10 of the judged minutes queries (queries without any match score 0), judged queries "
        "left without a match, the 20 judged out-of-domain queries answered (`nonsense`, per corpus), "
        "and procedure or heading paragraphs in the first 10 of non-procedure queries.",
        "",
        "| setting | " + " | ".join(corpora) + " | mean | without a match | nonsense answered | procedure in top 10 |",
        "|---|" + "---|" * (len(corpora) + 4),
    ]
    for name, per in scored.items():
        lines.append(
            f"| {name} | "
            + " | ".join(f"{per[c]['ndcg']:.4f}" for c in corpora)
            + f" | {mean(per[c]['ndcg'] for c in corpora):.4f} | {sum(per[c]['without'] for c in corpora)} | "
            f"{sum(per[c]['nonsense'] for c in corpora)} of {20 * len(corpora)} | "
            f"{sum(per[c]['procedure'] for c in corpora)} |"
        )
    kinds = sorted({r["kind"] for c in corpora for r in scored["keyword"][c]["rows"]})
    lines += ["", "nDCG@10 by kind of query:", "", "| setting | " + " | ".join(kinds) + " |"]
    lines.append("|---|" + "---|" * len(kinds))
    for name, per in scored.items():
        rows = [r for c in corpora for r in per[c]["rows"]]
        lines.append(
            f"| {name} | "
            + " | ".join(f"{mean(r['ndcg@10'] for r in rows if r['kind'] == k):.3f}" for k in kinds)
            + " |"
        )
    lines += ["", "Each index's probes (best cosine of the 49 off-topic queries):", ""]
    lines += ["| corpus | median | 75 % | 90 % | max | bar |", "|---|---|---|---|---|---|"]
    from minsearch.searching.calibration import calibrated

    for c, cd in data.items():
        bar = calibrated(product, cd.null).confident_floor
        lines.append(
            f"| {c} | {cd.null.quantile(0.5):.3f} | {cd.null.quantile(0.75):.3f} | {cd.null.quantile(0.9):.3f} | "
            f"{cd.null.quantile(1.0):.3f} | {bar:.3f} |"
        )
    grid = {("fixed", 0.5): replace(product, confident_margin=-1.0, confident_floor=0.5)}
    for q, m in itertools.product(QUANTILES, MARGINS):
        grid[(q, m)] = replace(product, confident_quantile=q, confident_margin=m)
    per = {k: _scores(data, T.Setting(params=p)) for k, p in grid.items()}

    def bar_row(held: str, train: list[str]) -> str:
        clean = [k for k in grid if sum(per[k][c]["nonsense"] for c in train) == 0] or list(grid)
        best = min(
            clean,
            key=lambda k: (
                sum(per[k][c]["without"] for c in train),
                -mean(per[k][c]["ndcg"] for c in train),
                -(k[1] if k[0] != "fixed" else 1.0),
            ),
        )
        label = "fixed 0.5" if best[0] == "fixed" else f"{best[1]:+g} over the probes' {best[0]:g} quantile"
        r = per[best][held]
        return f"| {held} | {label} | {r['ndcg']:.4f} | {r['without']} | {r['nonsense']} of 20 |"

    lines += _held_out_table(
        "Leave-one-corpus-out: the bar chosen on the other corpora (no out-of-domain query answered, then "
        "the fewest judged queries unanswered, then the higher bar), scored on the one left out:",
        ["nDCG@10", "without a match", "nonsense answered"],
        corpora,
        bar_row,
    )
    lines += [
        "",
        "Every bar measured (all corpora):",
        "",
        "| bar | nDCG@10 mean | without a match | nonsense answered |",
    ]
    lines.append("|---|---|---|---|")
    for k, p in per.items():
        label = "fixed 0.5" if k[0] == "fixed" else f"{k[1]:+g} over the {k[0]:g} quantile"
        lines.append(
            f"| {label} | {mean(p[c]['ndcg'] for c in corpora):.4f} | {sum(p[c]['without'] for c in corpora)} | "
            f"{sum(p[c]['nonsense'] for c in corpora)} |"
        )
    lines += _gap_table(data, product)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n")
    print(RESULTS.read_text())


def _gap_table(data: dict, product) -> list[str]:
    """The floor for paragraphs found by meaning alone, ``meaning_gap`` below each index's bar:
    what it removes (matches per query) and what it costs (recall@10), per corpus and held out."""
    corpora = list(data)
    per = {gap: _scores(data, T.Setting(params=replace(product, meaning_gap=gap))) for gap in (-1.0, *GAPS)}

    def stat(gap: float, c: str, key: str) -> float:
        return mean(r[key] for r in per[gap][c]["rows"])

    lines = [
        "",
        "### A floor for paragraphs found by meaning alone (`meaning_gap`)",
        "",
        "A paragraph with too little of the query's words is a match by meaning only when its cosine "
        "is at most `meaning_gap` below the index's bar (the fixed floor, 0.1, is below what half the "
        "off-topic probes reach on every index). Recall@10 / matches per query, per corpus:",
        "",
        "| meaning_gap | " + " | ".join(corpora) + " | precision (all) |",
        "|---|" + "---|" * (len(corpora) + 1),
    ]
    for gap in per:
        cells = [f"{stat(gap, c, 'recall@10'):.4f} / {stat(gap, c, 'matches'):.1f}" for c in corpora]
        prec = mean(r["precision"] for c in corpora for r in per[gap][c]["rows"])
        lines.append(f"| {'off' if gap < 0 else gap} | " + " | ".join(cells) + f" | {prec:.3f} |")

    def gap_row(held: str, train: list[str]) -> str:
        ok = [g for g in GAPS if all(stat(g, c, "recall@10") >= stat(-1.0, c, "recall@10") - 1e-9 for c in train)]
        g = min(ok, default=max(GAPS))
        return (
            f"| {held} | {g} | {stat(-1.0, held, 'recall@10'):.4f} -> {stat(g, held, 'recall@10'):.4f} | "
            f"{stat(-1.0, held, 'matches'):.1f} -> {stat(g, held, 'matches'):.1f} |"
        )

    return lines + _held_out_table(
        "Leave-one-corpus-out: the tightest gap that costs no recall@10 on any of the other corpora, "
        "scored on the one left out (recall@10 without the floor -> with it; matches per query):",
        ["recall@10", "matches per query"],
        corpora,
        gap_row,
    )


def _held_out_table(intro: str, columns: list[str], corpora: list[str], row) -> list[str]:
    """A leave-one-corpus-out table: one ``row(held_out, the_others)`` per corpus."""
    lines = ["", intro, "", "| left out | chosen on the others | " + " | ".join(columns) + " |"]
    lines.append("|---|---|" + "---|" * len(columns))
    return lines + [row(held, [c for c in corpora if c != held]) for held in corpora]


if __name__ == "__main__":
    main()
