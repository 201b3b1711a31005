"""Slack: signatures built exactly as Slack builds them, slash commands, events against a stand-in Web API."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from service.replicas import EventDeduper

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def signed(body: bytes, secret: str = SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


class FakeSlack(BaseHTTPRequestHandler):
    """A stand-in Slack Web API: records chat.postMessage, serves conversations.replies."""

    posted: list[dict[str, Any]] = []
    threads: dict[str, list[dict[str, Any]]] = {}

    def _reply(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _params(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(raw or "{}")
        query = urlparse(self.path).query
        return {k: v[0] for k, v in parse_qs(raw or query).items()}

    def do_POST(self) -> None:  # noqa: N802
        params = self._params()
        method = urlparse(self.path).path.rsplit("/", 1)[-1]
        if method == "chat.postMessage":
            if isinstance(params.get("blocks"), str):
                params["blocks"] = json.loads(params["blocks"])
            FakeSlack.posted.append(params)
            self._reply({"ok": True, "ts": "999.1"})
        elif method == "conversations.replies":
            self._reply({"ok": True, "messages": FakeSlack.threads.get(params.get("ts", ""), [])})
        else:
            self._reply({"ok": False, "error": "unknown_method"})

    do_GET = do_POST

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def slack_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSlack)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()


def _app(settings: Settings, assistant: Assistant, base: str = "http://127.0.0.1:9/api/") -> TestClient:
    return TestClient(create_app(settings.model_copy(update={
        "slack_signing_secret": SecretStr(SECRET), "slack_bot_token": SecretStr("xoxb-test"),
        "slack_api_base_url": base}), assistant))


def _command(client: TestClient, text: str, **kw: Any) -> Any:
    body = urlencode({"command": "/roleqa", "text": text, "user_id": "U1", "channel_id": "C1"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed(body, **kw)}
    return client.post("/slack/commands", content=body, headers=headers)


def test_routes_are_off_without_secrets(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as c:
        assert c.post("/slack/commands", content=b"text=hi").status_code == 404


def test_signature_checks(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with _app(fake_settings, fake_assistant) as c:
        assert _command(c, "How much does a VP of Sales earn?").status_code == 200
        assert _command(c, "How much does a VP of Sales earn?", ts=int(time.time()) - 600).status_code == 401
        assert _command(c, "How much does a VP of Sales earn?", secret="wrong").status_code == 401
        body = urlencode({"text": "How much does a VP of Sales earn?"}).encode()
        tampered = c.post("/slack/commands", content=body + b"&x=1", headers=signed(body))
        assert tampered.status_code == 401 and "signature" in tampered.json()["detail"]
        assert c.post("/slack/commands", content=body).status_code == 401
        for stamp in ("abc", "", "1e99"):  # unparsable timestamps are bad signatures, never a 500
            headers = {**signed(body), "X-Slack-Request-Timestamp": stamp}
            assert c.post("/slack/commands", content=body, headers=headers).status_code == 401


def test_slash_command_answers_in_block_kit(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with _app(fake_settings, fake_assistant) as c:
        r = _command(c, "How much does a VP of Sales earn?").json()
        assert r["response_type"] == "ephemeral"
        assert "$100,000" in r["blocks"][0]["text"]["text"]
        context = r["blocks"][1]["elements"][0]["text"]
        assert context.startswith("*[1] Sales Leaders at a Glance*") and "\n> " in context
        assert _command(c, "share How much does a VP of Sales earn?").json()["response_type"] == "in_channel"
        help_ = _command(c, "").json()
        assert help_["response_type"] == "ephemeral" and "/roleqa" in help_["text"]


def test_url_verification(fake_settings: Settings, fake_assistant: Assistant) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123"}).encode()
    with _app(fake_settings, fake_assistant) as c:
        r = c.post("/slack/events", content=body, headers={"Content-Type": "application/json", **signed(body)})
        assert r.json() == {"challenge": "abc123"}


def _event(event: dict[str, Any], event_id: str) -> bytes:
    return json.dumps({"type": "event_callback", "event_id": event_id, "authorizations": [{"user_id": "UBOT"}],
                       "event": event}).encode()


def test_mention_answered_in_thread_and_retries_deduplicated(fake_settings: Settings, fake_assistant: Assistant,
                                                             slack_api: str) -> None:
    FakeSlack.posted.clear()
    body = _event({"type": "app_mention", "channel": "C9", "ts": "100.1", "user": "U1",
                   "text": "<@UBOT> How much does a VP of Sales earn?"}, "Ev1")
    with _app(fake_settings, fake_assistant, slack_api) as c:
        first = c.post("/slack/events", content=body, headers=signed(body))
        retry = c.post("/slack/events", content=body, headers={**signed(body), "X-Slack-Retry-Num": "1"})
    assert first.status_code == 200 and retry.json()["duplicate"] is True
    assert len(FakeSlack.posted) == 1
    post = FakeSlack.posted[0]
    assert post["channel"] == "C9" and post["thread_ts"] == "100.1"
    assert "$100,000" in post["blocks"][0]["text"]["text"]
    assert post["blocks"][1]["type"] == "context"


def test_bot_messages_are_ignored(fake_settings: Settings, fake_assistant: Assistant, slack_api: str) -> None:
    FakeSlack.posted.clear()
    body = _event({"type": "message", "channel": "C9", "ts": "5.1", "thread_ts": "1.1", "bot_id": "B1",
                   "text": "an answer"}, "Ev-bot")
    with _app(fake_settings, fake_assistant, slack_api) as c:
        c.post("/slack/events", content=body, headers=signed(body))
    assert FakeSlack.posted == []


@pytest.mark.slow
def test_thread_follow_up_uses_the_thread(real_settings: Settings, real_assistant: Assistant, slack_api: str) -> None:
    FakeSlack.posted.clear()
    FakeSlack.threads["200.1"] = [
        {"ts": "200.1", "user": "U1", "text": "<@UBOT> Who does the VP of Sales report to?"},
        {"ts": "200.2", "bot_id": "B1", "user": "UBOT", "text": "VPs of Sales commonly report to the CSO or CRO."},
        {"ts": "200.3", "user": "U1", "text": "and the CRO?"},
    ]
    body = _event({"type": "message", "channel": "C9", "ts": "200.3", "thread_ts": "200.1", "user": "U1",
                   "text": "and the CRO?"}, "Ev-thread")
    with _app(real_settings, real_assistant, slack_api) as c:
        assert c.post("/slack/events", content=body, headers=signed(body)).status_code == 200
    assert len(FakeSlack.posted) == 1
    assert FakeSlack.posted[0]["thread_ts"] == "200.1"
    assert "CEO" in FakeSlack.posted[0]["text"]


def test_thread_without_the_bot_is_ignored(fake_settings: Settings, fake_assistant: Assistant, slack_api: str) -> None:
    FakeSlack.posted.clear()
    FakeSlack.threads["300.1"] = [{"ts": "300.1", "user": "U2", "text": "lunch?"}]
    body = _event({"type": "message", "channel": "C9", "ts": "300.2", "thread_ts": "300.1", "user": "U1",
                   "text": "pizza"}, "Ev-other")
    with _app(fake_settings, fake_assistant, slack_api) as c:
        c.post("/slack/events", content=body, headers=signed(body))
    assert FakeSlack.posted == []


def test_deduper_forgets_after_ttl() -> None:
    d = EventDeduper(ttl_seconds=10)
    assert d.first_time("e", now=0) and not d.first_time("e", now=5)
    assert d.first_time("e", now=20)


@pytest.mark.parametrize("body", [b"[1, 2]", b'"x"', b'{"event": "str", "event_id": "E1"}',
                                  b'{"event": {}, "event_id": {"a": 1}}', b'{"authorizations": "x", "event": {}}'])
def test_malformed_signed_events_are_400_not_500(fake_settings: Settings, fake_assistant: Assistant,
                                                 body: bytes) -> None:
    with _app(fake_settings, fake_assistant) as c:
        r = c.post("/slack/events", content=body, headers=signed(body))
    assert r.status_code == 400 and "event" in r.json()["detail"]


def test_odd_event_fields_and_unreachable_slack_are_logged_not_raised(fake_settings: Settings,
                                                                      fake_assistant: Assistant,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    odd = _event({"type": "app_mention", "channel": 1, "ts": "1.1", "user": "U1", "text": 5}, "Ev-odd")
    fine = _event({"type": "app_mention", "channel": "C1", "ts": "2.1", "user": "U1",
                   "text": "<@UBOT> How much does a VP of Sales earn?"}, "Ev-unreachable")
    with _app(fake_settings, fake_assistant, "http://127.0.0.1:9/api/") as c:  # nothing listens on port 9
        assert c.post("/slack/events", content=odd, headers=signed(odd)).json() == {"ok": True}
        assert c.post("/slack/events", content=fine, headers=signed(fine)).json() == {"ok": True}
    assert "Slack API unreachable" in caplog.text and "Traceback" not in caplog.text
