"""Evaluation: metrics against hand-computed values, judging, the gate and the CLI."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from service.assistant import Assistant
from service.cli import cli
from service.evaluation import (
    CONFIGS,
    EvalError,
    TurnResult,
    answer_metrics,
    check_citations,
    check_gate,
    load_suite,
    normalize,
    relevant_chunks,
    retrieval_metrics,
    run_config,
    summarize,
)
from tests.conftest import write_suite


def _result(qid: str, relevant: list[str], retrieved: list[str], **kw) -> TurnResult:  # type: ignore[no-untyped-def]
    base = dict(qid=qid, item=qid, category="factoid", followup=False, question="q", standalone="q",
                gold_abstain=False, relevant=relevant, retrieved=[(r, 1.0) for r in retrieved], answer="a [1]",
                abstained=False)
    base.update(kw)
    return TurnResult(**base)  # type: ignore[arg-type]


def test_retrieval_metrics_match_hand_computed_values() -> None:
    results = [
        _result("q1", ["a"], ["a", "b", "c"]),        # first hit at rank 1
        _result("q2", ["c"], ["a", "b", "c"]),        # rank 3
        _result("q3", ["z"], ["a", "b"]),             # miss
        _result("q4", ["b", "d"], ["b", "x", "d"]),   # ranks 1 and 3, two relevant
    ]
    scores, _ = retrieval_metrics(results, "t")
    assert scores["hit_rate@1"] == pytest.approx(2 / 4)
    assert scores["hit_rate@3"] == pytest.approx(3 / 4)
    assert scores["mrr@10"] == pytest.approx((1 + 1 / 3 + 0 + 1) / 4)
    assert scores["recall@5"] == pytest.approx((1 + 1 + 0 + 1) / 4)


def test_answer_metrics_count_abstention_and_facts() -> None:
    results = [
        _result("in1", ["a"], ["a"], answer="CEO [1]"),
        _result("in2", ["a"], ["a"], answer="sorry", abstained=True),
        _result("in3", ["a"], ["a"], answer="x", facts_missing=[["CEO"]]),
        _result("oos1", [], [], gold_abstain=True, abstained=True),
        _result("oos2", [], [], gold_abstain=True, abstained=False),
    ]
    m = answer_metrics(results)
    assert m["facts_present"] == pytest.approx(1 / 3)
    assert m["false_abstention"] == pytest.approx(1 / 3)
    assert m["abstention_recall"] == pytest.approx(1 / 2)
    assert m["abstention_precision"] == pytest.approx(1 / 2)


def test_citation_checker_catches_bad_markers_and_quotes() -> None:
    good = [{"n": 1, "quote": "CROs report to the CEO.", "text": "Intro. CROs  report to the CEO. More."}]
    assert check_citations("They report to the CEO [1].", good) == []
    assert check_citations("Answer [2].", good) == ["[2] has no citation"]
    bad = [{"n": 1, "quote": "not there", "text": "Intro."}]
    assert check_citations("Answer [1].", bad) == ["[1] quote is not in its passage"]


def test_normalize_folds_quotes_space_and_case() -> None:
    assert normalize("The CSO’s\u00a0 Main  Goal") == "the cso's main goal"


def test_relevance_is_judged_by_evidence_quotes(fake_assistant: Assistant) -> None:
    ids = relevant_chunks(fake_assistant, ("CEO  or   Board",))
    assert ids == [c.id for c in fake_assistant.index.chunks if "CEO or Board" in c.text]


def _suite(tmp_path: Path) -> Path:
    items = [
        {"id": "t1", "category": "factoid", "turns": [{"question": "How much does a VP of Sales earn?",
         "evidence": ["between $100,000 and $275,000"], "facts": [["$100,000"]]}]},
        {"id": "t2", "category": "followup", "turns": [
            {"question": "How much does a VP of Sales earn?", "evidence": ["$100,000"], "facts": [["$100,000"]]},
            {"question": "And the CRO?", "evidence": ["CEO or Board"], "facts": [], "standalone": "x"}]},
        {"id": "t3", "category": "out_of_scope", "turns": [{"question": "What is the capital of France?",
         "abstain": True}]},
    ]
    return write_suite(tmp_path / "suite.jsonl", items)


def test_run_config_and_summary(fake_assistant: Assistant, tmp_path: Path) -> None:
    items = load_suite(_suite(tmp_path))
    results = run_config(fake_assistant, items, CONFIGS["hybrid+rewrite"])
    assert [r.qid for r in results] == ["t1.1", "t2.1", "t2.2", "t3.1"]
    assert results[2].followup and "CRO" in results[2].standalone
    summary, _ = summarize(results, "hybrid+rewrite")
    assert summary["retrieval.single"]["hit_rate@5"] == 1.0
    assert summary["answers"]["abstention_recall"] == 1.0


def test_bad_suite_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "category": "factoid", "turns": [{"question": "q"}]}\n{"id": "b"}\n')
    with pytest.raises(EvalError, match="bad.jsonl:2"):
        load_suite(path)


def test_gate_reports_floors_and_ceilings(tmp_path: Path) -> None:
    gate = tmp_path / "gate.toml"
    gate.write_text('[retrieval.single]\n"hit_rate@1" = 0.8\n[answers]\nmax_false_abstention = 0.05\n')
    ok = {"retrieval.single": {"hit_rate@1": 0.9}, "answers": {"false_abstention": 0.0}}
    bad = {"retrieval.single": {"hit_rate@1": 0.7}, "answers": {"false_abstention": 0.1}}
    assert check_gate(ok, gate) == []
    failures = check_gate(bad, gate)
    assert len(failures) == 2 and "below 0.8" in failures[0] and "above 0.05" in failures[1]


def test_eval_cli_writes_reports_and_gates(cli_env: None, tmp_path: Path) -> None:
    suite, out = _suite(tmp_path), tmp_path / "out"
    easy, hard = tmp_path / "easy.toml", tmp_path / "hard.toml"
    easy.write_text('[retrieval.single]\n"hit_rate@5" = 0.5\n')
    hard.write_text('[retrieval.single]\n"hit_rate@1" = 1.01\n')
    runner = CliRunner()
    passed = runner.invoke(cli, ["eval", "--suite", str(suite), "--out", str(out), "--gate", str(easy)])
    assert passed.exit_code == 0, passed.output
    assert "Gate passed" in passed.output
    for name in ("summary.json", "report.html", "qrels.trec", "run-hybrid_rewrite.trec", "results-bm25.json"):
        assert (out / name).is_file(), name
    assert (out / "qrels.trec").read_text().split()[1] == "0"  # TREC qrels: qid 0 docid rel
    assert (out / "run-hybrid_rewrite.trec").read_text().split()[1] == "Q0"  # runs: qid Q0 docid rank score
    failed = runner.invoke(cli, ["eval", "--suite", str(suite), "--out", str(out), "--gate", str(hard),
                                 "--config", "hybrid+rewrite"])
    assert failed.exit_code == 1 and "hit_rate@1" in failed.output
    unknown = runner.invoke(cli, ["eval", "--suite", str(suite), "--config", "nope"])
    assert unknown.exit_code == 2
