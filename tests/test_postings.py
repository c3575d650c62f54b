"""The keyword index's compact positions (format 6) find and score exactly what Whoosh's own do."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from helpers import make_chunk
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Positions

from minsearch.model import Chunk
from minsearch.store import keyword
from minsearch.store.postings import CompactPositions
from minsearch.store.query import parse, schema

WORDS = (
    "housing dental checks children care foster carers budget road repairs library school "
    "planning permission flooding grant council committee report the of and"
).split()


@pytest.mark.parametrize("positions", [[0], [3], [0, 1, 2], [5, 130, 20_000, 3_000_000], list(range(0, 5000, 7))])
def test_positions_round_trip(positions):
    fmt = CompactPositions()
    value = fmt.encode(positions)
    assert fmt.decode_positions(value) == positions
    assert fmt.decode_frequency(value) == len(positions)
    assert fmt.decode_weight(value) == len(positions)
    assert len(value) <= 2 * len(positions) + 2 or max(positions) >= 1 << 14


def _whoosh_own_schema() -> fields.Schema:
    """The same fields with Whoosh's own positions format."""
    s = schema()
    for _name, f in s.items():
        if isinstance(f.format, CompactPositions):
            f.format = Positions(field_boost=f.format.field_boost)
    return s


def _chunks(n: int) -> list[Chunk]:
    rnd = random.Random(11)
    out = []
    for i in range(n):
        # Some long paragraphs, so that positions need more than one byte.
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.choice([5, 40, 400])))
        council = rnd.choice(["Kent County Council", "Limerick City and County Council"])
        date = f"2024-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"
        title = " ".join(rnd.sample(WORDS, 3))
        out.append(
            make_chunk(
                f"d{i // 9}",
                i % 9,
                title=title,
                text=text,
                end=len(text),
                council=council,
                committee="Corporate Parenting Panel",
                date=date,
            )
        )
    return out


def _build(folder: Path, chunks: list[Chunk], compact: bool) -> index.Index:
    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), schema() if compact else _whoosh_own_schema())
    for part in (chunks[: len(chunks) // 2], chunks[len(chunks) // 2 :]):  # two segments, then merged
        w = keyword.writer(ix) if compact else ix.writer(codec=W3Codec())
        for c in part:
            w.add_document(**keyword.chunk_fields(c))
        w.commit(merge=False)
    w = keyword.writer(ix) if compact else ix.writer(codec=W3Codec())
    w.commit(optimize=True)
    return ix


QUERIES = [
    '"dental checks"',
    '"foster carers" AND budget',
    'exact:"children care foster"',
    'text:"road repair"',
    'title:"planning permission"',
    '"checks children"~3',
    "hous* OR flood*",
    "council:limerick",
    'committee:"parenting panel"',
    "dental NOT budget",
    "library school grant",
]


def test_the_compact_index_finds_and_scores_as_whoosh_own_and_is_smaller(tmp_path):
    chunks = _chunks(1500)
    ours = _build(tmp_path / "compact", chunks, compact=True)
    theirs = _build(tmp_path / "whoosh", chunks, compact=False)
    with ours.searcher(weighting=keyword.WEIGHTING) as a, theirs.searcher(weighting=keyword.WEIGHTING) as b:
        for text in QUERIES:
            q, _ = parse(text)
            got = [(h.docnum, h.score) for h in a.search(q, limit=None)]
            want = [(h.docnum, h.score) for h in b.search(q, limit=None)]
            assert got and [d for d, _ in got] == [d for d, _ in want], text
            assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-9), text
        for field, word in [("exact", "dental"), ("text", "hous"), ("title", "road")]:
            got_pos = list(a.reader().postings(field, word).items_as("positions"))
            assert got_pos == list(b.reader().postings(field, word).items_as("positions"))
            assert got_pos and (field == "title" or any(p[-1] > 127 for _, p in got_pos))

    def size(folder: Path) -> int:
        return sum(p.stat().st_size for p in folder.iterdir())

    assert size(tmp_path / "compact") < 0.6 * size(tmp_path / "whoosh")
