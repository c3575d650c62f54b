"""Choosing the ranking defaults on minutes they were not tuned on: leave-one-corpus-out.

For every judged minutes corpus (seeds, Kent, Limerick, London Ontario, Cleveland) the index is
built once with the product's code; every judged query is searched once per view, with a large
candidate pool, and those candidates are kept. Ranking choices (fusion, the weight of exact
queries, the relevance floors, how the agenda item title is embedded, glossary expansion) are
then replayed over the kept candidates with :func:`minsearch.ranking.rank.rank`, the function
the Searcher calls, so a setting is scored exactly as the product would rank with it.

Leave-one-corpus-out: for each corpus, the setting with the best mean nDCG@10 over the *other*
corpora is chosen and scored on the one left out. The default must hold on each one left out.

    python -m benchmarks.tuning [--data DIR] [--corpora seeds,kent,...] [--quick]

writes ``benchmarks/results/ranking.md`` (included in RESULTS.md) and ``ranking.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import pickle
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import mean
from typing import Optional

import numpy as np

from .common import BENCH_DIR, judged_items, judged_labels, judged_rows, norm_text
from .metrics import mrr_at_k, ndcg_at_k

CORPORA = ("seeds", "kent", "limerick", "london-ontario", "cleveland")
POOL = 200
TITLE_MODES = ("prefix", "none", "long:15", "long:30", "mix:0.3", "mix:0.5", "score:0.2", "score:0.35")
NONSENSE = BENCH_DIR / "judged" / "nonsense.txt"
RESULTS = BENCH_DIR / "results"


def nonsense_queries() -> list[str]:
    """The judged out-of-domain queries (``judged/nonsense.txt``; ``#`` lines are comments)."""
    lines = NONSENSE.read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


@dataclass
class QueryData:
    qid: str
    corpus: str
    kind: str
    query: str
    items: list[tuple[int, str, str, float]]  # (item index, doc id, normalised fragment, grade)
    keyword: list[tuple[str, float]] = field(default_factory=list)
    coverage: dict[str, float] = field(default_factory=dict)
    keyword_plain: list[tuple[str, float]] = field(default_factory=list)  # without glossary alternates
    coverage_plain: dict[str, float] = field(default_factory=dict)
    coverage_text: dict[str, float] = field(default_factory=dict)
    coverage_text_plain: dict[str, float] = field(default_factory=dict)
    cosines: dict[str, dict[str, float]] = field(default_factory=dict)  # title mode -> meaning of every candidate
    cosines_expanded: dict[str, dict[str, float]] = field(default_factory=dict)
    semantic: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # title mode -> list
    semantic_expanded: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    expanded: bool = False  # the glossary named a group in this query
    neighbours: dict = field(default_factory=dict)  # repeats among all candidates (ranking.duplicates)
    named: Optional[frozenset] = None  # paragraphs naming the query's acronyms (searching.candidates)
    people: Optional[frozenset] = None  # paragraphs naming the people a procedure question names
    exact: Optional[bool] = None  # fusion leans on keywords (searching.candidates; None: kept before it was)


@dataclass
class CorpusData:
    name: str
    queries: list[QueryData]
    meta: dict  # chunk id -> ChunkMeta
    text: dict[str, tuple[str, str]]  # chunk id -> (doc id, normalised text)
    nonsense: list[QueryData] = field(default_factory=list)
    null: object = None  # minsearch.searching.calibration.NullScores of the index


# -- semantic views for each way of embedding the title --------------------------------------------
class TitleViews:
    """The chunk vectors of one index under every title mode, from the embedding cache."""

    def __init__(self, chunks: list, encoder, tokenizer) -> None:
        from minsearch.encode import embedding_units

        self.ids = [c.chunk_id for c in chunks]
        self.row = {c: i for i, c in enumerate(self.ids)}
        self._mats: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for mode in ("prefix", "none", "long:15", "long:30"):
            texts, owners = embedding_units(chunks, tokenizer, mode)
            vecs = encoder.encode(texts)
            owners = np.asarray(owners, dtype=np.int64)
            self._mats[mode] = (vecs, np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]))
        titles = sorted({c.title for c in chunks})
        tv = encoder.encode(titles) if titles else np.zeros((0, 384), np.float32)
        index = {t: i for i, t in enumerate(titles)}
        self.title_vecs = tv[[index[c.title] for c in chunks]] if chunks else tv
        text_vecs, starts = self._mats["none"]
        for w in (0.3, 0.5):
            owners = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(text_vecs)]))
            mixed = text_vecs + w * self.title_vecs[owners]
            mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
            self._mats[f"mix:{w}"] = (mixed.astype(np.float32), starts)

    def _scores(self, mode: str, qvec: np.ndarray) -> np.ndarray:
        if mode.startswith("score:"):
            lam = float(mode.split(":", 1)[1])
            vecs, starts = self._mats["none"]
            return np.maximum.reduceat(vecs @ qvec, starts) + lam * (self.title_vecs @ qvec)
        vecs, starts = self._mats[mode]
        return np.maximum.reduceat(vecs @ qvec, starts)

    def search(self, mode: str, qvec: np.ndarray, k: int) -> list[tuple[str, float]]:
        scores = self._scores(mode, qvec)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self.ids[i], float(scores[i])) for i in top]

    def scores(self, mode: str, qvec: np.ndarray, ids) -> dict[str, float]:
        scores = self._scores(mode, qvec)
        return {c: float(scores[self.row[c]]) for c in ids if c in self.row}


