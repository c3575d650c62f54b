"""The vocabulary of minutes: acronyms and the words they stand for, searched together.

Minutes write "EHCP", "LAC", "S106"; people ask for "education health and care plans" or
"children in care", and the other way round. A :class:`Glossary` holds groups of equivalent
terms (``minsearch/data/glossary.tsv``, extended per index by ``<index home>/glossary.tsv``);
:meth:`Glossary.expand` finds the groups a query names and returns the *other* members, which
the keyword view searches as well and the page shows ("also searched: ...").

Minutes also say in their own words what people say in theirs: "fly-tipping" for "illegal
dumping", "rough sleeping" for "unhoused people". ``minsearch/data/vocabulary.tsv`` holds such
groups, without acronyms (an *everyday* group, :attr:`Expansion.everyday`); a search uses one
only where the minutes rarely say what the query said, and in the keyword view only
(:func:`minsearch.searching.vocabulary.keyword_expansions`, :func:`with_meanings`).

Matching is by word stems, so "plans" finds the group of "plan"; an acronym that is also an
everyday word ("SEND", "PEP") only counts when typed in capitals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional, Sequence

from .model import MinsearchError
from .words import safe_stem

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def said_words(text: str) -> list[str]:
    """The words of ``text`` as :attr:`Expansion.words` writes them (lower case)."""
    return [m.group().casefold() for m in _WORD.finditer(text)]


_FILE_NAME = "glossary.tsv"
_VOCABULARY = "vocabulary.tsv"  # shipped only: everyday wordings and the minutes' own


@dataclass(frozen=True)
class Expansion:
    """One glossary group named by a query: what the query said, and what else to search."""

    matched: str  # the query's own words ("EHCP")
    words: tuple[str, ...]  # the query words this group stands for (lower case), for coverage
    alternates: tuple[str, ...]  # the group's other terms, each searched as a word or phrase
    meanings: tuple[str, ...] = ()  # those of them that are words, not acronyms ("looked after children")
    everyday: bool = False  # the group has no acronym: other wordings of the same thing (vocabulary.tsv)
    # Nearby words (minsearch.searching.vocabulary.nearby_wordings): the model's guess, not a
    # wording known to mean the same. It scores like one, but a paragraph holding it does not
    # contain the query's word: it adds nothing to the paragraph's share of the query (coverage),
    # so it never makes a query answerable ("banana spaceship melody": "spaceship -> space" and
    # "melody -> music" gave a City Record paragraph 2 of 3 words, a confident match).
    guessed: bool = False

    def label(self) -> str:
        """ "LAC → looked after children, CLA, CiC": what it stands for first, then other acronyms."""
        first = list(self.meanings[:1]) + [a for a in self.alternates if a not in self.meanings[:1]]
        return f"{self.matched} → {', '.join(first[:3])}"


@dataclass(frozen=True)
class _Term:
    text: str  # as written in the glossary
    stems: tuple[str, ...]
    acronym: bool
    upper_only: bool


def _stems(text: str) -> tuple[str, ...]:
    return tuple(safe_stem(w.casefold().replace("’", "'")) for w in _WORD.findall(text))


def _as_acronym(word: str, acronym: str) -> bool:
    """``word`` is written as the acronym, plural or possessive included ("PEPs", "SEND's",
    "ePEP"), not as the everyday word ("send", "pep")."""
    core = re.sub(r"(?:['’]s|s)$", "", word) if len(word) > 2 else word
    return core == core.upper() or core == acronym or word == acronym


class Glossary:
    """Groups of equivalent terms, searchable by the stems of a query's words."""

    def __init__(self, groups: list[list[_Term]]) -> None:
        self._groups = groups
        self._by_first: dict[str, list[tuple[_Term, int]]] = {}
        # a term's words (stems, and which are agent nouns: "pensions" is not "pensioners") -> the
        # groups listing it
        self._holding: dict[tuple, set[int]] = {}
        for gi, group in enumerate(groups):
            for term in group:
                if term.stems:
                    self._by_first.setdefault(term.stems[0], []).append((term, gi))
                    self._holding.setdefault(_word_key(term.text), set()).add(gi)

    def __len__(self) -> int:
        return len(self._groups)

    @classmethod
    def parse(cls, text: str, source: str = _FILE_NAME) -> "Glossary":
        groups: list[list[_Term]] = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2 or not cols[0].strip() and not cols[1].strip():
                raise MinsearchError(f"{source}: line {lineno}: expected 'ACRONYMS<TAB>EXPANSIONS[<TAB>upper]'")
            upper = len(cols) > 2 and "upper" in cols[2].lower()
            terms = [_Term(a.strip(), _stems(a), True, upper) for a in cols[0].split("|") if a.strip()]
            terms += [_Term(e.strip(), _stems(e), False, False) for e in cols[1].split("|") if e.strip()]
            groups.append([t for t in terms if t.stems])
        return cls(groups)

    @classmethod
    def of_acronyms(cls, defined: dict[str, str]) -> "Glossary":
        """Acronyms the minutes define ("Upper Thames River Conservation Authority (UTRCA)"), as
        groups. Each counts only when typed as an acronym ("UTRCA", "PILOT"): nobody has checked
        that it is not also a word ("pilot project" is not about payments in lieu of taxes)."""
        groups = []
        for short, long in defined.items():
            terms = [_Term(short, _stems(short), True, True), _Term(long, _stems(long), False, False)]
            if all(t.stems for t in terms):
                groups.append(terms)
        return cls(groups)

    def has_acronym(self, text: str) -> bool:
        """Does a group list ``text`` as an acronym (by stems: "EHCPs" is "EHCP")?"""
        stems = _stems(text)
        return any(t.acronym and t.stems == stems for t, _gi in self._by_first.get(stems[0] if stems else "", []))

    def merged(self, other: "Glossary") -> "Glossary":
        return Glossary(self._groups + other._groups)

    def everyday_groups(self) -> list[tuple[str, ...]]:
        """The groups without an acronym (everyday wordings and the minutes' own), each as its
        wordings were written, in the files' order."""
        return [tuple(t.text for t in g) for g in self._groups if g and not any(t.acronym for t in g)]

    def expand(self, query: str) -> list[Expansion]:
        """The glossary groups ``query`` names, longest match first, each with its other terms."""
        tokens = [(m.group(), safe_stem(m.group().casefold().replace("’", "'"))) for m in _WORD.finditer(query)]
        stems = tuple(s for _w, s in tokens)
        out: list[Expansion] = []
        seen_groups: set[int] = set()
        i = 0
        while i < len(tokens):
            best: Optional[tuple[int, _Term, int]] = None  # (length, term, group)
            for term, gi in self._by_first.get(tokens[i][1], []):
                n = len(term.stems)
                if tuple(s for _w, s in tokens[i : i + n]) != term.stems:
                    continue
                if term.acronym and term.upper_only and not _as_acronym(tokens[i][0], term.text):
                    continue
                if not term.acronym and not _same_words([w for w, _s in tokens[i : i + n]], term.text):
                    continue
                if best is None or n > best[0]:
                    best = (n, term, gi)
            if best is None:
                i += 1
                continue
            n, term, gi = best
            if gi not in seen_groups:
                seen_groups.add(gi)
                said = " ".join(w for w, _s in tokens[i : i + n])
                # (Not a wording the query itself says elsewhere: "illegal dumping of rubbish" listed
                # "also searched: ... dumping of rubbish".)
                family = [
                    t for g in self._group_family(gi) for t in g if t.stems != term.stems and not _says(stems, t.stems)
                ]
                others = tuple(dict.fromkeys(t.text for t in family))
                # spelling variants ("looked after" / "looked-after") said once, in the order the
                # files list them (the glossary's own wording before the vocabulary's)
                first: dict[tuple[str, ...], str] = {}
                for t in family:
                    if not t.acronym:
                        first.setdefault(t.stems, t.text)
                meanings = tuple(first.values())
                # Everyday when the query said a wording of a group without acronyms (whatever
                # acronym group shares another of its wordings: "youth justice" is everyday).
                everyday = not any(t.acronym for t in self._groups[gi])
                if others:
                    words = tuple(said_words(said))
                    out.append(Expansion(said, words, others, meanings, everyday))
            i += n
        return out

    def _group_family(self, gi: int) -> list[list[_Term]]:
        """A group and any other group sharing one of its terms (a file in the index home may add
        members to a shipped group by repeating one of them)."""
        # (Looked up by term, not by reading every group: with the vocabulary's 510 groups that
        # took 3.7 ms a named group, 0.2 s over the 64 latency queries.)
        family = sorted({other for t in self._groups[gi] for other in self._holding.get(_word_key(t.text), ())})
        return [self._groups[g] for g in family]


