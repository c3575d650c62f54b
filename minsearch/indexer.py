"""Building and updating an index: sources -> documents -> chunks -> vectors -> store.

Incremental by construction: documents are identified by id and content hash, and only new or
changed ones are chunked and embedded; unchanged documents keep their rows (and vectors) in the
store. A run that changes nothing publishes nothing and never loads the embedding model.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Protocol, Union

import numpy as np

from .config import Settings
from .ingest.acronyms import document_acronyms
from .ingest.chunker import CHUNKER_VERSION, chunk_document
from .ingest.metadata import fill_folder_councils
from .ingest.readers import SkipFile, Skipped, SourceFile, check_paths, iter_source_files, read_source
from .model import Chunk, Document, MinsearchError
from .ranking.snippets import focus_openings
from .searching.calibration import probe_vectors
from .store import writer_session
from .store.base import DocRecord, DocUpdate, Sentences, StoreWriter

if TYPE_CHECKING:
    from .encode import Encoder


class Progress(Protocol):
    """How a long run reports itself (a bar on a terminal, plain lines in logs)."""

    def start(self, phase: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def note(self, message: str) -> None: ...


class _Silent:
    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass


@dataclass
class IndexSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_missing: list[str] = field(default_factory=list)  # indexed before, not found now, no --prune
    skipped: list[Skipped] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    new_chunks: int = 0
    reused_units: int = 0  # texts whose vectors the live index already had (not embedded again)
    generation: str = ""
    published: bool = False
    new_matches: dict[str, int] = field(default_factory=dict)  # saved search -> new matches (minsearch watch)
    watched: int = 0  # saved searches checked
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
            "kept_missing": len(self.kept_missing),
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "documents": self.documents,
            "chunks": self.chunks,
            "new_chunks": self.new_chunks,
            "reused_units": self.reused_units,
            "generation": self.generation,
            "published": self.published,
            "new_matches": dict(self.new_matches),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


@dataclass
class _Scan:
    docs: list[Document]
    skipped: list[Skipped]


def scan_sources(
    paths: Iterable[Union[str, Path]],
    progress: Progress,
    known: Optional[dict[str, DocRecord]] = None,
    follow_symlinks: bool = False,
) -> _Scan:
    """Read every source and give each document an id no other folder's document has
    (:func:`assign_id`); duplicates (same id, or same content under two names) are skipped."""
    known = known or {}
    found: list[tuple[SourceFile, Document]] = []
    skipped: list[Skipped] = []
    manifests: dict = {}
    files = list(iter_source_files(paths, follow_symlinks=follow_symlinks))
    progress.start("reading", len(files))
    for item in files:
        progress.advance()
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        try:
            found.extend((item, doc) for doc in read_source(item, manifests))
        except SkipFile as e:
            skipped.append(Skipped(str(item.path), str(e)))
        except Exception as e:  # noqa: BLE001 (a reader bug must cost one file, not the run)
            skipped.append(Skipped(str(item.path), f"could not be read ({e.__class__.__name__}: {e})"))
    fill_folder_councils(doc for _item, doc in found)
    aliases = folder_aliases([doc for _item, doc in found], known)
    docs: list[Document] = []
    by_id: dict[str, Document] = {}
    by_hash: dict[str, str] = {}
    for item, doc in found:
        given = str(item.path) + (f"#{doc.source.rsplit('#', 1)[1]}" if doc.format == "jsonl" else "")
        doc_id, refused = assign_id(doc, by_id, known, aliases)
        if doc_id is None:
            skipped.append(Skipped(given, refused))
            continue
        doc.doc_id = doc_id
        if doc.doc_id in by_id:
            skipped.append(Skipped(given, f"duplicate document id {doc.doc_id!r} (also {by_id[doc.doc_id].source})"))
            continue
        h = _text_hash(doc)
        if h in by_hash:
            skipped.append(Skipped(given, f"same meeting as {by_hash[h]} (duplicate, not indexed twice)"))
            continue
        by_id[doc.doc_id] = doc
        by_hash[h] = doc.source
        docs.append(doc)
    return _Scan(docs, skipped)


Origin = Union[Document, DocRecord]  # both say where a document was read from


def folder_aliases(docs: list[Document], known: dict[str, DocRecord]) -> dict[str, str]:
    """Indexed folders that folders of this run continue: moved, renamed or copied.

    A folder continues an indexed folder when more than half of its files whose path ids that
    folder's documents hold have the same content as those documents (a copy of ``seeds/`` with
    one edited file: 4 of 5). Another council's folder with files of the same names but other
    minutes does not. Documents indexed before folders were recorded count as one folder, "".
    """
    shared: dict[str, Counter] = {}
    same: dict[str, Counter] = {}
    for doc in docs:
        rec = known.get(doc.doc_id)
        if doc.id_given or rec is None or rec.id_given or rec.root == doc.root:
            continue
        shared.setdefault(doc.root, Counter())[rec.root] += 1
        if _same_content(rec, doc):
            same.setdefault(doc.root, Counter())[rec.root] += 1
    aliases = {}
    for root, counts in same.items():
        other, n = counts.most_common(1)[0]
        if n * 2 > shared[root][other]:
            aliases[root] = other
    return aliases


def assign_id(
    doc: Document, taken: dict[str, Document], known: dict[str, DocRecord], aliases: Optional[dict[str, str]] = None
) -> tuple[Optional[str], str]:
    """The id ``doc`` is indexed under, or (None, why it is refused).

    An id made from the path under the indexed folder (``cabinet_2025-01-09``) is the
    document's own if the index holds it for the same file, the same folder (or one this
    folder continues, see :func:`folder_aliases`) or the same content. If another folder's
    document holds it, the folder's name qualifies it (``councilB/cabinet_2025-01-09``), so two
    councils' files of the same name are two documents, never an edit of one another; the id a
    document has once stays its id, whichever folders a later run is given. When both forms are
    other folders' documents, it cannot be told apart and is refused. Ids a publisher gave (JSON
    Lines records, a manifest's ``doc_id``) are taken as given: the same id is the same
    document; one that is already a file's path id is refused.
    """
    aliases = aliases or {}
    if doc.id_given:
        rec = known.get(doc.doc_id)
        if rec is not None and not _same_document(doc, rec, aliases):
            return None, (
                f"document id {doc.doc_id!r} is already used by {rec.path or rec.source} (a file's path "
                f"id); give this record another id"
            )
        return doc.doc_id, ""
    candidates = [doc.doc_id]
    name = Path(doc.root).name
    if name:
        candidates.append(f"{name}/{doc.doc_id}")
    for cid in candidates:  # an id this document already has keeps it
        rec = known.get(cid)
        if rec is not None and _same_document(doc, rec, aliases):
            return cid, ""
    for cid in candidates:
        if cid not in known and (cid not in taken or _same_document(doc, taken[cid], aliases)):
            return cid, ""  # (a same-folder twin in this run is reported as a duplicate)
    holders = "; ".join(
        f"{cid!r} by {o.path or o.source}" for cid in candidates if (o := known.get(cid) or taken.get(cid))
    )
    return None, (
        f"document id already used by another folder's document ({holders}); rename this folder "
        f"or give the file a doc_id in manifest.json"
    )


def _same_document(doc: Document, other: Origin, aliases: dict[str, str]) -> bool:
    """Whether ``other`` (an indexed record, or a document read earlier in this run) is ``doc`` itself."""
    legacy = not other.root and not other.id_given  # indexed before origins were recorded, or Milvus
    if doc.id_given:
        return other.id_given or legacy
    if other.id_given:
        return False
    if other.root == doc.root or (doc.root in aliases and aliases[doc.root] == other.root):
        return True
    if other.path and other.path == doc.path:
        return True
    if legacy:  # only the source path is known: as it was given then, or under its folder's parent (Milvus)
        src = re.sub(r"#\d+$", "", other.source)
        if doc.path in (_resolved(src), _resolved(str(Path(doc.root).parent / src))):
            return True
    return isinstance(other, DocRecord) and _same_content(other, doc)  # the same minutes


def _same_content(rec: DocRecord, doc: Document) -> bool:
    """Text and metadata as indexed (whichever chunker version indexed them)."""
    return rec.hash.split("-c", 1)[0] == doc.content_hash


def _resolved(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return ""


def _doc_hash(doc: Document) -> str:
    """Content, metadata, the chunker's version and what is embedded: any of them changing
    redoes the document."""
    from .encode import TITLE_MODE

    return f"{doc.content_hash}-c{CHUNKER_VERSION}-t{TITLE_MODE}"


def _text_hash(doc: Document) -> str:
    """One meeting's minutes, however they were named: the words of the text with its council,
    committee and date. Two copies of one PDF are one document; the same words minuted by two
    councils or on two dates (a motion each full council passed as it stood) are two meetings,
    and both are indexed (their paragraphs show as one result, with "also in")."""
    import hashlib

    h = hashlib.sha1(" ".join(doc.text.split()).encode("utf-8", "surrogatepass"))
    for part in (doc.council, doc.committee, doc.date):
        h.update(b"\x00" + " ".join(part.split()).casefold().encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def index_paths(
    paths: Iterable[Union[str, Path]],
    settings: Settings,
    *,
    prune: bool = False,
    force: bool = False,
    strict: bool = False,
    follow_symlinks: bool = False,
    wait: float = 0.0,
    progress: Optional[Progress] = None,
    ray_address: Optional[str] = None,
    encoder: Optional["Encoder"] = None,
) -> IndexSummary:
    """Bring the index at ``settings`` up to date with ``paths``; see the module docstring.

    ``prune`` removes indexed documents not found under ``paths``, but not all of them when
    ``paths`` yield no document at all (an empty or wrong folder), unless ``force``.
    """
    paths = list(paths)
    check_paths(paths)
    if encoder is not None and encoder.name != settings.model:
        # The index records settings.model; vectors of another model would be searched as its.
        raise ValueError(f"encoder: {encoder.name!r} is not the model of the settings ({settings.model!r})")
    progress = progress or _Silent()
    summary = IndexSummary()
    t0 = time.perf_counter()
    from .encode import model_spec

    spec = model_spec(settings.model)
    with writer_session(settings, spec.dim, wait=wait) as writer:
        _check_saved_searches(settings, summary, progress, encoder)  # a run stopped before recording them
        t = time.perf_counter()
        known = writer.documents()
        scan = scan_sources(paths, progress, known, follow_symlinks)
        summary.skipped = scan.skipped
        problems = [s for s in scan.skipped if not s.deliberate]  # a README beside the minutes is no problem
        if strict and problems:
            raise MinsearchError(f"{len(problems)} file(s) skipped, first {problems[0]}", param="strict")
        todo: list[Document] = []
        seen: set[str] = set()
        for doc in scan.docs:
            seen.add(doc.doc_id)
            rec = known.get(doc.doc_id)
            if rec is None:
                summary.added.append(doc.doc_id)
                todo.append(doc)
            elif rec.hash != _doc_hash(doc):
                summary.changed.append(doc.doc_id)
                todo.append(doc)
            else:
                summary.unchanged += 1
        missing = sorted(set(known) - seen)
        if prune and missing and not scan.docs and not force:
            raise MinsearchError(
                f"{', '.join(map(str, paths))} gave no documents, so pruning would remove all "
                f"{len(missing)} indexed documents; check the paths, or pass {{force}} to empty the index",
                param="prune",
                mentions=("force",),
            )
        if prune:
            summary.removed = missing
        else:
            summary.kept_missing = missing

        chunked: list[tuple[Document, list[Chunk]]] = []
        for doc in todo:
            chunks = chunk_document(doc)
            if not chunks:
                summary.skipped.append(Skipped(doc.source, "no paragraphs of text"))
                (summary.added if doc.doc_id in summary.added else summary.changed).remove(doc.doc_id)
                continue
            chunked.append((doc, chunks))
        summary.seconds["read_and_chunk"] = time.perf_counter() - t

        updates: list[DocUpdate] = []
        enc = encoder
        if chunked:
            t = time.perf_counter()
            updates, enc, summary.reused_units = _embed(chunked, settings, progress, ray_address, enc, writer)
            summary.seconds["embed"] = time.perf_counter() - t
        summary.new_chunks = sum(len(u.chunks) for u in updates)
        # Queries need the light encoder once the index holds something; a run that found nothing
        # to index in an empty index does not load the model (~8 s) and export it (~15 s).
        if updates or writer.documents():
            _ensure_query_encoder(settings, progress, enc)

        # (An index written before lexicons gets one from a run with nothing else to do.)
        if updates or summary.removed or writer.lacks_lexicon():
            t = time.perf_counter()
            what = f"{len(updates)} new or changed, {len(summary.removed)} removed"
            progress.note(f"writing generation ({what if updates or summary.removed else 'adding its lexicon'})")
            info = writer.commit(
                updates,
                summary.removed,
                progress=lambda m: progress.note(f"  {m}"),
                embed_words=_word_encoder(settings),
            )
            summary.seconds["write"] = time.perf_counter() - t
            summary.published = True
            t = time.perf_counter()
            if _check_saved_searches(settings, summary, progress, enc):
                summary.seconds["saved_searches"] = time.perf_counter() - t
        else:
            info = None
        docs_now = writer.documents()
        summary.documents = len(docs_now)
        summary.chunks = sum(d.chunks for d in docs_now.values())
        summary.generation = info.generation if info else writer.live
    summary.seconds["total"] = time.perf_counter() - t0
    return summary


def _check_saved_searches(settings: Settings, summary: IndexSummary, progress: Progress, enc) -> bool:
    """Record the new matches of the saved searches in what the live generation changed (once:
    see :mod:`minsearch.searching.alerts`); True if there were saved searches to check."""
    from .searching.alerts import record_new_matches

    run = record_new_matches(settings, enc, say=progress.note)
    if run.note:
        progress.note(run.note)
    for name, n in run.found.items():
        summary.new_matches[name] = summary.new_matches.get(name, 0) + n
    summary.watched = max(summary.watched, run.searches)
    return run.searches > 0


def _embed(chunked, settings: Settings, progress: Progress, ray_address, enc, writer: StoreWriter):
    """Vectors for the chunks of ``chunked``, and for the sentences their excerpts are chosen from
    when the store keeps them (:class:`~.store.base.Sentences`): those of texts the live index
    embedded before (the same text for the same encoder, see :func:`~.encode.unit_keys`) are
    reused, the rest embedded. Returns the updates, the encoder (loaded only if something was
    embedded) and how many texts were reused."""
    from .encode import embedding_units, encoder_tag, load_tokenizer, model_spec, unit_keys
    from .store.layout import IndexLayout

    spec = model_spec(settings.model)
    tokenizer = load_tokenizer(spec)
    all_texts: list[str] = []
    spans: list[tuple[int, int, np.ndarray]] = []
    for _doc, chunks in chunked:
        texts, owners = embedding_units(chunks, tokenizer)
        spans.append((len(all_texts), len(all_texts) + len(texts), np.asarray(owners, dtype=np.int64)))
        all_texts.extend(texts)
    # The sentences after all the paragraphs: (first text, owners, spans) of each document's.
    sentences: list[tuple[int, np.ndarray, np.ndarray]] = []
    for _doc, chunks in chunked if writer.keeps_sentences else ():
        first, belong, where = len(all_texts), [], []
        for i, chunk in enumerate(chunks):
            at, openings = focus_openings(chunk.text)
            belong += [i] * len(at)
            where += at
            all_texts.extend(openings)
        sentences.append((first, np.asarray(belong, np.int64), np.asarray(where, np.int64).reshape(-1, 2)))
    # Vectors from a caller's encoder or from Ray are sentence-transformers' (float32): a new
    # index then gets a float32 query export (_ensure_query_encoder), and its keys must say so.
    folder = IndexLayout(settings.index_dir).encoder_dir(settings.model)
    given = enc is not None or ray_address is not None
    keys = unit_keys(all_texts, encoder_tag(settings.model, folder, sentence_transformers=given))
    found, known = writer.known_vectors(keys)
    todo = np.flatnonzero(~found)
    vectors = np.zeros((len(all_texts), spec.dim), dtype=np.float32)
    vectors[found] = known
    if len(todo):
        new_texts = [all_texts[i] for i in todo]
        if ray_address is None and enc is None:
            enc = _local_encoder(settings, progress)
        # (Units, not chunks: a paragraph's windows and its first sentences, which excerpts are
        # chosen from. "embedding: 252/252" above "chunks: 108" puzzled a new user.)
        progress.start("embedding paragraphs and sentences", len(new_texts))
        if ray_address is not None:
            from .encode_ray import ray_encode

            vectors[todo] = ray_encode(
                new_texts, settings.model, address=ray_address or None, progress=progress.advance
            )
        else:
            vectors[todo] = enc.encode(new_texts, progress=progress.advance)
    if len(todo) < len(all_texts):
        progress.note(f"reused the vectors of {len(all_texts) - len(todo)} unchanged texts")
    if enc is not None:
        # With the encoder loaded: the off-topic probes, kept for searches and alerts (once per
        # index home and model; searching.calibration).
        probe_vectors(settings.index_dir, settings.model, enc.encode, keep=True)
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    updates = []
    for n, ((doc, chunks), (s, e, units)) in enumerate(zip(chunked, spans)):
        rec = DocRecord(
            doc_id=doc.doc_id,
            hash=_doc_hash(doc),
            source=doc.source,
            chunks=len(chunks),
            title=doc.title or chunks[0].title,
            council=doc.council,
            committee=doc.committee,
            date=doc.date,
            indexed_at=now,
            root=doc.root,
            path=doc.path,
            id_given=doc.id_given,
            acronyms=document_acronyms([*dict.fromkeys(c.title for c in chunks), *(c.text for c in chunks)]),
        )
        said = None
        if sentences:
            first, belong_to, spans_in = sentences[n]
            end = first + len(belong_to)
            said = Sentences(vectors=vectors[first:end], owners=belong_to, spans=spans_in, keys=keys[first:end])
        updates.append(
            DocUpdate(record=rec, chunks=chunks, vectors=vectors[s:e], units=units, unit_keys=keys[s:e], sentences=said)
        )
    return updates, enc, len(all_texts) - len(todo)


def _local_encoder(settings: Settings, progress: Progress):
    """The index's ONNX export of the model, written first (from the packaged weights, no torch)
    when the index has none. It starts in 0.5 s where torch took ~8-14 s, and embeds faster than
    sentence-transformers (benchmarks/RESULTS.md, "Build speed"); the same file then embeds the
    queries, so queries and paragraphs always agree."""
    from .encode import has_onnx_export, model_spec, open_encoder, remove_stale_exports, write_onnx_export
    from .encode_export import QUANTIZE
    from .store.layout import IndexLayout

    folder = IndexLayout(settings.index_dir).encoder_dir(settings.model)
    if model_spec(settings.model).kind == "transformer" and not has_onnx_export(folder):
        if folder.is_dir():
            remove_stale_exports(folder)  # left by an export that was killed
        progress.note(f"preparing model {settings.model} (ONNX, once per index)")
        write_onnx_export(settings.model, folder, QUANTIZE)
    return open_encoder(settings.model, folder)


def _word_encoder(settings: Settings) -> Callable[[list[str]], np.ndarray]:
    """Embeds the words of a new generation's lexicon with the query encoder (loaded on the first
    call: a run that adds no new word, or a store that keeps no lexicon, never loads it), so a
    word of the lexicon and a word of a query are embedded alike."""
    from .encode import open_encoder
    from .store.layout import IndexLayout

    loaded: list["Encoder"] = []

    def embed(words: list[str]) -> np.ndarray:
        if not loaded:
            loaded.append(open_encoder(settings.model, IndexLayout(settings.index_dir).encoder_dir(settings.model)))
        return loaded[0].encode(words, batch_size=256)

    return embed


def _ensure_query_encoder(settings: Settings, progress: Progress, enc) -> None:
    """The light ONNX query encoder lives in the index home (for every backend); export it once.
    A hashing model has nothing to export: the searcher builds it from its name."""
    from .encode import has_onnx_export, model_spec, remove_stale_exports, write_onnx_export
    from .store.layout import IndexLayout

    if model_spec(settings.model).kind != "transformer":
        return
    folder = IndexLayout(settings.index_dir).encoder_dir(settings.model)
    if folder.is_dir():
        remove_stale_exports(folder)  # left by an export that was killed
    if has_onnx_export(folder):
        return
    # The paragraphs were embedded by sentence-transformers (an encoder given by the caller, or
    # Ray): queries get the float32 export, the same vectors (cosine > 0.999), written without torch.
    progress.note("exporting the query encoder (ONNX)")
    write_onnx_export(settings.model, folder, None)