def collect(corpus: str, rows: list[dict], data: Path, encoder, nonsense: list[str], log=print) -> Optional[CorpusData]:
    """Index ``corpus`` and keep every view's candidates for its judged (and nonsense) queries."""
    from minsearch.config import load_settings
    from minsearch.encode import load_tokenizer, model_spec
    from minsearch.glossary import with_meanings
    from minsearch.model import Filters
    from minsearch.ranking.rank import names_code
    from minsearch.search import Searcher
    from minsearch.searching.candidates import leans_on_keywords, named_holders, people_holders
    from minsearch.store.query import semantic_text

    from .quality import _limerick_id_map, minutes_index

    home, why = minutes_index(corpus, data, encoder, log)
    if home is None:
        log(f"  {corpus}: skipped ({why})")
        return None
    searcher = Searcher(load_settings(index_dir=home))
    stack = ExitStack()
    view = stack.enter_context(searcher.pinned())
    glossary = searcher.glossary_for(view)  # with the acronyms these minutes define
    docs = json.loads((home / "generations" / view.gen.name / "docs.json").read_text())
    chunks = [c for d in sorted(docs) for c in view.document_chunks(d)]
    log(f"  {corpus}: {len(docs)} documents, {len(chunks)} chunks; embedding views ...")
    views = TitleViews(chunks, encoder, load_tokenizer(model_spec(searcher.store.model)))
    idmap = _limerick_id_map(data) if corpus == "limerick" else {}
    out = CorpusData(corpus, [], {}, {})
    wanted: set[str] = set()

    def gather(qid: str, kind: str, text: str, items) -> QueryData:
        qd = QueryData(qid, corpus, kind, text, items)
        expansions = tuple(glossary.expand(text))
        kr = view.keyword_search(text, Filters(), POOL, strict=False, min_coverage=0.5, expansions=expansions)
        qd.keyword, qd.coverage, qd.coverage_text = kr.hits, kr.coverage, kr.coverage_text
        qd.expanded = bool(kr.expansions)
        if qd.expanded:
            kp = view.keyword_search(text, Filters(), POOL, strict=False, min_coverage=0.5)
            qd.keyword_plain, qd.coverage_plain, qd.coverage_text_plain = kp.hits, kp.coverage, kp.coverage_text
        else:
            qd.keyword_plain, qd.coverage_plain, qd.coverage_text_plain = kr.hits, kr.coverage, kr.coverage_text
        if not names_code(text):
            qd.named = named_holders(text, view, glossary, POOL)
        qd.people = people_holders(text, view, Filters(), POOL)
        qd.exact = leans_on_keywords(text, view, kr, qd.people)
        ids = {c for c, _s in qd.keyword} | {c for c, _s in qd.keyword_plain}
        base = semantic_text(text)
        qv = searcher.encode([base])[0]
        qd.semantic = {m: views.search(m, qv, POOL) for m in TITLE_MODES}
        qd.cosines = {m: views.scores(m, qv, ids) for m in TITLE_MODES}
        if expansions:
            qv2 = searcher.encode([with_meanings(base, list(expansions))])[0]
            qd.semantic_expanded = {m: views.search(m, qv2, POOL) for m in TITLE_MODES}
            qd.cosines_expanded = {m: views.scores(m, qv2, ids) for m in TITLE_MODES}
        else:
            qd.semantic_expanded, qd.cosines_expanded = qd.semantic, qd.cosines
        for hits in [qd.keyword, qd.keyword_plain, *qd.semantic.values(), *qd.semantic_expanded.values()]:
            wanted.update(c for c, _s in hits)
        return qd

    t = time.perf_counter()
    for r in rows:
        items = judged_items(r, idmap)
        out.queries.append(gather(r["qid"], r.get("kind", "?"), r["query"], items))
    out.nonsense = [gather(f"nonsense-{i}", "nonsense", q, []) for i, q in enumerate(nonsense)]
    out.meta = view.chunk_meta(sorted(wanted))
    from minsearch.searching.calibration import null_scores, probe_queries

    out.null = null_scores(view, searcher.encode([semantic_text(p) for p in probe_queries()]))
    from minsearch.ranking.duplicates import repeats

    for qd in out.queries + out.nonsense:
        ids = {
            c
            for hits in [qd.keyword, qd.keyword_plain, *qd.semantic.values(), *qd.semantic_expanded.values()]
            for c, _s in hits
        }
        qd.neighbours = repeats(sorted(ids), out.meta)
    out.text = {cid: (c.doc_id, norm_text(c.text)) for cid, c in view.chunks(sorted(wanted)).items()}
    log(f"  {corpus}: {len(out.queries)} queries collected in {time.perf_counter() - t:.1f}s")
    stack.close()
    searcher.close()
    return out


