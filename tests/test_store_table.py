"""The per-chunk table behind filters: compact on disk, same answers after save/load/concat."""
from __future__ import annotations

import numpy as np

from minsearch.model import Chunk, Filters
from minsearch.store.vectors import ChunkTable


def chunk(i: int, doc: str, council: str, date: str, boiler: bool = False) -> Chunk:
    return Chunk(chunk_id=f"{doc}#p{i}", doc_id=doc, source="", title="t", section="minutes", paragraph=i,
                 start=0, end=1, text="x", council=council, committee="Cabinet", date=date, boilerplate=boiler)


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
    assert kept.doc_id[0] == "réunion/2" and list(kept.boilerplate) == [False, False]


def test_first_layout_is_still_read(tmp_path):
    with open(tmp_path / "old.npz", "wb") as fh:
        np.savez(fh, chunk_id=np.array(["a#p1", "b#p1"]), doc_id=np.array(["a", "b"]),
                 council=np.array(["kent", ""]), committee=np.array(["", ""]), date=np.array(["2024-01-01", ""]),
                 boilerplate=np.array([False, True]))
    t = ChunkTable.load(tmp_path / "old.npz")
    assert t.chunk_ids() == ["a#p1", "b#p1"] and list(t.mask(Filters(council="Kent"))) == [True, False]
