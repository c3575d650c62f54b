"""Checking a request before it is searched: one place for every bound and every message.

Errors name the parameter (``since``, ``limit``) and leave the spelling to the front end
(``--since`` on the command line); see :class:`minsearch.model.MinsearchError`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Iterable, Optional

from ..citation import long_date
from ..config import FUSIONS
from ..ingest.paragraphs import fold_forms
from ..model import MODES, SORTS, Filters, MinsearchError, Query

if TYPE_CHECKING:  # (the command line's checks import this module: no store at run time)
    from ..store.base import StoreView

MAX_QUERY_CHARS = 500  # a longer query is cut (with a notice), not refused
MAX_LIMIT = 100  # hits per page; more only asks the ranker for candidates nobody reads


def check_date(value: Optional[str], name: str) -> Optional[str]:
    """``value`` as an ISO date, None if empty; an error naming ``name`` if it is not a date."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise MinsearchError(f"{value!r} is not a date (use YYYY-MM-DD)", param=name) from None


def check_choice(value: str, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise MinsearchError(f"{value!r} is not one of {', '.join(choices)}", param=name)
    return value


def check_range(value: int, low: int, high: int, name: str) -> int:
    if not low <= value <= high:
        raise MinsearchError(f"must be between {low} and {high}, not {value}", param=name)
    return value


def whole_number(raw: Optional[str], name: str, default: int) -> int:
    """A whole number as a URL gives it: ``default`` if absent or blank."""
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise MinsearchError(f"{raw[:40]!r} is not a whole number", param=name) from None


def query_text(text: str) -> tuple[str, list[str]]:
    """The words to search for, spaces collapsed and cut to :data:`MAX_QUERY_CHARS`, and the notice
    that says so when it was cut. Ligatures and full-width forms are folded as the indexed text is
    (a "ﬁnancial" pasted from a PDF found nothing)."""
    # Lone surrogates (from a bad terminal or a hostile client) cannot be tokenised; they become
    # U+FFFD, not "?", which is a wildcard.
    text = " ".join(fold_forms(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")).split())
    if not text:
        raise MinsearchError("empty; type some words to search for", param="query")
    if len(text) <= MAX_QUERY_CHARS:
        return text, []
    cut = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
    return cut, [f"Your query was cut to its first {len(cut)} characters."]


def check_filters(f: Filters) -> Filters:
    """Dates checked and normalised, names trimmed (an empty name is no filter)."""
    since, until = check_date(f.since, "since"), check_date(f.until, "until")
    if since and until and since > until:
        raise MinsearchError(f"{{since}} {since} is after {{until}} {until}", param="since", mentions=("until",))
    return Filters(
        council=(f.council or "").strip() or None,
        committee=(f.committee or "").strip() or None,
        since=since,
        until=until,
        doc_id=f.doc_id,
        exclude_doc_id=f.exclude_doc_id,
        doc_ids=f.doc_ids,
        section=check_section(f.section),
    )


def check_section(value: Optional[str]) -> Optional[str]:
    """A section name ("resolved", "minutes"): lower-case letters only, None if empty."""
    if not value:
        return None
    if not re.fullmatch(r"[a-z_]{1,40}", value):
        raise MinsearchError(f"{value[:40]!r} is not a section name (such as resolved or minutes)", param="section")
    return value


# Share of an index's documents with a meeting date above which it holds dated meetings. Every
# minutes corpus here has a date on every document (seeds: none); the IR sets' texts have one where
# a sentence like "held on 8 June 1990" happens to give it (DBpedia 58 of 4,998, CISI 3 of 1,457),
# and "winners since 1974" must not filter those.
DATED_SHARE = 0.5


def holds_dated_meetings(dates: Iterable[str]) -> bool:
    """Whether most of an index's documents have a meeting date (``dates``, one per document, ""
    for none), so that dates named in a query's words are read as a filter (see :func:`validate`)."""
    found = [bool(d) for d in dates]
    return bool(found) and sum(found) >= DATED_SHARE * len(found)


def dated_index(view: "StoreView") -> bool:
    """:func:`holds_dated_meetings` for the documents of one state of an index."""
    return holds_dated_meetings(d.date for d in view.documents().values())


def validate(q: Query, dated: bool = True) -> tuple[Query, list[str]]:
    """``q`` checked and normalised, and notices for the user (e.g. that the query was cut).

    Meeting dates named with the date field (``date:[2020 to 2021]``) or, when the index holds
    dated meetings (``dated``, :func:`holds_dated_meetings`), in the words ("since 2022", "in March 2024") become a date
    filter, within any dates chosen with it, and are not searched as words; a notice says so. In
    an index of undated texts "winners since 1974" is words: as a filter it left nothing."""
    text, notices = query_text(q.text)
    filters = check_filters(q.filters)
    text, filters = _dates_in_words(text, filters, notices, dated)
    check_choice(q.mode, MODES, "mode")
    check_choice(q.sort, SORTS, "sort")
    if q.fusion is not None:
        check_choice(q.fusion, FUSIONS, "fusion")
    check_range(q.limit, 1, MAX_LIMIT, "limit")
    if q.offset < 0:
        raise MinsearchError(f"must not be negative, not {q.offset}", param="offset")
    if not dated and (filters.since or filters.until):
        # (A new user's --since on the seeds got "No confident matches" and no reason why.)
        notices.append("Most of these minutes have no meeting date, and a date filter leaves out those without one.")
    if not dated and q.sort == "date":
        notices.append("Most of these minutes have no meeting date: listed by best match.")
    from ..ranking.rank import names_only_members  # (here: the CLI's --help imports this module, not numpy)

    if names_only_members(text):
        # ("how did Councillor Trosow vote?" listed his arrivals and other items' votes, with no
        # word on how to ask for one vote.)
        notices.append("To see one vote first, say what it was on, as in “… vote on the budget”.")
    return Query(
        text=text,
        mode=q.mode,
        limit=q.limit,
        offset=q.offset,
        filters=filters,
        sort=q.sort,
        fusion=q.fusion,
    ), notices


def _dates_in_words(text: str, f: Filters, notices: list[str], dated: bool = True) -> tuple[str, Filters]:
    """The query's words without a phrase naming meeting dates, and ``f`` narrowed to them
    ("what have we resolved about placement sufficiency since 2022": searched as the words, over
    the meetings since 1 January 2022). Officers ask in words; as words, "since" and "2022"
    listed every paragraph holding the number first."""
    # (here, not at the top: the command line's checks import this module and load no Whoosh)
    from ..store.query import date_field, date_phrase

    found = date_field(text) or (date_phrase(text) if dated else None)
    if found is None:
        return text, f
    since = max((d for d in (f.since, found.since) if d), default=None)
    until = min((d for d in (f.until, found.until) if d), default=None)
    if since and until and since > until:
        notices.append(f"“{found.phrase}” is outside the dates chosen, so it does not filter the meetings.")
        return text, f
    span = (
        f"from {long_date(since)} to {long_date(until)}"
        if since and until
        else f"from {long_date(since)}"
        if since
        else f"up to {long_date(until or '')}"
    )
    source = (
        f"from “{found.phrase}”"
        if found.phrase.lower().startswith("date:")
        else f"from your words “{found.phrase}” (not searched as words)"
    )
    notices.append(f"Meetings {span} only, {source}.")
    return found.rest, replace(f, since=since, until=until)
