"""Fusion and ranking rules, on hand-made lists and on a small real index."""
from __future__ import annotations

import pytest

from minsearch.config import load_settings
from minsearch.indexer import index_paths
from minsearch.model import Query
from dataclasses import replace

from minsearch.ingest.fingerprint import fingerprint
from minsearch.model import ChunkMeta
from minsearch.ranking.fusion import fuse, rrf, weighted
from minsearch.ranking.rank import RankParams, rank
from minsearch.search import Searcher, semantic_text


def test_rrf_rewards_agreement_between_the_views():
    kw = [("a", 9.0), ("b", 5.0)]
    sem = [("c", 0.9), ("b", 0.8), ("d", 0.7)]
    order = [f.chunk_id for f in fuse(kw, sem, "rrf", k=60)]
    assert order[0] == "b"  # 2nd in both beats 1st in one
    assert rrf(kw, sem, 60)["b"] == pytest.approx(2 / 62)


def test_weighted_fusion_normalises_each_list():
    kw = [("a", 100.0), ("b", 50.0), ("c", 0.0)]
    sem = [("b", 0.9), ("a", 0.1)]
    scores = weighted(kw, sem, alpha=0.5)
    assert scores["a"] == pytest.approx(0.5) and scores["b"] == pytest.approx(0.75)
    assert scores["c"] == 0.0


def _meta(kinds: dict[str, str]) -> dict[str, ChunkMeta]:
    return {c: ChunkMeta(c, f"doc-{c}", "", k, *fingerprint(f"paragraph {c} of the minutes")) for c, k in kinds.items()}


# Every candidate a match: these tests are about order, not floors.
OFF = RankParams(semantic_floor=-1.0, relative_floor=1.0, min_coverage=0.0, confident_floor=-1.0,
                 confident_coverage=0.0)


def test_boilerplate_is_demoted_and_ranks_are_reported():
    meta = _meta({"apologies": "procedure", "talk": "substance"})
    full = {c: 1.0 for c in ("apologies", "talk", "x", "y", "other")}  # each contains the whole query
    r = rank("hybrid", [("apologies", 9.0), ("talk", 8.0)], full, [("apologies", 0.9), ("talk", 0.8)], meta, OFF)
    assert [h.chunk_id for h in r.matches] == ["talk", "apologies"]
    assert r.matches[0].keyword_rank == 2 and r.matches[0].semantic_rank == 2  # each view's own ranks
    # A query about procedure (a name in the attendance list) only moves it a few places down.
    r = rank("hybrid", [("apologies", 9.0), ("talk", 8.0)], full, [("apologies", 0.9), ("talk", 0.8)], meta,
             replace(OFF, procedure_penalty=1), procedural=True)
    assert [h.chunk_id for h in r.matches] == ["talk", "apologies"]
    r = rank("hybrid", [("apologies", 9.0), ("talk", 8.0), ("x", 1.0), ("y", 0.5)], full,
             [("apologies", 0.9), ("talk", 0.8), ("x", 0.1), ("y", 0.0)], {**meta, **_meta({"x": "substance", "y": "substance"})},
             replace(OFF, procedure_penalty=1), procedural=True)
    assert [h.chunk_id for h in r.matches] == ["talk", "apologies", "x", "y"]


def test_semantic_text_strips_query_syntax():
    assert semantic_text('title:budget AND "dental checks" NOT (fees)') == "budget dental checks fees"


@pytest.fixture(scope="module")
def procedure_index(tmp_path_factory, doc_encoder):
    folder = tmp_path_factory.mktemp("proc")
    (folder / "m.txt").write_text(
        "Agenda item\n\nApologies\n\nMinutes:\n\n"
        "Apologies for absence were received from Councillor Priya Okafor and Councillor Dental.\n\n"
        "Present: Councillor Priya Okafor (Chair), Councillor Smith.\n\n"
        "Agenda item\n\nHealth of Children in Care\n\nMinutes:\n\n"
        "Councillor Priya Okafor asked why dental checks for children in care had fallen, and the "
        "Designated Nurse explained the backlog in NHS dentistry.\n"
    )
    home = tmp_path_factory.mktemp("proc-ix")
    index_paths([folder], load_settings(index_dir=home), encoder=doc_encoder)
    s = Searcher(load_settings(index_dir=home))
    yield s
    s.close()


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_procedure_never_outranks_discussion(procedure_index, mode):
    r = procedure_index.search(Query("Priya Okafor", mode=mode))
    # Meaning alone is not confident about a bare name: then the closest paragraphs are shown,
    # in the same order.
    shown = r.hits or r.closest
    assert shown[0].chunk.title == "Health of Children in Care"
    assert shown[0].chunk.boilerplate is False
    assert any(h.chunk.boilerplate for h in shown[1:])


def test_weighted_fusion_demotes_procedure_by_places_too():
    kw = [("apologies", 9.0), ("talk", 8.0), ("other", 1.0)]
    sem = [("apologies", 0.9), ("talk", 0.5), ("other", 0.1)]
    assert [f.chunk_id for f in fuse(kw, sem, "weighted", alpha=0.8)] == ["apologies", "talk", "other"]
    meta = _meta({"apologies": "procedure", "talk": "substance", "other": "substance"})
    full = {c: 1.0 for c, _s in kw}
    order = [h.chunk_id for h in rank("hybrid", kw, full, sem, meta, replace(OFF, fusion="weighted", alpha=0.8,
                                                                            procedure_penalty=1), procedural=True).matches]
    assert order == ["talk", "apologies", "other"]
    order = [h.chunk_id for h in rank("hybrid", kw, full, sem, meta, replace(OFF, fusion="weighted")).matches]
    assert order == ["talk", "other", "apologies"]  # not about procedure: substance first
