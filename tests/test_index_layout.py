"""Index format 6: what a generation stores, and that a new one never changes the live one's files."""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import numpy as np
import pytest
from helpers import make_chunk

from minsearch.config import load_settings
from minsearch.indexer import index_paths
from minsearch.model import Chunk, Filters, Query
from minsearch.search import Searcher
from minsearch.store.embedded import open_keyword
from minsearch.store.layout import IndexLayout
from minsearch.store.paragraphs import BLOCK_ROWS, ParagraphFile, ParagraphWriter
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
    old = open_keyword(layout.generation_dir(second))
    try:
        assert len(old.search('exact:"ferry crossing"', Filters(), 10).hits) == 1
    finally:
        old.close()


def test_paragraphs_are_read_by_their_own_id(index_copy):
    s = Searcher(load_settings(index_dir=index_copy))
    try:
        with s.store.pinned() as view:
            hits = s.search(Query("dental", mode="keyword", limit=5)).hits
            ids = [h.chunk.chunk_id for h in hits]
            assert len(ids) == 5
            found = view.chunks(ids + ["no-such-doc#p1"])
            assert list(found) == ids and [found[c] for c in ids] == [h.chunk for h in hits]
            doc = view.document_chunks(hits[0].chunk.doc_id)
            assert [c.paragraph for c in doc] == sorted(c.paragraph for c in doc)
            assert found[ids[0]] in doc and all(c.text and c.doc_id == hits[0].chunk.doc_id for c in doc)
    finally:
        s.close()


def test_two_paragraphs_with_one_key_are_refused_and_the_live_index_kept(index_copy, tmp_path, monkeypatch):
    """The keyword index names a paragraph by a 64-bit key of its id: a generation in which two
    share one is not written (it would show one paragraph for the other)."""
    from minsearch.model import MinsearchError
    from minsearch.store import vectors

    layout = IndexLayout(index_copy)
    live = layout.require_current()
    extra = tmp_path / "extra" / "ferry.txt"
    extra.parent.mkdir()
    extra.write_text(MEETING.format(word="ferry"))
    taken = int(ChunkTable.load(layout.generation_dir(live) / "chunks.npz").key[0])
    monkeypatch.setattr(vectors, "chunk_key", lambda cid: taken)  # the new paragraph gets a live one's key
    with pytest.raises(MinsearchError, match="same 64-bit key"):
        index_paths([SEEDS, extra.parent], load_settings(index_dir=index_copy))
    monkeypatch.undo()  # (reading finds rows by key too)
    assert layout.require_current() == live and _ids(index_copy, '"dental checks"')


def test_the_paragraph_file_keeps_each_documents_blocks_apart_and_copies_them_whole(tmp_path):
    first = [_chunk("d1", i) for i in range(1, 21)]  # 20 paragraphs: two blocks
    second = [_chunk("d2", i) for i in range(1, 4)]
    with ParagraphWriter(tmp_path / "a.bin") as w:
        b1, s1 = w.add_document(first)
        b2, s2 = w.add_document(second)
    assert b1.tolist() == [0] * BLOCK_ROWS + [1] * (20 - BLOCK_ROWS) and b2.tolist() == [2, 2, 2]
    assert s2.tolist() == [0, 1, 2]
    f = ParagraphFile(tmp_path / "a.bin")
    try:
        got = f.records(np.r_[b1, b2], np.r_[s1, s2])
        assert [r["text"] for r in got] == [c.text for c in first + second]
        assert got[5]["paragraph"] == 6 and got[5]["council"] == "Limerick"
        with ParagraphWriter(tmp_path / "b.bin") as w:  # d1 removed: d2's block is copied as it is
            assert w.copy_blocks(f, np.array([2])).tolist() == [0]
        g = ParagraphFile(tmp_path / "b.bin")
        assert g.raw_block(0) == f.raw_block(2) and len(g) == 1
        g.close()
        with ParagraphWriter(tmp_path / "c.bin") as w:  # runs and gaps: blocks 0 and 2 of three
            assert w.copy_blocks(f, np.array([0, 2])).tolist() == [0, 1]
            assert w.add_document(second)[0].tolist() == [2, 2, 2]
        h = ParagraphFile(tmp_path / "c.bin")
        assert [h.raw_block(i) for i in range(3)] == [f.raw_block(0), f.raw_block(2), f.raw_block(2)]
        assert [r["text"] for r in h.records([1, 2], [0, 0])] == [second[0].text] * 2
        h.close()
    finally:
        f.close()


def test_decoded_paragraph_blocks_are_kept_up_to_a_size_not_a_count(tmp_path, monkeypatch):
    """One-paragraph documents (an IR set's) are a block each: the blocks kept decoded are bounded
    by their size, so many small ones stay decoded and a few large ones do not hold memory."""
    from minsearch.store import paragraphs

    docs = [[_chunk(f"d{i}", 1)] for i in range(40)]
    with ParagraphWriter(tmp_path / "a.bin") as w:
        for doc in docs:
            w.add_document(doc)
    f = ParagraphFile(tmp_path / "a.bin")
    try:
        one = len(zlib.decompress(f.raw_block(0)))
        monkeypatch.setattr(paragraphs, "DECODED_BYTES", 10 * one)
        for _round in range(2):  # the second round reads the blocks kept, and decodes the rest again
            got = f.records(range(40), [0] * 40)
            assert [r["text"] for r in got] == [d[0].text for d in docs]
            assert f._decoded_bytes <= 10 * one and len(f._decoded) >= 9
        decoded = list(f._decoded)
        assert decoded == list(range(40))[-len(decoded) :]  # the last read are kept
        assert f.block(39) is f.block(39)  # a kept block is not decoded again
    finally:
        f.close()


def test_a_damaged_paragraph_file_is_one_line_naming_it(tmp_path):
    from minsearch.model import MinsearchError

    with ParagraphWriter(tmp_path / "p.bin") as w:
        w.add_document([_chunk("d1", i) for i in range(1, 4)])
    data = (tmp_path / "p.bin").read_bytes()
    (tmp_path / "p.bin").write_bytes(data[:-5])
    with pytest.raises(MinsearchError, match="p.bin"):
        ParagraphFile(tmp_path / "p.bin")


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
    # An id from a link whose key is a paragraph's key: found by key, then told apart by the id.
    keys = {c.chunk_id: int(k) for c, k in zip(chunks, table.key)}
    monkeypatch.setattr(vectors, "chunk_key", lambda cid: keys.get(cid, keys["d1#p1"]))
    assert [vi.row_of(c.chunk_id) for c in chunks] == [0, 1, 2, 3, 4] and vi.row_of("d1#p9") is None
