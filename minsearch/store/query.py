"""The query language both stores answer, in one place.

What a user may type is the Whoosh query language (``title:budget AND "dental checks" NOT
fees``, wildcards, ranges); this module knows it: how the words of each field are analysed, how
a query is parsed (with the ``strict`` fallback to plain words), which of its terms are marked in
snippets, how a query of plain words and phrases is planned for coverage and glossary alternates,
and the plain words of a query (for the encoder, and for Milvus's BM25). The embedded store
(:mod:`.keyword`) and the Milvus store (:mod:`.milvus`) both use it; neither parses on its own.

Two analyses of the same text sit side by side: ``text`` (stemmed, for recall) and ``exact``
(lower-cased, unstemmed, for quoted words and phrases: ``"worthing"`` must not match "worth").
Neither drops stopwords, because ``StemmingAnalyzer()`` with its default stoplist renumbers
positions and makes ``"with child"`` match any "child" (see FIELD-NOTES).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import AbstractSet, Iterator, Optional

from whoosh import columns, fields, qparser, query
from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, StandardAnalyzer

from ..glossary import Expansion
from ..ingest.metadata import MONTHS
from ..model import MinsearchError
from ..words import STOPWORDS, safe_stem
from .postings import CompactPositions


# -- analysis: the tokens of each field ------------------------------------------------------------
class WholeAmounts(Filter):
    """ "820.00" is also "820": minutes print sums with pence or cents ("$233,820.00"), people type
    them without ("$233,820"). The whole part is added at the same position, so phrases still work."""

    def __call__(self, tokens):
        for t in tokens:
            yield t
            if _ZERO_CENTS.fullmatch(t.text):
                t.text = t.text.split(".", 1)[0]
                yield t


_ZERO_CENTS = re.compile(r"\d+\.0+")


class SafeStem(Filter):
    """The Porter stem of each word, unless that would make a content word into a function word:
    "AED" (defibrillators) stems to "a", "one" to "on", "using" to "us"; such a stem matches nearly
    every paragraph and is left out of queries, so the word would be lost. The word stays whole."""

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = safe_stem(t.text)
            yield t


STEMMED = RegexTokenizer(r"[\w\*]+(\.?[\w\*]+)*") | LowercaseFilter() | WholeAmounts() | SafeStem()
UNSTEMMED = StandardAnalyzer(stoplist=None, minsize=1) | WholeAmounts()
LABEL = StandardAnalyzer(stoplist=None, minsize=1)

# Bump when the analysis of text changes (the tokens an index holds): benchmark caches key on it.
ANALYSIS_VERSION = 2  # 2: whole amounts ("820.00" also "820"), no stem that is a function word
# Fields scored by BM25F (the ones a query's words and phrases are searched in).
SCORED_FIELDS = frozenset({"text", "title", "exact"})
# Fields a user can name in a query (``title:budget``); the rest are internal.
QUERY_FIELDS = ("text", "title", "exact", "council", "committee", "section", "date", "doc_id")


# -- fields -----------------------------------------------------------------------------------------
def schema() -> fields.Schema:
    """The keyword index's fields: only what is searched or filtered on, nothing stored. A
    paragraph's record (text, title, numbers, source) is read from ``paragraphs.bin``
    (:mod:`.paragraphs`), found through ``key`` (a column: 8 bytes a paragraph, not indexed).
    Whoosh's stored fields were 58.8 of its 154 MB on Limerick, and the id, number and kind
    fields indexed for lookups the chunk table now answers were ~4 MB more. Word positions are
    written compactly (:mod:`.postings`)."""
    return fields.Schema(
        key=fields.COLUMN(columns.NumericColumn("Q")),
        doc_id=fields.ID(),
        title=_text(STEMMED, field_boost=0.3),
        section=fields.ID(),
        text=_text(STEMMED),
        exact=_text(UNSTEMMED),
        council=_text(LABEL),
        committee=_text(LABEL),
        council_key=fields.ID(),
        committee_key=fields.ID(),
        date=fields.DATETIME(),
    )


def _text(analyzer: Analyzer, field_boost: float = 1.0) -> fields.TEXT:
    """A text field whose postings keep word positions (for phrases), in the compact format."""
    f = fields.TEXT(analyzer=analyzer, field_boost=field_boost)
    f.format = CompactPositions(field_boost=field_boost)
    return f


@lru_cache(maxsize=1)
def scored_fields() -> frozenset[str]:
    """The fields of :func:`schema` that BM25F scores (a query's words may name any of them)."""
    return frozenset(name for name, f in schema().items() if f.scorable)


def label_key(value: str) -> str:
    """How council and committee names are compared: case- and space-insensitively."""
    return re.sub(r"\s+", " ", value).strip().casefold()


# -- parsing ----------------------------------------------------------------------------------------
class QuerySyntaxError(MinsearchError):
    """The query does not parse in the Whoosh query language."""


_RANGE = re.compile(r"\S*[\[{][^\]}]*[\]}]?")
_FIELD_PREFIX = re.compile(r"\b\w+:(?=\S)")
# A quoted string not already bound to a field ("x" but not title:"x") searches the unstemmed field.
_BARE_QUOTE = re.compile(r'(?<![\w:])"([^"]+)"')
# A reference code written with hyphens or slashes between its parts ("18-17", "SS-2025-112",
# "45/21", "2024/25"), holding a digit. The analysers cut it into its parts, and as an OR of
# them "Resolution No. 18-17" listed "January 18, 2017 Res. No. 33-17" first on Cleveland (and
# the paragraph holding it nowhere in the first ten): it is searched as the phrase of its parts,
# exactly as typed. Not in a field ("date:2024-01"), a quote, a range or a wildcard ("SS-20*").
# So is a sum written with thousands separators ("€4,253,795.11" found "€4,127,429" by its "4").
# (The look for a digit reads at most 40 characters on: unbounded, a 500-character query of
# letters and hyphens took time in the square of its length.)
_CODE = re.compile(
    r'(?<![\w:"*?./\\-])(?=[\w/-]{0,40}\d)([^\W_]+(?:[-/][^\W_]+)+)(?![\w"*?/\\-])'
    r'|(?<![\w:",.*?])(\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?![\w,*?]|\.\d)'
)
# What a code is never looked for in: a quoted string (with its field), a range.
_LITERAL = re.compile(r'(?:\w+:)?"[^"]*"?|\S*[\[{][^\]}]*[\]}]?')


_ZERO_CENTS_END = re.compile(r"\.0+$")


def _quoted(m: re.Match) -> str:
    # (A sum's zero cents are dropped: the index also holds "820.00" as "820", at the same place
    # (WholeAmounts), so "233,820" is found in "$233,820.00" and "$233,820" alike.)
    return f'"{m.group(1) or _ZERO_CENTS_END.sub("", m.group(2))}"'


def codes_as_phrases(text: str) -> str:
    """``text`` with each hyphenated or slashed reference code, and each sum written with
    thousands separators, quoted (:data:`_CODE`), outside the user's own quotes and ranges."""
    out: list[str] = []
    pos = 0
    for m in _LITERAL.finditer(text):
        out += [_CODE.sub(_quoted, text[pos : m.start()]), m.group()]
        pos = m.end()
    out.append(_CODE.sub(_quoted, text[pos:]))
    return "".join(out)


# A question mark that no letter follows ends a question ("what was said about dental checks?"):
# as a Whoosh wildcard it made the last word "checks" + one more letter, which matches nothing a
# user asked for, and a lone one ("snow removal ?") was refused as a leading wildcard. Before a
# letter ("wom?n") it stays a wildcard.
_QUESTION_MARK = re.compile(r"\?+(?!\w)")  # also "snow removal ?" and "(snow)?"


def question_marks_off(text: str) -> str:
    """``text`` without the question marks that no letter follows (they end a question, see above)."""
    return _QUESTION_MARK.sub("", text)


def _parser(sch: fields.Schema) -> qparser.QueryParser:
    # A plain OR: BM25 already rewards paragraphs with more of the words, and Whoosh's scaled
    # OR (OrGroup.factory) doubles query time on a large index (measured on Limerick).
    p = qparser.MultifieldParser(["text", "title"], sch, group=qparser.OrGroup)
    p.add_plugin(qparser.GtLtPlugin())
    return p


def parse(text: str, sch: Optional[fields.Schema] = None, strict: bool = True) -> tuple[query.Query, list[str]]:
    """Parse the Whoosh query language; quoted parts match exactly (unstemmed).

    ``sch``: the schema of an open index (read from its files), else :func:`schema`.

    ``strict``: raise :class:`QuerySyntaxError`; otherwise fall back to the plain words and say so.
    """
    sch = sch if sch is not None else schema()
    notices: list[str] = []
    text = question_marks_off(text)
    # (The user's quotes search the unstemmed field; a code is a phrase of the text and the title,
    # found as a word would be, so a query naming one still searches the glossary's alternates.)
    rewritten = codes_as_phrases(_BARE_QUOTE.sub(lambda m: f'exact:"{m.group(1)}"', text))
    try:
        q = _plain_words(rewritten, sch)
        if q is None:
            q = _parser(sch).parse(rewritten)
        q = _drop_loose_stopwords(_lift_nots(q))
        _check(q)
        _refuse_leading_wildcards(q)
    except Exception as e:  # noqa: BLE001 (Whoosh raises bare Exception for bad dates and ranges)
        if isinstance(e, (IndexError, KeyError, TypeError, AttributeError)):
            # Whoosh's own failure ("<script>" made its comparison plugin index past a list): its
            # text says nothing to the user.
            e = ValueError("it is not search syntax minsearch can read")
        if strict:
            if isinstance(e, LeadingWildcard):
                raise QuerySyntaxError(f"query: {e}") from None
            raise QuerySyntaxError(f"query syntax: {e} (quote the words to search them literally)") from None
        # The words the user meant to find, without the broken syntax: a range such as
        # "date:[foo to bar]" is dropped whole (its bounds are not search words), field names go.
        kept = _FIELD_PREFIX.sub(" ", _RANGE.sub(" ", text))
        words = " ".join(re.findall(r"\w+", kept)) or " ".join(re.findall(r"\w+", text))
        if not words:
            raise QuerySyntaxError("query has no words to search") from None
        plain = qparser.MultifieldParser(["text", "title"], sch, group=qparser.OrGroup)
        plain.remove_plugin_class(qparser.FieldsPlugin)
        plain.remove_plugin_class(qparser.WildcardPlugin)
        q = plain.parse(words)
        if isinstance(e, LeadingWildcard):
            notices.append(f"Your query could not be searched as written: {e}; searched the plain words instead.")
        else:
            notices.append(f"Your query could not be read as search syntax ({e}); searched the plain words instead.")
    return q, notices


# Words of letters and digits between spaces: most queries typed in the box, and 749 of the
# 1,084 judged and IR-set questions. Whoosh's parser reads each word as an OR of it in the title
# and text fields; parsing took 2.7 ms of a Cranfield question's ~20 ms (its nodes are deep-copied
# and normalised). tests/test_query_language.py checks that the tree built here is the parser's.
_PLAIN_WORDS = re.compile(r"\s*[^\W_]+(?:\s+[^\W_]+)*\s*")
_SYNTAX_WORDS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
_PLAIN_FIELDS = ("text", "title")  # as _parser searches a word without a field


def _plain_words(text: str, sch: fields.Schema) -> Optional[query.Query]:
    """The query Whoosh's parser would build for ``text`` when it is plain words, else None
    (syntax, punctuation, or a word its analyser splits or drops: the parser decides those)."""
    if not _PLAIN_WORDS.fullmatch(text):
        return None
    words = text.split()
    if _SYNTAX_WORDS.intersection(words):
        return None
    # What the parser's normalize() makes of an OR per word: one flat OR, each word once (its
    # deep copies were half the parser's time).
    flat: list[query.Query] = []
    seen: set[tuple[str, ...]] = set()
    for word in words:
        tokens = []
        for name in _PLAIN_FIELDS:
            found = list(sch[name].process_text(word, mode="query"))
            if len(found) != 1:
                return None
            tokens.append(found[0])
        if tuple(tokens) not in seen:
            seen.add(tuple(tokens))
            flat.extend(query.Term(name, token) for name, token in zip(_PLAIN_FIELDS, tokens))
    return query.Or(flat)


class LeadingWildcard(ValueError):
    """A wildcard before the first letter: it would scan every word of the index."""


def _refuse_leading_wildcards(q: query.Query) -> None:
    """``*e*``, ``?x``, ``text:*`` and ``*`` are matched against every word of a field (57 s for
    ``*e*`` on Limerick); a pattern must start with at least one letter."""
    for leaf in leaves(q):
        pattern = None
        if isinstance(leaf, query.Every):
            pattern = f"{leaf.fieldname}:*" if leaf.fieldname else "*"
        elif isinstance(leaf, (query.Wildcard, query.Prefix)) and (not leaf.text or leaf.text[0] in "*?"):
            pattern = leaf.text if isinstance(leaf, query.Wildcard) else leaf.text + "*"
        if pattern is not None:
            raise LeadingWildcard(
                f"{pattern!r} starts with a wildcard, which would scan every word in the index; "
                f"put at least one letter first (e.g. e*)"
            )


def leaves(q: query.Query) -> Iterator[query.Query]:
    if q.is_leaf():
        yield q
        return
    for sub in q.children():
        yield from leaves(sub)


def _drop_loose_stopwords(q: query.Query) -> query.Query:
    """Leave out "the", "for", "about"... where they are loose OR terms of a longer query.

    The index keeps stopwords (phrases need them), but as loose terms they match almost every
    paragraph, add nothing to the ranking, and made natural-language queries score the whole
    index (~1 s on Limerick). Quoted phrases, fields and a query of only stopwords keep them.
    """
    if isinstance(q, query.CompoundQuery):
        q.subqueries = [_drop_loose_stopwords(sub) for sub in q.subqueries]
        if isinstance(q, query.Or):
            kept = [
                sub
                for sub in q.subqueries
                if not (
                    isinstance(sub, query.Term) and sub.fieldname in ("text", "title") and str(sub.text) in STOPWORDS
                )
            ]
            if kept and len(kept) < len(q.subqueries):
                q.subqueries = kept
    return q


def _lift_nots(q: query.Query) -> query.Query:
    """``dental NOT registrations`` means "dental, without registrations".

    With an OR default group Whoosh reads it as ``dental OR (NOT registrations)``, which matches
    nearly everything; rewrite each such OR as ``(positives) ANDNOT (negatives)``.
    """
    if isinstance(q, query.CompoundQuery):
        q.subqueries = [_lift_nots(sub) for sub in q.subqueries]
        if isinstance(q, query.Or):
            neg = [sub.query for sub in q.subqueries if isinstance(sub, query.Not)]
            pos = [sub for sub in q.subqueries if not isinstance(sub, query.Not)]
            if neg and pos:
                q.subqueries = pos
                base = pos[0] if len(pos) == 1 else q
                return query.AndNot(base, neg[0] if len(neg) == 1 else query.Or(neg))
    return q


def _check(q: query.Query) -> None:
    if isinstance(q, query.NullQuery.__class__) or q is query.NullQuery:
        raise ValueError("nothing to search for")
    for leaf in q.leaves() if q.is_leaf() is False else [q]:
        if leaf.__class__.__name__ in ("ErrorQuery",):
            raise ValueError(str(leaf))


# -- query plans: plain words, phrases and glossary alternates -------------------------------------
@dataclass
class Concept:
    """One part of a query for coverage: a word (in any field), or a phrase."""

    terms: list[tuple[str, str]] = field(default_factory=list)  # plain leaves that satisfy it
    others: list[int] = field(default_factory=list)  # indexes into Plan.other that satisfy it
    weight_terms: list[tuple[str, str]] = field(default_factory=list)  # whose IDF gives its weight


@dataclass
class Synonyms:
    """Glossary alternates of some of the query's words: a paragraph with an alternate scores as if
    it had those words (the better of the two, never both added up)."""

    words: list[tuple[str, str]]  # the query's own leaves this group stands for
    plain: list[tuple[str, str]] = field(default_factory=list)  # one-word alternates
    others: list[int] = field(default_factory=list)  # phrase alternates (indexes into Plan.other)


@dataclass
class Plan:
    plain: list[tuple[str, str]]  # (field, term) leaves scored a posting block at a time
    other: list[query.Query]  # phrases, scored by Whoosh (the query's own, then glossary ones)
    concepts: list[Concept]
    used: list[Expansion]
    extra_terms: set[tuple[str, str]]  # glossary terms, for highlighting (see highlight_terms)
    synonyms: list[Synonyms] = field(default_factory=list)

    def own_phrases(self) -> int:
        """How many of ``other`` are the query's own (the rest are glossary alternates)."""
        return len(self.other) - sum(len(g.others) for g in self.synonyms)

    def own_words(self, i: int) -> Optional[query.Phrase]:
        """The phrase a paragraph must hold for ``other[i]`` to be in its own words, not only in its
        agenda item's title (procedure must match in its own words, see minsearch.ranking.rank):
        ``other[i]`` itself in the text, none in the title, and for the unstemmed field, which
        holds both, the same words in the text (a quoted "Z-9815" is in the title of every motion,
        vote and "Moved by" line of its item)."""
        p = self.other[i]
        if not isinstance(p, query.Phrase) or p.fieldname == "title":
            return None
        if p.fieldname != "exact":
            return p
        stems = [t.text for w in p.words for t in STEMMED(str(w))]
        return query.Phrase("text", stems) if stems else None


def plan_query(q: query.Query, scorable: AbstractSet[str], expansions: tuple[Expansion, ...] = ()) -> Optional[Plan]:
    """How to score ``q`` as a sum of parts, or None when it needs Whoosh (AND, NOT, wildcards, ranges)."""
    if type(q) is query.Or and q.boost == 1.0 and getattr(q, "scale", None) is None:
        children = list(q.subqueries)
    else:
        children = [q]
    plain: list[tuple[str, str]] = []
    other: list[query.Query] = []
    concepts: dict[object, Concept] = {}
    for child in children:
        if child.boost != 1.0:
            return None
        if isinstance(child, query.Term) and child.fieldname in scorable and isinstance(child.text, str):
            leaf = (child.fieldname, child.text)
            key = child.text if child.fieldname in ("text", "title") else leaf
            c = concepts.setdefault(key, Concept())
            if leaf not in plain:
                plain.append(leaf)
            c.terms.append(leaf)
            weight = ("text", child.text) if child.fieldname in ("text", "title") else leaf
            if weight not in c.weight_terms:
                c.weight_terms.append(weight)
        elif isinstance(child, query.Phrase) and child.fieldname in scorable:
            other.append(child)
            # As with words, the same phrase in the text and the title is one part of the query.
            words = tuple(str(w) for w in child.words)
            shared: object = ("phrase", words) if child.fieldname in ("text", "title") else ("phrase", len(other) - 1)
            c = concepts.setdefault(shared, Concept(weight_terms=[(child.fieldname, w) for w in words]))
            c.others.append(len(other) - 1)
        else:
            return None
    used: list[Expansion] = []
    extra: set[tuple[str, str]] = set()
    synonyms: list[Synonyms] = []
    # Glossary alternates only widen a query of plain words (and codes, phrases of the text and
    # title: "SEND funding 2024/25"): quotes and fields are demands.
    if (
        expansions
        and all(p.fieldname in ("text", "title") for p in other)
        and all(f in ("text", "title") for f, _t in plain)
    ):
        for e in expansions:
            keys = [t.text for w in e.words for t in STEMMED(w) if t.text in concepts]
            if not keys:
                continue
            used.append(e)
            targets = [concepts[k] for k in keys]
            group = Synonyms(words=[leaf for c in targets for leaf in c.terms])
            for alt in e.alternates:
                stems = [t.text for t in STEMMED(alt)]
                if not stems or (len(stems) == 1 and stems[0] in concepts):
                    continue
                covers = [] if e.guessed else targets  # (a guess scores, but covers nothing)
                if len(stems) == 1:
                    leaves = [("text", stems[0]), ("title", stems[0])]
                    group.plain.extend(leaf for leaf in leaves if leaf not in group.plain)
                    for c in covers:
                        c.terms.extend(leaves)
                else:
                    other.append(query.Phrase("text", stems))
                    group.others.append(len(other) - 1)
                    for c in covers:
                        c.others.append(len(other) - 1)
                # marked as a phrase: "Vacant and Abandoned Property Action Council" (VAPAC) must
                # not mark every "Council" of a paragraph. A guess is not marked: it is not the
                # query's word (a paragraph found by it has its closest sentence marked), and
                # "purple elephant trombone" marked "animal" in the closest paragraphs to nonsense.
                if not e.guessed:
                    extra.add(("text", " ".join(stems)))
            synonyms.append(group)
    return Plan(plain, other, list(concepts.values()), used, extra, synonyms)


# -- terms and plain words ------------------------------------------------------------------------
HIGHLIGHT_FIELDS = ("text", "title", "exact")  # fields whose terms are marked in snippets


def highlight_terms(q: query.Query) -> set[tuple[str, str]]:
    """The (field, term) pairs of ``q`` that a snippet marks (its words and phrases, not labels).
    A phrase is one pair whose term is its words joined by spaces (``("exact", "dental checks")``):
    it is marked where its words stand together, not word by word wherever they occur."""
    out: set[tuple[str, str]] = set()
    for leaf in [q] if q.is_leaf() else q.leaves():
        if isinstance(leaf, query.Phrase):
            if leaf.fieldname in HIGHLIGHT_FIELDS and leaf.words:
                out.add((leaf.fieldname, " ".join(str(w) for w in leaf.words)))
            continue
        out.update(
            (f, t.decode("utf-8") if isinstance(t, bytes) else str(t))
            for f, t in leaf.iter_all_terms()
            if f in HIGHLIGHT_FIELDS
        )
    return out


# The syntax of a query, as text: operators, field names and the special characters.
_SYNTAX = re.compile(r'\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|\b\w+:(?=\S)|[()"*?\[\]{}^~]')
_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"\b(?:NOT|ANDNOT)\s+(\w+:)?(\"[^\"]*\"|\w+)")
_OPS = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b|\b\w+:(?=\S)")
_OPERATORS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b")


