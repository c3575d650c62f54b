"""Importers for the shared corpora: small fake corpora in tmp_path, plus the real Kent sample."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from minsearch.config import load_settings
from minsearch.ingest.chunker import chunk_document
from minsearch.ingest.corpora import CORPORA, import_corpus, limerick_committee
from minsearch.ingest.readers import SourceFile, read_source
from minsearch.model import MinsearchError

FIELDS = {"id", "text", "title", "council", "committee", "date", "url"}


def write_gz(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")


def imported(name: str, data: Path, tmp_path: Path, limit=None):
    out = tmp_path / f"{name}.jsonl"
    n = import_corpus(name, out, data_dir=data, limit=limit)
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(recs) and all(set(r) == FIELDS for r in recs)
    return recs, out


def test_corpus_names():
    assert set(CORPORA) == {"limerick", "london-ontario", "cleveland", "kent"}


def test_limerick(tmp_path):
    text = (
        "[Original file](https://limerick.ie/x.pdf)\n\n---\nMINUTES OF PROCEEDINGS AT MEETING OF THE MUNICIPAL "
        "DISTRICT OF ADARE-RATHKEALE HELD ON WEDNESDAY, 4TH NOVEMBER, 2015, AT 10.30 A.M.\n\nPRESENT: x\n"
    )
    base = {"doc_kind": "minutes", "source_pdf_url": "https://limerick.ie/x.pdf", "doc_title": "Minutes - Adare"}
    write_gz(
        tmp_path / "data/limerick-council-minutes/minutes.jsonl.gz",
        [
            {
                **base,
                "id": "meetings/2015/12/01-M/Minutes.md",
                "meeting_date": "2015-12-01",
                "meeting_title": "Monthly Meeting of the Municipal District of Adare - Rathkeale",
                "text": text,
            },
            {
                **base,
                "id": "meetings/2016/01/25-F/Minutes.md",
                "meeting_date": "2016-01-25",
                "meeting_title": "A Full Meeting of Limerick City and County Council",
                "text": "No date here.\n",
            },
            {
                **base,
                "doc_title": "Minutes - Municipal District of Newcastle West - 5th November 2014",
                "id": "meetings/2014/12/03-M/Minutes.md",
                "meeting_date": "2014-12-03",
                "meeting_title": "Meeting of Municipal District of Newcastle West",
                "text": "No date in the text.\n",
            },
            {
                **base,
                # a title longer than a heading line, and no date the text states
                "doc_title": "Minutes - Monthly Meeting of the Municipal District of Cappamore-Kilmallock - 21st November 2019",
                "id": "meetings/2019/12/12-M/Minutes.md",
                "meeting_date": "2019-12-12",
                "meeting_title": "Monthly Meeting of the Municipal District of Cappamore-Kilmallock",
                "text": "Scanned page, text may contain errors.\n",
            },
        ],
    )
    recs, out = imported("limerick", tmp_path / "data", tmp_path)
    a, b, c, d = recs
    assert d["date"] == "2019-11-21"  # cited 12 December 2019 (the adopting meeting) before
    assert a["date"] == "2015-11-04"  # stated in the minutes, not the adopting meeting's date
    assert b["date"] == "2016-01-25"  # else the meeting date
    assert c["date"] == "2014-11-05"  # the minutes' title names their meeting: cited with its date
    assert a["council"] == b["council"] == "Limerick City and County Council"
    assert a["committee"] == "Municipal District of Adare-Rathkeale" and b["committee"] == "Full Council"
    assert a["url"] == "https://limerick.ie/x.pdf" and "[Original file]" not in a["text"]
    docs = read_source(SourceFile(out, tmp_path))
    assert [d.date for d in docs] == ["2015-11-04", "2016-01-25", "2014-11-05", "2019-11-21"]


@pytest.mark.parametrize(
    "title, committee",
    [
        (
            "Virtual Monthly Meeting of Municipal District of Cappamore_Kilmallock",
            "Municipal District of Cappamore-Kilmallock",
        ),
        (
            "Meeting of the Economic Development, Enterprise and Planning SPC",
            "Economic Development, Enterprise and Planning Strategic Policy Committee",
        ),
        ("Joint Policing Committee Meeting", "Joint Policing Committee"),
    ],
)
def test_limerick_committee_names(title, committee):
    assert limerick_committee(title) == committee


def test_london_ontario_items_and_motions(tmp_path):
    meeting = {
        "title": "1st Meeting of City Council",
        "datetime": "2025-01-14 13:00:00",
        "url": "https://pub/x",
        "meeting_type": "Council",
        "present": ["J. Morgan", "S. Lewis"],
        "content": {"string": "The meeting is called to order at 1:00 PM.", "__class__": "Paragraph"},
        "items": {
            "1": {
                "title": "Disclosures of Pecuniary Interest",
                "number": "1",
                "items": {},
                "attachments": [],
                "content": [
                    {"string": "That it BE NOTED that no pecuniary interests were disclosed.", "__class__": "Paragraph"}
                ],
            },
            "2": {
                "title": "Bike Lanes on Dundas Street",
                "number": "2",
                "items": {},
                "attachments": [{"title": "Staff report on bike lanes"}],
                "content": [
                    {
                        "__class__": "Motion",
                        "pre_motion_texts": [],
                        "moved_by": {"string": "Moved by S. Lewis"},
                        "seconded_by": {"string": "Seconded by J. Morgan"},
                        "motion_texts": [{"string": "That the bike lanes BE APPROVED."}],
                        "vote": {"rows": [{"vote": "Yeas:", "voters": ["J. Morgan", "S. Lewis"]}]},
                        "result": {"string": "Motion Passed (2 to 0)"},
                        "post_motion_texts": [],
                    }
                ],
            },
        },
    }
    write_gz(
        tmp_path / "data/london-ontario-council-minutes/meetings.jsonl.gz",
        [{"source_path": "data/2025-01/2025-01-14 Council.json", "meeting": meeting}],
    )
    recs, out = imported("london-ontario", tmp_path / "data", tmp_path)
    (r,) = recs
    assert (r["council"], r["committee"], r["date"]) == ("City of London (Ontario)", "Council", "2025-01-14")
    doc = read_source(SourceFile(out, tmp_path))[0]
    chunks = chunk_document(doc)
    bike = [c for c in chunks if c.title == "Bike Lanes on Dundas Street"]
    # The motion block: movers, the motion itself, the tally; only the motion is substance.
    assert [(c.text, c.section, c.kind) for c in bike[:3]] == [
        ("Moved by S. Lewis Seconded by J. Morgan", "resolved", "procedure"),
        ("That the bike lanes BE APPROVED.", "resolved", "substance"),
        ("Yeas: J. Morgan, S. Lewis Motion Passed (2 to 0)", "minutes", "procedure"),
    ]
    assert bike[-1].section == "documents"
    assert any(c.title == "Disclosures of Pecuniary Interest" for c in chunks)


def test_cleveland(tmp_path):
    write_gz(
        tmp_path / "data/cleveland-city-record/city-record-2017-2018.jsonl.gz",
        [
            {
                "id": "2017/2017-01-04.txt",
                "issue_date": "2017-01-04",
                "text": "The City Record\n\nOFFICIAL PROCEEDINGS\n",
            },
            {"id": "2017/2017-01-11.txt", "issue_date": "2017-01-11", "text": "  \n"},
            {"id": "2017/2017-01-18.txt", "issue_date": "2017-01-18", "text": "Another issue.\n"},
        ],
    )
    recs, _ = imported("cleveland", tmp_path / "data", tmp_path)
    assert [r["id"] for r in recs] == ["cleveland/2017/2017-01-04", "cleveland/2017/2017-01-18"]
    assert {(r["council"], r["committee"]) for r in recs} == {("City of Cleveland", "City Council")}
    assert recs[0]["date"] == "2017-01-04"
    recs, _ = imported("cleveland", tmp_path / "data", tmp_path, limit=1)
    assert len(recs) == 1


def test_missing_corpus_is_a_one_line_error(tmp_path):
    with pytest.raises(MinsearchError, match="corpus 'kent' not found"):
        import_corpus("kent", tmp_path / "out.jsonl", data_dir=tmp_path)
    with pytest.raises(MinsearchError, match="unknown corpus"):
        import_corpus("nowhere", tmp_path / "out.jsonl", data_dir=tmp_path)
    assert not (tmp_path / "out.jsonl").exists() and not list(tmp_path.glob("*.part"))


DATA = load_settings().data_dir


@pytest.mark.skipif(not (DATA / "kent-cc-minutes-sample").is_dir(), reason=f"shared Kent sample not found in {DATA}")
def test_real_kent_import(tmp_path):
    recs, out = imported("kent", DATA, tmp_path)
    assert len(recs) == 8
    by_id = {r["id"]: r for r in recs}
    cab = by_id["kent/cabinet_2025-01-09"]
    assert (cab["council"], cab["committee"], cab["date"]) == ("Kent County Council", "Cabinet", "2025-01-09")
    assert by_id["kent/corporate-parenting-panel_2024-10-29"]["committee"] == "Corporate Parenting Panel"
    docs = read_source(SourceFile(out, tmp_path))
    assert len(docs) == 8


@pytest.mark.skipif(
    not (DATA / "london-ontario-council-minutes").is_dir(), reason=f"shared London corpus not found in {DATA}"
)
def test_real_london_import_limit(tmp_path):
    recs, _ = imported("london-ontario", DATA, tmp_path, limit=3)
    assert len(recs) == 3 and all(r["council"] == "City of London (Ontario)" and r["date"][:4] == "2025" for r in recs)
