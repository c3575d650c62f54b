"""Paragraph kinds by shape, on lines taken from every minutes corpus in ../shared/data and the seeds."""

from __future__ import annotations

import pytest

from minsearch.ingest.chunker import chunk_document
from minsearch.ingest.kinds import classify, split_procedure_lines
from minsearch.model import Document

PROCEDURE = [
    # London Ontario (eScribe)
    "PRESENT: D. Ferreira, H. McAlister, J. Pribil, S. Trosow",
    "REMOTE ATTENDANCE: E. Skalski, B. Somers, P. Yeoman",
    "Yeas: H. McAlister, J. Pribil, S. Trosow, D. Ferreira Motion Passed (4 to 0)",
    "Yeas: S. Lewis, S. Lehman, P. Cuddy Nays: S. Hillier, E. Peloza Motion Passed (3 to 2)",
    "Moved by S. Trosow Seconded by H. McAlister",
    "Motion made by S. Franke",
    "At 4:10 PM, Deputy Mayor S. Lewis, places Councillor E. Peloza in the Chair.",
    "At 4:15 PM, Deputy Mayor S. Lewis resumes the Chair.",
    "None.",
    "The meeting was called to order at 1:01 PM.",
    "The meeting adjourned at 1:39 PM.",
    "That it BE NOTED that no pecuniary interests were disclosed.",
    "Additional Votes: Moved by E. Peloza Seconded by S. Hillier Motion to open the public participation meeting.",
    "That the meeting BE ADJOURNED.",
    # Kent (ModernGov printed minutes)
    "Against (3) Mr Marsh, Mr Rayner, Mr Robey",
    "Abstain (2) Mr Lehmann, Mr Sole Motion carried.",
    "Apologies were received from Mr R Love OBE, Ms K Leonard, and Ms A Farmer.",
    "There were no declarations of interest.",
    "(2) Ms Meade declared an interest that she was a carer.",
    "Substantive motion carried.",
    "Ms Grehan had given her formal apologies but was attending the meeting virtually.",
    "IN ATTENDANCE: Kevin Kasaven (Director of Children's Countywide Services), Ingrid Crisan (Director of "
    "integrated Children’s Services), Joanne Carpenter (Participation and Engagement Manager)",
    "Christine McInnes (Director of Education) and Nick Abrahams (Assistant Director Education, West Kent) "
    "were in attendance for this item.",
    # Limerick
    "Proposed by Councillor Collins (M); Seconded by Councillor Sheahan (J);",
    "The Motion was seconded by Councillor Keary.",
    "The motion was proposed by Councillor Quinlivan and seconded by Cmhlr. Ó Ceallaigh.",
    "Councillors Keller, Loftus, Prendiville. (3)",
    "Teefy, Wade. (9)",  # a roll call's last names, wrapped, and its count
    "Sheahan (M), Teefy. (28)",
    "O'Hanlon and Sheahan (11)",
    "PRESENT IN THE CHAIR: Councillor K. Sheahan, An Cathaoirleach.",
    "A vote was taken which resulted as follows:",
    "The County Secretary declared the Motion carried.",
    "The Mayor declared the amended Motion defeated.",
    "Sinithe:",
    # Cleveland City Record
    "Yeas: Directors Langhenry, Davis, Interim Director Szabo, Directors Cox, Gordon, McGrath. Nays: None.",
    "Absent: Mayor Jackson and Director Dumas.",
    "Motioned by Mr. Bradley and seconded by Mr. Maschke.",
    "15. Nays 0. Read second time. Read third time in full. Adopted. Yeas",
    "The rules were suspended.",
    "Finance Committee: Present: Kelley, Chair; Cleveland, Vice Chair;",
    # what was done with a measure, as its record closes
    "Referred to Committee on Finance.",
    "Referred to Directors of Port Control, Finance, Law; Committees on Transportation, Finance.",
    "Approved by Directors of Capital Projects, Public Works, City Planning Commission, Finance, Law;",
    "Adopted February 27, 2017.",
    "Effective February 28, 2017.",
    "Received.",
    "Health and Human Services Committee: Present: Cummins, Chair; Brady, Conwell, J. Johnson. Authorized Absence: "
    "Mitchell, Vice Chair; Cleveland, McCormack Pro tempore: Brancatelli.",
    # Limerick: roles in brackets after names, or names in brackets after roles
    "Officials Present: Mr.Vincent Murray (DOS), Mr. Matthew White (DOS), Ms. Nuala O’Connell (Senior Planner)",
    "Apologies: Senior Executive Engineer (Mr. T McKechnie), Clerical Officer (Ms. H O'Neill).",
    # the tail of a vote or attendance list, wrapped onto a line of its own: a title for several
    # people, then two names
    "Messrs. Gallagher, Saab.",
    "Councillors Keller, Prendiville.",
    "Council Members Polensek and Kelley.",
    "Authorized Absence: Cleveland, Vice Chair.",
    "Excused absences: Councillors Hopkins and Trosow.",
    # a note on the order of business: when an item was heard, not what about
    "This item was taken after Item 16 and before Item 13.",
    "It was noted that this item had been deferred from the September Meeting.",
    "It was noted that this Motion had been dealt with at the commencement of the Meeting.",
    "It was noted that this Item had been considered in conjunction with Item 5 (b) on the Agenda.",
    "This item was deferred to the next SPC meeting.",
    "This item was deferred to the next appropriate meeting of Full Council.",
    # counts without names (a count of none, or the names on lines of their own)
    "Against (0) Abstain (9)",
    "Abstain (0)",
    "For (10) Against (0) Abstain (2)",
    "For: 10 Against: 0 Abstentions: 2",
    # people with their roles, no label and no verb: an attendance list's wrapped rest, presenters
    "Director of Travel & Transportation (Mr. P. Crowe), Administrative Officer, Corporate Services (Ms. T. Knox), "
    "Senior Staff Officer, Corporate Services (Ms. L. Creamer).",
    "Robin Cahill, Senior Commissioner (Children's), Natalia Merritt Co-Chair Kent Housing Options Subgroup (KHOG) "
    "and Brian Horton, Chair Kent Housing Group",
    "Others: Tiffany White Johnson, Commissioner, Purchases & Supplies. Michael Curry, Acting Director, Office of "
    "Equal Opportunity.",
    # a motion's lead-in, in words of procedure only
    "Motion to amend part b) to read as follows:",
    "Item 10, clause 2.9, as amended, BE APPROVED.",
    "Item 9, clause 5.1, as amended, reads as follows:",
    "That clause 1 of the 7th Report of the Council, In Closed Session, read as follows:",
    # ... suspending the rules for final passage (chunker 39)
    "Motion to suspend rules, Charter, and statutory provisions and place on final adoption.",
    "On motions, the following resolutions were adopted, except as may be otherwise noted.",
    # one or two people alone, a signature, a sponsor, a recusal (chunker 32): about every meeting,
    # they led Cleveland's first page for "which streets did council give honorary names to?"
    "Councillor S. Stevenson",
    "Recuse: C. Rahman",
    "Mr B Lewis, Mr D Ross",
    "S. Marentette; - J. Madden.",
    "Patricia J. Britt City Clerk, Clerk of Council",
    "Kevin J. Kelley President of Council",
    "JEFFREY B. MARKS, Secretary",
    "Councillor Eddie Ryan, Chairperson",
    "By Council Member Zone.",
    "By Council Members Dow, K. Johnson and Brancatelli (by departmental request).",
    "Signed: Date: Cathaoirleach",
    "Dated: \\_\\_\\_\\_\\_\\_\\_\\_",
    "In Favour",
    "Maschke. Nays: None. Absent: Mr. Gallagher.",
    "The Meeting then concluded.",
    "The following were in attendance: -",
    "Correspondence was noted and taken as read.",
    "Recommendation No. 3 was agreed.",
    "No matters arising from previous minutes.",
    # a vote's announcement in pointers and meeting words only: the motion is the paragraph it
    # points to, the outcome the tally after it (Kent, Limerick: 6 of Kent's first 10 for
    # "amendment to council tax increase" were such lines)
    "(8) Following the debate, the Chairman put to the vote the amendment set out in paragraph 7 above and the "
    "voting was as follows:",
    "25) The Chairman put the substantive motion set out in paragraph 15 to the vote and the voting was as follows:",
    "the substantive motion (as amended) in paragraph 3 be put to the vote.",
    "As all Members were not in agreement, a Vote was taken which resulted as follows:",
    "The Cathaoirleach stated that a Vote would now be required and the result of the voting was as follows:",
    "In the absence of any further nominations, the Mayor directed that a Vote be taken and the result of the "
    "voting was as follows:",
    "The Mayor then directed that a Vote would be taken on Amendment No. 1 as proposed by Councillor Prendiville "
    "and seconded by Councillor Keller. The result of the voting was as follows:",
]

