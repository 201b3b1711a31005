"""Prometheus metrics and fuzzing of the OpenAPI schema (single calls and linked sequences, SQLite and Postgres)."""

import uuid
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from service.store import Store, conversations, feedback, turns


def test_metrics_count_requests_answers_and_index(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as c:
        c.post("/api/answer", json={"question": "How much does a VP of Sales earn?"})
        c.post("/api/answer", json={"question": ""})
        text = c.get("/metrics").text
    assert 'roleqa_http_requests_total{method="POST",route="/api/answer",status="200"} 1.0' in text
    assert 'roleqa_http_requests_total{method="POST",route="/api/answer",status="422"} 1.0' in text
    assert 'roleqa_answers_total{abstained="false"} 1.0' in text
    assert f"roleqa_index_chunks {float(len(fake_assistant.index.chunks))}" in text


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api_settings(request: pytest.FixtureRequest, fake_settings: Settings, tmp_path: Path) -> Settings:
    """The app's settings with the store on a new SQLite file, and on a new PostgreSQL database (marked `postgres`)."""
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_cluster").create_database(f"fuzz_{uuid.uuid4().hex[:8]}")
    return fake_settings.model_copy(update={"rate_limit_per_minute": 0, "database_url": url})


@pytest.fixture()
def api_schema(api_settings: Settings, fake_assistant: Assistant):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(api_settings, fake_assistant))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_never_get_5xx(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, case.body, response.text[:200])


@schema.include(path_regex="^/api/").parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_api_responses_match_the_documented_schemas(case) -> None:  # type: ignore[no-untyped-def]
    # every error body (the 422s especially) must be the documented {"detail": str}, every success its model
    case.call_and_validate(checks=[response_schema_conformance, status_code_conformance])


def test_fuzzed_call_sequences_never_get_5xx(api_schema, api_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """Stateful: answer, then follow the OpenAPI links with its conversation id and turn (a follow-up, a
    search in the conversation, a rating of the turn), in random sequences with fuzzed other fields."""
    seen: Counter[str] = Counter()
    store = Store(api_settings.database_url)

    class Sequences(api_schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # every sequence starts from an empty store: hypothesis replays sequences and needs the same
            # responses (turn numbers, 404s) for the same calls, or it reports its own data as flaky
            with store.engine.begin() as conn:
                for table in (feedback, turns, conversations):
                    conn.execute(table.delete())

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # type: ignore[no-untyped-def]
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                                     status_code_conformance], transport_kwargs=kwargs or None)

        def after_call(self, response, case) -> None:  # type: ignore[no-untyped-def]
            cid = case.body.get("conversation_id") if isinstance(case.body, dict) else None
            linked = "linked" if isinstance(cid, str) and cid in answered else "fresh"
            seen[f"{case.path} {linked} {response.status_code}"] += 1
            if case.path == "/api/answer" and response.status_code == 200:
                answered.add(response.json()["conversation_id"])
                if response.json()["turn"] and response.json()["turn"] > 1:
                    seen["follow-up turn stored"] += 1

    answered: set[str] = set()
    try:
        Sequences.run(settings=settings(max_examples=100, stateful_step_count=6, deadline=None,
                                        suppress_health_check=list(HealthCheck)))
    finally:
        store.close()
    # the sequences really went through the links: follow-ups continued stored conversations, turns were rated
    assert seen["follow-up turn stored"] > 0, seen
    assert seen["/api/feedback linked 200"] > 0, seen
    assert seen["/api/search linked 200"] > 0, seen
    assert not [k for k in seen if k.split()[-1].startswith("5")], seen
