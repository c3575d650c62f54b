"""The embedded store: Whoosh + a NumPy matrix, in atomic generations (see :mod:`.layout`)."""
from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy as np

from ..glossary import Expansion
from ..model import Chunk, ChunkMeta, Filters, MinsearchError
from . import keyword
from .base import DocRecord, DocUpdate, Facets, IndexInfo, KeywordResult, VectorResult, facets_of
from .keyword import KeywordIndex
from .layout import FORMAT_VERSION, IndexLayout
from .vectors import ChunkTable, VectorIndex


class _Generation:
    """One opened, immutable generation: both views and its metadata, always together."""

    def __init__(self, layout: IndexLayout, name: str) -> None:
        self.name = name
        folder = layout.generation_dir(name)
        self.meta = layout.read_meta(name)
        self.keyword = KeywordIndex(folder / "whoosh")
        self.vectors = VectorIndex.load(folder)
        if self.vectors.dim != self.meta["dim"] or len(self.vectors.table) != self.meta["chunks"]:
            raise MinsearchError(f"{folder}: vector matrix does not match its metadata")

    def close(self) -> None:
        self.keyword.close()


class EmbeddedStore:
    """Read side. ``refresh()`` (one stat) picks up a newly published generation.

    A request should work on one :meth:`snapshot`, so that a switch by another thread in the
    middle of it cannot mix two generations in one answer.
    """

    def __init__(self, home: Path, model: Optional[str] = None) -> None:
        self.layout = IndexLayout(home)
        self._expected_model = model
        self._lock = threading.Lock()
        self._stamp = self.layout.current_stamp()
        self._view = _View(self._open(), self.layout)
        self._retired: Optional[_View] = None

    def _open(self) -> _Generation:
        name = self.layout.require_current()
        gen = _Generation(self.layout, name)
        if self._expected_model and gen.meta["model"] != self._expected_model:
            gen.close()
            raise MinsearchError(
                f"{self.layout.home}: index was built with model {gen.meta['model']!r}, "
                f"not {self._expected_model!r}; re-index or pass --model {gen.meta['model']}"
            )
        return gen

    @property
    def model(self) -> str:
        return self._view.model

    @property
    def generation(self) -> str:
        return self._view.gen.name

    def snapshot(self) -> "_View":
        return self._view

    def refresh(self) -> bool:
        stamp = self.layout.current_stamp()
        if stamp == self._stamp:
            return False
        with self._lock:
            if stamp == self._stamp:
                return False
            new = _View(self._open(), self.layout)
            # The replaced view may still serve a request in flight: close it one switch later.
            if self._retired is not None:
                self._retired.gen.close()
            self._retired, self._view, self._stamp = self._view, new, stamp
        return True

    def close(self) -> None:
        self._view.gen.close()
        if self._retired is not None:
            self._retired.gen.close()

    # The read methods of the live view, for callers that make a single call.
    def keyword_search(self, text: str, filters: Filters, limit: int, strict: bool = True, min_coverage: float = 0.0,
                       expansions: tuple[Expansion, ...] = ()) -> KeywordResult:
        return self._view.keyword_search(text, filters, limit, strict, min_coverage, expansions)

    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int,
                      floor: Optional[float] = None) -> VectorResult:
        return self._view.vector_search(vector, filters, limit, floor)

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        return self._view.chunks(chunk_ids)

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        return self._view.document_chunks(doc_id)

    def chunk_vector(self, chunk_id: str) -> Optional[np.ndarray]:
        return self._view.chunk_vector(chunk_id)

    def vector_scores(self, vector: np.ndarray, chunk_ids: Iterable[str]) -> dict[str, float]:
        return self._view.vector_scores(vector, chunk_ids)

    def chunk_meta(self, chunk_ids: Iterable[str]) -> dict[str, ChunkMeta]:
        return self._view.chunk_meta(chunk_ids)

    def facets(self) -> Facets:
        return self._view.facets()

    def info(self) -> IndexInfo:
        return self._view.info()


