"""Acronyms the minutes define themselves are searched like the glossary's (issue 11)."""

from __future__ import annotations

from minsearch.ingest.acronyms import definitions, document_acronyms, index_acronyms


def test_definitions_are_found_letter_by_letter():
    found = dict(
        definitions(
            "2.4. Funding to Support Upper Thames River Conservation Authority (UTRCA) Capital works. "
            "The Northeast Ohio Regional Sewer District (NEORSD) will attend. "
            "the application of the Housing Development Corporation, London (HDC) relating to "
            "requests under Freedom of Information (FoI) legislation. "
            "The County Councils Network (CCN) wrote. "
            "the Air Traffic Control Tower and other entities (ATCT) at the airport. "
            "approval from the Ontario Ministry of Transportation (MTO) is needed"
        )
    )
    assert found == {
        "UTRCA": "Upper Thames River Conservation Authority",
        "NEORSD": "Northeast Ohio Regional Sewer District",
        "HDC": "Housing Development Corporation",
        "FoI": "Freedom of Information",
        "CCN": "County Councils Network",  # by initials, not "Councils Network" (a "c" inside "Councils")
        "ATCT": "Air Traffic Control Tower",  # not "... and other entities" (a "t" inside "entities")
        "MTO": "Ministry of Transportation",  # its letters out of order; never "Ministry of"
    }


def test_brackets_that_are_not_definitions_are_left_alone():
    for text in ("Councillor Smith (Chair) said", "the report (SS-2025-112)", "the budget (MTFS)", "see (ii)"):
        assert list(definitions(text)) == [], text


def test_a_long_paragraph_with_many_brackets_is_read_once():
    # Each bracket looks back a bounded stretch, not to the start of its sentence: this took
    # minutes when every bracket searched the whole unpunctuated run again.
    text = "a" * 20000 + ". " + "word " * 4000 + " (ABC) " * 200 + " the Big Apple Corporation (BAC)"
    assert list(definitions(text)) == [("BAC", "Big Apple Corporation")]


def test_the_most_common_long_form_wins():
    doc = document_acronyms(["the Local Offer Board (LOB) met", "Local Offer Board (LOB)", "Lots Of Bins (LOB)"])
    assert doc == {"LOB": "Local Offer Board"}
    assert index_acronyms([doc, {"LOB": "local offer board"}, {"XYZ": "X Y Z"}]) == {
        "LOB": "Local Offer Board",
        "XYZ": "X Y Z",
    }


def test_a_defined_acronym_finds_its_long_form_and_back(tmp_path, encoder):
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths
    from minsearch.model import Query
    from minsearch.search import Searcher

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "Item 1\n\nConservation\n\nFunding to support the Upper Thames River Conservation Authority (UTRCA) "
        "for dam repairs was approved.\n\nItem 2\n\nFlood works\n\n"
        "The Upper Thames River Conservation Authority reported on the Fanshawe dam.\n"
    )
    (docs / "b.txt").write_text("Item 1\n\nRoads\n\nThe UTRCA asked for a permit for the culvert on Main Street.\n")
    home = tmp_path / "ix"
    index_paths([docs], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    s = Searcher(load_settings(index_dir=home))
    try:
        r = s.search(Query("UTRCA", mode="keyword"))
        texts = " ".join(h.chunk.text for h in r.hits)
        assert "Fanshawe dam" in texts and "culvert" in texts
        assert any("Upper Thames River Conservation Authority" in e for e in r.expansions)
        r = s.search(Query("upper thames river conservation authority", mode="keyword"))
        assert "culvert" in " ".join(h.chunk.text for h in r.hits)
        # learned acronyms count only when typed as acronyms: "utrca" in lower case is a word search
        assert not s.search(Query("utrca", mode="keyword")).expansions
    finally:
        s.close()