def _agent(word: str) -> bool:
    """Is ``word`` a noun for someone who does something, whose "-er"/"-or" the stemmer drops
    ("travellers" -> "travel", "pensioners" -> "pension", "officer" -> "offic")?"""
    w = word.casefold()
    core = w[:-1] if w.endswith("s") else w
    return core.endswith(("er", "or")) and not safe_stem(w).endswith(("er", "or"))


@lru_cache(maxsize=4096)
def _word_key(text: str) -> tuple:
    """What makes two wordings the same: their stems, and which of their words are agent nouns."""
    return _stems(text), tuple(_agent(w) for w in _WORD.findall(text))


def _same_words(said: list[str], term: str) -> bool:
    """Do the query's words say the term's words, not just share their stems? "travel ban" does
    not say "travellers" (the stemmer makes both "travel"): "also searched: travel -> traveller
    community, gypsy and traveller" widened a search about a travel ban to Traveller sites, and
    "pension fund" would have searched "older people, seniors" through "pensioners"."""
    words = _WORD.findall(term)
    return len(words) == len(said) and all(_agent(a) == _agent(b) for a, b in zip(said, words))


def _says(query: tuple[str, ...], term: tuple[str, ...]) -> bool:
    """Does the query (its words' stems) hold ``term``'s stems, one after the other?"""
    n = len(term)
    return n > 0 and any(query[i : i + n] == term for i in range(len(query) - n + 1))


