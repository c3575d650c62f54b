"""The NumPy scorer for plain word queries must give exactly what Whoosh's own search gives."""

from __future__ import annotations

import random

import numpy as np
import pytest
from helpers import make_chunk

from minsearch.model import Chunk, Filters
from minsearch.store import keyword
from minsearch.store.embedded import open_keyword
from minsearch.store.keyword import KeywordIndex, filter_query
from minsearch.store.keyword_scoring import plain_terms
from minsearch.store.query import SCORED_FIELDS, parse, plan_query
from minsearch.store.vectors import ChunkTable

WORDS = (
    "housing dental checks children care foster carers budget road repairs library school "
    "planning permission flooding grant council committee report the of and"
).split()


def _whoosh(ki: KeywordIndex, text: str, filters: Filters, limit: int) -> list[tuple[str, float]]:
    """Whoosh's own collector, bypassing the fast path."""
    q, _ = parse(text, ki.schema)
    res = ki._searcher.search(q, limit=limit, filter=filter_query(filters))
    return [(ki.chunk_id_of(r.docnum), float(r.score)) for r in res]


def _fast(ki: KeywordIndex, text: str, filters: Filters, limit: int) -> tuple[list[tuple[str, float]], int]:
    """The NumPy path only: raises rather than falling back to Whoosh."""
    q, _ = parse(text, ki.schema)
    plan = plan_query(q, SCORED_FIELDS)
    assert plan is not None
    with ki._reader() as r:
        res = ki._concept_search(r, plan, filter_query(filters), limit, 0.0, [], [])
    return res.hits, res.total


def _assert_same(fast: list[tuple[str, float]], slow: list[tuple[str, float]]) -> None:
    """Same paragraphs in the same order (ties by document number, as Whoosh), same scores."""
    assert [c for c, _ in fast] == [c for c, _ in slow]
    assert [s for _, s in fast] == pytest.approx([s for _, s in slow], rel=1e-9)


@pytest.fixture(scope="module")
def segmented_index(tmp_path_factory):
    """Three segments, deletions in two of them, titles and several councils and dates."""
    rnd = random.Random(7)
    folder = tmp_path_factory.mktemp("kw") / "whoosh"
    ix = keyword.create(folder)
    n = 0
    chunks: list[Chunk] = []
    for batch in range(3):
        w = keyword.writer(ix)
        for _ in range(400):
            n += 1
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 60)))
            chunks.append(
                Chunk(
                    chunk_id=f"c{n}",
                    doc_id=f"d{n // 7}",
                    source="x.txt",
                    title=" ".join(rnd.sample(WORDS, 3)),
                    section="",
                    paragraph=n % 7,
                    start=0,
                    end=len(text),
                    text=text,
                    council=rnd.choice(["Kent", "Limerick"]),
                    committee="Panel",
                    date=f"2024-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
                )
            )
            w.add_document(**keyword.chunk_fields(chunks[-1]))
        w.commit(merge=False)
        if batch:
            w = keyword.writer(ix)
            for k in rnd.sample(range(1, n), 60):
                w.delete_document(k - 1)  # paragraph c{k}: documents are numbered as added
            w.commit(merge=False)
    assert len(ix._segments()) == 3 and any(s.has_deletions() for s in ix._segments())
    ki = KeywordIndex(folder, ChunkTable.from_chunks(chunks))
    yield ki
    ki.close()


@pytest.mark.parametrize(
    "text",
    [
        "dental",
        "dental checks",
        "foster carers quitting",
        "the of and",
        "housing OR budget",
        "Dental Checks For Children In Care",
        "library library school",
        "title:budget",
        "zzznotaword dental",
    ],
)
@pytest.mark.parametrize("limit", [1, 10, 100])
def test_plain_queries_score_exactly_as_whoosh(segmented_index, text, limit):
    ki = segmented_index
    q, _ = parse(text, ki.schema)
    words = plain_terms(q, {"text", "title", "exact"})
    assert words is not None
    fast, total = _fast(ki, text, Filters(), limit)
    _assert_same(fast, _whoosh(ki, text, Filters(), limit))
    assert ki.search(text, Filters(), limit).hits == fast
    assert fast and total >= len(fast), text


