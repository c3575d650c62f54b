"""minsearch: full-text and semantic search over local-government committee minutes.

The Python API (README, "Python API")::

    from minsearch import Searcher, Query, Filters, index_paths, load_settings

    settings = load_settings(index_dir="my-index")
    index_paths(["seeds/"], settings)                      # build or update the index
    searcher = Searcher(settings)
    result = searcher.search(Query("dental checks", filters=Filters(council="Kirklees")))
    searcher.close()

Names are imported on first use, not with the package: ``import minsearch`` (and so
``minsearch --help``) stays instant, and NumPy, Whoosh, Flask and torch load only when a name
that needs them is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# name -> the module that defines it (one place: the API re-exports, it does not wrap)
_EXPORTS = {
    "Searcher": "minsearch.search",
    "Query": "minsearch.model",
    "Filters": "minsearch.model",
    "SearchResult": "minsearch.model",
    "Hit": "minsearch.model",
    "MinsearchError": "minsearch.model",
    "index_paths": "minsearch.indexer",
    "IndexSummary": "minsearch.indexer",
    "load_settings": "minsearch.config",
    "Settings": "minsearch.config",
}

__all__ = [  # the same names as _EXPORTS (a test checks), spelt out for tools that read __all__
    "Filters",
    "Hit",
    "IndexSummary",
    "MinsearchError",
    "Query",
    "SearchResult",
    "Searcher",
    "Settings",
    "__version__",
    "index_paths",
    "load_settings",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports lazily
    from .config import Settings, load_settings
    from .indexer import IndexSummary, index_paths
    from .model import Filters, Hit, MinsearchError, Query, SearchResult
    from .search import Searcher


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("minsearch")
    except PackageNotFoundError:  # a source checkout on PYTHONPATH, never installed
        return "0+unknown"


__version__ = _version()


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'minsearch' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