# -- replaying a setting ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Setting:
    mode: str = "hybrid"
    title: str = "prefix"
    expand_keyword: bool = True
    expand_semantic: bool = False
    params: object = None  # RankParams

    def label(self) -> str:
        p = self.params
        if self.mode != "hybrid":
            fusion = self.mode
        elif p.fusion == "rrf":
            fusion = f"rrf k={p.rrf_k} exact+{p.exact_boost:g}"
        else:
            fusion = f"weighted a={p.alpha:g} exact-{p.exact_boost:g}"
        return (
            f"{fusion}; title {self.title}; floor {p.semantic_floor:g}, coverage {p.min_coverage:g}"
            f"{'' if self.expand_keyword else '; no glossary'}{'; glossary in meaning' if self.expand_semantic else ''}"
        )


_WORDS: dict[str, int] = {}


def query_words(text: str) -> int:
    """How many parts the keyword view weighs a query's coverage by (KeywordResult.words)."""
    if text not in _WORDS:
        from minsearch.store.query import SCORED_FIELDS, parse, plan_query

        plan = plan_query(parse(text, strict=False)[0], SCORED_FIELDS)
        _WORDS[text] = len(plan.concepts) if plan is not None else 0
    return _WORDS[text]


def ranked(qd: QueryData, cd: CorpusData, s: Setting):
    from minsearch.ranking.rank import about_procedure, exact_query, names_code, rank
    from minsearch.searching.calibration import calibrated

    if s.expand_keyword:
        kw, cov, own = qd.keyword, qd.coverage, qd.coverage_text
    else:
        kw, cov, own = qd.keyword_plain, qd.coverage_plain, qd.coverage_text_plain
    sem = (qd.semantic_expanded if s.expand_semantic else qd.semantic)[s.title]
    cosines = (qd.cosines_expanded if s.expand_semantic else qd.cosines)[s.title]
    return rank(
        s.mode,
        kw if s.mode != "semantic" else [],
        cov,
        sem if s.mode != "keyword" else [],
        cd.meta,
        calibrated(s.params, cd.null) if s.mode != "keyword" else s.params,
        coverage_text=own,
        cosines=cosines if s.mode == "hybrid" else None,
        words=query_words(qd.query),
        procedural=about_procedure(qd.query, kw, cd.meta, own),
        exact=exact_query(qd.query) if qd.exact is None else qd.exact,
        code=names_code(qd.query),
        neighbours=qd.neighbours,
        named=qd.named,
        people=qd.people,
    )


