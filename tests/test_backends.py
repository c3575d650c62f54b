"""One suite, every store: searching the seeds index as a user would, in the embedded store and
(slow: it starts a Milvus server from milvus-lite) in the Milvus store.

The seeds are indexed with the test model (hashed words); the tests of meaning (a paraphrase
without shared words) use the real model and are slow. Milvus-only behaviour (the writer lease,
collection layouts, parity of its keyword checks with Whoosh) is in test_milvus.py.
"""

from __future__ import annotations

import pytest
from helpers import DENTAL, HIT_KEYS, ids

from minsearch.model import Filters, MinsearchError, Query


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_dental_checks_finds_dental_paragraphs_first(backend_searcher, mode):
    r = backend_searcher.search(Query("dental checks", mode=mode, limit=3))
    assert set(ids(r)) <= DENTAL, ids(r)
    assert ids(r)[0] in {"000_87bfe40191ebd6ef#p8", "001_23af7a714eb52c01#p7"}


def test_council_filter_applies_to_both_views(backend_searcher):
    r = backend_searcher.search(Query("dental checks", limit=10, filters=Filters(council="kirklees")))
    assert r.hits and all(h.chunk.council == "Kirklees" for h in r.hits)
    assert ids(r)[0].startswith("002_")


def test_committee_filter(backend_searcher):
    r = backend_searcher.search(
        Query(
            "school exclusions",
            limit=10,
            filters=Filters(committee="Children, Young People and Families Scrutiny Panel"),
        )
    )
    assert r.hits and {h.chunk.doc_id for h in r.hits} == {"003_bbc4287e823e4516"}


def test_unknown_council_is_an_error_naming_the_valid_ones_and_a_prefix_is_enough(backend_searcher):
    with pytest.raises(MinsearchError) as e:
        backend_searcher.search(Query("dental", filters=Filters(council="Atlantis")))
    assert e.value.param == "council" and "Kirklees" in str(e.value)
    r = backend_searcher.search(Query("dental checks", filters=Filters(council="kirk")))
    assert r.hits and {h.chunk.council for h in r.hits} == {"Kirklees"}


def test_did_you_mean_embedded_only(backend_searcher):
    """The embedded store corrects from its Whoosh word list; Milvus keeps none and says so (None)."""
    r = backend_searcher.search(Query("dentl checks", mode="keyword"))
    if backend_searcher.store.__class__.__name__ == "EmbeddedStore":
        assert r.suggestion == "dental checks"
    else:
        assert r.suggestion is None
        with backend_searcher.store.pinned() as view:
            assert view.corrections(["dentl"]) is None


def test_date_filter_excludes_undated(backend_searcher):
    # No seed has a date: a date bound excludes undated chunks, and the user is told why.
    r = backend_searcher.search(Query("dental", filters=Filters(since="2000-01-01")))
    assert r.hits == [] and any("no meeting date" in n for n in r.notices), r.notices
    r = backend_searcher.search(Query("dental", sort="date", limit=3))
    assert r.hits and any("listed by best match" in n for n in r.notices), r.notices
    assert not any("meeting date" in n for n in backend_searcher.search(Query("dental")).notices)


def test_phrase_query_is_exact(backend_searcher):
    r = backend_searcher.search(Query('"dental registrations"', mode="keyword"))
    assert r.hits and all("dental registrations" in h.chunk.text.lower() for h in r.hits)


def test_quoted_word_is_not_stemmed(backend_searcher):
    # "checks" stems to "check": unquoted it matches "dental check performance"; quoted it must not.
    loose = {h.chunk.chunk_id for h in backend_searcher.search(Query("checked", mode="keyword")).hits}
    exact = {h.chunk.chunk_id for h in backend_searcher.search(Query('"checked"', mode="keyword")).hits}
    assert loose and not exact
    hybrid_exact = backend_searcher.search(Query('"checked"', mode="hybrid"))
    assert hybrid_exact.hits == []  # meaning may not add paragraphs without the quoted word


def test_phrase_does_not_skip_stopwords(backend_searcher):
    r = backend_searcher.search(Query('"children in care"', mode="keyword", limit=100))
    assert r.hits and all("children in care" in h.chunk.text.lower() for h in r.hits)


def test_field_and_boolean_queries(backend_searcher):
    r = backend_searcher.search(Query("title:highlight AND dental", mode="keyword", limit=20))
    assert r.hits and all(h.chunk.doc_id == "002_85a858a1c7ec9477" for h in r.hits)
    r = backend_searcher.search(Query("dental NOT registrations", mode="keyword", limit=20))
    assert r.hits and all("registrations" not in h.chunk.text.lower() for h in r.hits)
    r = backend_searcher.search(Query("council:kirklees dental", mode="keyword", limit=20))
    assert r.hits


