"""Perturbed suites (`roleqa eval --perturb`): the same questions with a slip, in lower case, in chatter or after
thanks, the same on every run."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import cli
from service.perturb import perturb
from service.suites import GoldTurn, Item


def _item(item_id: str, *questions: str) -> Item:
    return Item(item_id, "followup" if len(questions) > 1 else "factoid",
                tuple(GoldTurn(q, ("quote",), (("fact",),), False, q) for q in questions))


ITEMS = [_item("a-1", "What does a Chief Revenue Officer oversee?"),
         _item("a-2", "Who does the VP of Sales report to?", "And the CRO?")]


def test_a_slip_changes_one_word_and_never_a_role_word() -> None:
    for item in perturb(ITEMS, ["typo"]):
        before = next(i for i in ITEMS if i.id == item.id)
        for old, new in zip(before.turns, item.turns, strict=True):
            changed = [(a, b) for a, b in zip(old.question.split(), new.question.split(), strict=True) if a != b]
            assert len(changed) <= 1
            assert all(a.lower().strip("?") not in {"chief", "revenue", "officer", "sales", "cro"} for a, _ in changed)
            assert new.evidence == old.evidence and new.facts == old.facts
    assert perturb(ITEMS[:1], ["typo"])[0].turns[0].question != ITEMS[0].turns[0].question


def test_perturbations_are_the_same_on_every_run_and_in_any_order() -> None:
    once = perturb(ITEMS, ["chatter", "typo"])
    assert once == perturb(ITEMS, ["chatter", "typo"])
    assert perturb(list(reversed(ITEMS)), ["chatter", "typo"]) == list(reversed(once))


def test_thanks_come_before_follow_ups_and_chatter_around_first_questions() -> None:
    thanked = perturb(ITEMS, ["thanks"])
    assert thanked[1].turns[0].question == "Who does the VP of Sales report to?"
    assert thanked[1].turns[1].question.endswith(" And the CRO?") and thanked[1].turns[1].question != "And the CRO?"
    chatty = perturb(ITEMS, ["chatter"])
    assert all(ITEMS[i].turns[0].question in chatty[i].turns[0].question for i in range(2))
    assert all(len(chatty[i].turns[0].question) > len(ITEMS[i].turns[0].question) for i in range(2))
    assert chatty[1].turns[1].question == "And the CRO?"
    assert perturb(ITEMS, ["lower"])[1].turns[1].question == "and the cro"


def test_unknown_perturbation_is_refused() -> None:
    with pytest.raises(ValueError, match="typo"):
        perturb(ITEMS, ["typos"])


def test_eval_cli_asks_perturbed_questions(cli_env: None, tmp_path: Path) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps({"id": "p-1", "category": "factoid", "turns": [
        {"question": "How much does a VP of Sales earn?", "evidence": ["The average base salary for a VP of Sales"],
         "facts": [["$"]], "abstain": False, "standalone": "How much does a VP of Sales earn?"}]}) + "\n")
    runner = CliRunner()
    out = tmp_path / "out"
    done = runner.invoke(cli, ["eval", "--suite", str(suite), "--config", "hybrid+rewrite", "--perturb", "chatter,typo",
                               "--out", str(out)])
    assert done.exit_code == 0, done.output
    asked = json.loads((out / "results-hybrid_rewrite.json").read_text())[0]["question"]
    assert asked != "How much does a VP of Sales earn?" and "VP of Sales" in asked
    assert json.loads((out / "summary.json").read_text())["provenance"]["perturb"] == "chatter,typo"
    bad = runner.invoke(cli, ["eval", "--suite", str(suite), "--perturb", "shouting"])
    assert bad.exit_code == 2 and "unknown perturbation shouting" in bad.output
