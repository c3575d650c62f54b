"""The bar for a confident answer is set per index, from off-topic probe queries (issue 11)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from minsearch.ranking.rank import RankParams
from minsearch.searching.calibration import NullScores, calibrated, probe_queries


def test_the_probes_ship_with_minsearch_and_are_not_the_judged_nonsense():
    from pathlib import Path

    probes = probe_queries()
    assert len(probes) >= 40 and all(p and not p.startswith("#") for p in probes)
    judged = Path(__file__).parents[1] / "benchmarks" / "judged" / "nonsense.txt"
    assert not {p.casefold() for p in probes} & {q.strip().casefold() for q in judged.read_text().splitlines()}


def test_the_bar_sits_above_what_off_topic_queries_reach():
    params = RankParams(confident_floor=0.5, joint_floor=0.45, confident_quantile=0.9, confident_margin=0.04)
    small = calibrated(params, NullScores(tuple(0.1 + 0.01 * i for i in range(21))))  # q90 = 0.28
    middling = calibrated(params, NullScores(tuple(0.2 + 0.01 * i for i in range(21))))  # q90 = 0.38
    big = calibrated(params, NullScores(tuple(0.35 + 0.01 * i for i in range(21))))  # q90 = 0.53
    assert small.confident_floor == pytest.approx(0.32) and middling.confident_floor == pytest.approx(0.42)
    assert big.confident_floor == 0.5  # never above the configured bar
    # "both views half-confident" keeps its distance below the bar
    assert small.confident_floor - small.joint_floor == pytest.approx(0.05)
    # nothing measured (an empty index), or calibration turned off: the configured bar
    assert calibrated(params, NullScores(())) == params
    assert calibrated(replace(params, confident_margin=-1.0), NullScores((0.3,))) == replace(
        params, confident_margin=-1.0
    )
    assert calibrated(params, None) == params


def test_a_meaning_only_match_must_come_near_the_bar():
    # Off-topic probes reach 0.39 on Limerick (median): the fixed 0.1 floor let any neighbour count.
    params = RankParams(confident_floor=0.5, semantic_floor=0.1, confident_quantile=0.9, confident_margin=0.04)
    big = calibrated(params, NullScores(tuple(0.35 + 0.01 * i for i in range(21))))  # bar 0.5
    small = calibrated(params, NullScores(tuple(0.1 + 0.01 * i for i in range(21))))  # bar 0.32
    tiny = calibrated(params, NullScores(tuple(0.01 * i for i in range(21))))  # bar 0.22
    assert big.semantic_floor == pytest.approx(0.3) and small.semantic_floor == pytest.approx(0.12)
    assert tiny.semantic_floor == 0.1  # never below the configured floor
    assert calibrated(replace(params, meaning_gap=-1.0), NullScores((0.4,) * 5)).semantic_floor == 0.1


def test_each_generation_is_measured_once(tmp_path, encoder):
    """The probes are encoded once and searched once per generation of the index."""
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths
    from minsearch.search import Searcher
    from minsearch.searching.calibration import null_scores, probe_vectors
    from minsearch.searching.pergen import PerGeneration

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "m.txt").write_text("Item 1\n\nRoads\n\nThe committee discussed potholes on rural roads.\n")
    home = tmp_path / "ix"
    settings = load_settings(index_dir=home, model=encoder.name)
    index_paths([docs], settings, encoder=encoder)  # keeps the probes' vectors in the index home
    calls: list[int] = []
    vectors = probe_vectors(home, encoder.name, lambda t: (calls.append(len(t)), encoder.encode(t))[1])
    cache = PerGeneration(lambda view: null_scores(view, vectors))
    s = Searcher(load_settings(index_dir=home))
    try:
        with s.pinned() as view:
            first = cache.get(view)
            assert cache.get(view) is first and len(first.cosines) == len(probe_queries())
        (docs / "n.txt").write_text("Item 2\n\nParks\n\nThe committee approved new play equipment.\n")
        index_paths([docs], settings, encoder=encoder)
        with s.pinned() as view:
            assert cache.get(view) is not first  # a new generation is measured again
        assert calls == []  # ... with the probes' vectors the index run kept
    finally:
        s.close()


def test_the_probes_quantile_is_numpys_to_the_bit():
    """The bar's quantile is computed on the sorted cosines without NumPy's (which imports
    numpy.ma: ~40 ms of a cold hybrid query); it must be the same number."""
    import numpy as np

    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 49, 100):
        for _ in range(200):
            cosines = tuple(sorted(rng.uniform(-0.2, 0.9, n).tolist()))
            for q in (0.0, 0.5, 0.9, 0.95, 1.0, float(rng.random())):
                assert NullScores(cosines).quantile(q) == float(np.quantile(np.asarray(cosines), q))
    assert NullScores(()).quantile(0.9) is None


def test_a_search_from_the_command_line_does_not_load_numpy_ma(tmp_path):
    """np.unique and np.quantile import numpy.ma (~45 ms); a cold `minsearch query` needs neither."""
    import subprocess
    import sys

    from helpers import SEEDS, TEST_MODEL

    from minsearch.config import load_settings
    from minsearch.indexer import index_paths

    home = tmp_path / "ix"
    index_paths([SEEDS], load_settings(index_dir=home, model=TEST_MODEL))
    code = (
        "import sys; from minsearch.app.cli import main\n"
        "for mode in ('keyword', 'hybrid'):\n"
        "    try:\n"
        f"        main(['query', 'dental checks', '--index', {str(home)!r}, '--mode', mode])\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, e.code\n"
        "print('numpy.ma' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"
