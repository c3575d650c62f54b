"""The HTML pages, one Blueprint per page family: the search form and its results
(:mod:`.search`), a document's agenda item (:mod:`.document`), "more like this"
(:mod:`.similar`), the decisions tab of the results (:mod:`.decisions`), the evidence list of
pinned paragraphs (:mod:`.evidence`), browsing meetings without a query (:mod:`.browse`), and saved
searches with their feeds (:mod:`.watch`). Each reads the URL, calls the Searcher, and renders a
view model built by :mod:`minsearch.app.present`. Errors are raised, and answered by
:mod:`minsearch.app.errors`.
"""

from __future__ import annotations

from .browse import bp as browse
from .decisions import bp as decisions
from .document import bp as document
from .evidence import bp as evidence
from .search import bp as search
from .similar import bp as similar
from .watch import bp as watch

BLUEPRINTS = (search, document, similar, decisions, evidence, browse, watch)
