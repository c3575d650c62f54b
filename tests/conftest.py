"""Shared fixtures: one real model load and one seeds index per test session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def doc_encoder():
    """The real sentence-transformers encoder, loaded once (it takes ~6 s)."""
    from minsearch.encode import DocumentEncoder

    return DocumentEncoder("all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory, doc_encoder) -> Path:
    """An index of seeds/, built once; tests must not modify it (copy it instead)."""
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths

    home = tmp_path_factory.mktemp("seeds-index")
    summary = index_paths([SEEDS], load_settings(index_dir=home), encoder=doc_encoder)
    assert summary.documents == 5 and not summary.skipped
    return home


@pytest.fixture(scope="session")
def searcher(seeds_index):
    from minsearch.config import load_settings
    from minsearch.search import Searcher

    s = Searcher(load_settings(index_dir=seeds_index))
    yield s
    s.close()


@pytest.fixture
def index_copy(seeds_index, tmp_path) -> Path:
    """A private copy of the seeds index, for tests that write to it."""
    dest = tmp_path / "index"
    shutil.copytree(seeds_index, dest, symlinks=True)
    (dest / "LOCK").unlink(missing_ok=True)
    return dest
