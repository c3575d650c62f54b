"""From the two views' candidates to the list a user reads: matches, in order, without repeats.

The only place that decides what counts as a match and in what order matches come:

1. **Fusion** of the keyword and semantic lists (:mod:`.fusion`), with more weight on the keyword
   view when the query asks for something exact (a number, a code, a name, a quoted phrase); the
   semantic list in its meaning-feedback order when the store gave one (``reordered``).
2. **Matches.** First the query: it has a confident answer when some candidate contains most of
   it (``confident_coverage``: the IDF-weighted share of the query's words, glossary alternates
   counting for the words they stand for) or is close in meaning (``confident_floor``). A query
   without one ("purple elephant trombone") has no matches, only "closest, low confidence".
   Then each candidate: a match when it contains ``min_coverage`` of the query or its meaning
   clears ``semantic_floor``. Procedure and headings must contain the query in their own words
   (a vote tally under the "Homeless Encampments" item is not about encampments). Counts count
   matches.
3. **Procedure last.** Attendance, votes, movers and headings (:mod:`minsearch.ingest.kinds`)
   are listed only when no substance matches, unless the query is about procedure: a question
   that asks about it ("how did X vote", "who seconded", "was X absent") ranks it like any
   paragraph, and lists first the vote lines or the movers' lines under the items of its first
   matches ("who voted against ...", "who seconded ..."; "how did Councillor X vote on ...":
   searched by its topic, the lines naming X first), or, for a question with no such lines, the
   attendance and declarations naming the member it asks about under the item it asks about; a
   name that appears mostly in attendance and vote lists moves it a few places down.
4. **Repeats collapse** into their best-placed copy, which lists the others (``also``).
5. **Order**: by relevance, or newest meeting first among the matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Mapping, NamedTuple, Optional

from ..config import FUSIONS, Settings
from ..model import ChunkMeta, MinsearchError, coverage_needed
from ..words import STOPWORDS
from .duplicates import Neighbours, collapse, repeats
from .fusion import Fused, fuse, single


class BestScores(NamedTuple):
    """The best a query reaches among some candidates (:func:`~minsearch.searching.ranked.best_scores`):
    over the whole index, it decides whether a filtered search, or a saved search over a few new
    paragraphs, has a confident answer at all (see :func:`match_rule`)."""

    cosine: float = -1.0  # the best cosine
    coverage: float = 0.0  # the best share of the query a paragraph holds
    # The best cosine of a paragraph holding ``joint_coverage`` of the query: both views
    # half-confident about the same paragraph (hybrid only).
    joint: float = -1.0

    def with_(self, other: "BestScores") -> "BestScores":
        """The better of the two for each score (the whole index's and a filter's, a saved
        search's and a re-index's new paragraphs)."""
        return BestScores(*(max(a, b) for a, b in zip(self, other)))


NO_SCORES = BestScores()


def joint_cosine(cos: Mapping[str, float], cov: Mapping[str, float], joint_coverage: float) -> float:
    """The best cosine of a paragraph holding ``joint_coverage`` of the query (:attr:`BestScores.joint`);
    ``cos`` and ``cov``: the candidates' cosines and coverages (-1.0: none holds that much)."""
    return max((cos.get(c, -1.0) for c, v in cov.items() if v >= joint_coverage - 1e-9), default=-1.0)


@dataclass(frozen=True)
class RankParams:
    """The knobs of ranking. Their defaults are the configuration's (:class:`~minsearch.config.Settings`,
    one place), chosen in benchmarks/RESULTS.md (leave-one-corpus-out)."""

    fusion: str = Settings.fusion  # "rrf" or "weighted"
    rrf_k: int = Settings.rrf_k
    alpha: float = Settings.alpha  # weighted fusion: share of the semantic score
    # RRF weight added to the keyword list (weighted: alpha removed) for exact queries
    exact_boost: float = Settings.exact_boost
    # A paragraph found by meaning alone is a match at this cosine, and within relative_floor of
    # the query's best cosine (the higher of the two) ...
    semantic_floor: float = Settings.semantic_floor
    relative_floor: float = Settings.relative_floor
    # ... and a keyword hit when it holds min_coverage of the query's weight, or relative_coverage
    # of the best hit's coverage (the lower), or in a longer query the weight of match_words words.
    min_coverage: float = Settings.min_coverage
    relative_coverage: float = Settings.relative_coverage
    match_words: int = Settings.match_words
    # The query has any match only if some paragraph is confident_floor close in meaning (set per
    # index by minsearch.searching.calibration: the confident_quantile of the off-topic probes'
    # best cosines plus confident_margin; a margin below 0 keeps confident_floor; on measured
    # indexes semantic_floor is at least the bar less meaning_gap, below 0: off) ...
    confident_floor: float = Settings.confident_floor
    confident_quantile: float = Settings.confident_quantile
    confident_margin: float = Settings.confident_margin
    meaning_gap: float = Settings.meaning_gap
    # ... and, when the query is only a name, code, number, acronym or quote (only_named), at most
    # exact_gap below the bar unless the paragraph is in the agenda item of a keyword match (below 0: off)
    exact_gap: float = Settings.exact_gap
    # ... and for any other hybrid query, topic_gap below the bar unless the paragraph is in the
    # agenda item of a keyword match or of a paragraph within topic_gap of the bar (below 0: off)
    topic_gap: float = Settings.topic_gap
    # ... or holds confident_coverage of the query (in a longer one, the weight of confident_words
    # of its words), or both views are half-confident (joint_floor in meaning, joint_coverage).
    confident_coverage: float = Settings.confident_coverage
    confident_words: int = Settings.confident_words
    joint_floor: float = Settings.joint_floor
    joint_coverage: float = Settings.joint_coverage
    procedure_penalty: int = Settings.procedure_penalty  # places procedure moves down for a name found mostly there
    own_words: bool = True  # procedure and headings match only through their own words
    codes_first: bool = True  # a query with a code or number lists the paragraphs holding all of it first
    named_first: bool = True  # ... and one with a specific acronym or a proper name, the paragraphs naming it
    duplicate_jaccard: float = Settings.duplicate_jaccard  # share of word pairs two paragraphs share to be one text


