"""RESULTS.md and the PNG plots, from the results dict of benchmarks.run."""

from __future__ import annotations

import math
import os
import platform
from importlib import metadata
from pathlib import Path
from statistics import mean

from .common import PLOTS
from .quality import ALPHAS

PACKAGES = [
    "minsearch",
    "torch",
    "sentence-transformers",
    "transformers",
    "onnxruntime",
    "tokenizers",
    "numpy",
    "whoosh-reloaded",
    "matplotlib",
    "langchain",
    "langchain-classic",
    "langchain-community",
    "langchain-core",
    "rank-bm25",
    "faiss-cpu",
]


RESULTS_DIR = Path(__file__).resolve().parent / "results"
# Before/after summaries, shown after the headline, newest first.
BEFORE_AND_AFTER = ("serving.md", "before_after.md")
# Sections written by their own commands, in the order RESULTS.md shows them after "Speed and size":
# trust (benchmarks.trust), gate (benchmarks.gate), encoders (benchmarks.encoders), scale_out (benchmarks.scale_out), load and memory (benchmarks.load),
# meaning and excerpts (benchmarks.meaning), watch (benchmarks.watch), store_size (benchmarks.store_size), build (benchmarks.build).
MEASURED_APART = (
    "trust.md",
    "gate.md",
    "encoders.md",
    "scale_out.md",
    "load.md",
    "memory.md",
    "meaning.md",
    "excerpts.md",
    "watch.md",
    "store_size.md",
    "build.md",
    "int8-partial.md",
)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": affinity,
        "ram": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def f(x, nd=4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{nd}f}"


def _hybrid_labels(sets) -> list[str]:
    labels = []
    for s in sets:
        for lab in s["results"]:
            if lab.startswith("hybrid") and lab not in labels:
                labels.append(lab)
    return labels


def _all_sets(q: dict) -> list[tuple[str, dict]]:
    """(name, {variant: metrics}) for every IR set and every minutes corpus that ran."""
    out = [(s["set"], s["results"]) for s in q.get("sets", [])]
    for c, r in ((q.get("minutes") or {}).get("corpora") or {}).items():
        if "results" in r:
            out.append((f"minutes/{c}", r["results"]))
    return out


def recommendation(q: dict) -> dict:
    sets = _all_sets(q)
    if not sets:
        return {}
    labels = []
    for _n, r in sets:
        labels += [l for l in r if l.startswith("hybrid") and l not in labels]
    tuned = [l for l in labels if l != "hybrid (default)"] or labels
    per = {}
    for lab in labels:
        vals, passes = [], []
        for name, r in sets:
            if lab not in r:
                continue
            v, best_single = r[lab]["ndcg@10"], max(r["keyword"]["ndcg@10"], r["semantic"]["ndcg@10"])
            vals.append(v)
            passes.append((name, v >= best_single - 1e-12, v - best_single))
        per[lab] = {
            "mean": mean(vals),
            "worst": min(vals),
            "pass": sum(p for _n, p, _d in passes),
            "n": len(passes),
            "fails": [(n, d) for n, p, d in passes if not p],
        }
    best = max(tuned, key=lambda l: per[l]["mean"])
    wins = {lab: 0 for lab in tuned}
    for _n, r in sets:
        present = [l for l in tuned if l in r]
        if present:
            wins[max(present, key=lambda l: r[l]["ndcg@10"])] += 1
    checks = []
    for name, r in sets:
        d, k, se = r["hybrid (default)"]["ndcg@10"], r["keyword"]["ndcg@10"], r["semantic"]["ndcg@10"]
        checks.append(
            {
                "set": name,
                "default": d,
                "keyword": k,
                "semantic": se,
                "best": r.get(best, {}).get("ndcg@10"),
                "at_least_best_single": d >= max(k, se) - 1e-12,
            }
        )
    avg = {m: mean(r[m]["ndcg@10"] for _n, r in sets) for m in ("keyword", "semantic", "hybrid (default)")}
    avg_best = mean(r[best]["ndcg@10"] for _n, r in sets if best in r)
    return {
        "per": per,
        "best": best,
        "checks": checks,
        "avg": avg,
        "avg_best": avg_best,
        "wins": wins,
        "better_than_both_on_average": avg["hybrid (default)"] > max(avg["keyword"], avg["semantic"]),
        "best_better_than_both_on_average": avg_best > max(avg["keyword"], avg["semantic"]),
    }


