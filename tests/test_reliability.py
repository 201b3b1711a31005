"""Faults and load: killed builds, hot reload under traffic, concurrent clients, malformed input, fuzzing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from service.corpus import load_corpus
from service.embedding import FakeEncoder
from service.index import build_index, load_index, resolve_index_path
from tests.conftest import FIXTURE_CORPUS, REAL_CORPUS, serve


@pytest.mark.slow
def test_concurrent_clients_get_no_errors(real_settings: Settings, real_assistant: Assistant) -> None:
    settings = real_settings.model_copy(update={"rate_limit_per_minute": 0})
    questions = ["Who does the VP of Sales report to?", "How much does a CRO make?", "What is a CSO?",
                 "What is the capital of France?"]

    def worker(base: str, i: int) -> list[int]:
        with httpx.Client(base_url=base, timeout=30) as client:
            return [client.post("/api/answer", json={"question": questions[(i + j) % 4]}).status_code
                    for j in range(12)]

    with serve(create_app(settings, real_assistant)) as url, ThreadPoolExecutor(max_workers=16) as pool:
        codes = [c for batch in pool.map(worker, [url] * 16, range(16)) for c in batch]
    assert len(codes) == 192 and set(codes) == {200}


@pytest.mark.slow
def test_killed_index_build_leaves_served_index_intact(tmp_path: Path, real_settings: Settings) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(Path(real_settings.index_dir), index_dir, symlinks=True)
    before = resolve_index_path(index_dir)
    env = {**os.environ, "ROLEQA_INDEX_DIR": str(index_dir), "ROLEQA_CORPUS_DIR": str(REAL_CORPUS)}
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "index"], env=env, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # kill it once it is embedding, half way through the build
        if "embedding" in line:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert resolve_index_path(index_dir) == before
    from service.embedding import load_encoder

    load_index(index_dir, load_encoder("minilm"), load_corpus(REAL_CORPUS))  # still loads and checks out


def test_hot_reload_swaps_index_without_dropping_requests(tmp_path: Path, fake_settings: Settings) -> None:
    index_dir = tmp_path / "index"
    build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), index_dir)
    settings = fake_settings.model_copy(update={"index_dir": index_dir, "reload_interval_seconds": 0.2,
                                                "rate_limit_per_minute": 0})
    codes: list[int] = []
    stop = threading.Event()

    def hammer(url: str) -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            while not stop.is_set():
                codes.append(client.post("/api/answer", json={"question": "How much does a VP of Sales earn?"})
                             .status_code)

    with serve(create_app(settings, Assistant.load(settings, FakeEncoder()))) as url:
        workers = [threading.Thread(target=hammer, args=(url,)) for _ in range(4)]
        first = httpx.get(f"{url}/readyz").json()["index_version"]
        for w in workers:
            w.start()
        try:
            report = build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), index_dir)
            deadline = time.time() + 10
            while time.time() < deadline and httpx.get(f"{url}/readyz").json()["index_version"] == first:
                time.sleep(0.1)
            time.sleep(0.3)  # keep the traffic going across the swap
            served = httpx.get(f"{url}/readyz").json()["index_version"]
        finally:
            stop.set()
            for w in workers:
                w.join()
    assert served == report.path.name != first
    assert codes and set(codes) == {200}, {c for c in codes if c != 200}


def test_a_broken_new_build_keeps_the_old_one(tmp_path: Path, fake_settings: Settings) -> None:
    from service.reload import reload_if_changed

    index_dir = tmp_path / "index"
    build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), index_dir)
    settings = fake_settings.model_copy(update={"index_dir": index_dir})
    app = create_app(settings, Assistant.load(settings, FakeEncoder()))
    with TestClient(app):
        served = app.state.assistant.index.version
        report = build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), index_dir)
        (report.path / "vectors.faiss").chmod(0o644)  # published read-only: damage it on purpose
        (report.path / "vectors.faiss").write_bytes(b"garbage")
        assert reload_if_changed(app, settings) is False
        assert app.state.assistant.index.version == served


@pytest.mark.parametrize("content, kind", [
    (b'{"question": "\xff\xfe bad utf-8"}', "application/json"),
    (b'{"question": ["not", "a", "string"]}', "application/json"),
    (b'{"question": "hi", "history": "not a list"}', "application/json"),
    (b'{"question": "hi", "top_k": "many"}', "application/json"),
    (b"question=hi", "application/x-www-form-urlencoded"),
    (b"[1, 2, 3]", "application/json"),
])
def test_malformed_input_gets_4xx(fake_settings: Settings, fake_assistant: Assistant, content: bytes,
                                  kind: str) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        r = client.post("/api/answer", content=content, headers={"content-type": kind})
        assert 400 <= r.status_code < 500 and r.json()["detail"]


def test_huge_question_and_deep_history_get_4xx(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings.model_copy(update={"max_body_bytes": 1 << 20}), fake_assistant)) as c:
        assert c.post("/api/answer", json={"question": "x" * 100_000}).status_code == 422
        deep = [{"role": "user", "content": "q"}] * 500
        assert c.post("/api/answer", json={"question": "q", "history": deep}).status_code == 422


def test_missing_index_over_cli_and_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from service.cli import cli

    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(tmp_path / "gone"))
    result = CliRunner().invoke(cli, ["ask", "Who does the CRO report to?"])
    assert result.exit_code == 1 and "run `roleqa index`" in result.output
    settings = Settings(index_dir=tmp_path / "gone", corpus_dir=FIXTURE_CORPUS, encoder="fake",
                        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    with TestClient(create_app(settings)) as c:
        assert c.get("/readyz").status_code == 503
