"""Meaning feedback (``Settings.feedback``, ``feedback_depth``), chosen leave-one-corpus-out.

Every judged minutes query is searched by the product (``Searcher.search``, default hybrid) once
per setting of the grid, over each corpus's benchmark index; for each corpus left out, the
setting with the best mean nDCG@10 over the *other* corpora is chosen and scored on the one left
out, beside feedback off. The four IR sets and the 20 out-of-domain queries (none may get a
confident match) are then searched with feedback off and with the product default.

    python -m benchmarks.feedback [--data DIR] [--quick]

writes ``benchmarks/results/feedback.md`` (included in RESULTS.md) and ``feedback.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from statistics import mean
from typing import Optional

from .common import BENCH_DIR, JUDGED_MINUTES

RESULTS = BENCH_DIR / "results"
WEIGHTS = (0.25, 0.5, 0.75, 1.0)
DEPTHS = (3, 5, 10)
OFF = (0.0, 3)


def _label(setting: tuple[float, int]) -> str:
    weight, depth = setting
    return "off" if weight <= 0 else f"weight {weight}, first {depth}"


def minutes_scores(data: Path, setting: tuple[float, int], log=print) -> dict:
    """Default hybrid nDCG@10 per judged minutes corpus and per kind of query, with ``setting``."""
    from minsearch.config import load_settings

    from .embed_cache import caching_encoder
    from .quality import eval_minutes

    weight, depth = setting

    def settings_for(home: Path, _name: str):
        return load_settings(index_dir=home).with_(feedback=weight, feedback_depth=depth)

    out = eval_minutes(JUDGED_MINUTES, data, caching_encoder(), log=log, settings_for=settings_for, default_only=True)
    label = "hybrid (default)"
    return {
        "corpora": {c: r["results"][label]["ndcg@10"] for c, r in out["corpora"].items() if "results" in r},
        "kinds": {k: v[label]["ndcg@10"] for k, v in out["kinds"].items()},
    }


def ir_scores(data: Path, setting: tuple[float, int], log=print) -> dict[str, float]:
    """Default hybrid nDCG@10 of the four IR sets with ``setting``."""
    from minsearch.config import load_settings

    from . import datasets
    from .embed_cache import caching_encoder
    from .quality import eval_ir_set

    weight, depth = setting
    out = {}
    for name, loader in datasets.LOADERS.items():
        if not (data / datasets.FOLDERS[name]).is_dir():
            continue

        def settings_for(home: Path, _name: str):
            return load_settings(index_dir=home).with_(feedback=weight, feedback_depth=depth)

        r = eval_ir_set(loader(data), caching_encoder(), smoke=True, log=log, settings_for=settings_for)
        out[name] = r["results"]["hybrid (default)"]["ndcg@10"]
    return out


def nonsense_answered(data: Path, setting: tuple[float, int]) -> tuple[int, int]:
    """How many of the judged out-of-domain queries get a confident match, over every minutes index."""
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.search import Searcher

    from .embed_cache import caching_encoder
    from .quality import minutes_index
    from .tuning import CORPORA, nonsense_queries

    queries = nonsense_queries()
    answered = asked = 0
    for corpus in CORPORA:
        home, _why = minutes_index(corpus, data, caching_encoder(), log=lambda m: None)
        if home is None:
            continue
        s = Searcher(load_settings(index_dir=home).with_(feedback=setting[0], feedback_depth=setting[1]))
        try:
            for q in queries:
                asked += 1
                answered += s.search(Query(q), strict=False, snippets=False).total > 0
        finally:
            s.close()
    return answered, asked


def loco(scores: dict[tuple[float, int], dict[str, float]]) -> dict[str, dict]:
    """For each corpus left out: the setting best on the others, and its score there."""
    corpora = sorted(next(iter(scores.values())))
    out = {}
    for held in corpora:
        others = [c for c in corpora if c != held]
        chosen = max(scores, key=lambda s: (mean(scores[s][c] for c in others), -s[0]))
        out[held] = {
            "chosen": chosen,
            "held_out": scores[chosen][held],
            "off": scores[OFF][held],
            "others_mean": mean(scores[chosen][c] for c in others),
        }
    return out


def report(grid: dict, folds: dict, default: tuple[float, int], ir: dict, nonsense: dict, when: str) -> str:
    from .report import _table

    corpora = sorted(next(iter(grid.values()))["corpora"])
    kinds = sorted(next(iter(grid.values()))["kinds"])
    per_setting = []
    for s, r in grid.items():
        vals = [r["corpora"][c] for c in corpora]
        name = _label(s) + (" (**default**)" if s == default else "")
        per_setting.append([name, *(f"{v:.4f}" for v in vals), f"{mean(vals):.4f}"])
    left_out = [
        [
            c,
            _label(f["chosen"]),
            f"{f['others_mean']:.4f}",
            f"{f['held_out']:.4f}",
            f"{f['off']:.4f}",
            f"{f['held_out'] - f['off']:+.4f}",
        ]
        for c, f in folds.items()
    ]
    lost = {c: f for c, f in folds.items() if f["held_out"] < f["off"] - 1e-9}
    worst = {c: min(r["corpora"][c] - grid[OFF]["corpora"][c] for r in grid.values()) for c in corpora}
    names = sorted(next(iter(ir.values())))
    ir_rows = [
        [_label(s), *(f"{ir[s][n]:.4f}" for n in names), f"{mean(ir[s][n] for n in names):.4f}"]
        + ["{} of {}".format(*nonsense[s])]
        for s in (OFF, default)
    ]
    summary = (
        f"Left out, the setting chosen on the others holds or gains on {len(folds) - len(lost)} of "
        f"{len(folds)} corpora"
        + "".join(f"; it loses {f['held_out'] - f['off']:+.4f} on {c} ({_label(f['chosen'])})" for c, f in lost.items())
        + f". The default, {_label(default)}, against off: "
        + ", ".join(f"{c} {grid[default]['corpora'][c] - grid[OFF]['corpora'][c]:+.4f}" for c in corpora)
        + ". The worst setting of the grid on each corpus: "
        + ", ".join(f"{c} {v:+.4f}" for c, v in worst.items())
        + "."
    )
    lines = [
        "## Meaning feedback, chosen leave-one-corpus-out (`python -m benchmarks.feedback`)",
        "",
        f"Run {when}. The semantic view's candidates are reordered by their closeness to the query's "
        "vector moved toward the mean of its first paragraphs' vectors (Rocchio feedback in the "
        "embedding space: `minsearch.store.base.feedback_vector`); whether a paragraph matches is "
        "still decided by its cosine to the query itself, so the out-of-domain queries stay "
        "unanswered. A query that names something exact (a number, code, acronym, quoted phrase or "
        "name: `minsearch.ranking.rank.exact_query`) or is a description of more than 20 words is "
        "not refined. nDCG@10 of the default hybrid, the product's own search over each judged "
        "minutes corpus:",
        "",
        _table(["setting", *corpora, "mean"], per_setting),
        "",
        "Leave one corpus out: the setting with the best mean over the other corpora, scored on the one left out.",
        "",
        _table(
            [
                "corpus left out",
                "chosen on the others",
                "its mean there",
                "left out: chosen",
                "left out: off",
                "change",
            ],
            left_out,
        ),
        "",
        summary,
        "",
        "By kind of query (all corpora):",
        "",
        _table(
            ["setting", *kinds], [[_label(s), *(f"{grid[s]['kinds'][k]:.3f}" for k in kinds)] for s in (OFF, default)]
        ),
        "",
        "The four IR sets (nDCG@10, default hybrid) and the judged out-of-domain queries answered "
        "(a confident match for a query that has none), over the five minutes indexes:",
        "",
        _table(["setting", *names, "IR mean", "out-of-domain answered"], ir_rows),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--quick", action="store_true", help="depth 3 only")
    args = ap.parse_args(argv)
    from minsearch.config import Settings, load_settings

    data = args.data or load_settings().data_dir
    product = Settings(index_dir=Path("."))
    default = (product.feedback, product.feedback_depth)
    settings = [OFF] + [(w, d) for d in (DEPTHS[:1] if args.quick else DEPTHS) for w in WEIGHTS]
    if default not in settings:
        settings.append(default)
    quiet = lambda m: None  # noqa: E731
    grid = {}
    for s in settings:
        t = time.perf_counter()
        grid[s] = minutes_scores(data, s, log=quiet)
        print(f"  {_label(s):24s} " + " ".join(f"{c} {v:.4f}" for c, v in grid[s]["corpora"].items()), end="")
        print(f"  ({time.perf_counter() - t:.0f} s)")
    folds = loco({s: r["corpora"] for s, r in grid.items()})
    ir = {s: ir_scores(data, s, log=quiet) for s in (OFF, default)}
    nonsense = {s: nonsense_answered(data, s) for s in (OFF, default)}
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = report(grid, folds, default, ir, nonsense, when)
    (RESULTS / "feedback.md").write_text(text, encoding="utf-8")
    (RESULTS / "feedback.json").write_text(
        json.dumps(
            {
                "date": when,
                "default": default,
                "grid": {_label(s): r for s, r in grid.items()},
                "loco": {c: {**f, "chosen": _label(f["chosen"])} for c, f in folds.items()},
                "ir": {_label(s): r for s, r in ir.items()},
                "nonsense": {_label(s): r for s, r in nonsense.items()},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(text)


if __name__ == "__main__":
    main()
