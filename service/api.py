"""HTTP edge: the FastAPI app factory and the JSON API. Core modules know nothing of HTTP."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI, HTTPException, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.answering import Answer
from service.articles import article_url
from service.assistant import Assistant
from service.config import Settings
from service.conversation import Turn
from service.corpus import CorpusError
from service.deps import AssistantDep, SettingsDep, StoreDep
from service.heap import pin_mmap_threshold, release_freed_heap
from service.index import IndexLoadError
from service.metrics import Metrics
from service.reload import watch_index
from service.schemas import (
    ANSWER_LINKS,
    API_ERRORS,
    AnswerRequest,
    AnswerResponse,
    CitationOut,
    ErrorOut,
    FeedbackRequest,
    HistoryTurn,
    SearchRequest,
    SearchResponse,
    SearchResult,
    api_key,
)
from service.store import OwnedStore, Store, UnknownTurnError

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
        citations=[CitationOut(**c.__dict__, url=article_url(c.article_id, c.chunk_id)) for c in answer.citations],
        timings_ms=answer.timings_ms,
        reason=answer.reason or None,
    )


def _history(history: list[HistoryTurn] | None, conversation_id: str | None,
             store: OwnedStore | None) -> list[Turn]:
    """The client's history when it sent one, else the stored turns of the conversation."""
    if history is not None:
        return _turns(history)
    return store.history(conversation_id) if store and conversation_id else []


def answer_question(body: AnswerRequest, assistant: Assistant, store: OwnedStore | None,
                    settings: Settings, metrics: Metrics | None = None) -> AnswerResponse:
    """Shared by the API and the chat page: answer with the conversation's history, save the turn."""
    _check_question(body.question, settings)
    conversation_id = body.conversation_id or uuid.uuid4().hex
    history = _history(body.history, body.conversation_id, store)
    answer = assistant.ask(body.question, history[-2 * settings.max_history_turns :], body.top_k)
    payload = answer_payload(answer, conversation_id)
    if metrics is not None:
        metrics.observe_answer(answer.abstained)
    if store is not None:
        try:
            payload.turn = store.add_turn(conversation_id, body.question, answer.standalone_question, answer.answer,
                                          answer.abstained, [c.model_dump() for c in payload.citations],
                                          answer.timings_ms, answer.reason)
        except (SQLAlchemyError, OSError):
            # The answer is computed: return it (without a turn number for feedback) rather than a 500.
            logger.exception("could not save a turn of conversation %s", conversation_id)
            if metrics is not None:
                metrics.store_failures.inc()
    return payload


def record_feedback(body: FeedbackRequest, store: OwnedStore | None) -> dict[str, str]:
    if store is None:
        raise HTTPException(503, "feedback cannot be stored: the conversation database is unavailable")
    try:
        store.add_feedback(body.conversation_id, body.turn, body.rating, body.comment)
    except UnknownTurnError as exc:
        raise HTTPException(404, str(exc)) from exc
    return {"status": "ok"}


# the API-key scheme, declared for the OpenAPI document; AccessControl checks the keys
_KEYED = [Security(api_key)]


# The routes are `async def` and hand the work to the thread pool once: a plain `def` route is run there by
# FastAPI and then hops there again to validate its return value against the response model, two round
# trips between the event loop and a worker thread per request instead of one.


@router.post("/api/answer", response_model=AnswerResponse, tags=["qa"], dependencies=_KEYED,
             responses={**API_ERRORS, 200: {"description": "The answer, or an abstention", "links": ANSWER_LINKS}})
async def post_answer(body: AnswerRequest, assistant: AssistantDep, store: StoreDep, settings: SettingsDep,
                      request: Request) -> AnswerResponse:
    """Answer a question with cited passages, or abstain when the articles don't say.

    Follow-ups use `history` when given, else the stored turns of `conversation_id`.
    """
    return await run_in_threadpool(answer_question, body, assistant, store, settings, request.app.state.metrics)


@router.post("/api/feedback", tags=["qa"], dependencies=_KEYED, responses={
    **API_ERRORS, 404: {"model": ErrorOut, "description": "No such turn in this owner's conversation"}})
async def post_feedback(body: FeedbackRequest, store: StoreDep) -> dict[str, str]:
    """Thumbs up/down (and an optional comment) on one answered turn."""
    return await run_in_threadpool(record_feedback, body, store)


@router.post("/api/search", response_model=SearchResponse, tags=["qa"], responses=API_ERRORS,
             dependencies=_KEYED)
async def post_search(body: SearchRequest, assistant: AssistantDep, store: StoreDep,
                      settings: SettingsDep) -> SearchResponse:
    """The passages retrieval finds for a query, best first (follow-ups rewritten like answers)."""
    return await run_in_threadpool(search_passages, body, assistant, store, settings)