def score(qd: QueryData, cd: CorpusData, s: Setting) -> dict:
    """nDCG@10, MRR@10, recall@10, and the first page's procedure and repeats, for one query."""
    r = ranked(qd, cd, s)
    labels, gains = judged_labels(
        qd.items,
        ((hit.chunk_id, [cd.text.get(c, ("", "")) for c in [hit.chunk_id, *hit.also]]) for hit in r.matches),
    )
    top_kinds, top_exact = [], []
    for hit in r.matches[:10]:
        m = cd.meta.get(hit.chunk_id)
        top_kinds.append(m.kind if m else "substance")
        top_exact.append(m.exact if m else hash(hit.chunk_id))
    rel10 = {lab for lab in labels[:10] if lab.startswith("item") and gains.get(lab, 0) > 0}
    n_rel = sum(1 for g in gains.values() if g > 0)
    return {
        "ndcg@10": ndcg_at_k(labels, gains, 10),
        "mrr@10": mrr_at_k(labels, gains, 10),
        "recall@10": len(rel10) / n_rel if n_rel else 0.0,
        "procedure_top10": sum(k != "substance" for k in top_kinds),
        "repeats_top10": len(top_exact) - len(set(top_exact)),
        "matches": len(r.matches),
        "precision": (sum(1 for lab in labels if lab.startswith("item")) / len(labels)) if labels else 1.0,
    }


def corpus_scores(cd: CorpusData, s: Setting) -> list[dict]:
    return [{**score(q, cd, s), "kind": q.kind, "qid": q.qid} for q in cd.queries]


def settings_grid(quick: bool = False) -> list[Setting]:
    from minsearch.ranking.rank import RankParams

    # Fusion is chosen with every candidate a match; the floors are calibrated after it.
    off = dict(
        semantic_floor=-1.0, min_coverage=0.0, confident_floor=-1.0, confident_coverage=0.0, confident_margin=-1.0
    )
    fusions = [
        RankParams(fusion="rrf", rrf_k=k, exact_boost=b, **off)
        for k, b in itertools.product((10, 30, 60), (0.0, 0.5, 1.0, 2.0))
    ]
    fusions += [
        RankParams(fusion="weighted", alpha=a, exact_boost=b, **off)
        for a, b in itertools.product((0.5, 0.6, 0.7, 0.8), (0.0, 0.2, 0.3, 0.4, 0.5))
    ]
    titles = ("prefix", "none", "long:15") if quick else TITLE_MODES
    grid = [Setting(title=t, params=p) for t in titles for p in fusions]
    grid += [Setting(title=t, params=p, expand_keyword=False) for t in titles[:2] for p in fusions[:4]]
    grid += [Setting(title=t, params=p, expand_semantic=True) for t in titles[:2] for p in fusions]
    return grid


def named_settings(chosen: Setting) -> dict[str, Setting]:
    """The rows of the report: single views, the old default, the chosen fusion, the product default."""
    from minsearch.config import load_settings
    from minsearch.encode import TITLE_MODE
    from minsearch.ranking.rank import RankParams, params_from

    product = params_from(load_settings())
    off = dict(
        semantic_floor=-1.0, min_coverage=0.0, confident_floor=-1.0, confident_coverage=0.0, confident_margin=-1.0
    )
    old = RankParams(fusion="weighted", alpha=0.8, exact_boost=0.0, **off)
    return {
        "keyword": Setting(mode="keyword", title=TITLE_MODE, params=product),
        "semantic": Setting(mode="semantic", title=TITLE_MODE, params=product),
        "hybrid, previous default fusion (weighted 0.8, title prefix, no floors)": Setting(title="prefix", params=old),
        "hybrid, chosen fusion (no floors)": chosen,
        "hybrid, chosen fusion, without the glossary": replace(chosen, expand_keyword=False),
        "hybrid, chosen fusion, glossary also in meaning": replace(chosen, expand_semantic=True),
        "hybrid, product default": Setting(title=TITLE_MODE, params=product),
    }


def table_means(rows: list[dict], key: str = "ndcg@10") -> float:
    return mean(r[key] for r in rows) if rows else float("nan")