def test_syntax_error_is_an_error_or_a_plain_words_fallback(backend_searcher):
    with pytest.raises(MinsearchError):
        backend_searcher.search(Query("date:[foo to bar]", mode="keyword"))
    r = backend_searcher.search(Query("date:[foo to bar] dental", mode="keyword"), strict=False)
    assert r.notices and r.hits


def test_snippet_marks_matched_words(backend_searcher):
    r = backend_searcher.search(Query("dental checks", mode="keyword", limit=1))
    marked = [t.lower() for t, m in r.hits[0].snippet if m]
    assert "dental" in marked and "checks" in marked


def test_snippets_do_not_mark_function_words(backend_searcher):
    # "for", "in" and the "and" of a glossary alternate ("children and young people in care") are
    # not searched for: marking them would draw the eye to nothing.
    r = backend_searcher.search(Query("dental checks for children in care", mode="keyword", limit=5))
    marked = {t.lower() for h in r.hits for t, m in h.snippet if m}
    assert "dental" in marked and not marked & {"for", "in", "and", "the"}
    quoted = backend_searcher.search(Query('"health and dental"', mode="keyword", limit=1))
    # a quoted function word is marked, with the phrase it stands in
    assert "health and dental" in {t.lower() for t, m in quoted.hits[0].snippet if m}


def test_more_like_this_comes_from_other_meetings(backend_searcher):
    r = backend_searcher.more_like_this("000_87bfe40191ebd6ef#p8", limit=5)
    assert r.hits and all(h.chunk.doc_id != "000_87bfe40191ebd6ef" for h in r.hits)
    assert set(ids(r)[:3]) & DENTAL


def test_document_view_lists_paragraphs_in_order(backend_searcher):
    chunks = backend_searcher.document("002_85a858a1c7ec9477")
    assert [c.paragraph for c in chunks] == list(range(1, len(chunks) + 1))
    with pytest.raises(MinsearchError):
        backend_searcher.document("nope")


def test_sort_by_date_and_json_shape(backend_searcher):
    r = backend_searcher.search(Query("dental", sort="date"))
    hit = r.to_json()["hits"][0]
    assert set(hit) == HIT_KEYS
    dates = [h.chunk.date for h in r.hits]
    assert dates == sorted(dates, reverse=True)


def test_info_and_facets(backend_searcher):
    info = backend_searcher.info()
    assert (info.documents, info.dim, info.chunks) == (5, 384, 108)
    assert info.model == backend_searcher.store.model == backend_searcher.settings.model
    f = backend_searcher.facets()
    assert set(f.councils) == {"Kirklees", "Wolverhampton", "Worcestershire"}
    assert sum(f.councils.values()) == info.chunks


# -- meaning: the real model -------------------------------------------------------------------------
@pytest.fixture(params=["embedded", "milvus"])
def real_backend_searcher(request):
    """A Searcher over the seeds indexed with the real model, in each backend."""
    return request.getfixturevalue("real_searcher" if request.param == "embedded" else "real_msearcher")


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_paraphrase_without_shared_words_finds_dental_paragraphs(real_backend_searcher, mode):
    r = real_backend_searcher.search(Query("children seeing the dentist", mode=mode, limit=5))
    assert len(set(ids(r)[:3]) & DENTAL) >= 2, ids(r)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_dental_checks_with_the_real_model(real_backend_searcher, mode):
    r = real_backend_searcher.search(Query("dental checks", mode=mode, limit=3))
    assert set(ids(r)) <= DENTAL, ids(r)
    assert ids(r)[0] in {"000_87bfe40191ebd6ef#p8", "001_23af7a714eb52c01#p7"}
    info = real_backend_searcher.info()
    assert (info.model, info.dim) == ("all-MiniLM-L6-v2", 384)


# Fails at 6f1e406 already (the ranking of issue 11): in keyword and semantic mode no Kirklees
# paragraph is a confident match for "dental checks" (0.46 of the query's words; cosine under the
# floor), so test_milvus.py's version of this test failed there. Strict: a fix shows up here.
@pytest.mark.slow
@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_council_filter_in_every_mode_with_the_real_model(real_backend_searcher, mode):
    r = real_backend_searcher.search(Query("dental checks", mode=mode, limit=10, filters=Filters(council="kirklees")))
    # Kirklees says "dental" but not "checks": no paragraph is within the semantic view's
    # confidence on its own, so there it answers with the closest paragraphs; filtered too.
    shown = r.hits or r.closest
    assert shown and all(h.chunk.council == "Kirklees" for h in r.hits + r.closest), mode
    assert shown[0].chunk.chunk_id.startswith("002_"), mode
    assert r.hits or mode == "semantic", mode


