"""Settings: one place for the index home, the model, the backend and the data path.

Every value has a default, can be set by an environment variable, and can be overridden by a
CLI option. Nothing here imports anything heavy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

# Offline by construction: there is no network at run time, and a hub lookup only wastes
# ~80 s before failing. Set before transformers / huggingface_hub are ever imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_MODEL = "all-MiniLM-L6-v2"
FUSIONS = ("rrf", "weighted")


def default_index_dir() -> Path:
    """``./index`` in the working directory: never inside site-packages, where an installed
    package lives (and where a user may not write)."""
    return Path.cwd() / "index"


def default_data_dir() -> Path:
    """``../shared/data`` from the working directory, where the shared corpora sit beside a
    checkout run from its top folder; anywhere else, set ``$MINSEARCH_DATA``."""
    return Path.cwd().parent / "shared" / "data"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration. Build with :func:`load_settings`; change with ``with_``."""

    index_dir: Path
    model: str = DEFAULT_MODEL
    backend: str = "embedded"  # "embedded" (Whoosh + NumPy) or "milvus"
    milvus_uri: str = "http://127.0.0.1:19530"
    milvus_collection: str = "minsearch"
    data_dir: Path = field(default_factory=default_data_dir)
    # Ranking defaults, chosen by leave-one-corpus-out in benchmarks/RESULTS.md (README "Ranking");
    # what each one does: minsearch.ranking.rank.RankParams.
    fusion: str = "weighted"
    rrf_k: int = 60
    alpha: float = 0.8  # weighted fusion: share of the semantic score (RESULTS.md: "The fusion default") ...
    exact_boost: float = 0.4  # ... less this for queries with numbers, codes, acronyms, names, quotes
    # ... and for a query the glossary's everyday wordings, searched by keyword, stand for this share
    # of (function words aside; above 1: never), which meaning then reads in the minutes' wording
    # too: "illegal dumping of rubbish" -> "fly-tipping", 2 of 3 (RESULTS.md: "A query in everyday words")
    everyday_lean: float = 0.5
    semantic_floor: float = 0.1  # cosine a paragraph found by meaning alone needs to count as a match ...
    relative_floor: float = 0.3  # ... and within this of the query's best cosine
    min_coverage: float = 0.4  # share of the query a keyword hit must contain to count as a match ...
    relative_coverage: float = 1.0  # ... or this share of the best hit's coverage, whichever is lower ...
    match_words: int = 2  # ... or, in a longer query, the weight of this many of its words
    confident_floor: float = 0.5  # the query has matches only if some paragraph is this close in meaning
    # (on an index that can be measured: closer than the off-topic probes get, this quantile of them plus this) ...
    confident_quantile: float = 0.75
    confident_margin: float = 0.1
    meaning_gap: float = 0.2  # (measured indexes) a paragraph found by meaning alone: at most this below the bar
    # ... and, for a query that is only a name, code, number, acronym or quote, at most this below the
    # bar unless it is in the agenda item of a paragraph holding the query's words (below 0: off;
    # benchmarks/RESULTS.md: no recall@10 lost at 0 on any corpus, "EHCP" 39 -> 22 matches on Kent)
    exact_gap: float = 0.0
    # ... and, for any other hybrid query, at most this below the bar unless it is in the agenda item
    # of a paragraph holding enough of the query's words or within this of the bar itself (below 0:
    # off, the default: the strictest gap costing the judged minutes nothing, 0.15, removes 5-10% of
    # the subjects' meaning-only matches and costs DBpedia 0.006 nDCG@10; RESULTS.md, "A floor for
    # meaning alone when a query names a subject"). For stricter counts through the Python API.
    topic_gap: float = -1.0
    confident_coverage: float = 0.6  # ... or contains this share of the query ...
    confident_words: int = 3  # ... or, in a longer query, the weight of this many of its words ...
    joint_floor: float = 0.45  # ... or both: a paragraph this close in meaning and ...
    joint_coverage: float = 0.4  # ... containing this share of the query (the same paragraph)
    procedure_penalty: int = 10  # places procedure moves down when a query is about procedure
    duplicate_jaccard: float = 0.8  # share of word pairs two paragraphs share to be the same text
    candidates: int = 200  # per view, before fusion; matches are counted and dated among these
    # Meaning feedback: the semantic view's order is that of the query moved this far toward the
    # mean of its first feedback_depth paragraphs (0: off); see minsearch.searching.candidates.
    feedback: float = 0.5
    feedback_depth: int = 3
    # A word of a short query that the index's minutes hardly use is also searched, by keyword, as
    # up to this many of the words they do use that are nearest it in meaning (0: off; hybrid
    # search only) ... (minsearch.searching.vocabulary.nearby_wordings)
    nearby_words: int = 3
    nearby_word_floor: float = 0.55  # ... at least this close (cosine) to the word alone ...
    nearby_query_floor: float = 0.3  # ... and this close to the whole query

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(**overrides) -> Settings:
    """Settings from the environment (``MINSEARCH_*``), then explicit overrides (None = unset)."""
    env = os.environ
    s = Settings(
        index_dir=Path(env.get("MINSEARCH_INDEX") or default_index_dir()),
        model=env.get("MINSEARCH_MODEL", DEFAULT_MODEL),
        backend=env.get("MINSEARCH_BACKEND", "embedded"),
        milvus_uri=env.get("MINSEARCH_MILVUS_URI", "http://127.0.0.1:19530"),
        milvus_collection=env.get("MINSEARCH_MILVUS_COLLECTION", "minsearch"),
        data_dir=Path(env.get("MINSEARCH_DATA") or default_data_dir()),
        # Set but empty: unset, as for the index and data; " rrf" from a careless export is "rrf".
        fusion=(env.get("MINSEARCH_FUSION") or "").strip() or "weighted",
    )
    overrides = {k: (Path(v) if k in ("index_dir", "data_dir") and v is not None else v) for k, v in overrides.items()}
    return s.with_(**overrides)
