"""`roleqa gaps`: abstained and down-rated questions grouped into topics, ranked by count."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import update

from service.cli import cli
from service.embedding import FakeEncoder
from service.gaps import cluster, find_gaps, gap_turns
from service.store import Store, turns

START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)

# Five topics the articles do not cover, each asked in several ways (the counts differ, to check the ranking).
MISSING = {
    "equity": [
        "Do CROs get stock options?", "How much equity should a chief revenue officer get?",
        "what equity percentage is typical for a CRO hire", "CRO stock option grant size?",
        "Is equity part of a chief revenue officer's compensation package?", "how many shares does a CRO usually get",
        "Should we give our new CRO equity?", "typical equity stake for a Chief Revenue Officer",
        "do chief revenue officers receive stock options", "What percent equity does a CRO get at a startup?",
        "CRO equity vesting schedule?", "stock options for a chief revenue officer",
    ],
    "remote": [
        "Can a VP of Sales work fully remote?", "is it ok for our vp sales to work remotely",
        "Does a VP of Sales need to be in the office?", "remote work for a vice president of sales",
        "can the VP of sales be a remote employee", "Should a VP of Sales work from home?",
        "is a remote VP Sales a good idea", "VP of Sales working remotely from another country",
        "could our VP of sales live in another city and work remote",
    ],
    "firing": [
        "How do I fire an underperforming VP of Sales?", "what's the right way to let go of a VP of sales",
        "when should you fire your VP of Sales", "firing a vice president of sales who misses quota",
        "How do you terminate a VP of Sales?", "steps to dismiss an underperforming VP Sales",
        "should I fire my VP of sales after two bad quarters",
    ],
    "interview": [
        "What interview questions should I ask a CRO candidate?", "best questions to ask when interviewing a CRO",
        "how to interview a chief revenue officer", "interview questions for hiring a Chief Revenue Officer",
        "What should I ask a CRO in a job interview?", "CRO interview questions list",
    ],
    "gdpr": [
        "Is the CSO responsible for GDPR compliance?", "does the chief sales officer own GDPR",
        "who handles data privacy compliance, the CSO?", "GDPR responsibilities of a chief sales officer",
        "must a CSO ensure GDPR compliance of sales data",
    ],
}
ONE_OFFS = ["What's the weather in Paris tomorrow?", "Can you write me a poem about spring?",
            "How do I reset my laptop password?", "Who won the football world cup in 2018?",
            "Recommend a good pizza place downtown"]
ANSWERED = ["Who does the VP of Sales report to?", "What does a CRO do?", "How much does a VP of Sales earn?",
            "What is the difference between a CRO and a CSO?", "When should a company hire a CRO?",
            "What skills does a chief sales officer need?", "Does a CRO manage marketing?",
            "What does a VP of Sales do day to day?"]


def seed(store: Store) -> dict[str, str]:
    """200 turns over 100 days: the five missing topics (abstained, some rated down), one-offs, and
    answered questions (some rated up), in one shuffled order. Returns question -> topic."""
    rows: list[tuple[str, str, bool, str | None]] = []  # question, topic, abstained, rating
    for topic, questions in MISSING.items():
        for i, q in enumerate(questions):
            # interview questions were answered (badly) and rated down; the rest abstained, some also rated down
            rows.append((q, topic, topic != "interview", "down" if topic == "interview" or i % 4 == 0 else None))
    rows += [(q, "one-off", True, None) for q in ONE_OFFS]
    rows.append(("Is a CRO the same as a CSO?", "right-abstention", True, "up"))  # the user agreed: no gap
    n = 0
    while len(rows) < 200:
        q = ANSWERED[n % len(ANSWERED)]
        rows.append((q, "answered", False, "up" if n % 5 == 0 else None))
        n += 1
    order = np.random.default_rng(7).permutation(len(rows))
    topic_of: dict[str, str] = {}
    for k, pos in enumerate(order):
        q, topic, abstained, rating = rows[pos]
        cid = f"c{k}"
        number = store.add_turn(cid, q, q, "I don't know." if abstained else "An answer [1].", abstained,
                                [] if abstained else [{"n": 1, "quote": "A quote.", "chunk_id": "a#1"}], {},
                                reason="aspect not covered" if abstained else "")
        if rating:
            store.add_feedback(cid, number, rating, "wrong" if rating == "down" else None)
        with store.engine.begin() as conn:
            conn.execute(update(turns).where(turns.c.conversation_id == cid)
                         .values(created_at=START + timedelta(hours=12 * k)))
        topic_of[q] = topic
    return topic_of


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'roleqa.db'}")
    yield s
    s.close()


def test_review_turns_and_gap_selection(store: Store) -> None:
    topic_of = seed(store)
    review = store.review_turns()
    # 33 abstained in missing topics, 6 rated-down interview answers, 5 one-offs, 1 up-rated abstention,
    # 31 up-rated answers
    assert len(review) == 76
    assert all(t.abstained or t.rating for t in review)
    gaps = gap_turns(review)
    assert {topic_of[t.question] for t in gaps} == set(MISSING) | {"one-off"}
    assert len(gaps) == sum(map(len, MISSING.values())) + len(ONE_OFFS)
    assert all(t.created_at.tzinfo is not None for t in gaps)
    since = store.review_turns(since=START + timedelta(days=50))
    assert since and all(t.created_at >= START + timedelta(days=50) for t in since)


def test_cluster_cuts_at_the_similarity() -> None:
    v = np.array([[1, 0], [0.96, 0.28], [0, 1], [0.28, 0.96]], dtype=np.float32)
    assert len(set(cluster(v, 0.9))) == 2 and cluster(v, 0.9)[0] == cluster(v, 0.9)[1]
    assert len(set(cluster(v, 0.0))) == 1 and len(set(cluster(v, 0.99))) == 4


@pytest.mark.slow
def test_paraphrases_of_one_missing_topic_group_together(store: Store, real_encoder) -> None:  # type: ignore[no-untyped-def]
    topic_of = seed(store)
    topics = find_gaps(store.review_turns(), real_encoder)
    found = [{topic_of[e.question] for e in t.examples} for t in topics]
    # the five biggest topics are the five missing ones, in order of how often they were asked
    assert [t.count for t in topics[:5]] == sorted(map(len, MISSING.values()), reverse=True)
    assert found[:5] == [{"equity"}, {"remote"}, {"firing"}, {"interview"}, {"gdpr"}]
    assert all(t.count == 1 for t in topics[5:]) and len(topics) == 5 + len(ONE_OFFS)
    top = topics[0]
    assert top.abstained == 12 and top.rated_down == 3 and top.reasons == (("aspect not covered", 12),)
    assert top.first_asked < top.last_asked and len(top.examples) == 5
    assert topics[3].abstained == 0 and topics[3].rated_down == 6  # answered but rated down is a gap too


def test_gaps_cli_text_json_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "g.db"
    store = Store(f"sqlite:///{db}")
    seed(store)
    store.close()
    monkeypatch.setenv("ROLEQA_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    runner = CliRunner()
    text = runner.invoke(cli, ["gaps", "--limit", "3"])
    assert text.exit_code == 0, text.output
    assert "topic(s) from 44 question(s)" in text.output and "\n1. " in text.output and "\n4. " not in text.output
    assert "more (--limit N" in text.output and "2026-" in text.output
    as_json = runner.invoke(cli, ["gaps", "--json"])
    body = json.loads(as_json.output)
    assert sum(t["count"] for t in body["topics"]) == 44
    assert [t["count"] for t in body["topics"]] == sorted((t["count"] for t in body["topics"]), reverse=True)
    assert {"label", "examples", "first_asked", "reasons"} <= set(body["topics"][0])
    page = tmp_path / "gaps.html"
    made = runner.invoke(cli, ["gaps", "--html", str(page), "--since", "2027-01-01"])
    assert made.exit_code == 0 and "No gaps" in page.read_text()
    made = runner.invoke(cli, ["gaps", "--html", str(page)])
    assert made.exit_code == 0 and str(page) in made.output
    assert page.read_text().count("<tr>") == len(body["topics"]) + 1 and "CRO stock option" in page.read_text()


def test_gaps_cli_bad_input_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEQA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("ROLEQA_ENCODER", "fake")
    runner = CliRunner()
    assert "No gaps" in runner.invoke(cli, ["gaps"]).output
    bad = runner.invoke(cli, ["gaps", "--since", "last tuesday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output and "Traceback" not in bad.output
    bad = runner.invoke(cli, ["gaps", "--min-similarity", "1.5"])
    assert bad.exit_code == 2
    bad = runner.invoke(cli, ["gaps", "--html", str(tmp_path / "no" / "dir" / "g.html")])
    assert bad.exit_code == 2 and "cannot write" in bad.output


def test_find_gaps_with_the_fake_encoder_keeps_identical_questions_together(store: Store) -> None:
    seed(store)
    topics = find_gaps(store.review_turns(), FakeEncoder())
    assert sum(t.count for t in topics) == 44
    for t in topics:  # the same wording never lands in two topics
        others = [x for x in topics if x is not t]
        assert not {e.question for e in t.examples} & {e.question for o in others for e in o.examples}
