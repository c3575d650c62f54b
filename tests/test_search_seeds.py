"""Searching the seeds index as a user would: the right paragraphs, in every mode."""
from __future__ import annotations

import numpy as np
import pytest

from minsearch.config import load_settings
from minsearch.model import Filters, MinsearchError, Query
from minsearch.search import Searcher

DENTAL = {"000_87bfe40191ebd6ef#p8", "001_23af7a714eb52c01#p7", "002_85a858a1c7ec9477#p19",
          "002_85a858a1c7ec9477#p20", "002_85a858a1c7ec9477#p23"}


def ids(result):
    return [h.chunk.chunk_id for h in result.hits]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_dental_checks_finds_dental_paragraphs_first(searcher, mode):
    r = searcher.search(Query("dental checks", mode=mode, limit=3))
    assert set(ids(r)) <= DENTAL, ids(r)
    assert ids(r)[0] in {"000_87bfe40191ebd6ef#p8", "001_23af7a714eb52c01#p7"}


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_paraphrase_without_shared_words_finds_dental_paragraphs(searcher, mode):
    r = searcher.search(Query("children seeing the dentist", mode=mode, limit=5))
    assert len(set(ids(r)[:3]) & DENTAL) >= 2, ids(r)


def test_council_filter_applies_to_both_views(searcher):
    r = searcher.search(Query("dental checks", limit=10, filters=Filters(council="kirklees")))
    assert r.hits and all(h.chunk.council == "Kirklees" for h in r.hits)
    assert ids(r)[0].startswith("002_")


def test_committee_filter(searcher):
    r = searcher.search(Query("school exclusions", limit=10,
                              filters=Filters(committee="Children, Young People and Families Scrutiny Panel")))
    assert r.hits and {h.chunk.doc_id for h in r.hits} == {"003_bbc4287e823e4516"}


def test_unknown_council_gives_no_hits_not_an_error(searcher):
    r = searcher.search(Query("dental", filters=Filters(council="Atlantis")))
    assert r.hits == []


def test_phrase_query_is_exact(searcher):
    r = searcher.search(Query('"dental registrations"', mode="keyword"))
    assert r.hits and all("dental registrations" in h.chunk.text.lower() for h in r.hits)


def test_quoted_word_is_not_stemmed(searcher):
    # "checks" stems to "check": unquoted it matches "dental check performance"; quoted it must not.
    loose = {h.chunk.chunk_id for h in searcher.search(Query("checked", mode="keyword")).hits}
    exact = {h.chunk.chunk_id for h in searcher.search(Query('"checked"', mode="keyword")).hits}
    assert loose and not exact
    hybrid_exact = searcher.search(Query('"checked"', mode="hybrid"))
    assert hybrid_exact.hits == []  # meaning may not add paragraphs without the quoted word


def test_phrase_does_not_skip_stopwords(searcher):
    r = searcher.search(Query('"children in care"', mode="keyword", limit=100))
    assert r.hits and all("children in care" in h.chunk.text.lower() for h in r.hits)


def test_field_and_boolean_queries(searcher):
    r = searcher.search(Query("title:highlight AND dental", mode="keyword", limit=20))
    assert r.hits and all(h.chunk.doc_id == "002_85a858a1c7ec9477" for h in r.hits)
    r = searcher.search(Query("dental NOT registrations", mode="keyword", limit=20))
    assert r.hits and all("registrations" not in h.chunk.text.lower() for h in r.hits)
    r = searcher.search(Query("council:kirklees dental", mode="keyword", limit=20))
    assert r.hits


def test_syntax_error_is_an_error_or_a_plain_words_fallback(searcher):
    with pytest.raises(MinsearchError):
        searcher.search(Query("date:[foo to bar]", mode="keyword"))
    r = searcher.search(Query("date:[foo to bar] dental", mode="keyword"), strict=False)
    assert r.notices


@pytest.mark.parametrize("bad", [Query(""), Query("   "), Query("x", mode="fuzzy"), Query("x", limit=0),
                                 Query("x", filters=Filters(since="last week"))])
def test_bad_queries_are_clear_errors(searcher, bad):
    with pytest.raises(MinsearchError):
        searcher.search(bad)


def test_snippet_marks_matched_words(searcher):
    r = searcher.search(Query("dental checks", mode="keyword", limit=1))
    marked = [t.lower() for t, m in r.hits[0].snippet if m]
    assert "dental" in marked and "checks" in marked


def test_semantic_only_hit_shows_its_best_sentence(searcher):
    r = searcher.search(Query("children seeing the dentist", mode="semantic", limit=1))
    marked = " ".join(t for t, m in r.hits[0].snippet if m)
    assert "dent" in marked.lower()


def test_more_like_this_comes_from_other_meetings(searcher):
    r = searcher.more_like_this("000_87bfe40191ebd6ef#p8", limit=5)
    assert r.hits and all(h.chunk.doc_id != "000_87bfe40191ebd6ef" for h in r.hits)
    assert set(ids(r)[:3]) & DENTAL


def test_query_encoder_matches_sentence_transformers(searcher, doc_encoder):
    texts = ["dental checks for children in care", "foster carers quitting " * 60]
    a = searcher.encode(texts)
    b = doc_encoder.encode(texts)
    assert np.all(np.sum(a * b, axis=1) > 0.999)


def test_document_view_lists_paragraphs_in_order(searcher):
    chunks = searcher.document("002_85a858a1c7ec9477")
    assert [c.paragraph for c in chunks] == list(range(1, len(chunks) + 1))
    with pytest.raises(MinsearchError):
        searcher.document("nope")


def test_sort_by_date_and_json_shape(searcher):
    r = searcher.search(Query("dental", sort="date"))
    hit = r.to_json()["hits"][0]
    assert set(hit) == {"rank", "score", "text", "chunk_id", "doc_id", "source", "title", "section", "kind",
                        "paragraph", "council", "committee", "date", "also"}
    dates = [h.chunk.date for h in r.hits]
    assert dates == sorted(dates, reverse=True)


def test_hostile_text_in_a_query_is_searched_not_crashed_on(searcher):
    r = searcher.search(Query("\ud800 dental <script>alert(1)</script>", limit=3))
    shown = r.hits or r.closest  # mostly markup: it may not count as a confident match, but it is searched
    assert shown
    assert searcher.chunk(shown[0].chunk.chunk_id).text == shown[0].chunk.text


def test_result_count_says_when_there_are_more(searcher, seeds_index):
    exact = searcher.search(Query('"dental registrations"', mode="keyword"))
    assert exact.total == len(exact.hits) and not exact.more
    # The count is of matches, not of the candidates meaning ranked (it ranks every paragraph).
    # (A one-word query such as "children" is not close enough in meaning to anything to match.)
    broad = searcher.search(Query("children in care", mode="semantic", limit=10))
    every = searcher.search(Query("children in care", mode="semantic", limit=100))
    assert 20 < broad.total == every.total == len(every.hits) < searcher.info().chunks
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

    texts = ["dental checks", '"missing episodes"', "foster AND carers", "PEPs", "health assessments",
             "care leavers NOT housing", "title:fostering", "children running away from home"]
    expected = {t: [h.chunk.chunk_id for h in searcher.search(Query(text=t, mode="keyword", limit=20)).hits]
                for t in texts}
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
