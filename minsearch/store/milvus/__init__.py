"""The Milvus store: the same chunks, vectors and filtered searches, on a Milvus server or cluster.

One job per file: :mod:`.schema` (the collections' layout, and rows <-> chunks),
:mod:`.expressions` (filters as Milvus expressions), :mod:`.connection` (client, errors, paging),
:mod:`.keyword_search` (BM25 plus the Whoosh syntax check and coverage), :mod:`.vector_search`,
:mod:`.reader` (:class:`MilvusStore`), :mod:`.writer` (:class:`MilvusWriter`, :func:`milvus_writer`)
and :mod:`.lease` (the writer lease for writers on other machines).

Three collections per index (``settings.milvus_collection`` = ``NAME``):

``NAME`` (one row per embedding *unit*)
    ``id`` = ``key(chunk_id)~n~gen`` is the primary key (``gen``: the commit that wrote it); every
    unit row repeats its chunk's fields (chunk_id, doc_id, title, section, paragraph, item, start,
    end, council, committee, council_key, committee_key, date, url, source, kind, exact, sketch,
    nwords) so any row can be filtered alone.
    Filters never put a user's string into an expression: documents, chunks, councils and
    committees are matched by ``*_key`` fields holding a SHA-1 of the value (see :func:`key`).
    ``dense`` holds the unit's normalised vector (FLAT index, metric IP). Only unit 0 carries the
    paragraph in ``text`` (``is_primary`` = true); the other units have ``text = ""``. ``words``
    (agenda item title + paragraph, the two fields the embedded store's BM25F searches) is
    analysed (:data:`ANALYZER`) and a BM25 Function turns it into the ``sparse`` field; it is
    empty on the other units, so a chunk is counted once by keyword search however many windows
    it was embedded as. Vector search
    uses ``group_by_field="chunk_id"``: a chunk scores as its best unit, as in :mod:`.vectors`.
``NAME_docs``
    one row per document, primary key ``doc_key`` (the :class:`~.base.DocRecord`), from which ``documents()``, the
    counts of ``info()`` and the facets are computed.
``NAME_meta``
    key/value rows: ``index`` (model, dim, generation counter, last commit time) and ``writer``
    (the advisory writer lease, see :func:`milvus_writer`).

Milvus requires a vector field in every collection: the two small ones carry a 2-dim dummy.

Keyword queries: Milvus's BM25 searches plain words. The Whoosh query language is still parsed
(the same errors, the same ``strict`` fallback, the same highlight terms); the BM25 candidates
are then checked in Python against the structure of the query (AND, NOT, quoted words and
phrases, ``field:value``), so those queries give the same *set* of hits as the embedded store
over the candidate pool. Parts that cannot be checked (date ranges inside the query) are
dropped with a notice. Milvus's BM25 is one field, so a title word weighs as much as a paragraph
word (Whoosh's BM25F gives titles 0.3 of the weight, in their own field).
"""

from __future__ import annotations

from ..query import bm25_words
from .connection import connect
from .expressions import filter_expr, key, quote
from .lease import LEASE_SECONDS
from .reader import MilvusStore
from .schema import _DUMMY, ANALYZER, SCHEMA_VERSION
from .writer import MilvusWriter, milvus_writer

__all__ = [
    "ANALYZER",
    "LEASE_SECONDS",
    "SCHEMA_VERSION",
    "MilvusStore",
    "MilvusWriter",
    "_DUMMY",
    "bm25_words",
    "connect",
    "filter_expr",
    "key",
    "milvus_writer",
    "quote",
]