def params_from(settings: Settings, fusion: Optional[str] = None) -> RankParams:
    """The ranking knobs of ``settings`` (``fusion`` overrides the configured method).

    An unknown method is an error naming where it came from: ranking would otherwise fall back to
    weighted fusion without saying so. A query's own (``--fusion foo``) is the request's mistake;
    the configured one (``MINSEARCH_FUSION=foo``) is the server's (500 on the page and the API,
    which have no fusion parameter: blaming the request left the user nothing to correct)."""
    s = settings
    method = fusion or s.fusion
    if method not in FUSIONS:
        # Worded as searching.validate.check_choice words a query's own fusion (ranking is below it).
        message = f"{method!r} is not one of {', '.join(FUSIONS)}"
        if fusion:
            raise MinsearchError(message, param="fusion")
        raise MinsearchError(message, param="MINSEARCH_FUSION", status=500)
    return RankParams(
        fusion=method,
        rrf_k=s.rrf_k,
        alpha=s.alpha,
        exact_boost=s.exact_boost,
        semantic_floor=s.semantic_floor,
        relative_floor=s.relative_floor,
        min_coverage=s.min_coverage,
        relative_coverage=s.relative_coverage,
        match_words=s.match_words,
        confident_floor=s.confident_floor,
        confident_quantile=s.confident_quantile,
        confident_margin=s.confident_margin,
        meaning_gap=s.meaning_gap,
        exact_gap=s.exact_gap,
        topic_gap=s.topic_gap,
        confident_coverage=s.confident_coverage,
        confident_words=s.confident_words,
        joint_floor=s.joint_floor,
        joint_coverage=s.joint_coverage,
        procedure_penalty=s.procedure_penalty,
        duplicate_jaccard=s.duplicate_jaccard,
    )


@dataclass
class Ranked:
    chunk_id: str
    score: float
    keyword_rank: Optional[int] = None
    semantic_rank: Optional[int] = None
    also: list[str] = field(default_factory=list)  # the same text elsewhere (chunk ids)
    # Listed as the rest of an agenda item a match heads or is titled by, not found by either view
    # (:func:`context_after_holders`).
    context: bool = False


@dataclass
class Ranking:
    matches: list[Ranked]
    closest: list[Ranked]  # best candidates that are not matches (shown only when nothing matches)


# Words that ask how a vote went ("who voted against ...", "the yeas and nays on ...") and who
# moved a motion ("who seconded the ...", "who proposed the motion on ..."; "proposed" alone is
# as often a topic: "the proposed development").
_VOTE_WORDS = r"vot(?:e|ed|es|ing)|yeas?|nays?|ayes?|noes|abstain(?:ed|s)?|abstentions?|roll\s*call"
_MOVER_WORDS = r"mov(?:ed|er)|second(?:ed|er)|proposer|who\s+proposed|proposed\s+by"
# Words that make a query about the meeting's machinery rather than a topic.
_PROCEDURE_QUERY = re.compile(
    rf"\b(?:{_VOTE_WORDS}|{_MOVER_WORDS}|recus(?:e|ed|al)|quorum|apologies|pecuniary|conflicts?\s+of\s+interest|"
    r"adjourn(?:ed|ment)?|in\s+camera|closed\s+session)\b",
    re.I,
)
# ... and words that are as often a topic ("school attendance", "persistent absence", "climate
# emergency declaration", "the chair's report"): about procedure only when the query asks about a
# person ("who was absent", "was Councillor Pribil absent") or an interest ("declare a conflict").
# Alone they put "Supporting documents: ... Attendance Report" and "Motion Passed" on first pages.
_PROCEDURE_IF_PERSON = re.compile(
    r"\b(?:absent|absences?|attend(?:ed|ance|ing)?|present|declar(?:e|es|ed|ation|ations)|"
    r"disclos(?:e|es|ed|ure)|chair(?:ed|ing)?)\b",
    re.I,
)
_PERSON = re.compile(
    r"\b(?:who|whom|whose|councill?ors?|cllrs?|members?|mayor|aldermen|alderman|mr|mrs|ms|miss|dr)\b|"
    r"\binterests?\b|\bconflicts?\b",
    re.I,
)


def asks_about_procedure(text: str) -> bool:
    """Does the query ask about the meeting's machinery: votes, movers, declarations of interest,
    who attended or was absent (see :func:`about_procedure`)?"""
    if _PROCEDURE_QUERY.search(text) or _member_moved(text.split()):
        return True
    m = _PROCEDURE_IF_PERSON.search(text)
    return m is not None and (bool(_PERSON.search(text)) or _name_before(text[: m.start()]))


_VOTE_QUERY = re.compile(rf"\b(?:{_VOTE_WORDS})\b", re.I)
_MOVER_QUERY = re.compile(rf"\b(?:{_MOVER_WORDS})\b", re.I)
VOTES = "votes"  # the question asks how a vote went: its tallies and roll calls answer it
MOVERS = "movers"  # ... who moved or seconded a motion: the lines naming them answer it


_ASKING = re.compile(rf"\b(?:{_VOTE_WORDS}|{_MOVER_WORDS}|motions?)\b", re.I)


def asked_topic(text: str) -> str:
    """A vote or mover question without the words that ask about the vote or the movers ("who
    seconded the motion on the Whole of Community System Response report?" -> "... the Whole of
    Community System Response report?"): what tells one motion from another."""
    return _ASKING.sub(" ", text)


def asked_lines(text: str) -> Optional[str]:
    """Which procedure lines answer the query: :data:`VOTES` (who voted which way, the count),
    :data:`MOVERS` (who moved, proposed or seconded) or None (neither)."""
    if _VOTE_QUERY.search(text):
        return VOTES
    return MOVERS if _MOVER_QUERY.search(text) or _member_moved(text.split()) else None


# Verbs that ask who moved a motion when a member is their subject ("did Cllr Secas second the
# proposal", "did Mr Lewis propose the amendment", "did Councillor Rahman move the referral");
# otherwise they are as often an ordinal or a topic ("the second reading", "the proposed
# development", "a move to").
_MEMBER_MOVER = re.compile(r"(?:second(?:s|ed)?|propos(?:e|es|ed)|mov(?:e|es|ed))", re.I)


def _member_moved(words: list[str]) -> list[int]:
    """The positions of such verbs right after a member's name in a question's ``words``."""
    if not any(_MEMBER_MOVER.fullmatch(w.strip(",;:?.!")) for w in words):
        return []
    members = set(_member_words(words))
    return [i for i, w in enumerate(words) if i - 1 in members and _MEMBER_MOVER.fullmatch(w.strip(",;:?.!"))]


def _name_before(head: str) -> bool:
    """A capitalised name just before the word, not the query's first ("was Pribil absent", "did
    Rahman declare"): a place after it is the topic's ("school attendance in Kent")."""
    return any(_name_word(w) for w in head.split()[1:][-2:])


def _name_word(word: str) -> bool:
    """Capitalised, and not a function word ("What", "The" are never names)."""
    return bool(re.search(r"\b[A-Z][a-z]", word)) and re.sub(r"\W+$", "", word).lower() not in STOPWORDS


# A member's title before their name ("Councillor Trosow", "Cllr J. Smith", "Deputy Mayor Lewis").
_TITLE = re.compile(r"\b(?:councill?or|cllr|alderman|alderwoman|mayor|reeve|member|mr|mrs|ms|miss|dr)s?\.?$", re.I)


