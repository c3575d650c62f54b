"""Paragraph records: what a search shows of a chunk (text, title, numbers, source), on disk once.

Whoosh kept these as every paragraph's stored fields, pickled and compressed one paragraph at a
time: ~600 bytes for ~160 bytes of text on Limerick (58.8 of its 154 MB of Whoosh files), since
the document's source, URL, council and committee were repeated in each paragraph and a single
paragraph is too short for zlib to find anything to share. Here the records of up to
:data:`BLOCK_ROWS` consecutive paragraphs of one document are compressed together, so what they
repeat is stored about once: 9.8 MB for the same paragraphs, decoded in ~75 µs a block
(measured over all 6,543 blocks of Limerick; 32 rows a block gave 8.6 MB but 174 µs).

A block never holds two documents' paragraphs, so a re-index that replaces or removes a document
drops its blocks whole and copies the others byte for byte into the next generation.

File layout (``paragraphs.bin``): a magic line, the zlib blocks (each a JSON list of records, a
record a list in :data:`RECORD_FIELDS` order), the blocks' start offsets (int64, one more than the
blocks), then the block count (uint64) and the magic again. The chunk table (``chunks.npz``) holds
each chunk's block and slot; its id, document, date and kind are table columns, not repeated here.
"""

from __future__ import annotations

import json
import mmap
import threading
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import IO, Iterable

import numpy as np

from ..model import Chunk
from .layout import DAMAGE, damaged

MAGIC = b"MSPARA1\n"
BLOCK_ROWS = 16  # paragraphs per block (see the module docstring for the measured trade-off)
# Decoded blocks kept per open generation, by their decoded size: 2 MB holds ~270 of Limerick's
# blocks (~4,000 paragraphs, as the 256 blocks kept before) and every block of Cranfield (1,398)
# and nearly all of MS MARCO's 5k (4,766 of 4,999), whose documents are a block each: kept by
# count, a Cranfield question decoded ~90 blocks for its 100 hits.
DECODED_BYTES = 2 << 20
# The order of a record's fields in a block (a list per paragraph: keys would repeat per row).
RECORD_FIELDS = (
    "text",
    "title",
    "section",
    "item_ref",
    "para_ref",
    "source",
    "url",
    "council",
    "committee",
    "paragraph",
    "item",
    "start",
    "end",
    "page",
)
_TRAILER = 8 + len(MAGIC)


def record(c: Chunk) -> list:
    """The fields of ``c`` that a block stores, in :data:`RECORD_FIELDS` order."""
    return [getattr(c, f) for f in RECORD_FIELDS]


def _encode(records: list[list]) -> bytes:
    raw = json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return zlib.compress(raw, 6)


