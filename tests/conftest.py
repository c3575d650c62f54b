"""Shared fixtures: one seeds index per test session, per model and per backend.

The quick suite runs on the deterministic test model (``hashing-test``, hashed words, no torch):
``MINSEARCH_MODEL`` is set here, so the indexer, the CLI and ``minsearch`` child processes all
use it unless a test names another model. Tests of meaning use the real model through the
``real_*`` fixtures and are marked ``slow``; ``test_quick_suite_does_not_import_torch`` keeps it so.

Backend fixtures: ``backend_searcher`` runs a test against the embedded store and (slow) against
a Milvus server started from milvus-lite, on the same seeds index.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import REAL_MODEL, SEEDS, TEST_MODEL, milvus_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["MINSEARCH_MODEL"] = TEST_MODEL


@pytest.fixture(scope="session")
def encoder():
    """The test model's encoder (hashed words: instant, deterministic, no torch)."""
    from minsearch.encode import open_encoder

    return open_encoder(TEST_MODEL)


@pytest.fixture(scope="session")
def real_encoder():
    """The real sentence-transformers encoder, loaded once (it takes ~6 s); slow tests only."""
    from minsearch.encode import TorchEncoder

    return TorchEncoder(REAL_MODEL)


def _index_seeds(home: Path, encoder) -> Path:
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths

    summary = index_paths([SEEDS], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    assert summary.documents == 5 and not summary.skipped
    return home


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory, encoder) -> Path:
    """An index of seeds/ with the test model, built once; tests must not modify it (copy it instead)."""
    return _index_seeds(tmp_path_factory.mktemp("seeds-index"), encoder)


@pytest.fixture(scope="session")
def real_seeds_index(tmp_path_factory, real_encoder) -> Path:
    """An index of seeds/ with the real model (and its ONNX query encoder), built once."""
    return _index_seeds(tmp_path_factory.mktemp("real-seeds-index"), real_encoder)


def _searcher(home: Path):
    from minsearch.config import load_settings
    from minsearch.search import Searcher

    return Searcher(load_settings(index_dir=home))


@pytest.fixture(scope="session")
def searcher(seeds_index):
    s = _searcher(seeds_index)
    yield s
    s.close()


@pytest.fixture(scope="session")
def real_searcher(real_seeds_index):
    s = _searcher(real_seeds_index)
    yield s
    s.close()


@pytest.fixture
def index_copy(seeds_index, tmp_path) -> Path:
    """A private copy of the seeds index, for tests that write to it."""
    dest = tmp_path / "index"
    shutil.copytree(seeds_index, dest, symlinks=True)
    (dest / "LOCK").unlink(missing_ok=True)
    return dest


# -- Milvus ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def milvus(tmp_path_factory):
    """A real Milvus server (the milvus-lite core) on a free loopback port, for the session."""
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite", reason="milvus-lite (and setuptools<81) not installed")
    from benchmarks.milvus_server import MilvusServer

    with MilvusServer(tmp_path_factory.mktemp("milvus")) as srv:
        yield srv


@pytest.fixture(scope="session")
def milvus_index(milvus, tmp_path_factory, encoder):
    """seeds/ indexed into the collection "seeds" by the real indexer, with the test model."""
    from minsearch.indexer import index_paths

    settings = milvus_settings(milvus, tmp_path_factory.mktemp("milvus-home"), "seeds")
    summary = index_paths([SEEDS], settings, encoder=encoder)
    assert summary.documents == 5 and not summary.skipped and summary.published
    return settings


@pytest.fixture(scope="session")
def msearcher(milvus_index):
    from minsearch.search import Searcher

    s = Searcher(milvus_index)
    yield s
    s.close()


@pytest.fixture(scope="session")
def real_msearcher(milvus, real_encoder, tmp_path_factory):
    """seeds/ in Milvus with the real model; the indexer exports its ONNX query encoder into the
    local index folder, as for the embedded store."""
    from minsearch.indexer import index_paths
    from minsearch.search import Searcher

    settings = milvus_settings(milvus, tmp_path_factory.mktemp("real-milvus-home"), "real_seeds", model=REAL_MODEL)
    assert index_paths([SEEDS], settings, encoder=real_encoder).documents == 5
    s = Searcher(settings)
    yield s
    s.close()


@pytest.fixture(params=["embedded", pytest.param("milvus", marks=pytest.mark.slow)])
def backend_searcher(request):
    """A Searcher over the seeds index (test model) in each backend: one test, every store."""
    return request.getfixturevalue("searcher" if request.param == "embedded" else "msearcher")


# -- the quick suite stays torch-free ----------------------------------------------------------------
def pytest_sessionfinish(session, exitstatus):
    """Fail a run that deselects the slow tests (``make test-fast``) if it imported torch: the
    quick suite is meant to run on the test model alone."""
    import sys

    markexpr = session.config.getoption("markexpr", "") or ""
    if "not slow" in markexpr and "torch" in sys.modules and session.testscollected:
        session.config.get_terminal_writer().line(
            "quick suite imported torch: a test needs the real model and is not marked slow", red=True
        )
        session.exitstatus = 1
