"""The decisions timeline: what meetings resolved about a topic, oldest meeting first.

The decision paragraphs (the ``resolved`` section, see :mod:`minsearch.ingest.decisions`) are
searched with a filter before ranking, so decisions are not crowded out of the candidates by
discussion. Whether a decision is a match is decided as for the same search without the filter:
both searches' candidates are ranked together (:func:`merged`), so the query's confidence and the
relevance floors are those of the whole index (a decision naming only "the Sufficiency Strategy"
is a match for "placement sufficiency" when the minutes discuss placement sufficiency), and the
matches that are decisions are kept (:func:`decision_matches`). Only confident matches count, and
since a timeline is read in date order, not best first, a decision found by meaning alone must
be close in meaning (``joint_floor``), not merely above the floor that lets the long tail of a
ranked list in. The matches are then grouped by meeting and put in date order.

Each decision carries what the source says around it, read from its agenda item: the outcome
("Passed (13 to 2)", "Carried") when the paragraph or the vote tally after it states one, and
the lead-in of a list of resolutions ("RESOLVED that Cabinet:") when it is one point of such a
list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Optional

from ..ingest.decisions import opens_motion, outcome
from ..ingest.paragraphs import number_shape
from ..model import Chunk, Filters, Hit, Query, coverage_needed, shown_source
from ..ranking.rank import Ranked, RankParams
from ..ranking.snippets import TermMatcher, snippet
from ..store.base import Facets, StoreView, VectorResult
from ..words import STOPWORDS
from .candidates import Candidates
from .filters import matching_names
from .page import hits
from .points import LOOKAHEAD, MARKER, RESOLVED, lead_in, point_style

MAX_DECISIONS = 100  # decisions in one timeline (best matches first), as many as a page of hits
DECISION_CHARS = 1500  # a decision is shown whole up to this length (a resolution is read in full)
_POINT = re.compile(r"^\s*(?:\(?(?:\d{1,2}|[a-z]{1,2}|[ivx]{1,5})[.)]|[•·\-–*])\s+\S", re.I)


@dataclass
class Decision:
    """One decision paragraph, as a hit (its score, snippet), with what the source says around it."""

    hit: Hit
    outcome: Optional[str] = None  # "Passed (13 to 2)", "Carried unanimously", "Lost"
    # The paragraph that states the outcome: the points of one motion share their vote tally.
    outcome_paragraph: Optional[int] = None
    lead: Optional[str] = None  # "RESOLVED that Cabinet:" above a list of resolutions

    def to_json(self) -> dict:
        out = self.hit.to_json()
        out.pop("also", None)  # every copy is listed under its own meeting
        return {**out, "outcome": self.outcome, "outcome_paragraph": self.outcome_paragraph, "lead": self.lead}

    def shares_outcome(self, other: Optional["Decision"]) -> bool:
        """Is ``other``'s outcome the same statement as this one's (one vote on a list of points)?"""
        return other is not None and self.outcome is not None and other.outcome_paragraph == self.outcome_paragraph


@dataclass
class DecisionMeeting:
    """The decisions of one meeting (one minutes document), in the order of the minutes."""

    doc_id: str
    date: str
    council: str
    committee: str
    source: str
    decisions: list[Decision] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "date": self.date or None,
            "council": self.council or None,
            "committee": self.committee or None,
            "source": shown_source(self.source, self.doc_id),
            "decisions": [d.to_json() for d in self.decisions],
        }


@dataclass
class DecisionTimeline:
    """The meetings that resolved something about the query, oldest first (undated last)."""

    query: Query
    meetings: list[DecisionMeeting]
    total: int  # decisions in the timeline (each meeting's copy of a repeated text counted)
    more: bool = False  # more decisions matched than the timeline holds (see MAX_DECISIONS)
    notices: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        f = self.query.filters
        return {
            "query": self.query.text,
            "mode": self.query.mode,
            "council": f.council,
            "committee": f.committee,
            "since": f.since,
            "until": f.until,
            "total": self.total,
            "more": self.more,
            "notices": self.notices,
            "also_searched": self.expansions,
            "meetings": [m.to_json() for m in self.meetings],
        }


# A question put to the decisions ("what did cabinet decide about the budget", "has the panel
# agreed the sufficiency strategy", "what was resolved on school transport since 2022"): the
# words that ask for a decision say nothing of the topic, since only decisions are searched, and
# matched every short resolution ("RESOLVED that Cabinet note the report." for "decide").
_DECIDE = (
    r"(?:decide|decided|deciding|resolve|resolved|agree|agreed|approve|approved|determine|determined|"
    r"vote|voted|say|said|do|done)"
)
_ABOUT = r"(?:\s+(?:about|on|regarding|concerning|over|for|with|to))?"
_ASKED = re.compile(
    r"^\s*(?:(?:what|which|when|how|why)\s+)?(?:(?:did|does|do|has|have|had|will|would)\s+)"
    r"(?P<body>.+?)\s+" + _DECIDE + r"\b" + _ABOUT + r"\s+(?P<topic>.+?)\s*\??\s*$",
    re.I,
)
_DECIDED = re.compile(
    r"^\s*(?:(?:what|which|when|how)\s+)?(?:(?:decisions?|resolutions?)\s+)?(?:(?:was|were|has\s+been|have\s+been|"
    r"is|are|had\s+been)\s+)(?:made\s+|taken\s+|passed\s+)?"
    r"(?:decided|resolved|agreed|approved|determined)?\s*" + _ABOUT + r"\s+(?P<topic>.+?)\s*\??\s*$",
    re.I,
)
_DECISIONS_ON = re.compile(
    r"^\s*(?:(?:what|which|any)\s+)?(?:decisions?|resolutions?)\s+(?:(?:did|has|have)\s+(?P<body>.+?)\s+"
    r"(?:made|make|taken|take|passed|pass)\s+)?(?:about|on|regarding|concerning|over)\s+(?P<topic>.+?)\s*\??\s*$",
    re.I,
)
# A year the question ends with: "since 2022", "in 2024", "before 2023", "after 2021".
_WHEN = re.compile(r"\s+(?P<word>since|from|in|during|before|after|until)\s+(?P<year>(?:19|20)\d\d)\s*\??\s*$", re.I)
# A body that decides ("the scrutiny committee", "full council", "the executive").
_BODY = re.compile(
    r"\b(?:committees?|sub-committees?|panels?|boards?|councils?|cabinet|executive|assembly|forum|scrutiny)\b", re.I
)
# Who asks, not who decided: left out of the search.
_ASKERS = frozenset(("we", "they", "you", "i", "it", "members", "councillors", "officers", "us"))


@dataclass(frozen=True)
class DecisionQuestion:
    """What a question put to the decisions asks: its topic, the body it names (``None``: none),
    and the years it names, as dates (``None``: not named)."""

    topic: str
    body: Optional[str] = None
    since: Optional[str] = None
    until: Optional[str] = None


def read_question(text: str) -> Optional[DecisionQuestion]:
    """The topic of a question asking what was decided ("what did cabinet decide about the
    budget since 2022" -> "the budget", by "cabinet", since 2022-01-01); None for a topic typed as
    a topic ("placement sufficiency"), which is searched as it is."""
    since = until = None
    when = _WHEN.search(text)
    if when:
        year, word = int(when.group("year")), when.group("word").lower()
        if word in ("since", "from"):
            since = f"{year}-01-01"
        elif word == "after":
            since = f"{year + 1}-01-01"
        elif word in ("before", "until"):
            until = f"{year - 1}-12-31" if word == "before" else f"{year}-12-31"
        else:
            since, until = f"{year}-01-01", f"{year}-12-31"
        text = text[: when.start()]
    for pattern in (_DECISIONS_ON, _ASKED, _DECIDED):
        m = pattern.match(text)
        if m is None:
            continue
        topic = m.group("topic").strip()
        body = (m.groupdict().get("body") or "").strip()
        body = re.sub(r"^(?:the|our|this|that)\s+", "", body, flags=re.I) or None
        if all(w in STOPWORDS for w in re.findall(r"\w+", topic.lower())):
            return None  # "what did cabinet decide about": no topic; searched as typed
        return DecisionQuestion(topic, body if body and body.lower() not in _ASKERS else None, since, until)
    if since or until:
        return DecisionQuestion(text.strip(), None, since, until)
    return None


def asked_of(q: Query, facets: Facets) -> tuple[Query, list[str]]:
    """``q`` as :func:`read_question` reads it: its topic searched, the committee or council it
    names as a filter when it names one of the index's (and none was given), the years it names
    as dates (unless given), and notices saying so. A body that is none of the index's is searched
    with the topic ("what did Ofsted decide about ...")."""
    asked = read_question(q.text)
    if asked is None:
        return q, []
    f, notes = q.filters, []
    topic = asked.topic
    if asked.body:
        for param, names in (("committee", facets.committees), ("council", facets.councils)):
            found = {n.casefold(): n for n in matching_names(asked.body, names)}
            if len(found) == 1 and getattr(f, param) is None:
                name = next(iter(found.values()))
                f = replace(f, committee=name) if param == "committee" else replace(f, council=name)
                notes.append(f"Decisions of {name} only (named in the question); the {param} filter is set to it.")
                break
            if found:  # several, or already filtered: the question's scaffolding, not the topic
                break
        else:
            if _BODY.search(asked.body):  # a body these minutes do not have: the question's, not the topic's
                notes.append(
                    f"No committee or council of these minutes is called {asked.body!r}; searched all of them."
                )
            else:  # "what did Ofsted decide about ...", "how did Councillor Hillier vote on ..."
                topic = f"{asked.body} {topic}"
    if asked.since and not (f.since or f.until):
        f = replace(f, since=asked.since)
    if asked.until and not (f.until or (f.since and not asked.since)):
        f = replace(f, until=asked.until)
    if (f.since, f.until) != (q.filters.since, q.filters.until):
        span = " to ".join(x for x in (f.since or "", f.until or "") if x)
        notes.append(f"Meetings {'from ' + span if f.since and not f.until else span} only (the year in the question).")
    notes.insert(0, f"Searched the decisions about {topic!r}.")
    return replace(q, text=topic, filters=f), notes


def decisions_query(q: Query) -> Query:
    """``q`` restricted to decision paragraphs, asking for the whole timeline at once."""
    return replace(q, filters=replace(q.filters, section=RESOLVED), limit=MAX_DECISIONS, offset=0, sort="relevance")


def merged(everything: Candidates, decisions: Candidates) -> Candidates:
    """The candidates of a search and of the same search over decision paragraphs only, as one
    pool (scores do not depend on the filter: a paragraph has the same score in both)."""
    kw_a, kw_b = everything.keyword, decisions.keyword
    keyword = kw_a or kw_b
    if kw_a is not None and kw_b is not None:
        best = dict(kw_a.hits) | dict(kw_b.hits)
        keyword = replace(
            kw_a,
            hits=sorted(best.items(), key=lambda h: -h[1]),
            coverage=kw_a.coverage | kw_b.coverage,
            coverage_text=kw_a.coverage_text | kw_b.coverage_text,
        )
    sem_a, sem_b = everything.semantic, decisions.semantic
    semantic = sem_a or sem_b
    if sem_a is not None and sem_b is not None:
        # (no feedback order: two, each refined by its own first paragraphs, do not merge)
        semantic = VectorResult(
            sorted((dict(sem_a.hits) | dict(sem_b.hits)).items(), key=lambda h: -h[1]), sem_a.above_floor
        )
    return replace(
        everything,
        keyword=keyword,
        semantic=semantic,
        meta=everything.meta | decisions.meta,
        cosines=everything.cosines | decisions.cosines,
    )


def decision_ids(c: Candidates) -> set[str]:
    """The paragraphs a search restricted to decisions found."""
    return {cid for cid, _s in c.keyword_hits} | {cid for cid, _s in c.semantic_hits}


def decision_matches(
    matches: list[Ranked], decisions: set[str], c: Candidates, params: RankParams, mode: str
) -> list[Ranked]:
    """The matches that are decisions, best first, each containing the query in its words or
    close to it in meaning (see the module docstring). A match whose best copy is not a decision
    (the same words printed in the discussion) stands in for its copies that are."""
    kw = c.keyword
    need = coverage_needed(params.min_coverage, params.match_words, kw.words) if kw else 1.0
    coverage = kw.coverage if kw and mode != "semantic" else {}
    cosines = (c.cosines | dict(c.semantic_hits)) if mode != "keyword" else {}

    def close(cid: str) -> bool:
        return coverage.get(cid, 0.0) >= need - 1e-9 or cosines.get(cid, -1.0) >= params.joint_floor

    out: list[Ranked] = []
    for r in matches:
        copies = [cid for cid in [r.chunk_id, *r.also] if cid in decisions and close(cid)]
        if copies:
            out.append(replace(r, chunk_id=copies[0], also=copies[1:]))
    return out


def without_section(f: Filters) -> Filters:
    return replace(f, section=None)


def timeline(view: StoreView, q: Query, ranked: list[Ranked]) -> DecisionTimeline:
    """The matches ``ranked`` (best first) as a timeline: at most :data:`MAX_DECISIONS` of them,
    each copy of a repeated text under its own meeting, grouped by meeting, oldest first (the words
    are marked by :func:`mark_words`)."""
    found = hits(view, ranked[:MAX_DECISIONS], 0)
    meetings: dict[str, DecisionMeeting] = {}
    seen: set[str] = set()
    for h in found:
        for c in [h.chunk, *h.also]:
            if c.chunk_id in seen:
                continue
            seen.add(c.chunk_id)
            m = meetings.get(c.doc_id)
            if m is None:
                m = meetings[c.doc_id] = DecisionMeeting(c.doc_id, c.date, c.council, c.committee, c.source)
            copy = h if c is h.chunk else replace(h, chunk=c, snippet=[])
            m.decisions.append(Decision(replace(copy, also=[])))
    for m in meetings.values():
        m.decisions.sort(key=lambda d: d.hit.chunk.paragraph)
        _attach_context(view.document_chunks(m.doc_id), m.decisions)
        m.decisions = once_per_vote(m.decisions)
        # A lead-in ("RESOLVED that Cabinet:") is shown above its points, not again on its own.
        leads = {d.lead for d in m.decisions if d.lead}
        m.decisions = [d for d in m.decisions if d.hit.chunk.text not in leads]
    ordered = sorted(meetings.values(), key=lambda m: (not m.date, m.date, m.committee.lower(), m.doc_id))
    return DecisionTimeline(
        query=q, meetings=ordered, total=sum(len(m.decisions) for m in ordered), more=len(ranked) > MAX_DECISIONS
    )


def once_per_vote(decisions: list[Decision]) -> list[Decision]:
    """One meeting's decisions (in the minutes' order) with a text printed twice shown once per
    vote on it: the copy with an outcome rather than one without, and each copy with an outcome of
    its own. London Ontario prints an amended point, its amendment's vote (Passed 12 to 0), the
    same point again and the vote on it (Failed 3 to 9): kept once by its words, the point read
    as passed."""
    voted: dict[str, set[Optional[int]]] = defaultdict(set)
    for d in decisions:
        if d.outcome is not None:
            voted[d.hit.chunk.text].add(d.outcome_paragraph)
    out: list[Decision] = []
    shown: set[tuple[str, Optional[int]]] = set()
    for d in decisions:
        text = d.hit.chunk.text
        if d.outcome is None and voted.get(text):
            continue
        key = (text, d.outcome_paragraph if d.outcome is not None else None)
        if key in shown:
            continue
        shown.add(key)
        out.append(d)
    return out


def mark_words(t: DecisionTimeline, terms: list[tuple[str, str]]) -> None:
    """Each decision's text (whole, up to :data:`DECISION_CHARS`) with the query's words marked."""
    matcher = TermMatcher(terms)
    for m in t.meetings:
        for d in m.decisions:
            d.hit.snippet = snippet(d.hit.chunk.text, matcher, max_chars=DECISION_CHARS)


def _attach_context(doc: list[Chunk], decisions: list[Decision]) -> None:
    """Each decision's outcome and lead-in, from the paragraphs of its agenda item."""
    position = {c.chunk_id: i for i, c in enumerate(doc)}
    for d in decisions:
        i = position.get(d.hit.chunk.chunk_id)
        if i is None:
            continue
        found = outcome_after(doc, i) or outcome_before(doc, i)
        if found is not None:
            d.outcome, d.outcome_paragraph = found
        d.lead = lead_in(doc, i)