def semantic_text(text: str) -> str:
    """The words of a query, without its syntax, for the encoder."""
    return re.sub(r"\s+", " ", _SYNTAX.sub(" ", text)).strip() or text


def bm25_words(text: str) -> str:
    """The plain words of a query for a BM25 of plain words (Milvus's): no operators, no field
    names, no NOT words, and, as in the embedded store, no loose stopwords unless the query has
    nothing else."""
    t = _NOT_WORD.sub(" ", text)
    t = _OPS.sub(" ", t)
    words = _WORD.findall(t)
    kept = [w for w in words if w.lower() not in STOPWORDS]
    return " ".join(kept or words)


def as_plain_words(text: str) -> str:
    """A query as plain words: syntax characters (``? : " ( ) * [ ] ~ ^ +`` ...) become spaces and
    the upper-case operators AND/OR/NOT/TO are lower-cased, so the query is an OR of its words."""
    out = " ".join(_WORD.findall(text))
    return _OPERATORS.sub(lambda m: m.group(1).lower(), out) or text.strip()


# -- spelling: the words of a query that may be corrected -------------------------------------------
_PIECE = re.compile(r'"[^"]*"?|\[[^\]]*\]?|\{[^}]*\}?|[^\s"\[{]+')
_LETTERS = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more (no digits)


