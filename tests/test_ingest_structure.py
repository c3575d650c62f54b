"""Structure of real minutes: agenda items, rebuilt paragraphs, resolutions, text metadata.

Behaviour only: what chunk_document(read_source(...)) gives for small, realistic texts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from minsearch.config import load_settings
from minsearch.ingest.chunker import chunk_document
from minsearch.ingest.corpora import import_cleveland
from minsearch.ingest.readers import SourceFile, read_source
from minsearch.model import Document

DATA = load_settings().data_dir


def chunks_of(text: str, fmt: str = "pdf", **meta):
    return chunk_document(Document(doc_id="d", source="d", text=text, format=fmt, **meta))


KENT_STYLE = """1 
KENT COUNTY COUNCIL 
 
CABINET 
 
MINUTES of a meeting of the Cabinet held in the Council Chamber, Sessions 
House, County Hall, Maidstone on Thursday, 9 January 2025. 
 
PRESENT: Mr R W Gough (Chairman), Mr N Baker and Mrs C Bell 
 
76. Apologies  
(Item 1) 
 
No apologies were received. 
 
77. Provisional Local Government Finance Settlement 2025-26  
(Item 2) 
 
1. Mr Shipton introduced the report that set out the detail in the Provisional 
Local Government Finance Settlement which was published on 18th December 
2024. The provisional settlement was open for consultation until 15th January. 
 
2. Further to comments and questions from Members it was noted: 
 
\u2022 That the allocation of the Recovery Grant seemed to heavily favour those 
councils that were under intense short-term financial pressures, and the 
long-term methodology was due further review.  
 
2 
\u2022 The risk of not moving towards the devolution agenda would see Kent and 
Medway further disadvantaged through reduced powers and 
 
3 
funding.  
 
3. RESOLVED that Cabinet: 
 
(a) note the provisional settlement; and 
 
(b) delegate finalising the response to the Corporate Director. 
 
