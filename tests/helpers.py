"""Helpers shared by the test modules (tests/ is on sys.path: ``from helpers import ...``)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

if TYPE_CHECKING:
    from minsearch.model import Chunk
    from minsearch.search import Searcher

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The quick suite's model: deterministic hashed words, no torch (minsearch.encode_hashing).
TEST_MODEL = "hashing-test"
# The real model, for the end-to-end (slow) tests of meaning.
REAL_MODEL = "all-MiniLM-L6-v2"
# The seeds' paragraphs about dental checks.
# The fields of one hit in --json and /api/search.
HIT_KEYS = {
    "rank",
    "score",
    "text",
    "chunk_id",
    "doc_id",
    "source",
    "title",
    "section",
    "kind",
    "paragraph",
    "council",
    "committee",
    "date",
    "citation",
    "item_ref",
    "item_number",
    "para_ref",
    "page",
    "url",
    "original",
    "motion",
    "moves",
    "also",
}

DENTAL = {
    "000_87bfe40191ebd6ef#p8",
    "001_23af7a714eb52c01#p7",
    "002_85a858a1c7ec9477#p19",
    "002_85a858a1c7ec9477#p20",
    "002_85a858a1c7ec9477#p23",
}


def ids(result) -> list[str]:
    """The chunk ids of a SearchResult's hits, in rank order."""
    return [h.chunk.chunk_id for h in result.hits]


def milvus_settings(server, home: Path, collection: Optional[str] = None, **kw):
    """Settings for an index in a collection (a fresh one unless named) on a test Milvus server."""
    from minsearch.config import load_settings

    return load_settings(
        index_dir=home,
        backend="milvus",
        milvus_uri=server.uri,
        milvus_collection=collection or f"t_{uuid.uuid4().hex[:12]}",
        **kw,
    )


class CountingEncoder:
    """An encoder that counts the texts it is asked to embed."""

    def __init__(self, enc) -> None:
        self.enc = enc
        self.name = enc.name
        self.dim = enc.dim
        self.texts: list[str] = []

    def encode(self, texts, **kw):
        self.texts.extend(texts)
        return self.enc.encode(texts, **kw)

    def export_onnx(self, dest):
        return self.enc.export_onnx(dest)


def make_chunk(doc: str, i: int, **fields) -> "Chunk":
    """Paragraph ``i`` of document ``doc``, every field a test does not name filled in."""
    from minsearch.model import Chunk

    values = dict(
        chunk_id=f"{doc}#p{i}",
        doc_id=doc,
        source="",
        title="t",
        section="minutes",
        paragraph=i,
        start=0,
        end=1,
        text=f"text {i}",
        council="",
        committee="",
        date="",
    )
    values.update(fields)
    return Chunk(**values)


def kept_sentences_match_the_texts(home) -> int:
    """Every paragraph of several sentences has its sentences' vectors kept, at their own spans;
    no other paragraph has any. Returns how many paragraphs have them."""
    import numpy as np

    from minsearch.config import load_settings
    from minsearch.ranking.snippets import focus_spans
    from minsearch.search import Searcher

    s = Searcher(load_settings(index_dir=home))
    try:
        with s.pinned() as view:
            chunks = [c for d in view.documents() for c in view.document_chunks(d)]
            kept = view.sentence_vectors(c.chunk_id for c in chunks)
            dim = view.info().dim
        for c in chunks:
            spans = focus_spans(c.text)
            if len(spans) < 2:
                assert c.chunk_id not in kept
            else:
                at, vecs = kept[c.chunk_id]
                assert [tuple(x) for x in at.tolist()] == spans and vecs.shape == (len(spans), dim)
                assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-2)
        return len(kept)
    finally:
        s.close()


@contextmanager
def minutes_searcher(tmp_path: Path, encoder, files: dict[str, str]) -> Iterator["Searcher"]:
    """A Searcher over a fresh index of ``files`` (name -> minutes text), written under ``tmp_path``."""
    from minsearch.config import load_settings
    from minsearch.indexer import index_paths
    from minsearch.search import Searcher

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    home = tmp_path / "ix"
    index_paths([docs], load_settings(index_dir=home, model=encoder.name), encoder=encoder)
    s = Searcher(load_settings(index_dir=home))
    try:
        yield s
    finally:
        s.close()
