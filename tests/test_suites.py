"""Strict suites (issue 11): every mistake that would silently change a score is an error, all at once."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import cli
from service.suites import EvalError, load_thresholds, read_suite, unmatched_evidence
from tests.conftest import FIXTURE_CORPUS

GOOD = {"id": "q1", "category": "factoid", "turns": [
    {"question": "How much does a VP of Sales earn?", "evidence": ["between $100,000 and $275,000"],
     "facts": [["$100,000"]]}]}


def _write(tmp_path: Path, *items: object, name: str = "suite.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(i if isinstance(i, str) else json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path


def _with(**turn: object) -> dict:
    return {**GOOD, "turns": [{**GOOD["turns"][0], **turn}]}


@pytest.mark.parametrize("item, expected", [
    (_with(facts=["$999,999"]), "turns.0.facts.0: Input should be a valid list"),
    (_with(evidence="revenue"), "turns.0.evidence: Input should be a valid list"),
    (_with(abstain="false"), "turns.0.abstain: Input should be a valid boolean"),
    ({**GOOD, "category": "out_of_scope"}, "out_of_scope item must have abstain: true"),
    ({"id": "q1", "category": "factoid"}, "turns: Field required"),
    ({**GOOD, "category": "trivia"}, "category: Input should be"),
    (_with(evidence=[], facts=[]), "needs at least one evidence quote"),
])
def test_each_mistake_is_named_with_its_line_and_field(tmp_path: Path, item: dict, expected: str) -> None:
    _, problems = read_suite(_write(tmp_path, GOOD | {"id": "q0"}, item))
    assert len(problems) == 1 and problems[0].startswith(f"{tmp_path / 'suite.jsonl'}:2: "), problems
    assert expected in problems[0]


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, GOOD, "[1, 2]", "{not json", _with(abstain="yes") | {"id": "q9"})
    _, problems = read_suite(path)
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in problems] == ["2", "3", "4", "5"]
    assert "'q1' is already used on line 1" in problems[0]
    assert "expected a JSON object per line, got list" in problems[1]
    assert "not valid JSON" in problems[2]


def test_non_utf8_suite_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(GOOD).replace("VP", "V\u00e9").encode("latin-1"))
    _, problems = read_suite(path)
    assert problems and "not UTF-8" in problems[0]


def test_evidence_must_match_a_chunk(tmp_path: Path) -> None:
    items, _ = read_suite(_write(tmp_path, GOOD, _with(evidence=["a quote from no article"]) | {"id": "q2"}))
    problems = unmatched_evidence(tmp_path / "suite.jsonl", items, ["… is between $100,000 and $275,000 per year."])
    assert len(problems) == 1 and "'a quote from no article' matches no chunk" in problems[0]


def test_thresholds_must_be_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[answers]\nfacts_present = "0.9"\nconcise = 0.98\n')
    with pytest.raises(EvalError, match=r"answers.facts_present: expected a number, got '0.9'"):
        load_thresholds(path)


def test_eval_check_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(FIXTURE_CORPUS))
    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    runner = CliRunner()
    assert runner.invoke(cli, ["index"]).exit_code == 0
    good = _write(tmp_path, GOOD, name="good.jsonl")
    ok = runner.invoke(cli, ["eval", "--check", "--suite", str(good)])
    assert ok.exit_code == 0 and "OK" in ok.output, ok.output
    bad = _write(tmp_path, GOOD, _with(evidence=["no article says this"]) | {"id": "q2"}, name="bad.jsonl")
    checked = runner.invoke(cli, ["eval", "--check", "--suite", str(bad)])
    assert checked.exit_code == 2 and "'no article says this' matches no chunk" in checked.output
    # a bad thresholds file is refused before anything runs
    thresholds = tmp_path / "t.toml"
    thresholds.write_text('[answers]\nfacts_present = "high"\n')
    refused = runner.invoke(cli, ["eval", "--suite", str(good), "--gate", str(thresholds)])
    assert refused.exit_code == 2 and "expected a number" in refused.output


def test_baseline_lists_regressions_and_can_gate_on_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEQA_CORPUS_DIR", str(FIXTURE_CORPUS))
    monkeypatch.setenv("ROLEQA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    monkeypatch.setenv("ROLEQA_MIN_SUPPORT", "0.15")
    runner = CliRunner()
    assert runner.invoke(cli, ["index"]).exit_code == 0
    suite = _write(tmp_path, GOOD, name="good.jsonl")
    first = runner.invoke(cli, ["eval", "--suite", str(suite), "--config", "hybrid+rewrite", "--out",
                                str(tmp_path / "before")])
    assert first.exit_code == 0, first.output
    summary = json.loads((tmp_path / "before" / "summary.json").read_text())
    assert summary["provenance"]["suite_sha256"] and summary["provenance"]["index_build"]
    # the same run again: nothing changed
    same = runner.invoke(cli, ["eval", "--suite", str(suite), "--config", "hybrid+rewrite", "--out",
                               str(tmp_path / "same"), "--baseline", str(tmp_path / "before"), "--no-regressions"])
    assert same.exit_code == 0 and "No question changed" in same.output, same.output
    # a baseline in which the question passed while it fails now (a stricter fact) is a regression
    stricter = _write(tmp_path, _with(facts=[["$100,000"], ["a fact no answer has"]]), name="stricter.jsonl")
    worse = runner.invoke(cli, ["eval", "--suite", str(stricter), "--config", "hybrid+rewrite", "--out",
                                str(tmp_path / "after"), "--baseline", str(tmp_path / "before"), "--no-regressions"])
    assert worse.exit_code == 1 and "regressed" in worse.output, worse.output
    assert "Against the baseline" in (tmp_path / "after" / "report.html").read_text()
    missing = runner.invoke(cli, ["eval", "--suite", str(suite), "--baseline", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no usable baseline" in missing.output
