"""How close a query about nothing in the minutes gets: the bar for a confident answer, per index.

Meaning always finds a nearest paragraph, and how near depends on the index more than on the
query: an off-topic query reaches a cosine of about 0.2 on a handful of meetings and 0.45 on ten
years of a city council's minutes (more paragraphs, more chances). A fixed bar either lets
"purple elephant trombone" answer on a big index or leaves real paraphrases ("fixing holes in the
roads") unanswered on a small one: with the bar at 0.5 for every index, 18 of 158 judged queries
had no answer (benchmarks/RESULTS.md, "The bar for a confident answer, measured per index").

So each index is measured: the off-topic probe queries shipped in ``minsearch/data/probes.txt``
are searched by meaning once per generation, and a query has a confident answer by meaning only
when some paragraph is closer to it than nearly all probes get to anything
(:func:`calibrated`). The probes are everyday searches on topics councils do not minute; they are
not the judged out-of-domain queries that test the result.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from ..ranking.rank import RankParams
from ..store.base import StoreView
from ..store.layout import IndexLayout
from ..store.query import semantic_text

PROBES_FILE = "probes.txt"


def probe_queries() -> list[str]:
    """The shipped off-topic probe queries (comments and blank lines left out)."""
    text = resources.files("minsearch").joinpath("data", PROBES_FILE).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def probe_vectors(
    home: Path, model: str, encode: Callable[[list[str]], np.ndarray], *, keep: bool = False
) -> np.ndarray:
    """The probes encoded by ``model``: read from the index home when an index run kept them
    there, else encoded (and kept when ``keep``: an index run, which owns the home). Re-indexing
    then encodes only the new paragraphs, and a search process need not load the encoder for
    them."""
    probes = probe_queries()
    key = hashlib.sha1("\n".join(probes).encode()).hexdigest()[:12]
    path = IndexLayout(home).probe_vectors(model, key)
    try:
        found = np.load(path, allow_pickle=False)
        if found.shape[0] == len(probes):
            return found
    except (OSError, ValueError):
        pass  # not kept yet, or a damaged file: encoded again
    vectors = np.asarray(encode([semantic_text(p) for p in probes]), dtype=np.float32)
    if keep:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                np.save(fh, vectors, allow_pickle=False)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full disk: the next run encodes them again
    return vectors


@dataclass(frozen=True)
class NullScores:
    """The best cosine each probe reaches in one index, sorted (empty: nothing to measure)."""

    cosines: tuple[float, ...]

    def quantile(self, q: float) -> Optional[float]:
        """The ``q`` quantile of the probes' best cosines (as ``np.quantile`` interpolates them), or
        None for an empty index. Computed on the sorted tuple: ``np.quantile`` imports ``numpy.ma``,
        ~40 ms of every cold hybrid `minsearch query`."""
        return _linear_quantile(self.cosines, q) if self.cosines else None


def _linear_quantile(ordered: tuple[float, ...], q: float) -> float:
    """``np.quantile(ordered, q)`` of sorted values, by its default (linear) method, to the bit."""
    at = q * (len(ordered) - 1)
    lo = min(int(math.floor(at)), len(ordered) - 1)
    hi = min(lo + 1, len(ordered) - 1)
    a, b, t = ordered[lo], ordered[hi], at - lo
    # NumPy's lerp: from the nearer end, so the result stays within [a, b] exactly.
    return float(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t)


def null_scores(view: StoreView, probe_vectors: np.ndarray) -> NullScores:
    """The best cosine of each probe vector over the whole of ``view`` (empty for an empty index)."""
    best = view.best_cosines(probe_vectors)
    return NullScores(tuple(sorted(float(b) for b in best if np.isfinite(b))))


def calibrated(params: RankParams, null: Optional[NullScores]) -> RankParams:
    """``params`` with the confident cosine set for this index: ``confident_margin`` above the
    ``confident_quantile`` of the probes' best cosines, at most ``confident_floor``. Without a
    measurement (an empty index, or a margin below zero, which turns calibration off)
    ``confident_floor`` stays as configured.
    ``semantic_floor`` rises to ``meaning_gap`` below the bar (a gap below zero leaves it)."""
    if null is None or params.confident_margin < 0:
        return params
    q = null.quantile(params.confident_quantile)
    if q is None:
        return params
    # Never above the configured bar (0.5 left no judged out-of-domain query a match on any corpus,
    # Limerick's 97k paragraphs included): measuring lowers the bar where off-topic queries reach
    # less, and does not raise it for an encoder whose scores run high.
    floor = min(params.confident_floor, q + params.confident_margin)
    # A paragraph found by meaning alone is a match only within ``meaning_gap`` of the bar: the
    # fixed 0.1 floor is below what half the off-topic probes reach on every index (their median
    # best cosine: seeds 0.12, Kent 0.21, Limerick 0.39), so on a large index any neighbour counted.
    semantic = (
        max(params.semantic_floor, floor - params.meaning_gap) if params.meaning_gap >= 0 else params.semantic_floor
    )
    # "Both views half-confident" keeps its distance below the bar.
    return replace(
        params,
        confident_floor=floor,
        joint_floor=floor - (params.confident_floor - params.joint_floor),
        semantic_floor=semantic,
    )
