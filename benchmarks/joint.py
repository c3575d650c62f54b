"""Both views half-confident about one paragraph (``Settings.joint_floor``, ``joint_coverage``):
a query has a confident answer when some paragraph is within ``confident_floor - joint_floor``
of the index's bar in meaning and holds ``joint_coverage`` of the query's weight, chosen
leave-one-corpus-out (:mod:`benchmarks.sweep`). Since the rule asks it of one paragraph (not the
best of each view apart), a looser pair might answer paraphrases without answering
out-of-domain queries: this measures it.

    python -m benchmarks.joint [--data DIR]

writes ``benchmarks/results/joint.md`` (included in RESULTS.md) and ``joint.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import sweep as _sweep
from .sweep import Sweep

GAPS = (0.05, 0.1, 0.15, 0.2)  # below the index's bar in meaning
COVERAGES = (0.2, 0.3, 0.4)
OFF = (None, None)
WHAT = (
    "A query has a confident answer when some paragraph holds 60% of its weight, or is as close in "
    "meaning as the index's calibrated bar, or is both somewhat close (this far below the bar) and "
    "holds this share of the query's weight. Off: only the first two."
)


def _label(setting: tuple) -> str:
    gap, cov = setting
    if gap is None:
        return "off"
    return f"{gap:.2f} below the bar, {cov:.0%} of the weight"


def sweep() -> Sweep:
    from minsearch.config import Settings

    product = Settings(index_dir=Path("."))
    return Sweep(
        name="joint",
        title="Both views half-confident about one paragraph, chosen leave-one-corpus-out",
        what=WHAT,
        off=OFF,
        default=(round(product.confident_floor - product.joint_floor, 4), product.joint_coverage),
        grid=tuple((g, c) for g in GAPS for c in COVERAGES),
        overrides=lambda s: (
            {"joint_floor": 9.0}
            if s[0] is None
            else {"joint_floor": round(product.confident_floor - s[0], 4), "joint_coverage": s[1]}
        ),
        label=_label,
        every_setting_elsewhere=True,  # a looser pair is worth nothing if it answers nonsense
    )


def main(argv: Optional[list[str]] = None) -> None:
    _sweep.main(sweep, __doc__, "python -m benchmarks.joint", argv=argv)


if __name__ == "__main__":
    main()