_INITIAL = re.compile(r"[A-Z]\.")  # "S." of "Councillor S. Trosow"
_TITLE_LEAD = re.compile(r"(?:deputy|acting|vice|lord)-?", re.I)


def persons(text: str) -> list[str]:
    """The people a procedure question names: the capitalised words after a member's title
    ("how did Councillor Hillier vote" -> ["Hillier"]) or just before the procedure word ("was
    Pribil absent", "did Rahman declare"); not the topic's capitalised words ("the February 2025
    Audit Committee meeting", "the Watson Park motion"), which a vote line does not repeat."""
    words = text.split()
    out = [
        re.sub(r"\W+$", "", words[i])
        for i in _member_words(words)
        if not _TITLE.search(words[i].strip(",;:")) and not _TITLE_LEAD.fullmatch(words[i])
    ]
    # Initials ("J.") are written in many ways ("J. Pribil", "Pribil, J."): the surname is enough.
    return [w for w in dict.fromkeys(out) if len(w.rstrip(".")) > 1]


def _member_words(words: list[str]) -> list[int]:
    """The positions of the members :func:`persons` reads in a question's ``words``: each
    member's title and the name after it, or the names just before the procedure word."""
    out: list[int] = []
    for i, word in enumerate(words):
        if not _TITLE.search(word.strip(",;:")) or i + 1 >= len(words):
            continue
        named = []
        for j in range(i + 1, min(i + 3, len(words))):
            if not (_name_word(words[j]) or _INITIAL.fullmatch(words[j])) or _TITLE.search(words[j].strip(",;:")):
                break
            named.append(j)
        if named:
            # (with "Deputy" of "Deputy Mayor Lewis", which is no topic)
            out += [i - 1] if i and _TITLE_LEAD.fullmatch(words[i - 1]) else []
            out += [i, *named]
    if out:
        return out
    text = " ".join(words)
    m = _PROCEDURE_IF_PERSON.search(text) or _PROCEDURE_QUERY.search(text)
    if m is None:
        return []
    before = len(text[: m.start()].split())
    named = [i for i in range(max(1, before - 2), before) if _name_word(words[i])]
    # (with the initial before the name: "how did D. White vote")
    return [i - 1 for i in named[:1] if i > 1 and _INITIAL.fullmatch(words[i - 1])] + named


def vote_topic(text: str) -> Optional[str]:
    """A question about how members voted or who moved a motion that names the members and a
    topic ("how did Councillor Trosow vote on the encampment strategy"), without the members
    ("how did vote on the encampment strategy"): what the views search for it, so that the
    agenda items it asks about are found by the topic, and not by the name (every attendance
    line and other items' votes naming him had led: "At 2:07 PM, Councillor S. Trosow enters the
    meeting.", "Additional Votes: Moved by S. Trosow" under the Economic Development Strategy).
    None for any other question, and for one naming only members ("how did Councillor Trosow
    vote?"), which their own lines answer."""
    if asked_lines(text) is None or not asks_about_procedure(text):
        return None
    words = text.split()
    members = set(_member_words(words))
    if not members or any(re.search(r"[\"()\[\]{}:]", words[i]) for i in members):
        return None  # (a member in the query language's quotes or fields: searched as typed)
    members.update(_member_moved(words))  # ("did Cllr Secas second ...": the asking verb too)
    topic = " ".join(w for i, w in enumerate(words) if i not in members)
    if not any(len(w) > 1 and w.lower() not in STOPWORDS for w in re.findall(r"\w+", asked_topic(topic))):
        return None
    return topic


def names_only_members(text: str) -> bool:
    """A question about how members voted or who moved a motion that names members and no topic
    ("how did Councillor Trosow vote?"): their own lines answer it, from every item they voted or
    moved on, and the asker is told to say which vote (see :func:`vote_topic`)."""
    return asked_lines(text) is not None and asks_about_procedure(text) and bool(persons(text)) and not vote_topic(text)


ASKED = "asked"  # the query's words ask about procedure
NAMES = "names"  # its best keyword matches are mostly procedure (a member's name)


def about_procedure(
    text: str,
    keyword: list[tuple[str, float]],
    meta: dict[str, ChunkMeta],
    own: Optional[dict[str, float]] = None,
) -> Optional[str]:
    """Is the query about procedure? :data:`ASKED` when its words say so ("how did X vote"),
    :data:`NAMES` when it is a name (a few words, no digits or acronyms) that the paragraphs
    holding all of it in their own words are mostly procedure (a councillor's name appears
    mostly in attendance and vote lists), None otherwise.

    ``own``: each keyword match's share of the query in its own words (not its item's title). Only
    those count: the movers and votes under "Appointment of John Mascarin" match his name through
    the title, and are not where the name appears. Only name-shaped queries: an address, a report
    number or an acronym is listed in "Supporting documents:" lines and motions' headers more
    often than discussed, and that made "459 Hales Street", "SS-2025-112" and "UTRCA funding"
    about procedure on London Ontario (vote tallies on their first page).
    """
    return procedure_among(procedure_words(text), keyword, meta, own)


NAME = "name"  # the query is shaped like a name: whether it is about procedure depends on its matches


def procedure_words(text: str) -> Optional[str]:
    """What the query's words alone say of :func:`about_procedure`: :data:`ASKED`, :data:`NAME`
    (it depends on the paragraphs holding the name) or None (not about procedure)."""
    if asks_about_procedure(text):
        return ASKED
    if not _NAME_SHAPED.fullmatch(text.strip()) or re.search(r"\b[A-Z]{2,}\b", text):
        return None
    return NAME


def procedure_among(
    words: Optional[str],
    keyword: list[tuple[str, float]],
    meta: dict[str, ChunkMeta],
    own: Optional[dict[str, float]] = None,
) -> Optional[str]:
    """:func:`about_procedure` of a query whose :func:`procedure_words` are ``words``, among these
    keyword matches: the words are read once for the many subsets a search's counts judge."""
    if words != NAME:
        return words
    whole = [c for c, _s in keyword if own is None or own.get(c, 0.0) >= 0.99]
    top = [meta[c].kind for c in whole[:10] if c in meta]
    if len(top) >= 3 and sum(k != "substance" for k in top) / len(top) >= 0.5:
        return NAMES
    return None


# A name: one to four words of letters (with "O'Brien", "Smith-Jones", "J.").
_NAME_SHAPED = re.compile(r"[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,3}")


def names_code(text: str) -> bool:
    """Does the query hold a number, a code or a quoted phrase, which a paragraph has or has not?"""
    return bool(re.search(r"\d|\"", text))


# A word written as an acronym: 2-10 letters, two or more of them capitals ("KYCC", "EHCPs", "FoI").
_ACRONYM = re.compile(r"(?<![\w-])[^\W\d_]{2,10}(?![\w-])")


