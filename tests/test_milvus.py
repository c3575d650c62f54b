"""The Milvus backend against a real Milvus server (the C++ core shipped by milvus-lite): what only
it does. The searches every store answers alike run on it in test_backends.py.

Parity with the embedded store on the Whoosh query syntax, vectors and metadata; incremental
re-indexing and --prune by the real indexer; the writer lock and lease; collection layouts.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite", reason="milvus-lite (and setuptools<81) not installed")

from helpers import DENTAL, SEEDS, CountingEncoder, ids, milvus_settings  # noqa: E402

from minsearch.config import load_settings  # noqa: E402
from minsearch.indexer import index_paths  # noqa: E402
from minsearch.model import Filters, MinsearchError, Query  # noqa: E402
from minsearch.search import Searcher  # noqa: E402

pytestmark = pytest.mark.slow


# -- what the store reports ------------------------------------------------------------------------
def test_info_names_the_server_and_there_is_nothing_to_refresh(msearcher, milvus):
    # Counts, model and facets: test_backends.py::test_info_and_facets, on every store.
    info = msearcher.info()
    assert (info.backend, info.location, info.documents, info.dim) == ("milvus", milvus.uri, 5, 384)
    assert msearcher.store.refresh() is False


# -- the same answers as the embedded store ----------------------------------------------------
def test_same_chunks_and_vectors_as_embedded(msearcher, searcher):
    with msearcher.pinned() as a, searcher.pinned() as b:
        some = ["000_87bfe40191ebd6ef#p8", "002_85a858a1c7ec9477#p19", "003_bbc4287e823e4516#p2", "missing#p1"]
        assert a.chunks(some) == b.chunks(some)
        for cid in some[:3]:
            assert float(a.chunk_vector(cid) @ b.chunk_vector(cid)) > 0.9999
        assert a.chunk_vector("missing#p1") is None
        every = [
            c.chunk_id
            for d in ("000_87bfe40191ebd6ef", "002_85a858a1c7ec9477", "004_9cb78d4272562d1a")
            for c in b.document_chunks(d)
        ]
        assert a.chunk_meta(every) == b.chunk_meta(every)
        assert {m.kind for m in b.chunk_meta(every).values()} >= {"substance", "procedure"}
        q = np.asarray(a.chunk_vector(some[0]))
        assert a.vector_scores(q, some) == pytest.approx(b.vector_scores(q, some), abs=1e-4)
        assert a.facets() == b.facets()


def test_vector_search_equals_embedded(real_msearcher, real_searcher):
    # The real model: the test model's cosines tie often, and ties may come in either order.
    q = real_searcher.encode(["foster carers and placement stability"])[0]
    for f in (Filters(), Filters(council="Wolverhampton"), Filters(exclude_doc_id="003_bbc4287e823e4516")):
        with real_msearcher.pinned() as ma, real_searcher.pinned() as ea:
            a, b = ma.vector_search(q, f, 20).hits, ea.vector_search(q, f, 20).hits
        assert [c for c, _ in a] == [c for c, _ in b]
        assert np.allclose([s for _, s in a], [s for _, s in b], atol=1e-4)


@pytest.mark.parametrize(
    "text",
    [
        '"dental registrations"',
        "dental NOT registrations",
        '"checked"',
        "checked",
        "title:highlight AND dental",
        '"children in care"',
    ],
)
def test_whoosh_syntax_gives_the_embedded_hit_set(msearcher, searcher, text):
    a = msearcher.search(Query(text, mode="keyword", limit=100), snippets=False)
    b = searcher.search(Query(text, mode="keyword", limit=100), snippets=False)
    assert set(ids(a)) == set(ids(b)), text
    assert a.terms == b.terms


def test_field_only_alternative_is_not_a_candidate_source(msearcher, searcher):
    # "council:kirklees dental" is an OR in Whoosh: every Kirklees paragraph matches. BM25 in
    # Milvus retrieves by words only, so the Milvus backend returns the paragraphs with "dental".
    a = set(ids(msearcher.search(Query("council:kirklees dental", mode="keyword", limit=100), snippets=False)))
    b = set(ids(searcher.search(Query("council:kirklees dental", mode="keyword", limit=100), snippets=False)))
    assert a and a <= b and DENTAL <= a


def test_unreachable_server_is_a_clear_error(tmp_path):
    from benchmarks.milvus_server import free_port
    from minsearch.store import open_store

    s = load_settings(index_dir=tmp_path, backend="milvus", milvus_uri=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(MinsearchError, match="cannot connect"):
        open_store(s)


def test_missing_collection_is_a_clear_error(milvus, tmp_path):
    with pytest.raises(MinsearchError, match="minsearch index"):
        Searcher(milvus_settings(milvus, tmp_path, "never_indexed"))


# -- writing ----------------------------------------------------------------------------------------
def test_incremental_reindex_and_prune(milvus, tmp_path, encoder):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    settings = milvus_settings(milvus, tmp_path / "home")
    first = index_paths([src], settings, encoder=encoder)
    assert first.documents == 5 and first.chunks == 108

    again = CountingEncoder(encoder)
    nothing = index_paths([src], settings, encoder=again)
    assert nothing.unchanged == 5 and not nothing.published and again.texts == []

    doc = src / "004_9cb78d4272562d1a.txt"
    doc.write_text(doc.read_text() + "\n\nThe panel noted a new orthodontic waiting list pilot.\n")
    enc = CountingEncoder(encoder)
    changed = index_paths([src], settings, encoder=enc)
    assert changed.changed == ["004_9cb78d4272562d1a"] and changed.unchanged == 4 and changed.published
    # Only that document was chunked and embedded (a unit per paragraph, more for long ones).
    assert changed.new_chunks <= len(enc.texts)
    assert changed.new_chunks < first.chunks // 4 and len(enc.texts) < first.chunks // 3
    assert any("orthodontic" in t for t in enc.texts)
    s = Searcher(settings)
    try:
        r = s.search(Query("orthodontic waiting list", mode="keyword", limit=3))
        assert r.hits and r.hits[0].chunk.doc_id == "004_9cb78d4272562d1a"
        assert s.info().chunks == changed.chunks > first.chunks
        before = len(s.document("004_9cb78d4272562d1a"))

        doc.unlink()
        kept = index_paths([src], settings, encoder=encoder)
        assert kept.kept_missing == ["004_9cb78d4272562d1a"] and not kept.published
        assert len(s.document("004_9cb78d4272562d1a")) == before
        pruned = index_paths([src], settings, encoder=encoder, prune=True)
        assert pruned.removed == ["004_9cb78d4272562d1a"] and pruned.documents == 4
        with pytest.raises(MinsearchError):
            s.document("004_9cb78d4272562d1a")
        r = s.search(Query("orthodontic waiting list", limit=20))
        assert all(h.chunk.doc_id != "004_9cb78d4272562d1a" for h in r.hits)
        assert "Worcestershire" not in s.facets().councils
        assert s.info().documents == 4
    finally:
        s.close()
    # (The real model's query encoder lives in the local index folder: the next test.)


def test_the_query_encoder_of_the_real_model_lives_in_the_local_index_folder(real_msearcher):
    settings = real_msearcher.settings
    assert (settings.index_dir / "encoder" / settings.model / "model.onnx").is_file()


def test_two_folders_with_the_same_file_name_keep_both_documents(milvus, tmp_path, encoder):
    """The collection does not record folders: the file and its content tell them apart (issue 15)."""
    text = "MINUTES of a meeting of the Cabinet held on 9 January 2025.\n\nAgenda item\n\nBudget\n\nMinutes:\n\n{}\n"
    folders = []
    for name, sentence in (
        ("councilA", "The aardvark sanctuary budget was agreed."),
        ("councilB", "The bison reserve budget was deferred."),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / "cabinet_2025-01-09.txt").write_text(text.format(sentence))
        folders.append(tmp_path / name)
    settings = milvus_settings(milvus, tmp_path / "home", "two_councils")
    assert index_paths([folders[0]], settings, encoder=encoder).added == ["cabinet_2025-01-09"]
    second = index_paths([folders[1]], settings, encoder=encoder)
    assert second.added == ["councilB/cabinet_2025-01-09"] and not second.changed and second.documents == 2
    again = index_paths(folders, settings, encoder=encoder)
    assert again.unchanged == 2 and not (again.added or again.changed)


def test_one_writer_at_a_time(milvus, tmp_path):
    from minsearch.store.layout import IndexBusy
    from minsearch.store.milvus import milvus_writer

    settings = milvus_settings(milvus, tmp_path)
    with milvus_writer(settings, 384) as w:
        assert w.documents() == {}
        with pytest.raises(IndexBusy):
            with milvus_writer(settings, 384):
                pass
        # A writer on another machine (another index folder, same collection) meets the lease row.
        with pytest.raises(IndexBusy, match="another `minsearch index`"):
            with milvus_writer(settings.with_(index_dir=tmp_path / "elsewhere"), 384):
                pass
    with milvus_writer(settings, 384) as w:  # released
        assert w.documents() == {}


def test_model_mismatch_is_refused(milvus, tmp_path):
    from minsearch.store.milvus import milvus_writer

    settings = milvus_settings(milvus, tmp_path)
    with milvus_writer(settings, 384) as w:
        w.commit([], [])
    with pytest.raises(MinsearchError, match="dim"):
        with milvus_writer(settings, 768):
            pass


def test_cli_names_the_collection(milvus, milvus_index, tmp_path):
    """`--milvus-collection` picks the index on the server, for query and status alike."""
    import json

    from click.testing import CliRunner

    from minsearch.app.cli import main

    base = ["--backend", "milvus", "--milvus-uri", milvus.uri, "--index", str(milvus_index.index_dir)]
    r = CliRunner().invoke(
        main, ["query", "dental checks", "--json", "--mode", "keyword", "--milvus-collection", "seeds", *base]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["hits"][0]["chunk_id"] in DENTAL
    r = CliRunner().invoke(main, ["status", "--milvus-collection", "seeds", *base])
    assert r.exit_code == 0 and "milvus" in r.output
    r = CliRunner().invoke(main, ["query", "dental", "--milvus-collection", "never_indexed", *base])
    assert r.exit_code != 0 and "never_indexed" in r.output and "Traceback" not in r.output


def test_collection_of_an_older_layout_is_refused(milvus, tmp_path):
    """An index written by a minsearch with another collection layout must be re-indexed, and says so."""
    import json

    from minsearch.store.milvus import _DUMMY, milvus_writer

    settings = milvus_settings(milvus, tmp_path)
    with milvus_writer(settings, 384) as w:
        w.commit([], [])
        w._client.upsert(
            w._meta,
            [
                {
                    "key": "index",
                    "v": _DUMMY,
                    "value": json.dumps({"model": settings.model, "dim": 384, "generation": 1}),
                }
            ],
        )  # no "schema": layout 1
    with pytest.raises(MinsearchError, match="layout 1.*re-index"):
        Searcher(settings)
    with pytest.raises(MinsearchError, match="layout 1"):
        with milvus_writer(settings, 384):
            pass


def test_quotes_in_ids_and_council_names(milvus, tmp_path, encoder):
    """Ids and council names with quotes index, filter, change and prune like any other."""
    feed = tmp_path / "feed.jsonl"
    doc_id = "Children's \"Panel\" 2024\\03"

    def write(extra: str = "") -> None:
        rec = {
            "id": doc_id,
            "title": "Dental checks",
            "date": "2024-03-05",
            "council": "King's Lynn \"West\" Council",
            "committee": "Children's Panel",
            "text": "Dental checks\n\nThe panel reviewed dental checks for children in care.\n\n"
            "Members asked for a report on waiting times." + extra,
        }
        other = {
            "id": "plain-2024",
            "title": "Parks",
            "date": "2024-03-06",
            "council": "Kent",
            "committee": "Panel",
            "text": "Parks\n\nThe committee discussed park benches.",
        }
        feed.write_text(json.dumps(rec) + "\n" + json.dumps(other) + "\n")

    write()
    settings = milvus_settings(milvus, tmp_path / "home")
    first = index_paths([feed], settings, encoder=encoder)
    assert first.documents == 2 and not first.skipped
    s = Searcher(settings)
    try:
        f = Filters(council="king's lynn \"west\" council", committee="Children's Panel")
        r = s.search(Query("dental checks", mode="hybrid", limit=5, filters=f))
        assert r.hits and {h.chunk.doc_id for h in r.hits} == {doc_id}
        assert len(s.document(doc_id)) >= 2
        assert all(h.chunk.doc_id != doc_id for h in s.more_like_this(r.hits[0].chunk.chunk_id).hits)
        assert s.search(Query("dental", limit=5, filters=Filters(doc_id=doc_id))).hits
        write("\n\nOrthodontic waiting lists were noted.")
        changed = index_paths([feed], settings, encoder=encoder)
        assert changed.changed == [doc_id] and changed.unchanged == 1
        assert any("Orthodontic" in c.text for c in s.document(doc_id))
        feed.write_text(feed.read_text().splitlines()[1] + "\n")
        pruned = index_paths([feed], settings, encoder=encoder, prune=True)
        assert pruned.removed == [doc_id] and pruned.documents == 1
        assert all(h.chunk.doc_id != doc_id for h in s.search(Query("dental checks", mode="keyword", limit=5)).hits)
    finally:
        s.close()


def test_readers_never_see_a_changed_document_missing(milvus, tmp_path, encoder, monkeypatch):
    """Between writing a document's new rows and deleting its old ones, searches see it once."""
    from minsearch.store import milvus as mstore

    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    settings = milvus_settings(milvus, tmp_path / "home")
    index_paths([src], settings, encoder=encoder)
    target = "000_87bfe40191ebd6ef"
    doc = src / f"{target}.txt"
    doc.write_text(doc.read_text() + "\n\nThe panel noted a new orthodontic waiting list pilot.\n")
    s = Searcher(settings)
    seen: list[str] = []

    def check() -> None:
        r = s.search(Query("dental checks for children in care", mode="hybrid", limit=50))
        got = [h.chunk.chunk_id for h in r.hits]
        assert len(got) == len(set(got)), "a paragraph was returned twice"
        assert any(h.chunk.doc_id == target for h in r.hits), "the changed document disappeared"
        paras = s.document(target)
        assert len({c.paragraph for c in paras}) == len(paras), "two versions of the document mixed"
        assert any("orthodontic" in c.text for c in paras)  # the new version already
        seen.append("checked")

    class Client:
        def __init__(self, inner) -> None:
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def delete(self, collection, **kw):
            if not seen and not collection.endswith(("_docs", "_meta")):
                check()
            return self.inner.delete(collection, **kw)

    init = mstore.MilvusWriter.__init__

    def patched(self, *a, **kw):
        init(self, *a, **kw)
        self._client = Client(self._client)

    monkeypatch.setattr(mstore.MilvusWriter, "__init__", patched)
    try:
        changed = index_paths([src], settings, encoder=encoder)
        assert changed.changed == [target] and seen == ["checked"]
        after = s.document(target)
        assert len({c.paragraph for c in after}) == len(after) and any("orthodontic" in c.text for c in after)
    finally:
        s.close()
