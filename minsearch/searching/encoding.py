"""The query encoder's lifecycle: loaded on the first semantic use, shared by every thread, and a
second thread to run the semantic view on while the keyword view runs on this one."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Optional, Protocol, TypeVar

import numpy as np

T = TypeVar("T")


class TextEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


class LazyEncoder:
    """Loads the encoder (``load()``, seconds) the first time a text is encoded; thread-safe."""

    def __init__(self, load: Callable[[], TextEncoder]) -> None:
        self._load = load
        self._encoder: Optional[TextEncoder] = None
        self._lock = threading.Lock()
        self._executor: Optional[ThreadPoolExecutor] = None

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._encoder is None:
                self._encoder = self._load()
        return self._encoder.encode(texts)

    def submit(self, fn: Callable[..., T], *args: Any) -> "Future[T]":
        """Run ``fn`` on the second thread. ONNX Runtime and NumPy release the GIL, so the
        semantic view runs on the second core while Whoosh (pure Python) scores keywords."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="minsearch-semantic")
        return self._executor.submit(fn, *args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)
