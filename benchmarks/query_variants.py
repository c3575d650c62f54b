"""What the encoder reads of a query: variants measured leave-one-corpus-out and not taken (issue 11: paraphrases at 0.456 nDCG@10, questions at 0.686).

    python -m benchmarks.query_variants [--data DIR]

writes ``benchmarks/results/query_variants.md`` and ``.json`` (:mod:`benchmarks.sweep`). None of
these is a setting of the product: each is put in place around the product's own search for its
row of the grid (:func:`apply`) and taken out after.

- **frequent words dropped** (``drop``): the encoder reads the query without its words that more
  than a share of the index's paragraphs print (function words kept): "which streets did council
  give honorary names to?" without "council" (14 % of the City Record's paragraphs).
- **frequent words averaged** (``average``): the query's vector is the mean of its vectors with and
  without them.
- **the body a question is put to** (``body``): "did the council", "has the committee", "is the
  panel" read without the body (a question only).

Fusion leaning on keywords for a query said in the glossary's everyday wordings, measured here
first, is now a setting of the product (``Settings.everyday_lean``) with its own sweep
(:mod:`benchmarks.everyday`, whose "any share" is this module's former ``everyday`` variant).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator, Optional

import numpy as np

from . import sweep as _sweep
from .sweep import Setting, Sweep

SHARES = (0.05, 0.1, 0.15, 0.2, 0.3)
WHAT = (
    "Query-side variants, none of them a setting of the product (see the module docstring of "
    "`benchmarks/query_variants.py`): frequent words (printed by more than a share of the index's "
    "paragraphs) dropped from what the encoder reads, or averaged with the query as typed; the body "
    "a question is put to ('did the council') left out of what the encoder reads. The IR sets and "
    "the out-of-domain queries are searched with every variant."
)

_QUESTION = re.compile(
    r"^\W*(?:what|how|when|why|where|which|who|whom|whose|did|does|do|has|have|is|was|were|will|are)\b", re.I
)
_ASKED_BODY = re.compile(
    r"\b(?P<aux>did|does|do|has|have|had|is|was|were|will|would|are|can|could|should)\s+(?:the\s+)?"
    r"(?:council|committee|sub-?committee|panel|board|cabinet|commission|(?:council\s+)?members)\b(?:'s|’s)?"
    r"(?!\s+(?:members?|chair\w*|clerk|meetings?|minutes|tax|report\w*)\b)",
    re.I,
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _label(s: Setting) -> str:
    if s[0] == "off":
        return "off"
    if s[0] in ("drop", "average"):
        return f"frequent words {'dropped' if s[0] == 'drop' else 'averaged'}, > {s[1]:.0%} of paragraphs"
    return {"body": "the body a question is put to"}[s[0]]


def without_body(text: str) -> str:
    """A question without the body it is put to ("which streets did council give ..." ->
    "which streets did give ..."); anything else as it is."""
    if '"' in text or not _QUESTION.match(text):
        return text
    return re.sub(r"\s+", " ", _ASKED_BODY.sub(lambda m: m.group("aux"), text)).strip() or text


def without_frequent(text: str, view, share: float) -> Optional[str]:
    """``text`` without the words more than ``share`` of the index's paragraphs print (function
    words kept), or None when there are none (or only those)."""
    from minsearch.model import Filters
    from minsearch.words import FUNCTION_SET

    total = sum(d.chunks for d in view.documents().values())
    if not total:
        return None
    kept, dropped = [], False
    for piece in text.split():
        words = [w.lower() for w in _WORD.findall(piece)]
        frequent = bool(words) and all(
            w not in FUNCTION_SET and view.keyword_search(w, Filters(), 1, strict=False).total > share * total
            for w in words
        )
        dropped |= frequent
        if not frequent:
            kept.append(piece)
    return " ".join(kept) if dropped and kept else None


@contextmanager
def apply(s: Setting) -> Iterator[None]:
    """Put variant ``s`` in place around the product's search; take it out after."""
    from minsearch.searching import candidates
    from minsearch.searching.encoding import LazyEncoder

    if s[0] == "off":
        yield
        return
    gather, with_meanings, encode = candidates.gather, candidates.with_meanings, LazyEncoder.encode
    state: dict = {}

    def gather_(q, view, *a, **k):
        state["view"] = view
        return gather(q, view, *a, **k)

    def with_meanings_(text, expansions, reworded=()):
        if s[0] == "body":
            text = without_body(text)
        state["query"] = out = with_meanings(text, expansions, reworded)
        return out

    def encode_(self, texts):
        vectors = encode(self, texts)
        if s[0] not in ("drop", "average") or len(texts) != 1 or texts[0] != state.get("query"):
            return vectors
        fewer = without_frequent(texts[0], state["view"], s[1])
        if fewer is None:
            return vectors
        other = encode(self, [fewer])
        if s[0] == "drop":
            return other
        mean = vectors + other
        return (mean / np.linalg.norm(mean, axis=1, keepdims=True)).astype(np.float32)

    candidates.gather = gather_
    candidates.with_meanings = with_meanings_
    LazyEncoder.encode = encode_
    try:
        yield
    finally:
        candidates.gather, candidates.with_meanings, LazyEncoder.encode = gather, with_meanings, encode


def sweep(quick: bool = False) -> Sweep:
    """The grid (``quick``: one share, 10 %, for each way of leaving frequent words out)."""
    shares = SHARES[1:2] if quick else SHARES
    grid = (
        *((("drop", x)) for x in shares),
        *((("average", x)) for x in shares),
        ("body",),
    )
    return Sweep.of_variants(
        "query_variants", "What the encoder reads of a query: variants not taken", WHAT, grid, _label, apply
    )


def main(argv: Optional[list[str]] = None) -> None:
    _sweep.main(sweep, __doc__, "python -m benchmarks.query_variants", "one share (10 %%) only", argv)


if __name__ == "__main__":
    main()