SUBSTANCE = [
    "Dental checks were showing as reduced from last year and, again, the backlog in NHS dentistry was a factor.",
    "That the resignation of Terryanne Daniel from the Hyde Park Business Improvement Association Board BE ACCEPTED.",
    "It was proposed by Councillor O'Hanlon and seconded by Councillor Hourigan that the wearing of robes at "
    "ceremonial occasions would be allowable if Members wished to do so.",
    "Proposed by Councillor Foley; Seconded by Councillor Galvin; And Resolved: “That, the Abbeyfeale Local Area "
    "Plan 2014-2020 be made in accordance with the Chief Executive’s recommendations”.",
    "Kent Fostering.",
    # letters of a table or a law, places and posts are not people
    "Part V Community Homes",
    "P Replacement",
    "Convent Road, Abbeyfeale, Co. Limerick",
    "Director of Public Health",
    "Environmental Monitoring Specialist I",
    "File No. 2-17. Brian Kimball, Commissioner of Environment, Department of Public Health, City of Cleveland. Received.",
    "Dr. Smith presented the report on dental checks.",
    "Item 4: The panel agreed to fund the dental checks scheme.",
    # an agenda item's numbered label says where a topic was discussed (judged an answer on Limerick)
    "Item 6: Discussion in relation to the Eradication of Japanese Knotweed",
    "The Chair said the budget was tight... but the service would be kept.",  # an ellipsis is not a leader
    "b) the Civic Administration BE DIRECTED to report back with an overview of the roll out plan for warming centres.",
    "The members welcomed the new facility and thanked Barry Murphy for his update.",
    "An emergency resolution objecting to the transfer of ownership of a C1 and C2 Liquor Permit to 4677 West 130th Street.",
    "Ms Chandler said that placements for children in care had become harder to find and more expensive.",
    "Housing Grants 122,387",
    "Schedule of Works (4)",  # a label and its number is no roll call
    # an amount is not a year, and a motion's clause is no label whatever its capitals
    "Patrickswell Tidy Towns €2000",
    "d) the 2024 Financial Statements BE RECEIVED; and",
    "Ord. No. 1444-16.",  # a reference number on its own stays searchable as substance
    # "referred to" in a sentence about something, not a referral to a body
    "Referred to the establishment of Limerick 2030 and the borrowing of finances from European investment banks.",
    "Approved by the board that the scheme should proceed in two phases.",
    "Referred to the matter of the new road at the junction.",
    "F05",
    # an attendance label whose words are not a list of people
    "Planning Committee: Present: the applicant (Mr Smith) explained the revised scheme for 40 homes on the "
    "former depot site.",
    "Present: the report (Appendix A, pages 4 to 9) sets out the options for the leisure centre.",
    # a place named after a body of people is not a list of people
    "Commissioners Court, Main Street.",
    "Councillors' Car Park, Henry Street.",
    "March 7, 2017 was the closing date for the tenders on the new depot.",
    "Absence management in the service fell to 8.2 days per employee.",
    # the same shape saying why, by whom or what about
    "This item was deferred because the report on the Castletroy flood scheme was not ready.",
    "The report was considered by the Children and Young People Committee in March.",
    "This item was taken after the presentation on the Limerick 2030 plan.",
    "The application was withdrawn by the applicant after objections from residents of Raheen.",
    # the first line of a wrapped sentence ("... held on 21st" / "July, 2015, to allow time for it
    # to be examined in greater detail."): not split from the rest
    "It was noted that this item had been deferred from the July Meeting held on 21st",
    # a number after "For" or "Against" that is not a count of votes
    "For 2025 the budget is set at 10 million.",
    "Against 2024 levels, waiting times fell by 10%.",
    # roles in a sentence, or in capitals throughout
    "The Director, the Chief Executive and the Head of Finance agreed the budget.",
    # ... and one that names its topic
    "That the following actions be taken with respect to Watson Park:",
    "Part 8 planning application for the Castletroy greenway.",
    "NOTE: BID MUST BE DELIVERED AT THE OFFICE OF THE COMMISSIONER OF PURCHASES AND SUPPLIES, CLEVELAND CITY HALL, "
    "LAKESIDE AVENUE.",
    # a vote's announcement that says what was voted on
    "The Mayor directed that a Vote be taken on the proposal put forward by Cmhlr. Ó Ceallaigh and seconded by "
    "Councillor Browne to vary the Local Property Tax basic rate downwards by 15% for 2016. The result of the "
    "voting was as follows:",
    "As all Members were not in agreement, a Vote was taken on the proposed amendment to the original motion that "
    "meetings commence at 4.00 p.m. The result of the voting was as follows:",
    "Following this proposal to reject the disposal the Meetings Administrator confirmed that a vote would be "
    "taken on the disposal of 2 Pery Square which resulted as follows :",
    # ... or a line the PDF cut before it says so, and a rule's title
    "The Mayor then directed that a Vote would be taken on Amendment No. 2 as",
    "Rule 17. Roll Call of Council.",
]

