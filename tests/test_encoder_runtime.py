"""The fp32 ONNX encoder against the sentence-transformers reference, and serving without torch."""

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from service.chunking import chunk_article
from service.corpus import load_corpus
from service.embedding import EARLIER_ONNX_FILES, ONNX_FILE, WORDS_FILE, ensure_onnx_model, load_encoder
from service.encoder_graph import INPUTS, LAYOUT, WordTable

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def texts() -> tuple[list[str], list[str]]:
    chunks = [c for a in load_corpus(ROOT / "corpus") for c in chunk_article(a)]
    questions = [json.loads(line)["turns"][0]["question"]
                 for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences = [c.text[s.start - c.start : s.end - c.start] for c in chunks for s in c.sentences]
    return [c.text for c in chunks] + sentences[:200] + questions, questions


def test_onnx_vectors_equal_sentence_transformers(real_encoder, texts) -> None:  # type: ignore[no-untyped-def]
    reference = load_encoder("minilm-torch")
    everything, questions = texts
    a, b = reference.encode(everything), real_encoder.encode(everything)
    assert real_encoder.runtime == "onnx-fp32" and real_encoder.name == reference.name
    assert len(everything) > 300
    assert float(np.abs(a - b).max()) <= 1e-5
    # identical top-10 rankings of the corpus's chunks for every dev question
    n_chunks = len(everything) - 200 - len(questions)
    chunks_a, chunks_b = a[:n_chunks], b[:n_chunks]
    for qa, qb in zip(reference.encode(questions), real_encoder.encode(questions), strict=True):
        assert (np.argsort(-(chunks_a @ qa))[:10] == np.argsort(-(chunks_b @ qb))[:10]).all()


def test_a_text_has_the_same_vector_alone_and_in_any_batch(real_encoder, texts) -> None:  # type: ignore[no-untyped-def]
    # the query-vector cache (Retriever._embed) keeps vectors by text, whatever they were batched with
    _, questions = texts
    alone = np.concatenate([real_encoder.encode([q]) for q in questions[:40]])
    pairs = np.concatenate([real_encoder.encode(questions[i : i + 2]) for i in range(0, 40, 2)])
    assert np.array_equal(alone, pairs)
    assert np.array_equal(alone[::-1], real_encoder.encode(questions[:40][::-1]))


def test_questions_reuse_the_encoders_buffers_and_a_long_batch_is_given_back(real_encoder, texts) -> None:  # type: ignore[no-untyped-def]
    """The onnxruntime arena: a question maps no fresh memory (no page faults), and a batch longer than any
    question does not stay resident; vectors are unchanged by either."""
    import resource

    from service.heap import pin_mmap_threshold

    pin_mmap_threshold()  # as a serving worker runs: without the arena every large tensor was a fresh mapping

    def rss_mb() -> float:
        return next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                    if line.startswith("VmRSS")) / 1024

    _, questions = texts
    pairs = [[q, q.split()[-1]] for q in questions[:40]]
    before = [real_encoder.encode(p) for p in pairs]  # also warms the arena up
    faults = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
    again = [real_encoder.encode(p) for p in pairs]
    faults = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - faults
    assert faults / len(pairs) < 30, f"{faults / len(pairs):.0f} page faults per question"  # ~300 without
    rss = rss_mb()
    long = "what does a chief revenue officer own that a vice president of sales does not " * 20
    real_encoder.encode([long, long + " and why"])  # 2 x 256 tokens: grew the arena by ~27 MB
    assert rss_mb() - rss < 10
    after = [real_encoder.encode(p) for p in pairs]
    assert all(np.array_equal(a, b) and np.array_equal(a, c) for a, b, c in zip(before, again, after, strict=True))


