"""The all-MiniLM-L6-v2 (BERT) forward pass written out as an ONNX graph from the installed weights.

The graph computes what `transformers.BertModel` computes (`torch.onnx.export` of it was the earlier export),
with one difference in layout: the linear layers (query/key/value, attention output, feed-forward) and the
layer norms run over the batch's **tokens only**, packed one text after another, and only attention works
on the padded [texts, length] layout it needs. A question and its aspect were padded to the longer of the
two (48 token rows for 40 tokens on generated questions) and the index's batches of 64 texts to their
longest; the linear layers are ~70% of the encoder's time.

The vectors are bitwise those of the earlier export (checked on 493 question/aspect batches, the corpus's
469 chunks and sentences, and every suite's answers by bench/identical.py): every op is the one
onnxruntime ran there after its own fusions (MatMul then bias Add, FusedMatMul with the scale torch's SDPA
export applied, the -inf key mask, Softmax, BiasGelu, LayerNormalization), a token's row comes out of the
same GEMM kernels whatever rows surround it, and attention sees the same padded tensors.

The word embedding table (30,522 x 384 floats, 45 MB) is not in the graph: it is written to a file of its
own and the encoder reads the rows a batch needs (`WordTable`), so the table stays in the page cache,
shared by the workers, instead of in each worker's memory (onnxruntime keeps initializers resident).

Inputs, for B texts of at most S tokens and T tokens in all (see `MiniLMOnnxEncoder._hidden`):
    token_embeddings [1, T, hidden]  the word embedding rows of the texts' tokens, packed
    position_ids [1, T]              each token's position in its text
    attention_mask [B, S]            1 for a token, 0 for padding
    pad_index [B, S]                 for each padded slot, the row of its token in the packed rows (0: padding)
    unpad_index [T]                  for each packed token, its slot in the flattened [B * S] layout
Output: last_hidden_state [B, S, hidden] in the padded layout (padding rows hold a copy of some token's
row; mean pooling masks them out).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

# recorded in the model's metadata; `MiniLMOnnxEncoder` and the tests check it
LAYOUT = "packed-tokens/padded-attention"
INPUTS = ("token_embeddings", "position_ids", "attention_mask", "pad_index", "unpad_index")


def minilm_graph(model_dir: Path) -> tuple[Any, np.ndarray]:
    """The `onnx.ModelProto` of the BERT model in `model_dir` (config.json, model.safetensors) and its word
    embedding table, which the graph takes rows of as its input."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    cfg = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if cfg.get("hidden_act") != "gelu" or cfg.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{model_dir}: not a BERT encoder this export knows (gelu, absolute positions)")
    w = load_file(str(model_dir / "model.safetensors"))
    hidden, heads, layers = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
    head_size, eps = hidden // heads, cfg["layer_norm_eps"]
    nodes: list[Any] = []
    initializers: list[Any] = []

    def const(name: str, array: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op: str, inputs: list[str], out: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, domain=domain, **attrs))
        return out

    def linear(x: str, prefix: str, out: str) -> str:  # x @ W.T + b, as two ops (a Gemm would add b first)
        product = node("MatMul", [x, const(f"{prefix}.weight.T", w[f"{prefix}.weight"].T)], f"{out}.matmul")
        return node("Add", [const(f"{prefix}.bias", w[f"{prefix}.bias"]), product], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, const(f"{prefix}.weight", w[f"{prefix}.weight"]),
                                           const(f"{prefix}.bias", w[f"{prefix}.bias"])], out, axis=-1, epsilon=eps)

    first = const("axis0", np.array([0], dtype=np.int64))
    heads_shape = const("heads_shape", np.array([0, 0, heads, head_size], dtype=np.int64))  # [B, S, heads, size]
    rows_shape = const("rows_shape", np.array([-1, hidden], dtype=np.int64))  # [B * S, hidden]
    # embeddings: (word + token type 0) + position, as BertEmbeddings adds them
    e = "embeddings"
    x = node("Add", ["token_embeddings", const(f"{e}.type0", w[f"{e}.token_type_embeddings.weight"][0])], "emb.type")
    positions = node("Gather", [const(f"{e}.position", w[f"{e}.position_embeddings.weight"]), "position_ids"],
                     "emb.position")
    x = layer_norm(node("Add", [x, positions], "emb.sum"), f"{e}.LayerNorm", "emb")
    # additive key mask [B, 1, 1, S]: 0 on a text's tokens, -inf on padding
    keep = node("Cast", [node("Unsqueeze", ["attention_mask", const("axes12", np.array([1, 2], dtype=np.int64))],
                              "mask.4d")], "mask.keep", to=TensorProto.BOOL)
    mask = node("Where", [keep, const("zero", np.array([0.0], dtype=np.float32)),
                          const("minus_inf", np.array([-np.inf], dtype=np.float32))], "mask")
    # torch's SDPA export scales query and key by sqrt(1/sqrt(size)) each; onnxruntime folded both into one
    # FusedMatMul factor, computed in float32 (one ulp off 1/sqrt(size)): the same factor keeps vectors bitwise
    root = np.float32(math.sqrt(np.float32(head_size**-0.5)))
    alpha = float(root * root)
    def padded(x: str, p: str, name: str, perm: list[int]) -> str:  # [B, heads, S, size] (key: [B, heads, size, S])
        y = linear(x, f"{p}.attention.self.{name}", f"{p}.{name}")
        y = node("Gather", [node("Squeeze", [y, first], f"{p}.{name}.rows"), "pad_index"], f"{p}.{name}.padded")
        return node("Transpose", [node("Reshape", [y, heads_shape], f"{p}.{name}.heads")], f"{p}.{name}.t", perm=perm)

    for i in range(layers):
        p = f"encoder.layer.{i}"
        query, key = padded(x, p, "query", [0, 2, 1, 3]), padded(x, p, "key", [0, 2, 3, 1])
        value = padded(x, p, "value", [0, 2, 1, 3])
        scores = node("FusedMatMul", [query, key], f"{p}.scores", domain="com.microsoft", alpha=alpha)
        probs = node("Softmax", [node("Add", [scores, mask], f"{p}.masked")], f"{p}.probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, value], f"{p}.context")], f"{p}.context.t",
                       perm=[0, 2, 1, 3])
        context = node("Reshape", [context, rows_shape], f"{p}.context.rows")
        context = node("Unsqueeze", [node("Gather", [context, "unpad_index"], f"{p}.context.tokens"), first],
                       f"{p}.context.packed")
        attended = node("Add", [linear(context, f"{p}.attention.output.dense", f"{p}.attention"), x],
                        f"{p}.attention.residual")
        attended = layer_norm(attended, f"{p}.attention.output.LayerNorm", f"{p}.attention.norm")
        dense = f"{p}.intermediate.dense"
        inner = node("MatMul", [attended, const(f"{dense}.weight.T", w[f"{dense}.weight"].T)],
                     f"{p}.intermediate.matmul")
        # bias + erf GELU in one op, as onnxruntime fused BertIntermediate's Add and GELU
        inner = node("BiasGelu", [inner, const(f"{dense}.bias", w[f"{dense}.bias"])], f"{p}.intermediate",
                     domain="com.microsoft")
        out = node("Add", [linear(inner, f"{p}.output.dense", f"{p}.output"), attended], f"{p}.output.residual")
        x = layer_norm(out, f"{p}.output.LayerNorm", f"{p}.hidden")
    node("Gather", [node("Squeeze", [x, first], "hidden.rows"), "pad_index"], "last_hidden_state")

    i64 = TensorProto.INT64
    graph = helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("token_embeddings", TensorProto.FLOAT, [1, "tokens", hidden]),
         helper.make_tensor_value_info("position_ids", i64, [1, "tokens"]),
         helper.make_tensor_value_info("attention_mask", i64, ["texts", "length"]),
         helper.make_tensor_value_info("pad_index", i64, ["texts", "length"]),
         helper.make_tensor_value_info("unpad_index", i64, ["tokens"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["texts", "length", hidden])],
        initializers)
    model = helper.make_model(graph, producer_name="roleqa",
                              opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    helper.set_model_props(model, {"roleqa.layout": LAYOUT})
    onnx.checker.check_model(model)
    return model, np.ascontiguousarray(w[f"{e}.word_embeddings.weight"], dtype=np.float32)


class WordTable:
    """Rows of a word embedding table saved with `np.save`, read from the file as needed (`os.pread`).

    A question reads its ~30 distinct tokens' rows (1.5 KB each, ~30 us); the file's pages stay in the
    page cache, shared by all workers, instead of 45 MB in each worker's RSS. (Memory-mapping it is no
    better: the kernel maps 64 KB around every page touched, ~30 MB of it after 1,000 questions.)
    """

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        version = np.lib.format.read_magic(self._file)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran_order, dtype = read_header(self._file)
        if len(shape) != 2 or fortran_order or dtype != np.dtype("<f4"):
            raise ValueError(f"{path}: not a float32 [vocabulary, hidden] table")
        self.shape: tuple[int, int] = shape
        self._offset = self._file.tell()
        self._row_bytes = shape[1] * 4

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """The rows of `ids` (any shape), as an array of shape ids.shape + (hidden,)."""
        unique, inverse = np.unique(ids, return_inverse=True)
        fd, size, start = self._file.fileno(), self._row_bytes, self._offset
        data = b"".join(os.pread(fd, size, start + int(i) * size) for i in unique)
        if len(data) != size * len(unique):
            raise ValueError(f"{self._file.name}: short read (file truncated?)")
        return np.frombuffer(data, dtype=np.float32).reshape(len(unique), -1)[inverse.reshape(ids.shape)]