HEADING = [
    "2nd Meeting of the Community and Protective Services Committee",
    "MINUTES of a meeting of the County Council held in the Council Chamber, Sessions House, County Hall, "
    "Maidstone on Thursday, 13 March 2025.",
    "UNRESTRICTED ITEMS",
    "This Council believes that:",
    "(a)",
    "Services.",  # the tail of a wrapped line, on its own
    # an index entry (the City Record's), with its dot leaders to the page
    "Authorizing the Clerk of Council to enter into an agreement with Western Reserve Land Conservancy to provide "
    "professional services regarding the Vacant and Abandoned Property Action Council (VAPAC). (O 29-17) "
    ". . . . . . . . . . . . . . . . 10",
    "Welcome Resolution for Mary Hanafin (R 157-17) ........................ 74",
    # title-case labels on a line of their own: sub-headings, running headers, a table's row label
    "Storm and Bad Weather Preparedness",
    "Adult Social Care and Health Directorate",
    "The City Record",
    "Monaleen Community Games",
    # ... with the year or years it covers
    "Kent Pay Scheme 2025-26",
    "(b) Proposed Askeaton Local Area Plan 2015-2021",
    "Amendment to Southern Environs Local Area Plan 2011 - 2017",
    "Year of Culture 2014",
    # a clock time on a line of its own (a session's label): "at 9:30 a.m. the Council met" is text
    "9:30 A.M.",
    "2:00 p.m.",
    "Tuesday March 7, 2017 9:30 a.m.",
    "21st November 2019",
]