def acronyms(text: str) -> list[str]:
    """The words of a query written as acronyms ("KYCC election turnout" -> ["KYCC"]); none when
    the query is in capitals throughout (then capitals mean nothing), or is acronyms only (then
    every match holds them)."""
    words = _ACRONYM.findall(text)
    found = [w for w in words if sum(ch.isupper() for ch in w) >= 2]
    if len(words) == 1 and found:
        return found
    if not found or len(found) == len(words) or not any(ch.islower() for ch in text):
        return []
    return list(dict.fromkeys(found))


# A word of a proper name: capitalised ("Doran", "Ó Briain", "Smith-Jones", "O'Riordan",
# "McInroy") or an initial ("D.").
_PROPER_WORD = re.compile(r"(?:[^\W\d_][\w'’-]*|[^\W\d_]\.)")
_IRISH_PARTICLE = frozenset(("Ó", "Ní", "Nic", "Uí", "Mac", "Mc"))


def _proper_word(word: str) -> bool:
    """Is ``word`` written as part of a proper name (capital, then small letters or an apostrophe;
    an initial; an Irish particle)? Capitals throughout are an acronym's."""
    if word in _IRISH_PARTICLE:
        return True
    if not _PROPER_WORD.fullmatch(word) or not word[0].isupper():
        return False
    second = word[1:2]  # "." of an initial, the apostrophe of "O'Riordan", a small letter
    return second in (".", "'", "’") or second.islower() or word.startswith("Mc")


PROPER_NAME_WORDS = 4  # a name longer than this is rarer than a title typed in capitals


def proper_name(text: str) -> Optional[str]:
    """The words of a query that is only a proper name, one to :data:`PROPER_NAME_WORDS` words in
    capitals ("Tony Doran", "D. R. Schmidt", "Budweiser Gardens", "Councillor Hardacre"), without
    a member's title ("Hardacre"); None for anything else (a lower-case word, a function word, a
    number, an acronym: see :func:`acronyms`)."""
    words = text.split()
    if not 1 <= len(words) <= PROPER_NAME_WORDS or not all(_proper_word(w) for w in words):
        return None
    if any(w.lower() in STOPWORDS for w in words):
        return None  # "The Hague" aside, a capitalised function word starts a question or a title
    said = [w for w in words if not _TITLE.fullmatch(w)]
    if all(w in _IRISH_PARTICLE for w in said):
        return None  # nobody named: "Councillor", "Ó"
    return " ".join(said)


def exact_query(text: str) -> bool:
    """Does the query name something exact: a number, a code, an acronym, a quote, a proper name?

    A capitalised word is a name unless capitals mean something else: the query's first word, a
    sentence's first word ("... titles? What difficulties ..."), a function word ("What", "The"
    are never names). A description several sentences long capitalised each sentence, and 52 of
    CISI's 76 questions counted as naming something exact (34 with this rule, 22 when their
    punctuation is kept).

    A query of more than :data:`DESCRIPTION_WORDS` words is a description (a pasted abstract, a
    paragraph of a report), whose names and numbers are a small part of what it asks: only a
    quoted phrase makes it exact. Searches people type are shorter (the judged minutes queries:
    at most 13 words); 31 of CISI's 34 exact-looking questions are 31-335 words long, and
    weighting their keywords cost CISI 0.02 nDCG@10 (benchmarks/RESULTS.md).
    """
    if '"' in text:
        return True
    if is_description(text):
        return False
    return bool(_CODE_OR_ACRONYM.search(text) or names(text))


_CODE_OR_ACRONYM = re.compile(r"\d|\b[A-Z]{2,}\b")


def only_named(text: str) -> bool:
    """Is the query nothing but what it names exactly: codes and numbers, acronyms, a proper
    name, quoted phrases, with function words between ("SS-2025-112", "EHCP", "Storm Emma",
    "Dolores O'Riordan", '"winter maintenance"', "Minister for Housing")? Not a subject that
    also names something ("AED funding for community groups", "Halloween night violence in
    Newcastle West"), whose paragraphs found by meaning alone are as much answers as those
    holding the name (Limerick's defibrillator grants that do not say "AED")."""
    if is_description(text):
        return False
    rest = re.sub(r'"[^"]*"', " ", text)
    quoted = rest != text
    words = [w for w in (re.sub(r"^\W+|\W+$", "", w) for w in rest.split()) if w]
    # In capitals throughout, a long word is not an acronym ("HOMELESS ENCAMPMENTS").
    shouting = not any(ch.islower() for ch in text)
    named = 0
    for w in words:
        if w.lower() in STOPWORDS:
            continue
        acronym = bool(_ACRONYM.fullmatch(w)) and sum(ch.isupper() for ch in w) >= 2
        if any(ch.isdigit() for ch in w) or (acronym and not (shouting and len(w) > 6)) or _proper_word(w):
            named += 1
            continue
        return False
    return named > 0 or quoted


def exact_by_names(text: str) -> list[str]:
    """The capitalised names that alone make the query exact (:func:`exact_query`), without
    members' titles; none when something else does (a number, a code, an acronym, a quote) or
    nothing does."""
    if '"' in text or is_description(text) or _CODE_OR_ACRONYM.search(text):
        return []
    # A member's title is not the name: a vote line says "J. Trosow", not "Councillor Trosow".
    return [w for w in names(text) if not _TITLE.search(w)]


def names(text: str) -> list[str]:
    """The query's capitalised words that are names: not its first word, nor a sentence's first
    word ("... titles? What difficulties ..."), nor a function word ("What", "The")."""
    words = text.split()
    found = [word for before, word in zip(words, words[1:]) if _name_word(word) and not _SENTENCE_END.search(before)]
    return list(dict.fromkeys(re.sub(r"^\W+|\W+$", "", w) for w in found))


DESCRIPTION_WORDS = 20  # longer, a query describes a need rather than naming something exact


def is_description(text: str) -> bool:
    """Is the query a description (a pasted abstract, a paragraph of a report) rather than a
    search someone typed: more than :data:`DESCRIPTION_WORDS` words?"""
    return len(text.split()) > DESCRIPTION_WORDS


# A word that ends a sentence: "titles?", "possible." (not an initial: "D. R. Schmidt").
_SENTENCE_END = re.compile(r"(?:\w{2,}|\W)[.?!]$")


