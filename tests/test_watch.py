"""Saved searches as a scrutiny officer uses them: save a search, a re-index brings a new meeting,
and exactly its new matching paragraphs are reported (command line, page, Atom feed, email)."""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import DENTAL, SEEDS

from minsearch.app.cli import main
from minsearch.store import watchlist

NEW_MEETING = """Agenda item

Health of Children in Care

Minutes:

The Panel noted that dental checks for children in care had recovered to 88 per cent after the pandemic backlog. Two practices had added weekend clinics.

The Panel discussed the cost of school transport for the coming year and asked for options.

Resolved:

1. That the improvement in dental checks be welcomed.
"""
NEW_DENTAL = {"005_health#p1", "005_health#p3"}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "minutes"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def cli(tmp_path, corpus, monkeypatch):
    """The command line on a fresh index of the seeds (its own copy, so tests can re-index it)."""
    monkeypatch.setenv("MINSEARCH_INDEX", str(tmp_path / "index"))
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        r = runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert r.exit_code == 0, r.output
        return r

    run("index", str(corpus))
    return run


def add_meeting(corpus: Path, text: str = NEW_MEETING, name: str = "005_health.txt", **meta: str) -> None:
    (corpus / name).write_text(text)
    manifest = json.loads((corpus / "manifest.json").read_text())
    manifest[name] = {"council": "Kirklees", "committee": "Corporate Parenting Board", "date": "2026-11-20", **meta}
    (corpus / "manifest.json").write_text(json.dumps(manifest))


def news(cli, *args: str) -> dict[str, set[str]]:
    out = json.loads(cli("watch", "news", "--json", *args).stdout)
    return {s["name"]: {a["chunk_id"] for a in s["new"]} for s in out}


def test_a_new_meeting_reports_exactly_its_new_matching_paragraphs(cli, corpus):
    assert "Saved 'dental checks'" in cli("watch", "add", "dental checks").output
    cli("watch", "add", "foster carers", "--council", "Wolverhampton", "--name", "foster")
    listed = cli("watch", "list").output
    assert "dental checks  [dental checks]  hybrid" in listed and "council: Wolverhampton" in listed
    # Saving is not news: what was indexed already is never reported.
    assert news(cli, "--since", "all") == {"dental checks": set(), "foster": set()}

    add_meeting(corpus)
    out = cli("index", str(corpus)).output
    assert "1 saved search has 2 new matches" in out
    found = news(cli)
    assert found == {"dental checks": NEW_DENTAL, "foster": set()}  # not the school transport paragraph
    assert not found["dental checks"] & DENTAL  # nothing already seen
    text = cli("watch", "news", "dental checks").output
    assert "Kirklees, Corporate Parenting Board, 20 November 2026, item “Health of Children in Care”, para 1" in text
    assert "minutes/005_health.txt" in text and "school transport" not in text

    # A run that changes nothing reports nothing, and records nothing twice.
    again = cli("index", str(corpus)).output
    assert "2 saved searches have 0 new matches" in again
    assert news(cli, "--since", "all") == {"dental checks": NEW_DENTAL, "foster": set()}
    assert json.loads(cli("index", str(corpus), "--json").stdout)["new_matches"] == {}


def _with_paragraph(minutes: str, paragraph: str) -> str:
    """``minutes`` with ``paragraph`` added to its last item, before its "Supporting documents:"
    list (a paragraph after that label is one of the documents: procedure, not discussion)."""
    head, label, tail = minutes.rpartition("Supporting documents:")
    if not label:
        return f"{minutes}\n\n{paragraph}\n"
    return f"{head}{paragraph}\n\n{label}{tail}"


def test_a_corrected_meeting_reports_only_its_new_paragraph(cli, corpus):
    cli("watch", "add", "dental checks")
    doc = corpus / "000_87bfe40191ebd6ef.txt"  # already holds a paragraph about dental checks (p8)
    doc.write_text(
        _with_paragraph(doc.read_text(), "A further update on dental checks for care leavers was requested.")
    )
    assert "1 saved search has 1 new match" in cli("index", str(corpus)).output
    (new,) = news(cli)["dental checks"]
    assert new.startswith("000_87bfe40191ebd6ef#") and new not in DENTAL


