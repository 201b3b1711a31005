"""A/B evaluation (issue 11): --set overrides, --index builds, and paired tests against hand-computed values."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.assistant import Assistant
from service.cli import cli
from service.comparison import MCNEMAR, RANDOMIZATION, compare_runs, describe
from service.config import Settings
from service.corpus import load_corpus
from service.embedding import FakeEncoder
from service.index import build_index
from service.variants import VariantError, configure, parse_overrides, valid_keys
from tests.conftest import FIXTURE_CORPUS, write_suite


def _row(qid: str, passed: bool = True, relevant: tuple[str, ...] = ("r",), retrieved: tuple[str, ...] = ("r",),
         oos: bool = False, abstained: bool = False) -> dict:
    return {"qid": qid, "gold_abstain": oos, "abstained": abstained,
            "facts_missing": [] if passed else [["x"]], "relevant": [] if oos else list(relevant),
            "retrieved": [[cid, 1.0] for cid in retrieved]}


def _by_metric(a: list[dict], b: list[dict]) -> dict:
    return {p.metric: p for p in compare_runs(a, b)}


def test_facts_present_flips_and_exact_mcnemar() -> None:
    a = [_row("q1"), _row("q2"), _row("q3", passed=False), _row("q4")]
    b = [_row("q1", passed=False), _row("q2"), _row("q3"), _row("q4", abstained=True)]
    facts = _by_metric(a, b)["answers facts_present"]
    assert (facts.n, facts.a, facts.b) == (4, 0.75, 0.5) and facts.delta == pytest.approx(-0.25)
    assert facts.worse == ("q1", "q4") and facts.better == ("q3",) and facts.test == MCNEMAR
    assert facts.p_value == pytest.approx(1.0)  # 1 of 3 flips improved: two-sided binomial p = 1
    # six turns that all got worse: p = 2 * 0.5**6
    a6 = [_row(f"q{i}") for i in range(6)]
    b6 = [_row(f"q{i}", passed=False) for i in range(6)]
    assert _by_metric(a6, b6)["answers facts_present"].p_value == pytest.approx(0.03125)
    # nothing changed: p = 1
    assert _by_metric(a6, a6)["answers facts_present"].p_value == 1.0


def test_abstention_correctness_counts_out_of_scope_turns() -> None:
    a = [_row("in"), _row("oos1", oos=True, abstained=True), _row("oos2", oos=True, abstained=True)]
    b = [_row("in", abstained=True), _row("oos1", oos=True, abstained=False), _row("oos2", oos=True, abstained=True)]
    m = _by_metric(a, b)
    assert m["answers abstention_correct"].n == 3 and m["answers abstention_correct"].worse == ("in", "oos1")
    assert m["answers facts_present"].n == 1  # out-of-scope turns have no facts


def test_retrieval_metrics_per_turn_with_each_runs_own_relevance() -> None:
    # B is another index build: its chunk ids differ, each run is judged with its own relevant chunks
    a = [_row("q1", relevant=("a1",), retrieved=("a1", "x")), _row("q2", relevant=("a2",), retrieved=("x", "y", "a2")),
         _row("q3", relevant=("a3",), retrieved=("x",))]
    b = [_row("q1", relevant=("b1",), retrieved=("x", "b1")), _row("q2", relevant=("b2",), retrieved=("b2",)),
         _row("q3", relevant=("b3",), retrieved=("x",))]
    m = _by_metric(a, b)
    hit1, mrr = m["retrieval hit_rate@1"], m["retrieval mrr@10"]
    assert (hit1.a, hit1.b) == pytest.approx((1 / 3, 1 / 3)) and hit1.worse == ("q1",) and hit1.better == ("q2",)
    assert mrr.a == pytest.approx((1 + 1 / 3 + 0) / 3) and mrr.b == pytest.approx((1 / 2 + 1 + 0) / 3)
    assert mrr.test == RANDOMIZATION and mrr.p_value == pytest.approx(1.0)  # 2 changed turns: 4 sign flips
    assert m["retrieval hit_rate@5"].worse == m["retrieval hit_rate@5"].better == ()


def test_randomization_test_is_exact_for_few_changed_turns() -> None:
    # five turns from a miss to rank 1 (+1 each), ten unchanged: of 2**5 sign flips, 2 are as extreme
    a = [_row(f"q{i}", retrieved=("x",) if i < 5 else ("r",)) for i in range(15)]
    b = [_row(f"q{i}") for i in range(15)]
    mrr = _by_metric(a, b)["retrieval mrr@10"]
    assert mrr.p_value == pytest.approx(2 / 32) and len(mrr.better) == 5


def test_only_turns_in_both_runs_are_paired_and_printed() -> None:
    a = [_row("q1"), _row("gone")]
    b = [_row("q1", passed=False), _row("new")]
    m = _by_metric(a, b)
    assert m["answers facts_present"].n == 1 and m["answers facts_present"].worse == ("q1",)
    text = describe(list(m.values()), "A run", "B run")
    assert "A = A run, B = B run" in text and "worse in B: q1" in text and "-1.000" in text


def test_overrides_are_validated_and_applied(fake_assistant: Assistant) -> None:
    base = fake_assistant.settings
    settings, overrides = parse_overrides(["min_support=0.3", "top_k=8", "w_aspect=0.7", "aspect_weight=0"], base)
    assert (settings.min_support, settings.top_k) == (0.3, 8) and base.top_k == 5
    assistant = configure(fake_assistant.index, fake_assistant.encoder, settings, overrides)
    assert assistant.answerer.settings.min_support == 0.3 and assistant.answerer.settings.w_aspect == 0.7
    assert assistant.retriever.aspect_weight == 0.0 and assistant.settings.top_k == 8
    assert fake_assistant.answerer.settings.w_aspect == 0.5  # the loaded assistant is left as it was
    assert overrides.as_dict() == {"min_support": 0.3, "top_k": 8, "w_aspect": 0.7, "aspect_weight": 0.0}


@pytest.mark.parametrize("pairs, message", [
    (["nope=1"], "--set nope: unknown setting"),
    (["top_k=abc"], "--set top_k=abc: Input should be a valid integer"),
    (["top_k=0"], "greater than or equal to 1"),  # the Settings field's own bounds
    (["top_k=51"], "less than or equal to 50"),
    (["min_support=high"], "valid number"),
    (["w_aspect=nan"], "finite"),
    (["passages_considered=0"], "greater than or equal to 1"),
    (["max_words=60"], "unknown setting"),  # set through its Settings twin, max_answer_words
    (["top_k"], "expected KEY=VALUE"),
    (["top_k=3", "top_k=4"], "given twice"),
])
def test_bad_overrides_are_named(pairs: list[str], message: str) -> None:
    with pytest.raises(VariantError, match=message.replace("(", r"\(")):
        parse_overrides(pairs, Settings(encoder="fake"))


def test_valid_keys_lists_every_knob_with_its_value() -> None:
    keys = valid_keys(Settings(encoder="fake", top_k=7))
    assert "top_k (7)" in keys and "min_support" in keys and "w_similarity (0.5)" in keys and "aspect_weight" in keys


def _suite(tmp_path: Path) -> Path:
    items = [
        {"id": "t1", "category": "factoid", "turns": [{"question": "How much does a VP of Sales earn?",
         "evidence": ["between $100,000 and $275,000"], "facts": [["$100,000"]]}]},
        {"id": "t2", "category": "factoid", "turns": [{"question": "How many years of experience do CSOs have?",
         "evidence": ["at least 10 years of experience"], "facts": [["10 years"]]}]},
        {"id": "t3", "category": "out_of_scope", "turns": [{"question": "What is the capital of France?",
         "abstain": True}]},
    ]
    return write_suite(tmp_path / "suite.jsonl", items)


def test_eval_refuses_bad_settings_with_the_valid_keys(cli_env: None, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(cli, ["eval", "--suite", str(_suite(tmp_path)), "--set", "nope=1", "--set", "top_k=x"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert "2 problem(s)" in bad.output and "--set nope: unknown setting" in bad.output
    assert "valid --set keys" in bad.output and "min_support (0.15)" in bad.output
    lone = runner.invoke(cli, ["eval", "--suite", str(_suite(tmp_path)), "--ab"])
    assert lone.exit_code == 2 and "give at least one" in lone.output
    both = runner.invoke(cli, ["eval", "--suite", str(_suite(tmp_path)), "--ab", "--set", "top_k=3",
                               "--baseline", str(tmp_path)])
    assert both.exit_code == 2 and "give one of them" in both.output
    checked = runner.invoke(cli, ["eval", "--check", "--suite", str(_suite(tmp_path)), "--set", "min_support=0.5"])
    assert checked.exit_code == 0, checked.output


def test_ab_run_reports_paired_tests_and_flipped_questions(cli_env: None, tmp_path: Path) -> None:
    out = tmp_path / "ab"
    # a support floor no answer reaches: every in-scope answer becomes an abstention in B
    result = CliRunner().invoke(cli, ["eval", "--suite", str(_suite(tmp_path)), "--out", str(out), "--ab",
                                      "--set", "min_support=0.99", "--no-regressions"])
    assert result.exit_code == 1, result.output  # B regressed against A
    assert "Paired comparison, A = the defaults" in result.output and "min_support=0.99" in result.output
    assert "worse in B: t1.1, t2.1" in result.output and "exact McNemar" in result.output
    assert (out / "a" / "results-hybrid_rewrite.json").is_file() and not (out / "results-bm25.json").exists()
    summary = json.loads((out / "summary.json").read_text())
    facts = next(m for m in summary["paired"]["metrics"] if m["metric"] == "answers facts_present")
    assert (facts["a"], facts["b"], facts["worse"]) == (1.0, 0.0, ["t1.1", "t2.1"])
    assert facts["p_value"] == pytest.approx(0.5)  # 2 of 2 flips the same way
    assert summary["provenance"]["overrides"] == {"min_support": 0.99}
    assert "Paired comparison" in (out / "report.html").read_text()
    # the A run's folder is a baseline like any other
    again = CliRunner().invoke(cli, ["eval", "--suite", str(_suite(tmp_path)), "--out", str(tmp_path / "c"),
                                     "--config", "hybrid+rewrite", "--baseline", str(out / "a")])
    assert again.exit_code == 0 and "Paired comparison, A = baseline" in again.output
    assert "no turn changed" in again.output


def test_index_option_evaluates_another_build(cli_env: None, fake_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    suite = _suite(tmp_path)
    other = tmp_path / "other-index"
    build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), other)
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", "--suite", str(suite), "--out", str(tmp_path / "o"), "--ab",
                                 "--index", str(other)])
    assert result.exit_code == 0, result.output
    assert f"index {other}" in result.output and "no turn changed" in result.output
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["provenance"]["index_dir"] == str(other)
    # a build without the article holding an evidence quote: named, before anything runs
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURE_CORPUS / "alpha.md", corpus)
    smaller = tmp_path / "smaller-index"
    build_index(load_corpus(corpus), FakeEncoder(), smaller)
    missing = runner.invoke(cli, ["eval", "--suite", str(suite), "--index", str(smaller)])
    assert missing.exit_code == 2 and "at least 10 years of experience" in missing.output
    assert f"[--index {smaller}]" in missing.output
    # no build there, or one made with another encoder: exit 2 with a hint, no traceback
    nowhere = runner.invoke(cli, ["eval", "--suite", str(suite), "--index", str(tmp_path / "nowhere")])
    assert nowhere.exit_code == 2 and "Hint: --index takes a build" in nowhere.output
    small_dim = tmp_path / "dim-index"
    build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(dim=64), small_dim)
    wrong = runner.invoke(cli, ["eval", "--suite", str(suite), "--index", str(small_dim)])
    assert wrong.exit_code == 2 and "64 dims" in wrong.output and "Traceback" not in wrong.output