def search_passages(body: SearchRequest, assistant: Assistant, store: OwnedStore | None,
                    settings: Settings) -> SearchResponse:
    _check_question(body.query, settings)
    standalone, passages = assistant.search(body.query, _history(body.history, body.conversation_id, store), body.k)
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
async def readyz(request: Request) -> JSONResponse:
    """Readiness: the index is loaded; reports its version, size and model."""
    assistant: Assistant | None = getattr(request.app.state, "assistant", None)
    if assistant is None:
        reason = getattr(request.app.state, "load_error", None) or "loading"
        return JSONResponse({"status": "not ready", "detail": reason}, status_code=503)
    store: Store | None = getattr(request.app.state, "store", None)
    if store is None or not await run_in_threadpool(store.ping):
        # answers would work, but conversations and feedback would be lost: take this replica out of rotation
        return JSONResponse({"status": "not ready", "detail": "the conversation database is unavailable"},
                            status_code=503)
    manifest = assistant.index.manifest
    shared = await request.app.state.shared.ping()
    return JSONResponse({
        "status": "ready", "index_version": manifest.get("build_id"), "chunks": len(assistant.index.chunks),
        "model": manifest.get("model"), "index_type": manifest.get("index_type"),
        "built_at": manifest.get("built_at"), "encoder": manifest.get("encoder_runtime"), "database": "ok",
        # a Redis outage degrades the replica (per-process limits) but does not take it out of rotation
        "redis": None if shared is None else ("ok" if shared else "unavailable"),
    })


def _readable(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        if err.get("type") == "json_invalid":
            parts.append("the request body is not valid JSON")
        elif err.get("type") == "missing":
            parts.append(f"{where} is required")
        elif err.get("type") == "string_too_long":
            limit = (err.get("ctx") or {}).get("max_length")
            got = len(err["input"]) if isinstance(err.get("input"), str) else None
            parts.append(f"{where} is too long: at most {limit} characters" + (f" (this one has {got})" if got else "")
                         + "; shorten it and ask again")
        else:
            msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
            parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts) or "invalid request"


# Sync routes run on anyio's thread pool (40 threads by default). A worker answers on one core with one
# encoder thread, so 40 answers at once only contend for the GIL and the core, and every thread gets a glibc
# malloc arena that keeps its peak: at 64 clients a worker grew to 330-360 MB. Requests beyond this wait in
# the event loop instead.
REQUEST_THREADS = 4


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> FastAPI:
    """Build the app; pass `assistant` to skip loading (tests), else it loads in the lifespan."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pin_mmap_threshold()  # before loading, so the model's large buffers are mapped and unmapped too
        app.state.settings = settings
        app.state.assistant = assistant
        app.state.load_error = None
        app.state.store = None
        try:
            app.state.store = Store(settings.database_url)
        except Exception as exc:  # the service still answers; conversations are just not kept
            logger.error("conversation database unavailable (%s): %s", settings.database_url.split("@")[-1], exc)
        if assistant is None:
            try:
                app.state.assistant = Assistant.load(settings)
            except (IndexLoadError, CorpusError) as exc:
                app.state.load_error = str(exc)
                logger.error("not ready: %s", exc)
        release_freed_heap()
        to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        if app.state.assistant is not None:
            app.state.metrics.observe_index(app.state.assistant.index.version, len(app.state.assistant.index.chunks))
        await app.state.shared.open()
        watcher = asyncio.create_task(watch_index(app, settings)) if settings.reload_interval_seconds else None
        yield
        if watcher is not None:
            watcher.cancel()
        await app.state.shared.close()
        if app.state.store is not None:
            app.state.store.close()

    # docs_url/redoc_url off: FastAPI's pages load Swagger UI from a CDN; service.docs serves it locally
    app = FastAPI(title="roleqa", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Grounded, cited answers about sales leadership roles.")
    app.state.settings = settings
    app.state.assistant = assistant

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _readable(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI answers 400 for a JSON body that is not UTF-8; bad JSON is a 422 like any other
            return JSONResponse({"detail": "the request body is not valid JSON: it must be UTF-8"}, status_code=422)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def on_error(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        return JSONResponse({"detail": "internal error; the failure was logged"}, status_code=500)

    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.staticfiles import StaticFiles

    from service.docs import mount_docs
    from service.metrics import Metrics, MetricsMiddleware
    from service.metrics import router as metrics_router
    from service.replicas import SharedState
    from service.security import AccessControl, BodyLimit, SecurityHeaders
    from service.slack import router as slack_router
    from service.slack import slack_enabled
    from service.web import WEB_DIR
    from service.web import router as web_router

    app.state.metrics = Metrics()
    # rate limits and Slack event ids: in Redis with ROLEQA_REDIS_URL (shared by replicas), else in-process
    app.state.shared = SharedState(settings, on_failure=app.state.metrics.redis_failures.inc)
    # Outermost last: headers on every response, CORS before auth (preflights), then size, then keys.
    app.add_middleware(AccessControl, settings=settings, shared=app.state.shared)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(SecurityHeaders)
    if settings.api_keys:
        logger.info("API keys required on /api/* (%d configured)", len(settings.api_keys))

    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    if not slack_enabled(settings):
        logger.info("Slack integration off: set ROLEQA_SLACK_SIGNING_SECRET and ROLEQA_SLACK_BOT_TOKEN to enable it")

    app.include_router(router)
    app.include_router(web_router)
    app.include_router(slack_router)
    app.include_router(metrics_router)
    mount_docs(app)
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    return app
