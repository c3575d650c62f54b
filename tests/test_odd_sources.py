"""A real index of what careless publishers feed in: file names that are not UTF-8, JSON Lines
ids that look like paths, text with broken escapes. Every search, page and link must work."""

from __future__ import annotations

import json
import os
import re
from html import unescape

import pytest
from click.testing import CliRunner

from minsearch.config import load_settings
from minsearch.indexer import index_paths

MINUTES = "Agenda item\n\nBudget\n\nMinutes:\n\nThe {word} budget was agreed by the committee.\n"
ODD_IDS = ["/abs/path", "../../etc/passwd", "a//b", "dot/./x", "trailing/", "spaces and ?query#frag"]


@pytest.fixture(scope="module")
def odd_index(tmp_path_factory, encoder):
    root = tmp_path_factory.mktemp("odd")
    folder = root / "minutes"
    folder.mkdir()
    # A name in Latin-1 bytes: os.fsdecode gives it lone surrogates.
    with open(os.path.join(os.fsencode(folder), b"caf\xe9_2025-01-09.txt"), "w") as fh:
        fh.write(MINUTES.format(word="quokka"))
    records = [
        {"id": rid, "text": MINUTES.format(word=f"wombat{n}"), "title": f"Odd id {n}", "url": "javascript:alert(1)"}
        for n, rid in enumerate(ODD_IDS)
    ]
    records.append(
        {"id": "escapes", "text": MINUTES.format(word="numbat") + "Broken \ud800 escape.", "title": "Title \udce9"}
    )
    with open(folder / "feed.jsonl", "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")  # ensure_ascii: lone surrogates as \ud800 escapes
    home = root / "index"
    summary = index_paths([folder], load_settings(index_dir=home), encoder=encoder)
    assert summary.documents == len(ODD_IDS) + 2, summary.skipped
    return home


@pytest.fixture(scope="module")
def client(odd_index):
    from minsearch.app.web import create_app

    app = create_app(load_settings(index_dir=odd_index))
    yield app.test_client()
    app.extensions["minsearch.searcher"].close()


def test_a_file_name_that_is_not_utf8_is_searched_shown_and_opened(client, odd_index):
    for mode in ("keyword", "hybrid"):
        r = client.get(f"/api/search?q=quokka&mode={mode}")
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        hit = r.get_json()["hits"][0]
        assert hit["source"] == "minutes/caf\\xe9_2025-01-09.txt"
        assert client.get(f"/doc/{hit['doc_id']}").status_code == 200
    assert client.get("/?q=quokka").status_code == 200
    from minsearch.app.cli import main

    r = CliRunner().invoke(main, ["query", "quokka", "--json", "--index", str(odd_index)])
    assert r.exit_code == 0 and json.loads(r.output)["hits"][0]["source"].endswith("caf\\xe9_2025-01-09.txt")


def test_every_odd_id_links_to_its_document(client):
    for n, rid in enumerate(ODD_IDS):
        html = client.get(f"/?q=wombat{n}&mode=keyword").get_data(as_text=True)
        link = unescape(re.search(r'<h3 id="h-1"><a href="([^"]+)"', html).group(1))
        r = client.get(link)
        assert r.status_code == 200, (rid, link)
        assert f"wombat{n}" in r.get_data(as_text=True), (rid, link)
        assert "javascript:" not in r.get_data(as_text=True)
        body = client.get(f"/api/search?q=wombat{n}&mode=keyword").get_json()
        assert body["hits"][0]["doc_id"] == rid


def test_broken_escapes_in_a_feed_do_not_break_the_api(client):
    r = client.get("/api/search?q=numbat")
    assert r.status_code == 200
    hit = r.get_json()["hits"][0]
    assert hit["doc_id"] == "escapes" and "Broken \ufffd escape." in hit["text"]
    assert client.get("/doc/escapes").status_code == 200 and client.get("/?q=numbat").status_code == 200


@pytest.mark.parametrize("rid", ["line\nbreak", "tab\there", "nul\x00", "", "   "])
def test_ids_with_control_characters_are_refused_with_the_line(tmp_path, rid):
    from minsearch.ingest.readers import SkipFile, SourceFile, read_source

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "ok", "text": "Fine."}) + "\n" + json.dumps({"id": rid, "text": "Text."}) + "\n")
    with pytest.raises(SkipFile, match=r"^line 2: ") as e:
        read_source(SourceFile(feed, tmp_path))
    assert "\n" not in str(e.value)
