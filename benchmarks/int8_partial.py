"""Partly-int8 encoders (issue 16, target 3): which MatMuls can be quantised to int8 while the
vectors stay close to float32's and the build still embeds much faster.

    python -m benchmarks.int8_partial sample --out DIR       # embedding units of Kent + Limerick
    python -m benchmarks.int8_partial export --out DIR [--only a,b]  # one ONNX folder per candidate
    python -m benchmarks.int8_partial speed --out DIR [--rounds 2] [--only a,b]
    python -m benchmarks.int8_partial quality --out DIR --only int8,float32 --corpora limerick,cisi,... [--batch 16]

"int8-token" (as an ``--only`` name) is the export a build writes, "int8" the one builds wrote
before 2026-12-04 (one scale per batch), "float32" the float32 one (``minsearch.encode.
write_onnx_export`` with that ``quantize``, or None). ``quality``'s
``--corpora`` takes the judged minutes corpora (seeds, kent, london-ontario, cleveland, limerick)
and the IR sets (msmarco-5k, dbpedia-5k, cisi, cranfield); every index is built by the named export
(no embedding cache), so its paragraphs, probes and queries are all embedded by that graph.

Each candidate is the float32 graph of ``minsearch.encode_export.bert_graph`` passed through ONNX
Runtime's ``quantize_dynamic`` with only some MatMul nodes named (``nodes_to_quantize``). Speed:
every candidate embeds the same units, alternating with float32 in one process, two intra-op
threads (as the build); cosine: each unit's vector against float32's, and against its own vector
embedded alone.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import random
import shutil
import time
from pathlib import Path
from typing import Optional

import numpy as np

MODEL = "all-MiniLM-L6-v2"
LAYERS = range(6)
WEIGHTS = ("q", "k", "v", "attn", "inter", "out")  # the weight MatMuls of a layer: node l{n}/{w}/mm


def mm(layers, weights) -> list[str]:
    return [f"l{n}/{w}/mm" for n in layers for w in weights]


# name -> (MatMul nodes quantised, quantize_dynamic keyword arguments)
CANDIDATES: dict[str, tuple[list[str], dict]] = {
    "int8-all": (mm(LAYERS, WEIGHTS), {}),
    "int8-all-rr": (mm(LAYERS, WEIGHTS), {"reduce_range": True}),
    "int8-all-u8w": (mm(LAYERS, WEIGHTS), {"weight_type": "QUInt8"}),
    "int8-ffn": (mm(LAYERS, ("inter", "out")), {}),
    "int8-sq5": (mm(LAYERS, WEIGHTS), {"smooth": 0.5}),
    "int8-sq8": (mm(LAYERS, WEIGHTS), {"smooth": 0.8}),
    "int8-sq3": (mm(LAYERS, WEIGHTS), {"smooth": 0.3}),
    "int8-sq8p": (mm(LAYERS, WEIGHTS), {"smooth": 0.8, "calib": "probes"}),
    "int8-sq7p": (mm(LAYERS, WEIGHTS), {"smooth": 0.7, "calib": "probes"}),
    "int8-sq7": (mm(LAYERS, WEIGHTS), {"smooth": 0.7}),
    "int8-sq9": (mm(LAYERS, WEIGHTS), {"smooth": 0.9}),
    "int8-sq10": (mm(LAYERS, WEIGHTS), {"smooth": 1.0}),
    "int8-inter": (mm(LAYERS, ("inter",)), {}),
    "int8-no-out": (mm(LAYERS, ("q", "k", "v", "attn", "inter")), {}),
    "int8-no-attn": (mm(LAYERS, ("attn", "inter", "out")), {}),
    "int8-qkv-inter": (mm(LAYERS, ("q", "k", "v", "inter")), {}),
    "int8-mid": (mm(range(1, 5), WEIGHTS), {}),
    "int8-no-last": (mm(range(0, 5), WEIGHTS), {}),
    "int8-no-first": (mm(range(1, 6), WEIGHTS), {}),
}


# The exports a build writes: name -> write_onnx_export's quantize.
PRODUCT: dict[str, Optional[str]] = {"int8": "int8", "int8-token": "int8-token"}


def calibration_texts(n: int = 256, seed: int = 1) -> list[str]:
    """Units the smoothing scales are measured on: Cleveland records 13-40 (not in the judged
    Cleveland index, which is the first 12 records, nor in the cosine sample)."""
    from minsearch.encode import embedding_units, load_tokenizer, model_spec
    from minsearch.ingest.chunker import chunk_document
    from minsearch.ingest.readers import SourceFile, read_source

    path = Path("/work/corpora/cleveland-all.jsonl")
    tok = load_tokenizer(model_spec(MODEL))
    units: list[str] = []
    for d in read_source(SourceFile(path, path.parent))[12:40]:
        units += embedding_units(chunk_document(d), tok)[0]
    return random.Random(seed).sample(units, n)


def probe_texts() -> list[str]:
    """What ships in the package: the off-topic probe queries and the glossary's lines."""
    from importlib import resources

    from minsearch.searching.calibration import probe_queries

    gloss = resources.files("minsearch").joinpath("data", "glossary.tsv").read_text(encoding="utf-8")
    return probe_queries() + [
        " ".join(line.split("\t")) for line in gloss.splitlines() if line.strip() and not line.startswith("#")
    ]


