"""What the store's two views find for one query, before ranking."""

from __future__ import annotations

import re
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Optional

import numpy as np

from ..config import Settings
from ..glossary import Expansion, Glossary, with_meanings
from ..ingest.kinds import names_movers
from ..model import Chunk, ChunkMeta, Filters, Query
from ..ranking.rank import (
    ASKED,
    MOVERS,
    VOTES,
    acronyms,
    asked_lines,
    asked_topic,
    exact_by_names,
    exact_query,
    is_description,
    names_code,
    only_named,
    persons,
    procedure_words,
    proper_name,
    vote_topic,
)
from ..store.base import NO_FEEDBACK, KeywordResult, StoreView, VectorResult
from ..store.query import holds_words, semantic_text, share_of_words
from ..words import STOPWORDS
from .encoding import LazyEncoder
from .vocabulary import everyday_share, keyword_expansions, nearby_wordings
from .votes import is_vote_part, motion_words


@dataclass
class Candidates:
    """What the two views found for one query, before ranking."""

    keyword: Optional[KeywordResult] = None
    semantic: Optional[VectorResult] = None
    meta: dict[str, ChunkMeta] = field(default_factory=dict)
    qvec: Optional[np.ndarray] = None  # the query's vector, reused to pick semantic snippets
    encoded: str = ""  # the text ``qvec`` encodes: the query's words with what the glossary adds
    cosines: dict[str, float] = field(default_factory=dict)  # meaning of keyword candidates
    expansions: list[str] = field(default_factory=list)  # glossary terms searched, as the user is told
    # Paragraphs naming what the query's acronyms name (in letters or in full), when they are
    # specific in this index; None when the query names none (see :func:`named_holders`).
    named: Optional[frozenset[str]] = None
    # Paragraphs naming, in their own words, the people a procedure question asks about ("how
    # did Councillor Hillier vote ..."); None when it names none (see :func:`people_holders`).
    people: Optional[frozenset[str]] = None
    # The lines that answer a question about how a vote went ("who voted against the travel ban
    # resolution", "how did Councillor Hillier vote on ...") or who moved a motion, each with the
    # share of the query its motion holds; None for any other query (see :func:`lines_asked`).
    lines: Optional[dict[str, float]] = None
    exact: bool = False  # fusion leans on the keyword view (see :func:`leans_on_keywords`)
    # For a query that only names something: the other paragraphs of the agenda items it heads or
    # titles, each with the paragraph holding it; None for any other query (see :func:`item_context`).
    context: Optional[dict[str, str]] = None
    # Words to mark that the keyword view did not search: the members a question about their vote
    # names, whose topic alone is searched (:func:`~minsearch.ranking.rank.vote_topic`).
    marked: list[tuple[str, str]] = field(default_factory=list)

    @property
    def keyword_hits(self) -> list[tuple[str, float]]:
        return self.keyword.hits if self.keyword is not None else []

    @property
    def semantic_hits(self) -> list[tuple[str, float]]:
        return self.semantic.hits if self.semantic is not None else []

    @property
    def reordered(self) -> Optional[list[tuple[str, float]]]:
        """The semantic candidates in the order of meaning feedback, with the refined scores
        (``VectorResult.reordered``): fusion reads these; whether one matches is still decided by
        its cosine to the query itself. None when off."""
        return self.semantic.reordered if self.semantic is not None else None

    @property
    def semantic_order(self) -> list[tuple[str, float]]:
        """The semantic candidates as fusion ranks them (refined by feedback when it is on)."""
        reordered = self.reordered
        return reordered if reordered is not None else self.semantic_hits


