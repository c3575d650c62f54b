"""Chunking of the seed format: what a user will see as paragraphs, titles and sections."""

from __future__ import annotations

from pathlib import Path

from minsearch.ingest.chunker import chunk_document
from minsearch.ingest.readers import SourceFile, read_source
from minsearch.model import Document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def chunks_of(name: str):
    [doc] = read_source(SourceFile(SEEDS / name, SEEDS))
    return doc, chunk_document(doc)


def test_title_and_description_become_metadata_not_chunks():
    doc, chunks = chunks_of("000_87bfe40191ebd6ef.txt")
    assert doc.doc_id == "000_87bfe40191ebd6ef"
    assert {c.title for c in chunks} == {"Performance Monitoring Information"}
    texts = [c.text for c in chunks]
    assert not any(t in ("Agenda item", "Minutes:", "Resolved:", "Supporting documents:") for t in texts)
    assert chunks[0].section == "description" and chunks[0].text.startswith("[To receive")


def test_manifest_gives_council_and_committee():
    doc, chunks = chunks_of("002_85a858a1c7ec9477.txt")
    assert doc.council == "Kirklees" and doc.committee == "Corporate Parenting Board"
    assert all(c.council == "Kirklees" for c in chunks)


def test_nbsp_only_lines_separate_paragraphs_and_text_is_clean():
    _doc, chunks = chunks_of("000_87bfe40191ebd6ef.txt")
    dental = [c for c in chunks if c.text.startswith("Dental checks were showing")]
    assert len(dental) == 1
    assert "\xa0" not in "".join(c.text for c in chunks)
    assert dental[0].section == "minutes"


def test_numbered_resolutions_are_separate_resolved_paragraphs():
    _doc, chunks = chunks_of("000_87bfe40191ebd6ef.txt")
    resolved = [c for c in chunks if c.section == "resolved"]
    assert [c.text[:2] for c in resolved] == ["1.", "2."]
    _doc, chunks = chunks_of("002_85a858a1c7ec9477.txt")
    assert len([c for c in chunks if c.section == "resolved"]) == 7


def test_resolution_without_heading_is_marked_resolved():
    _doc, chunks = chunks_of("001_23af7a714eb52c01.txt")
    assert chunks[-1].text == "That the Performance Monitoring Information Report be received."
    assert chunks[-1].section == "resolved"


def test_bullets_are_paragraphs_and_page_title_is_not_an_item():
    _doc, chunks = chunks_of("004_9cb78d4272562d1a.txt")
    assert {c.title for c in chunks} == {"Performance Monitoring"}
    assert any(
        c.text.startswith("It was confirmed that the majority of children would leave care at 18.") for c in chunks
    )
    assert not any(c.text.startswith("·") for c in chunks)


def test_contacts_are_boilerplate_and_offsets_point_into_the_source():
    doc, chunks = chunks_of("002_85a858a1c7ec9477.txt")
    contacts = [c for c in chunks if c.section == "contacts"]
    assert contacts and all(c.boilerplate for c in contacts)
    for c in chunks:
        raw = doc.text[c.start : c.end]
        assert " ".join(raw.replace("\xa0", " ").split()).endswith(c.text[-20:])


def test_chunk_ids_are_stable_and_unique():
    _d, a = chunks_of("003_bbc4287e823e4516.txt")
    _d, b = chunks_of("003_bbc4287e823e4516.txt")
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for c in a}) == len(a)
    assert [c.paragraph for c in a] == list(range(1, len(a) + 1))


def test_long_paragraph_is_split_into_overlapping_windows():
    from minsearch.encode import embedding_units, load_tokenizer, model_spec

    words = [f"word{i}" for i in range(900)]
    doc = Document(
        doc_id="long", source="long.txt", text="Agenda item\n\nBudget\n\n" + " ".join(words) + " ZEBRAFINALWORD."
    )
    [chunk] = chunk_document(doc)
    texts, owners = embedding_units([chunk], load_tokenizer(model_spec("all-MiniLM-L6-v2")))
    assert len(texts) > 2 and owners == [0] * len(texts)
    assert all(t.startswith("Budget: ") for t in texts)
    assert "ZEBRAFINALWORD" in texts[-1]  # the end of the paragraph is not dropped
    tok = load_tokenizer(model_spec("all-MiniLM-L6-v2"))
    assert all(len(tok.encode(t).ids) <= 256 for t in texts)
    # consecutive windows overlap
    assert texts[0].split()[-1] in texts[1]
