"""Meaning feedback (``Settings.feedback``, ``feedback_depth``), chosen leave-one-corpus-out
(:mod:`benchmarks.sweep`).

    python -m benchmarks.feedback [--data DIR] [--quick]

writes ``benchmarks/results/feedback.md`` (included in RESULTS.md) and ``feedback.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import sweep as _sweep
from .sweep import Sweep

WEIGHTS = (0.25, 0.5, 0.75, 1.0)
DEPTHS = (3, 5, 10)
OFF = (0.0, 3)
WHAT = (
    "The semantic view's candidates are reordered by their closeness to the query's vector moved "
    "toward the mean of its first paragraphs' vectors (Rocchio feedback in the embedding space: "
    "`minsearch.store.base.feedback_vector`); whether a paragraph matches is still decided by its "
    "cosine to the query itself, so the out-of-domain queries stay unanswered. A query that names "
    "something exact (a number, code, acronym, quoted phrase or name: "
    "`minsearch.ranking.rank.exact_query`) or is a description of more than 20 words is not refined."
)


def _label(setting: tuple) -> str:
    weight, depth = setting
    return "off" if weight <= 0 else f"weight {weight}, first {depth}"


def sweep(quick: bool = False) -> Sweep:
    from minsearch.config import Settings

    product = Settings(index_dir=Path("."))
    return Sweep(
        name="feedback",
        title="Meaning feedback, chosen leave-one-corpus-out",
        what=WHAT,
        off=OFF,
        default=(product.feedback, product.feedback_depth),
        grid=tuple((w, d) for d in (DEPTHS[:1] if quick else DEPTHS) for w in WEIGHTS),
        overrides=lambda s: {"feedback": s[0], "feedback_depth": s[1]},
        label=_label,
    )


def main(argv: Optional[list[str]] = None) -> None:
    _sweep.main(sweep, __doc__, "python -m benchmarks.feedback", "depth 3 only", argv)


if __name__ == "__main__":
    main()
