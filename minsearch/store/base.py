"""The Store protocol: what the indexer writes to and the Searcher reads from.

Two implementations: :mod:`.embedded` (Whoosh + NumPy in generations, the default) and
:mod:`.milvus` (a Milvus server or cluster). Both hold the same chunks and the same vectors,
computed by minsearch, and answer the same filtered keyword and vector searches; fusion
happens above them, in :mod:`minsearch.ranking`, so ranking is the same on either.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, ContextManager, Iterable, Optional, Protocol

import numpy as np

from ..glossary import Expansion
from ..model import Chunk, ChunkMeta, Filters
from .lexicon import Embed, Lexicon


@dataclass
class KeywordResult:
    """The keyword view's answer: best hits, how well each covers the query, what was searched."""

    hits: list[tuple[str, float]]  # (chunk_id, BM25F score), best first
    total: int  # paragraphs matching any word of the query
    terms: list[tuple[str, str]] = field(default_factory=list)  # (field, term) for highlighting
    notices: list[str] = field(default_factory=list)
    # Share (0..1) of the query's weight (IDF of its words) that each hit contains: a paragraph
    # with only the commonest word of a long query covers little of it.
    coverage: dict[str, float] = field(default_factory=dict)
    # The same from the paragraph's own words only (not its agenda item's title): a vote tally
    # under "Homeless Encampments" contains none of the query.
    coverage_text: dict[str, float] = field(default_factory=dict)
    # How many paragraphs cover at least ``min_coverage`` of the query (all of them, not the top).
    covered: int = 0
    expansions: list[str] = field(default_factory=list)  # glossary terms also searched ("looked after children")
    words: int = 0  # parts of the query weighed for coverage (words, phrases); 0 for explicit syntax


@dataclass
class VectorResult:
    """The semantic view's answer: best hits and how many paragraphs clear the relevance floor."""

    hits: list[tuple[str, float]]  # (chunk_id, cosine), best first
    above_floor: int
    # The same hits in the order of the query refined by meaning feedback, with the refined scores
    # (see :func:`feedback_vector`); None when none was asked for.
    reordered: Optional[list[tuple[str, float]]] = None


NO_FEEDBACK = (0.0, 0)


def feedback_vector(qvec: np.ndarray, first: list[np.ndarray], weight: float) -> np.ndarray:
    """Meaning feedback (Rocchio's, in the embedding space): the query's vector moved ``weight``
    toward the mean of its first paragraphs' vectors ``first``, normalised. A query in the asker's
    words ("rules for food trucks and chip wagons") borrows the wording of the minutes that answer
    it; the hits are reordered by their closeness to it (``VectorResult.reordered``)."""
    moved = np.asarray(qvec, dtype=np.float32) + weight * np.mean(np.stack(first).astype(np.float32), axis=0)
    return (moved / max(float(np.linalg.norm(moved)), 1e-12)).astype(np.float32)


def feedback_order(
    hits: list[tuple[str, float]],
    qvec: np.ndarray,
    feedback: tuple[float, int],
    vectors_of_first: Callable[[int], list[Optional[np.ndarray]]],
    scores_of: Callable[[np.ndarray], np.ndarray],
) -> Optional[list[tuple[str, float]]]:
    """``hits`` reordered by meaning feedback (``VectorResult.reordered``), for every store:
    ``vectors_of_first(depth)`` gives the first hits' vectors, ``scores_of(vector)`` each hit's
    closeness to a vector, in the order of ``hits`` (not finite: a hit the store no longer holds,
    left out). None when ``feedback`` is off."""
    weight, depth = feedback
    if weight <= 0 or depth <= 0 or not hits:
        return None
    first = [v for v in vectors_of_first(depth) if v is not None]
    if not first:
        return None
    scores = np.asarray(scores_of(feedback_vector(qvec, first, weight)), dtype=np.float64)
    order = [i for i in np.argsort(-scores, kind="stable").tolist() if np.isfinite(scores[i])]
    return [(hits[i][0], float(scores[i])) for i in order]


