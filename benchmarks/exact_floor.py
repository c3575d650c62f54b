"""The floor for paragraphs found by meaning alone when a query names something exact
(``Settings.exact_gap``), chosen leave-one-corpus-out by what it costs in recall@10.

A query naming a person, a code, a number, an acronym or a quoted phrase leans on the keyword
view; the semantic view still adds every paragraph within ``meaning_gap`` of the index's bar for a
confident answer, and those padded the counts a new user read ("EHCP": 39 matching paragraphs on
Kent, 2 containing it). With ``exact_gap`` = g such a paragraph is a match only at the bar less g,
or when it is in the agenda item of a keyword match (its context: the data a named officer
presented, the tributes that say "he").

Every judged minutes query is searched by the product (default hybrid) once per gap over each
corpus's benchmark index: nDCG@10, recall@10 (issue 11: a floor may cost none) and the number of
matching paragraphs of the queries naming something exact, beside keyword mode's count (the
paragraphs holding the query's words). Leave one corpus out: the strictest gap that costs the
other corpora no recall@10 and no nDCG@10 is chosen and scored on the one left out.

    python -m benchmarks.exact_floor [--data DIR]

writes ``benchmarks/results/exact_floor.md`` (included in RESULTS.md) and ``exact_floor.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from statistics import mean
from typing import Optional

from .common import BENCH_DIR, JUDGED_MINUTES
from .sweep import ir_scores

RESULTS = BENCH_DIR / "results"
OFF = -1.0
GAPS = (OFF, 0.0, 0.05, 0.1, 0.15, 0.2)
EPS = 1e-4  # a change smaller than this is no change (rounding of means over ~30 queries)


def _label(gap: float) -> str:
    return "off" if gap < 0 else f"bar - {gap:.2f}"


def quality(data: Path, gap: float, setting: str = "exact_gap") -> dict:
    """nDCG@10 and recall@10 of default hybrid per judged minutes corpus, with ``setting`` = ``gap``."""
    from minsearch.config import load_settings

    from .embed_cache import caching_encoder
    from .quality import eval_minutes

    def settings_for(home: Path, _name: str):
        return load_settings(index_dir=home).with_(**{setting: gap})

    out = eval_minutes(
        JUDGED_MINUTES, data, caching_encoder(), log=lambda m: None, settings_for=settings_for, default_only=True
    )
    label = "hybrid (default)"
    return {
        c: {k: r["results"][label][k] for k in ("ndcg@10", "recall@10", "recall@100")}
        for c, r in out["corpora"].items()
        if "results" in r
    }


def counts(data: Path, gaps: tuple[float, ...], setting: str = "exact_gap") -> dict:
    """Per corpus and gap: the matching paragraphs of the judged queries that lean on keywords
    (summed), and keyword mode's count for the same queries; with the queries that moved most."""
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.search import Searcher

    from .common import by_corpus_of, judged_rows
    from .embed_cache import caching_encoder
    from .quality import minutes_index

    out: dict = {}
    for corpus, qs in by_corpus_of(judged_rows(JUDGED_MINUTES)).items():
        home, _why = minutes_index(corpus, data, caching_encoder(), log=lambda m: None, build_limerick=False)
        if home is None:
            continue
        totals: dict[float, dict[str, int]] = {}
        for gap in gaps:
            s = Searcher(load_settings(index_dir=home).with_(**{setting: gap}))
            try:
                totals[gap] = {r["query"]: s.search(Query(r["query"]), strict=False, snippets=False).total for r in qs}
                if gap == gaps[0]:
                    keyword = {
                        r["query"]: s.search(Query(r["query"], mode="keyword"), strict=False, snippets=False).total
                        for r in qs
                    }
            finally:
                s.close()
        # The queries this setting can change: those whose count moves at some gap.
        moved = [q for q in totals[gaps[0]] if len({totals[g][q] for g in gaps}) > 1]
        out[corpus] = {
            "queries": moved,
            "totals": {_label(g): sum(totals[g][q] for q in moved) for g in gaps},
            "keyword": sum(keyword[q] for q in moved),
            "examples": sorted(
                ((q, keyword[q], *(totals[g][q] for g in gaps)) for q in moved), key=lambda x: x[3] - x[2]
            )[:4],
        }
    return out


def choose(grid: dict[float, dict], off: float = OFF) -> dict[str, dict]:
    """Leave one corpus out: the strictest gap (smallest) that costs none of the other corpora
    recall@10 or nDCG@10 against ``off``; off when every gap costs one of them something."""
    corpora = sorted(grid[off])
    out = {}
    for held in corpora:
        others = [c for c in corpora if c != held]
        safe = [
            g
            for g in grid
            if g >= 0
            and all(
                grid[g][c]["recall@10"] >= grid[off][c]["recall@10"] - EPS
                and grid[g][c]["ndcg@10"] >= grid[off][c]["ndcg@10"] - EPS
                for c in others
            )
        ]
        chosen = min(safe) if safe else off
        out[held] = {"chosen": chosen, "held_out": grid[chosen][held], "off": grid[off][held]}
    return out