def gather(
    q: Query,
    view: StoreView,
    settings: Settings,
    glossary: Glossary,
    encoder: LazyEncoder,
    meaning: str,
    *,
    strict: bool = True,
) -> Candidates:
    """Both views' candidates for a validated query, under its filters (no ranking yet).

    ``meaning`` is the query's words without query syntax, as the encoder reads them.
    """
    s = settings
    # A question about a member's vote on a topic is searched by its topic (rank.vote_topic); the
    # member's own lines are read by the question as asked (people_holders).
    asked = q.text
    topic = vote_topic(asked)
    if topic is not None:
        q, meaning = replace(q, text=topic), semantic_text(topic)
    # The same pool for both orders, so "newest first" lists the same matches, and counts them
    # the same, as "best match".
    n = max(s.candidates, q.offset + q.limit)
    expansions = tuple(glossary.expand(q.text))
    # Meaning feedback (minsearch.store.base.feedback_vector): the semantic candidates are fused in
    # the order of the query moved halfway toward its first three paragraphs; whether one matches
    # is still decided by its cosine to the query itself (letting the refined vector decide
    # answered 86 of the 100 judged out-of-domain queries). Chosen leave-one-corpus-out on the
    # judged minutes (python -m benchmarks.feedback). It is for a short query in the asker's words:
    # one naming something exact leans on the keyword view, and moving its meaning gained nothing
    # (judged minutes: -0.12 nDCG@10 summed over 106 such queries, +1.5 over the 52 others); a
    # description brings its own vocabulary (CISI's questions of 31-335 words: -0.7 over 48).
    description = is_description(q.text)
    refined = not exact_query(q.text) and not description
    near = refined and q.mode == "hybrid"
    out = Candidates()
    pending: Optional[Future[VectorResult]] = None
    # (Before the semantic view starts: it reads the reworded groups. Keyword mode counts them too.)
    own, reworded = _reworded(q.text, expansions, view, s)
    if q.mode in ("semantic", "hybrid"):

        def semantic_view() -> VectorResult:
            typed = with_meanings(meaning, list(expansions))
            worded = with_meanings(meaning, list(expansions), reworded) if reworded else None
            feedback = (s.feedback, s.feedback_depth) if refined else NO_FEEDBACK
            if worded is None or q.mode == "semantic":  # (meaning alone has only this reading)
                out.encoded = worded or typed
                out.qvec = encoder.encode([out.encoded])[0]
                return view.vector_search(out.qvec, q.filters, n, floor=s.semantic_floor, feedback=feedback)
            # Beside the keyword view, which finds the minutes' wording by its words, the reading
            # orders the paragraphs; whether one matches by meaning is still its cosine to the
            # query as typed, as with meaning feedback: the glossary's wordings ("child criminal
            # exploitation") are near every paragraph about children, and "county lines" counted
            # 88 of the seeds' 108 paragraphs as matches (18 before; seeds nDCG@10 0.8505 ->
            # 0.8457 for honest counts).
            out.encoded = typed
            vectors = encoder.encode([typed, worded])
            out.qvec = vectors[0]
            found = view.vector_search(out.qvec, q.filters, n, floor=s.semantic_floor)
            order = view.vector_search(vectors[1], q.filters, n, floor=s.semantic_floor, feedback=feedback)
            return replace(found, reordered=order.reordered if order.reordered is not None else order.hits)

        if q.mode == "hybrid":  # beside the keyword view, on the second core
            pending = encoder.submit(semantic_view)
        else:
            out.semantic = semantic_view()
    if q.mode in ("keyword", "hybrid"):
        try:
            # A short hybrid query's words that the minutes hardly use, also as the index's words
            # nearest them (encoded here, ~15 ms, only for a query with such a word; 62 -> 66 ms
            # p50 on Limerick over the judged queries).
            nearby = (
                nearby_wordings(
                    meaning, view, encoder.encode, expansions, s.nearby_words, s.nearby_word_floor, s.nearby_query_floor
                )
                if near
                else ()
            )
            searched = own + keyword_expansions(nearby, view, everyday=not description)
            out.keyword = view.keyword_search(
                q.text,
                q.filters,
                n,
                strict=strict,
                min_coverage=s.min_coverage,
                expansions=searched,
                match_words=s.match_words,
            )
            out.expansions = out.keyword.expansions
            if pending is not None:
                # While the encoder works on the other core: what does not need the query's vector.
                if not names_code(q.text):
                    out.named = named_holders(q.text, view, glossary, n)
                out.people = people_holders(asked, view, q.filters, n)
                out.exact = leans_on_keywords(q.text, view, out.keyword, out.people) or bool(reworded)
                out.meta = view.chunk_meta([c for c, _ in out.keyword_hits])
        except BaseException:
            if pending is not None:
                pending.cancel()
            raise
    if pending is None:
        if q.mode == "keyword":
            out.people = people_holders(asked, view, q.filters, n)
    else:
        out.semantic = pending.result()
    if out.keyword is not None:  # (a search by meaning alone has no coverage to order votes by)
        out.lines = lines_asked(asked, view, out)
        if q.mode == "hybrid":
            out.context = item_context(q.text, view, out, q.filters.section)
    if topic is not None:
        out.marked = member_terms(asked, view)
    if q.mode == "semantic":  # what the semantic view read: acronyms' meanings, reworded everyday groups
        out.expansions = [e.label() for e in expansions if not e.everyday or e in reworded]
    if q.mode == "hybrid" and '"' in q.text and out.keyword is not None and out.semantic is not None:
        out.semantic = _only_exact(out.semantic, out.keyword)
    _add_meta(out, view, q.mode)
    return out