def correctable_words(text: str) -> list[tuple[int, int, str]]:
    """The plain words of a query a speller may correct, as (start, end, lower-cased word).

    Left alone: quoted phrases (an exact demand, never rewritten), operators, ``field:`` terms,
    wildcards, fuzzy and boosted terms, ranges, numbers, the letters of codes ("CRR0056"), words
    of one or two letters, and function words ("say", "about": never searched as loose words, so
    no paragraph needs to hold them)."""
    out: list[tuple[int, int, str]] = []
    # (question marks become spaces: the spans must index ``text`` as typed)
    for m in _PIECE.finditer(_QUESTION_MARK.sub(lambda q: " " * len(q.group(0)), text)):
        piece = m.group(0)
        if piece[0] in '"[{' or _OPERATORS.fullmatch(piece) or any(ch in piece for ch in ":*?~^"):
            continue
        for w in _LETTERS.finditer(piece):
            if _in_code(piece, w.start(), w.end()):
                continue  # the letters of a code: "CRR0056" matched exactly and was offered "CAR0056"
            if w.group(0).lower() not in STOPWORDS:
                out.append((m.start() + w.start(), m.start() + w.end(), w.group(0).lower()))
    return out


def _in_code(piece: str, start: int, end: int) -> bool:
    """Are the letters ``piece[start:end]`` written against a digit (a reference code, "CRR0056")?"""
    return (start > 0 and piece[start - 1].isdigit()) or (end < len(piece) and piece[end].isdigit())


