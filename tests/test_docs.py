"""/docs: Swagger UI from the local package under the strict CSP; the OpenAPI document says what the API does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings
from tests.conftest import serve


@pytest.fixture(scope="module")
def client(fake_settings: Settings, fake_assistant: Assistant) -> Iterator[TestClient]:
    with TestClient(create_app(fake_settings.model_copy(update={"api_keys": ["k-docs"]}), fake_assistant)) as c:
        yield c


def test_docs_page_loads_only_local_assets_under_the_csp(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe" not in csp and "default-src 'self'" in csp
    html = page.text
    assert "<script>" not in html and "http" not in html  # no inline script, no CDN or other host
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/docs/static/swagger-ui-bundle.js" in assets and "/static/docs.js" in assets
    for asset in assets:
        r = client.get(asset)
        assert r.status_code == 200 and r.content, asset
    assert 'PACKAGE_VERSION:"5.' in client.get("/docs/static/swagger-ui-bundle.js").text  # OpenAPI 3.1 needs UI 5
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN pages are off


def test_openapi_declares_the_api_key_scheme(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    scheme = schema["components"]["securitySchemes"]["APIKey"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    for path in ("/api/answer", "/api/search", "/api/feedback"):
        operation = schema["paths"][path]["post"]
        assert operation["security"] == [{"APIKey": []}]
        assert set(operation["responses"]) >= {"200", "401", "422", "429"}
    assert "security" not in schema["paths"]["/healthz"]["get"]
    # the declared scheme is the one the API enforces
    no_key = client.post("/api/search", json={"query": "CRO"})
    assert no_key.status_code == 401 and no_key.headers["www-authenticate"] == "Bearer"
    keyed = client.post("/api/search", json={"query": "CRO"}, headers={"Authorization": "Bearer k-docs"})
    assert keyed.status_code == 200


def test_openapi_422_detail_is_the_string_the_api_returns(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components and "ValidationError" not in components
    for path in ("/api/answer", "/api/search", "/api/feedback"):
        ref = schema["paths"][path]["post"]["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
        error = components[ref.rsplit("/", 1)[-1]]
        assert error["properties"]["detail"]["type"] == "string" and error["required"] == ["detail"]
    auth = {"Authorization": "Bearer k-docs"}
    for body in ({"question": ""}, {"question": "x" * 3000}, {}, {"question": "CRO", "top_k": "many"}):
        r = client.post("/api/answer", json=body, headers=auth)
        assert r.status_code == 422 and isinstance(r.json()["detail"], str) and list(r.json()) == ["detail"]
    bad_json = client.post("/api/answer", content=b"{", headers={**auth, "Content-Type": "application/json"})
    assert bad_json.status_code == 422 and bad_json.json()["detail"] == "the request body is not valid JSON"


@pytest.mark.browser
def test_swagger_ui_renders_in_chromium_without_csp_violations(browser, fake_settings: Settings,  # type: ignore[no-untyped-def]
                                                               fake_assistant: Assistant) -> None:
    # the session's Chromium (conftest): a second sync Playwright in the same thread is refused
    messages: list[str] = []
    foreign: list[str] = []
    with serve(create_app(fake_settings, fake_assistant)) as url:
        context = browser.new_context()
        page = context.new_page()
        page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))

        def record(request: Any) -> None:
            if not request.url.startswith((url, "data:")):
                foreign.append(request.url)

        page.on("request", record)
        page.goto(f"{url}/docs")
        # the operations, rendered from /openapi.json
        page.wait_for_selector('.opblock-summary-path[data-path="/api/answer"]', timeout=20_000)
        assert page.locator(".opblock").count() >= 5
        assert page.locator("button.authorize").count() == 1  # the declared API-key scheme
        context.close()
    assert foreign == []
    assert not [m for m in messages if "Content Security Policy" in m or m.startswith("pageerror")], messages


def test_json_body_that_is_not_utf8_is_a_422(client: TestClient) -> None:
    r = client.post("/api/answer", content=b'{"question": "\xff\xfe"}',
                    headers={"Authorization": "Bearer k-docs", "Content-Type": "application/json"})
    assert r.status_code == 422 and "UTF-8" in r.json()["detail"]


def test_deployment_doc_matches_the_code_and_the_tested_setup() -> None:
    from service.index import APPROXIMATE_THRESHOLD, IVF_NPROBE, choose_index_type
    from tests.conftest import ROOT
    from tests.replica_deployment import nginx_config

    doc = " ".join((ROOT / "docs" / "deployment.md").read_text().split())
    assert choose_index_type(APPROXIMATE_THRESHOLD - 1) == "flat" and choose_index_type(APPROXIMATE_THRESHOLD) == "ivf"
    assert APPROXIMATE_THRESHOLD == 100_000
    assert f"IVF (`IndexIVFFlat`, nprobe {IVF_NPROBE}) from 100k on" in doc and "HNSW above" not in doc
    # the nginx proxying the doc shows is the one tests/test_replicas.py runs
    block = (ROOT / "docs" / "deployment.md").read_text().split("```nginx", 1)[1].split("```", 1)[0]
    directives = [line.strip() for line in block.splitlines() if line.strip().startswith(("proxy_", "keepalive"))]
    assert len(directives) >= 6
    tested = nginx_config(Path("/tmp/x"), [8001, 8002], 8000)  # as tests/test_replicas.py runs it
    assert all(d in tested for d in directives), directives
