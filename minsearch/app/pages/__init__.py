"""The HTML pages, one Blueprint per page family: the search form and its results
(:mod:`.search`), a document's agenda item (:mod:`.document`), "more like this"
(:mod:`.similar`), and the decisions tab of the results (:mod:`.decisions`). Each reads the
URL, calls the Searcher, and renders a view model built by :mod:`minsearch.app.present`.
Errors are raised, and answered by :mod:`minsearch.app.errors`.
"""

from __future__ import annotations

from .decisions import bp as decisions
from .document import bp as document
from .search import bp as search
from .similar import bp as similar

BLUEPRINTS = (search, document, similar, decisions)