def test_a_republished_meeting_reports_only_wording_the_index_did_not_have(cli, corpus):
    cli("watch", "add", "dental checks")
    copy = _with_paragraph(
        (corpus / "002_85a858a1c7ec9477.txt").read_text(), "Dental checks will be reported again in May."
    )
    (corpus / "002_republished.txt").write_text(copy)
    assert "1 saved search has 1 new match" in cli("index", str(corpus)).output
    (new,) = news(cli)["dental checks"]
    assert new.startswith("002_republished#")  # its last paragraph, not the three it repeats


def test_filters_of_a_saved_search_apply_to_its_new_matches(cli, corpus):
    cli("watch", "add", "dental checks", "--council", "Wolverhampton")
    cli("watch", "add", "dental checks", "--committee", "Corporate Parenting Board", "--name", "cpb")
    add_meeting(corpus)  # a Kirklees meeting
    cli("index", str(corpus))
    assert news(cli) == {"dental checks": set(), "cpb": NEW_DENTAL}


def test_a_saved_search_forgives_its_filters_as_every_search_does(cli, corpus):
    # Typed as people type them ("kirk", "parenting"), resolved to the index's names when saved, so
    # the new meeting's matches are found; a name the index does not hold is refused, not saved.
    cli("watch", "add", "dental checks", "--council", "kirk", "--name", "kirklees")
    cli("watch", "add", "dental checks", "--committee", "parenting", "--name", "cpb")
    listed = cli("watch", "list").output
    assert "council: Kirklees" in listed and "committee: Corporate Parenting Board" in listed
    (kirklees, cpb) = json.loads(cli("watch", "list", "--json").stdout)
    assert kirklees.pop("created") and kirklees == {
        "name": "kirklees",
        "query": "dental checks",
        "council": "Kirklees",
        "committee": None,
        "mode": "hybrid",
    }  # what was saved; not the scores and query vector kept for the checks
    assert cpb["committee"] == "Corporate Parenting Board"
    r = cli("watch", "add", "dental checks", "--council", "atlantis", "--name", "nowhere", ok=False)
    assert r.exit_code == 1 and "--council: no council is called 'atlantis'; try" in r.output
    assert "nowhere" not in cli("watch", "list").output
    add_meeting(corpus)  # a Kirklees meeting of the Corporate Parenting Board
    assert "2 saved searches have 4 new matches" in cli("index", str(corpus)).output
    assert news(cli) == {"kirklees": NEW_DENTAL, "cpb": NEW_DENTAL}


def test_a_run_stopped_before_recording_is_caught_up_once(cli, corpus, monkeypatch):
    cli("watch", "add", "dental checks")
    add_meeting(corpus)
    real_save = watchlist.save

    def crash(home, wl):
        raise KeyboardInterrupt  # stopped between publishing the generation and recording its matches

    monkeypatch.setattr(watchlist, "save", crash)
    r = cli("index", str(corpus), ok=False)
    assert r.exit_code == 130
    monkeypatch.setattr(watchlist, "save", real_save)
    assert news(cli, "--since", "all") == {"dental checks": set()}  # nothing recorded, nothing lost:
    # the next run (with nothing new to index) records them, once.
    assert "1 saved search has 2 new matches" in cli("index", str(corpus)).output
    assert "0 new matches" in cli("index", str(corpus)).output
    assert news(cli, "--since", "all") == {"dental checks": NEW_DENTAL}
    # A second meeting's matches are recorded on top, each paragraph once.
    add_meeting(corpus, NEW_MEETING.replace("88 per cent", "90 per cent"), "006_health.txt")
    cli("index", str(corpus))
    assert news(cli) == {"dental checks": {"006_health#p1"}}  # p3 has the same words as 005's: not news
    assert news(cli, "--since", "all") == {"dental checks": NEW_DENTAL | {"006_health#p1"}}


