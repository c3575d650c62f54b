"""Everyday wordings lean on keywords (``Settings.everyday_lean``: when the glossary's everyday
wordings the keyword view searched stand for at least this share of the query's words
(:func:`minsearch.searching.vocabulary.everyday_share`), the semantic view reads them with the
query and fusion leans on the keyword view, as for an acronym), chosen leave-one-corpus-out
(:mod:`benchmarks.sweep`).

    python -m benchmarks.everyday [--data DIR]

writes ``benchmarks/results/everyday.md`` (included in RESULTS.md) and ``everyday.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import sweep as _sweep
from .sweep import Sweep

SHARES = (0.01, 0.25, 0.34, 0.5, 0.67, 1.0)
OFF = (2.0,)
WHAT = (
    "The keyword view searches a glossary group's other wordings where the index hardly prints "
    "what the query said (\"illegal dumping\" -> \"fly-tipping\"). With this setting, when those "
    "everyday wordings stand for at least this share of the query's words, the semantic view also "
    "reads them with the query (as it reads an acronym's meaning) and fusion leans on the keyword "
    "view (weighted fusion: alpha less exact_boost, as for a code, an acronym or a name), "
    "function words aside: \"illegal dumping of rubbish\" is 2 of 3, \"phone and email scams "
    "targeting the public\" 1 of 5."
)


def _label(setting: tuple) -> str:
    share = setting[0]
    if share > 1:
        return "off"
    return "any share" if share < 0.1 else f"at least {share:.0%} of the query's words"


def sweep() -> Sweep:
    from minsearch.config import Settings

    product = Settings(index_dir=Path("."))
    return Sweep(
        name="everyday",
        title="Everyday wordings lean on keywords, chosen leave-one-corpus-out",
        what=WHAT,
        off=OFF,
        default=(product.everyday_lean,),
        grid=tuple((x,) for x in SHARES),
        overrides=lambda s: {"everyday_lean": s[0]},
        label=_label,
    )


def main(argv: Optional[list[str]] = None) -> None:
    _sweep.main(sweep, __doc__, "python -m benchmarks.everyday", argv=argv)


if __name__ == "__main__":
    main()