Chairman\u2019s Announcements 
(Item 3) 
The Chairman welcomed the new Director of Education. 
"""


def test_item_markers_split_items_with_real_titles():
    chunks = chunks_of(KENT_STYLE)
    titles = []
    for c in chunks:
        if c.title not in titles:
            titles.append(c.title)
    assert titles[1:] == [
        "Apologies",
        "Provisional Local Government Finance Settlement 2025-26",
        "Chairman\u2019s Announcements",
    ]
    assert [c.item for c in chunks if c.title == "Apologies"] == [2]


def test_pdf_lines_rebuilt_into_paragraphs_page_numbers_dropped():
    chunks = chunks_of(KENT_STYLE)
    texts = [c.text for c in chunks]
    assert (
        "1. Mr Shipton introduced the report that set out the detail in the Provisional Local Government "
        "Finance Settlement which was published on 18th December 2024. The provisional settlement was open "
        "for consultation until 15th January." in texts
    )
    # A bullet that runs over two page breaks comes back whole, without the page numbers.
    assert (
        "The risk of not moving towards the devolution agenda would see Kent and Medway further "
        "disadvantaged through reduced powers and funding." in texts
    )
    assert "2" not in texts and "3" not in texts
    assert all(len(c.text) > 10 for c in chunks if c.item > 1)


def test_a_votes_counts_one_under_another_keep_the_names_under_the_last():
    """Kent prints "For (52)" / names, then "Against (0)" / "Abstain (11)" / names: the abstainers'
    names were a paragraph of their own, apart from the count that says what they did."""
    text = (
        "2) Following the debate, the Chairman put the motion set out in paragraph 1 to \n"
        "the vote and the voting was as follows: \n \nFor (52)  \n \n"
        "Mr Baker, Mr Baldock, Mr Brady, Mr Bartlett, Mr Beaney, Mrs Bell, Mrs Binks, Mr \n"
        "Booth, Mr Brazier, Mr Broadley, Mr Cannon, Miss Carey, Sir Paul Carter CBE, \n"
        "Mrs Chandler, Mr Chard, Mr Cole, Mrs Cole, Mr Cooke, Ms Constantine, Mr \n"
        "Dance, Ms Dawkins, Mr Dendor, Mrs Game, Mr Gough, Ms Grehan, Ms Hawkins, \n"
        "Wright \n \n \n \nAgainst (0)  \n \nAbstain (11)  \n \n"
        "Mr Chittenden, Mrs Dean MBE, Mr Hook, Mr Lehmann, Mr Lewis, Mr Mallon, Mr \n"
        "Passmore, Mr Ross, Mr Shonk, Mr Sole, Mr Streatfeild MBE \nMotion carried. \n \n"
    )
    texts = [c.text for c in chunks_of(text)]
    abstain = [t for t in texts if "Abstain (11)" in t]
    assert len(abstain) == 1 and "Mr Chittenden" in abstain[0] and "Mr Streatfeild MBE" in abstain[0], texts
    assert not [t for t in texts if t.startswith("Mr Chittenden")]
    assert any(t.startswith("For (52) Mr Baker") for t in texts)


def test_resolved_blocks_and_their_points_are_resolved_section():
    chunks = chunks_of(KENT_STYLE)
    sec = {c.text: c.section for c in chunks}
    assert sec["3. RESOLVED that Cabinet:"] == "resolved"
    assert sec["(a) note the provisional settlement; and"] == "resolved"
    assert sec["(b) delegate finalising the response to the Corporate Director."] == "resolved"
    assert sec["No apologies were received."] == "minutes"


def test_a_resolution_numbered_in_brackets_is_a_decision():
    """ModernGov prints a minute's number in brackets: "(27) RESOLVED that:" over Kent's budget,
    "(4) RESOLVED that pursuant to section 25 ...". Both were read as discussion, and the budget
    was missing from the decisions timeline."""
    text = (
        "COUNTY COUNCIL\n\nSection 25 Report\n(Item 5)\n\n(3) The report was introduced.\n\n"
        "(4) RESOLVED that pursuant to section 25 of the Local Government Act, County Council noted the report.\n\n"
        "Revenue Budget 2025-26\n(Item 6)\n\n(26) Members debated the budget.\n\n(27) RESOLVED that:\n\n"
        "(c) The net revenue budget requirement of £1,530.9m for 2025-26.\n"
    )
    sec = {c.text: c.section for c in chunk_document(Document(doc_id="d", source="d", text=text))}
    assert sec["(3) The report was introduced."] == sec["(26) Members debated the budget."] == "minutes"
    assert sec[
        "(4) RESOLVED that pursuant to section 25 of the Local Government Act, County Council noted the report."
    ] == ("resolved")
    assert sec["(c) The net revenue budget requirement of £1,530.9m for 2025-26."] == "resolved"


LIMERICK_STYLE = """[Original file](https://example.ie/minutes.pdf)

---
MINUTES OF PROCEEDINGS AT MEETING OF LIMERICK CITY AND COUNTY COUNCIL HELD IN

THE COUNCIL CHAMBER, DOORADOYLE, LIMERICK, ON MONDAY, 26TH NOVEMBER, 2018, AT

3.00 P.M.

PRESENT IN THE CHAIR: Councillor J. Collins,

Mayor.

**1.**

**Adoption of Minutes**

Circulated, copies of draft Minutes of the Meeting of the Council held on 24th September,

2018.

Proposed by Councillor Leddin;

Seconded by Councillor Sheahan (J);

And Resolved:

\u201cThat, the draft Minutes, as circulated, be taken as read and adopted and signed.\u201d
---
2

Cllr K. Sheahan referred to a previous notice of motion in relation to extending an invitation

to visit Limerick. Cllr Sheahan emphasised the importance of retaining our relationship

with the USA.

**2.**

**Disposal of Land**

Circulated, copy of Statutory Notice dated 1st October, 2018, concerning disposal of

land at Cloughadreen, Old Pallas, Co. Limerick.

Members noted the report.

3.

Conferences

Members noted the list of conferences for the coming quarter.
"""


def test_markdown_with_blank_line_after_every_line(tmp_path):
    p = tmp_path / "limerick.md"
    p.write_text(LIMERICK_STYLE, encoding="utf-8")
    doc = read_source(SourceFile(p, tmp_path))[0]
    assert doc.date == "2018-11-26" and doc.council == "Limerick City and County Council"
    chunks = chunk_document(doc)
    titles = {c.title for c in chunks}
    assert {"Adoption of Minutes", "Disposal of Land", "Conferences"} <= titles
    texts = {c.text: c for c in chunks}
    movers = texts["Proposed by Councillor Leddin; Seconded by Councillor Sheahan (J);"]
    motion = texts[
        "And Resolved: \u201cThat, the draft Minutes, as circulated, be taken as read and adopted and signed.\u201d"
    ]
    assert movers.section == motion.section == "resolved"
    assert movers.kind == motion.kind == "procedure"  # adopting the minutes is the meeting's own business
    assert (
        "Cllr K. Sheahan referred to a previous notice of motion in relation to extending an invitation to "
        "visit Limerick. Cllr Sheahan emphasised the importance of retaining our relationship with the USA." in texts
    )
    assert texts["Members noted the report."].section == "minutes"
    assert not any(t.startswith(("[Original", "---", "**")) for t in texts)


def test_minute_numbers_split_items():
    text = "\n\n".join(
        [
            "Licensing Sub-Committee",
            "Minute No. 12/2024 Premises licence, The Red Lion",
            "The Sub-Committee heard from the applicant and two residents.",
            "RESOLVED that the licence be granted with conditions.",
            "Minute No. 13/2024 Street trading consent, Market Square",
            "The application was withdrawn before the hearing.",
        ]
    )
    chunks = chunks_of(text, fmt="text")
    by_title = {}
    for c in chunks:
        by_title.setdefault(c.title, []).append(c)
    assert set(by_title) >= {"Premises licence, The Red Lion", "Street trading consent, Market Square"}
    assert [c.section for c in by_title["Premises licence, The Red Lion"]] == ["minutes", "resolved"]


def test_plain_numbered_items_and_numbered_lists_inside_them():
    text = "\n\n".join(
        [
            "Minutes of the Parish Council meeting",
            "1. Apologies for Absence",
            "Apologies were received from Cllr Hart.",
            "2. Village Hall Roof",
            "The clerk reported three quotes had been received:",
            "1. Smith Roofing, four thousand pounds.",
            "2. Jones and Sons, five thousand pounds.",
            "3. Bell Builders, six thousand pounds.",
            "It was proposed by Cllr Hart, and Cllr Lee seconded, that the lowest quote be accepted.",
            "3. Any Other Business",
            "There was none.",
        ]
    )
    chunks = chunks_of(text, fmt="text")
    titles = []
    for c in chunks:
        if c.title not in titles:
            titles.append(c.title)
    assert titles == [
        "Minutes of the Parish Council meeting",
        "Apologies for Absence",
        "Village Hall Roof",
        "Any Other Business",
    ]
    motion = [c for c in chunks if "lowest quote" in c.text][0]
    assert motion.section == "resolved"


def test_moved_seconded_block_is_one_resolved_chunk():
    text = "\n\n".join(
        [
            "2. Consent Items\n(Item 2)",
            "Moved by S. Trosow\nSeconded by H. McAlister\nThat Items 2.1 and 2.3 BE APPROVED.\nMotion Passed (4 to 0)",
            "3. Adjournment\n(Item 3)",
            "The meeting adjourned at 4:05 PM.",
        ]
    )
    chunks = chunks_of(text, fmt="text")
    resolved = [c for c in chunks if c.section == "resolved"]
    assert len(resolved) == 1 and resolved[0].title == "Consent Items"
    assert resolved[0].text.startswith("Moved by S. Trosow Seconded by H. McAlister That Items")


@pytest.mark.parametrize(
    "name, text, expected",
    [
        (
            "corporate-parenting-panel_2024-10-29.txt",
            "x",
            {"committee": "Corporate Parenting Panel", "date": "2024-10-29"},
        ),
        (
            "notes.txt",
            "1\n\nCORPORATE PARENTING PANEL\u2013 29 October 2024\n\nMINUTES of the meeting held in the Darent Room.",
            {"committee": "Corporate Parenting Panel", "date": "2024-10-29"},
        ),
        (
            "notes.txt",
            "MINUTES OF THE MEETING OF THE HIGHWAYS COMMITTEE HELD ON 12 March 2024\n\nPRESENT: x",
            {"committee": "Highways Committee", "date": "2024-03-12"},
        ),
        (
            "notes.txt",
            "MINUTES OF PROCEEDINGS AT MEETING OF THE MUNICIPAL DISTRICT OF ADARE-RATHKEALE HELD AT "
            "RATHKEALE ON WEDNESDAY, 4TH NOVEMBER, 2015, AT 10.30 A.M.\n\nPRESENT IN THE CHAIR: x",
            {"committee": "Municipal District of Adare-Rathkeale", "date": "2015-11-04"},
        ),
    ],
)
def test_metadata_from_file_name_and_header(tmp_path, name, text, expected):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    doc = read_source(SourceFile(p, tmp_path))[0]
    assert {k: getattr(doc, k) for k in expected} == expected


def test_date_later_in_the_body_is_not_taken_as_meeting_date(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("Agenda item\n\nBudget\n\nMinutes:\n\nThe report of 3 February 2021 was noted.\n", encoding="utf-8")
    assert read_source(SourceFile(p, tmp_path))[0].date == ""


KENT_DIR = load_settings().data_dir / "kent-cc-minutes-sample"


@pytest.mark.skipif(not KENT_DIR.is_dir(), reason=f"shared Kent sample not found at {KENT_DIR}")
def test_whole_kent_sample():
    from minsearch.ingest.readers import iter_source_files

    index = {json.loads(l)["file"]: json.loads(l) for l in (KENT_DIR / "index.jsonl").read_text().splitlines() if l}
    docs = []
    for sf in iter_source_files([KENT_DIR]):
        if not isinstance(sf, SourceFile) or sf.path.suffix != ".txt":  # SOURCE.md is left out (a Skipped)
            continue
        docs += read_source(sf)
    assert len(docs) == 8
    total_items = total_resolved = 0
    for doc in docs:
        meta = index[Path(doc.source).name]
        assert doc.date == meta["meeting_date"] and doc.date[:4] in ("2024", "2025")
        assert doc.committee == meta["committee"]
        if Path(doc.source).name.startswith("cabinet"):
            assert doc.committee == "Cabinet"
        if not Path(doc.source).name.startswith("corporate"):  # the panel's minutes do not name the council
            assert doc.council == "Kent County Council"
        chunks = chunk_document(doc)
        titles = {c.title for c in chunks}
        items = {c.item for c in chunks}
        # Every "(Item N)" became an item (one more for the attendance preamble).
        assert len(items) >= meta["item_markers"] * 0.8, (doc.doc_id, len(items), meta["item_markers"])
        assert not any("(Item" in t for t in titles)
        assert all(len(t) < 200 and (t[:1].isupper() or t[:1].isdigit()) for t in titles), titles
        resolved = [c for c in chunks if c.section == "resolved"]
        assert resolved and all(c.text for c in resolved)
        total_items += len(items)
        total_resolved += sum(1 for c in resolved if "RESOLVED" in c.text)
        lengths = sorted(len(c.text) for c in chunks)
        assert lengths[len(lengths) // 2] > 80  # paragraphs, not PDF lines
        assert lengths[-1] <= 2600  # ... and not whole pages
    assert total_items >= 78
    assert total_resolved >= 45
    cab = [d for d in docs if d.doc_id == "cabinet_2025-01-09"][0]
    titles = [c.title for c in chunk_document(cab)]
    assert "Provisional Local Government Finance Settlement 2025-26" in titles
    assert "Corporate Risk Register" in titles


# The City Record's shape (Cleveland's council journal), as its lines become paragraphs: a
# measure's number, its sponsor and its text each a paragraph of their own, then its sections.
JOURNAL_STYLE = """Ord. No. 29-17.

By Council Member Kelley.

An emergency ordinance authorizing the Clerk of Council to enter into an agreement with Western
Reserve Land Conservancy to provide professional services regarding the Vacant and Abandoned
Property Action Council (VAPAC), reforestation and demolition funding.

Whereas, this ordinance constitutes an emergency measure providing for the usual daily operation
of a municipal department; now, therefore,

Section 1. That the Clerk of Council is authorized to enter into an agreement with Western Reserve
Land Conservancy.

Resolution No. 514-16.

By Director Dumas.

Be it resolved by the Board of Control of the City of Cleveland that the bid of Acme Paving for
the repair of residential streets is accepted.

No. 5378

CITY COUNCIL

MONDAY, JANUARY 2, 2017
"""


def test_reference_number_is_read_with_the_measure_it_numbers():
    """A search for an ordinance's number shows what the ordinance is, and one for its subject
    shows its number: "Ord. No. 29-17." is not a paragraph of its own."""
    texts = [c.text for c in chunks_of(JOURNAL_STYLE, fmt="text")]
    ordinance = next(t for t in texts if "Ord. No. 29-17." in t)
    assert ordinance.startswith("Ord. No. 29-17. By Council Member Kelley. An emergency ordinance")
    assert "(VAPAC)" in ordinance and "Whereas" not in ordinance  # its sections stay paragraphs
    assert any(t.startswith("Whereas, this ordinance") for t in texts)
    assert any(t.startswith("Section 1. That the Clerk") for t in texts)
    resolution = next(t for t in texts if "Resolution No. 514-16." in t)
    assert "By Director Dumas." in resolution and "repair of residential streets" in resolution
    # A running header after a number is not what it numbers: the number stays alone.
    assert "No. 5378" in texts and "CITY COUNCIL" in texts


APPEALS_STYLE = """Yeas: Messrs. Denk, Saab, Bradley, Maschke. Nays: None. Absent: Mr. Gallagher.

Docket A-210-16.

RE: Appeal of Eileen Ables, Owner of the One Dwelling Unit Single-Family Residence, located on the
premises known as 3751 East 147th Street from a CONDEMNATION NOTICE OF VIOLATION.

Kent Pay Scheme 2025-26

Ward A-1 boundary review
"""


def test_a_docket_is_read_with_the_appeal_it_numbers():
    """A board of appeals heads each appeal with its docket on a line of its own: "Docket
    A-210-16." alone was a hit that said nothing, and the appeal a hit without its docket. A
    title-case label with the years it covers is not a code, nor a sentence ending in one."""
    texts = [c.text for c in chunks_of(APPEALS_STYLE, fmt="text")]
    appeal = next(t for t in texts if "A-210-16" in t)
    assert appeal.startswith("Docket A-210-16. RE: Appeal of Eileen Ables") and "East 147th Street" in appeal
    assert "Kent Pay Scheme 2025-26" in texts and "Ward A-1 boundary review" in texts


@pytest.mark.skipif(not (DATA / "cleveland-city-record").is_dir(), reason=f"shared Cleveland corpus not in {DATA}")
def test_real_city_record_ordinance_keeps_its_number():
    """In the real City Record (1 February 2017 issue), the VAPAC ordinance's number, sponsor and
    text are one paragraph (they were three: a search for "VAPAC" could not show the number)."""
    rec = next(r for r in import_cleveland(DATA) if r["id"] == "cleveland/2017/2017-02-01")
    doc = Document(doc_id=rec["id"], source="x", text=rec["text"], title=rec["title"])
    texts = [c.text for c in chunk_document(doc)]
    ordinance = next(t for t in texts if "Ord. No. 29-17." in t)
    assert "By Council Member Kelley." in ordinance and "(VAPAC)" in ordinance


def test_numbered_conditions_in_a_long_journal_are_not_agenda_items():
    """The City Record numbers the conditions of each zoning appeal ("1. Section 349.14 which
    states that bicycle parking spaces are required") and prints page numbers among table cells
    ("5. 6."): taken as agenda items, one condition titled hundreds of paragraphs, and "bicycle
    parking" found "($100.00)" first. A long text whose numbered lines are that far apart is not
    itemised by them (its measures, numbered otherwise, are its items)."""
    body = [f"Ord. No. {n}-17. By Council Member Kelley. An ordinance about matter {n}." for n in range(600)]
    body[50:50] = ["1. Section 358.05(a)(2) which states that fences are limited", "The appellant spoke."]
    body[200:200] = ["2. Section 349.14 which states that bicycle parking spaces are required", "Postponed."]
    body[450:450] = ["3. Section 355.04 which states that the floor area is exceeded", "Denied."]
    body[590:590] = ["5. 6.", "($100.00)"]
    chunks = chunks_of("\n\n".join(body), fmt="text", title="The City Record 2017-02-01")
    assert not [c.title for c in chunks if c.title.startswith(("Section", "6", "5.")) or c.item_ref.startswith("item")]
    fee = next(c for c in chunks if c.text == "($100.00)")
    assert (fee.item_ref, fee.title) == ("Ord. No. 583-17", "An ordinance about matter 583")


def test_a_bare_number_is_not_an_item_title():
    """ "2. 3." (a table's cells, a page number) is not the heading of an item titled "3"."""
    text = "\n\n".join(
        [
            "Minutes of the Parish Council meeting",
            "1. Apologies for Absence",
            "Apologies were received from Cllr Hart.",
            "The grants awarded by ward were listed in a table:",
            "2. 3.",
            "Lower Ward and Upper Ward.",
            "3. Any Other Business",
            "There was none.",
        ]
    )
    titles = {c.title for c in chunks_of(text, fmt="text")}
    assert "3" not in titles
    assert {"Apologies for Absence", "Any Other Business"} <= titles


@pytest.mark.skipif(not (DATA / "cleveland-city-record").is_dir(), reason=f"shared Cleveland corpus not in {DATA}")
def test_real_city_record_has_no_items_made_of_its_lists():
    """The real 1 February 2017 issue: 261 paragraphs were titled "6" (a page number) and 353 by
    a zoning condition about bicycle parking; a paragraph now has the issue's own title, or the
    title of the measure it belongs to, cited by the measure's number."""
    rec = next(r for r in import_cleveland(DATA) if r["id"] == "cleveland/2017/2017-02-01")
    doc = Document(doc_id=rec["id"], source="x", text=rec["text"], title=rec["title"])
    chunks = chunk_document(doc)
    assert not [c.title for c in chunks if c.title in ("6", "5") or "bicycle parking" in c.title]
    assert {c.item_ref.split(" No. ")[0] for c in chunks} == {"", "File", "Res.", "Ord.", "Resolution"}
    assert all(c.title == rec["title"] for c in chunks if not c.item_ref)


BUDGET_TABLE = "\n\n".join(
    [
        "Minutes of the Monthly Meeting of the Municipal District held on 17th October 2024",
        "1. Finance – Draft Budgetary Plan",
        "The Management Accountant informed members that a total of €1,652,500 had been allocated.",
        "Svc",
        "General Municipal Allocation -2025",
        "B04",
        "Local Roads",
        "130,000",
        "D05",
        "Tourism Development Recreation & Amenity",
        "10,000",
        "Proposed:",
        "Councillor Ryan (E)",
        "Seconded:",
        "Councillor Ryan (M)",
        'And resolved "That the Draft Budgetary Plan 2025 for the District is hereby adopted."',
        "2. Staff",
        "The Chair welcomed the following officers to the meeting:",
        "Mr. P. Dowling, Director of Service",
        "Ms. C. Curley, Director of Service",
        "Ms. G. Dollard, Administrative Officer",
        "3. Any Other Business",
        "There was none.",
    ]
)


def test_a_table_printed_cell_by_cell_is_one_paragraph():
    """A PDF's table, one cell per line, is one paragraph of its item: alone, "10,000" and "D05"
    were paragraphs that meant only their item's title ("budget" listed six of them first)."""
    chunks = chunks_of(BUDGET_TABLE, fmt="text")
    texts = [c.text for c in chunks]
    table = next(c for c in chunks if "Local Roads" in c.text)
    assert table.text.startswith("Svc General Municipal Allocation") and table.text.endswith("Amenity 10,000")
    assert table.title == "Finance – Draft Budgetary Plan" and table.kind == "substance"
    assert not {"10,000", "D05", "130,000", "B04"} & set(texts)


def test_a_label_on_its_own_line_is_read_with_its_value():
    """ "Proposed:" / "Councillor Ryan (E)" is one mover line (procedure): alone, the name was a
    paragraph of substance, and the label a line of procedure that named nobody."""
    movers = [c for c in chunks_of(BUDGET_TABLE, fmt="text") if c.text.startswith(("Proposed", "Seconded"))]
    assert [(c.text, c.kind) for c in movers] == [
        ("Proposed: Councillor Ryan (E)", "procedure"),
        ("Seconded: Councillor Ryan (M)", "procedure"),
    ]


def test_a_list_of_people_printed_one_per_line_is_attendance():
    chunks = chunks_of(BUDGET_TABLE, fmt="text")
    officers = next(c for c in chunks if "Dowling" in c.text)
    assert "Curley" in officers.text and "Dollard" in officers.text
    assert officers.kind == "procedure"
    # A sentence is not a cell: the line introducing the list stays a paragraph of its own.
    assert any(c.text == "The Chair welcomed the following officers to the meeting:" for c in chunks)


def test_short_sentences_and_numbered_points_are_not_cells():
    """Points of a resolution and short sentences are read one by one, not as a table."""
    text = "\n\n".join(
        [
            "Minutes of the Cabinet",
            "1. Budget Monitoring",
            "RESOLVED that Cabinet:",
            "(a) note the report;",
            "(b) agree the savings;",
            "(c) thank the officers.",
            "2. Close",
            "The meeting closed at 9pm.",
        ]
    )
    texts = [c.text for c in chunks_of(text, fmt="text")]
    assert {"(a) note the report;", "(b) agree the savings;", "(c) thank the officers."} <= set(texts)


def test_numbered_headings_run_into_their_titles_are_items():
    """PDF extraction writes "20.Question submitted by ..." and "18 .Question ...": each heads an
    agenda item (127 of Limerick's minutes had such items read as text, titled by the meeting)."""
    text = "\n\n".join(
        [
            "Minutes of the Monthly Meeting of the Metropolitan District of Limerick",
            "17.Adoption of Minutes",
            "The minutes of the previous meeting were adopted.",
            "18 .Question submitted by Councillor C. Sheehan",
            "I will ask for the cost of bonfire night clean-ups in the city.",
            "REPLY: The following table outlines the approximate costs.",
            "19.Notice of Motion submitted by Councillor E. Secas",
            "That the Council calls for more bins in the city centre.",
        ]
    )
    chunks = chunks_of(text, fmt="text")
    item = {c.text[:20]: (c.title, c.item_ref) for c in chunks}
    assert item["I will ask for the c"] == ("Question submitted by Councillor C. Sheehan", "item 18")
    assert item["That the Council cal"] == ("Notice of Motion submitted by Councillor E. Secas", "item 19")


def test_a_decimal_is_not_a_numbered_heading():
    text = "\n\n".join(
        [
            "Minutes of the Finance Committee",
            "1. Budget",
            "2.5 million was allocated to roads this year by the Council.",
            "Members noted the figures.",
            "2. Roads",
            "3.2 kilometres of road were resurfaced.",
        ]
    )
    item = {c.text.split()[1]: c.title for c in chunks_of(text, fmt="text")}
    assert item["million"] == item["noted"] == "Budget"
    assert item["kilometres"] == "Roads"


def test_a_heading_run_into_a_bracketed_remark_and_its_first_lines_heads_an_item():
    """PDF extraction joins "14.", the item's title, a remark in brackets and the motion's first
    lines into one paragraph, too long to be a title: 14 items of one Limerick meeting were read
    as text of the question before them. The title is what comes before the bracket; the rest is
    the item's text."""
    text = "\n\n".join(
        [
            "Minutes of the Meeting of the Council",
            "12. Adoption of Minutes",
            "The minutes of the previous meeting were adopted.",
            "13. Question submitted by Councillor C. Prendiville",
            "I will ask for details of the new emergency homeless accommodation.",
            "REPLY: The Winter Beds Initiative provides beds to people at risk of rough sleeping.",
            "14. Notice of Motion submitted by Councillor M. Sheahan (to be referred to the Environment "
            "Strategic Policy Committee) I will move at the next Meeting that the Council reaffirm its "
            "opposition to fracking in the county.",
            "It was agreed to refer this Motion to the Environment Strategic Policy Committee.",
            "15. Notice of Motion submitted by Councillor F. Daly (to be referred to the Home and Social "
            "Development Strategic Policy Committee) I will move at the next Meeting that the Council "
            "provide a register of vacant homes.",
            "The Members agreed to refer this Motion to the Home and Social Development Strategic Policy Committee.",
            "16. Correspondence",
            "The correspondence was noted.",
        ]
    )
    item = {c.text[:24]: (c.title, c.item_ref) for c in chunks_of(text, fmt="text")}
    assert item["It was agreed to refer t"] == ("Notice of Motion submitted by Councillor M. Sheahan", "item 14")
    fracking = next(k for k in item if k.startswith("(to be referred to the E"))
    assert item[fracking][1] == "item 14"
    assert [v for k, v in item.items() if k.startswith("(to be referred to the H")] == [
        ("Notice of Motion submitted by Councillor F. Daly", "item 15")
    ]
    assert item["The correspondence was n"] == ("Correspondence", "item 16")
    assert item["REPLY: The Winter Beds I"] == ("Question submitted by Councillor C. Prendiville", "item 13")


@pytest.mark.skipif(not (DATA / "cleveland-city-record").is_dir(), reason=f"shared Cleveland corpus not in {DATA}")
def test_a_bracketed_figure_or_clause_does_not_make_a_numbered_condition_an_item():
    """The real 22 March 2017 City Record: "1. Section 337.08(e) which states that a Museum is
    permitted if located not less than fifteen (15) feet ...", a condition of a zoning appeal, is
    not an item heading run into its text (it took the place of "1. Composition of the Board")."""
    rec = next(r for r in import_cleveland(DATA) if r["id"] == "cleveland/2017/2017-03-22")
    doc = Document(doc_id=rec["id"], source="x", text=rec["text"], title=rec["title"])
    titles = {c.title for c in chunk_document(doc)}
    assert not [t for t in titles if t.startswith("Section 337")]


def test_two_unread_item_numbers_do_not_split_the_agenda():
    """Items 4 and 5 run into their first sentences (no title can be read): items 1-3 and 6-11
    are one agenda, not two runs of which only the longer is kept (Limerick, 23 May 2016, lost
    items 1-7 to the run 10-23)."""
    heads = [f"{n}. Question submitted by Councillor A{n}" for n in (1, 2, 3)]
    late = [f"{n}. Notice of Motion submitted by Councillor B{n}" for n in range(6, 12)]
    parts = ["Minutes of the Meeting of the Council"]
    for h in heads:
        parts += [h, f"I will ask about matter {h[:2]} at the next meeting of the Council."]
    parts += [
        "4. Members asked for the number of new homes built this year in the district and the plans for next year.",
        "REPLY: Forty homes were built.",
        "5. Members asked when the library will reopen after the works to its roof and windows.",
        "REPLY: In March.",
    ]
    for h in late:
        parts += [h, f"I will move at the next meeting that the Council consider matter {h[:2]}."]
    refs = {c.item_ref for c in chunks_of("\n\n".join(parts), fmt="text")}
    assert {f"item {n}" for n in (1, 2, 3, 6, 7, 8, 9, 10, 11)} <= refs


def test_numbered_headings_run_into_their_first_lines_are_items_in_every_shape():
    """A heading printed with a colon, in capitals run into its text, before "Heading: text", or
    naming who brought the item run into the item's first line (OCR reads "I will" as "| will"):
    each heads its item, and what follows it is the item's text. 1,613 Limerick headings that
    continue their meeting's numbering were read as text of the item before them."""
    text = "\n\n".join(
        [
            "Minutes of the Monthly Meeting of the Municipal District",
            "1. Adoption of Minutes",
            "The minutes of the previous meeting were adopted.",
            "2. Schedule of Meetings:",
            "The Members agreed to meet on the second Tuesday of each month.",
            "3. FIXING OF DATES FOR DISTRICT MEETINGS The Meetings Administrator advised that the dates "
            "of the annual meetings are set by law.",
            "4. Result of the Local Elections: The Returning Officer read the results of the election "
            "for the district.",
            "5. Question submitted by Councillor L. Galvin | will ask at the next Meeting for a report "
            "on the houses at Coill Bhui.",
            "REPLY: Twelve houses remain to be completed.",
            "6. Notice of Motion submitted by Councillor John Gilligan I will move at the next meeting "
            "that this Council erect a monument.",
            "7. Notice of Motion submitted by Councillor Ryan The Council will write to the Minister "
            "about rural bus routes.",
            "8. Question submitted by Councillors B. Teefy and N. Ó Gleeson | will ask for the cost of "
            "the new library at the next Meeting.",
            "9. Notice of Motion submitted by Councillor L. Galvin, Mayor of the City and County of Limerick",
            "That the Council honour the county's hurlers.",
        ]
    )
    by_start = {c.text[:30]: (c.title, c.item_ref) for c in chunks_of(text, fmt="text")}
    assert by_start["The Members agreed to meet on "] == ("Schedule of Meetings", "item 2")
    assert by_start["The Meetings Administrator adv"] == ("FIXING OF DATES FOR DISTRICT MEETINGS", "item 3")
    assert by_start["The Returning Officer read the"] == ("Result of the Local Elections", "item 4")
    assert by_start["| will ask at the next Meeting"] == ("Question submitted by Councillor L. Galvin", "item 5")
    assert by_start["REPLY: Twelve houses remain to"] == ("Question submitted by Councillor L. Galvin", "item 5")
    assert by_start["I will move at the next meetin"] == (
        "Notice of Motion submitted by Councillor John Gilligan",
        "item 6",
    )
    # A name ends where a sentence starts.
    assert by_start["The Council will write to the "] == ("Notice of Motion submitted by Councillor Ryan", "item 7")
    # Names joined by "and", and a name that goes on ("Mayor of ...") is not cut.
    assert by_start["| will ask for the cost of the"] == (
        "Question submitted by Councillors B. Teefy and N. Ó Gleeson",
        "item 8",
    )
    assert by_start["That the Council honour the co"] == (
        "Notice of Motion submitted by Councillor L. Galvin, Mayor of the City and County of Limerick",
        "item 9",
    )


def test_a_numbered_list_of_headed_entries_is_not_an_agenda():
    """ "1. Determination of user demands: to discover ...", "2. ...: ..." one after the other
    are a list's entries (a CISI abstract), not items, though a heading may end in a colon."""
    text = "\n\n".join(
        [
            "This study of the habits of customers of technical libraries had three aims.",
            "1. Determination of user demands: to discover what items of information customers seek.",
            "2. Classification of user groups: to test whether customers fall into meaningful groups.",
            "3. Estimation of the significance for librarians: to measure the demand on libraries.",
            "The results are reported for each aim in turn.",
        ]
    )
    assert {c.item_ref for c in chunks_of(text, fmt="text")} == {""}
    # ... nor is one beside entries that read as no heading, with a title-like entry further on.
    text = "\n\n".join(
        [
            "The selection and grouping of the terms are based on:",
            "1. A systematic approach to indexing in depth, based on earlier work and resulting in consistent terms.",
            "2. An analytical approach to word forms in which these categories are distinguished: actions, states.",
            "3. Criteria for term-splitting with limited factoring. Occasionally terms are merged.",
            "4. Criteria for dealing with antonyms, which are reciprocals. Others are not.",
            "5. Introduction of conditional cross-referencing",
            "6. Recognition of multiword synonyms. It is the major difficulty.",
        ]
    )
    assert {c.item_ref for c in chunks_of(text, fmt="text")} == {""}


def test_a_long_gap_in_the_numbers_joins_two_runs_of_items():
    """Items 4-8 unread (their headings are sentences): items 1-3 and 9-12 are one agenda (20
    June 2016 in Limerick lost items 1-6 to the run 11-24); one stray number far on is not an item."""
    parts = ["Minutes of the Meeting of the Council"]
    for n in (1, 2, 3, 9, 10, 11, 12):
        parts += [f"{n}. Report of the Director of Service {n}", f"The Members noted report {n} of the Director."]
        if n == 3:
            parts += [
                f"{k}. Members asked about the roads. The footpaths of ward {k} were discussed." for k in range(4, 9)
            ]
    parts += [
        "The Members discussed the list.",
        "19. Members asked about the roads. The footpaths were discussed again.",
    ]
    refs = {c.item_ref for c in chunks_of("\n\n".join(parts), fmt="text")}
    assert {f"item {n}" for n in (1, 2, 3, 9, 10, 11, 12)} <= refs
    assert "item 19" not in refs


@pytest.mark.skipif(not (DATA / "cleveland-city-record").is_dir(), reason=f"shared Cleveland corpus not in {DATA}")
def test_real_city_record_keeps_its_measures_over_a_numbered_list():
    """The City Record of 28 November 2018 prints an exam's job titles numbered 2-19 among its 112
    measures: the measures are its items, not the job titles."""
    rec = next(r for r in import_cleveland(DATA) if r["id"] == "cleveland/2018/2018-11-28")
    chunks = chunk_document(Document(doc_id=rec["id"], source="x", text=rec["text"], title=rec["title"]))
    refs = {c.item_ref for c in chunks}
    assert len([r for r in refs if r.startswith("Ord. No.")]) > 50
    assert not [c for c in chunks if c.title.startswith("Airport Operations Agent")]


# A council journal that numbers its measures, not an agenda (as the City Record prints them).
MEASURES = """CITY COUNCIL

The meeting of the Council was called to order at 7:04 p.m. with the President in the Chair.

FIRST READING EMERGENCY ORDINANCES REFERRED

Ord. No. 129-17.

By Council Members Polensek and Kelley (by departmental request).

An emergency ordinance authorizing the Commissioner of Purchases and Supplies to sell City-owned
property at Argus Avenue and East 133rd Street to the Northeast Ohio Regional Sewer District.

Section 1. That the property is no longer needed for public use.

Referred to Directors of Capital Projects, Finance, Law; Committees on Development, Finance.

Res. No. 120-17.

By Council Members Kelley and Zone.

An emergency resolution strongly objecting to the Presidential Executive Order banning entry to
the United States by refugees.

Section 1. That this Council strongly objects to the Executive Order.

The rules were suspended. Yeas 15. Nays 1. Read second time. Read third time in full. Adopted.

Those voting nay: Council Member Dow.

File No. 137-17.

David Ebersole, Interim Director of Economic Development, City of Cleveland. Received.

THE CALENDAR The following measures will be on their final passage at the next meeting:

Ord. No. 1444-16. Ord. No. 19-17.

MOTION The Council Meeting adjourned at 8:37 p.m.

Patricia J. Britt, City Clerk, Clerk of Council
"""


def test_a_journal_of_numbered_measures_has_each_measure_as_an_item():
    """The City Record numbers its measures, not an agenda: each measure is an item titled by
    what it is and cited by its number, so its sections and its votes say what they belong to
    ("Those voting nay: Council Member Dow." was a paragraph of "The City Record 2017-02-01")."""
    chunks = chunks_of(MEASURES, fmt="text", title="The City Record 2017-02-01")
    by_text = {c.text: c for c in chunks}
    nay = by_text["Those voting nay: Council Member Dow."]
    assert nay.item_ref == "Res. No. 120-17" and nay.kind == "procedure"
    assert nay.title.startswith("An emergency resolution strongly objecting to the Presidential Executive Order")
    section = next(c for c in chunks if c.text.startswith("Section 1. That the property"))
    assert section.item_ref == "Ord. No. 129-17" and "Commissioner of Purchases" in section.title
    referral = next(c for c in chunks if c.text.startswith("Referred to Directors"))
    assert referral.item_ref == "Ord. No. 129-17" and referral.kind == "procedure"
    filed = next(c for c in chunks if "David Ebersole" in c.text)
    assert (filed.item_ref, filed.title) == (
        "File No. 137-17",
        "David Ebersole, Interim Director of Economic Development, City of Cleveland",
    )
    # A section's heading ends the measure before it: the calendar, the adjournment and the
    # clerk's signature are the journal's, not the last measure's.
    for words in ("THE CALENDAR", "adjourned at 8:37", "Patricia J. Britt"):
        c = next(c for c in chunks if words in c.text)
        assert (c.item_ref, c.title) == ("", "The City Record 2017-02-01"), words
    # The roll call before the first measure keeps the journal's title too.
    opening = next(c for c in chunks if "called to order" in c.text)
    assert (opening.item_ref, opening.title) == ("", "The City Record 2017-02-01")


def test_a_measure_title_is_its_description_cut_to_a_title():
    from minsearch.ingest.structure import MEASURE_TITLE_WORDS, measure_title

    assert (
        measure_title(". By Council Member Kelley. An ordinance to amend Section 9.")
        == "An ordinance to amend Section 9"
    )
    assert measure_title(" — Julius Ciaccia.") == "Julius Ciaccia"
    long = measure_title("An emergency ordinance " + " ".join(f"word{n}" for n in range(60)) + ".")
    assert long.endswith(" …") and len(long.split()) == MEASURE_TITLE_WORDS + 1
    assert measure_title("") == ""


def test_two_numbered_measures_are_a_mention_not_a_journal():
    """Minutes that cite a measure or two ("Bill No. 52", "By-law No. C.P.-1284") keep their title."""
    text = "\n\n".join(
        [
            "Minutes of the Planning Committee",
            "Bill No. 52. By-law to amend the Official Plan was read a first time.",
            "The committee discussed the parking standards for the new development at length.",
            "Bill No. 53. By-law to amend the Zoning By-law was read a first time.",
            "The meeting adjourned.",
        ]
    )
    chunks = chunks_of(text, fmt="text", title="Planning Committee minutes")
    assert {(c.item_ref, c.title) for c in chunks} == {("", "Planning Committee minutes")}


@pytest.mark.skipif(not (DATA / "cleveland-city-record").is_dir(), reason=f"shared Cleveland corpus not in {DATA}")
def test_real_city_record_measures_are_items_with_their_votes():
    """The 1 February 2017 issue: the resolution against the travel ban (Res. No. 120-17) is one
    item, with its sections and the votes that adopted it."""
    rec = next(r for r in import_cleveland(DATA) if r["id"] == "cleveland/2017/2017-02-01")
    doc = Document(doc_id=rec["id"], source="x", text=rec["text"], title=rec["title"])
    chunks = chunk_document(doc)
    resolution = [c for c in chunks if c.item_ref == "Res. No. 120-17"]
    texts = " ".join(c.text for c in resolution)
    assert "Executive Order" in resolution[0].title
    assert "Those voting nay" in texts and "Those voting yea" in texts and "Section 1." in texts
    assert len({c.item for c in chunks if c.item_ref.startswith(("Ord.", "Res.", "File", "Resolution"))}) >= 60
