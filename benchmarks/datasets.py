"""The judged IR sets in the data dir, as (docs, queries, qrels), and as minsearch JSONL.

* ``docs``: {doc_id: {"title", "text"}}; ``queries``: {qid: text}; ``qrels``: {qid: {doc_id: gain}}
  (gain > 0 = relevant; graded where the set has grades).
* MS MARCO 5k (BEIR, qrels WITHOUT header; grades 1-3 -> gains 1-3), DBpedia 5k (BEIR, qrels WITH
  header; grades 0-2 -> gains 0-2), CISI (SMART; binary), Cranfield (SMART; qrels number queries
  by position 1..225; grades 1-4 / -1; grade <= 3 relevant with gain 4 - grade).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .common import CACHE, file_hash, write_jsonl


@dataclass
class JudgedSet:
    name: str
    docs: dict[str, dict]
    queries: dict[str, str]
    qrels: dict[str, dict[str, float]]
    notes: str = ""

    def subset(self, n_docs: Optional[int], n_queries: Optional[int]) -> "JudgedSet":
        """A small, still meaningful subset: the first ``n_queries`` judged queries, their relevant
        docs first, then other docs up to ``n_docs``."""
        qids = [q for q in self.queries if any(g > 0 for g in self.qrels.get(q, {}).values())][:n_queries]
        keep: list[str] = []
        for q in qids:
            keep += [d for d, g in self.qrels[q].items() if g > 0 and d in self.docs]
        keep = list(dict.fromkeys(keep))
        for d in self.docs:
            if n_docs is not None and len(keep) >= n_docs:
                break
            if d not in keep:
                keep.append(d)
        keep_set = set(keep)
        return JudgedSet(
            self.name,
            {d: self.docs[d] for d in keep},
            {q: self.queries[q] for q in qids},
            {q: {d: g for d, g in self.qrels[q].items() if d in keep_set} for q in qids},
            self.notes + f" (subset: {len(keep)} docs, {len(qids)} queries)",
        )

    def to_jsonl(self, tag: str = "") -> Path:
        out = CACHE / "sets" / f"{self.name}{tag}.jsonl"
        write_jsonl(({"id": d, "title": r.get("title", ""), "text": r["text"]} for d, r in self.docs.items()), out)
        return out

    def index_key(self, path: Path) -> str:
        return file_hash(path)


def _read_beir(folder: Path, header: bool) -> tuple[dict, dict, dict]:
    docs, queries, qrels = {}, {}, {}
    with open(folder / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                docs[str(r["_id"])] = {"title": r.get("title") or "", "text": r.get("text") or ""}
    with open(folder / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                queries[str(r["_id"])] = r["text"]
    with open(folder / "qrels" / "test.tsv", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    if header:
        lines = lines[1:]
    for line in lines:
        if not line.strip():
            continue
        q, d, s = line.split("\t")
        qrels.setdefault(q, {})[d] = float(s)
    queries = {q: t for q, t in queries.items() if q in qrels}
    return docs, queries, qrels


def msmarco(data: Path) -> JudgedSet:
    d, q, r = _read_beir(data / "ir-msmarco-5k-subset", header=False)
    return JudgedSet("msmarco-5k", d, q, r, "MS MARCO / TREC DL 2019, graded 1-3 (gain = grade)")


def dbpedia(data: Path) -> JudgedSet:
    d, q, r = _read_beir(data / "ir-dbpedia-5k-subset", header=True)
    return JudgedSet("dbpedia-5k", d, q, r, "DBpedia-Entity v2, graded 0-2 (gain = grade)")


def _smart(path: Path) -> list[tuple[str, dict[str, str]]]:
    """SMART-format records: [(.I id, {field letter: text})]."""
    out: list[tuple[str, dict[str, str]]] = []
    cur: Optional[dict[str, list[str]]] = None
    field = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.match(r"^\.I\s+(\S+)", line)
        if m:
            cur = {}
            out.append((m.group(1), cur))  # type: ignore[arg-type]
            field = None
            continue
        m = re.match(r"^\.([A-Z])\s*$", line)
        if m and cur is not None:
            field = m.group(1)
            cur.setdefault(field, [])
            continue
        if cur is not None and field:
            cur[field].append(line)
    return [(i, {k: "\n".join(v).strip() for k, v in f.items()}) for i, f in out]  # type: ignore[union-attr]


def cisi(data: Path) -> JudgedSet:
    folder = data / "ir-cisi"
    docs = {
        str(int(i)): {"title": " ".join(f.get("T", "").split()), "text": f.get("W", "")}
        for i, f in _smart(folder / "CISI.ALL")
    }
    queries = {str(int(i)): " ".join((f.get("W") or f.get("T", "")).split()) for i, f in _smart(folder / "CISI.QRY")}
    qrels: dict[str, dict[str, float]] = {}
    for line in (folder / "CISI.REL").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(str(int(parts[0])), {})[str(int(parts[1]))] = 1.0
    queries = {q: t for q, t in queries.items() if q in qrels}
    return JudgedSet("cisi", docs, queries, qrels, "CISI, binary")


def cranfield(data: Path) -> JudgedSet:
    folder = data / "ir-cranfield"
    docs = {
        str(int(i)): {"title": " ".join(f.get("T", "").split()), "text": f.get("W", "")}
        for i, f in _smart(folder / "cran.all.1400")
    }
    # cranqrel numbers queries by their position in cran.qry (1..225), not by .I
    queries = {
        str(pos): " ".join(f.get("W", "").split()) for pos, (_i, f) in enumerate(_smart(folder / "cran.qry"), start=1)
    }
    qrels: dict[str, dict[str, float]] = {}
    for line in (folder / "cranqrel").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3:
            grade = int(parts[2])
            gain = float(4 - grade) if 1 <= grade <= 3 else 0.0
            qrels.setdefault(str(int(parts[0])), {})[str(int(parts[1]))] = gain
    queries = {q: t for q, t in queries.items() if q in qrels}
    return JudgedSet("cranfield", docs, queries, qrels, "Cranfield, grades 1-3 relevant (gain = 4 - grade)")


LOADERS = {"msmarco-5k": msmarco, "dbpedia-5k": dbpedia, "cisi": cisi, "cranfield": cranfield}
FOLDERS = {
    "msmarco-5k": "ir-msmarco-5k-subset",
    "dbpedia-5k": "ir-dbpedia-5k-subset",
    "cisi": "ir-cisi",
    "cranfield": "ir-cranfield",
}