def loco(data: dict[str, CorpusData], grid: list[Setting], log=print) -> dict:
    """For each corpus: the setting best on the others, and how it scores on the one left out."""
    per: dict[int, dict[str, float]] = {}
    for i, s in enumerate(grid):
        per[i] = {c: table_means(corpus_scores(cd, s)) for c, cd in data.items()}
    folds = {}
    for held in data:
        train = [c for c in data if c != held]
        best = max(per, key=lambda i: (mean(per[i][c] for c in train), -i))
        folds[held] = {
            "setting": grid[best].label(),
            "index": best,
            "train": mean(per[best][c] for c in train),
            "held_out": per[best][held],
        }
        log(
            f"  LOCO {held:15s} chose [{grid[best].label()}] train {folds[held]['train']:.4f} "
            f"held-out {per[best][held]:.4f}"
        )
    overall = max(per, key=lambda i: (mean(per[i].values()), -i))
    return {"per": per, "folds": folds, "overall": overall}


FLOOR_GRID = [(-1.0, 1.0, 0.0, 1.0)] + list(
    itertools.product(
        (-1.0, 0.1, 0.15, 0.2, 0.25), (0.15, 0.2, 0.25, 0.3, 0.35, 1.0), (0.2, 0.3, 0.4, 0.5), (1.0, 0.67, 0.5)
    )
)
# (probe quantile, margin above it, confident coverage, joint gap below the bar, joint coverage);
# a quantile of 0 means a fixed cosine bar of ``margin`` on every index (the previous gate).
GATE_GRID = (
    [(0.0, f, c, 9.0, 2.0) for f, c in itertools.product((0.45, 0.5, 0.55), (0.6, 0.67, 1.01))]
    + [(0.0, 0.5, 0.6, 0.05, 0.4)]
    + [
        (q, m, c, g, jc)
        for q, m, c, (g, jc) in itertools.product(
            (0.5, 0.75, 0.9, 1.0), (0.0, 0.02, 0.04, 0.06, 0.08, 0.1), (0.6, 0.67, 0.75), ((9.0, 2.0), (0.05, 0.4))
        )
    ]
)
RECALL_TOLERANCE = 0.002  # recall@10 a floor may cost on the corpora it is chosen on