@dataclass
class DocRecord:
    """What the index knows about one document, to decide what a re-index must redo."""

    doc_id: str
    hash: str
    source: str
    chunks: int
    title: str = ""
    council: str = ""
    committee: str = ""
    date: str = ""
    indexed_at: str = ""
    # Where it was read from (see Document): "" in an index written before these were recorded,
    # and always with the Milvus backend, which keeps the fields above only.
    root: str = ""
    path: str = ""
    id_given: bool = False
    # Acronyms the document defines ("UTRCA": "Upper Thames River Conservation Authority"), searched
    # like the glossary's (minsearch.ingest.acronyms); not kept by the Milvus backend.
    acronyms: dict[str, str] = field(default_factory=dict)


@dataclass
class Sentences:
    """Vectors of the sentences that a paragraph's excerpt is chosen from when meaning found it
    (:func:`minsearch.ranking.snippets.focus_openings`: a paragraph of several sentences), embedded
    with the paragraphs so that a results page does not run the encoder for its excerpts."""

    vectors: np.ndarray  # (n, dim) float32, normalised
    owners: np.ndarray  # (n,) int: index into the update's chunks, non-decreasing
    spans: np.ndarray  # (n, 2) int: each sentence's start and end in its chunk's text
    keys: np.ndarray  # (n,) uint64: what each vector is of (minsearch.encode.unit_keys)


@dataclass
class DocUpdate:
    """A new or changed document: its chunks, and its unit vectors with their chunk positions."""

    record: DocRecord
    chunks: list[Chunk]
    vectors: np.ndarray  # (units, dim) float32, normalised
    units: np.ndarray  # (units,) int: index into ``chunks``, non-decreasing
    # (units,) uint64: what each vector is of (the encoder and the text embedded; see
    # minsearch.encode.unit_keys), so that a later run can reuse it; None: not known.
    unit_keys: Optional[np.ndarray] = None
    sentences: Optional[Sentences] = None  # None: not embedded (a store that keeps none)


@dataclass
class Facets:
    """Filter values present in the index, with chunk counts (for the page's dropdowns)."""

    councils: dict[str, int] = field(default_factory=dict)
    committees: dict[str, int] = field(default_factory=dict)
    date_min: str = ""
    date_max: str = ""


def facets_of(docs: Iterable[DocRecord]) -> Facets:
    """Councils and committees (with chunk counts) and the date range of ``docs``."""
    councils: Counter = Counter()
    committees: Counter = Counter()
    dates: list[str] = []
    for d in docs:
        if d.council:
            councils[d.council] += d.chunks
        if d.committee:
            committees[d.committee] += d.chunks
        if d.date:
            dates.append(d.date)
    return Facets(
        councils=dict(sorted(councils.items())),
        committees=dict(sorted(committees.items())),
        date_min=min(dates) if dates else "",
        date_max=max(dates) if dates else "",
    )


@dataclass
class IndexInfo:
    backend: str
    location: str
    generation: str
    documents: int
    chunks: int
    model: str
    dim: int
    size_bytes: int
    last_indexed: str