# The four IR sets' hybrid mean before issue 11 (af056f8, benchmarks/results/before_after.md): issue 11
# asks that it not drop, so a fusion setting below it is not eligible as the default.
IR_FLOOR = 0.5317
# Issue 11: on every judged minutes corpus the default must beat its better single mode by this.
MINUTES_MARGIN = 0.02


def minutes_loco(q: dict, ir_floor: float = IR_FLOOR) -> dict:
    """The fusion setting chosen leave-one-minutes-corpus-out over the product's own runs.

    For each judged minutes corpus, the hybrid setting with the best mean nDCG@10 over the *other*
    minutes corpora is chosen, once among all settings and once among those whose IR-set mean is at
    least ``ir_floor``, and scored on the corpus left out against its better single mode.
    """
    corpora = {c: r["results"] for c, r in ((q.get("minutes") or {}).get("corpora") or {}).items() if "results" in r}
    ir = [s["results"] for s in q.get("sets", [])]
    if len(corpora) < 2:
        return {}
    labels = [
        lab
        for lab in next(iter(corpora.values()))
        if lab.startswith("hybrid") and lab != "hybrid (default)" and all(lab in r for r in corpora.values())
    ]
    ir_mean = {lab: mean(r[lab]["ndcg@10"] for r in ir) for lab in labels if ir and all(lab in r for r in ir)}
    eligible = [lab for lab in labels if ir_mean.get(lab, -1.0) >= ir_floor - 1e-12]

    def choose(pool: list[str], out: str) -> str | None:
        train = [r for c, r in corpora.items() if c != out]
        return max(pool, key=lambda lab: mean(r[lab]["ndcg@10"] for r in train)) if pool else None

    folds = []
    for c, r in corpora.items():
        single = max(r["keyword"]["ndcg@10"], r["semantic"]["ndcg@10"])
        row = {"left_out": c, "single": single, "default": r["hybrid (default)"]["ndcg@10"]}
        for key, pool in (("free", labels), ("ir", eligible)):
            lab = choose(pool, c)
            row[key] = lab
            row[key + "_score"] = r[lab]["ndcg@10"] if lab else None
        folds.append(row)
    return {"folds": folds, "ir_mean": ir_mean, "ir_floor": ir_floor}


def loco_lines(q: dict) -> list[str]:
    """RESULTS.md lines for :func:`minutes_loco`."""
    lo = minutes_loco(q)
    if not lo:
        return []
    L = [
        "### The fusion default, chosen leave-one-corpus-out",
        "",
        "For each judged minutes corpus, the hybrid setting with the best mean nDCG@10 over the other minutes "
        "corpora, scored on the one left out (every row ran through the product's search, as above). "
        f"\"Free\" chooses among every setting; \"IR kept\" only among those whose mean over the four IR sets is "
        f"at least {f(lo['ir_floor'])}, the mean before issue 11 (issue 11: it must not drop). "
        f"Target: the corpus left out >= its better single mode + {MINUTES_MARGIN}.",
        "",
    ]
    rows = []
    for r in lo["folds"]:
        target = r["single"] + MINUTES_MARGIN
        rows.append(
            [
                r["left_out"],
                f(r["single"]),
                f"{r['free']} ({f(r['free_score'])})",
                f"{r['ir'] or 'none'} ({f(r['ir_score'])})",
                "yes" if r["ir_score"] is not None and r["ir_score"] >= target - 1e-12 else "**NO**",
                f(r["default"]),
            ]
        )
    held = {k: [r[k + "_score"] for r in lo["folds"]] for k in ("free", "ir")}
    rows.append(
        [
            "mean held out",
            f(mean(r["single"] for r in lo["folds"])),
            f(mean(held["free"])),
            f(mean(held["ir"])) if None not in held["ir"] else "n/a",
            "",
            f(mean(r["default"] for r in lo["folds"])),
        ]
    )
    L += [
        _table(
            [
                "left out",
                "better single mode",
                "chosen free (held out)",
                "chosen with IR kept (held out)",
                "IR-kept choice >= single + 0.02?",
                "hybrid (default)",
            ],
            rows,
        ),
        "",
        "IR-set mean per setting: "
        + ", ".join(f"{lab} {f(v)}" for lab, v in sorted(lo["ir_mean"].items(), key=lambda kv: -kv[1]))
        + ".",
        "",
    ]
    return L


