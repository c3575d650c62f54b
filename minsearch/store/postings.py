"""How the keyword index writes word positions: compactly (index format 6).

Whoosh's ``Positions`` format encodes each posting's positions as a 4-byte count plus a pickled
list (~17 bytes for one position), and its postings writer pickles a block's values as a tuple
of bytes objects, which pickle protocol 2 writes as one ``_codecs.encode`` call each (~20 bytes
more). zlib takes much of that back, but not all: on Limerick the positions of ``text``,
``exact`` and ``title`` were most of Whoosh's 81.7 MB (4.5x the paragraphs' raw text).

Here a posting's positions are varints (count, then gaps: 2 bytes for one position under 128),
and a block's values are one bytes string (the varint length of each value, then the values),
compressed with the rest of the block as before. Limerick's keyword index 81.7 -> 31.5 MB (20,000
of its paragraphs written in 31 s instead of 52 s: less to pickle); every search (terms, phrases,
wildcards, field and boolean queries) returns the same documents with the same scores
(``tests/test_postings.py``; benchmarks/results/store_size.md).

Whoosh keeps the schema (with this format) and each segment's codec in the index's table of
contents by their import path, so these classes' names and module are part of the index format.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PostingsWriter
from whoosh.formats import Positions


def _varints(numbers: Iterable[int]) -> bytes:
    """Little-endian base-128 varints: 7 bits a byte, the high bit set on all but a number's last byte."""
    out = bytearray()
    for n in numbers:
        while n >= 0x80:
            out.append((n & 0x7F) | 0x80)
            n >>= 7
        out.append(n)
    return bytes(out)


def _read_varints(data: bytes, count: Optional[int] = None) -> tuple[list[int], int]:
    """The varints at the start of ``data`` (``count`` of them, or all), and the bytes they took."""
    out: list[int] = []
    n = shift = 0
    used = 0
    for byte in data:
        used += 1
        n |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        out.append(n)
        n = shift = 0
        if count is not None and len(out) == count:
            break
    return out, used


class CompactPositions(Positions):
    """Whoosh's positions format, written as varints: the count of positions, then their gaps."""

    def encode(self, poslist: list[int]) -> bytes:
        gaps = [b - a for a, b in zip([0, *poslist[:-1]], poslist)]
        return _varints([len(poslist), *gaps])

    def decode_positions(self, valuestring: bytes) -> list[int]:
        codes, _ = _read_varints(valuestring)
        positions: list[int] = []
        at = 0
        for gap in codes[1:]:
            at += gap
            positions.append(at)
        return positions

    def decode_frequency(self, valuestring: bytes) -> int:
        return _read_varints(valuestring, 1)[0][0]


class _CompactPostingsWriter(W3PostingsWriter):
    def _mini_values(self) -> Any:
        size = self._format.fixed_value_size()
        if size is not None and size >= 0:
            return super()._mini_values()  # fixed-size values: Whoosh already joins them
        values = self._values
        return _varints(len(v) for v in values) + b"".join(values)


class _CompactLeafMatcher(W3LeafMatcher):
    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        blob = self._data[2]
        if not isinstance(blob, bytes) or (self._fixedsize is not None and self._fixedsize >= 0):
            super()._read_values()
            return
        lengths, at = _read_varints(blob, self._blocklength)
        values = []
        for length in lengths:
            values.append(blob[at : at + length])
            at += length
        self._values = tuple(values)


class CompactCodec(W3Codec):
    """Whoosh's default codec, with each block's values written as one bytes string."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        return _CompactPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():  # a word in one paragraph: its posting is in the term's record
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return _CompactLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