class _View:
    """All reads of one request, against one generation."""

    def __init__(self, gen: _Generation, layout: IndexLayout) -> None:
        self.gen = gen
        self.layout = layout

    @property
    def model(self) -> str:
        return self.gen.meta["model"]

    def keyword_search(self, text: str, filters: Filters, limit: int, strict: bool = True, min_coverage: float = 0.0,
                       expansions: tuple[Expansion, ...] = ()) -> KeywordResult:
        return self.gen.keyword.search(text, filters, limit, strict=strict, min_coverage=min_coverage,
                                       expansions=expansions)

    def vector_search(self, vector: np.ndarray, filters: Filters, limit: int,
                      floor: Optional[float] = None) -> VectorResult:
        return self.gen.vectors.search(vector, filters, limit, floor)

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        return self.gen.keyword.chunks(chunk_ids)

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        return self.gen.keyword.document_chunks(doc_id)

    def chunk_vector(self, chunk_id: str) -> Optional[np.ndarray]:
        return self.gen.vectors.chunk_vector(chunk_id)

    def vector_scores(self, vector: np.ndarray, chunk_ids: Iterable[str]) -> dict[str, float]:
        return self.gen.vectors.scores_of(vector, chunk_ids)

    def chunk_meta(self, chunk_ids: Iterable[str]) -> dict[str, ChunkMeta]:
        return self.gen.vectors.chunk_meta(chunk_ids)

    def snapshot(self) -> "_View":
        return self

    def refresh(self) -> bool:
        return False

    def facets(self) -> Facets:
        f = self.gen.meta.get("facets", {})
        return Facets(councils=f.get("councils", {}), committees=f.get("committees", {}),
                      date_min=f.get("date_min", ""), date_max=f.get("date_max", ""))

    def info(self) -> IndexInfo:
        return index_info(self.layout, self.layout.generation_dir(self.gen.name), self.gen.meta)


def index_info(layout: IndexLayout, folder: Path, meta: dict) -> IndexInfo:
    """Counts, model and size on disk of one generation folder."""
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return IndexInfo(backend="embedded", location=str(layout.home), generation=meta["generation"],
                     documents=meta["documents"], chunks=meta["chunks"], model=meta["model"],
                     dim=meta["dim"], size_bytes=size, last_indexed=meta["created"])


