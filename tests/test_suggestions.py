"""Suggested follow-ups: corpus questions near the cited passages, only ones roleqa answers."""

from __future__ import annotations

import re

import numpy as np
from fastapi.testclient import TestClient

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from service.corpus import Article
from service.suggestions import Suggestion, question_headings, suggest
from tests.conftest import page_token

TEXT = "# Guide?\n\nIntro.\n\n## What does a CRO do?\n\nLeads revenue.\n\n### How much does a CRO earn?\n\nA lot.\n"


def test_question_headings_are_the_headings_phrased_as_questions() -> None:
    found = question_headings([Article("a", "A", TEXT), Article("b", "B", "## What does a CRO do?\n\nx\n")])
    assert [(s.question, s.article_id) for s in found] == [
        ("Guide?", "a"), ("What does a CRO do?", "a"), ("How much does a CRO earn?", "a")]  # repeats dropped
    assert TEXT[found[1].position:].startswith("## What does a CRO do?")


def _s(question: str, article: str, position: int, *vector: float) -> Suggestion:
    v = np.array(vector, dtype=np.float32)
    return Suggestion(question, article, position, v / np.linalg.norm(v))


def test_suggest_ranks_by_closeness_and_skips_what_was_asked_or_cited() -> None:
    pool = [_s("Far?", "a", 0, 0, 1, 0), _s("Close?", "b", 500, 1, 0.2, 0), _s("Own heading?", "a", 950, 1, 0, 0),
            _s("What is the main difference between a CSO and a CRO?", "a", 3000, 1, 0, 0),
            _s("Close, same article?", "a", 4000, 1, 0.5, 0)]
    passage = np.array([[1, 0, 0]], dtype=np.float32)
    got = suggest(pool, [("a", 1000, 1200)], ["What's the difference between a CSO and a CRO?"], passage, limit=3)
    # the same-article bonus lifts "Close, same article?" (0.89 + 0.1) over "Close?" (0.98)
    assert got == ["Close, same article?", "Close?", "Far?"]


def test_nearly_alike_questions_are_the_same_question() -> None:
    from service.suggestions import same_question

    assert same_question("What's the difference between a CSO and a CRO?",
                         "What is the main difference between a CSO and a CRO?")
    assert not same_question("What does a CSO do?", "What does a CSO earn?")


def test_answers_and_abstentions_offer_follow_ups_that_are_answered(fake_settings: Settings,
                                                                    fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        headers = {"X-CSRF-Token": page_token(client)}
        for question in ("Who does the VP of Sales report to?", "What is the capital of France?"):
            data = client.post("/web/answer", json={"question": question}, headers=headers).json()
            offered = re.findall(r'class="suggestion">([^<]+)<', data["html"])
            assert offered, (question, data["abstained"])
            for follow_up in offered:
                follow_up = follow_up.replace("&#39;", "'").replace("&amp;", "&")
                assert follow_up.lower() != question.lower()
                assert not client.post("/api/answer", json={"question": follow_up}).json()["abstained"], follow_up
        # the page offers them after the latest answer only, as buttons that work without JavaScript
        page = client.get(f"/?c={data['conversation_id']}").text
        assert page.count('class="suggestions"') == 1 and 'type="submit" name="question"' in page
