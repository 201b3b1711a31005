"""Hybrid retrieval: dense (FAISS) and BM25 rankings fused with reciprocal rank fusion."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from service.chunking import Chunk
from service.embedding import Encoder
from service.index import Index
from service.lexicon import canonicalize_roles, repair_spelling, tokenize

MODES = ("hybrid", "dense", "bm25")
SENTENCE_RANK_LIMIT = 200_000


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and the scores behind it."""

    chunk: Chunk
    index: int  # row of the chunk in the index
    score: float  # fused RRF score (or the single retriever's score)
    dense: float  # cosine similarity of query and chunk
    bm25: float
    rank: int


@dataclass(frozen=True)
class PreparedQuery:
    text: str  # after spelling repair
    dense_text: str  # roles spelled out for the encoder
    tokens: tuple[str, ...]
    vector: np.ndarray


class Retriever:
    """Searches one loaded index; safe to share between requests (read-only)."""

    def __init__(self, index: Index, encoder: Encoder, rrf_k: int = 60, candidate_k: int = 30,
                 cache_size: int = 4096) -> None:
        self.index = index
        self.encoder = encoder
        self.rrf_k = rrf_k
        self.candidate_k = candidate_k
        self._embed = lru_cache(maxsize=cache_size)(self._embed_uncached)

    def _embed_uncached(self, text: str) -> np.ndarray:
        vector = self.encoder.encode([text])[0]
        vector.setflags(write=False)
        return vector

    def prepare(self, query: str) -> PreparedQuery:
        """Repair spelling against the corpus vocabulary and canonicalize role names."""
        repaired = repair_spelling(query, self.index.vocabulary)
        dense_text = canonicalize_roles(repaired, "name")
        return PreparedQuery(repaired, dense_text, tuple(tokenize(repaired, query=True)), self._embed(dense_text))

    def dense_scores(self, prepared: PreparedQuery, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, self.index.vectors.ntotal)
        scores, ids = self.index.vectors.search(prepared.vector.reshape(1, -1), k)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def bm25_scores(self, prepared: PreparedQuery, k: int) -> tuple[np.ndarray, np.ndarray]:
        if not prepared.tokens:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = np.asarray(self.index.bm25.get_scores(list(prepared.tokens)), dtype=np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return top, scores[top]

    def sentence_scores(self, prepared: PreparedQuery, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Chunks ranked by their best-matching sentence (a FAQ question, a table row).

        Exhaustive over the sentence matrix, so it is only used below SENTENCE_RANK_LIMIT sentences.
        """
        sentences = self.index.sentence_vectors
        if sentences.shape[0] == 0 or sentences.shape[0] > SENTENCE_RANK_LIMIT:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sims = np.asarray(sentences) @ prepared.vector
        best = np.maximum.reduceat(sims, self.index.sentence_offsets[:-1])
        k = min(k, len(best))
        top = np.argpartition(-best, k - 1)[:k]
        top = top[np.argsort(-best[top], kind="stable")]
        return top, best[top]

    def search(self, query: str | PreparedQuery, k: int = 5, mode: str = "hybrid") -> list[Passage]:
        """The top `k` passages for `query`, best first."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        prepared = query if isinstance(query, PreparedQuery) else self.prepare(query)
        depth = max(self.candidate_k, k)
        dense_ids, dense_vals = self.dense_scores(prepared, depth)
        bm_ids, bm_vals = self.bm25_scores(prepared, depth) if mode != "dense" else (np.zeros(0, int), np.zeros(0))
        dense_of = dict(zip(dense_ids.tolist(), dense_vals.tolist(), strict=True))
        bm_of = dict(zip(bm_ids.tolist(), bm_vals.tolist(), strict=True))

        fused: dict[int, float] = {}
        if mode == "dense":
            fused = dict(dense_of)
        elif mode == "bm25":
            fused = dict(bm_of)
        else:
            sent_ids, _ = self.sentence_scores(prepared, depth)
            for ranking in (dense_ids.tolist(), bm_ids.tolist(), sent_ids.tolist()):
                for rank, row in enumerate(ranking):
                    fused[row] = fused.get(row, 0.0) + 1.0 / (self.rrf_k + rank + 1)
        order = sorted(fused, key=lambda row: (-fused[row], row))[:k]
        missing = [row for row in order if row not in dense_of]
        if missing:  # BM25-only hits still get a cosine, for answering and abstention
            vecs = np.stack([self.index.vectors.reconstruct(int(r)) for r in missing])
            dense_of.update(zip(missing, (vecs @ prepared.vector).tolist(), strict=True))
        return [
            Passage(self.index.chunks[row], row, float(fused[row]), float(dense_of[row]), float(bm_of.get(row, 0.0)), i)
            for i, row in enumerate(order)
        ]
