import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import cli
from tests.conftest import FIXTURE_CORPUS


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(FIXTURE_CORPUS))
    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    return tmp_path


def test_index_then_ask(env: Path) -> None:
    runner = CliRunner()
    built = runner.invoke(cli, ["index"])
    assert built.exit_code == 0, built.output
    assert "chunks" in built.output
    asked = runner.invoke(cli, ["ask", "How much does a VP of Sales earn?"])
    assert asked.exit_code == 0, asked.output
    assert "$100,000" in asked.output and "[1]" in asked.output
    as_json = runner.invoke(cli, ["ask", "--json", "How much does a VP of Sales earn?"])
    body = json.loads(as_json.output)
    assert body["citations"] and body["abstained"] is False


def test_ask_without_index_exits_1_with_hint(env: Path) -> None:
    result = CliRunner().invoke(cli, ["ask", "Who does the CRO report to?"])
    assert result.exit_code == 1
    assert "roleqa index" in result.output and "Traceback" not in result.output


def test_empty_question_is_a_usage_error(env: Path) -> None:
    result = CliRunner().invoke(cli, ["ask", "  "])
    assert result.exit_code == 2 and "empty" in result.output


def test_bad_corpus_exits_1_with_hint(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.md").write_text("no front matter")
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 1 and "front matter" in result.output and "corpus/README.md" in result.output


def test_encoder_threads_use_every_core_in_process_and_a_share_per_serving_worker(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from service.cli import serve_threads
    from service.config import Settings, available_cores

    monkeypatch.delenv("ROLEQA_TORCH_THREADS", raising=False)
    assert Settings().encoder_threads() == available_cores()
    monkeypatch.setenv("ROLEQA_TORCH_THREADS", "1")
    assert Settings().encoder_threads() == 1
    # one worker per core: one thread each; fewer workers share the cores out
    assert serve_threads(2, cores=2) == 1 and serve_threads(1, cores=2) == 2 and serve_threads(8, cores=2) == 1
