"""What a serving worker imports: only what answering needs (RSS and cold start are measured in bench/)."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from service.config import Settings

ROOT = Path(__file__).resolve().parent.parent
# eval/CLI-only libraries, and what bm25s would pull in for backends roleqa does not use
NOT_SERVING = ("torch", "sentence_transformers", "transformers", "numba", "llvmlite", "scipy", "ranx", "pandas",
               "matplotlib", "trafilatura", "pypdf")


def test_a_worker_answers_without_eval_or_jit_libraries(fake_settings: Settings, tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys
        from fastapi.testclient import TestClient
        from service.api import create_app
        from service.config import Settings
        settings = Settings(corpus_dir={str(fake_settings.corpus_dir)!r}, index_dir={str(fake_settings.index_dir)!r},
                            encoder="fake", database_url={f"sqlite:///{tmp_path / 'r.db'}"!r})
        with TestClient(create_app(settings)) as client:
            assert client.post("/api/answer", json={{"question": "Who does the CRO report to?"}}).status_code == 200
            assert client.post("/api/search", json={{"query": "CRO salary"}}).json()["results"]
        print("LOADED", sorted(m for m in {NOT_SERVING!r} if m in sys.modules))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "LOADED []" in done.stdout, done.stdout


def test_hidden_modules_are_importable_again_afterwards() -> None:
    from service.index import _without

    assert "tabnanny" not in sys.modules
    with _without("tabnanny"), pytest.raises(ImportError):
        import tabnanny  # noqa: F401
    import tabnanny

    assert tabnanny.check


def test_answers_run_on_a_few_threads_per_worker(fake_settings: Settings) -> None:
    from anyio import to_thread
    from fastapi.testclient import TestClient

    from service.api import REQUEST_THREADS, create_app

    with TestClient(create_app(fake_settings)) as client:
        assert client.portal is not None
        tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
        assert tokens == REQUEST_THREADS < 40  # anyio's default
        assert client.post("/api/answer", json={"question": "Who does the CRO report to?"}).status_code == 200
