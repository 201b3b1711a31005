"""Prometheus metrics and fuzzing of the OpenAPI schema."""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings


def test_metrics_count_requests_answers_and_index(fake_settings: Settings, fake_assistant: Assistant) -> None:
    with TestClient(create_app(fake_settings, fake_assistant)) as c:
        c.post("/api/answer", json={"question": "How much does a VP of Sales earn?"})
        c.post("/api/answer", json={"question": ""})
        text = c.get("/metrics").text
    assert 'roleqa_http_requests_total{method="POST",route="/api/answer",status="200"} 1.0' in text
    assert 'roleqa_http_requests_total{method="POST",route="/api/answer",status="422"} 1.0' in text
    assert 'roleqa_answers_total{abstained="false"} 1.0' in text
    assert f"roleqa_index_chunks {float(len(fake_assistant.index.chunks))}" in text


@pytest.fixture()
def api_schema(fake_settings: Settings, fake_assistant: Assistant):  # type: ignore[no-untyped-def]
    app = create_app(fake_settings.model_copy(update={"rate_limit_per_minute": 0}), fake_assistant)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


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
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    case.call_and_validate(checks=[response_schema_conformance, status_code_conformance])
