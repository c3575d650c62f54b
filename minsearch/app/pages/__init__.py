"""The HTML pages, one Blueprint per page family: the search form and its results
(:mod:`.search`), a document's agenda item (:mod:`.document`), "more like this"
(:mod:`.similar`), and saved searches with their feeds (:mod:`.watch`). Each reads the URL,
calls the Searcher, and renders a view model built by :mod:`minsearch.app.present`.
Errors are raised, and answered by :mod:`minsearch.app.errors`.
"""

from __future__ import annotations

from .document import bp as document
from .search import bp as search
from .similar import bp as similar
from .watch import bp as watch

BLUEPRINTS = (search, document, similar, watch)
