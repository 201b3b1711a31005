"""Failure triage (issue 11): each failing turn is classed by the first pipeline stage that went wrong."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.assistant import Assistant
from service.cli import cli
from service.evaluation import CONFIGS, TurnResult, load_suite, run_config
from service.triage import (
    BELOW_RANK_1,
    CLASSES,
    RETRIEVAL_MISS,
    REWRITE,
    WRONG_ABSTENTION,
    WRONG_UNIT,
    classify,
    count,
    triage,
)
from tests.conftest import write_suite


def _turn(relevant: list[str] | None = None, retrieved: list[str] | None = None, **kw: object) -> TurnResult:
    base: dict = dict(qid="q.1", item="q", category="factoid", followup=False, question="q", standalone="q",
                      gold_abstain=False, relevant=["rel"] if relevant is None else relevant,
                      retrieved=[(c, 1.0) for c in (retrieved or ["a", "b", "c", "d", "e", "f", "g", "h"])],
                      answer="an answer [1]", abstained=False, top_k=5)
    base.update(kw)
    return TurnResult(**base)


MISSING = [["$100,000"]]


@pytest.mark.parametrize("turn, expected", [
    # passed: nothing to triage
    (_turn(retrieved=["rel", "a"]), None),
    (_turn(relevant=[], gold_abstain=True, abstained=True, retrieved=["a"]), None),
    # answered an out-of-scope question
    (_turn(relevant=[], gold_abstain=True, abstained=False), WRONG_ABSTENTION),
    # a follow-up whose rewritten question found nothing relevant while the suite's standalone would have
    (_turn(followup=True, abstained=True, standalone_first_hit=0), REWRITE),
    (_turn(followup=True, facts_missing=MISSING, standalone_first_hit=4), REWRITE),
    # ... but not when the standalone misses too, or finds it only below the top k
    (_turn(followup=True, abstained=True, standalone_first_hit=None), RETRIEVAL_MISS),
    (_turn(followup=True, abstained=True, standalone_first_hit=5), RETRIEVAL_MISS),
    # a follow-up whose rewrite did retrieve the evidence is judged like any turn
    (_turn(followup=True, retrieved=["a", "rel"], facts_missing=MISSING, standalone_first_hit=0), BELOW_RANK_1),
    # no relevant chunk in the top k: retrieval, whatever the answerer did next
    (_turn(abstained=True), RETRIEVAL_MISS),
    (_turn(retrieved=["a", "b", "c", "d", "e", "rel"], facts_missing=MISSING), RETRIEVAL_MISS),
    # relevant chunk in the top k, abstained anyway
    (_turn(retrieved=["a", "rel"], abstained=True, reason="weak support (0.40)"), WRONG_ABSTENTION),
    # relevant chunk at rank 1, or quoted, yet facts missing: the wrong unit was quoted
    (_turn(retrieved=["rel", "a"], facts_missing=MISSING), WRONG_UNIT),
    (_turn(retrieved=["a", "b", "rel"], facts_missing=MISSING, cited=["rel"]), WRONG_UNIT),
    # a comparison's per-role passage quoted though the ranking missed it
    (_turn(retrieved=["a", "b"], facts_missing=MISSING, cited=["rel"]), WRONG_UNIT),
    # relevant chunk at rank 2..k, not quoted
    (_turn(retrieved=["a", "b", "rel"], facts_missing=MISSING, cited=["a"]), BELOW_RANK_1),
    # ranks are read in the passages the answer was given (a shallower candidate pool may differ)
    (_turn(retrieved=["rel", "a"], passages=["a", "b"], facts_missing=MISSING), RETRIEVAL_MISS),
    (_turn(retrieved=["a", "rel"], passages=["rel", "a"], facts_missing=MISSING), WRONG_UNIT),
    # k is the answer's top_k: rank 7 of 8 passages is below rank 1, not a miss
    (_turn(retrieved=["a", "b", "c", "d", "e", "f", "rel"], facts_missing=MISSING, top_k=8), BELOW_RANK_1),
])
def test_classify(turn: TurnResult, expected: str | None) -> None:
    found = classify(turn)
    assert (found[0] if found else None) == expected


def test_notes_name_ranks_reasons_and_missing_facts() -> None:
    kind, note = classify(_turn(retrieved=["a", "rel"], abstained=True, reason="weak support (0.40)"))  # type: ignore[misc]
    assert "weak support (0.40)" in note and "rank 2" in note
    kind, note = classify(_turn(followup=True, abstained=True, standalone="And them?", standalone_first_hit=0,  # type: ignore[misc]
                                gold_standalone="What does the CRO earn?"))
    assert "'What does the CRO earn?'" in note and "rank 1" in note
    kind, note = classify(_turn(retrieved=["a", "b", "rel"], facts_missing=[["$100,000", "100k"]]))  # type: ignore[misc]
    assert "rank 3" in note and "$100,000 / 100k" in note


def test_triage_orders_by_class_and_counts_every_class() -> None:
    failures = triage([
        _turn(qid="b.1", retrieved=["rel"], facts_missing=MISSING, relevant_passage="The VP earns ..."),
        _turn(qid="a.1", abstained=True, reason="no passage", support=0.2, evidence=["quote"]),
        _turn(qid="c.1", retrieved=["rel"]),
    ])
    assert [(f.qid, f.kind) for f in failures] == [("a.1", RETRIEVAL_MISS), ("b.1", WRONG_UNIT)]
    miss, unit = failures
    assert miss.failed == "false abstention" and miss.reason == "no passage" and miss.support == 0.2
    assert miss.evidence == ("quote",) and miss.relevant_rank is None
    assert unit.failed == "facts missing" and unit.relevant_rank == 1 and unit.relevant_passage == "The VP earns ..."
    counts = count(failures)
    assert list(counts) == list(CLASSES) and counts[RETRIEVAL_MISS] == 1 and counts[REWRITE] == 0


def _suite(tmp_path: Path) -> Path:
    items = [
        {"id": "t1", "category": "factoid", "turns": [{"question": "How much does a VP of Sales earn?",
         "evidence": ["between $100,000 and $275,000"], "facts": [["a fact no answer has"]]}]},
        {"id": "t2", "category": "followup", "turns": [
            {"question": "How much does a VP of Sales earn?", "evidence": ["$100,000"], "facts": [["$100,000"]]},
            {"question": "And the CRO?", "evidence": ["CEO or Board"], "facts": [],
             "standalone": "Who does the CRO report to?"}]},
        {"id": "t3", "category": "out_of_scope", "turns": [{"question": "What is the capital of France?",
         "abstain": True}]},
    ]
    return write_suite(tmp_path / "suite.jsonl", items)


def test_run_config_keeps_what_triage_needs(fake_assistant: Assistant, tmp_path: Path) -> None:
    results = run_config(fake_assistant, load_suite(_suite(tmp_path)), CONFIGS["hybrid+rewrite"])
    first, _, follow, oos = results
    assert first.top_k == fake_assistant.settings.top_k == 5
    assert len(first.retrieved) == min(10, len(fake_assistant.index.chunks)) > first.top_k
    # the answer was given the fused top_k; the metrics read the search's ranking, reranked from the top ten
    answer = fake_assistant.ask(first.question, top_k=first.top_k)
    assert set(first.passages) <= {cid for cid, _ in first.retrieved}
    assert [cid for cid, _ in first.retrieved] == [p.chunk.id for p in fake_assistant.search(first.question, k=10)[1]]
    assert first.passages == [p.chunk.id for p in answer.passages]
    assert first.evidence == ["between $100,000 and $275,000"] and first.cited == [c.chunk_id for c in answer.citations]
    assert "$100,000" in first.relevant_passage
    assert first.standalone_first_hit is None and follow.gold_standalone == "Who does the CRO report to?"
    assert follow.standalone_first_hit is not None
    assert oos.standalone_first_hit is None and oos.relevant_passage == ""


def test_eval_reports_triage_in_terminal_json_and_html(cli_env: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["eval", "--suite", str(_suite(tmp_path)), "--out", str(out),
                                      "--config", "hybrid+rewrite", "--config", "bm25"])
    assert result.exit_code == 0, result.output
    assert "Failure triage" in result.output and "wrong unit chosen" in result.output
    rows = json.loads((out / "results-hybrid_rewrite.json").read_text())
    first = rows[0]
    assert first["triage"] == WRONG_UNIT and "reason" in first and "support" in first
    assert first["evidence"] and first["relevant_passage"]
    assert all(r["triage"] in ("", *CLASSES) for r in rows)
    page = (out / "report.html").read_text()
    assert "Failure triage (hybrid+rewrite)" in page and "class='triage'" in page
    assert "between $100,000 and $275,000" in page  # the gold evidence is shown


def test_triage_of_a_bm25_only_run_is_labelled_bm25(cli_env: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["eval", "--suite", str(_suite(tmp_path)), "--out", str(out), "--config", "bm25"])
    assert result.exit_code == 0, result.output
    assert "Failure triage (bm25)" in (out / "report.html").read_text()


TINY = [  # on the project's corpus; each item built to fail in one known way
    {"id": "t-pass", "category": "factoid", "turns": [{"question": "Who does a VP of Sales usually report to?",
     "evidence": ["VPs of Sales commonly report directly to the CSO or CRO"], "facts": [["CSO"]]}]},
    # the salary passage is found and quoted; the fact is one no answer states
    {"id": "t-unit", "category": "factoid", "turns": [{"question": "What is the salary of a CSO?",
     "evidence": ["The average annual salary for a CSO ranges from $284,126 to $407,750"],
     "facts": [["a fact no answer states"]]}]},
    # evidence no salary question retrieves
    {"id": "t-miss", "category": "factoid", "turns": [{"question": "What is the salary of a CSO?",
     "evidence": ["Working with the CFO to ensure that the budget"], "facts": [["budget"]]}]},
    # an in-scope question filed as out of scope: roleqa answers it
    {"id": "t-oos", "category": "out_of_scope", "turns": [{"question": "What does a Chief Revenue Officer do?",
     "abstain": True}]},
    {"id": "t-follow", "category": "followup", "turns": [
        {"question": "What is the salary of a CSO?", "facts": [["$284,126"]],
         "evidence": ["The average annual salary for a CSO ranges from $284,126 to $407,750"]},
        {"question": "and the VP of Sales?", "standalone": "What is the salary of a VP of Sales?",
         "evidence": ["The average base salary for a VP of Sales ranges between $100,000 and $275,000 annually"],
         "facts": [["$100,000"]]}]},
]


@pytest.mark.slow
def test_triage_with_the_real_model(real_assistant: Assistant, tmp_path: Path) -> None:
    items = load_suite(write_suite(tmp_path / "tiny.jsonl", TINY))
    full = {r.qid: classify(r) for r in run_config(real_assistant, items, CONFIGS["hybrid+rewrite"])}
    assert {q: c[0] for q, c in full.items() if c} == {
        "t-unit.1": WRONG_UNIT, "t-miss.1": RETRIEVAL_MISS, "t-oos.1": WRONG_ABSTENTION}
    # without the rewrite, "and the VP of Sales?" alone misses the salary passage its standalone finds
    alone = {r.qid: r for r in run_config(real_assistant, items, CONFIGS["hybrid"])}
    assert classify(alone["t-follow.2"])[0] == REWRITE  # type: ignore[index]
    assert alone["t-follow.2"].standalone_first_hit == 0
