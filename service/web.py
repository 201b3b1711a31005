"""The chat page: server-rendered (works without JavaScript) and enhanced by web/static/app.js.

The page has its own JSON routes (/web/*) so it keeps working when /api/* requires API keys.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from service.api import answer_question, record_feedback
from service.articles import Library, article_url, render_article
from service.corpus import CorpusError
from service.deps import AssistantDep, SettingsDep, StoreDep
from service.roles import core_roles, join_names
from service.schemas import CONTROL_CHARS as _CONTROL_CHARS
from service.schemas import AnswerRequest, AnswerResponse, FeedbackRequest
from service.security import same_token
from service.suggestions import Suggestion, answerable, question_headings, suggest

logger = logging.getLogger(__name__)
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
router = APIRouter(include_in_schema=False)

STARTERS = (
    "Who does the VP of Sales report to?",
    "How much does a Chief Revenue Officer make?",
    "What's the difference between a CSO and a CRO?",
    "When should a company hire a CRO instead of a CSO?",
)


def answer_parts(answer: str) -> list[dict[str, Any]]:
    """Split an answer into text and [n] marker parts, so the template can link each marker."""
    parts: list[dict[str, Any]] = []
    for piece in re.split(r"(\[\d+\])", answer):
        if re.fullmatch(r"\[\d+\]", piece):
            parts.append({"n": int(piece[1:-1])})
        elif piece:
            parts.append({"text": piece})
    return parts


def highlight(text: str, quote: str) -> dict[str, str]:
    """The passage split around the quoted sentence (which the template wraps in <mark>)."""
    at = text.find(quote)
    if at < 0 or not quote:
        return {"before": text, "quote": "", "after": ""}
    return {"before": text[:at], "quote": quote, "after": text[at + len(quote) :]}


def group_sources(citations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Citations grouped by article, in the order the articles are first cited."""
    groups: dict[str, dict[str, Any]] = {}
    for c in citations:
        article = c.get("article_id", "")
        group = groups.setdefault(article, {"title": c.get("title", ""), "url": article_url(article), "citations": []})
        group["citations"].append(c)
    return list(groups.values())


def copy_text(answer: str, groups: list[dict[str, Any]], base_url: str) -> str:
    """What Copy puts on the clipboard: the answer, then its sources by article (section and link per [n])."""
    if not groups:
        return answer
    lines = [answer, "", "Sources:"]
    for group in groups:
        lines.append(group["title"])
        for c in group["citations"]:
            lines.append(f"  [{c['n']}] {c.get('section') or group['title']}: {base_url.rstrip('/')}{c['url']}")
    return "\n".join(lines)


def turn_view(turn: int | None, question: str, standalone: str, answer: str, abstained: bool,
              citations: list[dict[str, Any]], base_url: str, rating: str | None = None,
              suggestions: list[str] | None = None) -> dict[str, Any]:
    """What _turn.html needs to render one question and its answer."""
    cited = [{**c, **highlight(c.get("text", ""), c.get("quote", "")),
              "url": article_url(c.get("article_id", ""), c.get("chunk_id"))} for c in citations]
    groups = group_sources(cited)
    return {
        "turn": turn, "question": question, "standalone": standalone, "abstained": abstained,
        "answer": answer, "parts": answer_parts(answer), "rating": rating, "citations": cited,
        "groups": groups, "clipboard": copy_text(answer, groups, base_url), "suggestions": suggestions or [],
        "quotes": {c.get("n"): c.get("quote", "") for c in cited},
    }


def _page(request: Request, store: Any, conversation_id: str | None, error: str = "", question: str = "",
          status: int = 200) -> HTMLResponse:
    turns = store.turns(conversation_id) if store and conversation_id else []
    ratings = store.ratings(conversation_id) if turns else {}
    base = str(request.base_url)
    view = [turn_view(t.turn, t.question, t.standalone_question, t.answer, t.abstained, t.citations, base,
                      ratings.get(t.turn)) for t in turns]
    assistant = getattr(request.app.state, "assistant", None)
    if view and assistant is not None:  # follow-ups are offered after the latest answer only
        last = turns[-1]
        view[-1]["suggestions"] = follow_ups(request, assistant, last.standalone_question, last.citations,
                                             [t.question for t in turns] + [t.standalone_question for t in turns])
    return templates.TemplateResponse(request, "index.html", {
        "turns": view, "conversation_id": conversation_id or "", "starters": STARTERS, "error": error,
        "question": question, "max_chars": request.app.state.settings.max_question_chars,
        "csrf": getattr(request.state, "csrf", ""), **_intro(request),
    }, status_code=status)


def _intro(request: Request) -> dict[str, Any]:
    """The page's intro: the core roles of the served corpus, and how many articles it has."""
    core = core_roles()
    assistant = getattr(request.app.state, "assistant", None)
    count = len(assistant.index.articles) if assistant is not None else 0
    return {"role_labels": [r.label or r.name for r in core],
            "role_plurals": join_names([r.plural or r.name for r in core]), "article_count": count or "the"}


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, store: StoreDep, c: str | None = None) -> HTMLResponse:
    cid = c[:100] if c else None
    if cid and store is not None and not store.turns(cid):
        # another browser's conversation (or none): nothing is shown, and nothing says which
        return _page(request, store, None, error="That conversation is not in this browser's history.",
                     status=404)
    return _page(request, store, cid)


def _check_token(request: Request, token: str) -> None:
    """Form posts carry the page token (a synchronizer token tied to the session), so another site
    cannot post in the user's name, with or without JavaScript."""
    expected = getattr(request.state, "csrf", "")
    if not expected or not same_token(token, expected):
        raise HTTPException(403, "missing or stale page token: reload the page and try again")