def with_meanings(text: str, expansions: list[Expansion], reworded: Sequence[Expansion] = ()) -> str:
    """``text`` followed by what its acronyms stand for, for the semantic view: MiniLM knows what
    "looked after children" means, not "LAC" (chosen on the judged sets: benchmarks/RESULTS.md).
    An everyday group's other wordings are added only for the groups in ``reworded`` (those that
    stand for most of the query: minsearch.searching.candidates): elsewhere the query's own words
    already mean it to the model, and adding them widened the meaning (judged minutes, London
    Ontario 0.6681 -> 0.6579 nDCG@10 with every group: "rules for food trucks" read as street
    trading and market stalls), where "county lines" read as child criminal exploitation finds
    the seeds' "young boys as drugs mules" first (0.48 -> 0.88)."""
    more = "; ".join(m for e in expansions if not e.everyday or e in reworded for m in e.meanings[:2])
    return f"{text} ({more})" if more else text


@lru_cache(maxsize=1)
def shipped() -> Glossary:
    """The glossary that ships with minsearch: its acronyms, then its everyday wordings."""
    data = resources.files("minsearch").joinpath("data")
    groups = [
        Glossary.parse(data.joinpath(name).read_text(encoding="utf-8"), f"minsearch/data/{name}")
        for name in (_FILE_NAME, _VOCABULARY)
    ]
    return groups[0].merged(groups[1])


def load_glossary(index_home: Optional[Path] = None) -> Glossary:
    """The shipped glossary, extended by ``<index home>/glossary.tsv`` when there is one."""
    base = shipped()
    if index_home is None:
        return base
    extra = Path(index_home) / _FILE_NAME
    if not extra.is_file():
        return base
    try:
        text = extra.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise MinsearchError(f"{extra}: cannot read the glossary ({e})") from e
    return base.merged(Glossary.parse(text, str(extra)))