def rank(
    mode: str,
    keyword: list[tuple[str, float]],
    coverage: dict[str, float],
    semantic: list[tuple[str, float]],
    meta: dict[str, ChunkMeta],
    params: RankParams,
    *,
    coverage_text: Optional[dict[str, float]] = None,
    cosines: Optional[dict[str, float]] = None,
    words: int = 0,
    procedural: Optional[str] = None,
    exact: bool = False,
    code: bool = False,
    sort: str = "relevance",
    neighbours: Optional[Neighbours] = None,
    reference: BestScores = NO_SCORES,
    confidence: BestScores = NO_SCORES,
    named: Optional[AbstractSet[str]] = None,
    people: Optional[AbstractSet[str]] = None,
    lines: Optional[Mapping[str, float]] = None,
    reordered: Optional[list[tuple[str, float]]] = None,
    named_only: bool = False,
    unheld: bool = False,
    context: Optional[Mapping[str, str]] = None,
) -> Ranking:
    """Matches in order (and the closest non-matches) for one query; see the module docstring.

    ``coverage`` / ``coverage_text``: each keyword candidate's share of the query, with and
    without its item title. ``cosines``: meaning scores of candidates the semantic list does not
    hold (for deciding matches only; fusion uses the lists as the views ranked them). ``words``:
    how many parts the query's coverage is made of (a long question needs only a few present).
    ``exact``: fusion leans on the keyword view (the query names something exact, and, if only by
    a name, the keyword view's best paragraph holds it:
    :func:`minsearch.searching.candidates.leans_on_keywords`); ``code``: it holds a
    number, code or quoted phrase (:func:`names_code`; paragraphs holding all of it come first).
    ``named``: the paragraphs naming what the query's acronyms name, or the proper name the
    query is, when these are specific in the index (:func:`acronyms`, :func:`proper_name`; in
    hybrid, they come first, as a code's holders do).
    ``reordered``: the semantic candidates in the order fusion uses, when meaning feedback
    refined it (:func:`minsearch.store.base.feedback_vector`); matches are still decided by
    ``semantic`` and ``cosines``, the cosines to the query itself.
    ``context``: for a query that only names something, the other paragraphs of the agenda items
    its holders head or are titled by, each mapped to its holder
    (:func:`minsearch.searching.candidates.item_context`): matches, candidates or not, listed
    after the paragraphs holding all of it (:func:`context_after_holders`).
    ``people``: the paragraphs naming, in their own words, the people a procedure question names
    (:func:`persons`); ``lines``: the lines that answer a vote or mover question
    (:func:`asked_lines`: its vote lines, or the lines naming who moved the motion), each with the
    share of the query its motion holds; those under the agenda items of the first matches are
    matches, candidates or not (:func:`asked_lines_in`); see :func:`_procedure_last`.
    ``reference``: the best cosine and coverage of the query over the whole index, when the
    candidates come from a few documents only (a saved search over a re-index's new meeting), so
    that a match there is what it would be in a search of the whole index. ``confidence``: see
    :func:`match_rule` (a filtered search).
    """
    order = reordered if reordered is not None else semantic
    if mode == "hybrid":
        fused = _fuse(keyword, order, params, exact)
    elif mode == "keyword":
        fused = single(keyword, view="keyword")
    else:
        fused = single(order, view="semantic")
    is_match = match_rule(
        mode,
        keyword,
        coverage,
        semantic,
        meta,
        params,
        coverage_text=coverage_text,
        cosines=cosines,
        words=words,
        procedural=procedural,
        reference=reference,
        confidence=confidence,
        named_only=named_only,
        unheld=unheld,
    )
    matches: list[Fused] = []
    others: list[Fused] = []
    for f in fused:  # (each candidate judged once)
        (matches if is_match(f.chunk_id) else others).append(f)
    if mode == "hybrid" and params.codes_first and code:
        # "Z-25026", "459 Hales Street", a quoted phrase: a paragraph holding all of it first; meaning
        # put "20 Clarke Road (Z-25038)" ahead of the application it names.
        matches = [f for f in matches if coverage.get(f.chunk_id, 0.0) >= 1 - 1e-9] + [
            f for f in matches if coverage.get(f.chunk_id, 0.0) < 1 - 1e-9
        ]
    elif mode == "hybrid" and params.named_first and named:
        # "KYCC election turnout": the Kent Youth County Council's elections, then other turnouts;
        # meaning and the commoner words had put "turnout at the 2024 general election" first.
        # "Tony Doran": the paragraphs naming him, then the lists of other people meaning finds.
        matches = [f for f in matches if f.chunk_id in named] + [f for f in matches if f.chunk_id not in named]
    own = coverage_text if coverage_text is not None else coverage
    added: set[str] = set()
    if mode == "hybrid" and context:
        before = {f.chunk_id for f in matches}
        matches = context_after_holders(matches, others, context, own)
        added = {f.chunk_id for f in matches} - before
        others = [f for f in others if f.chunk_id not in added]
    if procedural == ASKED and lines:
        pulled = asked_lines_in([f.chunk_id for f in matches], meta, lines)
        if pulled:
            by_other = {f.chunk_id: f for f in others}
            matches = matches + [by_other.get(c) or Fused(c, 0.0, None, None) for c in pulled]
            gone = set(pulled)
            others = [f for f in others if f.chunk_id not in gone]
    matches = _procedure_last(matches, meta, procedural, params.procedure_penalty, coverage, own, people, lines)
    others = _procedure_last(others, meta, None, 0)
    if sort == "date":
        strong = _strong_rule(mode, coverage, semantic, params, cosines, words, named_only)
        tier = {
            f.chunk_id: (0 if procedural or _kind(meta, f.chunk_id) == "substance" else 1, not strong(f.chunk_id))
            for f in matches
        }
        matches = sorted(matches, key=lambda f: (tier[f.chunk_id], _negdate(meta, f.chunk_id)))
    if neighbours is None:
        neighbours = repeats(
            [f.chunk_id for f in matches] + [f.chunk_id for f in others[:30]], meta, params.duplicate_jaccard
        )
    by_id = {f.chunk_id: f for f in matches}
    out = [
        Ranked(cid, by_id[cid].score, by_id[cid].keyword_rank, by_id[cid].semantic_rank, also, cid in added)
        for cid, also in collapse([f.chunk_id for f in matches], meta, neighbours=neighbours)
    ]
    seen = {c for r in out for c in [r.chunk_id, *r.also]}
    closest_ids = collapse([f.chunk_id for f in others[:30] if f.chunk_id not in seen], meta, neighbours=neighbours)
    by_other = {f.chunk_id: f for f in others}
    closest = [
        Ranked(cid, by_other[cid].score, by_other[cid].keyword_rank, by_other[cid].semantic_rank, also)
        for cid, also in closest_ids[:10]
    ]
    return Ranking(out, closest)


def context_after_holders(
    matches: list[Fused], others: list[Fused], context: Mapping[str, str], own: Mapping[str, float]
) -> list[Fused]:
    """``matches`` with the paragraphs holding all of the query in their own words first (not by
    their item's title alone: the paragraph naming "459 Hales Street" before the tallies under an
    item titled with it), then :func:`context_of` them, then the other matches. Measured on the
    judged minutes (benchmarks/RESULTS.md, "A measure's clauses after its number"): "Ord. No.
    1027-16" 0.59 -> 0.83 nDCG@10, "Storm Darwin" 0.76 -> 0.94; with every holder's item, wherever
    the holder is in it, "EHCP" fell 0.81 -> 0.56."""
    holders = [f for f in matches if _holds_all(own, f.chunk_id)]
    held = {f.chunk_id for f in holders}
    by_other = {f.chunk_id: f for f in others}
    extra = context_of([f.chunk_id for f in matches], context, own)
    return (
        holders
        + [by_other.get(c) or Fused(c, 0.0, None, None) for c in extra]
        + [f for f in matches if f.chunk_id not in held]
    )


