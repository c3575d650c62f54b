"""A ranking setting chosen leave-one-corpus-out: the machinery shared by the sweeps
(:mod:`benchmarks.feedback`, :mod:`benchmarks.nearby`, :mod:`benchmarks.everyday`, :mod:`benchmarks.query_variants`).

Every judged minutes query is searched by the product (``Searcher.search``, default hybrid) once
per setting of a grid, over each corpus's benchmark index; for each corpus left out, the setting
with the best mean nDCG@10 over the *other* corpora is chosen and scored on the one left out,
beside the setting that turns the feature off. The four IR sets and the judged out-of-domain
queries (none may get a confident match) are then searched with it off and with the product
default. A setting is a tuple; a sweep says what Settings overrides it stands for and its label.
"""

from __future__ import annotations

import argparse
import json
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Callable, Optional

from .common import BENCH_DIR, JUDGED_MINUTES

RESULTS = BENCH_DIR / "results"
Setting = tuple
VARIANTS_OFF: Setting = ("off",)  # the product as it is, in a sweep of variants (Sweep.of_variants)


@dataclass(frozen=True)
class Sweep:
    name: str  # results/<name>.md and .json
    title: str  # the report's heading
    what: str  # a paragraph: what the setting does and what is measured
    off: Setting
    default: Setting
    grid: tuple[Setting, ...]
    overrides: Callable[[Setting], dict]  # Settings.with_(**overrides(setting))
    label: Callable[[Setting], str]
    # A variant that is not a setting of the product (benchmarks.query_variants): put in place for
    # the searches of one setting, taken out after.
    apply: Callable[[Setting], AbstractContextManager] = lambda _s: nullcontext()
    # Search the IR sets and the out-of-domain queries with every setting, not only off and default.
    every_setting_elsewhere: bool = False

    @classmethod
    def of_variants(
        cls,
        name: str,
        title: str,
        what: str,
        grid: tuple[Setting, ...],
        label: Callable[[Setting], str],
        apply: Callable[[Setting], AbstractContextManager],
    ) -> "Sweep":
        """A sweep of variants that are not settings of the product (``apply`` puts each in place
        around the product's search): off is ``("off",)`` and the default, and the IR sets and
        out-of-domain queries are searched with every variant."""
        return cls(name, title, what, VARIANTS_OFF, VARIANTS_OFF, grid, lambda _s: {}, label, apply, True)


def minutes_scores(data: Path, overrides: dict, log=print) -> dict:
    """Default hybrid nDCG@10 per judged minutes corpus and per kind of query, with ``overrides``."""
    from minsearch.config import load_settings

    from .embed_cache import caching_encoder
    from .quality import eval_minutes

    def settings_for(home: Path, _name: str):
        return load_settings(index_dir=home).with_(**overrides)

    out = eval_minutes(JUDGED_MINUTES, data, caching_encoder(), log=log, settings_for=settings_for, default_only=True)
    label = "hybrid (default)"
    return {
        "corpora": {c: r["results"][label]["ndcg@10"] for c, r in out["corpora"].items() if "results" in r},
        "kinds": {k: v[label]["ndcg@10"] for k, v in out["kinds"].items()},
    }


def ir_scores(data: Path, overrides: dict, log=print) -> dict[str, float]:
    """Default hybrid nDCG@10 of the four IR sets with ``overrides``."""
    from minsearch.config import load_settings

    from . import datasets
    from .embed_cache import caching_encoder
    from .quality import eval_ir_set

    def settings_for(home: Path, _name: str):
        return load_settings(index_dir=home).with_(**overrides)

    out = {}
    for name, loader in datasets.LOADERS.items():
        if not (data / datasets.FOLDERS[name]).is_dir():
            continue
        r = eval_ir_set(loader(data), caching_encoder(), smoke=True, log=log, settings_for=settings_for)
        out[name] = r["results"]["hybrid (default)"]["ndcg@10"]
    return out


def nonsense_answered(data: Path, overrides: dict) -> tuple[int, int]:
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
        s = Searcher(load_settings(index_dir=home).with_(**overrides))
        try:
            for q in queries:
                asked += 1
                answered += s.search(Query(q), strict=False, snippets=False).total > 0
        finally:
            s.close()
    return answered, asked


def loco(scores: dict[Setting, dict[str, float]], off: Setting) -> dict[str, dict]:
    """For each corpus left out: the setting best on the others (ties: the earlier in the grid),
    and its score there beside ``off``'s."""
    corpora = sorted(next(iter(scores.values())))
    order = {s: i for i, s in enumerate(scores)}
    out = {}
    for held in corpora:
        others = [c for c in corpora if c != held]
        chosen = max(scores, key=lambda s: (round(mean(scores[s][c] for c in others), 6), -order[s]))
        out[held] = {
            "chosen": chosen,
            "held_out": scores[chosen][held],
            "off": scores[off][held],
            "others_mean": mean(scores[chosen][c] for c in others),
        }
    return out