def measure_maxima(graph, texts: list[str]) -> dict[str, np.ndarray]:
    """The largest |value| of each channel of each weight product's input over ``texts``, each
    run alone (no padding), from the float32 graph."""
    import onnx
    import onnxruntime as ort
    from onnx import helper
    from tokenizers import Tokenizer

    from minsearch.encode import MAX_PIECES, model_spec

    inits = {t.name for t in graph.graph.initializer}
    names = list(dict.fromkeys(n.input[0] for n in graph.graph.node if n.op_type == "MatMul" and n.input[1] in inits))
    probe = onnx.ModelProto()
    probe.CopyFrom(graph)
    for x in names:
        probe.graph.output.append(helper.make_tensor_value_info(x, onnx.TensorProto.FLOAT, None))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(probe.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(model_spec(MODEL).path() / "tokenizer.json"))
    tok.enable_truncation(MAX_PIECES)
    amax: dict[str, np.ndarray] = {}
    for t in texts:
        ids = np.asarray([tok.encode(t).ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        for x, v in zip(names, sess.run(names, feeds)):
            m = np.abs(v.reshape(-1, v.shape[-1])).max(axis=0)
            amax[x] = np.maximum(amax[x], m) if x in amax else m
    return amax


def smooth_graph(graph, act_max: dict[str, np.ndarray], alpha: float):
    """SmoothQuant (Xiao et al., 2023) on the weight products of ``graph``: each product's input X
    is divided per channel by s (one Mul per input, shared by query, key and value) and its weight
    rows multiplied by s, so X @ W is unchanged in float32; s = max|X|^alpha / max|W|^(1 - alpha).
    Dynamic quantisation gives an activation one scale per tensor; a few of BERT's activation
    channels are many times larger than the rest, and smoothing moves that range into the weights,
    which are quantised per output channel."""
    from onnx import helper, numpy_helper

    g = graph.graph
    inits = {t.name: t for t in g.initializer}
    groups: dict[str, list] = {}
    for node in g.node:
        if node.op_type == "MatMul" and node.input[1] in inits:
            groups.setdefault(node.input[0], []).append(node)
    nodes = []
    for node in g.node:
        x = node.input[0]
        if x in groups and node is groups[x][0]:  # before the first product that reads x
            ws = [numpy_helper.to_array(inits[n.input[1]]) for n in groups[x]]
            wmax = np.max([np.abs(w).max(axis=1) for w in ws], axis=0)
            s = np.maximum(act_max[x], 1e-5) ** alpha / np.maximum(wmax, 1e-5) ** (1 - alpha)
            s = np.clip(s, 1e-3, 1e3).astype(np.float32)
            for n, w in zip(groups[x], ws):
                inits[n.input[1]].CopyFrom(numpy_helper.from_array((w * s[:, None]).astype(np.float32), n.input[1]))
            inv = numpy_helper.from_array((1.0 / s).astype(np.float32), f"{x}/smooth_inv")
            g.initializer.append(inv)
            nodes.append(helper.make_node("Mul", [x, inv.name], [f"{x}/smoothed"], name=f"{x}/smooth"))
        if x in groups and node in groups[x]:
            node.input[0] = f"{x}/smoothed"
        nodes.append(node)
    del g.node[:]
    g.node.extend(nodes)
    return graph


def smoothed(model, texts: list[str], alpha: float, matmuls: list[str]):
    """:func:`smooth_graph` with maxima measured on ``texts``; every candidate smoothed quantises
    every weight product (``matmuls``)."""
    assert matmuls == mm(LAYERS, WEIGHTS)
    return smooth_graph(model, measure_maxima(model, texts), alpha)


def export(name: str, dest: Path) -> None:
    """Write candidate ``name`` (or "float32") as an index encoder folder in ``dest``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from minsearch.encode import model_spec
    from minsearch.encode_export import bert_graph

    spec = model_spec(MODEL)
    if name in PRODUCT:
        from minsearch.encode import write_onnx_export

        write_onnx_export(MODEL, dest, PRODUCT[name])
        return
    dest.mkdir(parents=True, exist_ok=True)
    model = bert_graph(spec.path())
    if name in CANDIDATES and CANDIDATES[name][1].get("smooth"):
        kw0 = CANDIDATES[name][1]
        texts = probe_texts() if kw0.get("calib") == "probes" else calibration_texts()
        model = smoothed(model, texts, kw0["smooth"], CANDIDATES[name][0])
    if name == "float32":
        onnx.save(model, str(dest / "model.onnx"))
    else:
        nodes, kw = CANDIDATES[name]
        kw = dict(kw)
        wt = getattr(QuantType, kw.pop("weight_type", "QInt8"))
        kw.pop("smooth", None)
        kw.pop("calib", None)
        plain = dest / "fp32.onnx"
        onnx.save(model, str(plain))
        logging.getLogger().setLevel(logging.ERROR)
        quantize_dynamic(
            str(plain),
            str(dest / "model.onnx"),
            weight_type=wt,
            per_channel=kw.pop("per_channel", True),
            op_types_to_quantize=["MatMul"],
            nodes_to_quantize=nodes,
            **kw,
        )
        plain.unlink()
    shutil.copyfile(spec.path() / "tokenizer.json", dest / "tokenizer.json")
    (dest / "encoder.json").write_text(
        json.dumps({"model": MODEL, "dim": spec.dim, "exporter": "minsearch", "weights": name})
    )


def sample(out: Path, per_corpus: int = 1000, seed: int = 0) -> list[str]:
    """``per_corpus`` embedding units from each of Kent and Limerick (its first 80 meetings), as the
    indexer embeds them; the corpora are read from ``$MINSEARCH_DATA``."""
    from minsearch.encode import embedding_units, load_tokenizer, model_spec
    from minsearch.ingest.chunker import chunk_document
    from minsearch.ingest.corpora import import_corpus
    from minsearch.ingest.readers import SourceFile, read_source

    tok = load_tokenizer(model_spec(MODEL))
    rng = random.Random(seed)
    texts: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    for name, limit in (("kent", None), ("limerick", 80)):
        path = out / f"{name}.jsonl"
        import_corpus(name, path, limit=limit)
        docs = read_source(SourceFile(path, path.parent))
        rng.shuffle(docs)
        units: list[str] = []
        for d in docs:
            units += embedding_units(chunk_document(d), tok)[0]
            if len(units) >= per_corpus * 5:
                break
        texts += rng.sample(units, min(per_corpus, len(units)))
    out.mkdir(parents=True, exist_ok=True)
    (out / "sample.json").write_text(json.dumps(texts))
    return texts


def speed(out: Path, names: list[str], rounds: int) -> dict:
    from minsearch.encode import OnnxEncoder

    texts = json.loads((out / "sample.json").read_text())
    encs = {n: OnnxEncoder(out / n, MODEL, threads=2) for n in ["float32", *names]}
    for e in encs.values():
        e.encode(texts[:64])  # warm up
    vecs: dict[str, np.ndarray] = {}
    rates: dict[str, list[float]] = {n: [] for n in encs}
    ratios: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for n in names:
            # float32 just before each candidate: a ratio of two neighbouring runs
            t = time.perf_counter()
            vf = encs["float32"].encode(texts)
            tf = time.perf_counter() - t
            t = time.perf_counter()
            vc = encs[n].encode(texts)
            tc = time.perf_counter() - t
            vecs["float32"], vecs[n] = vf, vc
            rates["float32"].append(len(texts) / tf)
            rates[n].append(len(texts) / tc)
            ratios[n].append(tf / tc)
            print(
                f"round {r + 1} {n:16s} float32 {len(texts) / tf:6.1f}/s  cand {len(texts) / tc:6.1f}/s  "
                f"ratio {tf / tc:.2f}  load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    query_ms = query_latency(out, names, rounds)
    res = {}
    for n in names:
        cos = (vecs[n] * vecs["float32"]).sum(axis=1)
        # The first 200 units embedded one at a time (as a query is) against the same units embedded
        # in the batches above: 1.0 when a text's vector does not depend on its batch.
        alone = np.vstack([encs[n].encode([t]) for t in texts[:200]])
        solo = (alone * vecs[n][:200]).sum(axis=1)
        res[n] = {
            "alone_cos_mean": float(solo.mean()),
            "alone_cos_min": float(solo.min()),
            "cos_mean": float(cos.mean()),
            "cos_min": float(cos.min()),
            "cos_p01": float(np.quantile(cos, 0.01)),
            "units_per_s": float(np.median(rates[n])),
            "float32_units_per_s": float(np.median(rates["float32"])),
            "ratio_median": float(np.median(ratios[n])),
            "ratios": ratios[n],
            "query_ms_median": float(np.median(query_ms[n])),
            "float32_query_ms_median": float(np.median(query_ms["float32"])),
        }
        print(n, json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in res[n].items()}), flush=True)
    return res


def query_latency(out: Path, names: list[str], rounds: int) -> dict[str, list[float]]:
    """Milliseconds to embed one judged query alone, with one thread (as a server worker does),
    each export in turn per round (the order reversed every other round); per export, one mean
    per round over all the judged minutes queries."""
    from minsearch.encode import OnnxEncoder

    from .common import JUDGED_MINUTES

    queries = [json.loads(line)["query"] for line in JUDGED_MINUTES.read_text().splitlines() if line.strip()]
    encs = {n: OnnxEncoder(out / n, MODEL, threads=1) for n in ["float32", *names]}
    for e in encs.values():
        for q in queries[:20]:
            e.encode([q])  # warm up
    ms: dict[str, list[float]] = {n: [] for n in encs}
    for r in range(rounds):
        for n in list(encs) if r % 2 == 0 else list(encs)[::-1]:
            t = time.perf_counter()
            for q in queries:
                encs[n].encode([q])
            ms[n].append((time.perf_counter() - t) / len(queries) * 1000)
    print("query ms per round:", json.dumps({n: [round(x, 3) for x in v] for n, v in ms.items()}), flush=True)
    return ms


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["sample", "export", "speed", "quality"])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--corpora", default="seeds,kent,london-ontario,cleveland")
    ap.add_argument("--batch", type=int, default=0, help="quality: embed in batches of N (a build's: 32)")
    a = ap.parse_args()
    names = [n for n in a.only.split(",") if n] or list(CANDIDATES)
    if a.what == "export" and a.only:
        names = [n for n in a.only.split(",") if n]
    if a.what == "sample":
        print(len(sample(a.out)), "units")
    elif a.what == "export":
        for n in dict.fromkeys(["float32", *names]):
            if not (a.out / n / "model.onnx").is_file():
                export(n, a.out / n)
                print("exported", n, flush=True)
    elif a.what == "quality":
        for n in names:
            quality(a.out, n, set(a.corpora.split(",")), a.batch)
    else:
        res = speed(a.out, names, a.rounds)
        old = json.loads((a.out / "speed.json").read_text()) if (a.out / "speed.json").is_file() else {}
        (a.out / "speed.json").write_text(json.dumps({**old, **res}, indent=1))


def quality(out: Path, name: str, corpora: set[str], batch: int = 0) -> dict:
    """nDCG@10 of the judged minutes sets with indexes built (and queried, and calibrated) by
    candidate ``name``: its own cache folder, the candidate's export in the index's encoder folder
    before the build, so the build, the probes and the queries all use it. ``batch``: embed the
    paragraphs in batches of that many texts instead of the build's 32, to see how much an export
    whose vectors depend on their batch ("int8") moves the figures by batching alone."""
    from minsearch import encode_export
    from minsearch.encode import OnnxEncoder

    from . import common

    name_out = f"{name}-b{batch}" if batch else name
    root = out / f"q-{name_out}"
    # The run changes three module globals (the batch size, the export a build writes, the cache
    # folder) and puts them back after, so one process can measure several candidates in turn.
    saved = OnnxEncoder.encode, encode_export.QUANTIZE, common.CACHE
    try:
        if batch:
            OnnxEncoder.encode = functools.partialmethod(OnnxEncoder.encode, batch_size=batch)  # type: ignore[method-assign,assignment]
        if name in PRODUCT or name == "float32":
            # A product export: the recipe, the index names and the benchmark export follow it.
            encode_export.QUANTIZE = PRODUCT.get(name)
        common.CACHE = root
        return _quality(out, name, name_out, root, corpora)
    finally:
        OnnxEncoder.encode, encode_export.QUANTIZE, common.CACHE = saved  # type: ignore[method-assign]


def _quality(out: Path, name: str, name_out: str, root: Path, corpora: set[str]) -> dict:
    from . import common, datasets
    from .quality import eval_ir_set, eval_minutes

    folder = common.export_folder(MODEL)
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out / name, folder)
    (out / "corpora").mkdir(exist_ok=True)
    if not (root / "corpora").exists():
        (root / "corpora").symlink_to((out / "corpora").resolve())  # converted corpora are shared
    data = Path(os.environ.get("MINSEARCH_DATA", "/work/shared/data"))
    sets = [c for c in corpora if c in datasets.LOADERS]
    minutes = corpora - set(sets)
    res: dict = {"corpora": {}, "sets": {}}
    if (out / f"quality-{name_out}.json").is_file():
        res = {"corpora": {}, "sets": {}, **json.loads((out / f"quality-{name_out}.json").read_text())}
    if minutes:
        got = eval_minutes(common.JUDGED_MINUTES, data, None, corpora=minutes, default_only=True, build_limerick=True)
        for c, r in got["corpora"].items():
            prefix = "limerick-100pct" if c == "limerick" else f"minutes-{c}"
            for home in root.glob(f"{prefix}-*-{common.recipe()}/index"):  # which graph embedded it
                r["encoder_weights"] = json.loads((home / "encoder" / MODEL / "encoder.json").read_text()).get(
                    "weights"
                )
            res["corpora"][c] = r
    for s in sets:
        r = eval_ir_set(datasets.LOADERS[s](data), None, smoke=True)
        home = Path(r["index"])
        r["encoder_weights"] = json.loads((home / "encoder" / MODEL / "encoder.json").read_text()).get("weights")
        res["sets"][s] = r
    (out / f"quality-{name_out}.json").write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()