def context_of(matches: list[str], context: Mapping[str, str], own: Mapping[str, float]) -> list[str]:
    """The ``context`` paragraphs of those ``matches`` that hold all of the query in their own
    words, not already among them: each holder's in the order ``context`` gives (the document's),
    holder after holder."""
    at = {c: i for i, c in enumerate(c for c in matches if _holds_all(own, c))}
    have = set(matches)
    return sorted((c for c, h in context.items() if h in at and c not in have), key=lambda c: at[context[c]])


def _holds_all(own: Mapping[str, float], cid: str) -> bool:
    return own.get(cid, 0.0) >= 1 - 1e-9


def _strong_rule(
    mode: str,
    coverage: dict[str, float],
    semantic: list[tuple[str, float]],
    params: RankParams,
    cosines: Optional[dict[str, float]],
    words: int,
    named_only: bool = False,
) -> Callable[[str], bool]:
    """Matches that answer the query on their own: most of its words (``confident_coverage``) or
    close in meaning (``joint_floor``); for a query that only names something, the paragraphs
    holding it (its agenda item's others are its context: "UASC" by date opened with a paragraph
    of an item that names them, which does not). Newest first lists these before the rest, which are
    matches only beside them: "children in care" sorted by date opened with "... the Cabinet
    Member for Adult Social Care and Public Health to:" (Kent; a timeline has no best-first order
    to put such a paragraph low, as the decisions timeline found)."""
    cos = {**(cosines or {}), **dict(semantic)} if mode != "keyword" and not (named_only and mode == "hybrid") else {}
    gate = coverage_needed(params.confident_coverage, params.confident_words, words)

    def strong(cid: str) -> bool:
        held = mode != "semantic" and coverage.get(cid, 0.0) >= gate - 1e-9
        return held or cos.get(cid, -1.0) >= params.joint_floor

    return strong


def match_rule(
    mode: str,
    keyword: list[tuple[str, float]],
    coverage: dict[str, float],
    semantic: list[tuple[str, float]],
    meta: dict[str, ChunkMeta],
    params: RankParams,
    *,
    coverage_text: Optional[dict[str, float]] = None,
    cosines: Optional[dict[str, float]] = None,
    words: int = 0,
    procedural: Optional[str] = None,
    reference: BestScores = NO_SCORES,
    confidence: BestScores = NO_SCORES,
    named_only: bool = False,
    unheld: bool = False,
) -> Callable[[str], bool]:
    """Which of these candidates are matches (step 2 of the module docstring): the bar is set by
    the candidates themselves (the best coverage and meaning among them), so the same paragraph
    can match among one set of candidates and not another. ``reference`` raises that bar to the
    best cosine and coverage seen over the whole index (see :func:`rank`). ``confidence``: the
    query's best cosine and coverage over the whole index, for deciding only whether it has a
    confident answer at all (a filter that leaves out the best answer does not make the query
    unanswerable; its own candidates still set the bar for each paragraph)."""
    cos = {**(cosines or {}), **dict(semantic)} if mode != "keyword" else {}
    cov = {c: coverage.get(c, 0.0) for c, _s in keyword} if mode != "semantic" else {}
    own = coverage_text if coverage_text is not None else coverage
    eps = 1e-9
    best_cos = max(max(cos.values(), default=-1.0), reference.cosine if mode != "keyword" else -1.0)
    floor = max(params.semantic_floor, best_cos - params.relative_floor)
    # A long query (a question, a pasted paragraph) is rarely covered by a third of its weight:
    # then a match needs the weight of a few of its words, or a share of what the best candidate covers.
    need = min(
        coverage_needed(params.min_coverage, params.match_words, words),
        params.relative_coverage
        * max(max(cov.values(), default=0.0), reference.coverage if mode != "semantic" else 0.0),
    )
    gate = coverage_needed(params.confident_coverage, params.confident_words, words)
    best_cov = max(max(cov.values(), default=0.0), reference.coverage if mode != "semantic" else 0.0)
    # Keyword mode asks for words: a paragraph that has enough of them is a match, shown with the
    # words highlighted, however weak the best one. The gate is for meaning, which always finds
    # a nearest paragraph ("purple elephant trombone" is 0.1-0.47 from something in every corpus).
    gate_cos = max(best_cos, confidence.cosine if mode != "keyword" else -1.0)
    gate_cov = max(best_cov, confidence.coverage if mode != "semantic" else 0.0)
    # Both views half-confident about one paragraph, not each about its own: "zebra crossing the
    # milky way galaxy" had a London Ontario paragraph holding "pedestrian crossovers" (0.55 of
    # the query, by the glossary) and another 0.37 close in meaning, so it was "answered".
    gate_joint = max(
        joint_cosine(cos, cov, params.joint_coverage),
        max(confidence.joint, reference.joint) if mode == "hybrid" else -1.0,
    )
    confident = (
        mode == "keyword"
        or gate_cov >= gate - eps
        or gate_cos >= params.confident_floor
        or gate_joint >= params.joint_floor
    )

    if unheld and mode == "hybrid":
        # A name or an acronym the minutes do not hold has no answer: meaning finds other people's
        # names ("Councillor Zabrowski", on no page of Kent's minutes, had 116+ matching
        # paragraphs, first a motion of the Council's; "Councillor" alone is 45% of its weight there).
        confident = False
    alone, items = _meaning_alone(mode, named_only, cov, need, meta, params, cos)

    def is_match(c: str) -> bool:
        if not confident:
            return False
        # A name query keeps the vote and attendance lines that hold the name, not those near it
        # in meaning: "Yeas: Director Langhenry, acting" was a match for "Guy Gadomski" (Cleveland).
        if params.own_words and procedural != ASKED and _kind(meta, c) != "substance":
            return mode != "semantic" and own.get(c, 0.0) >= need - eps and own.get(c, 0.0) > 0 and c in cov
        if c in cov and cov[c] >= need - eps and cov[c] > 0:
            return True
        score = cos.get(c, -1.0)
        if score < floor:
            return False
        return score >= alone or _item_of(meta, c) in items

    return is_match


