#!/usr/bin/env python3
"""Verify the judged retrieval set in benchmarks/judged/minutes.jsonl.

For every relevant entry it loads the source document, normalises whitespace in
both the document and the fragment (every run of whitespace, including U+00A0,
becomes one space), lower-cases both, and checks that the fragment occurs
exactly once in the document. It also checks that the fragment lies within one
source line, and it validates the record schema.

Document sources:
  seeds     <seeds-dir>/<doc_id>.txt          (default: <repo>/seeds)
  kent      <data-dir>/kent-cc-minutes-sample/<doc_id>.txt
  limerick  <data-dir>/limerick-council-minutes/minutes.jsonl.gz, record whose "id" == doc_id
  london-ontario, cleveland
            the record whose "id" == doc_id in what `minsearch import london-ontario` and
            `minsearch import cleveland --limit 12` write (the meeting rebuilt as text, or the
            first 12 weekly issues of 2017)

Usage:
  python benchmarks/judged/check_judged.py [--data-dir DIR] [--seeds-dir DIR] [--file PATH] [-v]

--data-dir defaults to $MINSEARCH_DATA, or /work/shared/data if that is unset.
Exit status is 0 when every check passes, 1 if any check fails, 2 if the data dir is missing.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
KINDS = {"plain", "paraphrase", "acronym", "name", "number", "phrase", "question", "address", "procedure"}
CORPORA = {"seeds", "kent", "limerick", "london-ontario", "cleveland"}
IMPORTED = {"london-ontario": None, "cleveland": 12}  # corpus -> records taken by the importer
_WS = re.compile(r"[\s\u00a0]+")


def norm(s: str) -> str:
    return _WS.sub(" ", s).strip().lower()


class Docs:
    def __init__(self, data_dir: Path, seeds_dir: Path):
        self.data_dir = data_dir
        self.seeds_dir = seeds_dir
        self._lim: dict[str, str] | None = None
        self._imported: dict[str, dict[str, str]] = {}
        self._cache: dict[tuple[str, str], tuple[str, list[str]]] = {}

    def _limerick(self) -> dict[str, str]:
        if self._lim is None:
            path = self.data_dir / "limerick-council-minutes" / "minutes.jsonl.gz"
            self._lim = {}
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    self._lim[rec["id"]] = rec["text"]
        return self._lim

    def get(self, corpus: str, doc_id: str) -> tuple[str, list[str]]:
        """Return (normalised document, normalised non-empty lines)."""
        key = (corpus, doc_id)
        if key not in self._cache:
            if corpus == "seeds":
                text = (self.seeds_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
            elif corpus == "kent":
                path = self.data_dir / "kent-cc-minutes-sample" / f"{doc_id}.txt"
                text = path.read_text(encoding="utf-8")
            elif corpus == "limerick":
                text = self._limerick()[doc_id]
            elif corpus in IMPORTED:
                if corpus not in self._imported:
                    sys.path.insert(0, str(REPO))
                    from minsearch.ingest.corpora import iter_corpus

                    self._imported[corpus] = {
                        r["id"]: r["text"] for r in iter_corpus(corpus, self.data_dir, IMPORTED[corpus])
                    }
                text = self._imported[corpus][doc_id]
            else:
                raise KeyError(corpus)
            lines = [norm(l) for l in text.split("\n")]
            self._cache[key] = (norm(text), [l for l in lines if l])
        return self._cache[key]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("MINSEARCH_DATA", "/work/shared/data")),
        help="shared data dir (default: $MINSEARCH_DATA or /work/shared/data)",
    )
    ap.add_argument(
        "--seeds-dir",
        type=Path,
        default=REPO / "seeds",
        help="directory holding the seed .txt files (default: <repo>/seeds)",
    )
    ap.add_argument(
        "--file",
        type=Path,
        default=HERE / "minutes.jsonl",
        help="judged set to check (default: minutes.jsonl next to this script)",
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="print every entry")
    args = ap.parse_args(argv)

    if not args.data_dir.is_dir():
        print(f"ERROR: data dir {args.data_dir} not found (set --data-dir or MINSEARCH_DATA)")
        return 2
    docs = Docs(args.data_dir, args.seeds_dir)
    errors: list[str] = []
    warnings: list[str] = []
    qids: set[str] = set()
    per_corpus = collections.Counter()
    per_kind = collections.Counter()
    per_cell = collections.Counter()
    n_rel = collections.Counter()
    n_grade = collections.Counter()

    with args.file.open(encoding="utf-8") as fh:
        records = [(i, json.loads(line)) for i, line in enumerate(fh, 1) if line.strip()]

    for lineno, rec in records:
        where = f"line {lineno} ({rec.get('qid', '?')})"
        for field in ("qid", "query", "kind", "corpus", "relevant"):
            if field not in rec:
                errors.append(f"{where}: missing field {field!r}")
        if any(f not in rec for f in ("qid", "query", "kind", "corpus", "relevant")):
            continue
        if rec["qid"] in qids:
            errors.append(f"{where}: duplicate qid")
        qids.add(rec["qid"])
        if rec["kind"] not in KINDS:
            errors.append(f"{where}: bad kind {rec['kind']!r}")
        if rec["corpus"] not in CORPORA:
            errors.append(f"{where}: bad corpus {rec['corpus']!r}")
            continue
        if not rec["relevant"]:
            errors.append(f"{where}: no relevant entries")
        per_corpus[rec["corpus"]] += 1
        per_kind[rec["kind"]] += 1
        per_cell[(rec["corpus"], rec["kind"])] += 1
        seen = set()
        for ent in rec["relevant"]:
            doc_id, frag, grade = ent.get("doc_id"), ent.get("fragment"), ent.get("grade")
            tag = f"{where} [{doc_id}] {frag!r}"
            if grade not in (1, 2):
                errors.append(f"{tag}: grade must be 1 or 2, got {grade!r}")
                continue
            if not isinstance(frag, str) or not frag.strip():
                errors.append(f"{tag}: empty fragment")
                continue
            if (doc_id, norm(frag)) in seen:
                errors.append(f"{tag}: repeated entry")
            seen.add((doc_id, norm(frag)))
            try:
                ndoc, nlines = docs.get(rec["corpus"], doc_id)
            except (KeyError, FileNotFoundError) as exc:
                errors.append(f"{tag}: document not found ({exc})")
                continue
            nf = norm(frag)
            hits = ndoc.count(nf)
            if hits != 1:
                errors.append(f"{tag}: fragment occurs {hits} times (want exactly 1)")
                continue
            if not any(nf in l for l in nlines):
                errors.append(f"{tag}: fragment spans a line break in the source")
                continue
            nw = len(nf.split())
            if nw < 3 or nw > 20:
                warnings.append(f"{tag}: fragment has {nw} words")
            n_rel[rec["corpus"]] += 1
            n_grade[grade] += 1
            if args.verbose:
                print(f"ok  {rec['qid']:<12} g{grade} {doc_id[:60]} | {frag}")

    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)

    kinds = sorted(KINDS)
    print(
        f"\n{len(records)} queries, {sum(n_rel.values())} verified judgments "
        f"(grade 2: {n_grade[2]}, grade 1: {n_grade[1]})"
    )
    print(f"{'corpus':<15}" + "".join(f"{k:>11}" for k in kinds) + f"{'total':>8}{'judged':>8}")
    for c in sorted(CORPORA):
        print(f"{c:<15}" + "".join(f"{per_cell[(c, k)]:>11}" for k in kinds) + f"{per_corpus[c]:>8}{n_rel[c]:>8}")
    print(
        f"{'all':<15}"
        + "".join(f"{per_kind[k]:>11}" for k in kinds)
        + f"{sum(per_corpus.values()):>8}{sum(n_rel.values()):>8}"
    )
    if errors:
        print(f"\nFAILED: {len(errors)} error(s)")
        return 1
    print("\nOK: every fragment occurs exactly once in its document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
