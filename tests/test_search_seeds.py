"""Searching the seeds index in the embedded store: what only it does (the tests every store
passes are in test_backends.py)."""

from __future__ import annotations

import numpy as np
import pytest

from minsearch.config import load_settings
from minsearch.model import Filters, MinsearchError, Query
from minsearch.search import Searcher


@pytest.mark.parametrize(
    "bad",
    [
        Query(""),
        Query("   "),
        Query("x", mode="fuzzy"),
        Query("x", limit=0),
        Query("x", filters=Filters(since="last week")),
    ],
)
def test_bad_queries_are_clear_errors(searcher, bad):
    with pytest.raises(MinsearchError):
        searcher.search(bad)


@pytest.mark.slow
def test_semantic_only_hit_shows_its_best_sentence(real_searcher):
    r = real_searcher.search(Query("children seeing the dentist", mode="semantic", limit=1))
    marked = " ".join(t for t, m in r.hits[0].snippet if m)
    assert "dent" in marked.lower()


@pytest.mark.slow
def test_a_query_in_everyday_words_finds_the_minutes_own_wording_early(real_searcher):
    """ "county lines": the seeds' minutes speak of "young boys as drugs mules"; the glossary finds
    it by keyword, and fusion leans on the keyword view as for an acronym (it was tenth, under
    paragraphs about children missing from care)."""
    r = real_searcher.search(Query("county lines", limit=10))
    assert any("drugs mules" in h.chunk.text for h in r.hits[:3]), [h.chunk.text[:60] for h in r.hits[:5]]


@pytest.mark.slow
def test_meaning_reads_an_everyday_query_in_the_minutes_words(real_searcher):
    """Meaning alone read "county lines" as lines on a county map; with the glossary's wording it
    finds the drugs-mules paragraph on the first page and says what it read. A query that names
    an everyday group only on its side is read as typed ("scams" is 1 of its 5 words)."""
    r = real_searcher.search(Query("county lines", mode="semantic", limit=5))
    assert any("drugs mules" in h.chunk.text for h in r.hits), [h.chunk.text[:60] for h in r.hits]
    assert any(e.startswith("county lines →") for e in r.expansions)
    with real_searcher.pinned() as view:
        q, _ = real_searcher.validate(Query("phone and email scams targeting the public", mode="semantic"), view)
        assert real_searcher.candidates(q, view).encoded == "phone and email scams targeting the public"


@pytest.mark.slow
def test_query_encoder_matches_sentence_transformers(real_searcher, real_encoder):
    texts = ["dental checks for children in care", "foster carers quitting " * 60]
    a = real_searcher.encode(texts)
    b = real_encoder.encode(texts)
    assert np.all(np.sum(a * b, axis=1) > 0.999)


def test_hostile_text_in_a_query_is_searched_not_crashed_on(searcher):
    r = searcher.search(Query("\ud800 dental <script>alert(1)</script>", limit=3))
    shown = r.hits or r.closest  # mostly markup: it may not count as a confident match, but it is searched
    assert shown
    assert searcher.chunk(shown[0].chunk.chunk_id).text == shown[0].chunk.text


def test_a_query_pasted_from_a_pdf_finds_what_its_letters_spell(searcher):
    # Text copied out of a PDF viewer keeps its ligatures ("ﬁ", "ﬃ"), an East Asian input method
    # types full-width letters: "oﬃcer" and "ＰＥＰ" found nothing.
    for pasted, typed in (("oﬃcer", "officer"), ("ﬁrst", "first"), ("ＰＥＰ", "PEP")):
        want = searcher.search(Query(typed, mode="keyword", limit=5))
        got = searcher.search(Query(pasted, mode="keyword", limit=5))
        assert want.total and [h.chunk.chunk_id for h in got.hits] == [h.chunk.chunk_id for h in want.hits], pasted
        assert got.total == want.total and got.terms == want.terms


def test_result_count_says_when_there_are_more(searcher, seeds_index):
    exact = searcher.search(Query('"dental registrations"', mode="keyword"))
    assert exact.total == len(exact.hits) and not exact.more
    # The count is of matches, not of the candidates meaning ranked (it ranks every paragraph).
    # (A one-word query such as "children" is not close enough in meaning to anything to match.)
    broad = searcher.search(Query("children in care", mode="semantic", limit=10))
    every = searcher.search(Query("children in care", mode="semantic", limit=100))
    rest = searcher.search(Query("children in care", mode="semantic", limit=100, offset=100))
    assert 20 < broad.total == every.total == len(every.hits) + len(rest.hits) < searcher.info().chunks
    assert not broad.more
    # With fewer candidates than matches, the count says there are more ("20+").
    small = Searcher(load_settings(index_dir=seeds_index, candidates=20))
    try:
        r = small.search(Query("children in care", mode="semantic", limit=10))
        assert r.more and 0 < r.total <= 20  # repeats among the 20 count once
        # Nothing matches: no "20+", however many paragraphs the semantic view ranked.
        none = small.search(Query("purple elephant trombone", mode="semantic", limit=10))
        assert none.total == 0 and not none.more and none.closest
    finally:
        small.close()