@pytest.mark.parametrize(
    "filters",
    [
        Filters(council="kent"),
        Filters(since="2024-03-01", until="2024-06-30"),
        Filters(council="Limerick", committee="panel", since="2024-05-01"),
    ],
)
def test_filters_are_applied_exactly_as_whoosh(segmented_index, filters):
    ki = segmented_index
    fast, _total = _fast(ki, "dental budget road", filters, 50)
    _assert_same(fast, _whoosh(ki, "dental budget road", filters, 50))
    assert fast


def test_deleted_paragraphs_never_come_back(segmented_index):
    reader = segmented_index._searcher.reader()
    live = {segmented_index.chunk_id_of(n) for n in reader.all_doc_ids()}
    hits = segmented_index.search("the", Filters(), 100).hits
    assert hits and {c for c, _ in hits} <= live


@pytest.mark.parametrize(
    "text", ['"dental checks"', "dental AND checks", "dental NOT budget", "dent*", "title:budget^2 road"]
)
def test_other_queries_are_left_to_whoosh(segmented_index, text):
    q, _ = parse(text, segmented_index.schema)
    assert plain_terms(q, {"text", "title", "exact"}) is None
    assert segmented_index.search(text, Filters(), 10).hits == _whoosh(segmented_index, text, Filters(), 10)


def test_seeds_index_gives_whoosh_results(seeds_index):
    from minsearch.store.layout import IndexLayout

    layout = IndexLayout(seeds_index)
    ki = open_keyword(layout.generation_dir(layout.require_current()))
    try:
        for text in [
            "dental checks",
            "foster carers quitting",
            "missing episodes",
            "personal education plans",
            "what did the panel say about children in care",
            "LAC",
            "care leavers EET",
        ]:
            _assert_same(ki.search(text, Filters(), 100).hits, _whoosh(ki, text, Filters(), 100))
    finally:
        ki.close()


def test_an_empty_index_answers_with_nothing(tmp_path):
    """After every document is pruned, a search finds nothing rather than failing (IDF of 0 docs)."""
    ix = keyword.create(tmp_path / "whoosh")
    ix.writer().commit()
    ki = KeywordIndex(tmp_path / "whoosh", ChunkTable.empty())
    try:
        assert ki.search("dental checks", Filters(), 100).hits == []
        assert ki.search("dental", Filters(council="Kent", since="2024-01-01"), 10).hits == []
    finally:
        ki.close()


@pytest.mark.parametrize(
    "filters, same_as",
    [
        (Filters(until="9999-12-31"), Filters()),  # every paragraph here has a date
        (Filters(since="0001-01-01"), Filters()),
        (Filters(since="0001-01-01", until="9999-12-31"), Filters()),
        (Filters(since="2024-05-01", until="9999-12-31"), Filters(since="2024-05-01", until="2100-12-31")),
    ],
)
def test_date_filters_at_the_ends_of_the_calendar(segmented_index, filters, same_as):
    """One day after 9999-12-31 overflowed; the first day of year 1 matched nothing (issue 15)."""
    got = segmented_index.search("dental budget", filters, 1000).hits
    assert got and got == segmented_index.search("dental budget", same_as, 1000).hits


def test_an_open_ended_date_range(segmented_index):
    hits = segmented_index.search("dental", Filters(since="2024-05-01"), 1000).hits
    dated = segmented_index.search("dental", Filters(since="2024-05-01", until="2100-12-31"), 1000).hits
    assert hits and hits == dated
    hits = segmented_index.search("dental", Filters(until="2024-04-30"), 1000).hits
    assert hits and hits == segmented_index.search("dental", Filters(since="1900-01-01", until="2024-04-30"), 1000).hits