def test_the_linear_layers_run_over_tokens_not_padding(real_encoder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The export's point: fails if the graph or the session falls back to computing padding rows."""
    assert real_encoder.layout == LAYOUT
    assert tuple(i.name for i in real_encoder._session.get_inputs()) == INPUTS
    session = real_encoder._open_session(profile_prefix=str(tmp_path / "profile"))  # as the encoder opens it
    real_encoder._session, kept = session, real_encoder._session
    try:
        long, short = "What does a chief revenue officer do in a large public company?", "Who?"
        vectors = real_encoder.encode([long, short])
    finally:
        real_encoder._session = kept
    assert np.array_equal(vectors, real_encoder.encode([long, short]))
    tokens = [len(real_encoder._tokenizer.encode(t).ids) for t in (long, short)]
    events = json.loads(Path(session.end_profiling()).read_text())
    kernels = [e for e in events if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")]
    shapes = {e["name"].removesuffix("_kernel_time"): e["args"]["input_type_shape"][0]["float"] for e in kernels
              if e["args"]["input_type_shape"] and "float" in e["args"]["input_type_shape"][0]}
    for layer in range(6):  # the linear layers get the 2 texts' tokens, not 2 x the longest; attention is padded
        for name in ("query", "key", "value", "attention", "intermediate", "output"):
            assert shapes[f"encoder.layer.{layer}.{name}.matmul"][:2] == [1, sum(tokens)], (layer, name)
        assert shapes[f"encoder.layer.{layer}.scores"] == [2, 12, max(tokens), 32]
    ops = {e["args"]["op_name"] for e in kernels}
    assert "SkipLayerNormalization" not in ops and {"BiasGelu", "FusedMatMul", "LayerNormalization"} <= ops


def test_a_damaged_model_file_is_exported_again(tmp_path: Path) -> None:
    for name in EARLIER_ONNX_FILES:  # an earlier export's file is removed
        (tmp_path / name).write_bytes(b"old")
    model = ensure_onnx_model(tmp_path)
    assert not any((tmp_path / name).exists() for name in EARLIER_ONNX_FILES)
    assert model.name == ONNX_FILE and (tmp_path / (ONNX_FILE + ".sha256")).is_file()
    first = model.read_bytes()[:64]
    with model.open("r+b") as fh:  # flip bytes in place: the checksum no longer matches
        fh.seek(1000)
        fh.write(b"\0" * 16)
    again = ensure_onnx_model(tmp_path)
    assert again.read_bytes()[:64] == first
    hello = load_encoder("minilm", model_dir=tmp_path).encode(["hello"])
    words = tmp_path / WORDS_FILE
    with words.open("r+b") as fh:  # the word table too: a row of it
        fh.seek(words.stat().st_size - 4096)
        fh.write(b"\0" * 16)
    encoder = load_encoder("minilm", model_dir=tmp_path)
    assert np.array_equal(encoder.encode(["hello"]), hello)
    assert np.array_equal(np.load(words)[-100:], WordTable(words).rows(np.arange(30422, 30522)))
    # the manifest records the digest of both files
    assert encoder.sha256 == hashlib.sha256(again.read_bytes() + words.read_bytes()).hexdigest()  # type: ignore[attr-defined]
    assert {line.split()[1] for line in (tmp_path / (ONNX_FILE + ".sha256")).read_text().splitlines()} == {
        ONNX_FILE, WORDS_FILE}


def test_serving_imports_no_torch(real_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = textwrap.dedent(f"""
        import sys
        from fastapi.testclient import TestClient
        from service.api import create_app
        from service.config import Settings
        settings = Settings(index_dir={str(real_settings.index_dir)!r},
                            database_url={f"sqlite:///{tmp_path / 'r.db'}"!r}, encoder="minilm")
        with TestClient(create_app(settings)) as client:
            body = client.post("/api/answer", json={{"question": "Who does the CRO report to?"}}).json()
        assert "CEO" in body["answer"], body
        heavy = [m for m in ("torch", "sentence_transformers", "transformers", "numba", "scipy") if m in sys.modules]
        print("HEAVY", heavy)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "HEAVY []" in done.stdout, done.stdout
