"""A deterministic bag-of-words encoder: the test model ``hashing-test``.

Each text becomes its stemmed words (stopwords left out), each word hashed (BLAKE2b, the same in
every process and on every machine) to one of ``dim - 1`` coordinates with a sign, weighted
``1 + log(count)``, and the vector normalised. The last coordinate is shared by every text with a
word in it (:data:`SHARED`): it puts cosines on the real model's scale (texts with no word in
common 0.3, a paragraph with both words of a two-word query ~0.5), so the ranking thresholds
tuned for that model (confident, semantic floor) work alike. Two texts are close when they share words, which
is enough to test what the rest of minsearch does with vectors (fusion, filters, paging,
re-indexing, the stores' vector search) in milliseconds and without torch. It knows nothing of
meaning: tests of paraphrase and of the real model's thresholds use the real model.
"""

from __future__ import annotations

import hashlib
import re
from typing import Callable, Optional, Sequence

import numpy as np

_WORD = re.compile(r"\w+")
SHARED = 0.3  # the cosine of two texts with no word in common (a text with no word is the zero vector)
# Words that carry no topic: without them, "the" would make every paragraph close to every other.
_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was were will with".split()
)


def _stem(word: str) -> str:
    """Whoosh's Porter stemmer, as the keyword view uses (imported lazily: cheap, no torch)."""
    from whoosh.lang.porter import stem

    return stem(word)


def _slot(word: str, dim: int) -> tuple[int, float]:
    """The coordinate (of the first ``dim - 1``) and sign a word adds to: the first 8 bytes of its
    BLAKE2b digest."""
    h = int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return h % (dim - 1), 1.0 if (h >> 63) & 1 else -1.0


class HashingEncoder:
    """The :class:`~minsearch.encode.Encoder` interface over hashed stemmed words."""

    def __init__(self, name: str, dim: int) -> None:
        # The model's name and width from its spec (minsearch.encode.model_spec), passed as
        # values: this module stays below encode.py, which imports it.
        self._name, self._dim = name, dim
        self._slots: dict[str, tuple[int, float]] = {}

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: Optional[Callable[[int], None]] = None
    ) -> np.ndarray:
        """Normalised float32 vectors, one row per text (an empty text is the zero vector)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            counts: dict[str, int] = {}
            for w in _WORD.findall(text.lower()):
                if w not in _STOPWORDS:
                    s = _stem(w)
                    counts[s] = counts.get(s, 0) + 1
            for word, n in counts.items():
                slot = self._slots.get(word)
                if slot is None:
                    slot = self._slots[word] = _slot(word, self.dim)
                out[i, slot[0]] += slot[1] * (1.0 + np.log(n))
            norm = float(np.linalg.norm(out[i]))
            if norm > 0:
                out[i] *= np.sqrt(1.0 - SHARED) / norm
                out[i, -1] = np.sqrt(SHARED)
            if progress and (i + 1) % batch_size == 0:
                progress(batch_size)
        if progress and len(texts) % batch_size:
            progress(len(texts) % batch_size)
        return out
