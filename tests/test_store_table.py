"""The per-chunk table behind filters: compact on disk, same answers after save/load/concat."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import make_chunk

from minsearch.config import load_settings
from minsearch.indexer import index_paths
from minsearch.model import Chunk, Filters, MinsearchError, Query
from minsearch.search import Searcher
from minsearch.store.layout import IndexLayout
from minsearch.store.vectors import ChunkTable

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def chunk(i: int, doc: str, council: str, date: str, boiler: bool = False) -> Chunk:
    return make_chunk(
        doc,
        i,
        text=f"x {doc} {i}",
        council=council,
        committee="Cabinet",
        date=date,
        kind="procedure" if boiler else "substance",
    )


def test_filters_save_load_take_and_concat(tmp_path):
    a = ChunkTable.from_chunks([chunk(1, "d1", "Kent", "2024-01-05"), chunk(2, "d1", "Kent", "2024-01-05", True)])
    b = ChunkTable.from_chunks([chunk(1, "réunion/2", "Kirklees", ""), chunk(2, "d3", "Kent", "2025-02-01")])
    t = ChunkTable.concat(a, b)
    t.save(tmp_path / "c.npz")
    t = ChunkTable.load(tmp_path / "c.npz")
    assert t.chunk_ids() == ["d1#p1", "d1#p2", "réunion/2#p1", "d3#p2"]
    assert list(t.mask(Filters(council="KENT"))) == [True, True, False, True]
    assert list(t.mask(Filters(since="2024-06-01"))) == [False, False, False, True]
    assert list(t.mask(Filters(exclude_doc_id="d1"))) == [False, False, True, True]
    kept = t.take(np.array([2, 3]))
    assert kept.doc_id[0] == "réunion/2" and list(kept.kind) == [0, 0]
    meta = [t.meta(r, c) for r, c in enumerate(t.chunk_ids())]
    assert [m.kind for m in meta] == ["substance", "procedure", "substance", "substance"]
    assert len({m.exact for m in meta}) == 4 and all(len(m.sketch) == 128 for m in meta)


def test_an_index_of_an_older_format_says_to_rebuild_and_is_rebuilt(index_copy):
    """Indexes written before chunks had kinds are not read half-right: one line says what to do,
    and the next `minsearch index` rebuilds from the sources."""
    layout = IndexLayout(index_copy)
    meta_path = layout.generation_dir(layout.require_current()) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "format": 1}))
    with pytest.raises(MinsearchError, match="rebuild"):
        Searcher(load_settings(index_dir=index_copy))
    summary = index_paths([SEEDS], load_settings(index_dir=index_copy))
    assert summary.published and len(summary.added) == 5
    s = Searcher(load_settings(index_dir=index_copy))
    try:
        assert s.search(Query("dental")).hits
    finally:
        s.close()