# An acronym or a name is specific when at most this share of the index's paragraphs name it.
# Those of the judged minutes queries are named by 0.02-2.2 % of their index's paragraphs, except
# "LAC" in the seeds (16 %: minutes of a corporate parenting panel, all about looked-after
# children), where its holders first cost "substance misuse among LAC" 0.98 -> 0.91 nDCG@10.
NAMED_SHARE = 0.05


def named_holders(text: str, view: StoreView, glossary: Glossary, pool: int) -> Optional[frozenset[str]]:
    """The paragraphs holding every acronym of ``text`` (or what it stands for), or every word of
    the proper name ``text`` is (:func:`~minsearch.ranking.rank.proper_name`: "Tony Doran"), over
    the whole index (a filter narrows the matches, not what is specific); None when ``text`` has
    neither, or names what more than :data:`NAMED_SHARE` of the paragraphs name; empty when no
    paragraph holds it.

    A name's holders first: meaning finds other people's names for a name ("Tony Doran" on Kent:
    lists of attendees and "Sayer who was substituted by Roxanne Hills" among the paragraphs
    naming him, 0.60 nDCG@10 against keyword's 0.96); judged minutes, name queries 0.717 ->
    0.758, no query lower (benchmarks/RESULTS.md, "A proper name's holders first")."""
    words = acronyms(text)
    name = None if words else proper_name(text)
    if not words and name is None:
        return None
    said = " ".join(words) if words else str(name)
    expansions = tuple(glossary.expand(said)) if words else ()
    kr = view.keyword_search(said, Filters(), pool, strict=False, min_coverage=1.0, expansions=expansions)
    if not kr.covered:  # (before counting the paragraphs: the Milvus store reads its documents for that)
        return frozenset()  # nobody holds it: a name meaning alone would answer with others' names
    if kr.covered > NAMED_SHARE * sum(d.chunks for d in view.documents().values()):
        return None
    if kr.covered > len(kr.hits):
        # All the holders: with two acronyms, paragraphs holding one of them rank among them.
        more = min(kr.total, max(pool, 4 * kr.covered))
        kr = view.keyword_search(said, Filters(), more, strict=False, min_coverage=1.0, expansions=expansions)
    return frozenset(c for c, _s in kr.hits if kr.coverage.get(c, 0.0) >= 1 - 1e-9)


def _reworded(
    text: str, expansions: tuple[Expansion, ...], view: StoreView, settings: Settings
) -> tuple[tuple[Expansion, ...], list[Expansion]]:
    """The glossary groups the keyword view searches for ``text`` (every acronym group; an
    everyday group only where the index lacks the query's words, which takes a count of them, a
    few ms for a query naming such a group; none for a description, which brings its own
    vocabulary), and the everyday ones among them when they stand for at least
    ``settings.everyday_lean`` of the query ("county lines", "illegal dumping of rubbish"): the
    query then says in everyday words what the minutes name otherwise, so the semantic view is
    ordered by the query read in the minutes' wording and fusion leans on the keyword view as for
    an acronym (benchmarks.everyday)."""
    own = keyword_expansions(expansions, view, everyday=not is_description(text))
    if everyday_share(text, own) < settings.everyday_lean:
        return own, []
    return own, [e for e in own if e.everyday]


