"""Reading a query that names a minute by its number, or is a citation pasted back."""

from __future__ import annotations

import pytest

from minsearch.model import Filters
from minsearch.searching.reference import read_reference
from minsearch.store.base import Facets

FACETS = Facets(
    councils={"Kent County Council": 900, "City of London (Ontario)": 10},
    committees={"County Council": 500, "Cabinet": 300, "Children's Panel": 4},
)


def read(text: str):
    return read_reference(text, lambda: FACETS)


@pytest.mark.parametrize(
    "text, number",
    [
        ("minute 298", "298"),
        ("  Minute No. 298 ", "298"),
        ("min. 298", "298"),
        ("Minute No. 45/21", "45/21"),
        ("item 2.5", "2.5"),
        ("agenda item 4.1.b", "4.1.b"),
        ("ITEM 3", "3"),
        ("minutes 298", "298"),
    ],
)
def test_an_items_number_alone(text, number):
    ref = read(text)
    assert ref is not None and ref.number == number and ref.refs == [f"minute {number}", f"item {number}"]
    assert (ref.para, ref.council, ref.committee, ref.day) == ("", None, None, None)


def test_a_citation_copied_with_its_label_or_typed_without_commas():
    ref = read("cite: Kent County Council, County Council, 13 March 2025, minute 298, para 4, page 2.")
    assert ref is not None and (ref.number, ref.para, ref.page) == ("298", "4", 2)
    assert ref.where == "Kent County Council, County Council, 13 March 2025"
    assert read("Cabinet, minute 87, para 7(c), page 8").para == "7(c)"  # a lettered point
    assert read("minute 299, para 1(iii)").para == "1(iii)"  # a roman one
    ref = read("Cite as: minute 298 para 4")
    assert ref is not None and (ref.number, ref.para, ref.where) == ("298", "4", "")


def test_a_citation_of_minutes_that_number_nothing_names_the_item_by_its_title():
    ref = read("Kent County Council, Cabinet, undated, item “Budget, Capital and Revenue”, page 3")
    assert ref is not None and (ref.number, ref.title, ref.page) == ("", "Budget, Capital and Revenue", 3)
    assert ref.committee == "Cabinet" and ref.day is None
    assert read('Cabinet, item "Budget"').title == "Budget"  # retyped with straight quotes
    assert read("item “Budget”") is None  # a title alone: words to search
    assert read("Cabinet, minute 4, item “Budget”") is None  # two items


def test_a_citation_as_minsearch_writes_it_with_its_link():
    ref = read(
        "Kent County Council, County Council, 13 March 2025, minute 298, para 26(2), page 4 "
        "(https://example.org/Printed%20minutes.pdf)"
    )
    assert ref is not None
    assert (ref.number, ref.para, ref.council, ref.committee, ref.day) == (
        "298",
        "26(2)",
        "Kent County Council",
        "County Council",
        "2025-03-13",
    )
    # Names in any case; an undated source's citation; an ISO date.
    ref = read("kent county council, children's panel, undated, item 4")
    assert ref is not None and (ref.council, ref.committee, ref.day) == (
        "Kent County Council",
        "Children's Panel",
        None,
    )
    assert read("Cabinet, 2025-01-30, minute 88").day == "2025-01-30"


@pytest.mark.parametrize(
    "text",
    [
        "minute 298 budget",  # words beside the number: a search
        "item 4, dental checks",
        "298",
        "minutes of the corporate parenting panel",
        "minute",
        "Unknownshire Council, minute 298",  # a name this index does not hold, and no date
        "Unknownshire, Planning, Scrutiny, 13 March 2025, minute 298",  # three parts not understood
        "Kent, minute 298",  # a citation names the council in full
        "minute 298, minute 299",
        "13 March 2025, para 4",  # no item
        "Cabinet, 31 February 2025, minute 88",  # no such day
        "minute 298" + ", Cabinet" * 10,
    ],
)
def test_anything_else_is_searched_as_words(text):
    assert read(text) is None


def test_a_dated_citation_leaves_out_a_name_this_index_does_not_hold_and_says_which():
    # (A colleague's index may call the committee otherwise; the number and date still find it.)
    ref = read("Kent County Council, Scrutiny Committee, 13 March 2025, minute 298, para 4")
    assert ref is not None and ref.unread == ("Scrutiny Committee",)
    assert (ref.council, ref.committee, ref.day, ref.number) == ("Kent County Council", None, "2025-03-13", "298")
    assert read("Medway Council, Cabinet, undated, minute 88").unread == ("Medway Council",)
    assert read("Kent County Council, County Council, 13 March 2025, minute 298").unread == ()


def test_the_index_names_are_read_only_for_a_citation():
    def unread() -> Facets:
        raise AssertionError("facets read")

    assert read_reference("minute 298", unread) is not None
    assert read_reference("dental checks, children in care", unread) is None


def test_the_citation_narrows_what_the_search_does_not_say():
    ref = read("Kent County Council, County Council, 13 March 2025, minute 298")
    assert ref.filters(Filters()) == Filters(
        council="Kent County Council", committee="County Council", since="2025-03-13", until="2025-03-13"
    )
    chosen = Filters(committee="Cabinet", since="2024-01-01", section="resolved")
    assert ref.filters(chosen) == Filters(
        council="Kent County Council", committee="Cabinet", since="2024-01-01", until="2025-03-13", section="resolved"
    )
