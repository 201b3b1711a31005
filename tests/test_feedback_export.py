"""`roleqa feedback export`: rated turns become draft suite items; down-rated ones are marked for review."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.api import answer_question
from service.assistant import Assistant
from service.cli import cli
from service.config import Settings
from service.index import read_chunks
from service.schemas import AnswerRequest
from service.store import Store
from service.suites import read_suite, unmatched_evidence


@pytest.fixture()
def rated(tmp_path: Path, fake_assistant: Assistant, fake_settings: Settings) -> Path:
    """A store filled through the API path (answers from the fixture corpus), then rated."""
    db = tmp_path / "fb.db"
    store = Store(f"sqlite:///{db}")
    owned = store.for_owner("tester")

    def ask(question: str, cid: str) -> int:
        payload = answer_question(AnswerRequest(question=question, conversation_id=cid), fake_assistant, owned,
                                  fake_settings)
        assert payload.turn is not None
        return payload.turn

    ask("How much does a VP of Sales earn?", "pay")  # rated up: a valid item
    owned.add_feedback("pay", 1, "up", None)
    ask("how much does a VP of sales earn", "pay-again")  # the same question again: one item, the latest
    owned.add_feedback("pay-again", 1, "up", None)
    ask("How much experience does a CSO have?", "exp")  # rated down: marked for review
    owned.add_feedback("exp", 1, "up", None)
    owned.add_feedback("exp", 1, "down", "the number of years is missing")  # the latest rating counts
    ask("What is the parental leave policy for a CRO in Norway?", "leave")  # abstained and agreed: out_of_scope
    owned.add_feedback("leave", 1, "up", None)
    ask("What is the weather like on Mars today?", "mars")  # abstained, rated down
    owned.add_feedback("mars", 1, "down", "should know this")
    ask("Who does the VP of Sales report to?", "follow")  # a follow-up, only the second turn rated
    ask("And the CRO?", "follow")
    owned.add_feedback("follow", 2, "up", None)
    ask("Who does the VP of Sales report to?", "both")  # a follow-up with both turns rated up
    ask("And what does a CSO do?", "both")
    owned.add_feedback("both", 1, "up", None)
    owned.add_feedback("both", 2, "up", None)
    ask("What does a CRO do?", "unrated")  # nobody rated it: not drafted
    abstained = {t.question: t.abstained for cid in ("leave", "mars") for t in owned.turns(cid)}
    assert all(abstained.values()), "the fake assistant answered an out-of-scope question"
    store.close()
    return db


def export(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["feedback", "export", *args], env={"ROLEQA_DATABASE_URL": f"sqlite:///{db}"})


def test_export_drafts_items_that_round_trip_through_the_suite_reader(rated: Path, tmp_path: Path,
                                                                      fake_settings: Settings) -> None:
    out = tmp_path / "drafts.jsonl"
    result = export(rated, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "7 item(s) drafted" in result.output and "3 marked `review`" in result.output
    items = [json.loads(line) for line in out.read_text().splitlines()]
    by_question = {tuple(t["question"] for t in i["turns"]): i for i in items}
    assert set(by_question) == {
        ("how much does a VP of sales earn",), ("How much experience does a CSO have?",),
        ("What is the parental leave policy for a CRO in Norway?",), ("What is the weather like on Mars today?",),
        ("Who does the VP of Sales report to?",),  # the first turn of "both", rated on its own
        ("Who does the VP of Sales report to?", "And the CRO?"),
        ("Who does the VP of Sales report to?", "And what does a CSO do?")}
    pay = by_question[("how much does a VP of sales earn",)]
    assert pay["category"] == "factoid" and "review" not in pay
    assert any("$100,000" in quote for quote in pay["turns"][0]["evidence"]) and pay["turns"][0]["facts"] == []
    assert by_question[("What is the parental leave policy for a CRO in Norway?",)]["category"] == "out_of_scope"
    down = by_question[("How much experience does a CSO have?",)]
    assert down["review"]["rating"] == "down" and down["review"]["comment"] == "the number of years is missing"
    assert down["turns"][0]["evidence"] and "candidate evidence" in down["review"]["todo"]
    mars = by_question[("What is the weather like on Mars today?",)]
    assert mars["turns"][0] == {"question": "What is the weather like on Mars today?", "evidence": [], "facts": [],
                                "abstain": False, "standalone": "What is the weather like on Mars today?"}
    assert mars["review"]["abstain_reason"]
    half = by_question[("Who does the VP of Sales report to?", "And the CRO?")]
    assert half["category"] == "followup" and "were not rated" in half["review"]["todo"]
    full = by_question[("Who does the VP of Sales report to?", "And what does a CSO do?")]
    assert full["category"] == "followup" and "review" not in full

    suite, problems = read_suite(out)
    # every item without a review field reads as a valid suite item, unchanged ...
    assert {i.id for i in suite} == {i["id"] for i in items if "review" not in i}
    for item in suite:
        drafted = next(i for i in items if i["id"] == item.id)
        assert [t.question for t in item.turns] == [t["question"] for t in drafted["turns"]]
        assert [list(t.evidence) for t in item.turns] == [t.get("evidence", []) for t in drafted["turns"]]
        assert [t.abstain for t in item.turns] == [t["abstain"] for t in drafted["turns"]]
    # ... its evidence matches the index it was answered from ...
    chunks = read_chunks(Path(fake_settings.index_dir))
    assert unmatched_evidence(out, suite, [c.context_text(with_title=False) for c in chunks]) == []
    # ... and the suite reader refuses every item marked for review until a maintainer removes the mark
    assert len([p for p in problems if "review: Extra inputs are not permitted" in p]) == 3


def test_export_filters_and_writes_to_stdout(rated: Path) -> None:
    up = export(rated, "--rating", "up")
    assert up.exit_code == 0, up.output
    lines = [json.loads(x) for x in up.output.splitlines() if x.startswith("{")]
    assert len(lines) == 5 and sum("review" in i for i in lines) == 1  # the half-rated follow-up
    down = export(rated, "--rating", "down")
    assert len([x for x in down.output.splitlines() if x.startswith("{")]) == 2
    assert "0 item(s) drafted" in export(rated, "--since", "2999-01-01").output


def test_export_bad_input_exits_2_and_never_overwrites(rated: Path, tmp_path: Path) -> None:
    existing = tmp_path / "suite.jsonl"
    existing.write_text("keep me\n")
    result = export(rated, "--out", str(existing))
    assert result.exit_code == 2 and "not overwritten" in result.output and existing.read_text() == "keep me\n"
    result = export(rated, "--since", "yesterday")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = export(rated, "--rating", "sideways")
    assert result.exit_code == 2
    result = export(rated, "--out", str(tmp_path / "missing" / "x.jsonl"))
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output