def report(sw: Sweep, grid: dict, folds: dict, ir: dict, nonsense: dict, when: str, command: str) -> str:
    from .report import _table

    corpora = sorted(next(iter(grid.values()))["corpora"])
    kinds = sorted(next(iter(grid.values()))["kinds"])
    per_setting = []
    for s, r in grid.items():
        vals = [r["corpora"][c] for c in corpora]
        name = sw.label(s) + (" (**default**)" if s == sw.default else "")
        per_setting.append([name, *(f"{v:.4f}" for v in vals), f"{mean(vals):.4f}"])
    left_out = [
        [
            c,
            sw.label(f["chosen"]),
            f"{f['others_mean']:.4f}",
            f"{f['held_out']:.4f}",
            f"{f['off']:.4f}",
            f"{f['held_out'] - f['off']:+.4f}",
        ]
        for c, f in folds.items()
    ]
    lost = {c: f for c, f in folds.items() if f["held_out"] < f["off"] - 1e-9}
    off = grid[sw.off]["corpora"]
    worst = {c: min(r["corpora"][c] - off[c] for r in grid.values()) for c in corpora}
    names = sorted(next(iter(ir.values())))
    ir_rows = [
        [sw.label(s), *(f"{ir[s][n]:.4f}" for n in names), f"{mean(ir[s][n] for n in names):.4f}"]
        + ["{} of {}".format(*nonsense[s])]
        for s in ir
    ]
    summary = (
        f"Left out, the setting chosen on the others holds or gains on {len(folds) - len(lost)} of "
        f"{len(folds)} corpora"
        + "".join(
            f"; it loses {f['held_out'] - f['off']:+.4f} on {c} ({sw.label(f['chosen'])})" for c, f in lost.items()
        )
        + (
            f". The default, {sw.label(sw.default)}, against {sw.label(sw.off)}: "
            + ", ".join(f"{c} {grid[sw.default]['corpora'][c] - off[c]:+.4f}" for c in corpora)
            if sw.default != sw.off
            else ". None of these is the product's default"
        )
        + ". The worst setting of the grid on each corpus: "
        + ", ".join(f"{c} {v:+.4f}" for c, v in worst.items())
        + "."
    )
    lines = [
        f"## {sw.title} (`{command}`)",
        "",
        f"Run {when}. {sw.what} nDCG@10 of the default hybrid, the product's own search over each "
        "judged minutes corpus:",
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
            ["setting", *kinds],
            [
                [sw.label(s), *(f"{grid[s]['kinds'][k]:.3f}" for k in kinds)]
                for s in (grid if sw.every_setting_elsewhere else (sw.off, sw.default))
            ],
        ),
        "",
        "The four IR sets (nDCG@10, default hybrid) and the judged out-of-domain queries answered "
        "(a confident match for a query that has none), over the five minutes indexes:",
        "",
        _table(["setting", *names, "IR mean", "out-of-domain answered"], ir_rows),
    ]
    return "\n".join(lines) + "\n"


def run(sw: Sweep, data: Path, command: str) -> str:
    """Search the grid, choose leave-one-corpus-out, write results/<name>.md and .json; the report."""
    settings = list(dict.fromkeys([sw.off, *sw.grid, sw.default]))
    quiet = lambda m: None  # noqa: E731
    grid = {}
    for s in settings:
        t = time.perf_counter()
        with sw.apply(s):
            grid[s] = minutes_scores(data, sw.overrides(s), log=quiet)
        print(f"  {sw.label(s):32s} " + " ".join(f"{c} {v:.4f}" for c, v in grid[s]["corpora"].items()), end="")
        print(f"  ({time.perf_counter() - t:.0f} s)")
    folds = loco({s: r["corpora"] for s, r in grid.items()}, sw.off)
    elsewhere = settings if sw.every_setting_elsewhere else list(dict.fromkeys([sw.off, sw.default]))
    ir, nonsense = {}, {}
    for s in elsewhere:
        with sw.apply(s):
            ir[s] = ir_scores(data, sw.overrides(s), log=quiet)
            nonsense[s] = nonsense_answered(data, sw.overrides(s))
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = report(sw, grid, folds, ir, nonsense, when, command)
    (RESULTS / f"{sw.name}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{sw.name}.json").write_text(
        json.dumps(
            {
                "date": when,
                "default": sw.label(sw.default),
                "grid": {sw.label(s): r for s, r in grid.items()},
                "loco": {c: {**f, "chosen": sw.label(f["chosen"])} for c, f in folds.items()},
                "ir": {sw.label(s): r for s, r in ir.items()},
                "nonsense": {sw.label(s): r for s, r in nonsense.items()},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return text


def main(
    make: Callable[..., Sweep],
    doc: str,
    command: str,
    quick_help: Optional[str] = None,
    argv: Optional[list[str]] = None,
) -> None:
    """The command line of a sweep module (``python -m benchmarks.feedback`` ...): ``--data DIR``,
    and ``--quick`` (``make(quick)``, a smaller grid) when ``quick_help`` says what it leaves out."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    if quick_help:
        ap.add_argument("--quick", action="store_true", help=quick_help)
    args = ap.parse_args(argv)
    from minsearch.config import load_settings

    sw = make(args.quick) if quick_help else make()
    print(run(sw, args.data or load_settings().data_dir, command))