def test_spelling_candidates_are_every_word_within_reach(segmented_index):
    """Did-you-mean reads the index's words once per generation and walks them in memory (Whoosh's
    own corrector read the term file: 0.3-0.5 s a misspelt word on Limerick): it must find every
    word within reach, swaps of two letters included, and nothing else."""
    from minsearch.store.keyword import edit_distance, words_within

    reader = segmented_index._searcher.reader()
    known = sorted({w.decode() if isinstance(w, bytes) else w for w in reader.lexicon("exact")} | {"apple", "zone"})
    typed_words = ["dentl", "huosing", "fostr", "zzzz", "aaa", "libary", "comittee", "planningg", "x", "aple", "zoen"]
    for typed in typed_words:
        for edits in (1, 2):
            want = sorted(w for w in known if edit_distance(typed, w) <= edits)
            assert words_within(known, typed, edits) == want, (typed, edits)
    assert words_within([], "aple", 2) == []
    assert segmented_index.corrections(["dentl", "huosing", "housing"]) == {"dentl": ["dental"], "huosing": ["housing"]}


def test_two_edits_are_offered_for_words_of_8_to_20_letters(tmp_path):
    """Two edits of a long word cost one automaton per pair of letters (4.7 s for 120 letters):
    a word over 20 letters is offered one edit at most; one of 8-20 letters gets two."""
    folder = tmp_path / "whoosh"
    ix = keyword.create(folder)
    w = keyword.writer(ix)
    texts = ["the interdepartmentalisation of services", "a framework for regeneration"]
    chunks = [make_chunk("d", i, text=t, end=len(t)) for i, t in enumerate(texts)]
    for c in chunks:
        w.add_document(**keyword.chunk_fields(c))
    w.commit()
    ki = KeywordIndex(folder, ChunkTable.from_chunks(chunks))
    try:
        assert ki.corrections(["regenretaion"]) == {"regenretaion": ["regeneration"]}  # 12 letters, two swaps
        assert ki.corrections(["interdepratmentalisatoin"]) == {"interdepratmentalisatoin": []}  # 24 letters
        assert ki.corrections(["interdepartmentalisatoin"]) == {
            "interdepartmentalisatoin": ["interdepartmentalisation"]  # one swap: one edit
        }
    finally:
        ki.close()


def test_at_most_six_unknown_words_of_a_query_are_corrected(segmented_index):
    typed = ["dentl", "hosuing", "fostr", "libary", "buget", "plannign", "scholo", "counicl"]
    found = segmented_index.corrections(typed)
    assert list(found) == typed[:6] and found["dentl"] == ["dental"]


def test_posting_lists_are_kept_within_their_budget():
    from minsearch.store.keyword_scoring import PostingCache

    cache = PostingCache(budget=10)
    reads: list[str] = []

    def reader(term: str, n: int):
        def read():
            reads.append(term)
            return np.arange(n, dtype=np.int64), np.ones(n)

        return read

    a = cache.get((0, "text", "a"), reader("a", 6))
    assert cache.get((0, "text", "a"), reader("a", 6)) is a and reads == ["a"]  # kept, not read again
    cache.get((0, "text", "b"), reader("b", 6))  # 12 postings > 10: the oldest list goes
    cache.get((0, "text", "a"), reader("a", 6))
    assert reads == ["a", "b", "a"]
    with pytest.raises(ValueError):
        a[0][0] = 1  # what it hands out is read-only (every searcher of the generation shares it)
    for i in range(30):  # words no paragraph holds count too: a generation is asked unbounded words
        cache.get((0, "text", f"unknown{i}"), reader(f"unknown{i}", 0))
    assert len(cache._lists) <= 10
    ids, _tf = cache.get((0, "text", "common"), reader("common", 11))  # longer than the budget: read, not kept
    assert len(ids) == 11 and (0, "text", "common") not in cache._lists
