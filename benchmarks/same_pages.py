"""Do two checkouts show the same pages? Every page a user sees for many queries, saved, then compared.

    PYTHONHASHSEED=0 python -m benchmarks.same_pages save OUT.jsonl --index INDEX   (in each checkout)
    python -m benchmarks.same_pages compare BEFORE.jsonl AFTER.jsonl

Pages: ``/`` and ``/api/search`` in the three modes for the load benchmark's queries, Limerick's
judged queries and a few odd ones (misspelt, quoted, boolean, a wildcard, nonsense); for a third of
them page 2, newest first and a date filter; "more like this" and the document of the hits found
(whole, and with the hit marked). Run both sides with the same ``PYTHONHASHSEED``: which copies a
hit lists as "also in" can depend on the order Python's string hashing gives a set.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import urllib.parse
from pathlib import Path

from .load import SEEDS_QUERIES
from .speed import LATENCY_QUERIES, judged_limerick_queries

ODD_QUERIES = [
    "EHCP",
    "dental checks since 2022",
    '"Irish Water"',
    "housing AND NOT rural",
    "huosing adaptaton",
    "purple elephant trombone",
    "educ*",
    "title:budget",
    "Cathaoirleach",
    "what did council say about flooding?",
    "recieve",
    "N20 road",
    "LPT",
    "council:limerick housing",
]


def save(out: Path, index: Path, limit: int = 150) -> int:
    """Request every page and write one JSON line per page: path, status, body. Returns pages saved."""
    from minsearch.app.web import create_app
    from minsearch.config import load_settings

    client = create_app(load_settings(index_dir=index)).test_client()
    queries = list(dict.fromkeys(SEEDS_QUERIES + LATENCY_QUERIES + judged_limerick_queries() + ODD_QUERIES))
    docs: set[tuple[str, int]] = set()
    chunks: set[str] = set()
    saved = 0
    with out.open("w", encoding="utf-8") as fh:

        def get(path: str):
            nonlocal saved
            r = client.get(path)
            fh.write(json.dumps({"path": path, "status": r.status_code, "body": r.get_data(as_text=True)}) + "\n")
            saved += 1
            return r

        for i, q in enumerate(queries):
            for mode in ("hybrid", "keyword", "semantic"):
                r = get("/api/search?" + urllib.parse.urlencode({"q": q, "mode": mode}))
                if r.status_code == 200:
                    for h in r.get_json()["hits"][:4]:
                        docs.add((h["doc_id"], h["paragraph"]))
                        chunks.add(h["chunk_id"])
                get("/?" + urllib.parse.urlencode({"q": q, "mode": mode}))
            if i % 3 == 0:
                get("/?" + urllib.parse.urlencode({"q": q, "page": 2}))
                get("/?" + urllib.parse.urlencode({"q": q, "sort": "date"}))
                get("/?" + urllib.parse.urlencode({"q": q, "since": "2021-01-01", "until": "2022-12-31"}))
                get("/api/search?" + urllib.parse.urlencode({"q": q, "mode": "semantic", "page": 2}))
        for chunk in sorted(chunks)[:limit]:
            get("/similar?" + urllib.parse.urlencode({"chunk": chunk}))
        for doc, para in sorted(docs)[:limit]:
            get("/doc?" + urllib.parse.urlencode({"id": doc}))
            get("/doc?" + urllib.parse.urlencode({"id": doc, "hit": para, "back": "/?q=x"}))
    return saved


def compare(before: Path, after: Path, show: int = 5) -> int:
    """Print how many pages differ (and the first few differences); the number that differ."""
    a = [json.loads(line) for line in before.open(encoding="utf-8")]
    b = [json.loads(line) for line in after.open(encoding="utf-8")]
    if [x["path"] for x in a] != [x["path"] for x in b]:
        print("the two runs asked for different pages")
        return max(len(a), len(b))
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    print(f"{len(a)} pages, {len(differ)} differ")
    for x, y in differ[:show]:
        print(x["path"], x["status"], y["status"])
        lines = difflib.unified_diff(x["body"].splitlines(), y["body"].splitlines(), lineterm="", n=0)
        for line in list(lines)[:12]:
            print("   ", line[:300])
    return len(differ)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save", help="save every page of this checkout")
    s.add_argument("out", type=Path)
    s.add_argument("--index", type=Path, required=True)
    c = sub.add_parser("compare", help="compare two saved runs")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    a = ap.parse_args(argv)
    if a.command == "save":
        print(f"{save(a.out, a.index)} pages saved to {a.out}", file=sys.stderr)
        return 0
    return 1 if compare(a.before, a.after) else 0


if __name__ == "__main__":
    sys.exit(main())
