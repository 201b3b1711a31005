"""Two `roleqa serve` processes behind Debian nginx (round robin), sharing a throwaway PostgreSQL and Redis.

The deployment docs/deployment.md describes, run for real (tests/replica_deployment.py): nginx on a free
loopback port in front of two replicas (one worker each), both trusting it as their proxy. nginx names the
replica that answered in an `X-Upstream` header, so every check can see that the requests really alternated.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from service.config import Settings
from tests.conftest import FIXTURE_CORPUS
from tests.replica_deployment import NGINX_HINT, Deployment, find_nginx, run_deployment
from tests.test_slack import SECRET, FakeSlack, _event, signed, slack_api  # noqa: F401 - slack_api is a fixture

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
KEYS = ["key-ann", "key-bob", "key-carl"]
# each key's budget: 8 at once, then one every 10 s (so the test sees the burst, not the refill)
RATE = {"ROLEQA_RATE_LIMIT_PER_MINUTE": "6", "ROLEQA_RATE_LIMIT_BURST": "8"}


@pytest.fixture(scope="module")
def deployment(fake_settings: Settings, postgres_cluster, redis_server,  # type: ignore[no-untyped-def]
               slack_api: str) -> Iterator[Deployment]:  # noqa: F811
    if find_nginx() is None:
        pytest.fail(NGINX_HINT)
    database = postgres_cluster.create_database(f"replicas_{uuid.uuid4().hex[:8]}")
    env = {"ROLEQA_INDEX_DIR": str(fake_settings.index_dir),
           "ROLEQA_CORPUS_DIR": str(FIXTURE_CORPUS), "ROLEQA_ENCODER": "fake", "ROLEQA_MIN_SUPPORT": "0.15",
           "ROLEQA_DATABASE_URL": database, "ROLEQA_REDIS_URL": redis_server.url,
           "ROLEQA_REDIS_PREFIX": f"replicas-{uuid.uuid4().hex[:8]}:", "ROLEQA_API_KEYS": ",".join(KEYS),
           "ROLEQA_TRUSTED_PROXIES": "127.0.0.0/8,::1", "ROLEQA_SESSION_SECRET": "replicas-test-secret",
           "ROLEQA_SLACK_SIGNING_SECRET": SECRET, "ROLEQA_SLACK_BOT_TOKEN": "xoxb-test",
           "ROLEQA_SLACK_API_BASE_URL": slack_api, "ROLEQA_RELOAD_INTERVAL_SECONDS": "0", **RATE}
    with run_deployment(env) as running:
        yield running


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_both_replicas_are_ready_on_one_database_and_redis(deployment: Deployment) -> None:
    for replica in deployment.replicas:
        ready = httpx.get(f"http://{replica}/readyz").json()
        assert ready["status"] == "ready" and ready["database"] == "ok" and ready["redis"] == "ok"


def test_conversation_alternating_between_replicas_keeps_its_history(deployment: Deployment) -> None:
    with httpx.Client(base_url=deployment.url, headers=_auth("key-ann"), timeout=30) as client:
        questions = ["How much does a VP of Sales earn?", "And the CRO?", "What about the CSO?"]
        first = client.post("/api/answer", json={"question": questions[0]})
        assert first.status_code == 200, first.text
        cid, served = first.json()["conversation_id"], [first.headers["x-upstream"]]
        for n, question in enumerate(questions[1:], start=2):
            r = client.post("/api/answer", json={"question": question, "conversation_id": cid})
            assert r.status_code == 200, r.text
            body = r.json()
            served.append(r.headers["x-upstream"])
            assert body["turn"] == n and body["conversation_id"] == cid  # the other replica saw the earlier turns
            assert "earn" in body["standalone_question"]  # rewritten from the history stored by the other one
        assert "CRO" in client.post("/api/answer", json={"question": questions[1], "conversation_id": cid}
                                    ).json()["standalone_question"]
        assert set(served) == set(deployment.replicas) and served[0] != served[1] != served[2]
        rated = [client.post("/api/feedback", json={"conversation_id": cid, "turn": turn, "rating": "up"})
                 for turn in (1, 2)]
        assert [r.status_code for r in rated] == [200, 200]
        assert {r.headers["x-upstream"] for r in rated} == set(deployment.replicas)
    # another key's view: the same id is another (new) conversation, and Ann's turns are not there to rate
    with httpx.Client(base_url=deployment.url, headers=_auth("key-bob"), timeout=30) as bob:
        for _ in range(2):  # once on each replica
            refused = bob.post("/api/feedback", json={"conversation_id": cid, "turn": 1, "rating": "down"})
            assert refused.status_code == 404, refused.text
        own = bob.post("/api/answer", json={"question": "And the CRO?", "conversation_id": cid}).json()
        assert own["turn"] == 1 and "earn" not in own["standalone_question"]


def test_rate_limit_is_one_budget_across_replicas(deployment: Deployment) -> None:
    with httpx.Client(base_url=deployment.url, headers=_auth("key-carl"), timeout=30) as client:
        responses = [client.post("/api/search", json={"query": "CRO"}) for _ in range(12)]
    codes = [r.status_code for r in responses]
    # 8 in all, not 8 per replica: the burst is spent on both, then both refuse
    assert codes == [200] * 8 + [429] * 4, codes
    assert {r.headers["x-upstream"] for r in responses[8:]} == set(deployment.replicas)
    assert all(int(r.headers["retry-after"]) >= 1 for r in responses[8:])
    # other keys keep their own budget
    assert httpx.post(f"{deployment.url}/api/search", json={"query": "CRO"}, headers=_auth("key-bob")
                      ).status_code == 200


def test_slack_retry_on_the_other_replica_is_answered_once(deployment: Deployment) -> None:
    FakeSlack.posted.clear()
    body = _event({"type": "app_mention", "channel": "C5", "ts": "300.1", "user": "U1",
                   "text": "<@UBOT> How much does a VP of Sales earn?"}, f"Ev-{uuid.uuid4().hex}")
    first = httpx.post(f"{deployment.url}/slack/events", content=body, headers=signed(body))
    retry = httpx.post(f"{deployment.url}/slack/events", content=body,
                       headers={**signed(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first.json() == {"ok": True} and retry.json() == {"ok": True, "duplicate": True}
    assert first.headers["x-upstream"] != retry.headers["x-upstream"]
    deadline = time.monotonic() + 10
    while not FakeSlack.posted and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # room for a second (wrong) answer to arrive
    assert len(FakeSlack.posted) == 1
    assert FakeSlack.posted[0]["channel"] == "C5" and "$100,000" in FakeSlack.posted[0]["blocks"][0]["text"]["text"]
