"""Shared fixtures: a fake-encoder index over the tiny fixture corpus, and a real-model index."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from service.api import create_app as _create_app
from service.assistant import Assistant
from service.config import Settings
from service.corpus import load_corpus
from service.embedding import FakeEncoder, load_encoder
from service.index import build_index

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
REAL_CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def fake_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    index_dir = tmp_path_factory.mktemp("fake-index")
    build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), index_dir)
    # The hashing encoder scores lower than MiniLM, so its support threshold is lower too.
    return Settings(corpus_dir=FIXTURE_CORPUS, index_dir=index_dir, encoder="fake", min_support=0.15,
                    database_url=f"sqlite:///{tmp_path_factory.mktemp('db') / 'roleqa.db'}")


@pytest.fixture(scope="session")
def fake_assistant(fake_settings: Settings) -> Assistant:
    return Assistant.load(fake_settings, FakeEncoder())


@pytest.fixture(scope="session")
def real_encoder():  # type: ignore[no-untyped-def]
    return load_encoder("minilm", threads=2)


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory, real_encoder) -> Settings:  # type: ignore[no-untyped-def]
    index_dir = tmp_path_factory.mktemp("real-index")
    build_index(load_corpus(REAL_CORPUS), real_encoder, index_dir)
    return Settings(corpus_dir=REAL_CORPUS, index_dir=index_dir, encoder="minilm",
                    database_url=f"sqlite:///{tmp_path_factory.mktemp('db') / 'roleqa.db'}")


@pytest.fixture(scope="session")
def real_assistant(real_settings: Settings, real_encoder) -> Assistant:  # type: ignore[no-untyped-def]
    return Assistant.load(real_settings, real_encoder)


@contextmanager
def serve(app, **options) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Run `app` with a real uvicorn server on a free loopback port; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def cli_env(fake_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI pointed at the fixture corpus and its fake-encoder index (for `roleqa eval` in tests)."""
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(FIXTURE_CORPUS))
    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(fake_settings.index_dir))
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    monkeypatch.setenv("ROLEQA_MIN_SUPPORT", "0.15")


def write_suite(path: Path, items: list[dict]) -> Path:
    """A suite file (JSONL, one item per line) at `path`."""
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    return path


def page_token(client, url: str = "/", **kwargs) -> str:  # type: ignore[no-untyped-def]
    """The chat page's CSRF token for this client's session (from the page's meta tag)."""
    html = client.get(url, **kwargs).text
    match = re.search(r'<meta name="csrf-token" content="([0-9a-f]*)">', html)
    assert match, "the page carries no csrf-token meta tag"
    return match.group(1)


@pytest.fixture(scope="session")
def postgres_cluster():  # type: ignore[no-untyped-def]
    """A real PostgreSQL server for the session (tests that use it are marked `postgres`)."""
    from pg_cluster import start_cluster

    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def redis_server():  # type: ignore[no-untyped-def]
    """A real Redis server for the session (tests that use it are marked `redis`)."""
    from redis_server import start_redis

    try:
        server = start_redis()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()


# Browser tests: Debian's Chromium through Playwright; screenshots go to a folder git ignores, for a person to look at.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "screenshots"


@pytest.fixture(scope="session")
def live_url(real_settings: Settings, real_assistant: Assistant) -> Iterator[str]:
    with serve(_create_app(real_settings, real_assistant)) as url:
        yield url


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make install-browser`")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _default_roles() -> Iterator[None]:
    """Each test starts and ends with the project's roles: building or loading an index installs its own."""
    from service import roles

    roles.install(None)
    yield
    roles.install(None)
