"""A persistent cache of text embeddings for benchmark builds.

Ranking experiments rebuild the same corpora many times with small changes to chunking or to the
text that is embedded; most texts are the same from one build to the next. Embedding is ~88% of a
build (Limerick: ~25 minutes on this machine), so :class:`CachingEncoder` looks each text up by
its SHA-1 in one SQLite file per model and weights and embeds only the texts it has not seen. The
vectors are those of the wrapped encoder (the export a product build writes). A cached build
equals an uncached one: the "int8-token" export's vectors do not depend on the texts batched with
them. (The "int8" export's did, so a rebuild that embedded anew could move a corpus's nDCG@10 by
~0.005-0.014, and the same commit scored differently on two machines' caches, 2026-12-03.)

Benchmarks only: the product never caches embeddings across indexes.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from .common import CACHE


def _key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


class CachingEncoder:
    """Wraps an encoder with ``dim`` and ``encode(texts, progress=)``; loads it only on a miss."""

    def __init__(self, model: str, load: Callable[[], object], path: Optional[Path] = None) -> None:
        self.model = model
        self._load = load
        self._inner = None
        self._path = path or CACHE / "embeddings" / f"{model}.sqlite"
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS emb (k BLOB PRIMARY KEY, v BLOB NOT NULL)")
        self.hits = 0
        self.misses = 0

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=120)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    @property
    def inner(self):
        if self._inner is None:
            self._inner = self._load()
        return self._inner

    @property
    def name(self) -> str:
        """The model name (minsearch.encode.Encoder): the indexer checks it against the settings."""
        return self.model

    @property
    def dim(self) -> int:
        from minsearch.encode import model_spec

        return model_spec(self.model).dim

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: Optional[Callable[[int], None]] = None
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        keys = [_key(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        with self._lock, self._db() as db:
            uniq = list(dict.fromkeys(keys))
            for s in range(0, len(uniq), 500):
                part = uniq[s : s + 500]
                rows = db.execute(f"SELECT k, v FROM emb WHERE k IN ({','.join('?' * len(part))})", part)
                for k, v in rows:
                    found[k] = np.frombuffer(v, dtype=np.float32)
        missing = [i for i, k in enumerate(keys) if k not in found]
        first_of: dict[bytes, int] = {}
        todo = [i for i in missing if first_of.setdefault(keys[i], i) == i]
        self.hits += len(texts) - len(missing)
        self.misses += len(todo)
        if progress and len(texts) - len(todo):
            progress(len(texts) - len(todo))
        if todo:
            step = 2048  # write as we go, so an interrupted build keeps what it embedded
            for s in range(0, len(todo), step):
                part = todo[s : s + step]
                vecs = self.inner.encode([texts[i] for i in part], progress=progress)
                with self._lock, self._db() as db:
                    db.executemany(
                        "INSERT OR REPLACE INTO emb (k, v) VALUES (?, ?)",
                        [(keys[i], np.asarray(v, np.float32).tobytes()) for i, v in zip(part, vecs)],
                    )
                for i, v in zip(part, vecs):
                    found[keys[i]] = np.asarray(v, np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out


def caching_encoder(model: Optional[str] = None) -> CachingEncoder:
    """The benchmark encoder: the export a product build writes (:func:`benchmarks.common.onnx_export`,
    loaded on the first miss) behind the cache, one SQLite file per model and weights, so vectors of
    two exports never mix. (float32's file was filled by sentence-transformers, whose vectors
    the float32 export equals within cosine 0.9999999.)"""
    from minsearch.config import load_settings

    from .common import onnx_export, weights

    name = model or load_settings().model
    w = weights()

    def load():
        from minsearch.encode import open_encoder

        return open_encoder(name, onnx_export(name))

    path = CACHE / "embeddings" / (f"{name}.sqlite" if w == "float32" else f"{name}-{w}.sqlite")
    return CachingEncoder(name, load, path)