def leans_on_keywords(
    text: str, view: StoreView, keyword: KeywordResult, people: Optional[frozenset[str]] = None
) -> bool:
    """Does fusion lean on the keyword view for this query (:func:`exact_query`: a number, a
    code, an acronym, a quote, a name)? A query exact by its capitalised names alone does only
    when the keyword view's best paragraph holds every one of them: otherwise that view put first
    what it matched of the query's other words, and leaning on it buried the answers ("Which
    European countries have a constitutional monarchy?": constitutional monarchies anywhere, not
    European ones; DBpedia 0.4855 -> 0.5039 nDCG@10 over 4 such questions, CISI -0.0002 over
    one; Cleveland "council stance on scrapping Obamacare" 0.31 -> 0.58, where the Record says
    "Affordable Care Act"; no other judged minutes query moved). A procedure question naming a
    member (``people``: :func:`people_holders`) looks up that member's vote lines: it leans (the
    best paragraph is the motion, which does not name them: London Ontario's lost 0.12 without)."""
    if people is not None:
        return True
    if not exact_query(text):
        return False
    said = exact_by_names(text)
    if not said or not keyword.hits:
        return True
    best = keyword.hits[0][0]
    top = view.chunks([best]).get(best)
    return top is not None and holds_words(" ".join(said), f"{top.title} {top.text}")


# At most this many paragraphs naming a person are read (London Ontario's most-named councillor:
# ~700 of its 27,000 paragraphs).
PEOPLE_POOL = 5000


def people_holders(text: str, view: StoreView, filters: Filters, pool: int) -> Optional[frozenset[str]]:
    """The paragraphs holding, in their own words, every person a procedure question names
    (:func:`~minsearch.ranking.rank.persons`): where the person voted, moved, was absent or
    declared. None when the query does not ask about procedure or names nobody."""
    if procedure_words(text) != ASKED:
        return None
    names = persons(text)
    if not names:
        return None
    said = " ".join(names)
    kr = view.keyword_search(said, filters, pool, strict=False, min_coverage=1.0)
    if kr.covered > len(kr.hits):
        # All of them: a councillor is named in hundreds of vote lines, and the one under the item
        # asked about is not among the first few hundred by the name alone (London Ontario).
        kr = view.keyword_search(said, filters, min(kr.covered, PEOPLE_POOL), strict=False, min_coverage=1.0)
    return frozenset(c for c, _s in kr.hits if kr.coverage_text.get(c, 0.0) >= 1 - 1e-9)


def member_terms(text: str, view: StoreView) -> list[tuple[str, str]]:
    """The index's terms for the members a question names (:func:`~minsearch.ranking.rank.persons`),
    to mark them where they stand: "S. Trosow" among the twelve names of a roll call."""
    said = " ".join(persons(text))
    return view.keyword_search(said, Filters(), 1, strict=False).terms if said else []


# A vote or mover question's lines are read from the agenda items of this many of each view's
# best candidates that are not headings: rank lists the lines under the items of the first
# :data:`~minsearch.ranking.rank.ASKED_ITEMS` fused matches, which lead both views' lists, and a
# tally holds few of the query's words ("Yeas: ... Nays: ..." under "Provision of Outdoor Basic
# Needs" for "who voted against adding McCormick Park to the areas where encampments are not
# permitted"), so it is rarely among the keyword view's candidates.
ITEMS_READ = 5
# At most this many lines of those items are read: the judged questions' most is 147 (Limerick).
# Unbounded, 3,000 movers' lines under one item were all read for their motions and compared
# pairwise as repeats: 11 s for "who seconded the budget" (and 15 s at 1,000 before their runs
# were bounded, votes.MOVERS_BESIDE).
LINES_READ = 400


# The paragraphs holding what a query names whose agenda items are read (the keyword view's first).
CONTEXT_HOLDERS = 5