@pytest.mark.parametrize("text", PROCEDURE)
def test_procedure_is_recognised_by_its_shape(text):
    assert classify(text) == "procedure"


@pytest.mark.parametrize("text", SUBSTANCE)
def test_substance_is_not_mistaken_for_procedure(text):
    assert classify(text) == "substance"


@pytest.mark.parametrize("text", HEADING)
def test_headings(text):
    assert classify(text) == "heading"


def test_a_paragraph_repeating_its_item_title_is_a_heading():
    assert classify("Waste Collection Contract", title="Waste collection contract") == "heading"


def test_motion_block_splits_into_movers_motion_and_tally():
    raw = (
        "Moved by S. Trosow\nSeconded by H. McAlister\nThat the 6th Report of the Accessibility Community "
        "Advisory Committee BE RECEIVED.\nYeas: H. McAlister, J. Pribil, S. Trosow\nAbsent: J. Pribil\n"
        "Motion Passed (3 to 0)"
    )
    assert split_procedure_lines(raw) == [(0, 2, "procedure"), (2, 3, None), (3, 6, "procedure")]
    assert split_procedure_lines("Yeas: A. B, C. D\nMotion Passed (2 to 0)") == [(0, 2, "procedure")]
    assert split_procedure_lines("One line of text.") == [(0, 1, None)]