def floor_sweep(data: dict[str, CorpusData], base: Setting) -> dict:
    """The relevance floors, calibrated leave-one-corpus-out.

    Two levels: whether a query has any confident match (``confident_*``: chosen to leave no
    nonsense query a match on the training corpora, then to leave the fewest real queries
    without one), and which candidates of a confident query count (``semantic_floor``,
    ``relative_floor``, ``min_coverage``: the most precise setting that costs at most
    :data:`RECALL_TOLERANCE` of recall@10 on the training corpora). Precision is measured where
    judgments are exhaustive (seeds, Kent); elsewhere fewer matches per query stands in for it.
    """
    # per corpus, per setting: the numbers each choice needs
    item: dict[tuple, dict[str, dict]] = {}
    for f, d, c, rc in FLOOR_GRID:
        s = replace(
            base,
            params=replace(
                base.params,
                semantic_floor=f,
                relative_floor=d,
                min_coverage=c,
                relative_coverage=rc,
                confident_floor=-1.0,
                confident_coverage=0.0,
                confident_margin=-1.0,
            ),
        )
        item[(f, d, c, rc)] = {}
        for name, cd in data.items():
            rows = corpus_scores(cd, s)
            item[(f, d, c, rc)][name] = {
                "ndcg@10": table_means(rows),
                "recall@10": table_means(rows, "recall@10"),
                "matches": mean(r["matches"] for r in rows),
                "precision": mean(r["precision"] for r in rows),
                "n": len(rows),
            }
    gate: dict[tuple, dict[str, dict]] = {}
    for gq, gm, c, jg, jc in GATE_GRID:
        fixed = gq <= 0
        s = replace(
            base,
            params=replace(
                base.params,
                confident_floor=gm if fixed else 0.5,
                confident_quantile=gq if not fixed else 0.9,
                confident_margin=gm if not fixed else -1.0,
                confident_coverage=c,
                joint_floor=(gm if fixed else 0.5) - jg,
                joint_coverage=jc,
            ),
        )
        f, jf = (gq, gm), jg
        gate[(f, c, jf, jc)] = {}
        for name, cd in data.items():
            real = [score(q, cd, s) for q in cd.queries]
            gate[(f, c, jf, jc)][name] = {
                "real_without": sum(1 for r in real if r["matches"] == 0),
                "real": len(real),
                "nonsense_with": sum(1 for q in cd.nonsense if score(q, cd, s)["matches"]),
                "nonsense": len(cd.nonsense),
                "ndcg@10": mean(r["ndcg@10"] for r in real),
            }

    def pooled(table: dict, key, names, field):
        rows = [(table[key][n][field], table[key][n].get("n", 1)) for n in names]
        return sum(v * w for v, w in rows) / sum(w for _v, w in rows)

    def choose_item(names: list[str]) -> tuple:
        unfloored = (-1.0, 1.0, 0.0, 1.0)
        # The cost may not exceed the tolerance on any training corpus (pooled, a setting could
        # pay for a loss on one council with a gain on another).
        ok = [
            k
            for k in item
            if all(item[k][n]["recall@10"] >= item[unfloored][n]["recall@10"] - RECALL_TOLERANCE for n in names)
        ] or [unfloored]
        exhaustive = [n for n in names if n in ("seeds", "kent")]
        if exhaustive:
            return max(ok, key=lambda k: (pooled(item, k, exhaustive, "precision"), -pooled(item, k, names, "matches")))
        return min(ok, key=lambda k: pooled(item, k, names, "matches"))

    def choose_gate(names: list[str]) -> tuple:
        def tot(k, field):
            return sum(gate[k][n][field] for n in names)

        clean = [k for k in gate if tot(k, "nonsense_with") == 0] or list(gate)
        return min(clean, key=lambda k: (tot(k, "real_without"), tot(k, "nonsense_with"), -k[0][1]))

    names = list(data)
    folds = {}
    for held in names:
        train = [n for n in names if n != held]
        ik, gk = choose_item(train), choose_gate(train)
        folds[held] = {
            "item": ik,
            "gate": gk,
            "recall_cost": item[(-1.0, 1.0, 0.0, 1.0)][held]["recall@10"] - item[ik][held]["recall@10"],
            "matches": item[ik][held]["matches"],
            "matches_unfloored": item[(-1.0, 1.0, 0.0, 1.0)][held]["matches"],
            "precision": item[ik][held]["precision"],
            "real_without": gate[gk][held]["real_without"],
            "real": gate[gk][held]["real"],
            "nonsense_with": gate[gk][held]["nonsense_with"],
            "nonsense": gate[gk][held]["nonsense"],
        }
    return {
        "item": item,
        "gate": gate,
        "folds": folds,
        "chosen_item": choose_item(names),
        "chosen_gate": choose_gate(names),
    }


def gate_label(k: tuple) -> str:
    """A gate of GATE_GRID in words."""
    (gq, gm), c, jg, jc = k
    cos = f"cosine {gm:g}" if gq <= 0 else f"cosine {gm:+g} over the probes' {gq:g} quantile"
    joint = f"; or both: {jg:g} less and coverage {jc:g}" if jg < 2 else ""
    return f"{cos}, or coverage {c:g}{joint}"