def _meaning_alone(
    mode: str,
    named_only: bool,
    cov: dict[str, float],
    need: float,
    meta: dict[str, ChunkMeta],
    params: RankParams,
    cos: Optional[dict[str, float]] = None,
) -> tuple[float, frozenset[tuple[str, int]]]:
    """For a hybrid query: the cosine a paragraph found by meaning alone needs (:func:`alone_floor`),
    and the agenda items whose other paragraphs need only the usual floor: those of the keyword
    matches and, for a query that names nothing exact, of the paragraphs that clear that cosine
    themselves. (-1, none) when the gap that applies is off.

    Why: "EHCP" counted 39 matching paragraphs on Kent, 2 of which contain it; meaning pads a name
    or a code with every paragraph on a nearby subject. The paragraphs of the item that names it
    are its context (the data "Gill Addy" presented, the tributes to Richard Parry that say "he")
    and stay matches. A subject pads the same way ("kids missing school": 99 matching paragraphs on
    Kent, 60 of them by meaning alone, none about absence)."""
    floor = alone_floor(params, named_only) if mode == "hybrid" else -1.0
    if floor < 0:
        return -1.0, frozenset()
    eps = 1e-9
    held = [c for c, v in cov.items() if v >= need - eps and v > 0]
    if not named_only:
        held += [c for c, v in (cos or {}).items() if v >= floor]
    return floor, frozenset(i for i in (_item_of(meta, c) for c in held) if i[1] > 0)


def alone_floor(params: RankParams, named_only: bool) -> float:
    """The cosine a paragraph found by meaning alone needs to match a hybrid query outside the
    agenda items of its strong matches: ``exact_gap`` below the bar for a query that only names
    something exact, ``topic_gap`` for any other (-1: no such floor)."""
    gap = params.exact_gap if named_only else params.topic_gap
    return params.confident_floor - gap if gap >= 0 else -1.0


def _item_of(meta: dict[str, ChunkMeta], cid: str) -> tuple[str, int]:
    """The (document, agenda item) of a candidate; item 0 when not known."""
    m = meta.get(cid)
    return (m.doc_id, m.item) if m is not None else ("", 0)


def match_count(
    mode: str,
    keyword: list[tuple[str, float]],
    coverage: dict[str, float],
    semantic: list[tuple[str, float]],
    meta: dict[str, ChunkMeta],
    params: RankParams,
    fused_order: list[str],
    neighbours: Neighbours,
    *,
    coverage_text: Optional[dict[str, float]] = None,
    cosines: Optional[dict[str, float]] = None,
    words: int = 0,
    procedural: Optional[str] = None,
    reference: BestScores = NO_SCORES,
    confidence: BestScores = NO_SCORES,
    named_only: bool = False,
    unheld: bool = False,
    lines: Optional[Mapping[str, float]] = None,
    context: Optional[Mapping[str, str]] = None,
) -> int:
    """How many matches :func:`rank` finds among these candidates (repeats counted once), without
    fusing them again: ``fused_order`` lists them in the fused order of a superset of them, and
    ``neighbours`` are the repeats among that superset; ``lines`` and ``context``: as
    :func:`rank`'s. (Repeats are collapsed in that order, which can differ from their own fused
    order only where three or more near-copies chain.)"""
    is_match = match_rule(
        mode,
        keyword,
        coverage,
        semantic,
        meta,
        params,
        coverage_text=coverage_text,
        cosines=cosines,
        words=words,
        procedural=procedural,
        reference=reference,
        confidence=confidence,
        named_only=named_only,
        unheld=unheld,
    )
    # The matches' ids only: a search's counts judge ~140 subsets of its candidates, and making a
    # Fused of each match (then a frozen dataclass) was about half of this function's time.
    matches = [c for c in fused_order if is_match(c)]
    if mode == "hybrid" and context:
        matches += context_of(matches, context, coverage_text if coverage_text is not None else coverage)
    if procedural == ASKED and lines:
        matches += asked_lines_in(matches, meta, lines)
    own = coverage_text if coverage_text is not None else coverage
    kept = _procedure_order(matches, meta, procedural, params.procedure_penalty, coverage, own)
    return len(collapse([matches[i] for i in kept], meta, neighbours=neighbours))


def fused_order(
    mode: str, keyword: list[tuple[str, float]], semantic: list[tuple[str, float]], params: RankParams, exact: bool
) -> list[str]:
    """The candidates in the order :func:`rank` fuses them (before matches are chosen)."""
    if mode == "hybrid":
        return [f.chunk_id for f in _fuse(keyword, semantic, params, exact)]
    fused = single(keyword, view="keyword") if mode == "keyword" else single(semantic, view="semantic")
    return [f.chunk_id for f in fused]


def _fuse(
    keyword: list[tuple[str, float]], semantic: list[tuple[str, float]], params: RankParams, exact: bool
) -> list[Fused]:
    if params.fusion == "rrf":
        return fuse(
            keyword, semantic, "rrf", k=params.rrf_k, keyword_weight=1.0 + (params.exact_boost if exact else 0.0)
        )
    alpha = params.alpha - (params.exact_boost if exact else 0.0)
    return fuse(keyword, semantic, "weighted", alpha=min(1.0, max(0.0, alpha)))


def _kind(meta: dict[str, ChunkMeta], cid: str) -> str:
    m = meta.get(cid)
    return m.kind if m is not None else "substance"


def _negdate(meta: dict[str, ChunkMeta], cid: str) -> str:
    """A key that sorts newer ISO dates first (and undated last)."""
    m = meta.get(cid)
    d = m.date if m is not None and m.date else "0000-00-00"
    return "".join(chr(0x10FFFF - ord(ch)) for ch in d)


def _procedure_last(
    fused: list[Fused],
    meta: dict[str, ChunkMeta],
    procedural: Optional[str],
    penalty: int,
    coverage: Optional[dict[str, float]] = None,
    own: Optional[dict[str, float]] = None,
    people: Optional[AbstractSet[str]] = None,
    lines: Optional[Mapping[str, float]] = None,
) -> list[Fused]:
    """Substance before procedure and headings. A query that asks about procedure keeps the fused
    order, except that the procedure naming the people it asks about (``people``) comes first
    where it holds as much of the query, with its item's title, as any substantive match: "how
    did Councillor Hillier vote on the winter maintenance review?" is answered by the "Yeas: ...
    S. Hillier ..." line under that review, which meaning and the review's own paragraphs had put
    below them, and not by his votes on other items (less of the query) or by "Additional
    Votes:" (which does not name him). One about how a vote went or who moved a motion ("who
    voted against the resolution condemning the travel ban", "who seconded the motion on ...")
    lists first the lines that answer it (``lines``: vote lines, or those naming the movers)
    under the agenda items of its first :data:`ASKED_ITEMS` matches, item by item: the
    resolution's own clauses had come before its roll call, which holds few of the query's words
    in its own. Naming members too (its topic searched without them: :func:`vote_topic`), the
    items whose lines name them come first, and there their lines. One about a name moves procedure ``penalty`` places down
    (a name in a vote list still counts, after the paragraphs where the person spoke) and treats
    headings as any other query does.

    Any other query lists procedure and headings only where they hold more of the query in their
    own words than any substantive match does: below a few substantive paragraphs with the same
    words they filled the rest of the first page ("459 Hales Street": 7 of the first 10 were
    movers, tallies and attachment lists), but a committee named only in "Supporting documents:"
    lines ("AWCAC") is found there, in the fused order, not after every weak neighbour in meaning.
    """
    ids = [f.chunk_id for f in fused]
    return [fused[i] for i in _procedure_order(ids, meta, procedural, penalty, coverage, own, people, lines)]