def item_context(text: str, view: StoreView, out: Candidates, section: Optional[str]) -> Optional[dict[str, str]]:
    """For a query that only names something (:func:`~minsearch.ranking.rank.only_named`: a code,
    a number, a name, a quoted phrase): the other paragraphs of each agenda item that a paragraph
    holding all of it heads (its first paragraph of substance) or that is titled with it, each
    mapped to that paragraph; :func:`~minsearch.ranking.rank.rank` lists them after the holders.
    None for any other query.

    Why: a journal prints a measure as its number and description, then its clauses ("Res. No.
    146-17. By Council Members ... An emergency resolution appointing three members to the
    Civilian Police Review Board" / "Whereas, ..." / "Section 1. That this Council hereby
    appoints ..."); the clauses do not repeat the number and are far from it in meaning, while
    other measures' numbers ("File No. 177-17.") are near it. Only an item the name heads or titles
    is about it: "EHCP" in the middle of a performance report names one of its thirty points."""
    kw = out.keyword
    if kw is None or not only_named(text):
        return None
    # (holding it in their own words, as :func:`~minsearch.ranking.rank.rank` reads them)
    holders = [c for c, _s in kw.hits if kw.coverage_text.get(c, 0.0) >= 1 - 1e-9][:CONTEXT_HOLDERS]
    words = {w for w in re.findall(r"\w+", text.casefold()) if w not in STOPWORDS}
    context: dict[str, str] = {}
    docs: dict[str, list[Chunk]] = {}
    missing = [h for h in holders if h not in out.meta]
    if missing:
        out.meta.update(view.chunk_meta(missing))  # (one read for all of them)
    for holder in holders:
        m = out.meta.get(holder)
        if m is None or m.item <= 0:
            continue
        if m.doc_id not in docs:
            docs[m.doc_id] = view.document_chunks(m.doc_id)
        item = [ch for ch in docs[m.doc_id] if ch.item == m.item]
        first = next((ch for ch in item if ch.kind == "substance"), None)
        mine = next((ch for ch in item if ch.chunk_id == holder), None)
        if mine is None or not (mine is first or words <= set(re.findall(r"\w+", mine.title.casefold()))):
            continue
        for ch in item:
            if ch.kind == "substance" and ch.chunk_id not in context and ch.chunk_id not in holders:
                if section is None or ch.section == section:
                    context[ch.chunk_id] = holder
    if context:
        out.meta.update(view.chunk_meta([c for c in context if c not in out.meta]))
    return context


def lines_asked(text: str, view: StoreView, out: Candidates) -> Optional[dict[str, float]]:
    """For a question about how a vote went ("who voted against the motocross ordinance", "what
    was the vote on the Aspire Food Group report", "how did Councillor Hillier vote on the winter
    maintenance review") or who moved a motion ("who seconded the motion on cycling lanes"): the
    lines that answer it, which :func:`~minsearch.ranking.rank.rank` lists first under the
    agenda items of the best matches. None for any other query, and for one naming members and
    no topic ("how did Councillor Trosow vote?"), which the lines naming them answer.

    The lines are the vote lines (procedure that says who voted or by how many:
    :func:`~minsearch.ingest.kinds.is_vote_line`) or the paragraphs naming the movers
    (:func:`~minsearch.ingest.kinds.names_movers`, of any kind: "On the proposal of Cllr. X,
    seconded by Cllr. Y, it was agreed ..." is the resolution too) among the keyword candidates
    and in the agenda items of the views' best candidates (:data:`ITEMS_READ` of
    each; their metadata joins ``out.meta``). Each is given the share of the query's words its
    motion holds (:func:`~minsearch.searching.votes.motion_words`; 0 outside those items), which
    orders an item's lines: a report voted on in parts has a vote per part. A question naming
    members is read by its topic (:func:`~minsearch.ranking.rank.vote_topic`), and a line
    naming them as movers answers it too: it says how they stood."""
    what = asked_lines(text)
    if what is None or out.keyword is None or procedure_words(text) != ASKED:
        return None
    member: frozenset[str] = frozenset()
    if persons(text):
        # A member's vote on a topic (:func:`~minsearch.ranking.rank.vote_topic`): the topic's
        # lines, the member's first; a motion the member moved or seconded says how they stood.
        searched = vote_topic(text)
        if searched is None:
            return None
        text, member = searched, out.people or frozenset()
    ids = [c for c, _s in out.keyword_hits]
    out.meta.update(view.chunk_meta([c for c in ids if c not in out.meta]))
    semantic = [c for c, _s in out.semantic_hits[: 20 * ITEMS_READ]]
    out.meta.update(view.chunk_meta([c for c in semantic if c not in out.meta]))
    items = set(_leading_items(ids, out.meta) + _leading_items(semantic, out.meta))
    lines: dict[str, float] = {}
    topic = asked_topic(text)
    for doc_id in sorted({doc for doc, _item in items}):
        doc = view.document_chunks(doc_id)
        for i, c in enumerate(doc):
            if (c.doc_id, c.item) not in items or len(lines) >= LINES_READ:
                continue
            if _answers(what, c) or (c.chunk_id in member and names_movers(c.text)):
                lines[c.chunk_id] = _motion_score(topic, motion_words(doc, i), c.title)
    out.meta.update(view.chunk_meta([c for c in lines if c not in out.meta]))
    # (the keyword candidates' texts read only where they can answer: a vote line is procedure)
    maybe = [c for c in ids if c not in lines and c in out.meta and (what == MOVERS or out.meta[c].kind == "procedure")]
    lines.update((c, 0.0) for c, chunk in view.chunks(maybe).items() if _answers(what, chunk))
    return lines