def report(data: dict[str, CorpusData], named: dict[str, Setting], folds: dict, sweep: list[dict]) -> str:
    """Markdown for benchmarks/results/ranking.md."""
    lines = ["## Ranking on minutes it was not tuned on (`python -m benchmarks.tuning`)", ""]
    corpora = list(data)
    scores = {name: {c: corpus_scores(data[c], s) for c in corpora} for name, s in named.items()}
    lines += [
        "nDCG@10 per judged minutes corpus (queries in brackets). Every row is ranked by "
        "`minsearch.ranking.rank.rank` over the same candidates (top 200 of each view).",
        "",
        "| setting | " + " | ".join(f"{c} ({len(data[c].queries)})" for c in corpora) + " | mean |",
        "|---|" + "---|" * (len(corpora) + 1),
    ]
    for name in named:
        vals = [table_means(scores[name][c]) for c in corpora]
        lines.append(f"| {name} | " + " | ".join(f"{v:.4f}" for v in vals) + f" | {mean(vals):.4f} |")
    lines.append(
        "| **leave-one-corpus-out** (each corpus scored with the setting chosen on the others) | "
        + " | ".join(f"{folds[c]['held_out']:.4f}" for c in corpora)
        + f" | {mean(folds[c]['held_out'] for c in corpora):.4f} |"
    )
    lines += ["", "Setting chosen with each corpus left out:", ""]
    lines += [
        f"- {c}: {folds[c]['setting']} (train {folds[c]['train']:.4f}, held out {folds[c]['held_out']:.4f})"
        for c in corpora
    ]
    kinds = sorted({r["kind"] for rows in scores[next(iter(named))].values() for r in rows})
    lines += [
        "",
        "nDCG@10 by kind of query (all corpora):",
        "",
        "| setting | " + " | ".join(kinds) + " |",
        "|---|" + "---|" * len(kinds),
    ]
    for name in named:
        allrows = [r for c in corpora for r in scores[name][c]]
        lines.append(
            f"| {name} | "
            + " | ".join(f"{table_means([r for r in allrows if r['kind'] == k]):.3f}" for k in kinds)
            + " |"
        )
    lines += [
        "",
        "First page (top 10) of non-procedure queries: procedure or heading paragraphs, and "
        "paragraphs repeating another on the same page (summed over queries):",
        "",
        "| setting | procedure/heading in top 10 | repeats in top 10 |",
        "|---|---|---|",
    ]
    for name in named:
        allrows = [r for c in corpora for r in scores[name][c] if r["kind"] != "procedure"]
        lines.append(
            f"| {name} | {sum(r['procedure_top10'] for r in allrows)} | {sum(r['repeats_top10'] for r in allrows)} |"
        )
    if sweep:
        names = list(data)
        ik, gk = sweep["chosen_item"], sweep["chosen_gate"]
        lines += [
            "",
            "### Relevance floors, calibrated leave-one-corpus-out",
            "",
            "Whether a query has any confident match is decided first: some candidate must be this close in "
            "meaning (cosine) or contain this share of the query's weight. Chosen on the training corpora to "
            "leave none of the 20 out-of-domain queries a match, then the fewest judged queries without one. "
            "Then which candidates count: within the floor (absolute cosine, and within some distance of "
            "the query's best cosine) or containing enough of the query; chosen as the most precise setting "
            f"(seeds and Kent are judged exhaustively) that costs at most {RECALL_TOLERANCE} of recall@10 "
            "on each training corpus. Each row: the corpus left out, scored with what the others chose.",
            "",
            "| left out | gate | judged queries without a match | nonsense runs with a match "
            "| floors (cosine, within best, coverage, of best coverage) | recall@10 cost | matches per query (without floors) |",
            "|---|---|---|---|---|---|---|",
        ]
        for n in names:
            f = sweep["folds"][n]
            i, g = f["item"], f["gate"]
            rel = "-" if i[1] >= 1 else f"{i[1]:g}"
            lines.append(
                f"| {n} | {gate_label(g)} | {f['real_without']} of {f['real']} | "
                f"{f['nonsense_with']} of {f['nonsense']} | {i[0]:g}, {rel}, {i[2]:g}, {i[3]:g} | "
                f"{f['recall_cost']:+.4f} | {f['matches']:.1f} ({f['matches_unfloored']:.1f}) |"
            )
        lines += [
            "",
            f"Chosen on all corpora: gate {gate_label(gk)}; floors cosine {ik[0]:g}, "
            f"within {ik[1]:g} of the best, coverage {ik[2]:g} (or {ik[3]:g} of the best candidate's).",
            "",
            "Every floor setting measured (all corpora pooled):",
            "",
            "| semantic floor | within best cosine | keyword coverage | of best coverage | nDCG@10 | recall@10 | matches per query | precision (seeds, Kent) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for k, per in sweep["item"].items():
            tot = sum(v["n"] for v in per.values())
            avg = {m: sum(v[m] * v["n"] for v in per.values()) / tot for m in ("ndcg@10", "recall@10", "matches")}
            ex = [per[n] for n in ("seeds", "kent") if n in per]
            prec = sum(v["precision"] * v["n"] for v in ex) / sum(v["n"] for v in ex) if ex else float("nan")
            rel = "-" if k[1] >= 1 else f"{k[1]:g}"
            lines.append(
                f"| {k[0]:g} | {rel} | {k[2]:g} | {k[3]:g} | {avg['ndcg@10']:.4f} | {avg['recall@10']:.4f} | "
                f"{avg['matches']:.1f} | {prec:.3f} |"
            )
        lines += [
            "",
            "Every gate measured (all corpora):",
            "",
            "| gate | judged queries without a match | nonsense runs with a match |",
            "|---|---|---|",
        ]
        for k, per in sweep["gate"].items():
            lines.append(
                f"| {gate_label(k)} | {sum(v['real_without'] for v in per.values())} of "
                f"{sum(v['real'] for v in per.values())} | {sum(v['nonsense_with'] for v in per.values())} of "
                f"{sum(v['nonsense'] for v in per.values())} |"
            )
    return "\n".join(lines) + "\n"


class _Unpickler(pickle.Unpickler):
    """Candidates pickled by ``python -m benchmarks.tuning`` name their classes ``__main__``."""

    def find_class(self, module: str, name: str):
        if module == "__main__":
            module = __name__
        return super().find_class(module, name)


def load_candidates(data_dir: Optional[Path] = None, corpora=CORPORA) -> dict[str, CorpusData]:
    """Every judged minutes corpus's kept candidates: from the cache, else collected (each index
    built or reused as :func:`benchmarks.quality.minutes_index` does)."""
    from importlib import resources

    import minsearch.glossary
    import minsearch.searching.candidates
    import minsearch.store.query
    from minsearch.config import load_settings

    from .common import CACHE, recipe
    from .embed_cache import caching_encoder

    data_dir = data_dir or load_settings().data_dir
    rows = judged_rows()
    nonsense = nonsense_queries()
    encoder = caching_encoder()
    data = {}
    # The glossary (and how its words are matched) decides what the views were asked for.
    glossary_text = [
        resources.files("minsearch").joinpath("data", "glossary.tsv").read_text(encoding="utf-8"),
        Path(minsearch.glossary.__file__).read_text(encoding="utf-8"),
        # the off-topic probes measured with each index (CorpusData.null)
        resources.files("minsearch").joinpath("data", "probes.txt").read_text(encoding="utf-8"),
        # how a query is parsed decides what the keyword view finds ("checks?" was a wildcard)
        Path(minsearch.store.query.__file__).read_text(encoding="utf-8"),
        # which paragraphs name a query's acronyms
        Path(minsearch.searching.candidates.__file__).read_text(encoding="utf-8"),
    ]
    for corpus in corpora:
        # What the views found depends on the index recipe and the judged queries: kept between runs.
        key = hashlib.sha1(
            json.dumps(
                [recipe(), [r for r in rows if r["corpus"] == corpus], nonsense, POOL, TITLE_MODES, glossary_text]
            ).encode()
        ).hexdigest()[:12]
        cached = CACHE / "tuning" / f"{corpus}-{key}.pickle"
        if cached.is_file():
            with open(cached, "rb") as fh:
                data[corpus] = _Unpickler(fh).load()
            print(f"  {corpus}: candidates from {cached.name}")
            continue
        cd = collect(corpus, [r for r in rows if r["corpus"] == corpus], data_dir, encoder, nonsense)
        if cd is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(pickle.dumps(cd))
            data[corpus] = cd
    return data


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--quick", action="store_true", help="fewer title modes")
    args = ap.parse_args(argv)
    data = load_candidates(args.data, args.corpora.split(","))
    grid = settings_grid(args.quick)
    result = loco(data, grid)
    chosen = grid[result["overall"]]
    print(f"  best on all corpora: {chosen.label()}")
    named = named_settings(chosen)
    sweep = floor_sweep(data, named["hybrid, chosen fusion (no floors)"])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ranking.md").write_text(report(data, named, result["folds"], sweep))
    (RESULTS / "ranking.json").write_text(json.dumps({"folds": result["folds"], "overall": chosen.label()}, indent=1))
    print((RESULTS / "ranking.md").read_text())


if __name__ == "__main__":
    main()