class ParagraphWriter:
    """Writes a generation's ``paragraphs.bin``: blocks copied from the live generation's file,
    then blocks of new documents. Use as a context manager; ``close`` writes the offsets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[bytes] = open(path, "wb")
        self._fh.write(MAGIC)
        self._offsets: list[int] = []
        self._at = len(MAGIC)

    def __enter__(self) -> "ParagraphWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _append(self, data: bytes) -> int:
        self._offsets.append(self._at)
        self._fh.write(data)
        self._at += len(data)
        return len(self._offsets) - 1

    def copy_blocks(self, source: "ParagraphFile", blocks: np.ndarray) -> np.ndarray:
        """Copy ``blocks`` (sorted, unique block numbers of ``source``) as they are, a run of
        consecutive blocks in one write (adding a meeting keeps every block: one copy of the
        file); returns the new number of each."""
        blocks = np.asarray(blocks, dtype=np.int64)
        first = len(self._offsets)
        starts = source.offsets[blocks]
        breaks = np.flatnonzero(np.diff(blocks) != 1) + 1
        for run in np.split(np.arange(len(blocks)), breaks):
            if not len(run):
                continue
            lo, hi = int(starts[run[0]]), int(source.offsets[blocks[run[-1]] + 1])
            self._offsets.extend((starts[run] - lo + self._at).tolist())
            self._fh.write(source.span(lo, hi))
            self._at += hi - lo
        return np.arange(first, first + len(blocks), dtype=np.int32)

    def add_document(self, chunks: list[Chunk]) -> tuple[np.ndarray, np.ndarray]:
        """Write the records of one document's ``chunks`` (in table order); returns each chunk's
        block and slot."""
        blocks = np.zeros(len(chunks), dtype=np.int32)
        slots = np.zeros(len(chunks), dtype=np.uint8)
        for i in range(0, len(chunks), BLOCK_ROWS):
            part = chunks[i : i + BLOCK_ROWS]
            b = self._append(_encode([record(c) for c in part]))
            blocks[i : i + len(part)] = b
            slots[i : i + len(part)] = np.arange(len(part), dtype=np.uint8)
        return blocks, slots

    def close(self) -> None:
        if self._fh.closed:
            return
        offsets = np.array(self._offsets + [self._at], dtype="<i8")
        self._fh.write(offsets.tobytes())
        self._fh.write(np.array([len(self._offsets)], dtype="<u8").tobytes())
        self._fh.write(MAGIC)
        self._fh.close()


class ParagraphFile:
    """Read view of one generation's ``paragraphs.bin``: memory-mapped (the OS page cache holds it
    once for every server worker; reading it takes no system call, so a page listing paragraphs
    does not wait for the interpreter at every read while searches run). Thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with open(path, "rb") as fh:
                size = fh.seek(0, 2)
                if size < len(MAGIC) + _TRAILER:
                    raise ValueError("too short")
                self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            if self._map[: len(MAGIC)] != MAGIC or self._map[size - len(MAGIC) :] != MAGIC:
                raise ValueError("not a paragraphs file, or cut short")
            count = int(np.frombuffer(self._map[size - _TRAILER : size - len(MAGIC)], dtype="<u8")[0])
            start = size - _TRAILER - 8 * (count + 1)
            if start < len(MAGIC):
                raise ValueError("block count out of range")
            self._offsets = np.frombuffer(self._map[start : size - _TRAILER], dtype="<i8")
            if count and (
                self._offsets[0] != len(MAGIC) or self._offsets[-1] != start or np.any(np.diff(self._offsets) < 0)
            ):
                raise ValueError("block offsets out of order")
        except DAMAGE as e:
            raise damaged(path, e) from e
        self._decoded: OrderedDict[int, tuple[list[list], int]] = OrderedDict()  # block -> (records, bytes)
        self._decoded_bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @property
    def offsets(self) -> np.ndarray:
        """Where each block starts (and, last, where the blocks end)."""
        return self._offsets

    def span(self, start: int, stop: int) -> bytes:
        return self._map[start:stop]

    def raw_block(self, block: int) -> bytes:
        return self.span(int(self._offsets[block]), int(self._offsets[block + 1]))

    def block(self, block: int) -> list[list]:
        """The records of ``block``, decoded (and kept: pages ask for the same ones again)."""
        with self._lock:
            kept = self._decoded.get(block)
            if kept is not None:
                self._decoded.move_to_end(block)
                return kept[0]
        try:
            raw = zlib.decompress(self.raw_block(block))
            found = json.loads(raw)
        except (zlib.error, ValueError, IndexError) as e:
            raise damaged(self.path, e) from e
        with self._lock:
            if block not in self._decoded:  # (another thread may have decoded it meanwhile)
                self._decoded[block] = (found, len(raw))
                self._decoded_bytes += len(raw)
            while self._decoded_bytes > DECODED_BYTES and len(self._decoded) > 1:
                self._decoded_bytes -= self._decoded.popitem(last=False)[1][1]
        return found

    def records(self, blocks: Iterable[int], slots: Iterable[int]) -> list[dict]:
        """The record (a dict of :data:`RECORD_FIELDS`) at each (block, slot)."""
        out = []
        decoded: dict[int, list[list]] = {}  # each block once (sixteen paragraphs of a meeting share one)
        for b, s in zip(np.asarray(blocks).tolist(), np.asarray(slots).tolist()):
            block = decoded.get(b)
            if block is None:
                block = decoded[b] = self.block(b)
            try:
                row = block[s]
            except IndexError as e:
                raise damaged(self.path, e) from e
            out.append(dict(zip(RECORD_FIELDS, row)))
        return out

    def close(self) -> None:
        self._map.close()  # slices of it are copies (bytes): nothing else points into it


def chunk_of(rec: dict, chunk_id: str, doc_id: str, date: str, kind: str) -> Chunk:
    """A :class:`Chunk` from its block record and the table's columns."""
    return Chunk(chunk_id=chunk_id, doc_id=doc_id, date=date, kind=kind, **rec)