def test_concurrent_searches_give_the_same_answers(searcher):
    """The page serves several requests at once from one Searcher (waitress threads)."""
    import random
    import threading

    texts = [
        "dental checks",
        '"missing episodes"',
        "foster AND carers",
        "PEPs",
        "health assessments",
        "care leavers NOT housing",
        "title:fostering",
        "children running away from home",
    ]
    expected = {
        t: [h.chunk.chunk_id for h in searcher.search(Query(text=t, mode="keyword", limit=20)).hits] for t in texts
    }
    wrong: list[str] = []

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        for _ in range(300):
            t = rnd.choice(texts)
            try:
                got = [h.chunk.chunk_id for h in searcher.search(Query(text=t, mode="keyword", limit=20)).hits]
            except Exception as e:  # noqa: BLE001 - any error here is the failure we test for
                wrong.append(f"{t}: {e!r}")
                continue
            if got != expected[t]:
                wrong.append(f"{t}: different hits")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not wrong, wrong[:5]


def test_dates_in_the_words_of_undated_minutes_are_words(searcher):
    """The seeds state no meeting dates: "since 2022" there is words, not a filter that leaves
    nothing (DBpedia's "FIFA world cup national team winners since 1974" found nothing at all)."""
    r = searcher.search(Query("dental checks since 2022", mode="keyword"))
    assert r.hits and "dental" in r.hits[0].chunk.text.lower()
    assert not any("Meetings" in n for n in r.notices)
    assert not searcher.search(Query("dental date:>2022", mode="keyword")).hits  # the date field still filters


def test_the_index_keeps_the_sentences_excerpts_are_chosen_from(seeds_index):
    from helpers import kept_sentences_match_the_texts

    assert kept_sentences_match_the_texts(seeds_index) > 20


def test_a_meaning_page_encodes_only_the_query(seeds_index, encoder, monkeypatch):
    """Excerpts of paragraphs found by meaning are chosen by the index's sentence vectors: the page
    encodes the query and nothing else, and shows the sentences that encoding them here chose."""
    from helpers import CountingEncoder

    from minsearch.store.embedded import _View

    queries = ["foster carers quitting", "children seeing the dentist", "money for the young people's budget"]
    counting = CountingEncoder(encoder)
    s = Searcher(load_settings(index_dir=seeds_index), encoder=counting)
    try:
        kept = [s.search(Query(q, mode="semantic", limit=10)) for q in queries]
        assert counting.texts == queries
        monkeypatch.setattr(_View, "sentence_vectors", lambda self, ids: {})
        encoded = [s.search(Query(q, mode="semantic", limit=10)) for q in queries]
        assert len(counting.texts) > 2 * len(queries)  # without kept vectors, the sentences are encoded
    finally:
        s.close()
    chosen = [[h.snippet for h in r.hits] for r in kept]
    assert chosen == [[h.snippet for h in r.hits] for r in encoded]
    assert sum(any(m for _t, m in snip) for page in chosen for snip in page) > 10


@pytest.mark.slow
@pytest.mark.parametrize(
    "text", ["foster carers quitting", "kids running away from care", "laptops for home schooling"]
)
def test_meaning_feedback_reorders_the_same_matches(real_seeds_index, text):
    # Feedback only reorders what meaning found: the count, the matches and the "closest" heading
    # are those of the query itself (its vector moved toward its first paragraphs is close to
    # whatever they are, and must not make more paragraphs count as matches).
    from minsearch.config import load_settings
    from minsearch.search import Searcher

    on = Searcher(load_settings(index_dir=real_seeds_index))
    off = Searcher(load_settings(index_dir=real_seeds_index).with_(feedback=0.0))
    try:
        a, b = (s.search(Query(text, limit=100), snippets=False) for s in (on, off))
    finally:
        on.close()
        off.close()
    assert a.total == b.total and a.total > 0
    # (a repeat may be shown under another of its copies: the copies, with their "also in", are the same)
    shown = [{c.chunk_id for h in r.hits for c in (h.chunk, *h.also)} for r in (a, b)]
    assert shown[0] == shown[1]