# A vote or mover question's answers are the lines under the agenda items its first few
# substantive matches belong to (the motion and its clauses lead the fused list): a committee's
# vote, then the council's on the same report.
ASKED_ITEMS = 3


def _asked_items(ids: list[str], meta: dict[str, ChunkMeta], lines: Mapping[str, float]) -> dict[tuple[str, int], int]:
    """The agenda items of the first :data:`ASKED_ITEMS` paragraphs of ``ids`` that are neither
    headings nor ``lines``, numbered in that order. Procedure counts: "Supporting documents:
    2025-05-27 Staff Report - (4.2) 2025 LMCH Asset Management Plan" names the report its item
    is about, whose own paragraphs may say little ("That the report BE RECEIVED"); a vote line
    would choose its item by the words that ask about it ("Against (6) ..." for "who voted
    against")."""
    items: dict[tuple[str, int], int] = {}
    for c in ids:
        item = _item_of(meta, c)
        if _kind(meta, c) != "heading" and c not in lines and item[1] > 0 and item not in items:
            items[item] = len(items)
            if len(items) == ASKED_ITEMS:
                break
    return items


def answering_lines(matches: list[str], meta: dict[str, ChunkMeta], lines: Mapping[str, float]) -> list[str]:
    """The ``lines`` that answer a vote or mover question: under each agenda item of the first
    :data:`ASKED_ITEMS` ``matches`` (:func:`_asked_items`), item by item, those of the motion holding most
    of the query ("who voted against dissolving the board": the vote on the point that dissolves
    it, not the item's other votes; a budget meeting votes on ten amendments under one item), in
    ``lines``' order. They answer it there whatever their own words (a roll call holds none)."""
    return [c for _n, c in sorted(_answering(matches, meta, lines), key=lambda nc: nc[0])]


def _answering(matches: list[str], meta: dict[str, ChunkMeta], lines: Mapping[str, float]) -> list[tuple[int, str]]:
    """:func:`answering_lines`, each with the number of its item among the asked ones, in
    ``lines``' order."""
    items = _asked_items(matches, meta, lines)
    best: dict[tuple[str, int], float] = {}
    for c, share in lines.items():
        item = _item_of(meta, c)
        if item in items:
            best[item] = max(best.get(item, 0.0), share)
    placed = ((items.get(_item_of(meta, c)), c, share) for c, share in lines.items())
    return [(n, c) for n, c, share in placed if n is not None and share >= best[_item_of(meta, c)] - 1e-9]


def asked_lines_in(matches: list[str], meta: dict[str, ChunkMeta], lines: Mapping[str, float]) -> list[str]:
    """The :func:`answering_lines` that are not among ``matches`` (not candidates, or not matches
    by their own words)."""
    have = set(matches)
    return [c for c in answering_lines(matches, meta, lines) if c not in have]


def _lines_of_items(
    ids: list[str], meta: dict[str, ChunkMeta], lines: Mapping[str, float], people: AbstractSet[str] = frozenset()
) -> list[int]:
    """The positions of the :func:`answering_lines` among ``ids``: those naming ``people`` first
    ("how did Councillor Stevenson vote on ...": the council's roll call listing him before the
    committee's, where he had no vote), then item by item, each item's in the order of ``ids``."""
    where = {c: i for i, c in enumerate(ids)}
    answering = [(n, c) for n, c in _answering(ids, meta, lines) if c in where]
    theirs = {n for n, c in answering if c in people}
    placed = sorted((n not in theirs, n, c not in people, where[c]) for n, c in answering)
    return [i for _none, _n, _other, i in placed]


def _procedure_order(
    ids: list[str],
    meta: dict[str, ChunkMeta],
    procedural: Optional[str],
    penalty: int,
    coverage: Optional[dict[str, float]] = None,
    own: Optional[dict[str, float]] = None,
    people: Optional[AbstractSet[str]] = None,
    lines: Optional[Mapping[str, float]] = None,
) -> list[int]:
    """:func:`_procedure_last` of the paragraphs ``ids``: the positions kept, in their new order."""
    if procedural == ASKED:
        if not people and not lines:
            return list(range(len(ids)))
        kinds = [_kind(meta, c) for c in ids]
        if lines:
            first = _lines_of_items(ids, meta, lines, people or frozenset())
        elif people:
            cov = coverage or {}
            best = max((cov.get(c, 0.0) for c, k in zip(ids, kinds) if k == "substance"), default=0.0)
            first = [
                i
                for i, (c, k) in enumerate(zip(ids, kinds))
                # (a search by meaning alone has no coverage to tell the item's votes from the others)
                if k == "procedure" and c in people and cov.get(c, 0.0) > 0 and cov.get(c, 0.0) >= best - 1e-9
            ]
        chosen = set(first)
        return first + [i for i in range(len(ids)) if i not in chosen]
    # Each paragraph's kind read once: a search's counts call this ~140 times (once per council,
    # committee and period), and the kinds read five times over were a fifth of their time.
    kinds = [_kind(meta, c) for c in ids]
    if all(k == "substance" for k in kinds):
        return list(range(len(ids)))  # all substance: kept, in order (as below)
    cov, mine = coverage or {}, own or {}
    best = max((cov.get(c, 0.0) for c, k in zip(ids, kinds) if k == "substance"), default=-1.0)
    # A name query keeps procedure (where the person moved, voted, attended), not headings: an
    # index entry "Condolence Resolution for Guy Gadomski ..... 12" says nothing of them.
    skip = ("substance",) if not procedural else ("substance", "procedure")
    kept = [i for i, (c, k) in enumerate(zip(ids, kinds)) if k in skip or mine.get(c, 0.0) > best + 1e-9]
    # Headings kept for holding more of the query come after the substance: an index entry
    # "Streets - Name designating ... honorary designation ..... 41" holds more of "which streets
    # did council give honorary names to?" than the ordinance it points to.
    kept = [i for i in kept if kinds[i] != "heading"] + [i for i in kept if kinds[i] == "heading"]
    if not procedural:
        return kept
    keyed = [(n + (penalty + 0.5 if kinds[i] != "substance" else 0), n) for n, i in enumerate(kept)]
    return [kept[n] for _k, n in sorted(keyed)]