def holds_words(words: str, text: str) -> bool:
    """Does ``text`` hold every word of ``words`` as the keyword index reads them (stemmed)?"""
    want = {t.text for t in STEMMED(words)}
    return want <= {t.text for t in STEMMED(text)}


def share_of_words(words: str, text: str, known: str = "") -> float:
    """The share of the distinct words of ``words`` (function words and the words of ``known``
    left out; stemmed, as the keyword index reads them) that ``text`` holds: 0 when ``words`` has
    none."""
    want = {t.text for t in STEMMED(words)} - STOPWORDS - {t.text for t in STEMMED(known)}
    if not want:
        return 0.0
    return len(want & {t.text for t in STEMMED(text)}) / len(want)


# -- dates in the words of a query ------------------------------------------------------------------
_MONTH = r"(?:%s)" % "|".join(sorted(MONTHS, key=len, reverse=True))
_WHEN = rf"(?:(?P<{{n}}m>{_MONTH})\.?\s+)?(?P<{{n}}y>(?:19|20)\d\d)"
_DATE_PHRASE = re.compile(
    r"(?<![\w:\[{])(?:"
    + r"(?P<between>between|from)\s+"
    + _WHEN.format(n="a")
    + r"\s+(?:and|to|through|until|till|-|–)\s+"
    + _WHEN.format(n="b")
    + r"|(?P<word>since|from|after|before|until|till|up\s+to|in|during)\s+"
    + _WHEN.format(n="c")
    + r")(?![\w\-/*~^]|\?\w)",  # not a code ("2022-style") or a wildcard ("2025*", "2025?5")
    re.I,
)
# An operator before the phrase ("budget NOT since 2022") makes it syntax, not a date filter.
_OPERATOR_BEFORE = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\s*$")
_QUOTED = re.compile(r'"[^"]*"?')


