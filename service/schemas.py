"""Request and response bodies of the HTTP API (the contract in DESIGN.md)."""

from __future__ import annotations

import re
from typing import Literal

from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_QUESTION_CHARS = 2000
MAX_HISTORY_TURNS = 50

# NUL and other control characters (tab and newlines are fine): PostgreSQL cannot store NUL in text,
# and no question needs them
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control(value: str | None) -> str | None:
    if value is not None and CONTROL_CHARS.search(value):
        raise ValueError("must not contain control characters such as NUL")
    return value


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)

    _content = field_validator("content")(_no_control)


def _clean_question(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    _no_control(value)
    return value


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(max_length=MAX_QUESTION_CHARS, description="The user's question (1-2000 characters).")
    conversation_id: str | None = Field(default=None, max_length=100)
    history: list[HistoryTurn] | None = Field(default=None, max_length=MAX_HISTORY_TURNS)
    top_k: int | None = Field(default=None, ge=1, le=20)

    _question = field_validator("question")(_clean_question)
    _conversation = field_validator("conversation_id")(_no_control)


class CitationOut(BaseModel):
    n: int
    chunk_id: str
    article_id: str
    title: str
    section: str | None
    source: str | None = Field(description="The article's source file.")
    quote: str
    text: str
    score: float
    url: str | None = Field(default=None, description="The article page on this service, opened at the passage.")


class AnswerResponse(BaseModel):
    answer: str
    abstained: bool
    conversation_id: str
    turn: int | None = Field(default=None, description="Turn number in the stored conversation (for feedback).")
    standalone_question: str
    citations: list[CitationOut]
    timings_ms: dict[str, float]
    reason: str | None = Field(default=None, description="Why roleqa abstained (absent when it answered).")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(max_length=MAX_QUESTION_CHARS)
    conversation_id: str | None = Field(default=None, max_length=100)
    history: list[HistoryTurn] | None = Field(default=None, max_length=MAX_HISTORY_TURNS)
    k: int | None = Field(default=None, ge=1, le=50)

    _query = field_validator("query")(_clean_question)
    _conversation = field_validator("conversation_id")(_no_control)


class SearchResult(BaseModel):
    chunk_id: str
    article_id: str
    title: str
    section: str | None
    text: str
    score: float = Field(description="Higher ranks first. Hybrid mode: the passage's best answer unit's score "
                                     "(the top ten fused passages are reranked by it); dense or bm25 mode: that "
                                     "retriever's score.")


class SearchResponse(BaseModel):
    standalone_query: str
    results: list[SearchResult]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=100)
    turn: int = Field(ge=1, le=2**31 - 1)  # fits an INTEGER column on SQLite and Postgres alike
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)

    _comment = field_validator("conversation_id", "comment")(_no_control)


class ErrorOut(BaseModel):
    """Every error the API returns: one readable string saying what went wrong and what to do."""

    detail: str


# Declares the API-key scheme in the OpenAPI document (and the docs page's Authorize button); the keys
# themselves are checked by service.security.AccessControl before a route runs.
api_key = HTTPBearer(auto_error=False, scheme_name="APIKey",
                     description="An API key from ROLEQA_API_KEYS, sent as `Authorization: Bearer <key>`; "
                                 "required on /api/* when keys are configured.")


def _error(description: str) -> dict[str, object]:
    return {"model": ErrorOut, "description": description}


# What /api/* answers besides 200, each with the one-string `detail` the API really sends.
API_ERRORS: dict[int | str, dict[str, object]] = {
    401: _error("No valid API key (when ROLEQA_API_KEYS is set)"),
    413: _error("The request body is larger than ROLEQA_MAX_BODY_BYTES"),
    422: _error("Bad input: a readable message saying which field is wrong and why"),
    429: _error("Rate-limited; the Retry-After header says when to try again"),
    503: _error("The index is not loaded (run `roleqa index`) or the conversation database is unavailable"),
}


# OpenAPI links from an answer to the calls that use it: clients (and schemathesis's stateful tests) see
# that a follow-up, a search in the conversation and a rating of the turn take these values from the answer.
ANSWER_LINKS: dict[str, dict[str, object]] = {
    "FollowUp": {"operationRef": "#/paths/~1api~1answer/post",
                 "requestBody": {"conversation_id": "$response.body#/conversation_id"},
                 "description": "Ask a follow-up in the same conversation (its history is used)."},
    "SearchInConversation": {"operationRef": "#/paths/~1api~1search/post",
                             "requestBody": {"conversation_id": "$response.body#/conversation_id"},
                             "description": "Search with the conversation's history (follow-ups rewritten)."},
    "RateTurn": {"operationRef": "#/paths/~1api~1feedback/post",
                 "requestBody": {"conversation_id": "$response.body#/conversation_id",
                                 "turn": "$response.body#/turn"},
                 "description": "Rate this answer (`turn` is null when the turn could not be stored)."},
}
