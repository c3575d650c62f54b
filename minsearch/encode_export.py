"""The ONNX export of a packaged BERT model, written from its weights without torch.

``torch.onnx.export`` needed torch and sentence-transformers imported (~8-14 s) before the first
build could embed anything, and the build then embedded with torch (slower than ONNX Runtime).
The model is a plain BERT encoder (all-MiniLM-L6-v2: 6 layers, 12 heads, 384 wide), so its graph
is written here directly from ``model.safetensors`` and ``config.json`` with ``onnx.helper``: the
same inputs and output (``last_hidden_state``) as the torch export, so :class:`OnnxEncoder` runs
either. Tests check its vectors against sentence-transformers (cosine > 0.999).

:func:`write_export` writes the weights of the matrix products as int8 (:data:`QUANTIZE`), the
inputs of those products quantised to 8 bits token by token as they run: embedding runs 1.5-2.2x
faster than with float32, with vectors at cosine 0.997 (mean) of float32's, and a text's vector
does not depend on the texts batched with it (benchmarks/RESULTS.md, "Per-token int8").
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Optional

import numpy as np

# What a first build quantises to (None: float32). "int8": every weight matrix int8 (per output
# channel), all 36 of the six layers, each product's input quantised with one scale for the whole
# batch, as ONNX Runtime's quantize_dynamic does. Measured on 2,000 Kent and Limerick units with two
# threads, alternating with float32 on a 2-core machine: 1.64-2.22x float32's units/s (median
# 1.77x over three runs), cosine with float32 0.9923 mean, 0.982 min. Judged hybrid nDCG@10 moved
# by +0.0005 on the mean of nine sets (chunker 11, no set -0.01). A whole build: results/build.md.
# Measured and not taken (benchmarks/results/int8-partial.md): int8 on only some products stayed
# at 1.1-1.5x; uint8 weights 1.1x; reduce_range 1.5x and farther from float32; SmoothQuant before
# int8 (cosine 0.997) 1.65x but London Ontario's hybrid lost 0.014.
# "int8-token" (what a build writes): the same weights, each token's input quantised with its own
# scale. One scale per batch made a paragraph's vector depend on its batch (cosine 0.992 mean, 0.980
# worst, to its vector alone; the loudest paragraph of a batch coarsened the others), so a rebuild
# moved judged figures by up to ~0.01 per corpus and a query (always alone) met paragraphs quantised
# more coarsely than itself. Per token: cosine 1.0 to the vector alone, 0.9972 mean / 0.990 min to
# float32's (per batch 0.9923 / 0.975), at the same speed (2,000 units, two runs of 6 rounds
# alternating with float32: 1.55x and 1.58x its units/s, against 1.58x and 1.57x; a query alone
# 1.02 ms against 0.94; RESULTS.md, "Per-token int8").
QUANTIZE: Optional[str] = "int8-token"


def bert_graph(model_dir: Path, quantize: Optional[str] = None) -> Any:
    """The ONNX model (``onnx.ModelProto``) of the BERT encoder in ``model_dir``: inputs
    ``input_ids``, ``attention_mask``, ``token_type_ids`` (int64, [batch, seq]); output
    ``last_hidden_state`` (float32, [batch, seq, hidden]).

    ``quantize="int8"``: every weight matrix int8, written here as ONNX Runtime's dynamic
    quantisation (``quantize_dynamic``, per output channel, symmetric QInt8 weights) would rewrite
    the float32 graph: its input quantised once per tensor (``DynamicQuantizeLinear``, shared by the
    products reading it), ``MatMulInteger``, then the int32 product times the two scales. The same
    weights, scales and nodes, without saving and re-reading the float32 graph (~2.5 s less).

    ``quantize="int8-token"``: the same int8 weights; each product's input is quantised row by row,
    one symmetric scale per token (``QuantizeLinear`` per axis), so a token's products depend on
    its own activations only, never on the other texts or the padding of its batch."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if cfg.get("model_type") != "bert" or cfg.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{model_dir}: not a plain BERT model")
    w = load_file(str(model_dir / "model.safetensors"))
    w = {k.removeprefix("bert."): v for k, v in w.items()}
    hidden, heads = int(cfg["hidden_size"]), int(cfg["num_attention_heads"])
    head = hidden // heads
    eps = float(cfg.get("layer_norm_eps", 1e-12))
    inits: list = []
    nodes: list = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], out: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    if quantize not in (None, "int8", "int8-token"):
        raise ValueError(f"quantize: unknown {quantize!r}")
    dynamic: dict[str, tuple[str, str, str]] = {}  # input -> its quantised form, scale and zero point

    def matmul_int8(x: str, weight: np.ndarray, name: str, out: str) -> str:
        # Symmetric per output channel, int8 in [-127, 127], zero point 0 (as quantize_dynamic).
        absmax = np.maximum(np.abs(weight.min(axis=0)), np.abs(weight.max(axis=0))).astype(np.float32)
        scale = ((absmax + absmax) / np.float32(254)).astype(np.float32)
        safe = np.where(scale == 0, np.float32(1), scale)
        q = np.clip(np.round(weight.astype(np.float32) / safe), -127, 127).astype(np.int8)
        wq, ws = const(f"{name}_quantized", q), const(f"{name}_scale", scale)
        wz = const(f"{name}_zero_point", np.zeros(scale.shape, dtype=np.int8))
        if x not in dynamic:
            dynamic[x] = per_token(x, int(weight.shape[0])) if quantize == "int8-token" else per_tensor(x)
        xq, xs, xz = dynamic[x]
        i32 = node("MatMulInteger", [xq, wq, xz, wz], f"{out}_quant")
        f = node("Cast", [i32], f"{out}_quant_cast", to=TensorProto.FLOAT)
        if quantize == "int8-token":
            # The weights' scales first: ONNX Runtime fuses MatMulInteger, Cast and a Mul by one
            # scale into MatMulIntegerToFloat, which reads the input's scale as a single number.
            return node("Mul", [node("Mul", [f, ws], f"{out}_quant_w"), xs], out)
        return node("Mul", [f, node("Mul", [xs, ws], f"{out}_quant_scales")], out)

    def per_tensor(x: str) -> tuple[str, str, str]:
        # uint8 with one scale and zero point for the whole input (DynamicQuantizeLinear).
        outs = [f"{x}_quantized", f"{x}_scale", f"{x}_zero_point"]
        nodes.append(helper.make_node("DynamicQuantizeLinear", [x], outs, name=f"{x}_QuantizeLinear"))
        return outs[0], outs[1], outs[2]

    def per_token(x: str, width: int) -> tuple[str, str, str]:
        # Symmetric, one scale per token (max |x| of its row / 127), stored as uint8 around 128:
        # QuantizeLinear's per-axis form over the rows of [tokens, width], then back to x's shape.
        amax = node("ReduceMax", [node("Abs", [x], f"{x}_abs")], f"{x}_absmax", axes=[-1], keepdims=1)
        scale = node(
            "Div", [node("Max", [amax, f32("f_tiny", 1e-12)], f"{x}_range"), f32("f_127", 127.0)], f"{x}_scale"
        )
        rows = node("Reshape", [x, i64(f"rows_of_{width}", [-1, width])], f"{x}_rows")
        row_scale = node("Reshape", [scale, i64("flat", [-1])], f"{x}_row_scale")
        middle = const("u8_128", np.array(128, dtype=np.uint8))
        zero = node("Expand", [middle, node("Shape", [row_scale], f"{x}_n_rows")], f"{x}_row_zero")
        q = node("QuantizeLinear", [rows, row_scale, zero], f"{x}_row_quantized", axis=0)
        return node("Reshape", [q, node("Shape", [x], f"{x}_shape")], f"{x}_quantized"), scale, middle

    def linear(x: str, prefix: str, out: str, scale: float = 1.0) -> str:
        # torch's Linear stores [out, in]; MatMul wants [in, out].
        weight = (w[f"{prefix}.weight"].T * scale).astype(np.float32)
        b = const(f"{prefix}.bias", (w[f"{prefix}.bias"] * scale).astype(np.float32))
        if quantize:
            return node("Add", [matmul_int8(x, weight, f"{prefix}.weight", f"{out}/mm"), b], out)
        return node("Add", [node("MatMul", [x, const(f"{prefix}.weight", weight)], f"{out}/mm"), b], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        g, b = const(f"{prefix}.weight", w[f"{prefix}.weight"]), const(f"{prefix}.bias", w[f"{prefix}.bias"])
        return node("LayerNormalization", [x, g, b], out, axis=-1, epsilon=eps)

    i64 = lambda name, v: const(name, np.asarray(v, dtype=np.int64))  # noqa: E731
    f32 = lambda name, v: const(name, np.asarray(v, dtype=np.float32))  # noqa: E731

    # Embeddings: word + position + token type, then LayerNorm.
    word = node("Gather", [const("word_embeddings", w["embeddings.word_embeddings.weight"]), "input_ids"], "emb/word")
    shape = node("Shape", ["input_ids"], "emb/shape")
    seq = node("Slice", [shape, i64("one", [1]), i64("two", [2])], "emb/seq")  # [seq], 1-D
    table = const("position_embeddings", w["embeddings.position_embeddings.weight"])
    pos = node("Slice", [table, i64("zero", [0]), seq, i64("zero", [0])], "emb/pos")  # rows 0..seq-1
    types = node(
        "Gather",
        [const("token_type_embeddings", w["embeddings.token_type_embeddings.weight"]), "token_type_ids"],
        "emb/type",
    )
    summed = node("Add", [node("Add", [word, pos], "emb/wp"), types], "emb/sum")
    x = layer_norm(summed, "embeddings.LayerNorm", "emb/out")

    # Padding: a large negative score before the softmax, [batch, 1, 1, seq].
    m = node("Cast", ["attention_mask"], "mask/float", to=TensorProto.FLOAT)
    m = node("Unsqueeze", [m, i64("mask_axes", [1, 2])], "mask/4d")
    mask_bias = node("Mul", [node("Sub", [f32("f_one", 1.0), m], "mask/inv"), f32("f_neg", -10000.0)], "mask/bias")

    split = i64("split_heads", [0, 0, heads, head])
    merge = i64("merge_heads", [0, 0, hidden])
    for n in range(int(cfg["num_hidden_layers"])):
        p = f"encoder.layer.{n}"
        # 1/sqrt(head) is folded into the query weights.
        q = linear(x, f"{p}.attention.self.query", f"l{n}/q", scale=1.0 / math.sqrt(head))
        k = linear(x, f"{p}.attention.self.key", f"l{n}/k")
        v = linear(x, f"{p}.attention.self.value", f"l{n}/v")
        q = node("Transpose", [node("Reshape", [q, split], f"l{n}/q4")], f"l{n}/qt", perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [k, split], f"l{n}/k4")], f"l{n}/kt", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [v, split], f"l{n}/v4")], f"l{n}/vt", perm=[0, 2, 1, 3])
        scores = node("Add", [node("MatMul", [q, k], f"l{n}/qk"), mask_bias], f"l{n}/scores")
        probs = node("Softmax", [scores], f"l{n}/probs", axis=-1)
        ctx = node("Transpose", [node("MatMul", [probs, v], f"l{n}/ctx4")], f"l{n}/ctxt", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, merge], f"l{n}/ctx")
        attn = linear(ctx, f"{p}.attention.output.dense", f"l{n}/attn")
        x = layer_norm(node("Add", [attn, x], f"l{n}/res1"), f"{p}.attention.output.LayerNorm", f"l{n}/ln1")
        h = linear(x, f"{p}.intermediate.dense", f"l{n}/inter")
        # GELU (erf form, as BERT): h * 0.5 * (1 + erf(h / sqrt 2))
        erf = node("Erf", [node("Div", [h, f32("sqrt2", math.sqrt(2.0))], f"l{n}/hs")], f"l{n}/erf")
        gate = node("Mul", [node("Add", [erf, f32("f_one", 1.0)], f"l{n}/erf1"), f32("half", 0.5)], f"l{n}/gate")
        h = node("Mul", [h, gate], f"l{n}/gelu")
        out = linear(h, f"{p}.output.dense", f"l{n}/out")
        x = layer_norm(node("Add", [out, x], f"l{n}/res2"), f"{p}.output.LayerNorm", f"l{n}/ln2")
    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="last_hidden_state"))

    seen: dict[str, Any] = {}
    for t in inits:  # constants shared by every layer are written once
        seen.setdefault(t.name, t)
    ints = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"]) for n in _INPUTS]
    out_info = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", hidden])
    graph = helper.make_graph(nodes, "bert", ints, [out_info], list(seen.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="minsearch")
    onnx.checker.check_model(model)
    if quantize:
        # With the tensors' shapes recorded (as quantize_dynamic leaves them), ONNX Runtime picks
        # the same fused int8 kernels as for quantize_dynamic's graph: the same vectors (difference
        # 0.0); without them other kernels, vectors up to 0.017 apart (0.3 s here).
        model = onnx.shape_inference.infer_shapes(model)
    return model


_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def write_export(model_dir: Path, dest: Path, tmp: Path, quantize: Optional[str] = QUANTIZE) -> None:
    """Write the ONNX graph of the model in ``model_dir`` to ``tmp`` (in ``dest``), quantised when
    asked (:func:`bert_graph`); the caller renames it into place. No torch is imported."""
    import onnx

    onnx.save(bert_graph(model_dir, quantize), str(tmp))


def export_info(quantize: Optional[str]) -> dict:
    """What ``encoder.json`` records of how the export was made."""
    return {"exporter": "minsearch", "weights": quantize or "float32"}