def test_counts_and_browsing_on_every_store(backend_searcher):
    r = backend_searcher.search(Query("dental checks", mode="keyword"), counts=True)
    assert r.counts is not None and r.counts.total == r.total
    for council, n in r.counts.councils.items():
        assert (
            backend_searcher.search(Query("dental checks", mode="keyword", filters=Filters(council=council))).total == n
        )
    page = backend_searcher.meetings(Filters(council="wolverhampton"), limit=10)
    assert page.total == 3 and {m.council for m in page.meetings} == {"Wolverhampton"}
    meeting, items = backend_searcher.meeting("004_9cb78d4272562d1a")
    assert meeting.council == "Worcestershire" and items and items[0].first_paragraph == 1
    assert sum(backend_searcher.counts().councils.values()) == 108


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_section_filter_applies_to_both_views(backend_searcher, mode):
    r = backend_searcher.search(Query("performance report", mode=mode, limit=20, filters=Filters(section="resolved")))
    assert r.hits and all(h.chunk.section == "resolved" for h in r.hits), ids(r)
    assert "001_23af7a714eb52c01#p12" in ids(r)  # "That the Performance Monitoring Information Report be received."


def test_decisions_timeline(backend_searcher):
    t = backend_searcher.decisions(Query("performance report"))
    found = [d.hit.chunk for m in t.meetings for d in m.decisions]
    assert found and all(c.section == "resolved" for c in found)
    assert "001_23af7a714eb52c01#p12" in {c.chunk_id for c in found}
    # The seeds are undated: their meetings come by committee, each meeting once.
    committees = [m.committee.lower() for m in t.meetings]
    assert committees == sorted(committees) and len({m.doc_id for m in t.meetings}) == len(t.meetings)


def test_best_cosines_are_each_vectors_nearest_paragraph(backend_searcher):
    # How close the off-topic probes get to anything sets the bar for a confident answer
    # (searching.calibration): one batched answer, the same as a search for each vector.
    vectors = backend_searcher.encode(["dental checks for children in care", "purple elephant trombone"])
    with backend_searcher.pinned() as view:
        best = view.best_cosines(vectors)
        nearest = [view.vector_search(v, Filters(), 1).hits[0][1] for v in vectors]
    assert best.shape == (2,) and best == pytest.approx(nearest, abs=1e-5)
    assert best[0] > best[1]


def test_meaning_feedback_reorders_the_same_hits_on_every_store(backend_searcher):
    # Meaning feedback: the hits in the order of the query moved toward its first paragraphs, with
    # their closeness to it; the hits themselves, their cosines and the count are the query's.
    from minsearch.store.base import feedback_vector

    q = backend_searcher.encode(["foster carers leaving the service"])[0]
    with backend_searcher.pinned() as view:
        plain = view.vector_search(q, Filters(), 20, floor=0.1)
        fed = view.vector_search(q, Filters(), 20, floor=0.1, feedback=(0.5, 3))
        first = [view.chunk_vector(c) for c, _s in plain.hits[:3]]
        expected = view.vector_scores(feedback_vector(q, first, 0.5), [c for c, _s in plain.hits])
    assert plain.reordered is None
    assert fed.hits == plain.hits and fed.above_floor == plain.above_floor
    assert sorted(c for c, _s in fed.reordered) == sorted(c for c, _s in plain.hits)
    scores = [s for _c, s in fed.reordered]
    assert scores == sorted(scores, reverse=True)
    assert dict(fed.reordered) == pytest.approx(expected, abs=1e-4)


def test_search_tips_examples_find_paragraphs(backend_searcher):
    """The page's tips (minsearch.searching.examples) offer searches that find something in each
    store (Milvus has no lexicon: its phrases are counted by search, within a budget)."""
    ex = backend_searcher.examples()
    assert ex.words and ex.phrase and ex.exclude and ex.title and ex.meaning, ex
    for text, mode in (
        (ex.words, "hybrid"),
        (f'"{ex.phrase}"', "keyword"),
        (f"{ex.exclude[0]} NOT {ex.exclude[1]}", "keyword"),
        (f"title:{ex.title}", "keyword"),
        (ex.meaning[0], "hybrid"),
    ):
        assert backend_searcher.search(Query(text, mode=mode, limit=3)).total > 0, text


def test_a_name_lists_its_holders_then_the_items_it_heads_on_every_store(backend_searcher):
    """A query that is only a name: the paragraphs naming the person first, then the rest of an
    agenda item one of them opens (the report they introduced), counted as matches, by council
    too, whichever store answers."""
    r = backend_searcher.search(Query("Laura Caunce", mode="hybrid", limit=40), counts=True, snippets=False)
    holds = [("Laura Caunce" in h.chunk.text) for h in r.hits]
    k = holds.index(False)
    assert k >= 1 and not any(holds[k:]), holds
    items = {(h.chunk.doc_id, h.chunk.item) for h in r.hits[:k]}
    assert (r.hits[k].chunk.doc_id, r.hits[k].chunk.item) in items
    assert r.counts is not None and sum(r.counts.councils.values()) == r.total