# -- plots -----------------------------------------------------------------------------------------
def plots(res: dict) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    PLOTS.mkdir(parents=True, exist_ok=True)
    made = []
    q = res.get("quality") or {}
    sets = q.get("sets", [])
    if sets:
        labels = list(sets[0]["results"])
        fig, ax = plt.subplots(figsize=(11, 4.5))
        w = 0.8 / len(labels)
        for i, lab in enumerate(labels):
            ax.bar(
                [j + i * w for j in range(len(sets))],
                [s["results"].get(lab, {}).get("ndcg@10", 0) for s in sets],
                w,
                label=lab,
            )
        ax.set_xticks([j + 0.4 - w / 2 for j in range(len(sets))], [s["set"] for s in sets])
        ax.set_ylabel("nDCG@10")
        ax.set_title("Quality by set and mode / fusion setting")
        ax.legend(fontsize=7, ncol=2)
        fig.tight_layout()
        fig.savefig(PLOTS / "quality_ndcg10.png", dpi=110)
        plt.close(fig)
        made.append("plots/quality_ndcg10.png")
        ks = [k for k in (10, 30, 60, 100) if f"hybrid rrf k={k}" in sets[0]["results"]]
        alphas = [a for a in ALPHAS if f"hybrid weighted alpha={a}" in sets[0]["results"]]
        if ks or alphas:
            fig, axes = plt.subplots(1, 2, figsize=(11, 4))
            for s in sets:
                r = s["results"]
                axes[0].plot(ks, [r[f"hybrid rrf k={k}"]["ndcg@10"] for k in ks], marker="o", label=s["set"])
                axes[1].plot(
                    alphas, [r[f"hybrid weighted alpha={a}"]["ndcg@10"] for a in alphas], marker="o", label=s["set"]
                )
            axes[0].set_xlabel("RRF k")
            axes[1].set_xlabel("weighted fusion alpha (share of semantic)")
            for ax in axes:
                ax.set_ylabel("nDCG@10")
                ax.legend(fontsize=7)
            fig.tight_layout()
            fig.savefig(PLOTS / "fusion_sweep.png", dpi=110)
            plt.close(fig)
            made.append("plots/fusion_sweep.png")
    sp = res.get("speed") or {}
    growth = sp.get("growth") or {}
    if len(growth) > 1:
        pts = sorted(growth.values(), key=lambda g: g["chunks"])
        xs = [g["chunks"] for g in pts]
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        for m in ("keyword", "semantic", "hybrid"):
            axes[0].plot(xs, [g["latency"][m]["p50_ms"] for g in pts], marker="o", label=f"{m} p50")
            axes[0].plot(xs, [g["latency"][m]["p95_ms"] for g in pts], marker="x", linestyle="--", label=f"{m} p95")
        axes[0].set_xlabel("chunks in index")
        axes[0].set_ylabel("warm query latency (ms, no snippets)")
        axes[0].legend(fontsize=7)
        axes[1].plot(xs, [g["build_s"] for g in pts], marker="o", label="build total")
        axes[1].plot(xs, [g["embed_s"] for g in pts], marker="x", label="of which embedding")
        axes[1].set_xlabel("chunks in index")
        axes[1].set_ylabel("build time (s)")
        axes[1].legend(fontsize=7)
        fig.suptitle("Cost growth: 10% / 30% / 100% of Limerick (and + Cleveland where built)")
        fig.tight_layout()
        fig.savefig(PLOTS / "growth.png", dpi=110)
        plt.close(fig)
        made.append("plots/growth.png")
    wl = sp.get("warm_latency") or {}
    if wl:
        keys = list(wl)
        fig, ax = plt.subplots(figsize=(9, 4))
        ax.bar([i - 0.2 for i in range(len(keys))], [wl[k]["p50_ms"] for k in keys], 0.4, label="p50")
        ax.bar([i + 0.2 for i in range(len(keys))], [wl[k]["p95_ms"] for k in keys], 0.4, label="p95")
        ax.set_xticks(range(len(keys)), keys, rotation=20, fontsize=8)
        ax.set_ylabel("ms")
        ax.set_title("Warm query latency, full Limerick index")
        ax.legend()
        fig.tight_layout()
        fig.savefig(PLOTS / "latency.png", dpi=110)
        plt.close(fig)
        made.append("plots/latency.png")
    return made


