"""Nearby words (``Settings.nearby_words``, ``nearby_word_floor``, ``nearby_query_floor``: a
query's word the minutes hardly use, searched by keyword as the index's words nearest it in
meaning; :func:`minsearch.searching.vocabulary.nearby_wordings`), chosen leave-one-corpus-out
(:mod:`benchmarks.sweep`).

    python -m benchmarks.nearby [--data DIR]

writes ``benchmarks/results/nearby.md`` (included in RESULTS.md) and ``nearby.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import sweep as _sweep
from .sweep import Sweep

WORD_FLOORS = (0.5, 0.55, 0.6, 0.65, 0.7)
QUERY_FLOORS = (0.2, 0.3, 0.35)
LIMITS = (3, 5)
OFF = (0, 0.55, 0.3)
WHAT = (
    "Each word of a short hybrid query that fewer than three of the index's paragraphs print (and "
    "that no glossary group stands for) is also searched, in the keyword view, as up to N of the "
    "index's own words (its lexicon: words in 3+ paragraphs, each embedded alone when the index is "
    "written) at least this close in meaning to the word alone and to the whole query, where the "
    "index hardly uses the word (the rule of the everyday wordings). Not for queries naming "
    "something exact, descriptions, or keyword mode."
)


def _label(setting: tuple) -> str:
    limit, word, query = setting
    return "off" if limit <= 0 else f"{limit} words, >= {word} to the word, >= {query} to the query"


def sweep() -> Sweep:
    from minsearch.config import Settings

    product = Settings(index_dir=Path("."))
    return Sweep(
        name="nearby",
        title="Nearby words, chosen leave-one-corpus-out",
        what=WHAT,
        off=OFF,
        default=(product.nearby_words, product.nearby_word_floor, product.nearby_query_floor),
        grid=tuple((n, w, q) for w in WORD_FLOORS for q in QUERY_FLOORS for n in LIMITS),
        overrides=lambda s: {"nearby_words": s[0], "nearby_word_floor": s[1], "nearby_query_floor": s[2]},
        label=_label,
    )


def main(argv: Optional[list[str]] = None) -> None:
    _sweep.main(sweep, __doc__, "python -m benchmarks.nearby", argv=argv)


if __name__ == "__main__":
    main()