def test_chunker_gives_each_part_of_a_motion_its_kind_and_section():
    text = "\n\n".join(
        [
            "3. Homeless Encampments Strategy\n(Item 3)",
            "Moved by S. Lewis\nSeconded by E. Peloza\nThat the Civic Administration BE DIRECTED to report back on "
            "the encampment strategy and winter response.\nYeas: S. Lewis, E. Peloza, P. Cuddy\nMotion Passed (3 to 0)",
            "4. Adjournment\n(Item 4)",
            "The meeting adjourned at 4:05 PM.",
        ]
    )
    chunks = chunk_document(Document(doc_id="m", source="m.txt", text=text))
    motion = [c for c in chunks if "encampment strategy" in c.text]
    assert len(motion) == 1 and motion[0].kind == "substance" and motion[0].section == "resolved"
    assert motion[0].text.startswith("That the Civic Administration")
    movers = [c for c in chunks if c.text.startswith("Moved by S. Lewis")]
    assert movers and movers[0].kind == "procedure"
    tally = [c for c in chunks if c.text.startswith("Yeas:")]
    assert tally and tally[0].kind == "procedure" and tally[0].title == "Homeless Encampments Strategy"
    for c in chunks:  # offsets still point at the paragraph in the source
        assert c.text.split()[0] in text[c.start : c.end]


@pytest.mark.parametrize(
    "raw",
    [
        "Those voting nay: Council Member\nPolensek.",
        "The Motion was proposed by Councillor Sheahan (J) and seconded by Councillor\nGalvin.",
        "Absent: Mayor Jackson, Director\nDumas.",
        # a tally's label and count, its names on the next line
        "Abstain (2)\nMr Stepto, Ms Wright",
        # a list of people with roles wrapped over lines is one paragraph
        "Robin Cahill, Senior Commissioner (Children's), Natalia Merritt Co-Chair Kent\nHousing Options Subgroup "
        "(KHOG) and Brian Horton, Chair Kent Housing Group",
        # an attendance list wrapped at the PDF's line width (Kent's Corporate Parenting Panel):
        # after a comma, inside a name cut in two, after "and", inside an open bracket
        "PRESENT: Shellina Prendergast (Chair), Paul Bartlett (Vice-Chair), David Brazier,\nLesley Game, Kelly "
        "Grehan, Dan Bride, Tom\nByrne, Tony Doran, Caroline Smith and Tracy Scott",
        "PRESENT: Mr R W Gough (Chairman), Mr N Baker, Mr D Watkins and\nMr R J Thomas",
        "IN ATTENDANCE: James Clapson (Democratic Services Officer), Alice Gleave (Interim Assistant Director "
        "for SEND\nOperations), Christy Holden (Assistant Director), Robin\nCahill (Senior Commissioner)",
        # Limerick's officials, their names after their posts; an initial's full stop ends nothing
        "OFFICIALS IN ATTENDANCE: Chief Executive (Mr. C. Murray), Administrative Officer, Limerick "
        "Enterprise\nDevelopment Partnership (Mr. M. Cantwell), Meetings Administrator (Mr. C.\nO'Connor).",
        # a roll call under its announcement, its last name wrapped (the announcement's line is
        # not cut from it: "Teefy. (26)" was left a paragraph of its own)
        "The result of the voting was as follows:\nFor Councillors Butler, Byrne, Clifford, Sheahan (M),\nTeefy. (26)",
    ],
)
def test_a_name_wrapped_after_its_title_stays_with_its_vote(raw):
    """A PDF line that ends with a member's title leaves the name for the next line; the vote or
    the mover kept the title and lost the name ("Those voting nay: Council Member", with
    "Polensek." a paragraph of its own)."""
    text = chunk_document(Document(doc_id="d", source="d", text="Minutes\n\n" + raw, format="text"))
    parts = [c for c in text if c.text != "Minutes"]
    assert [(c.kind, c.text) for c in parts] == [("procedure", " ".join(raw.split()))]


def test_a_clause_repeated_under_many_items_is_procedure():
    """A journal closes every emergency measure with the same clause; under "Whereas ... the
    travel ban" it ranked first for "who voted against the travel ban resolution" (its words
    "resolution" and "vote", its measure's title). A clause a meeting prints in the same words
    under three items or more is its machinery; a motion quoted again under its own item, or
    under two, is not."""
    clause = (
        "Section {n}. That this ordinance is declared to be an emergency measure and, provided it "
        "receives the affirmative vote of two-thirds of all the members elected to Council, it shall "
        "take effect immediately."
    )
    measures = [
        f"Ord. No. {n}-17.\n\nBy Council Member Kelley.\n\nAn emergency ordinance about matter {n}.\n\n"
        f"Section 1. That the Director of Parks is authorized to repair the pool at site {n}.\n\n"
        + clause.format(n=n % 3 + 2)
        for n in (101, 102, 103)
    ]
    motion = "That the Council approves the new library opening hours for the summer season."
    text = "\n\n".join(["CITY COUNCIL", *measures, "MOTION The Council resumed.", motion, motion])
    chunks = chunk_document(Document(doc_id="d", source="d", text=text, format="text"))
    formula = [c for c in chunks if "emergency measure" in c.text]
    assert len(formula) == 3 and {c.kind for c in formula} == {"procedure"}
    assert all(c.kind == "substance" for c in chunks if "repair the pool" in c.text or c.text == motion)