def headline(res: dict) -> list[str]:
    L = ["## Headline", ""]
    q = res.get("quality") or {}
    rec = recommendation(q) if q else {}
    if rec:
        a = rec["avg"]
        fails = [c["set"] for c in rec["checks"] if not c["at_least_best_single"]]
        L.append(
            f"- Mean nDCG@10 over {len(rec['checks'])} sets (IR + judged minutes): keyword {f(a['keyword'])}, "
            f"semantic {f(a['semantic'])}, default hybrid {f(a['hybrid (default)'])}."
        )
        L.append(
            f"- Default hybrid >= best single mode on every set: "
            f"{'yes' if not fails else 'NO (' + ', '.join(fails) + ')'}; better than both on average: "
            f"{'yes' if rec['better_than_both_on_average'] else 'NO'}."
        )
        b = rec["per"][rec["best"]]
        L.append(
            f"- Best fusion setting by mean nDCG@10: **{rec['best']}** ({f(b['mean'])}; >= best single mode on "
            f"{b['pass']}/{b['n']} sets)."
        )
    sp = res.get("speed") or {}
    if sp.get("build"):
        b = sp["build"]
        L.append(
            f"- Limerick build: {b['chunks']} chunks at {f(b['chunks_per_s_total'], 1)} chunks/s; "
            f"non-encoding share {b['non_encoding_share']:.1%}"
            + (
                " (vectors from the embedding cache or reused: not a measure of encoding; see Speed and size)."
                if (b.get("chunks_per_s_embed") or 0) > 1000 or (b.get("embedding_cache") or {}).get("cached")
                else "."
            )
        )
    if sp.get("warm_latency", {}).get("hybrid"):
        h = sp["warm_latency"]["hybrid"]
        L.append(f"- Warm hybrid latency on Limerick: p50 {f(h['p50_ms'], 1)} ms, p95 {f(h['p95_ms'], 1)} ms.")
    bl = res.get("baseline") or {}
    if bl.get("sets"):
        r = [v.get("ndcg_ratio_minsearch_over_baseline") for v in bl["sets"].values()]
        t = [v.get("latency_ratio_p50_baseline_over_minsearch") for v in bl["sets"].values()]
        L.append(
            f"- vs LangChain EnsembleRetriever: nDCG@10 ratio (minsearch / baseline) per set "
            f"{', '.join(f(x, 2) for x in r)}; p50 latency ratio (baseline / minsearch) {', '.join(f(x, 2) for x in t)}."
        )
    return L + [""]