@dataclass(frozen=True)
class DatePhrase:
    """Meeting dates a query asks for in words ("since 2022", "in March 2024", "between 2021 and
    2023", "from March 2025 to June 2025"): the phrase as typed, the first and last day it allows
    (either may be None), and the query without it."""

    phrase: str
    since: Optional[str]
    until: Optional[str]
    rest: str


def date_phrase(text: str) -> Optional[DatePhrase]:
    """The one phrase of ``text`` that names meeting dates, or None (none, several, after an
    operator, with the date field, or nothing else left to search; phrases inside quotes are
    words). A year alone ("the 2022 budget") is a word."""
    if re.search(r"\bdate:", text):
        return None
    quoted = [q.span() for q in _QUOTED.finditer(text)]
    found = [m for m in _DATE_PHRASE.finditer(text) if not any(a <= m.start() < b for a, b in quoted)]
    if len(found) != 1 or _OPERATOR_BEFORE.search(text[: found[0].start()]):
        return None
    m = found[0]
    before, after = text[: m.start()].rstrip(), text[m.end() :]
    # "... after Sept 2023?": the question mark stays on the word before, not alone (a wildcard)
    rest = " ".join((before + after if after[:1] in tuple("?.!,;:") else before + " " + after).split())
    if not re.search(r"[^\W\d_]{2,}", rest):
        return None  # "in 2023" alone: search the words
    if m.group("between"):
        start, _ = _span(m.group("am"), m.group("ay"))
        _, end = _span(m.group("bm"), m.group("by"))
        return DatePhrase(m.group(0), start, end, rest) if start <= end else None
    first, last = _span(m.group("cm"), m.group("cy"))
    word = " ".join(m.group("word").lower().split())
    since: Optional[str]
    until: Optional[str]
    since, until = {
        "since": (first, None),
        "from": (first, None),
        "after": (_day_after(last), None),
        "before": (None, _day_before(first)),
        "until": (None, last),
        "till": (None, last),
        "up to": (None, last),
        "in": (first, last),
        "during": (first, last),
    }[word]
    return DatePhrase(m.group(0), since, until, rest)