def _motion_score(text: str, motion: str, title: str) -> float:
    """How well a motion answers the question ``text`` among its agenda item's others: the share
    of the question's words it holds beyond the item's ``title``, which every motion under it is
    read with (counting the title's words too: London Ontario 0.8062 -> 0.7939, Kent 0.6842 ->
    0.6562, Limerick 0.7639 -> 0.7124 nDCG@10 over 37 judged procedure questions)."""
    return share_of_words(text, motion, known=title)


def _answers(what: str, c: Chunk) -> bool:
    """Does a paragraph answer a question asking for ``what`` (:data:`VOTES` or :data:`MOVERS`)?"""
    return is_vote_part(c) if what == VOTES else names_movers(c.text)


def _leading_items(ids: list[str], meta: dict[str, ChunkMeta]) -> list[tuple[str, int]]:
    """The (document, agenda item) of the first :data:`ITEMS_READ` paragraphs of ``ids`` that
    are not headings, with a known item, in order (see
    :func:`~minsearch.ranking.rank.answering_lines`)."""
    items: list[tuple[str, int]] = []
    for c in ids:
        m = meta.get(c)
        if m is not None and m.kind != "heading" and m.item > 0 and (m.doc_id, m.item) not in items:
            items.append((m.doc_id, m.item))
            if len(items) == ITEMS_READ:
                break
    return items


def _add_meta(out: Candidates, view: StoreView, mode: str) -> None:
    """What ranking reads of the candidates besides their scores (``out.meta`` may hold some)."""
    ids = [c for c, _ in out.keyword_hits] + [c for c, _ in out.semantic_hits]
    out.meta.update(view.chunk_meta([c for c in ids if c not in out.meta]))
    if mode == "hybrid" and out.qvec is not None:
        # Meaning decides matches among the keyword candidates too, not only among its own top.
        have = {c for c, _ in out.semantic_hits}
        out.cosines = view.vector_scores(out.qvec, [c for c, _ in out.keyword_hits if c not in have])


def _only_exact(semantic: VectorResult, keyword: KeywordResult) -> VectorResult:
    """A quoted word or phrase is a demand for exactly that text: meaning may reorder the exact
    matches, but must not add paragraphs without them."""
    matched = {c for c, _ in keyword.hits}
    return VectorResult(
        [(c, sc) for c, sc in semantic.hits if c in matched],
        min(semantic.above_floor, len(matched)),
        None if semantic.reordered is None else [h for h in semantic.reordered if h[0] in matched],
    )
