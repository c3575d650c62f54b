"""The index's own words and their vectors: the words the minutes use, each embedded alone by the
index's model, so that a word of a query the minutes never use can be searched as the nearest
words they do use (:func:`minsearch.searching.vocabulary.nearby_wordings`: "scams" -> "fraud",
"phishing" in Limerick's minutes).

Written with each generation of the embedded store (``lexicon.txt``, one word a line, and
``lexicon.npy``, a float32 row per word, memory-mapped so that server workers share one copy);
a word embedded for an earlier generation is not embedded again. Limerick: 12,091 words, 18.6 MB,
~6 s to embed all of them with the ONNX export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import numpy as np

from ..model import MinsearchError
from ..words import FUNCTION_SET

WORDS_FILE = "lexicon.txt"
VECTORS_FILE = "lexicon.npy"
# A word printed in fewer paragraphs is not offered: the index's typos, OCR fragments and
# one-off names (Limerick's `exact` field holds 26,621 words; 13,903 are in 3 or more paragraphs,
# 12,091 of them words of letters that are not function words).
MIN_PARAGRAPHS = 3
MIN_LETTERS = 3

Embed = Callable[[list[str]], np.ndarray]


def is_lexicon_word(word: str) -> bool:
    """Whether a word of the index may be a lexicon word at all: letters only, not a function word."""
    return len(word) >= MIN_LETTERS and word.isalpha() and word not in FUNCTION_SET


class Lexicon:
    """The words of one generation (lower case, as printed) and their unit vectors (float32)."""

    def __init__(self, words: list[str], vectors: np.ndarray) -> None:
        if len(words) != len(vectors):
            raise ValueError(f"{len(words)} words but {len(vectors)} vectors")
        self.words = words
        self.vectors = vectors.astype(np.float32, copy=False)
        self._row = {w: i for i, w in enumerate(words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self._row

    def closeness(self, vector: np.ndarray) -> np.ndarray:
        """The cosine of ``vector`` (a unit vector of the index's model) to every word, in order."""
        return self.vectors @ vector.astype(np.float32, copy=False)

    @staticmethod
    def missing(folder: Path) -> bool:
        """Whether the generation in ``folder`` was written without a lexicon."""
        return not (folder / WORDS_FILE).is_file()

    @classmethod
    def load(cls, folder: Path, dim: Optional[int] = None) -> Optional["Lexicon"]:
        """The lexicon written in a generation ``folder`` (of vectors of ``dim``, when given), or
        None if it has none (written by a version without it, or by a writer given no way to
        embed words)."""
        words_path, vectors_path = folder / WORDS_FILE, folder / VECTORS_FILE
        if cls.missing(folder):
            return None
        try:
            words = words_path.read_text(encoding="utf-8").split("\n") if words_path.stat().st_size else []
            vectors = np.load(vectors_path, mmap_mode="r", allow_pickle=False)
            if vectors.ndim != 2 or (dim is not None and len(words) and vectors.shape[1] != dim):
                raise ValueError(f"vectors of shape {vectors.shape}, the index's are of {dim}")
            return cls(words, vectors)
        except (OSError, ValueError) as e:
            # (Either file may be the damaged one: a word list that is not UTF-8, or that does not
            # match the vectors, is as damaged as the vectors.)
            raise MinsearchError(f"{words_path} / {VECTORS_FILE}: damaged lexicon ({e}); re-index to rebuild it") from e


def write_lexicon(folder: Path, words: list[str], embed: Embed, earlier: Optional[Lexicon] = None) -> int:
    """Write ``words`` and their vectors into ``folder``: a word ``earlier`` holds keeps its vector,
    the others are embedded (``embed``: unit vectors, one row per word). Returns how many were."""
    known = earlier if earlier is not None else Lexicon([], np.zeros((0, 0), np.float32))
    new = [w for w in words if w not in known]
    fresh = embed(new) if new else known.vectors[:0]
    dim = fresh.shape[1] if new else known.vectors.shape[1]
    at = {w: i for i, w in enumerate(new)}
    vectors = np.zeros((len(words), dim), dtype=np.float32)
    for i, w in enumerate(words):
        vectors[i] = fresh[at[w]] if w in at else known.vectors[known._row[w]]
    with open(folder / VECTORS_FILE, "wb") as fh:
        np.save(fh, vectors)
    (folder / WORDS_FILE).write_text("\n".join(words), encoding="utf-8")
    return len(new)
