"""HTTP edge: the FastAPI app factory and the JSON API. Core modules know nothing of HTTP."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.answering import Answer
from service.assistant import Assistant
from service.config import Settings
from service.conversation import Turn
from service.corpus import CorpusError
from service.deps import AssistantDep, SettingsDep
from service.index import IndexLoadError
from service.schemas import (
    AnswerRequest,
    AnswerResponse,
    CitationOut,
    HistoryTurn,
    SearchRequest,
    SearchResponse,
    SearchResult,
)

logger = logging.getLogger(__name__)
router = APIRouter()


def _turns(history: list[HistoryTurn] | None) -> list[Turn]:
    return [Turn(t.role, t.content) for t in history or []]


def _check_question(text: str, settings: Settings) -> None:
    if len(text) > settings.max_question_chars:
        raise HTTPException(422, f"question is too long: at most {settings.max_question_chars} characters")


def answer_payload(answer: Answer, conversation_id: str) -> AnswerResponse:
    return AnswerResponse(
        answer=answer.answer,
        abstained=answer.abstained,
        conversation_id=conversation_id,
        standalone_question=answer.standalone_question,
        citations=[CitationOut(**c.__dict__) for c in answer.citations],
        timings_ms=answer.timings_ms,
    )


@router.post("/api/answer", response_model=AnswerResponse, tags=["qa"])
def post_answer(body: AnswerRequest, assistant: AssistantDep, settings: SettingsDep) -> AnswerResponse:
    """Answer a question with cited passages, or abstain when the articles don't say."""
    _check_question(body.question, settings)
    answer = assistant.ask(body.question, _turns(body.history), body.top_k)
    return answer_payload(answer, body.conversation_id or uuid.uuid4().hex)


@router.post("/api/search", response_model=SearchResponse, tags=["qa"])
def post_search(body: SearchRequest, assistant: AssistantDep, settings: SettingsDep) -> SearchResponse:
    """The passages retrieval finds for a query, best first."""
    _check_question(body.query, settings)
    standalone, passages = assistant.search(body.query, _turns(body.history), body.k)
    return SearchResponse(
        standalone_query=standalone,
        results=[SearchResult(chunk_id=p.chunk.id, article_id=p.chunk.article_id, title=p.chunk.title,
                              section=p.chunk.section, text=p.chunk.text, score=round(p.score, 6))
                 for p in passages],
    )


@router.get("/healthz", tags=["ops"])
def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", tags=["ops"])
def readyz(request: Request) -> JSONResponse:
    """Readiness: the index is loaded; reports its version, size and model."""
    assistant: Assistant | None = getattr(request.app.state, "assistant", None)
    if assistant is None:
        reason = getattr(request.app.state, "load_error", None) or "loading"
        return JSONResponse({"status": "not ready", "detail": reason}, status_code=503)
    manifest = assistant.index.manifest
    return JSONResponse({
        "status": "ready", "index_version": manifest.get("build_id"), "chunks": len(assistant.index.chunks),
        "model": manifest.get("model"), "index_type": manifest.get("index_type"),
        "built_at": manifest.get("built_at"),
    })


def _readable(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        if err.get("type") == "json_invalid":
            parts.append("the request body is not valid JSON")
        elif err.get("type") == "missing":
            parts.append(f"{where} is required")
        else:
            msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
            parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts) or "invalid request"


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    """Build the app; pass `assistant` to skip loading (tests), else it loads in the lifespan."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.assistant = assistant
        app.state.load_error = None
        if assistant is None:
            try:
                app.state.assistant = Assistant.load(settings)
            except (IndexLoadError, CorpusError) as exc:
                app.state.load_error = str(exc)
                logger.error("not ready: %s", exc)
        yield

    app = FastAPI(title="roleqa", version="0.1.0", lifespan=lifespan,
                  description="Grounded, cited answers about sales leadership roles.")
    app.state.settings = settings
    app.state.assistant = assistant

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _readable(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def on_error(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        return JSONResponse({"detail": "internal error; the failure was logged"}, status_code=500)

    app.include_router(router)
    return app