# -- markdown --------------------------------------------------------------------------------------
def _table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def markdown(res: dict, plot_files: list[str]) -> str:
    m = res["machine"]
    L = [f"# minsearch benchmarks{' (SMOKE: tiny subsets, not real figures)' if res.get('smoke') else ''}", ""]
    L += [
        f"- Date: {res['date']}",
        f"- Command: `{res['command']}`",
        f"- Data dir: `{res['data']}`",
        f"- Machine: {m['cpu']}; {m['cores']} cores ({m['usable_cores']} usable); RAM {m['ram']}; "
        f"Python {m['python']}; {m['platform']}; no GPU",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        "",
    ]
    for sec, when in res.get("section_dates", {}).items():
        L.append(f"- Section `{sec}` measured {when}")
    L.append("")
    L += [
        "Everything below was measured by `benchmarks/run.py` on this machine; anything not measured says "
        "\"not run\" and why. The machine is shared: other jobs (other engineers' benchmarks, and this "
        "benchmark's own background index builds) were running at the same time for parts of these runs, so "
        "absolute times are pessimistic and noisy; ratios within one table are fairer.",
        "",
    ]
    L += headline(res)
    for name in BEFORE_AND_AFTER:  # measured by running the old and the new code back to back
        part = RESULTS_DIR / name
        if part.is_file():
            L += ["", part.read_text().strip(), ""]
    q = res.get("quality")
    L += ["## Quality", ""]
    if not q:
        L += ["Not run (section not selected).", ""]
    else:
        L += [
            "Query preparation: every query is searched as plain words. Whoosh syntax characters "
            "(`? : \" ( ) * [ ] { } ^ ~ +` and all other non-word characters) become spaces and the "
            "operators AND/OR/NOT/TO are lower-cased, so a query is an OR of its words; then "
            "`Searcher.search(Query(text, mode, limit=100), strict=False, snippets=False)`. Queries longer than "
            "500 characters are cut by the Searcher (noted per set). Chunk hits map to documents at their "
            "best chunk (first occurrence kept), so a run can hold fewer than 100 documents. Metrics from "
            "`benchmarks/metrics.py`: nDCG@10 (linear gains, log2 discount, graded where the set has grades), "
            "recall@100 and MRR@10 (relevant = gain > 0), averaged over the queries with at least one relevant "
            "document.",
            "",
        ]
        for name, why in q.get("skipped", {}).items():
            L.append(f"- {name}: not run ({why})")
        for s in q.get("sets", []):
            L += [
                f"### {s['set']}",
                "",
                f"{s['notes']}. {s['docs']} docs ({s['indexed_docs']} indexed as {s['chunks']} chunks; "
                f"{s['skipped_docs']} skipped by the indexer, e.g. duplicate text), {s['queries']} judged "
                f"queries; {s['queries_cut_to_500_chars']} queries cut to 500 characters.",
                "",
            ]
            rows = [
                [lab, f(r["ndcg@10"]), f(r["recall@100"]), f(r["mrr@10"]), f(r["ms_per_query"], 1)]
                for lab, r in s["results"].items()
            ]
            L += [_table(["mode / fusion", "nDCG@10", "recall@100", "MRR@10", "ms/query"], rows), ""]
        rec = recommendation(q)
        if rec:
            L += [
                "### Targets and the recommended fusion default",
                "",
                "Over every set that ran (the IR sets and the judged-minutes corpora), nDCG@10:",
                "",
            ]
            rows = [
                [
                    c["set"],
                    f(c["keyword"]),
                    f(c["semantic"]),
                    f(c["default"]),
                    "yes" if c["at_least_best_single"] else "**NO**",
                    f(c["best"]),
                ]
                for c in rec["checks"]
            ]
            L += [
                _table(
                    ["set", "keyword", "semantic", "hybrid (default)", "default >= best single?", rec["best"]], rows
                ),
                "",
            ]
            a = rec["avg"]
            fails = [c["set"] for c in rec["checks"] if not c["at_least_best_single"]]
            L += [
                f"- Mean over these sets: keyword {f(a['keyword'])}, semantic {f(a['semantic'])}, default hybrid "
                f"{f(a['hybrid (default)'])}: default better than both on average: "
                f"**{'yes' if rec['better_than_both_on_average'] else 'NO'}**.",
                f"- Default hybrid at least as good as the better single mode on every set: "
                f"**{'yes' if not fails else 'NO'}**" + (f" (fails on {', '.join(fails)})." if fails else "."),
                "",
            ]
            rows = [
                [
                    lab,
                    f(v["mean"]),
                    f(v["worst"]),
                    f"{v['pass']}/{v['n']}",
                    ", ".join(f"{n} ({d:+.4f})" for n, d in v["fails"]) or "-",
                    str(rec["wins"].get(lab, "-")),
                ]
                for lab, v in sorted(rec["per"].items(), key=lambda kv: -kv[1]["mean"])
            ]
            L += [
                _table(
                    [
                        "hybrid setting",
                        "mean nDCG@10",
                        "worst set",
                        "sets >= best single",
                        "sets below best single (gap)",
                        "sets where best hybrid",
                    ],
                    rows,
                ),
                "",
                f"- Highest mean nDCG@10: **{rec['best']}** ({f(rec['per'][rec['best']]['mean'])}; better than "
                f"both single modes on average: {'yes' if rec['best_better_than_both_on_average'] else 'NO'}).",
                "",
            ]
            L += loco_lines(q)
        mins = q.get("minutes") or {}
        L += ["### Judged minutes set (benchmarks/judged/minutes.jsonl)", ""]
        if "skipped" in mins:
            L += [f"Not run: {mins['skipped']}.", ""]
        else:
            L += [
                f"{mins.get('queries', 0)} queries. Chunk-level: each judged (doc_id, fragment, grade) is one "
                "relevant item, covered by a chunk of that document whose whitespace-normalised, case-folded "
                "text contains the fragment; nDCG@10 and MRR@10 credit an item once, at the first chunk "
                "covering it (gain = grade); recall@100 = share of items covered by the top 100 chunks.",
                "",
            ]
            for c, r in mins.get("corpora", {}).items():
                if "skipped" in r:
                    L += [f"- {c}: not run ({r['skipped']}; {r['queries']} queries)"]
                    continue
                L += [f"#### {c} ({r['queries']} queries; index: {r['index_source']})", ""]
                L += [
                    _table(
                        ["mode / fusion", "nDCG@10", "recall@100", "MRR@10"],
                        [[lab, f(x["ndcg@10"]), f(x["recall@100"]), f(x["mrr@10"])] for lab, x in r["results"].items()],
                    ),
                    "",
                ]
            kinds = mins.get("kinds") or {}
            if kinds:
                labs = ["keyword", "semantic", "hybrid (default)"]
                extra = (recommendation(q) or {}).get("best")
                if extra and extra not in labs:
                    labs.append(extra)
                L += ["#### By query kind (nDCG@10, all corpora)", ""]
                L += [
                    _table(
                        ["kind", "queries"] + labs,
                        [
                            [k, str(next(iter(v.values()))["queries"])]
                            + [f(v[l]["ndcg@10"]) if l in v else "n/a" for l in labs]
                            for k, v in sorted(kinds.items())
                        ],
                    ),
                    "",
                ]
    for name in (
        "feedback.md",
        "nearby.md",
        "everyday.md",
        "joint.md",
        "exact_floor.md",
        "topic_floor.md",
        "query_variants.md",
        "item_context.md",
        "calibration.md",
        "ranking.md",
    ):
        # Measured by their own commands (python -m benchmarks.feedback, .nearby, .everyday, .joint,
        # .exact_floor (also --setting topic_gap), .query_variants, .item_context, .calibration, .tuning): as written.
        ranking = Path(__file__).resolve().parent / "results" / name
        if ranking.is_file():
            L += [ranking.read_text().strip(), ""]
    sp = res.get("speed")
    L += ["## Speed and size", ""]
    if not sp:
        L += ["Not run (section not selected).", ""]
    elif "skipped" in sp:
        L += [f"Not run: {sp['skipped']}.", ""]
    else:
        b = sp["build"]
        s = b["seconds"]
        L += [
            f"Corpus: Limerick minutes via {sp['converter']}. Index: `{sp['index']}`.",
            "",
            f"### Index build (Limerick {sp.get('full_label', '100%')}, one run, cached afterwards)",
            "",
            _table(
                ["phase", "seconds", "chunks/s"],
                [
                    ["read + parse + chunk", f(s.get("read_and_chunk"), 1), f(b["chunks_per_s_read_and_chunk"], 0)],
                    [
                        "embedding (MiniLM, ONNX export of the same weights, 2 threads)",
                        f(s.get("embed"), 1),
                        f(b["chunks_per_s_embed"], 1),
                    ],
                    ["write (Whoosh keyword index + vectors)", f(s.get("write"), 1), f(b["chunks_per_s_write"], 0)],
                    ["total", f(s.get("total"), 1), f(b["chunks_per_s_total"], 1)],
                ],
            ),
            "",
            f"{b['documents']} documents, {b['chunks']} chunks. Share of build time that is not encoding: "
            f"**{b['non_encoding_share']:.1%}** (target < 25%: "
            f"**{'met' if b['non_encoding_share'] < 0.25 else 'NOT met'}**). The embedding phase includes "
            "tokenising chunks into model windows. "
            + (
                "This index took its vectors from the benchmarks' embedding cache (`benchmarks/embed_cache.py`, "
                "keyed by model, weights and text) or from an earlier index of the same texts (reused by key): "
                "the embedding phase ran at thousands of chunks/s, so this row measures "
                "reading, chunking and writing, and the share above says nothing about encoding. The last build "
                "that embedded (2026-11-25, the index's ONNX export, index format 1) ran at 64.9 chunks/s overall, "
                "12.0% of it not encoding."
                if (b.get("chunks_per_s_embed") or 0) > 1000
                else (
                    f"{b['embedding_cache']['cached']:,} of its texts' vectors came from the benchmarks' "
                    f"embedding cache and {b['embedding_cache']['embedded']:,} distinct texts were embedded "
                    "(by the index's ONNX export): the embedding row is not a whole build's."
                    if (b.get("embedding_cache") or {}).get("cached")
                    else "It embedded with the index's ONNX export of the same weights."
                )
            ),
            "",
        ]
        wl = sp["warm_latency"]
        for k, v in (sp.get("missing") or {}).items():
            L += [f"- Limerick {k}: {v}"]
        L += [""]
        L += [
            f"### Warm query latency (one process, Limerick {sp.get('full_label', '100%')}, limit 10)",
            "",
            f"{sp['latency_queries']} queries, each run twice per mode after a warm-up.",
            "",
            _table(
                ["mode", "p50 ms", "p95 ms", "mean ms", "n"],
                [[k, f(v["p50_ms"], 1), f(v["p95_ms"], 1), f(v["mean_ms"], 1), str(v["n"])] for k, v in wl.items()],
            ),
            "",
        ]
        h = wl.get("hybrid")
        if h:
            L += [
                f"Targets (hybrid, no snippets): p50 < 50 ms **{'met' if h['p50_ms'] < 50 else 'NOT met'}** "
                f"({f(h['p50_ms'], 1)}), p95 < 150 ms **{'met' if h['p95_ms'] < 150 else 'NOT met'}** "
                f"({f(h['p95_ms'], 1)}).",
                "",
            ]
        hs = wl.get("hybrid +snippets")
        if hs:
            L += [
                f"With snippets: hybrid p50 {f(hs['p50_ms'], 1)} ms "
                f"({'met' if hs['p50_ms'] < 50 else 'NOT met'}), p95 {f(hs['p95_ms'], 1)} ms "
                f"({'met' if hs['p95_ms'] < 150 else 'NOT met'}).",
                "",
            ]
        cc = sp.get("cold_cli")
        L += ["### Cold `minsearch query` (new process each time, seeds index)", ""]
        if not cc:
            L += ["Not run (no seeds index).", ""]
        elif "error" in cc:
            L += [f"Not run: {cc['error']}", ""]
        else:
            tgt = {"keyword": 1.0, "hybrid": 2.0}
            L += [
                _table(
                    ["mode", "median s", "runs (s)", "target", "met?"],
                    [
                        [
                            m,
                            f(v["median_s"], 2),
                            ", ".join(map(str, v["runs"])),
                            f"{tgt[m]} s",
                            "yes" if v["median_s"] < tgt[m] else "**NO**",
                        ]
                        for m, v in cc.items()
                    ],
                ),
                "",
            ]
        sv = sp.get("serve") or {}
        L += [f"### Memory of `minsearch serve` (Limerick {sp.get('full_label', '100%')} index)", ""]
        if "skipped" in sv:
            L += [f"Not run: {sv['skipped']}.", ""]
        else:
            L += [
                f"Peak RSS (VmHWM) **{f(sv['vm_hwm_mb'], 0)} MB** (RSS now {f(sv['vm_rss_mb'], 0)} MB) after "
                f"{sv['requests']} /api/search requests (HTTP p50 {f(sv['http_p50_ms'], 1)} ms, "
                f"p95 {f(sv['http_p95_ms'], 1)} ms, snippets included).",
                "",
            ]
        sz = sp["size"]
        L += [
            f"### Index size on disk (Limerick {sp.get('full_label', '100%')})",
            "",
            ", ".join(f"{k.replace('_mb', '')} {f(v, 1)} MB" for k, v in sz.items()),
            "",
        ]
        g = sp.get("growth") or {}
        L += ["### Growth with corpus size", ""]
        L += [
            _table(
                [
                    "share",
                    "docs",
                    "chunks",
                    "build s",
                    "embed s",
                    "size MB",
                    "kw p50/p95",
                    "sem p50/p95",
                    "hyb p50/p95",
                ],
                [
                    [
                        k,
                        str(v["documents"]),
                        str(v["chunks"]),
                        f(v["build_s"], 1),
                        f(v["embed_s"], 1),
                        f(v["size_mb"], 1),
                    ]
                    + [
                        f"{f(v['latency'][m]['p50_ms'], 1)} / {f(v['latency'][m]['p95_ms'], 1)}"
                        for m in ("keyword", "semantic", "hybrid")
                    ]
                    for k, v in sorted(g.items(), key=lambda kv: kv[1]["chunks"])
                ],
            ),
            "",
        ]
        if "100% + Cleveland" in g:
            L += [
                f"100% + Cleveland: {g['100% + Cleveland']['note']}; Cleveland's noisy PDF text becomes many short "
                "paragraphs, so it adds more chunks than words would suggest.",
                "",
            ]
        elif sp.get("growth_cleveland"):
            L += [f"Limerick + Cleveland: {sp['growth_cleveland']}.", ""]
        for share in ("10%", "30%", "100%"):
            if share not in g and share not in (sp.get("missing") or {}):
                L += [f"- Limerick {share}: not run (not in this run's `--growth`)."]
        L += [""]
        inc = sp.get("incremental") or {}
        if inc:
            L += [
                f"### Incremental re-index (Limerick {sp.get('full_label', '100%')} index, a copy)",
                "",
                f"- Add one meeting (one new record in a second JSONL file): **{f(inc['add_one_s'], 2)} s** "
                f"(target < 5 s: **{'met' if inc['add_one_s'] < 5 else 'NOT met'}**); phases "
                f"{ {k: round(v, 2) for k, v in inc['add_summary']['seconds'].items()} }, "
                f"{inc['add_summary']['new_chunks']} chunks embedded.",
                f"- No-op re-run: **{f(inc['noop_s'], 2)} s** (target < 10 s: "
                f"**{'met' if inc['noop_s'] < 10 else 'NOT met'}**); published a generation: "
                f"{inc['noop_summary']['published']}.",
                "- `index_paths` as a publisher runs it: no model preloaded; the indexer embeds with the index's "
                "ONNX export (starts in ~0.5 s), so the time includes that start.",
                "",
            ]
    bl = res.get("baseline")
    L += ["## Side by side: LangChain EnsembleRetriever (BM25 + FAISS, equal weights)", ""]
    if not bl:
        L += ["Not run (section not selected).", ""]
    elif "skipped" in bl:
        L += [f"Not run: {bl['skipped']}.", ""]
    else:
        L += [
            f"Implementation: {bl['implementation']}; `EnsembleRetriever(weights=[0.5, 0.5])` (weighted RRF, "
            "c=60) over `BM25Retriever` (rank-bm25 BM25Okapi, lower-cased `\\w+` tokens, k=100) and a FAISS "
            "flat store (k=100). Same chunks as minsearch's index, same MiniLM vectors (read back from the "
            "index), same ONNX query encoder, same machine, same run. minsearch column: default hybrid.",
            "",
        ]
        rows = []
        for name, r in list(bl.get("sets", {}).items()) + (
            [("limerick (latency only)", bl["limerick"])] if "limerick" in bl else []
        ):
            lat = r["latency_ms"]
            rows.append(
                [
                    name,
                    str(r["chunks"]),
                    f(r["minsearch_hybrid_default"]["ndcg@10"]) if "baseline" in r else "-",
                    f(r["baseline"]["ndcg@10"]) if "baseline" in r else "-",
                    f(r.get("ndcg_ratio_minsearch_over_baseline"), 3) if "baseline" in r else "-",
                    f"{f(lat['minsearch_p50'], 1)} / {f(lat['minsearch_p95'], 1)}",
                    f"{f(lat['baseline_p50'], 1)} / {f(lat['baseline_p95'], 1)}",
                    f(r["latency_ratio_p50_baseline_over_minsearch"], 2),
                ]
            )
        L += [
            _table(
                [
                    "set",
                    "chunks",
                    "minsearch nDCG@10",
                    "baseline nDCG@10",
                    "nDCG ratio (ms/bl)",
                    "minsearch p50/p95 ms",
                    "baseline p50/p95 ms",
                    "p50 ratio (bl/ms)",
                ],
                rows,
            ),
            "",
            "Latency here is limit=100 with no snippets for both (the quality setting), warm: both systems are open "
            "side by side and each query is timed on both in turn, alternating which goes first.",
            "",
        ]
    before_after = RESULTS_DIR / "baseline_speed.md"
    if before_after.is_file():  # (python -m benchmarks.baseline --checkout ...: the code before, the same run)
        L += [
            "### Before and after, against the same baseline",
            "",
            before_after.read_text(encoding="utf-8").strip(),
            "",
        ]
    # Sections measured by their own commands (a Milvus server, a served index under load, two code
    # trees side by side...): each writes its file under results/, included here as written.
    for name in MEASURED_APART:
        part = RESULTS_DIR / name
        if part.is_file():
            L += [part.read_text().strip(), ""]
    if plot_files:
        L += ["## Plots", ""] + [f"![{p}]({p})" for p in plot_files] + [""]
    return "\n".join(L)
