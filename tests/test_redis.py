"""Replicas sharing rate limits and Slack event ids through a real Redis (tests/redis_server.py).

Two apps built from the same settings stand for two replicas: without Redis each keeps its own budget and
its own memory of Slack events; with ROLEQA_REDIS_URL they share both.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from tests.test_slack import SECRET, FakeSlack, _event, signed, slack_api  # noqa: F401 - slack_api is a fixture

Q = {"query": "CRO"}


def _replicas(settings: Settings, assistant: Assistant, **update: Any) -> tuple[TestClient, TestClient]:
    return (TestClient(create_app(settings.model_copy(update=update), assistant)),
            TestClient(create_app(settings.model_copy(update=update), assistant)))


def _shared(redis_url: str, **update: Any) -> dict[str, Any]:
    # a prefix per test keeps the tests' buckets and event ids apart in the one session server
    return {"redis_url": SecretStr(redis_url), "redis_prefix": f"test-{uuid.uuid4().hex[:8]}:", **update}


@pytest.mark.redis
def test_rate_limit_is_one_budget_across_replicas(fake_settings: Settings, fake_assistant: Assistant,
                                                  redis_server) -> None:  # type: ignore[no-untyped-def]
    # 30/min: a token every 2 s, far longer than the requests take even on a busy machine
    limits = {"rate_limit_per_minute": 30, "rate_limit_burst": 3}
    a, b = _replicas(fake_settings, fake_assistant, **limits)
    with a, b:  # per process: each replica lets its own burst through
        assert [c.post("/api/search", json=Q).status_code for c in (a, b, a, b)] == [200] * 4
    a, b = _replicas(fake_settings, fake_assistant, **_shared(redis_server.url, **limits))
    with a, b:
        codes = [c.post("/api/search", json=Q).status_code for c in (a, b, a, b, a)]
        assert codes == [200, 200, 200, 429, 429]
        limited = b.post("/api/search", json=Q)
        assert limited.status_code == 429 and limited.headers["retry-after"] in ("1", "2")
        assert "too many requests" in limited.json()["detail"]
        time.sleep(int(limited.headers["retry-after"]) + 0.1)  # the shared bucket refills for both replicas
        assert b.post("/api/search", json=Q).status_code == 200
        assert a.get("/readyz").json()["redis"] == "ok"


@pytest.mark.redis
def test_failed_keys_and_buckets_expire_in_redis(fake_settings: Settings, fake_assistant: Assistant,
                                                 redis_server) -> None:  # type: ignore[no-untyped-def]
    shared = _shared(redis_server.url, api_keys=["k-one"], rate_limit_per_minute=6, rate_limit_burst=2)
    a, b = _replicas(fake_settings, fake_assistant, **shared)
    with a, b:  # wrong keys spend the address's one budget, whichever replica they try
        codes = [c.post("/api/search", json=Q, headers={"Authorization": "Bearer guess"}).status_code
                 for c in (a, b, a)]
        assert codes == [401, 401, 429]
    keys = redis.Redis.from_url(redis_server.url).keys(f"{shared['redis_prefix']}*")
    assert keys == [f"{shared['redis_prefix']}rate:ip:testclient".encode()]
    ttl = redis.Redis.from_url(redis_server.url).pttl(keys[0])
    # 6/min, two spent: gone in 20 s, once the bucket is full again (an idle client leaves nothing behind)
    assert 10_000 < ttl <= 20_001


@pytest.mark.redis
def test_slack_retry_on_another_replica_is_answered_once(fake_settings: Settings, fake_assistant: Assistant,
                                                         redis_server, slack_api: str) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    slack = {"slack_signing_secret": SecretStr(SECRET), "slack_bot_token": SecretStr("xoxb-test"),
             "slack_api_base_url": slack_api}
    body = _event({"type": "app_mention", "channel": "C7", "ts": "200.1", "user": "U1",
                   "text": "<@UBOT> How much does a VP of Sales earn?"}, f"Ev-{uuid.uuid4().hex}")
    retry = {**signed(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    FakeSlack.posted.clear()
    a, b = _replicas(fake_settings, fake_assistant, **slack)
    with a, b:  # per process: the retry on the other replica is answered again
        assert a.post("/slack/events", content=body, headers=signed(body)).json() == {"ok": True}
        assert b.post("/slack/events", content=body, headers=retry).json() == {"ok": True}
    assert len(FakeSlack.posted) == 2
    FakeSlack.posted.clear()
    a, b = _replicas(fake_settings, fake_assistant, **_shared(redis_server.url, **slack))
    with a, b:
        assert a.post("/slack/events", content=body, headers=signed(body)).json() == {"ok": True}
        assert b.post("/slack/events", content=body, headers=retry).json() == {"ok": True, "duplicate": True}
    assert len(FakeSlack.posted) == 1 and "$100,000" in FakeSlack.posted[0]["blocks"][0]["text"]["text"]


def test_unreachable_redis_falls_back_to_process_limits(fake_settings: Settings, fake_assistant: Assistant) -> None:
    from tests.redis_server import free_port

    dead = {"redis_url": SecretStr(f"redis://127.0.0.1:{free_port()}/0"), "rate_limit_per_minute": 6,
            "rate_limit_burst": 2}
    with TestClient(create_app(fake_settings.model_copy(update=dead), fake_assistant)) as c:
        codes = [c.post("/api/search", json=Q).status_code for _ in range(3)]
        assert codes == [200, 200, 429]  # still limited, by this process, and never a 500
        ready = c.get("/readyz")
        assert ready.status_code == 200 and ready.json()["redis"] == "unavailable"
        metrics = c.get("/metrics").text
        assert "roleqa_redis_failures_total 1.0" in metrics  # one failure, then 5 s without asking Redis