def outcome_after(doc: list[Chunk], i: int) -> Optional[tuple[str, int]]:
    """The outcome of the decision ``doc[i]``, and the paragraph stating it: the decision itself,
    or the vote tally or result line that follows it in the same agenda item, before another
    motion starts or the discussion resumes. The points of the same resolution ("a) ...",
    "b) ...") may stand in between."""
    c = doc[i]
    found = outcome(c.text, tally=c.kind == "procedure")
    if found:
        return found, c.paragraph
    for n in doc[i + 1 : i + 1 + LOOKAHEAD]:
        if n.item != c.item:
            break
        if _next_of_a_higher_list(c, n):
            break  # the minutes' next paragraph ("9) The Chairman proposed ...", whatever its kind)
        if n.kind == "procedure":
            if opens_motion(n.text):
                break  # the next motion's movers
            found = outcome(n.text, tally=True)
        elif _continues(n):
            found = outcome(n.text)
        else:
            break
        if found:
            return found, n.paragraph
    return None


def outcome_before(doc: list[Chunk], i: int) -> Optional[tuple[str, int]]:
    """The outcome of a resolution that the minutes record after the vote: Kent prints the tally
    ("For (39)" ... "Against (19)" ... "Substantive Motion carried.") and then "26) RESOLVED that
    the County Council:" with its points. The result line just before the resolution (or before
    the first of its points), in the same agenda item, when it carried (a lost vote before a
    resolution was an amendment's), with the counts of the tally above it ("Carried (39 to
    19)"). Only when nothing after the resolution states its outcome."""
    c = doc[i]
    start = i
    while start > 0 and doc[start - 1].item == c.item and doc[start - 1].section == RESOLVED:
        start -= 1
        if doc[start].kind == "procedure" and opens_motion(doc[start].text):
            # Its own movers stand between it and the result above: that result was the previous
            # motion's (eScribe: "Motion made by C. Rahman" / "that part h) BE AMENDED ..." after
            # the tally of part d's referral, which was shown as part h's outcome).
            return None
    if start == 0:
        return None
    before = doc[start - 1]
    if before.item != c.item or before.kind != "procedure":
        return None
    found = outcome(before.text, tally=True)
    if found is None or not found.startswith(("Carried", "Passed", "Agreed")):
        return None
    counts: dict[str, str] = {}
    for p in reversed(doc[max(0, start - 1 - TALLY_LINES) : start - 1]):
        # (the names of a tally may be read as a short paragraph of their own: "Mr B Lewis, Mr D Ross")
        if p.item != c.item or outcome(p.text, tally=True) or (p.kind != "procedure" and len(p.text.split()) > 12):
            break  # another vote's result, or the debate
        m = _TALLY_LABEL.match(p.text)
        if m:
            counts.setdefault(m.group(1).lower(), m.group(2))
    if "(" not in found and "for" in counts and "against" in counts:
        found += f" ({counts['for']} to {counts['against']})"
    return found, before.paragraph


