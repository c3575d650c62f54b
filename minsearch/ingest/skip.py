"""The one exception every reader raises for a file it cannot index.

Its own module so that the format readers (:mod:`.pdf`, :mod:`.html`) need not import
:mod:`.readers`, which imports them.
"""

from __future__ import annotations


class SkipFile(Exception):
    """Raised by a reader: this file cannot be indexed; the message is the reason."""
