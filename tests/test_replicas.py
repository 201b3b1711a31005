"""Two `roleqa serve` processes behind Debian nginx (round robin), sharing a throwaway PostgreSQL and Redis.

The deployment docs/deployment.md describes, run for real: nginx on a free loopback port in front of two
replicas (one worker each), both trusting it as their proxy. nginx names the replica that answered in an
`X-Upstream` header, so every check can see that the requests really alternated.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from service.config import Settings
from tests.conftest import FIXTURE_CORPUS, ROOT
from tests.redis_server import free_port
from tests.test_slack import SECRET, FakeSlack, _event, signed, slack_api  # noqa: F401 - slack_api is a fixture

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
KEYS = ["key-ann", "key-bob", "key-carl"]
# each key's budget: 8 at once, then one every 10 s (so the test sees the burst, not the refill)
RATE = {"ROLEQA_RATE_LIMIT_PER_MINUTE": "6", "ROLEQA_RATE_LIMIT_BURST": "8"}
NGINX_HINT = "nginx is not installed: run `make install-nginx` (Debian package nginx)"

NGINX_CONF = """
worker_processes 1;  # one round-robin state, so requests alternate strictly
{user}
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    upstream roleqa {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://roleqa;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream off;  # a failing replica must show, not be hidden by a retry on the other
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class Deployment:
    url: str
    replicas: list[str]
    logs: Path


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not ready after {timeout} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def deployment(fake_settings: Settings, postgres_cluster, redis_server,  # type: ignore[no-untyped-def]
               slack_api: str) -> Iterator[Deployment]:  # noqa: F811
    nginx = shutil.which("nginx", path="/usr/sbin:/usr/bin:/usr/local/sbin")
    if nginx is None:
        pytest.fail(NGINX_HINT)
    root = Path(tempfile.mkdtemp(prefix="roleqa-replicas-"))
    root.chmod(0o755)  # nginx's workers run as nobody when the tests run as root
    (root / "tmp").mkdir()
    database = postgres_cluster.create_database(f"replicas_{uuid.uuid4().hex[:8]}")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ROLEQA_INDEX_DIR": str(fake_settings.index_dir),
           "ROLEQA_CORPUS_DIR": str(FIXTURE_CORPUS), "ROLEQA_ENCODER": "fake", "ROLEQA_MIN_SUPPORT": "0.15",
           "ROLEQA_DATABASE_URL": database, "ROLEQA_REDIS_URL": redis_server.url,
           "ROLEQA_REDIS_PREFIX": f"replicas-{uuid.uuid4().hex[:8]}:", "ROLEQA_API_KEYS": ",".join(KEYS),
           "ROLEQA_TRUSTED_PROXIES": "127.0.0.1", "ROLEQA_SESSION_SECRET": "replicas-test-secret",
           "ROLEQA_SLACK_SIGNING_SECRET": SECRET, "ROLEQA_SLACK_BOT_TOKEN": "xoxb-test",
           "ROLEQA_SLACK_API_BASE_URL": slack_api, "ROLEQA_RELOAD_INTERVAL_SECONDS": "0", **RATE}
    ports = [free_port(), free_port()]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for i, port in enumerate(ports):
            log = root / f"replica-{i}.log"
            with log.open("wb") as out:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                     "--workers", "1"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        for i, port in enumerate(ports):
            _wait(f"http://127.0.0.1:{port}/readyz", processes[i], root / f"replica-{i}.log")
        port = free_port()
        user = "user nobody nogroup;" if os.geteuid() == 0 else ""
        (root / "nginx.conf").write_text(NGINX_CONF.format(user=user, root=root, a=ports[0], b=ports[1], port=port))
        with (root / "nginx.log").open("wb") as out:
            processes.append(subprocess.Popen(
                [nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "error.log"),
                 "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT))
        _wait(f"http://127.0.0.1:{port}/healthz", processes[-1], root / "error.log", timeout=20)
        yield Deployment(f"http://127.0.0.1:{port}", [f"127.0.0.1:{p}" for p in ports], root)
    finally:
        if processes and len(processes) == 3:
            _stop(processes.pop(), signal.SIGQUIT)  # nginx: graceful stop
        for process in processes:
            _stop(process)
        shutil.rmtree(root, ignore_errors=True)


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
