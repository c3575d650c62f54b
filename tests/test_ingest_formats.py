"""Formats: what a user gets from chunk_document(read_source(...)) for HTML, PDF, JSONL and text.

PDF and HTML fixtures are built here in tmp_path (no binaries in the repo).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from minsearch.ingest.chunker import chunk_document
from minsearch.ingest.readers import SkipFile, SourceFile, read_source


def _pdf_string(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], compress: bool = True) -> bytes:
    """A minimal valid PDF: one Helvetica text line per entry, a page per list."""
    objs: list[bytes] = []
    n_pages = len(pages)
    # 1: catalog, 2: pages, 3: font, then (page, content) pairs
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 10 Tf", "14 TL", "50 780 Td"]
        for ln in lines:
            ops.append(f"({_pdf_string(ln)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        if compress:
            stream = zlib.compress(stream)
            head = f"<< /Length {len(stream)} /Filter /FlateDecode >>".encode()
        else:
            head = f"<< /Length {len(stream)} >>".encode()
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objs.append(head + b"\nstream\n" + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def read(path: Path):
    docs = read_source(SourceFile(path, path.parent))
    assert len(docs) == 1
    return docs[0], chunk_document(docs[0])


MINUTES_PAGES = [
    [
        "1",
        "WESTSHIRE COUNTY COUNCIL",
        "",
        "PLANNING COMMITTEE",
        "MINUTES of a meeting of the Planning Committee held in the Council Chamber,",
        "County Hall on Tuesday, 12 March 2024.",
        "",
        "PRESENT: Mr A Smith (Chairman), Mrs B Jones and Mr C Brown",
        "",
        "1. Apologies",
        "(Item 1)",
        "",
        "Apologies were received from Mr D Green.",
        "",
        "2. Riverside Car Park Extension",
        "(Item 2)",
        "",
        "1. The Head of Planning introduced the report on the extension of the",
        "Riverside car park, which would add ninety spaces to the town centre and",
        "relieve parking pressure on nearby residential streets during market days.",
        "",
        "2. Members asked about flood risk on the site. The officer said the",
    ],
    [
        "2",
        "drainage scheme had been approved by the Environment Agency last year.",
        "",
        "3. RESOLVED that planning permission be granted subject to conditions.",
    ],
]


def test_pdf_minutes_become_items_paragraphs_and_metadata(tmp_path):
    p = tmp_path / "minutes.pdf"
    p.write_bytes(make_pdf(MINUTES_PAGES))
    doc, chunks = read(p)
    assert doc.format == "pdf"
    assert (doc.council, doc.committee, doc.date) == ("Westshire County Council", "Planning Committee", "2024-03-12")
    titles = [c.title for c in chunks]
    assert "Apologies" in titles and "Riverside Car Park Extension" in titles
    car = [c for c in chunks if c.title == "Riverside Car Park Extension"]
    # Lines were joined into real paragraphs, across the page break, page number dropped.
    assert car[0].text.startswith("1. The Head of Planning introduced the report")
    assert car[0].text.endswith("during market days.")
    assert car[1].text == (
        "2. Members asked about flood risk on the site. The officer said the drainage scheme had "
        "been approved by the Environment Agency last year."
    )
    assert car[-1].section == "resolved" and "planning permission be granted" in car[-1].text
    for c in chunks:  # spans are real offsets into the document text
        assert 0 <= c.start < c.end <= len(doc.text)
        assert c.text.split()[0] in doc.text[c.start : c.end]


def test_ligatures_and_full_width_letters_are_indexed_as_plain_letters(tmp_path):
    # A PDF's text layer may spell "financial" with the "ﬁ" ligature: the index must hold
    # "financial" (which a search for it finds, and an excerpt shows), in texts and in titles.
    p = tmp_path / "minutes.txt"
    p.write_text("1. Budget\n\nThe ﬁnancial oﬃcer presented the ﬂood report (ＲＥＦ－２０２４).\n", encoding="utf-8")
    _doc, chunks = read(p)
    texts = " ".join(c.text for c in chunks)
    assert "The financial officer presented the flood report (REF-2024)." in texts
    assert not any("\ufb00" <= ch <= "\ufb06" or "\uff01" <= ch <= "\uff5e" for ch in texts)
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"id": "a", "title": "Conﬂict Ｄeclarations", "text": "Nothing was declared."}) + "\n")
    _doc, chunks = read(p)
    assert [c.title for c in chunks] == ["Conflict Declarations"]
    # Only those forms: fractions and superscripts stay as the minutes print them.
    p.write_text("1. Land\n\nThe sale of ½ acre at £20 per m² was approved.\n", encoding="utf-8")
    _doc, chunks = read(p)
    assert any("½ acre at £20 per m²" in c.text for c in chunks)


def test_pdf_named_txt_is_read_as_pdf(tmp_path):
    p = tmp_path / "minutes.txt"
    p.write_bytes(make_pdf(MINUTES_PAGES, compress=False))
    doc, chunks = read(p)
    assert doc.format == "pdf" and any(c.section == "resolved" for c in chunks)


def test_pdf_without_text_layer_is_skipped(tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(make_pdf([[], []]))
    with pytest.raises(SkipFile, match=r"no text layer \(scanned\?\)"):
        read_source(SourceFile(p, tmp_path))


MODERNGOV_HTML = """<!DOCTYPE html>
<html><head><title>Agenda item - Minutes</title>
<style>.mgContent { color: red }</style>
<script>var tracking = "do not index me";</script></head>
<body>
<nav class="mgBreadCrumbs"><ul><li><a href="/">Home</a></li><li>Committees</li></ul></nav>
<div id="modgov"><div class="mgContent">
<h1>Agenda item</h1>
<h2>Library opening hours</h2>
<p>[To consider the consultation on library opening hours.]</p>
<h3>Minutes:</h3>
<p>The Head of Libraries presented the report.<br>Members asked about Sunday opening.</p>
<ul><li>Weekday hours would be unchanged.</li><li>Saturday hours would be extended to 5pm.</li></ul>
<h3>Resolved:</h3>
<p>That the revised opening hours be approved &amp; published.</p>
</div></div>
<footer id="site-footer">Copyright Westshire Council. Cookie settings.</footer>
</body></html>
"""


def test_moderngov_html_page(tmp_path):
    p = tmp_path / "item.html"
    p.write_text(MODERNGOV_HTML, encoding="utf-8")
    doc, chunks = read(p)
    assert doc.format == "html"
    assert "tracking" not in doc.text and "Cookie" not in doc.text and "Home" not in doc.text
    assert "color" not in doc.text
    assert {c.title for c in chunks} == {"Library opening hours"}
    by_text = {c.text: c.section for c in chunks}
    assert by_text["[To consider the consultation on library opening hours.]"] == "description"
    assert by_text["The Head of Libraries presented the report. Members asked about Sunday opening."] == "minutes"
    assert by_text["Weekday hours would be unchanged."] == "minutes"  # list items are paragraphs
    assert by_text["Saturday hours would be extended to 5pm."] == "minutes"
    assert by_text["That the revised opening hours be approved & published."] == "resolved"


def test_html_without_extension_detected_by_content(tmp_path):
    p = tmp_path / "page"
    p.write_text("<html><body><p>First paragraph here.</p><p>Second paragraph here.</p></body></html>")
    doc, chunks = read(p)
    assert doc.format == "html"
    assert [c.text for c in chunks][-2:] == ["First paragraph here.", "Second paragraph here."]


def test_html_headings_and_table_rows_are_separate_paragraphs(tmp_path):
    p = tmp_path / "m.htm"
    p.write_text(
        "<html><body><h2>Budget 2025</h2><table><tr><td>Roads</td><td>£1.2m</td></tr>"
        "<tr><td>Libraries</td><td>£0.4m</td></tr></table><p>Agreed.</p></body></html>",
        encoding="utf-8",
    )
    _, chunks = read(p)
    texts = [c.text for c in chunks]
    assert "Roads £1.2m" in texts and "Libraries £0.4m" in texts and "Agreed." in texts


def test_jsonl_records_metadata_and_gaps_filled_from_text(tmp_path):
    p = tmp_path / "feed.jsonl"
    recs = [
        {
            "id": "a",
            "text": "Paragraph one.\n\nParagraph two.",
            "council": "Given Council",
            "committee": "Given Committee",
            "date": "2023-05-01",
            "url": "https://x/a",
        },
        {"id": "b", "text": "MINUTES OF THE MEETING OF THE LICENSING COMMITTEE HELD ON 12 March 2024\n\nBody text."},
    ]
    p.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    docs = read_source(SourceFile(p, tmp_path))
    a, b = docs
    # Record fields win over anything in the text.
    assert (a.council, a.committee, a.date, a.url) == ("Given Council", "Given Committee", "2023-05-01", "https://x/a")
    assert [c.text for c in chunk_document(a)] == ["Paragraph one.", "Paragraph two."]
    # Missing fields are filled from the text's header.
    assert (b.committee, b.date) == ("Licensing Committee", "2024-03-12")


def test_plain_text_file_name_gives_committee_and_date(tmp_path):
    p = tmp_path / "cabinet_2025-01-09.txt"
    p.write_text("Some minutes.\n\nMore minutes.\n", encoding="utf-8")
    doc, _ = read(p)
    assert (doc.committee, doc.date) == ("Cabinet", "2025-01-09")


def test_manifest_wins_over_file_name_and_text(tmp_path):
    p = tmp_path / "cabinet_2025-01-09.txt"
    p.write_text(
        "KENT COUNTY COUNCIL\n\nMINUTES of a meeting of the Cabinet held on 9 January 2025.\n", encoding="utf-8"
    )
    (tmp_path / "manifest.json").write_text(
        json.dumps({p.name: {"council": "Manifest Council", "committee": "Manifest Committee", "date": "01/02/2020"}})
    )
    doc, _ = read(p)
    assert (doc.council, doc.committee, doc.date) == ("Manifest Council", "Manifest Committee", "2020-02-01")


def _minutes(folder: Path, name: str, head: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(f"{head}\n\nPRESENT: Mr A Smith\n\nBudget\n(Item 1)\n\nThe budget was agreed.\n")


def test_a_file_naming_no_council_takes_its_folders_council():
    """Kent's Corporate Parenting Panel never names Kent in its minutes; its folder's other files do.
    A folder whose files name two councils lends neither."""
    import tempfile

    from minsearch.indexer import _Silent, scan_sources

    with tempfile.TemporaryDirectory() as tmp:
        kent, mixed = Path(tmp, "kent"), Path(tmp, "mixed")
        for folder in (kent, mixed):
            _minutes(folder, "cabinet_2025-01-09.txt", "KENT COUNTY COUNCIL\n\nCABINET")
            _minutes(
                folder, "corporate-parenting-panel_2024-12-10.txt", "CORPORATE PARENTING PANEL – 10th December 2024"
            )
        _minutes(kent, "county-council_2025-02-13.txt", "KENT COUNTY COUNCIL\n\nCOUNTY COUNCIL")
        _minutes(mixed, "county-council_2025-02-13.txt", "MEDWAY COUNCIL\n\nCOUNTY COUNCIL")
        docs = {(Path(d.path).parent.name, d.doc_id): d for d in scan_sources([kent, mixed], _Silent()).docs}
    panel = docs["kent", "corporate-parenting-panel_2024-12-10"]
    assert (panel.council, panel.committee) == ("Kent County Council", "Corporate Parenting Panel")
    assert {d.council for (folder, _i), d in docs.items() if folder == "kent"} == {"Kent County Council"}
    panel = next(d for (folder, i), d in docs.items() if folder == "mixed" and "parenting" in i)
    assert panel.council == ""