# What each setting is, as the report says it: (heading, command, paragraph).
SETTINGS = {
    "exact_gap": (
        "A floor for meaning alone when a query names something exact",
        "python -m benchmarks.exact_floor",
        None,  # (the module docstring's second paragraph)
    ),
    "topic_gap": (
        "A floor for meaning alone when a query names a subject",
        "python -m benchmarks.exact_floor --setting topic_gap",
        "Any other hybrid query (a subject, a question): a paragraph found by meaning alone within "
        "``meaning_gap`` of the index's bar for a confident answer is a match, and those padded the "
        "counts of subjects a new user read (\"kids missing school\": 99 matching paragraphs on Kent, "
        "60 by meaning alone, none about absence). With ``topic_gap`` = g such a paragraph is a match "
        "only at the bar less g, or in the agenda item of a keyword match or of a paragraph that clears "
        "the bar less g itself. Same measures and the same choice as for ``exact_gap``.",
    ),
}


def report(
    grid: dict, folds: dict, count: dict, ir: dict, default: float, when: str, setting: str = "exact_gap"
) -> str:
    title, command, what = SETTINGS[setting]
    lines = [
        f"## {title} (`{command}`)",
        "",
        f"Run {when}. " + (what or __doc__.split("\n\n")[1].replace("\n", " ")),
        "",
        f"Product default: {_label(default)}. nDCG@10 / recall@10 / recall@100 of default hybrid per judged minutes corpus:",
        "",
        "| gap | " + " | ".join(sorted(grid[OFF])) + " |",
        "|---|" + "---|" * len(grid[OFF]),
    ]
    for g, r in grid.items():
        cells = [f"{r[c]['ndcg@10']:.4f} / {r[c]['recall@10']:.4f} / {r[c]['recall@100']:.4f}" for c in sorted(r)]
        lines.append(f"| {_label(g)}{' (**default**)' if g == default else ''} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Leave one corpus out: the strictest gap costing the other corpora nothing, on the one left out.",
        "",
        "| corpus left out | chosen on the others | nDCG@10 left out (off) | recall@10 left out (off) |",
        "|---|---|---|---|",
    ]
    for c, f in folds.items():
        h, o = f["held_out"], f["off"]
        lines.append(
            f"| {c} | {_label(f['chosen'])} | {h['ndcg@10']:.4f} ({o['ndcg@10']:.4f}) "
            f"| {h['recall@10']:.4f} ({o['recall@10']:.4f}) |"
        )
    sets = sorted(next(iter(ir.values())))
    lines += [
        "",
        "The four IR sets (nDCG@10, default hybrid):",
        "",
        "| gap | " + " | ".join(sets) + " | mean |",
        "|---|" + "---|" * (len(sets) + 1),
    ]
    for g, r in ir.items():
        lines.append(f"| {_label(g)} | " + " | ".join(f"{r[x]:.4f}" for x in sets) + f" | {mean(r.values()):.4f} |")
    labels = [_label(g) for g in grid]
    lines += [
        "",
        "Matching paragraphs of the judged queries whose count a gap changes (summed), beside keyword "
        "mode's count of the same queries (paragraphs holding their words):",
        "",
        "| corpus | queries | keyword mode | " + " | ".join(labels) + " |",
        "|---|---|---|" + "---|" * len(labels),
    ]
    examples = []
    for c, r in count.items():
        lines.append(
            f"| {c} | {len(r['queries'])} | {r['keyword']} | " + " | ".join(str(r["totals"][x]) for x in labels) + " |"
        )
        for q, kw, *tot in r["examples"]:
            examples.append(f"- {c} {q!r}: keyword {kw}; " + ", ".join(f"{x} {t}" for x, t in zip(labels, tot)))
    return "\n".join(lines + ["", *examples, ""]) + "\n"


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="data dir (default: $MINSEARCH_DATA / settings)")
    ap.add_argument("--setting", choices=sorted(SETTINGS), default="exact_gap", help="the gap measured")
    args = ap.parse_args(argv)
    from minsearch.config import Settings, load_settings

    setting = args.setting
    data = args.data or load_settings().data_dir
    grid = {}
    for g in GAPS:
        t = time.perf_counter()
        grid[g] = quality(data, g, setting)
        cells = " ".join(f"{c} {v['ndcg@10']:.4f}/{v['recall@10']:.4f}" for c, v in grid[g].items())
        print(f"  {_label(g):12s} {cells}  ({time.perf_counter() - t:.0f} s)")
    folds = choose(grid)
    count = counts(data, GAPS, setting)
    default = getattr(Settings(index_dir=Path(".")), setting)
    chosen = sorted({f["chosen"] for f in folds.values()})
    ir = {g: ir_scores(data, {setting: g}, log=lambda m: None) for g in dict.fromkeys((OFF, default, *chosen))}
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = report(grid, folds, count, ir, default, when, setting)
    RESULTS.mkdir(exist_ok=True)
    name = "exact_floor" if setting == "exact_gap" else "topic_floor"
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{name}.json").write_text(
        json.dumps(
            {
                "date": when,
                "grid": {_label(g): r for g, r in grid.items()},
                "loco": {c: {**f, "chosen": _label(f["chosen"])} for c, f in folds.items()},
                "counts": count,
                "ir": {_label(g): r for g, r in ir.items()},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(text)


if __name__ == "__main__":
    main()
