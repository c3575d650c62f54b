"""The first page as an officer sees it: issue 11's trust targets, through the product's search.

Every judged minutes query that is not about procedure is searched by the product (default
hybrid, limit 10) over its corpus's benchmark index, and the first page is checked for what
wastes a reader's time: procedure or heading paragraphs, and the same text shown twice. The 20
out-of-domain queries (``benchmarks/judged/nonsense.txt``) are searched over every corpus: none
may have a confident match. Unlike :mod:`benchmarks.calibration`, which replays kept candidates,
this runs the whole search (meaning feedback, duplicates, every rule), so it checks the product.

    python -m benchmarks.trust [--data DIR]

writes ``benchmarks/results/trust.md`` (included in RESULTS.md). About 10 s with cached indexes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from .common import BENCH_DIR, measured_report

RESULTS = BENCH_DIR / "results" / "trust.md"


def first_pages(data: Path, log=print) -> dict[str, dict]:
    """Per corpus: queries checked, procedure/heading hits and repeated texts on their first
    pages (with examples), and out-of-domain queries answered."""
    from minsearch.config import load_settings
    from minsearch.model import Query
    from minsearch.search import Searcher

    from .common import by_corpus_of, judged_rows, norm_text
    from .quality import minutes_index
    from .tuning import nonsense_queries

    nonsense = nonsense_queries()
    out: dict[str, dict] = {}
    for corpus, qs in by_corpus_of(judged_rows()).items():
        home, why = minutes_index(corpus, data, None, log, build_limerick=False)
        if home is None:
            out[corpus] = {"skipped": why}
            continue
        searcher = Searcher(load_settings(index_dir=home))
        checked, procedure, repeats, examples = 0, 0, 0, []
        for r in qs:
            if r.get("kind") == "procedure":
                continue
            checked += 1
            res = searcher.search(Query(text=r["query"], mode="hybrid", limit=10), strict=False, snippets=False)
            seen: set[str] = set()
            for h in res.hits:
                text = norm_text(h.chunk.text)
                if h.chunk.kind != "substance":
                    procedure += 1
                    examples.append(f"{r['qid']}: {h.chunk.kind} {h.chunk.text[:60]!r}")
                if text in seen:
                    repeats += 1
                    examples.append(f"{r['qid']}: repeat {h.chunk.text[:60]!r}")
                seen.add(text)
        answered = [
            q
            for q in nonsense
            if searcher.search(Query(text=q, mode="hybrid", limit=10), strict=False, snippets=False).total
        ]
        searcher.close()
        out[corpus] = {
            "queries": checked,
            "procedure": procedure,
            "repeats": repeats,
            "examples": examples,
            "nonsense": len(nonsense),
            "answered": answered,
        }
    return out


def report(pages: dict[str, dict], when: str) -> str:
    """Markdown for RESULTS.md."""
    lines = [
        "## The first page: procedure, repeats and out-of-domain queries (`python -m benchmarks.trust`)",
        "",
        f"Measured {when} through the product's own search (default hybrid, first page of 10) on each "
        "judged minutes corpus's benchmark index. Issue 11's targets: no procedure or heading paragraph "
        "on the first page of a query that is not about procedure, no text twice on a first page, no "
        "confident match for any of the 20 out-of-domain queries.",
        "",
        "| corpus | queries (not procedure) | procedure or heading in top 10 | repeated texts in top 10 "
        "| out-of-domain queries answered |",
        "|---|---|---|---|---|",
    ]
    examples = []
    for corpus, p in pages.items():
        if "skipped" in p:
            lines.append(f"| {corpus} | not run: {p['skipped']} | | | |")
            continue
        lines.append(
            f"| {corpus} | {p['queries']} | {p['procedure']} | {p['repeats']} | {len(p['answered'])} of {p['nonsense']} |"
        )
        examples += [f"- {corpus} {e}" for e in p["examples"][:5]]
        examples += [f"- {corpus}: answered {q!r}" for q in p["answered"]]
    return "\n".join(lines + [""] + examples + ([""] if examples else [])) + "\n"


def main(argv: Optional[list[str]] = None) -> None:
    measured_report(argv, __doc__, lambda data: first_pages(data, log=lambda m: None), report, RESULTS)


if __name__ == "__main__":
    main()