@pytest.mark.slow
def test_sigkill_while_checking_saved_searches_records_nothing_twice(cli, corpus, tmp_path):
    cli("watch", "add", "dental checks")
    add_meeting(corpus)
    home = tmp_path / "index"
    cmd = [sys.executable, "-m", "minsearch.app.cli", "index", str(corpus), "--index", str(home)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "checking 1 saved searches" in line:
            proc.send_signal(signal.SIGKILL)
            break
    assert proc.wait(timeout=120) == -signal.SIGKILL
    assert news(cli, "--since", "all") == {"dental checks": set()}
    for _ in range(2):
        done = subprocess.run([*cmd, "--json"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    assert news(cli, "--since", "all") == {"dental checks": NEW_DENTAL}


def test_watch_errors_are_one_line_naming_the_option(cli):
    cli("watch", "add", "dental checks")
    r = cli("watch", "add", "dental   checks", ok=False)
    assert r.exit_code == 1 and "--name: there is already a saved search called 'dental checks'" in r.output
    r = cli("watch", "remove", "nothing", ok=False)
    assert r.exit_code == 1 and "no saved search called 'nothing'" in r.output
    r = cli("watch", "news", "--since", "last tuesday", ok=False)
    assert r.exit_code == 1 and "--since" in r.output
    r = cli("watch", "news", "--email", "a@example.org", ok=False)
    assert r.exit_code == 1 and "--email and --smtp go together" in r.output
    r = cli("watch", "news", "--json", "--format", "md", ok=False)  # it printed JSON, ignoring --format
    assert r.exit_code == 2 and "--json and --format" in r.output
    r = cli("watch", "news", "--format", "md", "--base-url", "javascript:alert(1)", ok=False)
    assert r.exit_code == 1 and "--base-url: 'javascript:alert(1)' is not an http(s) address" in r.output
    assert "Removed 'dental checks'" in cli("watch", "remove", "dental checks").output
    assert "No saved searches" in cli("watch", "list").output


def test_markdown_digest_links_each_paragraph_to_the_page(cli, corpus):
    cli("watch", "add", "dental checks")
    add_meeting(corpus)
    cli("index", str(corpus))
    md = cli("watch", "news", "--format", "md", "--base-url", "https://minutes.example.org/").output
    assert md.startswith("## “dental checks”: 2 new matches")
    assert "<https://minutes.example.org/doc/005_health?hit=3#p3>" in md


def test_markdown_digest_shows_the_minutes_markup_as_text(cli, corpus):
    # A digest pasted into a wiki or a Markdown email must not turn a paragraph's text (or a
    # search's name) into links, bold or HTML: the export's escaping, applied to the digest.
    cli("watch", "add", "dental checks", "--name", "<b>Dental</b> *checks*")
    add_meeting(corpus, NEW_MEETING.replace("after the pandemic backlog.", "[after](javascript:alert(1)) <img src=x>."))
    cli("index", str(corpus))
    md = cli("watch", "news", "--format", "md").output
    assert r"## \<b\>Dental\</b\> \*checks\*: “dental checks”, 2 new matches" in md
    assert r"\[after\](javascript:alert(1)) \<img src=x\>." in md
    assert not re.search(r"(?<!\\)[<\[]", md.replace("`minutes/005_health.txt`", ""))  # every < and [ escaped


# -- the page and its feeds ----------------------------------------------------------------------
@pytest.fixture
def client(cli, tmp_path):
    from minsearch.app.web import create_app
    from minsearch.config import load_settings

    return create_app(load_settings(index_dir=tmp_path / "index")).test_client()


def test_save_this_search_from_the_results_page(client, cli, corpus):
    page = client.get("/?q=dental+checks&council=Kirklees").get_data(as_text=True)
    assert 'action="/watch"' in page and "Save this search" in page
    assert "the dates are not saved" not in page
    # A saved search watches the minutes added from now on: a date range is not kept, and it says so.
    dated = client.get("/?q=dental+checks&since=2022-01-01").get_data(as_text=True)
    assert "whatever their meeting date (the dates are not saved)" in dated
    assert 'href="/feed.atom?q=dental+checks&amp;council=Kirklees"' in page
    r = client.post(
        "/watch", data={"q": "dental checks", "council": "Kirklees", "mode": "hybrid", "name": "<b>teeth</b>"}
    )
    assert r.status_code == 303
    listed = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "&lt;b&gt;teeth&lt;/b&gt;" in listed and "<b>teeth</b>" not in listed  # escaped
    assert "No new matches since it was saved" in listed
    assert "<b>teeth</b>  [dental checks]  hybrid  council: Kirklees" in cli("watch", "list").output
    add_meeting(corpus)
    cli("index", str(corpus))
    listed = client.get("/watch").get_data(as_text=True)
    assert "2 new matches" in listed and 'href="/doc/005_health?hit=1#p1"' in listed
    assert client.post("/watch", data={"q": "dental checks", "name": "<b>teeth</b>"}).status_code == 400
    assert client.post("/watch/remove", data={"name": "<b>teeth</b>"}).status_code == 303
    assert "No saved searches yet" in client.get("/watch").get_data(as_text=True)


def test_another_site_cannot_save_or_remove_searches(client, cli):
    evil = {"Origin": "https://evil.example"}
    assert client.post("/watch", data={"q": "dental checks"}, headers=evil).status_code == 403
    assert client.post("/watch", data={"q": "dental checks"}, headers={"Origin": "http://localhost"}).status_code == 303
    assert client.post("/watch/remove", data={"name": "dental checks"}, headers=evil).status_code == 403
    assert "dental checks  [dental checks]" in cli("watch", "list").output


def test_feed_is_valid_atom_of_the_newest_matches(client, cli, corpus):
    import feedparser

    add_meeting(corpus)
    older = "Agenda item\n\nDental Health\n\nMinutes:\n\nMembers asked why dental checks had fallen behind in 2019.\n"
    add_meeting(corpus, older, "006_older.txt", date="2020-01-15")
    cli("index", str(corpus))
    r = client.get("/feed.atom?q=dental+checks&council=Kirklees")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    feed = feedparser.parse(r.data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10" and feed.feed.title == "Minutes search: dental checks (Kirklees)"
    links = [e.link for e in feed.entries]
    assert links[:2] == [
        "http://localhost/doc/005_health?hit=1#p1",
        "http://localhost/doc/005_health?hit=3#p3",
    ] or links[:2] == ["http://localhost/doc/005_health?hit=3#p3", "http://localhost/doc/005_health?hit=1#p1"]
    # Newest meeting first; the seeds' Kirklees meeting has no date and comes last (dated when indexed).
    docs = [link.split("/doc/")[1].split("?")[0] for link in links]
    assert docs[:3] == ["005_health"] * 2 + ["006_older"] and set(docs[3:]) == {"002_85a858a1c7ec9477"}
    assert [e.updated[:10] for e in feed.entries[:3]] == ["2026-11-20"] * 2 + ["2020-01-15"]
    assert all("Kirklees" in e.title for e in feed.entries)
    assert feed.entries[0].summary.startswith(("The Panel noted that dental checks", "1. That the improvement"))
    # Each entry's link opens the paragraph in the document view.
    doc = client.get(links[0].removeprefix("http://localhost"))
    assert doc.status_code == 200 and "Health of Children in Care" in doc.get_data(as_text=True)
    assert client.get("/feed.atom?q=dental&mode=loud").status_code == 400


# -- email ---------------------------------------------------------------------------------------
def test_digest_is_emailed_through_a_real_smtp_server(cli, corpus, monkeypatch):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[tuple[str, list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        cli("watch", "add", "dental checks")
        add_meeting(corpus)
        cli("index", str(corpus))
        monkeypatch.delenv("MINSEARCH_SMTP_USER", raising=False)
        monkeypatch.setenv("MINSEARCH_SMTP_FROM", "minutes@example.org")
        r = cli("watch", "news", "--email", "officer@example.org", "--smtp", f"127.0.0.1:{port}")
        assert "Sent 2 new matches to officer@example.org" in r.output
    finally:
        controller.stop()
    ((sender, to, raw),) = inbox.messages
    assert sender == "minutes@example.org" and to == ["officer@example.org"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "minsearch: 2 new matches for 1 saved search"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert (
        "Kirklees, Corporate Parenting Board, 20 November 2026, item “Health of Children in Care”" in plain
        and "school transport" not in plain
    )
    assert "<li><strong>Kirklees, Corporate Parenting Board, 20 November 2026" in html


def test_an_unreachable_smtp_server_is_one_line(cli):
    cli("watch", "add", "dental checks")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here
    r = cli("watch", "news", "--email", "officer@example.org", "--smtp", f"127.0.0.1:{port}", ok=False)
    assert r.exit_code == 1 and f"--smtp: 127.0.0.1:{port}: could not reach the mail server" in r.output


# -- what counts as new: a match of the whole index, among the new paragraphs ---------------------
@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_new_matches_are_what_a_search_of_the_whole_index_matches_among_the_new_paragraphs(cli, corpus, tmp_path, mode):
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.search import Searcher

    queries = ["dental checks", "children in care", "school transport", "foster carers", "care leavers"]
    for q in queries:
        cli("watch", "add", q, "--mode", mode)
    add_meeting(corpus)
    other = NEW_MEETING.replace("dental checks", "foster carers").replace("school transport", "library opening hours")
    add_meeting(corpus, other.replace("88", "64"), "006_foster.txt")
    cli("index", str(corpus))
    found = news(cli)
    searcher = Searcher(load_settings(index_dir=tmp_path / "index"))
    try:
        for q in queries:
            whole: set[str] = set()
            for page in range(3):  # every match (the test model finds many)
                r = searcher.search(Query(q, mode=mode, limit=100, offset=100 * page), snippets=False)
                whole |= {c.chunk_id for h in r.hits for c in (h.chunk, *h.also)}
            new = {c for c in whole if c.startswith(("005_health#", "006_foster#"))}
            assert found[q] == new, q
    finally:
        searcher.close()
    assert found["dental checks"] == NEW_DENTAL if mode != "semantic" else found["dental checks"] >= set()


def test_vector_search_of_a_few_documents_reads_only_their_rows_and_agrees(searcher):
    from minsearch.model import Filters

    with searcher.pinned() as view:
        qvec = searcher.encode(["dental checks for children in care"])[0]
        for doc in ("000_87bfe40191ebd6ef", "002_85a858a1c7ec9477"):
            one = view.vector_search(qvec, Filters(doc_id=doc), 500, floor=0.3)
            few = view.vector_search(qvec, Filters(doc_ids=(doc,)), 500, floor=0.3)
            # The same paragraphs with the same scores, best first (ties in either order).
            assert {c: round(s, 5) for c, s in few.hits} == {c: round(s, 5) for c, s in one.hits}
            assert [s for _c, s in few.hits] == sorted((s for _c, s in few.hits), reverse=True)
            assert few.above_floor == one.above_floor
        both = view.vector_search(qvec, Filters(doc_ids=("000_87bfe40191ebd6ef", "002_85a858a1c7ec9477")), 500)
        assert {c.split("#")[0] for c, _s in both.hits} == {"000_87bfe40191ebd6ef", "002_85a858a1c7ec9477"}
        kw_one = view.keyword_search("dental checks", Filters(doc_id="002_85a858a1c7ec9477"), 20)
        kw_few = view.keyword_search("dental checks", Filters(doc_ids=("002_85a858a1c7ec9477",)), 20)
        assert kw_few.hits == kw_one.hits and kw_few.coverage == kw_one.coverage


def test_only_new_paragraphs_a_whole_search_would_have_ranked_are_checked():
    """A saved search remembers its last candidate's score in each view (on an index larger than
    the ranker's pool); a new paragraph below both would not have been shown, and is not news."""
    from minsearch.searching.alerts import _within_pool
    from minsearch.searching.candidates import Candidates
    from minsearch.store.base import KeywordResult, VectorResult

    c = Candidates(
        keyword=KeywordResult(hits=[("a", 9.0), ("b", 4.0), ("c", 1.0)], total=3),
        semantic=VectorResult(hits=[("b", 0.3), ("c", 0.6), ("d", 0.2)], above_floor=3),
    )
    s = watchlist.SavedSearch(name="x", query="x", last_keyword=3.5, last_cos=0.5)
    out = _within_pool(c, s)
    assert out.keyword.hits == [("a", 9.0), ("b", 4.0), ("c", 1.0)]  # c is below by words, in by meaning
    assert out.semantic.hits == [("b", 0.3), ("c", 0.6)]  # b is in by its words; d by neither
    assert out.cosines["b"] == 0.3  # b's meaning still counts towards its match
    whole = _within_pool(
        Candidates(keyword=KeywordResult(hits=[("a", 0.1)], total=1)), watchlist.SavedSearch(name="y", query="y")
    )
    assert whole.keyword.hits == [("a", 0.1)]  # the whole search ranked everything it found


def test_saved_queries_are_encoded_once_not_on_every_reindex(tmp_path, corpus, encoder):
    from helpers import CountingEncoder

    from minsearch.config import load_settings
    from minsearch.indexer import index_paths
    from minsearch.searching.alerts import save_search

    settings = load_settings(index_dir=tmp_path / "index")
    index_paths([corpus], settings, encoder=encoder)
    save_search(settings, watchlist.SavedSearch(name="", query="dental checks"))
    add_meeting(corpus)
    counting = CountingEncoder(encoder)
    summary = index_paths([corpus], settings, encoder=counting)
    assert summary.new_matches == {"dental checks": 2}
    # The new meeting's paragraphs and the sentences their excerpts are chosen from; no query.
    from minsearch.ranking.snippets import focus_openings
    from minsearch.search import Searcher

    s = Searcher(settings)
    with s.pinned() as view:
        chunks = [c for d in summary.added for c in view.document_chunks(d)]
    s.close()
    sentences = [o for c in chunks for o in focus_openings(c.text)[1]]
    assert summary.new_chunks == len(chunks) == 3 and sentences and counting.texts
    for text in counting.texts:  # (a text the index had already embedded is not embedded again)
        assert text in sentences or any(text.endswith(c.text) for c in chunks), text


@pytest.mark.parametrize("value", ['"x"', "true", "[]"])
def test_a_saved_search_with_a_score_that_is_not_a_number_is_one_line_naming_the_file(tmp_path, value):
    """A hand-edited watch.json ("best_joint": "x") is reported when it is read, naming the file
    and the score, not at the next re-index deep in ranking; the file is left as it was."""
    from minsearch.model import MinsearchError
    from minsearch.store.layout import IndexLayout

    path = IndexLayout(tmp_path).watch_file
    path.parent.mkdir(parents=True, exist_ok=True)
    text = '{"version": 1, "searches": [{"name": "roads", "query": "roads", "best_joint": %s}]}' % value
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MinsearchError) as e:
        watchlist.load(tmp_path)
    msg = str(e.value)
    assert "\n" not in msg and str(path) in msg and "best_joint" in msg
    assert path.read_text(encoding="utf-8") == text
    path.write_text(text.replace(f'"best_joint": {value}', '"best_joint": 0.4'), encoding="utf-8")
    assert watchlist.load(tmp_path).searches[0].best_joint == 0.4
