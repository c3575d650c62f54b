"""Where chunks live, behind one interface (:mod:`.base`); the backend is chosen by Settings."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..config import Settings
from ..model import MinsearchError
from .base import Store, StoreWriter


def open_store(settings: Settings) -> Store:
    """The read side of the configured backend."""
    if settings.backend == "embedded":
        from .embedded import EmbeddedStore

        return EmbeddedStore(settings.index_dir, model=None)
    if settings.backend == "milvus":
        from .milvus import MilvusStore

        return MilvusStore(settings)
    raise MinsearchError(f"unknown backend {settings.backend!r} (embedded or milvus)", param="backend")


@contextmanager
def writer_session(settings: Settings, dim: int, wait: float = 0.0) -> Iterator[StoreWriter]:
    """The write side, holding the one-writer lock for as long as it is open."""
    if settings.backend == "embedded":
        from .embedded import EmbeddedWriter
        from .layout import IndexLayout, WriterLock

        with WriterLock(IndexLayout(settings.index_dir).lock_file, wait=wait):
            yield EmbeddedWriter(settings.index_dir, settings.model, dim)
        return
    if settings.backend == "milvus":
        from .milvus import milvus_writer

        with milvus_writer(settings, dim, wait=wait) as w:
            yield w
        return
    raise MinsearchError(f"unknown backend {settings.backend!r} (embedded or milvus)", param="backend")