class EmbeddedWriter:
    """Write side. Call only while holding :class:`~.layout.WriterLock`."""

    def __init__(self, home: Path, model: str, dim: int) -> None:
        self.layout = IndexLayout(home)
        self.model = model
        self.dim = dim
        self.layout.home.mkdir(parents=True, exist_ok=True)
        self.layout.clean()  # leftovers of a run that was killed
        self.live = self.layout.current()
        # A generation in an older format is not extended: every document is indexed afresh
        # (its chunks would lack what this version stores) into the next generation.
        self._base = self.live if self.live and self.layout.is_current_format(self.live) else None
        self._meta = self.layout.read_meta(self._base) if self._base else None
        if self._meta and self._meta["model"] != model:
            raise MinsearchError(
                f"{home}: index was built with model {self._meta['model']!r}, not {model!r}; "
                f"use a new --index folder to change model"
            )

    def documents(self) -> dict[str, DocRecord]:
        if not self._base:
            return {}
        path = self.layout.generation_dir(self._base) / "docs.json"
        data = json.loads(path.read_text())
        return {k: DocRecord(**v) for k, v in data.items()}

    def commit(
        self, upserts: list[DocUpdate], deletes: list[str], progress: Optional[Callable[[str], None]] = None
    ) -> IndexInfo:
        """Write a new generation with ``upserts`` added and ``deletes`` removed, then publish it.

        On any error the ``.tmp`` folder is removed and the live generation is untouched.
        """
        say = progress or (lambda _msg: None)
        name = self.layout.next_generation()
        tmp = self.layout.generations / f"{name}.tmp"
        try:
            tmp.mkdir(parents=True)
            info = self._write(tmp, name, upserts, deletes, say)
            say("publishing")
            self.layout.publish(tmp, name)
        except BaseException as e:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(e, OSError):
                raise MinsearchError(
                    f"{self.layout.home}: writing the new index failed ({e.strerror or e}); "
                    f"the live index is untouched"
                ) from e
            raise
        self.live = self._base = name
        self._meta = self.layout.read_meta(name)
        self.layout.clean()
        return info

    def _write(self, tmp: Path, name: str, upserts: list[DocUpdate], deletes: list[str],
               say: Callable[[str], None]) -> IndexInfo:
        replaced = set(deletes) | {u.record.doc_id for u in upserts}
        old = self.layout.generation_dir(self._base) if self._base else None

        # Keyword view: start from a copy of the live index, so unchanged documents cost nothing.
        say("keyword index")
        wdir = tmp / "whoosh"
        if old is not None:
            shutil.copytree(old / "whoosh", wdir)
            ix = keyword.open_writable(wdir)
        else:
            ix = keyword.create(wdir)
        writer = ix.writer(limitmb=256, procs=1)
        try:
            for doc_id in sorted(replaced):
                writer.delete_by_term("doc_id", doc_id)
            for u in upserts:
                for c in u.chunks:
                    writer.add_document(**keyword.chunk_fields(c))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        finally:
            ix.close()

        # Semantic view: keep the rows of untouched documents, append the new ones.
        say("vectors")
        if old is not None:
            vectors = np.load(old / "vectors.npy", mmap_mode="r")
            units = np.load(old / "units.npy")
            table = ChunkTable.load(old / "chunks.npz")
        else:
            vectors = np.zeros((0, self.dim), dtype=np.float32)
            units = np.zeros(0, dtype=np.int64)
            table = ChunkTable.empty()
        keep_chunk = ~table.doc_id.isin(sorted(replaced)) if replaced else np.ones(len(table), bool)
        new_pos = np.cumsum(keep_chunk) - 1  # old chunk row -> new chunk row
        keep_unit = keep_chunk[units] if len(units) else np.zeros(0, bool)
        parts_v = [np.asarray(vectors[keep_unit])]
        parts_u = [new_pos[units[keep_unit]]]
        table = table.take(np.flatnonzero(keep_chunk))
        offset = len(table)
        for u in upserts:
            if u.vectors.shape[1:] != (self.dim,):
                raise MinsearchError(f"{u.record.source}: vectors of dimension {u.vectors.shape[1:]}, index has {self.dim}")
            parts_v.append(u.vectors.astype(np.float32, copy=False))
            parts_u.append(np.asarray(u.units, dtype=np.int64) + offset)
            offset += len(u.chunks)
        table = ChunkTable.concat(table, ChunkTable.from_chunks([c for u in upserts for c in u.chunks]))
        all_v = np.concatenate(parts_v) if parts_v else np.zeros((0, self.dim), np.float32)
        all_u = np.concatenate(parts_u).astype(np.int64)
        with open(tmp / "vectors.npy", "wb") as fh:
            np.save(fh, np.ascontiguousarray(all_v, dtype=np.float32))
        with open(tmp / "units.npy", "wb") as fh:
            np.save(fh, all_u)
        table.save(tmp / "chunks.npz")

        # Bookkeeping: documents, facets and metadata.
        docs = {k: v for k, v in self.documents().items() if k not in replaced}
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        for u in upserts:
            rec = u.record
            rec.indexed_at = rec.indexed_at or now
            docs[rec.doc_id] = rec
        (tmp / "docs.json").write_text(json.dumps({k: asdict(v) for k, v in sorted(docs.items())}))
        meta = {
            "format": FORMAT_VERSION, "generation": name, "model": self.model, "dim": self.dim,
            "documents": len(docs), "chunks": int(len(table)), "units": int(len(all_u)),
            "created": now, "facets": asdict(facets_of(docs.values())),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
        return index_info(self.layout, tmp, meta)
