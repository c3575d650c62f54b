"""What the search page shows, tested without Flask (minsearch.app.present)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from minsearch.app import present
from minsearch.model import Chunk, Hit, MatchCounts, MinsearchError, Query, SearchResult


def chunk(n: int, doc: str = "d1", item: int = 1, section: str = "minutes", **kw) -> Chunk:
    return Chunk(
        chunk_id=f"{doc}#p{n}",
        doc_id=doc,
        source=f"{doc}.txt",
        title=kw.pop("title", f"Item {item}"),
        section=section,
        paragraph=n,
        start=0,
        end=1,
        text=f"Paragraph {n}.",
        item=item,
        **kw,
    )


def test_present_needs_no_flask():
    code = "import sys, minsearch.app.present; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(
    "total, more, want",
    [
        (0, False, "No confident matches"),
        (1, False, "1 matching paragraph"),
        (1, True, "1+ matching paragraphs"),
        (1234, False, "1,234 matching paragraphs"),
        (0, True, "0+ matching paragraphs"),
    ],
)
def test_count_text(total, more, want):
    assert present.count_text(SearchResult(Query("x"), [], total, more=more)) == want


def test_page_links_keep_first_last_and_neighbours():
    assert present.page_links(1, 1) == []
    assert present.page_links(1, 3) == [1, 2, 3]
    assert present.page_links(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert present.page_links(1, 20) == [1, 2, 3, None, 20]
    p = present.Paging.of(3, 45)
    assert (p.page, p.pages, p.first) == (3, 5, 21) and p.links == [1, 2, 3, 4, 5]
    assert present.Paging.of(1, 0).pages == 1


@pytest.mark.parametrize("raw, want", [(None, 1), ("", 1), ("abc", 1), ("-3", 1), ("0", 1), ("7", 7), ("999", 100)])
def test_page_number_clamps_on_pages(raw, want):
    assert present.page_number(raw, strict=False) == want


@pytest.mark.parametrize(
    "raw, fragment", [("abc", "page: 'abc' is not a whole number"), ("0", "page: must be between 1 and 100, not 0")]
)
def test_page_number_is_strict_for_the_api(raw, fragment):
    with pytest.raises(MinsearchError) as e:
        present.page_number(raw, strict=True)
    assert str(e.value) == fragment and e.value.param == "page" and e.value.status == 400


def test_found_by_and_marks():
    h = Hit(
        rank=1,
        score=1.0,
        chunk=chunk(1),
        keyword_rank=1,
        semantic_rank=2,
        snippet=[("The ", False), ("dental", True), (" checks. ", False), ("one two three four five", True)],
    )
    assert present.found_by(h) == "matched words and meaning"
    assert present.found_by(h, closest=True) == "nearest, not a match"
    assert present.found_by(Hit(1, 1.0, chunk(1), semantic_rank=1)) == "matched meaning"
    assert present.found_by(Hit(1, 1.0, chunk(1))) == ""
    assert present.marks(h) == [
        ("The ", None),
        ("dental", ""),
        (" checks. ", None),
        ("one two three four five", "sentence"),
    ]


def test_also_in_labels_and_counts_the_rest():
    c = chunk(1)
    also = [
        chunk(4),
        chunk(2, doc="d2", committee="Board", date="2021-03-04"),
        chunk(3, doc="d3", council="Kent"),
        chunk(5, doc="d4", title=""),
        chunk(9, doc="x0", council="Kent", item_ref="minute 308", para_ref="26(2)"),
        *[chunk(9, doc=f"x{i}") for i in range(1, 4)],
    ]
    shown, more = present.also_in(Hit(1, 1.0, c, also=also))
    # In the minutes' own numbers, never minsearch's count of a document's paragraphs ("paragraph
    # 58" beside the citation's "para 2" read as a second numbering); the link finds the copy.
    assert [label for _a, label in shown] == [
        "this meeting",
        "Board, 4 March 2021",
        "Kent",
        "another document",
        "Kent, minute 308, para 26(2)",
    ]
    assert shown[1][0] is also[1] and more == 3


def test_words():
    assert present.nice_date("2021-03-04") == "4 March 2021" and present.nice_date("soon") == "soon"
    # (a motion in the "resolved" section may have failed: the page does not say it was resolved)
    assert present.section_label("resolved") == "Motion or decision"
    assert present.section_label("key_points") == "Key points"
    assert present.plural(1, "meeting document") == "1 meeting document"
    assert present.as_sentence("there is no document 'x' in the index") == "There is no document 'x' in the index."
    assert present.as_sentence("Done.") == "Done."


def test_options_keep_a_value_that_is_not_a_facet():
    assert present.options({"b": 1, "A": 2}, "a") == [("A", True), ("b", False)]
    assert present.options({"b": 1}, "Atlantis") == [("b", False), ("Atlantis", True)]
    assert present.options({}, "") == []


@pytest.mark.parametrize(
    "doc_id, fits",
    [
        ("000_87bf", True),
        ("council/a/b", True),
        ("/abs/path", False),
        ("../../etc/passwd", False),
        ("a//b", False),
        ("a/ b", False),
    ],
)
def test_which_ids_fit_a_path(doc_id, fits):
    assert present.id_fits_a_path(doc_id) is fits


def test_links():
    assert present.safe_link(" https://x.example/a ") == "https://x.example/a"
    assert present.safe_link("javascript:alert(1)") is None and present.safe_link("//x.example") is None
    assert present.back_to_results("http://h/?q=a", "h") == "/?q=a"
    assert present.back_to_results("http://evil/?q=a", "h") is None
    assert present.back_to_results("http://h/doc/x?q=a", "h") is None and present.back_to_results(None, "h") is None
    assert present.int_or_none(" 8 ") == 8 and present.int_or_none("x") is None and present.int_or_none(None) is None


def test_document_view_shows_the_item_of_the_hit_with_section_headings():
    chunks = [
        chunk(1, item=1, title="Apologies"),
        chunk(2, item=2, title="Budget"),
        chunk(3, item=2, title="Budget"),
        chunk(4, item=2, section="resolved", title="Budget"),
    ]
    v = present.document_view("d1", chunks, hit=3, item=None)
    assert v.item == 2 and v.hit_chunk is chunks[2] and v.title == "Budget" and v.meta is chunks[1]
    assert [(n, t, [(h, c.paragraph) for h, c in rows]) for n, t, rows in v.groups] == [
        (2, "Budget", [("Minutes", 2), (None, 3), ("Motion or decision", 4)])
    ]
    assert v.other_items == [(1, "Apologies")]
    whole = present.document_view("d1", chunks, hit=None, item=None)
    assert whole.item is None and len(whole.groups) == 2 and whole.other_items == [] and whole.title == "Apologies"
    assert present.document_view("d1", chunks, hit=99, item=1).item == 1
    only = present.document_view("d9", [chunk(1, doc="d9", title="")], hit=None, item=None)
    assert only.item == 1 and only.title == ""


def test_counts_note_only_when_the_counts_are_not_shares_of_the_total():
    from minsearch.model import MatchCounts

    shares = MatchCounts(committees={"Council": 30, "Planning": 11}, years={"2025": 41}, total=41)
    assert present.counts_note(shares) == ""
    filtered = MatchCounts(committees={"Council": 35, "Planning": 23}, years={"2025": 41}, total=41)
    assert present.counts_note(filtered) == "Each count is what choosing it lists, so the counts need not add up to 41."
    more = MatchCounts(committees={"Council": 150, "Planning": 39}, years={"2025": 189}, total=189, more=True)
    assert present.counts_note(more) == (
        "Counted among the first 189 matches: choosing one may list more, and the counts need not add up to 189."
    )


def test_the_last_pages_hint_offers_only_what_would_narrow_the_matches():
    """A "189+" search's last page says what would list the other matches: a committee or a year
    only when the matches ranked span several and none is chosen (all in 2025: not "a year")."""
    more_match_hint = present.more_match_hint
    spread = MatchCounts(committees={"Cabinet": 5, "Council": 4}, years={"2024": 3, "2025": 6}, total=9, more=True)
    assert more_match_hint(189, spread, {}) == (
        "These are the 189 best-matching paragraphs, and more match: add words, choose a committee"
        " or choose a year to see others."
    )
    one_year = MatchCounts(committees={"Cabinet": 9}, years={"2025": 9}, months={"2025-01": 9}, total=9, more=True)
    assert more_match_hint(9, one_year, {}).endswith("more match: add words to see others.")
    months = MatchCounts(committees={"Cabinet": 9}, years={"2025": 9}, months={"2025-01": 4, "2025-03": 5}, total=9)
    assert "add words or narrow the dates" in more_match_hint(9, months, {})
    assert "choose a committee" not in more_match_hint(189, spread, {"committee": "Cabinet"})
    assert "narrow the dates" in more_match_hint(189, spread, {"since": "2024-01-01"})
