"""Suggested follow-ups: the corpus's own questions (FAQ questions and headings phrased as questions)
closest to the passages an answer cites, kept only if roleqa answers them without abstaining."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from service.corpus import Article
from service.embedding import Encoder

logger = logging.getLogger(__name__)

_QUESTION_HEADING = re.compile(r"^#{1,6}[ \t]+(.+\?)[ \t]*$", re.MULTILINE)


class Asker(Protocol):
    def ask(self, question: str) -> object: ...


@dataclass(frozen=True, eq=False)
class Suggestion:
    question: str
    article_id: str
    position: int  # where the heading starts in the article's text
    vector: np.ndarray | None = None


def question_headings(articles: Iterable[Article]) -> list[Suggestion]:
    """Every heading that is a question, in corpus order (one per distinct question)."""
    seen: set[str] = set()
    found = []
    for article in articles:
        for match in _QUESTION_HEADING.finditer(article.text):
            question = " ".join(match.group(1).split())
            if question.lower() not in seen:
                seen.add(question.lower())
                found.append(Suggestion(question, article.id, match.start()))
    return found


def answerable(candidates: list[Suggestion], assistant: Asker, encoder: Encoder) -> list[Suggestion]:
    """The candidates roleqa answers on their own (no history) without abstaining, with their vectors."""
    kept = [s for s in candidates if not getattr(assistant.ask(s.question), "abstained", True)]
    logger.info("suggested follow-ups: %d of %d question headings are answered", len(kept), len(candidates))
    if not kept:
        return []
    vectors = encoder.encode([s.question for s in kept])
    return [Suggestion(s.question, s.article_id, s.position, v) for s, v in zip(kept, vectors, strict=True)]


# A heading this close before a cited passage is its own heading: what was just answered, not a next step.
OWN_HEADING_CHARS = 150
# Chosen by eye on the page's four starter questions (no suite measures suggestions yet): questions in a
# cited article get this much cosine on top; one sharing this share of its words with a question asked is
# that question again ("What's the difference between a CSO and a CRO?" / "What is the main difference
# between a CSO and a CRO?": 0.875).
SAME_ARTICLE_BONUS = 0.1
SAME_QUESTION = 0.7


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower().replace("'s ", " is ").replace("’s ", " is ")))


def same_question(a: str, b: str) -> bool:
    """Whether two questions are worded nearly alike (share of their words, Jaccard)."""
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= SAME_QUESTION


def suggest(pool: list[Suggestion], cited: list[tuple[str, int, int]], asked: Iterable[str],
            passage_vectors: np.ndarray, limit: int = 3) -> list[str]:
    """Up to `limit` questions from `pool` closest in meaning to the cited passages (rows of
    `passage_vectors`; (article id, start, end) in `cited`), those in a cited article first; never one
    asked already (nearly alike), nor the heading of a cited passage itself."""
    done = list(asked)
    articles = {article for article, _, _ in cited}
    scored = []
    for s in pool:
        if s.vector is None or any(same_question(s.question, q) for q in done):
            continue
        if any(a == s.article_id and start - OWN_HEADING_CHARS <= s.position <= end for a, start, end in cited):
            continue
        score = float(np.max(passage_vectors @ s.vector)) + (SAME_ARTICLE_BONUS if s.article_id in articles else 0.0)
        scored.append((-score, s.question))
    return [q for _, q in sorted(scored)[:limit]]
