"""What a search measures once per state of the index (per generation), and keeps."""

from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

from ..store.base import StoreView

T = TypeVar("T")


class PerGeneration(Generic[T]):
    """``compute(view)`` once per generation of the index, kept for the next searches (the off-topic
    probes' scores, the acronyms the minutes define). Thread-safe; two threads that ask at once
    may both compute, and the same value is kept."""

    KEEP = 4  # generations remembered (a server follows the newest; old ones are not asked again)

    def __init__(self, compute: Callable[[StoreView], T]) -> None:
        self._compute = compute
        self._by_generation: dict[str, T] = {}
        self._lock = threading.Lock()

    def get(self, view: StoreView) -> T:
        key = view.generation
        with self._lock:
            if key in self._by_generation:
                return self._by_generation[key]
        value = self._compute(view)
        with self._lock:
            self._by_generation.setdefault(key, value)
            while len(self._by_generation) > self.KEEP:
                self._by_generation.pop(next(iter(self._by_generation)))
            return self._by_generation[key]
