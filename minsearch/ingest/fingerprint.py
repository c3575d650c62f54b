"""Fingerprints of a paragraph's wording, to recognise the same text when it is printed twice.

Minutes repeat themselves: a motion is re-quoted in each amendment and again in the resolution,
and a committee's recommendation is printed again in the full council's minutes. Two values are
stored per paragraph at index time, so that duplicates among a query's candidates are found with
array operations instead of reading and comparing their texts:

* ``exact``: a 64-bit hash of the words (case, punctuation and spacing ignored): the same text.
* ``sketch``: a MinHash (Broder, 1997) of the paragraph's word pairs, :data:`SKETCH` 32-bit
  minima under independent hash functions; the share of equal minima estimates the Jaccard
  similarity of two paragraphs' word pairs (standard error below 0.07 at 0.8). A SimHash was
  tried first: on Kent's repeated motions it put pairs of Jaccard 0.9 and 0.6 at the same
  distances (3-13 bits), so it could not tell a re-quoted motion from a related one.

How close is close enough is decided at query time (:mod:`minsearch.ranking.duplicates`), where
two near-identical paragraphs must also print the same :class:`Facts`: the same words around
another amount, year or member are another decision.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

import numpy as np

from ..words import FUNCTION_SET
from .metadata import dates_in

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_MASK = (1 << 64) - 1
SKETCH = 32
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20261201)  # fixed: sketches must agree across runs and machines
_A = _rng.integers(1, _PRIME, size=SKETCH, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=SKETCH, dtype=np.uint64)


class Fingerprint(NamedTuple):
    exact: int  # unsigned 64-bit
    sketch: bytes  # SKETCH little-endian uint32 minima
    words: int  # number of words


def _h64(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def words_of(text: str) -> list[str]:
    return [w.casefold() for w in _TOKEN.findall(text)]


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of one paragraph's text."""
    words = words_of(text)
    exact = _h64(" ".join(words))
    features = {f"{a} {b}" for a, b in zip(words, words[1:])} or set(words) or {""}
    h = np.fromiter((_h64(f) & 0x1FFFFFFFFFFFFFFF for f in features), dtype=np.uint64, count=len(features))
    # (a * h + b) mod p, in two halves so that the products fit in 64 bits
    lo, hi = h & np.uint64(0xFFFFFFFF), h >> np.uint64(32)
    a_lo, a_hi = _A & np.uint64(0xFFFFFFFF), _A >> np.uint64(32)
    mixed = (
        lo[:, None] * a_lo[None, :]
        + ((hi[:, None] * a_lo[None, :] + lo[:, None] * a_hi[None, :]) << np.uint64(32))
        + _B[None, :]
    ) % np.uint64(_PRIME)
    sketch = (mixed.min(axis=0) & np.uint64(0xFFFFFFFF)).astype("<u4").tobytes()
    return Fingerprint(exact & _MASK, sketch, len(words))


class Facts(NamedTuple):
    """What two near-identical paragraphs must agree on to be one: the numbers and dates they
    print and the people they name, in the order named (see
    :func:`minsearch.ranking.duplicates.differ`)."""

    numbers: frozenset[str]  # without the paragraph's own number in its list, and without dates
    dates: frozenset[str]  # the dates it prints, ISO
    people: tuple[str, ...]  # the members it names, first mention first
    date: str  # its meeting's date, ISO ("" unknown)
    names: frozenset[str] = frozenset()  # its capitalised words inside sentences, lower-cased ("argyle")
    lower: str = ""  # its text, lower-cased (what a name is looked for in)


# A paragraph's own number in its list ("(12)", "5)", "3.2", "Section 4."): where it is, not what it
# says (the same clause of two ordinances, a recommendation and the resolution adopting it).
_OWN_NUMBER = re.compile(
    r"^\W*(?:(?:section|item|minute|para(?:graph)?)\s+)?\(?\d{1,3}(?:\.\d{1,3})*[.):]?(?=\s)", re.I
)
_YEAR = re.compile(r"\b(?:1[89]|2[01])\d\d\b")
_NUMBER = re.compile(r"\d+(?:[.,/:-]\d+)*")
_ZERO_CENTS = re.compile(r"\.0+$")
# A member's name: the capitalised word after a title or an initial ("Councillor Benson",
# "Cllr. Sheehan", "S. Trosow", "Council Member Zone", "Mr Oakford").
_PERSON = re.compile(
    r"(?:\b(?:Councillors?|Cllrs?|Cmhlr|Mr|Mrs|Ms|Mx|Miss|Dr|Mayor|Members?|Messrs)\.?\s+(?:[A-Z]\.\s*)*"
    r"|\b[A-Z]\.\s*)([A-Z][a-z][\w’'-]*)"
)


# A capitalised word inside a sentence: a name of a place, a body or a thing ("the Argyle Business
# Improvement Association", "Hyde Park"), not a sentence's first word.
_NAME = re.compile(r"(?<![.!?:;]\s)(?<!^)\b[A-Z][a-z]+\b")


def facts(text: str, date: str = "") -> Facts:
    """The :class:`Facts` of a paragraph of a meeting held on ``date`` (ISO)."""
    body = _OWN_NUMBER.sub(" ", text, count=1)
    dates = set()
    if _YEAR.search(body):  # (a date written out has its year: most paragraphs have none)
        for start, end, iso in sorted(dates_in(body), reverse=True):
            dates.add(iso)
            body = body[:start] + " " + body[end:]
    numbers = frozenset(_ZERO_CENTS.sub("", n.replace(",", "")) for n in _NUMBER.findall(body))
    people = tuple(
        dict.fromkeys(p.replace("’", "'") for p in _PERSON.findall(body) if p.casefold() not in FUNCTION_SET)
    )
    names = frozenset(w.lower() for w in _NAME.findall(body))
    return Facts(numbers, frozenset(dates), people, date, names, body.lower())
