"""Query vectors are cached per text and a text's vector does not depend on what it is encoded with."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from service.assistant import Assistant
from service.embedding import FakeEncoder, load_encoder
from service.question import analyze
from service.retrieval import Retriever

ROOT = Path(__file__).resolve().parent.parent


class CountingEncoder(FakeEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        self.calls.append(list(texts))
        return super().encode(texts, batch_size)


def test_question_and_aspect_are_encoded_once_each_and_together(fake_assistant: Assistant) -> None:
    encoder = CountingEncoder()
    retriever = Retriever(fake_assistant.index, encoder)
    first = retriever.prepare("Who does the CRO report to?")
    assert len(encoder.calls) == 1 and len(encoder.calls[0]) == 2  # a question and its role-free aspect
    # another role, the same aspect: only the question is new
    retriever.prepare("Who does the CSO report to?")
    assert encoder.calls[1] == [retriever.prepare("Who does the CSO report to?").dense_text]
    assert len(encoder.calls) == 2  # asked again: nothing new
    # no role to remove: the aspect is the question, encoded once
    retriever.prepare("What is the capital of France?")
    assert len(encoder.calls[2]) == 1
    again = Retriever(fake_assistant.index, FakeEncoder()).prepare("Who does the CRO report to?")
    assert np.array_equal(first.vector, again.vector) and np.array_equal(first.aspect_vector, again.aspect_vector)
    retriever.clear_cache()
    retriever.prepare("Who does the CRO report to?")
    assert len(encoder.calls) == 4


@pytest.mark.slow
def test_a_texts_vector_is_bitwise_the_same_alone_or_padded_in_a_batch() -> None:
    """What lets the retriever encode a cached question's aspect alone: the vectors do not move by one bit."""
    encoder = load_encoder("minilm", threads=1)  # as served: one intra-op thread
    questions = [json.loads(line)["turns"][0]["question"]
                 for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for question in questions[:40]:
        aspect = analyze(question).aspect_text or question
        together = encoder.encode([question, aspect])
        assert np.array_equal(together[0], encoder.encode([question])[0]), question
        assert np.array_equal(together[1], encoder.encode([aspect])[0]), aspect