TALLY_LINES = 8  # paragraphs a tally's counts and names are read back over, above its result
# A Kent tally's label with its count: "For (39)", "Against (19)", "Abstain (1)".
_TALLY_LABEL = re.compile(r"^\s*(For|Against|Abstain(?:ed|ing)?)\s*\((\d{1,3})\)", re.I)


def _next_of_a_higher_list(c: Chunk, n: Chunk) -> bool:
    """Is ``n`` numbered as the minutes' own paragraphs, not as ``c``'s list: the same kind of
    number written another way ("6. To request ..." then "9) The Chairman proposed ...", Kent's
    next paragraph, whose "agreed unanimously" was shown as the motion's outcome)?"""
    a, b = _form(c.text), _form(n.text)
    return a is not None and b is not None and a[0] == b[0] and a[1] != b[1]


def _form(text: str) -> Optional[tuple[str, str]]:
    """How a point is numbered: its kind ("digit", "letter", "roman") and its shape ("(1)",
    "1)", "1."); None for a bullet or no point."""
    style, m = point_style(text), MARKER.match(text)
    if style is None or m is None or m.group(1) is None:
        return None
    return style[0], number_shape(text, m.group(1))


def _continues(c: Chunk) -> bool:
    """A paragraph that goes on with the motion before it: one of its points, or a clause
    ("it being noted that ...") that starts in lower case."""
    return bool(_POINT.match(c.text)) or c.text[:1].islower()
