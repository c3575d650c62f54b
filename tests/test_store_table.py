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


def test_paragraphs_are_found_by_id_with_their_metadata_and_top_scores(tmp_path):
    """Looking up many ids at once (a search's candidates) answers each as looking it up alone
    would: unknown ids and an id that only shares a document are left out, each known one has
    its own document, date, kind and fingerprints, and the best vectors come back by id."""
    from minsearch.ingest.fingerprint import fingerprint
    from minsearch.store.vectors import VectorIndex

    chunks = [
        chunk(1, "d1", "Kent", "2024-01-05"),
        chunk(2, "d1", "Kent", "2024-01-05", True),
        chunk(1, "réunion/2", "Kirklees", ""),
        chunk(2, "d3", "Kent", "2025-02-01"),
    ]
    table = ChunkTable.from_chunks(chunks)
    vectors = np.eye(4, dtype=np.float32)
    index = VectorIndex(vectors, np.arange(4), table)
    asked = ["d3#p2", "nope", "d1#p9", "réunion/2#p1", "d1#p2", "d3#p2"]
    assert index.rows_of(asked) == [3, None, None, 2, 1, 3]
    meta = index.chunk_meta(asked)
    assert list(meta) == ["d3#p2", "réunion/2#p1", "d1#p2"]
    by_id = {c.chunk_id: c for c in chunks}
    for cid, m in meta.items():
        c, p = by_id[cid], fingerprint(by_id[cid].text)
        assert (m.chunk_id, m.doc_id, m.date, m.kind) == (cid, c.doc_id, c.date, c.kind)
        assert (m.exact, m.sketch, m.words) == (p.exact, p.sketch, p.words)
    found = index.search(np.array([0.25, 0, 1, 0.5], dtype=np.float32), Filters(), 3)
    assert found.hits == [("réunion/2#p1", 1.0), ("d3#p2", 0.5), ("d1#p1", 0.25)]
    only = index.search(np.array([0.25, 0, 1, 0.5], dtype=np.float32), Filters(doc_ids=("d3", "d1")), 2)
    assert only.hits == [("d3#p2", 0.5), ("d1#p1", 0.25)]