class StoreView(Protocol):
    """The reads of one request, all against one state of the index (one generation).

    Everything :class:`~minsearch.search.Searcher` asks of a store, it asks of a view pinned with
    :meth:`Store.pinned`, so that one answer never mixes two generations.
    """

    @property
    def model(self) -> str:
        """The embedding model the index was built with."""
        ...

    @property
    def generation(self) -> str:
        """Which state of the index this view reads: changes whenever an index run commits (what
        is measured once per index, such as the off-topic probes' scores, is kept by it)."""
        ...

    def keyword_search(
        self,
        text: str,
        filters: Filters,
        limit: int,
        strict: bool = True,
        min_coverage: float = 0.0,
        expansions: tuple[Expansion, ...] = (),
        match_words: int = 0,
    ) -> KeywordResult: ...

    def vector_search(
        self,
        vector: np.ndarray,
        filters: Filters,
        limit: int,
        floor: Optional[float] = None,
        feedback: tuple[float, int] = NO_FEEDBACK,
    ) -> VectorResult:
        """The ``limit`` paragraphs closest to ``vector``; ``feedback`` = (weight, depth) also
        gives them in the order of :func:`feedback_vector` of the first ``depth`` (``reordered``)."""
        ...

    def chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]: ...

    def document_chunks(self, doc_id: str) -> list[Chunk]: ...

    def chunk_vector(self, chunk_id: str) -> Optional[np.ndarray]: ...

    def numbered(self, refs: list[str], filters: Filters, limit: int) -> list[str]:
        """At most ``limit`` ids of the paragraphs whose agenda item the source numbers as one of
        ``refs`` (``Chunk.item_ref`` exactly: "minute 298", "item 2.5"), passing ``filters``, each
        document's paragraphs in order (documents in no particular order)."""
        ...

    def sentence_vectors(self, chunk_ids: Iterable[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """For each of ``chunk_ids`` whose sentences the index keeps (see :class:`Sentences`): their
        spans in its text ((k, 2) ints) and their vectors ((k, dim) float32). A chunk not in it
        has one sentence, or its sentences are not kept (Milvus keeps none): the page encodes them."""
        ...

    def best_cosines(self, vectors: np.ndarray) -> np.ndarray:
        """For each row of ``vectors``, the best cosine it reaches anywhere in the index (no
        filters; NaN where the index holds nothing): how close off-topic probe queries get."""
        ...

    def vector_scores(self, vector: np.ndarray, chunk_ids: Iterable[str]) -> dict[str, float]:
        """Cosine similarity of ``vector`` to each of ``chunk_ids`` (its best unit), found or not."""
        ...

    def chunk_meta(self, chunk_ids: Iterable[str]) -> dict[str, ChunkMeta]:
        """Kind, date, document and wording fingerprints of each chunk (no text read)."""
        ...

    def facets(self) -> Facets: ...

    def documents(self) -> dict[str, DocRecord]:
        """Every indexed document's record (council, committee, date, title, paragraphs), by id:
        for counting matches by committee and for browsing meetings without a query."""
        ...

    def corrections(
        self, words: list[str], limit: int = 3, leave: Optional[Callable[[str], bool]] = None
    ) -> Optional[dict[str, list[str]]]:
        """For each of ``words`` (lower-case, unstemmed) that no paragraph contains, the index's
        own words closest in spelling, best first (known words are left out). ``leave``: asked
        only of those words, True for one not to correct (nor count among the words corrected).
        None: this store keeps no word list to correct from (Milvus)."""
        ...

    def lexicon(self) -> Optional[Lexicon]:
        """The words the indexed minutes use, with their vectors (:mod:`.lexicon`). None: this
        generation has none (written before lexicons, or by a store that keeps no word list:
        Milvus)."""
        ...

    def info(self) -> IndexInfo: ...


class Store(Protocol):
    """Read side: hands out views of the live index, and picks up a newly published one."""

    @property
    def model(self) -> str:
        """The embedding model of the live index (the query encoder must match it)."""
        ...

    def refresh(self) -> bool:
        """Switch to a newer generation if one was published; True if it did."""
        ...

    def pinned(self) -> ContextManager[StoreView]:
        """A view of the current generation for all the reads of one request, kept open (and not
        closed under the request by a newer generation) until the block ends."""
        ...

    def close(self) -> None: ...


class StoreWriter(Protocol):
    """Write side: one writer at a time, changes published all at once."""

    live: str  # the generation readers see now ("" before the first commit)
    # Does commit() keep DocUpdate.sentences (the embedded store does; Milvus does not, and its
    # pages encode their excerpts' sentences): the indexer embeds them only then.
    keeps_sentences: bool

    def documents(self) -> dict[str, DocRecord]: ...

    def lacks_lexicon(self) -> bool:
        """The live generation has no lexicon (:mod:`.lexicon`; written before lexicons) though
        this store keeps one: the indexer then commits even with nothing else to change."""
        ...

    def known_vectors(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The live index's vectors of these unit keys (:func:`minsearch.encode.unit_keys`), so that
        text embedded before is not embedded again (a changed chunker or index format reads every
        document again; an edited meeting changes a few of its paragraphs): a boolean mask of the
        keys found, and their vectors in order. A store that keeps no keys finds none."""
        ...

    def commit(
        self,
        upserts: list[DocUpdate],
        deletes: list[str],
        progress: Optional[Callable[[str], None]] = None,
        embed_words: Optional[Embed] = None,
    ) -> IndexInfo:
        """Publish a new generation; ``embed_words`` embeds its lexicon's new words (a store that
        keeps no word list ignores it)."""
        ...

    def close(self) -> None: ...