def test_a_wrapped_attendance_list_stops_where_the_minutes_go_on():
    """The lines of a labelled list go together until one ends it; the sentence after it is
    the minutes' own ("The Chair welcomed ...", substance), and so is a preamble's title:
    the header that opens the minutes, never "ALSO PRESENT: ..."."""
    raw = (
        "CORPORATE PARENTING PANEL – 10th December 2024\nMINUTES of the meeting held in the Darent Room.\n\n"
        "PRESENT: Shellina Prendergast (Chair), Paul Bartlett,\nLesley Game and Tony Doran.\n"
        "ALSO PRESENT: Sue Chandler, Cabinet Member for Integrated Children’s\nServices.\n"
        "The Chair welcomed the new members of the panel to their first meeting.\n\n"
        "Apologies and Substitutes\n(Item 1)\n\nApologies were received from Dylan Jeffrey."
    )
    chunks = chunk_document(Document(doc_id="d", source="d", text=raw, format="text"))
    assert chunks[0].title == "CORPORATE PARENTING PANEL – 10th December 2024"
    (present,) = [c for c in chunks if c.text.startswith("PRESENT:")]
    assert present.kind == "procedure" and "Lesley Game and Tony Doran." in present.text
    assert "welcomed" not in present.text
    kinds = {c.text: c.kind for c in chunks}
    assert kinds["The Chair welcomed the new members of the panel to their first meeting."] == "substance"
    assert not any(c.title.startswith("ALSO PRESENT") for c in chunks)


def test_a_declaration_the_pdf_cut_mid_sentence_is_one_paragraph():
    # "Swale Borough Council" found "Member of Swale Borough Council." alone, naming nobody.
    raw = (
        "2) Mr Lehmann declared an interest in item 6 - Questions - that he was a\n"
        "Member of Swale Borough Council.\n\n"
        "(3) Miss Carey declared a pecuniary interest that she was a Trustee of the\n"
        "Turner Contemporary and would leave the Chamber during any relevant\ndiscussions."
    )
    chunks = chunk_document(Document(doc_id="d", source="d", text=raw, format="text"))
    assert [(c.kind, c.text.split()[-1]) for c in chunks] == [("procedure", "Council."), ("procedure", "discussions.")]


def test_movers_cut_mid_sentence_leave_the_motion_as_substance():
    raw = (
        "3) Mr Sweetland proposed, and Mr Ridgers seconded, that the Council\n"
        "formally record the sense of loss it feels on the sad passing of Mr Parry."
    )
    chunks = chunk_document(Document(doc_id="d", source="d", text=raw, format="text"))
    assert any(c.kind == "substance" and c.text.startswith("formally record") for c in chunks)


def test_a_recusal_ends_the_resolution_it_follows():
    """eScribe prints a vote under its resolution: "Yeas: ...", "Recuse: E. Peloza", "Absent: ...".
    "Recuse:" was read as text, so the names of the vote stayed in the resolution's paragraph,
    and the council's copy of a committee's resolution no longer read as the same text."""
    raw = (
        "3. YMCA at 1050 Hamilton Road\n(Item 3)\n\nMotion made by D. Ferreira\nThat the Civic Administration "
        "BE DIRECTED to explore affordable housing with the YMCA regarding their property at 1050 Hamilton "
        "Road. (2025-S11)\nYeas: A. Hopkins, S. Lewis, C. Rahman\nRecuse: E. Peloza\nAbsent: Mayor J. Morgan, "
        "J. Pribil\nMotion Passed (3 to 0)"
    )
    chunks = chunk_document(Document(doc_id="m", source="m.txt", text=raw, format="text"))
    resolution = next(c for c in chunks if c.text.startswith("That the Civic"))
    assert resolution.kind == "substance" and resolution.text.endswith("(2025-S11)")
    vote = next(c for c in chunks if c.text.startswith("Yeas:"))
    assert vote.kind == "procedure" and "Recuse: E. Peloza" in vote.text and vote.text.endswith("(3 to 0)")