def _span(month: Optional[str], year: str) -> tuple[str, str]:
    """The first and last day of a year, or of one month of it (named: "March", "Sept.")."""
    return _bounds(f"{year}-{MONTHS[month.lower().rstrip('.')]}" if month else year)


def _day_after(iso: str) -> str:
    return (date.fromisoformat(iso) + timedelta(days=1)).isoformat()


def _day_before(iso: str) -> str:
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


_DATE_BOUND = r"(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)"
_DATE_FIELD = re.compile(
    r"(?<![\w:])date:(?:\[\s*" + _DATE_BOUND + r"\s+to\s+" + _DATE_BOUND + r"\s*\]"
    r"|(?P<op>>=|<=|>|<)" + _DATE_BOUND + r"|" + _DATE_BOUND + r")(?![\w\-\]*?])",
    re.I,
)


def date_field(text: str) -> Optional[DatePhrase]:
    """The one ``date:`` term of ``text`` (``date:[2020 to 2021]``, ``date:>2024-06``,
    ``date:2024``) as meeting dates, or None (none, several, a bound that is no date, or nothing
    else to search). As a term of the query's OR it only added the meetings in range to the
    matches ("dental date:[2020 to 2021]" was every dental paragraph), and meaning never saw it."""
    found = list(_DATE_FIELD.finditer(text))
    if len(found) != 1 or _OPERATOR_BEFORE.search(text[: found[0].start()]):
        return None  # ("NOT date:2024" excludes a year: the parser's to read)
    m = found[0]
    rest = " ".join((text[: m.start()] + " " + text[m.end() :]).split())
    if not re.search(r"[^\W\d_]{2,}", rest):
        return None
    since: Optional[str]
    until: Optional[str]
    try:
        if m.group(1):
            since, until = _bounds(m.group(1))[0], _bounds(m.group(2))[1]
        elif m.group("op"):
            first, last = _bounds(m.group(4))
            since, until = {
                ">": (_day_after(last), None),
                ">=": (first, None),
                "<": (None, _day_before(first)),
                "<=": (None, last),
            }[m.group("op")]
        else:
            since, until = _bounds(m.group(5))
    except ValueError:
        return None  # "date:2024-13": the parser says what is wrong with it
    if since and until and since > until:
        return None
    return DatePhrase(m.group(0), since, until, rest)


def _bounds(value: str) -> tuple[str, str]:
    """The first and last day of ``2024``, ``2024-06`` or ``2024-06-03`` (ValueError if none)."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return f"{parts[0]:04d}-01-01", f"{parts[0]:04d}-12-31"
    if len(parts) == 2:
        y, mo = parts
        last = calendar.monthrange(y, mo)[1] if 1 <= mo <= 12 else 0
        if not last:
            raise ValueError(value)
        return f"{y:04d}-{mo:02d}-01", f"{y:04d}-{mo:02d}-{last:02d}"
    day = date(*parts).isoformat()
    return day, day
