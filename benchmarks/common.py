"""Shared helpers: the cache of built indexes, query preparation, chunk -> document ranking."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
CACHE = BENCH_DIR / ".cache"
PLOTS = BENCH_DIR / "plots"
SEEDS = ROOT / "seeds"


def measured_report(
    argv: Optional[list[str]],
    doc: str,
    measure: Callable[[Path], Any],
    report: Callable[[Any, str], str],
    out: Path,
) -> None:
    """The command line of a benchmark that measures the judged corpora under ``--data`` and
    writes a dated report to ``out`` (and prints it): ``measure(data)``, then
    ``report(measured, "YYYY-MM-DD HH:MM UTC")``."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="data dir (default: $MINSEARCH_DATA / settings)")
    args = ap.parse_args(argv)
    from minsearch.config import load_settings

    text = report(measure(args.data or load_settings().data_dir), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    out.write_text(text, encoding="utf-8")
    print(text)


def checkout_env(code: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process that runs another checkout's code (``PYTHONPATH`` set to
    it; run it with ``cwd`` there too, since ``python -m`` puts the working directory first), with
    no model hub."""
    return {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1", **extra}


def plain_query(text: str) -> str:
    """A query as plain words (every query an OR of its words); see :func:`minsearch.store.query.as_plain_words`."""
    from minsearch.store.query import as_plain_words

    return as_plain_words(text)


def file_hash(path: Path, extra: str = "") -> str:
    h = hashlib.sha1(extra.encode())
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


def write_jsonl(records: Iterable[dict], out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    tmp = out.with_suffix(out.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, out)
    return n


class LogProgress:
    """index_paths progress as a few plain log lines per phase."""

    def __init__(self, log=print) -> None:
        self.log, self.phase, self.total, self.done, self.next, self.t0 = log, "", 0, 0, 0, 0.0

    def start(self, phase: str, total: int) -> None:
        self.phase, self.total, self.done, self.t0 = phase, total, 0, time.perf_counter()
        self.next = max(1, total // 10)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.total > 500 and self.done >= self.next:
            rate = self.done / max(1e-9, time.perf_counter() - self.t0)
            self.log(f"    {self.phase}: {self.done}/{self.total} ({rate:.1f}/s)")
            self.next = self.done + max(1, self.total // 10)

    def note(self, message: str) -> None:
        pass


class NotCached(Exception):
    """An index that is not built yet, and building it was not allowed (or is in progress)."""


def cache_slot(name: str, build: bool, hint: str) -> tuple[Path, Path, Optional[dict]]:
    """(folder, index home, build summary if already built) of one cached benchmark index.

    When it is not built: raises :class:`NotCached` unless ``build``; otherwise clears what a
    stopped build left and returns an empty folder to build into.
    """
    folder = CACHE / name
    home, done = folder / "index", folder / "summary.json"
    if done.is_file():
        summary = json.loads(done.read_text())
        _add_lexicon(home, summary)
        return folder, home, summary
    if not build:
        raise NotCached(f"{folder.name} is not built ({hint})")
    if folder.exists():
        if _locked(home):
            raise NotCached(f"{folder.name} is being built by another process")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder, home, None


def _add_lexicon(home: Path, summary: dict) -> None:
    """An index cached before lexicons (minsearch.store.lexicon) gets one, as a user's would: by
    indexing its sources again (nothing changed, so only the lexicon is written)."""
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths
    from minsearch.store.layout import IndexLayout
    from minsearch.store.lexicon import Lexicon

    layout = IndexLayout(home)
    live = layout.current() if layout.generations.is_dir() else None
    if live and Lexicon.missing(layout.generation_dir(live)) and summary.get("sources"):
        index_paths([Path(p) for p in summary["sources"]], load_settings(index_dir=home))


def cached_index(
    name: str, sources: list[Path], key: str, encoder=None, log=print, build: bool = True
) -> tuple[Path, dict]:
    """Index ``sources`` into ``.cache/<name>-<key>/index`` once; later calls reuse it.

    Returns (index home, build summary JSON). The summary of the original build (with its timings)
    is kept in ``summary.json`` beside the index.
    """
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths

    folder, home, cached = cache_slot(
        f"{name}-{key}-{recipe()}", build, "run benchmarks.build_limerick, or without --cached-only"
    )
    if cached is not None:
        return home, cached
    done = folder / "summary.json"
    log(f"  building index {folder.name} ...")
    model = load_settings().model
    onnx_cache = onnx_export(model)
    enc_dir = home / "encoder" / model  # minsearch.store.layout.IndexLayout.encoder_dir
    if (onnx_cache / "model.onnx").is_file():
        # The export a product build writes, in place before the build: the index's vectors,
        # probes and queries all come from it (the embedding cache keys on its weights).
        shutil.copytree(onnx_cache, enc_dir)
    t = time.perf_counter()
    summary = index_paths(sources, load_settings(index_dir=home), encoder=encoder, progress=LogProgress(log))
    out = summary.to_json()
    out["wall_seconds"] = time.perf_counter() - t
    out["sources"] = [str(s) for s in sources]
    done.write_text(json.dumps(out, indent=1))
    log(f"  built {folder.name}: {summary.documents} docs, {summary.chunks} chunks in {out['wall_seconds']:.1f}s")
    return home, out


def recipe() -> str:
    """What a built index depends on besides its sources: index format, chunker, embedding text.
    Part of every cached index's folder name, so a change in any of them builds a new one."""
    from minsearch.encode import TITLE_MODE
    from minsearch.ingest.chunker import CHUNKER_VERSION
    from minsearch.store.layout import FORMAT_VERSION
    from minsearch.store.query import ANALYSIS_VERSION

    base = f"f{FORMAT_VERSION}c{CHUNKER_VERSION}a{ANALYSIS_VERSION}t{TITLE_MODE.replace(':', '')}"
    # The weights a build embeds with (minsearch.encode_export.QUANTIZE): float32 indexes keep
    # their names, so the float32 caches stay usable if QUANTIZE is set back.
    w = weights()
    return base if w == "float32" else f"{base}-{w}"


def weights() -> str:
    """The weights of the ONNX export a product build writes and embeds with ("float32", "int8", "int8-token")."""
    from minsearch.encode_export import QUANTIZE, export_info

    return str(export_info(QUANTIZE)["weights"])


def export_folder(model: str) -> Path:
    """Where :func:`onnx_export` keeps the benchmarks' export of ``model`` (one folder per weights,
    so two exports' indexes never share one)."""
    w = weights()
    return CACHE / "onnx" / (model if w == "float32" else f"{model}-{w}")


def onnx_export(model: str) -> Path:
    """The benchmarks' copy of the export a product build of ``model`` would write (its weights as
    :func:`weights` says), written once (~2 s, no torch). Every benchmark index is given a copy
    before it is built, so its paragraphs, its relevance-floor probes and its queries are all
    embedded by the graph a user's index would have."""
    from minsearch.encode import has_onnx_export, model_spec, write_onnx_export
    from minsearch.encode_export import QUANTIZE

    folder = export_folder(model)
    if model_spec(model).kind == "transformer" and not has_onnx_export(folder):
        write_onnx_export(model, folder, QUANTIZE)
    return folder


def _locked(home: Path) -> bool:
    """True when another process holds the index's writer lock (a build in progress)."""
    import fcntl

    lock = home / "LOCK"
    if not lock.exists():
        return False
    try:
        with open(lock, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:
        return True
    return False


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


# -- Limerick (and other shared corpora) ---------------------------------------------------------
def converted_path(name: str, limit: Optional[int] = None) -> Path:
    """Where :func:`corpus_jsonl` keeps the corpus converted by today's importer. Keyed by the
    importer's own code: a changed importer (new fields, other item numbers) writes a new file
    rather than reusing what the old one wrote."""
    import minsearch.ingest.corpora as corpora

    importer = hashlib.sha1(Path(corpora.__file__).read_bytes()).hexdigest()[:8]
    return CACHE / "corpora" / f"{name}-{limit or 'all'}.import_corpus-{importer}.jsonl"


def current_index(name: str) -> Optional[Path]:
    """The cached index ``name`` (e.g. ``limerick-100pct``) built by today's code (its recipe), if any."""
    return next(CACHE.glob(f"{name}-*-{recipe()}/index"), None)


def corpus_jsonl(name: str, data_dir: Path, limit: Optional[int] = None, log=print) -> tuple[Path, str]:
    """The corpus as a minsearch JSONL file (cached), written by the same importer users run
    (``minsearch import``). Returns (path, converter)."""
    import minsearch.ingest.corpora as corpora

    out = converted_path(name, limit)
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp.jsonl")
        corpora.import_corpus(name, tmp, data_dir=data_dir, limit=limit)
        os.replace(tmp, out)
    return out, "minsearch.ingest.corpora.import_corpus"


def corpus_size(name: str, data_dir: Path) -> int:
    """Number of records in a shared corpus (for 10% / 30% subsets)."""
    files = {
        "limerick": "limerick-council-minutes/minutes.jsonl.gz",
        "cleveland": "cleveland-city-record/city-record-2017-2018.jsonl.gz",
    }
    with gzip.open(data_dir / files[name], "rt", encoding="utf-8") as fh:
        return sum(1 for _ in fh)


# -- the judged minutes set (benchmarks/judged/minutes.jsonl), read here for every benchmark -----
JUDGED_MINUTES = BENCH_DIR / "judged" / "minutes.jsonl"


def judged_rows(judged: Path = JUDGED_MINUTES) -> list[dict]:
    """The judged minutes queries, one dict per line of ``judged`` (JSON Lines)."""
    return [json.loads(line) for line in judged.read_text(encoding="utf-8").splitlines() if line.strip()]


def by_corpus_of(rows: list[dict]) -> dict[str, list[dict]]:
    """Judged queries grouped by the corpus they were written over (no corpus: the seeds)."""
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r.get("corpus", "seeds")].append(r)
    return out


def norm_text(s: str) -> str:
    """Text as judged fragments are compared with paragraphs: spacing and case ignored."""
    return " ".join(s.split()).casefold()


def judged_items(row: dict, idmap: dict[str, str]) -> list[tuple[int, str, str, float]]:
    """The judged answers of one query: (its index, document id in the index, normalised
    fragment, grade); ``idmap`` maps the judged set's document ids to the index's (Limerick)."""
    return [
        (i, idmap.get(x["doc_id"], x["doc_id"]), norm_text(x["fragment"]), float(x.get("grade", 1)))
        for i, x in enumerate(row["relevant"])
    ]


def judged_labels(
    items: list[tuple[int, str, str, float]], results: Iterable[tuple[str, list[tuple[str, str]]]]
) -> tuple[list[str], dict[str, float]]:
    """Ranked results labelled for scoring, and the judged items' gains. ``results``: each
    result's chunk id and the (document id, normalised text) pairs it shows (its own, and its
    repeats' "also in"). A result covering judged ``items`` (:func:`judged_items`) none before it
    covered is labelled ``"item<i>"`` for the best of them; any other, its chunk id: each item is
    credited once, at the first result covering it (gain = grade)."""
    labels: list[str] = []
    covered: set[int] = set()
    for cid, shown in results:
        hit = [it for it in items if it[0] not in covered and any(it[1] == d and it[2] in t for d, t in shown)]
        if hit:
            labels.append(f"item{max(hit, key=lambda it: it[3])[0]}")
            covered.update(it[0] for it in hit)
        else:
            labels.append(cid)
    return labels, {f"item{i}": g for i, _d, _f, g in items}