def test_signatures_and_sponsors_come_after_what_the_minutes_say(tmp_path, encoder):
    """A journal's clerk signs every issue and names each measure's sponsor on a line of its own;
    as substance, such lines led the first page of a question about council by meaning. Searched
    for words they hold, they now come after every paragraph that says something."""
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths
    from minsearch.model import Query
    from minsearch.search import Searcher

    text = "\n\n".join(
        [
            "Ord. No. 201-17.",
            "By Council Member Zone.",
            "An emergency ordinance designating East 93rd Street with a secondary and honorary designation.",
            "Whereas, the citizens of the city want to honor Harllel Jones with an honorary street name.",
            "By Council Member Mitchell.",
            "Patricia J. Britt City Clerk, Clerk of Council",
            "Kevin J. Kelley President of Council",
            "Mr B Lewis, Mr D Ross",
        ]
    )
    src = tmp_path / "record.txt"
    src.write_text("The City Record\n\n" + text, encoding="utf-8")
    home = tmp_path / "ix"
    index_paths([src], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    s = Searcher(load_settings(index_dir=home))
    try:
        hits = s.search(Query("council", mode="keyword", limit=10)).hits
    finally:
        s.close()
    # (shorter, the signature lines score higher on the word alone than the ordinance)
    assert hits[0].chunk.text.startswith("Ord. No. 201-17."), [(h.chunk.kind, h.chunk.text) for h in hits]
    people = {h.chunk.text: h.chunk.kind for h in hits[1:]}
    assert set(people) >= {
        "By Council Member Mitchell.",
        "Patricia J. Britt City Clerk, Clerk of Council",
        "Kevin J. Kelley President of Council",
    }
    assert set(people.values()) == {"procedure"}


@pytest.mark.parametrize(
    "text, vote",
    [
        ("Yeas: A. Hopkins, S. Lewis Nays: S. Stevenson Motion Passed (13 to 1)", True),
        ("Those voting nay: Council Members Dow and Polensek.", True),
        ("Motion Failed (1 to 4)", True),
        ("For (15) Mr Bond, Mrs Game Against (4) Mr Hood", True),
        ("Against (6) Mrs Dean, Mr Hook, Mr Passmore", True),
        ("Abstain (0) Motion lost.", True),
        ("Against (0) Abstain (11) Mr Chittenden, Mrs Dean MBE, Mr Hook", True),
        # Limerick's roll call says nobody abstained in a sentence
        ("Against Councillors Browne, Butler, Byrne, Sheehy. (29) There were no abstentions.", True),
        ("There were no abstentions.", False),
        ("Carried.", False),  # a bare result: it says nothing of who voted
        ("Substantive Motion Carried.", False),
        ("Additional Votes:", False),  # a label
        ("Moved by S. Trosow Seconded by D. Ferreira", False),
        ("Present: Councillors Keller, Prendiville.", False),
        ("That the report BE RECEIVED for information.", False),
    ],
)
def test_vote_lines_are_tallies_and_results(text, vote):
    from minsearch.ingest.kinds import is_vote_line

    assert is_vote_line(text) is vote


@pytest.mark.parametrize(
    "text, named",
    [
        ("Moved by S. Trosow", True),
        ("Seconded by D. Ferreira", True),
        ("Motion made by C. Rahman", True),
        ("(4) Mr Oakford proposed and Mr Gough Seconded the following motion:", True),
        (
            "The Council noted the report. On the proposal of Cllr. Sheehan, seconded by Cllr. Hartigan, it was agreed.",
            True,
        ),
        ("Proposed by Councillor Collins (M); Seconded by Councillor Sheahan (J);", True),
        ("Proposed: Cllr. Ryan", True),
        ("Council Member Zone moved the rules be suspended.", True),
        ("The proposed development at 123 Main Street was discussed.", False),
        ("Residents moved into the new homes in May.", False),
        ("A new scheme was proposed by officers.", False),  # by whom it says, but no one named
        ("Mr Baker, Mrs Bell, Mr Booth", False),
    ],
)
def test_a_paragraph_names_the_movers_only_with_their_names(text, named):
    from minsearch.ingest.kinds import names_movers

    assert names_movers(text) is named
