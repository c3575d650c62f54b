"""The quick suite (``pytest -m "not slow"``, ``make test-fast``) runs without torch: its fixtures
index and search with the test model. conftest.py also fails such a run that imported torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# What the conftest fixtures do (seeds_index, searcher), in a fresh interpreter.
_SCRIPT = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, {tests!r})
import conftest, helpers
from minsearch.config import load_settings
from minsearch.encode import open_encoder
from minsearch.model import Query
from minsearch.search import Searcher
home = conftest._index_seeds(Path(tempfile.mkdtemp()), open_encoder(helpers.TEST_MODEL))
s = Searcher(load_settings(index_dir=home))
for mode in ("keyword", "semantic", "hybrid"):
    assert s.search(Query("dental checks", mode=mode)).hits, mode
assert s.more_like_this("000_87bfe40191ebd6ef#p8").hits
heavy = sorted(m for m in ("torch", "sentence_transformers", "onnxruntime") if m in sys.modules)
assert not heavy, heavy
print("ok")
"""


def test_quick_fixtures_do_not_import_torch(tmp_path):
    r = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(tests=str(TESTS))],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]