@router.post("/chat", response_model=None)
def chat_form(request: Request, assistant: AssistantDep, store: StoreDep, settings: SettingsDep,
              question: Annotated[str, Form()] = "", conversation_id: Annotated[str, Form()] = "",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    """The no-JavaScript path: answer, then show the conversation (post/redirect/get)."""
    _check_token(request, csrf_token)
    cid = conversation_id.strip()[:100] or None
    try:
        body = AnswerRequest(question=question, conversation_id=cid)
    except ValidationError as exc:
        if not question.strip():
            message = "Please type a question."
        elif "control characters" in str(exc):
            message = "Questions and conversation ids cannot contain control characters."
            question, cid = _CONTROL_CHARS.sub("", question), None
        else:
            message = f"Questions can be at most {settings.max_question_chars} characters."
        return _page(request, store, cid, error=message, question=question[:5000], status=422)
    payload = answer_question(body, assistant, store, settings, request.app.state.metrics)
    return RedirectResponse(f"/?c={payload.conversation_id}#t{payload.turn or ''}", status_code=303)


@router.post("/chat/feedback", response_model=None)
def chat_feedback_form(request: Request, store: StoreDep, conversation_id: Annotated[str, Form()],
                       turn: Annotated[int, Form()], rating: Annotated[str, Form()],
                       csrf_token: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "") -> Response:
    _check_token(request, csrf_token)
    try:
        body = FeedbackRequest(conversation_id=conversation_id, turn=turn, rating=rating,  # type: ignore[arg-type]
                               comment=comment.strip() or None)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise HTTPException(422, f"invalid feedback: {problems}") from exc
    record_feedback(body, store)
    return RedirectResponse(f"/?c={conversation_id}#t{turn}", status_code=303)


class WebAnswer(AnswerResponse):
    html: str  # the turn rendered by _turn.html, which the page's script inserts as it is


@router.post("/web/answer", response_model=WebAnswer)
def web_answer(body: AnswerRequest, assistant: AssistantDep, store: StoreDep, settings: SettingsDep,
               request: Request) -> WebAnswer:
    payload = answer_question(body, assistant, store, settings, request.app.state.metrics)
    citations = [c.model_dump() for c in payload.citations]
    earlier = store.turns(payload.conversation_id) if store is not None else []
    asked = [t.question for t in earlier] + [t.standalone_question for t in earlier]
    view = turn_view(payload.turn, body.question, payload.standalone_question, payload.answer, payload.abstained,
                     citations, str(request.base_url),
                     suggestions=follow_ups(request, assistant, payload.standalone_question, citations,
                                            [*asked, body.question, payload.standalone_question]))
    html = templates.get_template("_turn.html").render(
        t=view, csrf=getattr(request.state, "csrf", ""), conversation_id=payload.conversation_id)
    return WebAnswer(**payload.model_dump(), html=html)


@router.post("/web/feedback")
def web_feedback(body: FeedbackRequest, store: StoreDep) -> dict[str, str]:
    return record_feedback(body, store)


def _library(request: Request, assistant: Any) -> Library:
    """The articles behind the served index, loaded on first use and again after an index reload."""
    library: Library | None = getattr(request.app.state, "library", None)
    if library is None or library.version != assistant.index.version:
        library = Library.load(Path(request.app.state.settings.corpus_dir), assistant.index)
        request.app.state.library = library
    return library


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, assistant: AssistantDep, chunk: str | None = None) -> HTMLResponse:
    """A whole source article, the cited chunk (`?chunk=`) marked and scrolled to (`#passage`)."""
    try:
        library = _library(request, assistant)
    except CorpusError as exc:
        raise HTTPException(503, f"the articles cannot be read ({exc}): check ROLEQA_CORPUS_DIR") from exc
    article = library.articles.get(article_id)
    if article is None:
        return templates.TemplateResponse(request, "article.html", {"article": None, **_intro(request)},
                                          status_code=404)
    passage = library.passage(article_id, chunk)
    return templates.TemplateResponse(request, "article.html", {
        "article": article, "body": render_article(article, passage), "cited": passage is not None, **_intro(request),
    })


_suggestions_lock = threading.Lock()


def follow_ups(request: Request, assistant: Any, standalone: str, citations: list[dict[str, Any]],
               asked: list[str]) -> list[str]:
    """Suggested next questions near the cited passages (near the best passages found, when it abstained)."""
    try:
        library = _library(request, assistant)
    except CorpusError as exc:  # answers do not need the article files; suggestions do
        logger.warning("no suggested follow-ups: %s", exc)
        return []
    pool: tuple[str, list[Suggestion]] | None = getattr(request.app.state, "suggestion_pool", None)
    if pool is None or pool[0] != library.version:
        with _suggestions_lock:  # asked once per index version: which corpus questions roleqa answers
            pool = getattr(request.app.state, "suggestion_pool", None)
            if pool is None or pool[0] != library.version:
                pool = (library.version, answerable(question_headings(library.articles.values()), assistant,
                                                    assistant.encoder))
                request.app.state.suggestion_pool = pool
    chunks = [library.chunks.get(c.get("chunk_id", "")) for c in citations]
    if not citations:
        _, passages = assistant.search(standalone, k=3)
        chunks = [p.chunk for p in passages]
    found = [c for c in chunks if c is not None]
    if not found or not library.aligned:
        return []
    try:  # the passages' vectors are in the index already (a flat index gives them back)
        passages = np.stack([assistant.index.vectors.reconstruct(library.rows[c.id]) for c in found])
    except RuntimeError:
        passages = assistant.encoder.encode([c.context_text() for c in found])
    return suggest(pool[1], [(c.article_id, c.start, c.end) for c in found], asked, passages)
