"""Slack edge: slash commands and Events API (mentions, thread follow-ups), signed and de-duplicated.

Requests are verified with slack_sdk's SignatureVerifier over the raw body before anything is
parsed. Mentions are answered in their thread with slack_sdk's WebClient, after the 200 (Slack
retries anything slower than 3 s); the thread itself is the conversation history.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from service.answering import Answer
from service.assistant import Assistant
from service.config import Settings
from service.conversation import Turn
from service.deps import AssistantDep, SettingsDep
from service.replicas import SharedState

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/slack", tags=["slack"])

USAGE = ("Ask me about sales leadership roles, e.g. `/roleqa who does the VP of Sales report to?`. "
         "Answers are private to you; start with `share` to post the answer in the channel.")
_MENTION = re.compile(r"<@[A-Z0-9]+>")


def slack_enabled(settings: Settings) -> bool:
    return bool(settings.slack_signing_secret and settings.slack_bot_token)


async def verified_body(request: Request, settings: Settings) -> bytes:
    """The raw body, if Slack signed it with our secret within the last 5 minutes; else 401/404."""
    if not slack_enabled(settings):
        raise HTTPException(404, "the Slack integration is not configured")
    body = await request.body()
    verifier = SignatureVerifier(settings.slack_signing_secret.get_secret_value())  # type: ignore[union-attr]
    try:
        valid = verifier.is_valid_request(body, dict(request.headers))
    except ValueError:  # slack_sdk parses the timestamp with int(): "abc" must not become a 500
        valid = False
    if not valid:
        raise HTTPException(401, "invalid or missing Slack signature")
    return body


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def answer_blocks(answer: Answer) -> list[dict[str, Any]]:
    """Block Kit: the answer, then one context block per numbered citation (title and quote)."""
    text = _escape(answer.answer)
    if answer.abstained:
        text = f":grey_question: {text}"
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    for c in answer.citations:
        where = f" · {_escape(c.section)}" if c.section else ""
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"*[{c.n}] {_escape(c.title)}*{where}\n> {_escape(c.quote)}")}]})
    return blocks


@router.post("/commands")
async def slash_command(request: Request, assistant: AssistantDep, settings: SettingsDep) -> JSONResponse:
    """`/roleqa <question>`: an ephemeral answer (or in channel with `share ...`)."""
    body = await verified_body(request, settings)
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    text = form.get("text", "").strip()
    if not text or text.lower() in {"help", "share", "public"}:
        return JSONResponse({"response_type": "ephemeral", "text": USAGE})
    response_type = "ephemeral"
    first, _, rest = text.partition(" ")
    if first.lower() in {"share", "public"} and rest.strip():
        response_type, text = "in_channel", rest.strip()
    if len(text) > settings.max_question_chars:
        return JSONResponse({"response_type": "ephemeral",
                             "text": f"Questions can be at most {settings.max_question_chars} characters."})
    answer = await run_in_threadpool(assistant.ask, text)
    return JSONResponse({"response_type": response_type, "text": answer.answer, "blocks": answer_blocks(answer)})


@router.post("/events")
async def events(request: Request, background: BackgroundTasks, assistant: AssistantDep,
                 settings: SettingsDep) -> JSONResponse:
    """Events API: the url_verification handshake, app mentions and replies in the bot's threads."""
    body = await verified_body(request, settings)
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise HTTPException(400, "the event body is not JSON") from exc
    if not isinstance(payload, dict):
        raise HTTPException(400, "the event body must be a JSON object")
    if payload.get("type") == "url_verification":
        return JSONResponse({"challenge": payload.get("challenge", "")})
    event = payload.get("event") or {}
    authorizations = payload.get("authorizations") or []
    event_id = payload.get("event_id") or ""
    if not (isinstance(event, dict) and isinstance(authorizations, list) and isinstance(event_id, str)):
        raise HTTPException(400, "malformed event: `event` must be an object, `authorizations` a list and "
                                 "`event_id` a string")
    shared: SharedState = request.app.state.shared
    if event_id and not await shared.first_time(event_id):
        logger.info("ignoring Slack retry of %s (retry %s)", event_id, request.headers.get("x-slack-retry-num"))
        return JSONResponse({"ok": True, "duplicate": True})
    bot_user = next((a["user_id"] for a in authorizations if isinstance(a, dict) and isinstance(a.get("user_id"), str)),
                    None)
    if _should_answer(event, bot_user):
        background.add_task(reply_in_thread, assistant, settings, event, bot_user)
    return JSONResponse({"ok": True})


def _should_answer(event: dict[str, Any], bot_user: str | None) -> bool:
    if not all(isinstance(event.get(field, ""), str) for field in ("text", "channel", "ts", "thread_ts")):
        return False  # not a message Slack sends
    if event.get("bot_id") or event.get("subtype") or (bot_user and event.get("user") == bot_user):
        return False  # our own messages, other bots, edits and joins
    if event.get("type") == "app_mention":
        return True
    # a plain message counts only inside a thread (the bot checks it takes part when fetching it)
    return event.get("type") == "message" and bool(event.get("thread_ts"))


def reply_in_thread(assistant: Assistant, settings: Settings, event: dict[str, Any], bot_user: str | None) -> None:
    """Answer `event` in its thread, with the earlier thread messages as conversation history."""
    client = WebClient(token=settings.slack_bot_token.get_secret_value(),  # type: ignore[union-attr]
                       base_url=settings.slack_api_base_url)
    channel, ts = event.get("channel", ""), event.get("ts", "")
    thread_ts = event.get("thread_ts") or ts
    history: list[Turn] = []
    try:
        if event.get("thread_ts"):
            replies = client.conversations_replies(channel=channel, ts=thread_ts, limit=50)
            all_messages: list[dict[str, Any]] = replies.get("messages", []) or []
            messages = [m for m in all_messages if m.get("ts") != ts]
            mention = f"<@{bot_user}>" if bot_user else None
            involved = any(m.get("bot_id") or (mention and mention in m.get("text", "")) for m in messages)
            if event.get("type") == "message" and not involved:
                return  # a thread the bot is not part of
            for m in messages:
                role = "assistant" if m.get("bot_id") or (bot_user and m.get("user") == bot_user) else "user"
                history.append(Turn(role, _MENTION.sub("", m.get("text", "")).strip()))
        question = _MENTION.sub("", event.get("text", "")).strip()
        if not question:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=USAGE)
            return
        answer = assistant.ask(question[: settings.max_question_chars], history)
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=answer.answer,
                                blocks=answer_blocks(answer))
    except SlackApiError as exc:
        logger.error("Slack API call failed: %s", exc.response.get("error") if exc.response else exc)
    except OSError as exc:  # URLError, timeouts: Slack unreachable; the answer is lost, the server is not
        logger.error("Slack API unreachable at %s: %s", settings.slack_api_base_url, exc)
