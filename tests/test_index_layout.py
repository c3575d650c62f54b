"""Index format 4: what a generation stores, and that a new one never changes the live one's files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from helpers import make_chunk

from minsearch.config import load_settings
from minsearch.indexer import index_paths
from minsearch.model import Chunk, Filters, Query
from minsearch.search import Searcher
from minsearch.store import keyword
from minsearch.store.layout import IndexLayout
from minsearch.store.vectors import ChunkTable

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MEETING = "Agenda item\n\nRiver Crossing\n\nMinutes:\n\nThe Board discussed the {word} crossing and its costs.\n"


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def _ids(home: Path, text: str) -> list[str]:
    s = Searcher(load_settings(index_dir=home))
    try:
        return [h.chunk.chunk_id for h in s.search(Query(text, mode="keyword", limit=20)).hits]
    finally:
        s.close()


def test_a_new_generation_links_the_live_keyword_files_and_never_changes_them(index_copy, tmp_path):
    layout = IndexLayout(index_copy)
    first = layout.require_current()
    before = _digests(layout.generation_dir(first))
    dental = _ids(index_copy, '"dental checks"')
    assert dental

    extra = tmp_path / "new" / "river.txt"
    extra.parent.mkdir()
    extra.write_text(MEETING.format(word="ferry"))
    assert index_paths([SEEDS, extra.parent], load_settings(index_dir=index_copy)).published
    second = layout.require_current()
    assert second != first
    # The live generation's files are byte for byte what they were, and the new generation's
    # keyword index is made of links to them (plus the new paragraphs' segment): no copy.
    assert _digests(layout.generation_dir(first)) == before
    old_w, new_w = layout.generation_dir(first) / "whoosh", layout.generation_dir(second) / "whoosh"
    shared = {p.name for p in old_w.glob("*.seg")} & {p.name for p in new_w.glob("*.seg")}
    assert shared and all((old_w / n).stat().st_ino == (new_w / n).stat().st_ino for n in shared)
    assert _ids(index_copy, '"dental checks"') == dental
    assert len(_ids(index_copy, '"ferry crossing"')) == 1

    # Changing the new meeting deletes its paragraph in the third generation only: the second,
    # whose files the third links, still finds it (a reader may still be on it).
    extra.write_text(MEETING.format(word="bridge"))
    kept = _digests(layout.generation_dir(second))
    assert index_paths([SEEDS, extra.parent], load_settings(index_dir=index_copy)).published
    assert _digests(layout.generation_dir(second)) == kept
    assert _ids(index_copy, '"ferry crossing"') == [] and len(_ids(index_copy, '"bridge crossing"')) == 1
    old = keyword.KeywordIndex(layout.generation_dir(second) / "whoosh")
    try:
        assert len(old.search('exact:"ferry crossing"', Filters(), 10).hits) == 1
    finally:
        old.close()


def test_paragraphs_are_read_by_their_own_id_even_if_two_ids_shared_a_key(index_copy, monkeypatch):
    """The keyword index looks a paragraph up by a short digest of its id and checks the stored id."""
    s = Searcher(load_settings(index_dir=index_copy))
    try:
        with s.store.pinned() as view:
            ids = [h.chunk.chunk_id for h in s.search(Query("dental", mode="keyword", limit=5)).hits]
            assert len(ids) == 5
            view.gen.keyword._recent.clear()
            found = view.chunks(ids + ["no-such-doc#p1"])
            assert list(found) == ids and all(found[c].chunk_id == c for c in ids)
            view.gen.keyword._recent.clear()
            first = keyword.chunk_key(ids[0])
            monkeypatch.setattr(keyword, "chunk_key", lambda cid: first)  # every id now has the first one's key
            found = view.chunks(ids)
            assert list(found) == ids[:1] and found[ids[0]].chunk_id == ids[0]
    finally:
        s.close()


def _chunk(doc: str, i: int, chunk_id: str = "") -> Chunk:
    return make_chunk(
        doc, i, chunk_id=chunk_id or f"{doc}#p{i}", council="Limerick", committee="Council", date="2024-01-01"
    )


def test_the_chunk_table_does_not_store_long_ids_at_the_width_of_the_longest(tmp_path):
    long_doc = "limerick/" + "x" * 260
    chunks = [_chunk(long_doc, i) for i in range(1, 2001)] + [_chunk("d2", 1, chunk_id="other-id-7")]
    table = ChunkTable.from_chunks(chunks)
    table.save(tmp_path / "c.npz")
    back = ChunkTable.load(tmp_path / "c.npz")
    assert back.chunk_ids() == [c.chunk_id for c in chunks]
    assert [back.chunk_id_at(r) for r in (0, 1999, 2000)] == [chunks[0].chunk_id, chunks[1999].chunk_id, "other-id-7"]
    with np.load(tmp_path / "c.npz") as z:
        assert z["chunk_id"].dtype.itemsize <= 12  # the longest id is 270 characters


def test_rows_are_found_by_id_when_two_ids_hash_alike(monkeypatch):
    from minsearch.store import vectors

    chunks = [_chunk("d1", i) for i in range(1, 6)]
    table = ChunkTable.from_chunks(chunks)
    vi = vectors.VectorIndex(np.eye(5, 4, dtype=np.float32), np.arange(5), table)
    assert [vi.row_of(c.chunk_id) for c in chunks] == [0, 1, 2, 3, 4] and vi.row_of("d1#p9") is None
    vi = vectors.VectorIndex(np.eye(5, 4, dtype=np.float32), np.arange(5), table)
    monkeypatch.setattr("builtins.hash", lambda s: 7)  # every id collides
    assert [vi.row_of(c.chunk_id) for c in chunks] == [0, 1, 2, 3, 4] and vi.row_of("d1#p9") is None
