"""Council and committee filters that forgive: a name typed as people type it ("kent",
"london", "scrutiny") resolves to the one name the index holds, or fails with the nearest names.

The one place a filter value becomes a stored name: the Searcher resolves every query's and
every browse's filters here, so the CLI, the page and the API all forgive the same way.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from typing import Iterable, Optional

from ..model import Filters, MinsearchError
from ..store.base import Facets

NEAREST = 5  # valid names listed when a value is unknown or ambiguous


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _words(name: str) -> list[str]:
    return re.findall(r"\w+", name.casefold())


def matching_names(value: str, names: Iterable[str]) -> list[str]:
    """The names ``value`` stands for, best kind of match first: the name itself (any case),
    else names it begins ("kent" -> "Kent County Council"), else names holding each of its words
    as the start of a word ("london" -> "City of London (Ontario)", "child scrut" -> "Children's
    Scrutiny Panel")."""
    names = list(dict.fromkeys(names))
    key = _key(value)
    same = [n for n in names if _key(n) == key]
    if same:
        return same
    starts = [n for n in names if _key(n).startswith(key)]
    if starts:
        return starts
    typed = _words(value)
    if not typed:
        return []
    return [n for n in names if all(any(w.startswith(t) for w in _words(n)) for t in typed)]


def resolve_name(value: Optional[str], names: Iterable[str], param: str) -> Optional[str]:
    """The stored name ``value`` stands for (None when no filter was given).

    Raises a :class:`MinsearchError` naming ``param`` and listing the nearest valid names when
    the value matches none of them, or more than one (names that differ only in case or spacing
    are one name: the stores compare them that way).
    """
    if value is None or not value.strip():
        return None
    names = list(names)
    found = matching_names(value, names)
    if len({_key(n) for n in found}) == 1:
        return found[0]
    what = "councils" if param == "council" else "committees" if param == "committee" else "names"
    if found:
        listed = ", ".join(sorted(found, key=str.casefold)[:NEAREST])
        more = f" and {len(found) - NEAREST} more" if len(found) > NEAREST else ""
        raise MinsearchError(
            f"{value.strip()!r} matches several {what}: {listed}{more}; type more of the name", param=param
        )
    if not names:
        raise MinsearchError(f"{value.strip()!r}: the index records no {what}", param=param)
    raise MinsearchError(f"no {what[:-1]} is called {value.strip()!r}; try {_nearest(value, names)}", param=param)


def _nearest(value: str, names: list[str]) -> str:
    """Up to :data:`NEAREST` names, closest in spelling to ``value`` first, as "A, B or C"."""
    by_key = {_key(n): n for n in names}
    near = [by_key[k] for k in difflib.get_close_matches(_key(value), list(by_key), n=NEAREST, cutoff=0.3)]
    near += [n for n in sorted(by_key.values(), key=str.casefold) if n not in near][: NEAREST - len(near)]
    return near[0] if len(near) == 1 else ", ".join(near[:-1]) + " or " + near[-1]


def resolve_filters(f: Filters, facets: Facets) -> Filters:
    """``f`` with its council and committee as the index stores them (see :func:`resolve_name`)."""
    return replace(
        f,
        council=resolve_name(f.council, facets.councils, "council"),
        committee=resolve_name(f.committee, facets.committees, "committee"),
    )
