"""The HTTP contract with the fake-encoder assistant: shapes, errors and readiness."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.assistant import Assistant
from service.config import Settings


@pytest.fixture()
def client(fake_settings: Settings, fake_assistant: Assistant):  # type: ignore[no-untyped-def]
    with TestClient(create_app(fake_settings, fake_assistant)) as c:
        yield c


def test_answer_contract(client: TestClient) -> None:
    r = client.post("/api/answer", json={"question": "How much does a VP of Sales earn?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"answer", "abstained", "conversation_id", "turn", "standalone_question", "citations",
                         "timings_ms", "reason"}
    assert body["turn"] == 1
    assert body["abstained"] is False and body["conversation_id"]
    cit = body["citations"][0]
    assert set(cit) == {"n", "chunk_id", "article_id", "title", "section", "source", "quote", "text", "score",
                        "url"}
    assert cit["quote"] in cit["text"] and cit["article_id"] == "alpha"
    assert body["timings_ms"]["total"] > 0


def test_conversation_id_is_echoed(client: TestClient) -> None:
    r = client.post("/api/answer", json={"question": "What does a CSO do?", "conversation_id": "c-123"})
    assert r.json()["conversation_id"] == "c-123"


def test_history_makes_follow_ups_standalone(client: TestClient) -> None:
    history = [{"role": "user", "content": "How much does a VP of Sales earn?"},
               {"role": "assistant", "content": "Between $100,000 and $275,000."}]
    r = client.post("/api/answer", json={"question": "And the CRO?", "history": history})
    assert r.status_code == 200
    assert "CRO" in r.json()["standalone_question"] and "earn" in r.json()["standalone_question"]


def test_search_contract(client: TestClient) -> None:
    r = client.post("/api/search", json={"query": "VP of Sales salary", "k": 2})
    assert r.status_code == 200
    body = r.json()
    assert body["standalone_query"] == "VP of Sales salary"
    assert len(body["results"]) == 2
    assert set(body["results"][0]) == {"chunk_id", "article_id", "title", "section", "text", "score"}


@pytest.mark.parametrize("payload, message", [
    ({"question": ""}, "question: must not be empty"),
    ({"question": "   "}, "question: must not be empty"),
    ({"question": "x" * 2001}, "question is too long: at most 2000 characters (this one has 2001)"),
    ({}, "question is required"),
    ({"question": 42}, "question"),
    ({"question": "hi", "top_k": 0}, "top_k"),
    ({"question": "hi", "history": [{"role": "robot", "content": "x"}] }, "history"),
    ({"question": "hi", "history": [{"role": "user", "content": "x"}] * 51}, "history"),
    ({"question": "hi", "surprise": 1}, "surprise"),
    ({"question": "who does the CRO\u0000 report to"}, "question: must not contain control characters"),
    ({"question": "hi", "conversation_id": "a\u0000b"}, "conversation_id"),
    ({"question": "hi", "history": [{"role": "user", "content": "x\u0000"}]}, "history"),
])
def test_bad_input_gets_a_readable_422(client: TestClient, payload: dict, message: str) -> None:
    r = client.post("/api/answer", json=payload)
    assert r.status_code == 422
    assert message in r.json()["detail"]
    assert "Traceback" not in r.text


def test_bad_json_gets_422(client: TestClient) -> None:
    r = client.post("/api/answer", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "not valid JSON" in r.json()["detail"]


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["chunks"] > 0 and ready["model"] == "fake-hashing-encoder"


def test_missing_index_gives_503_with_hint(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path / "none", encoder="fake")
    with TestClient(create_app(settings)) as c:
        assert c.get("/healthz").status_code == 200
        ready = c.get("/readyz")
        assert ready.status_code == 503 and "roleqa index" in ready.json()["detail"]
        r = c.post("/api/answer", json={"question": "Who does the CRO report to?"})
        assert r.status_code == 503 and "roleqa index" in r.json()["detail"]


def test_server_side_history_follows_up(client: TestClient) -> None:
    first = client.post("/api/answer", json={"question": "How much does a VP of Sales earn?"}).json()
    second = client.post("/api/answer", json={"question": "And the CRO?", "conversation_id": first["conversation_id"]})
    body = second.json()
    assert body["turn"] == 2 and body["conversation_id"] == first["conversation_id"]
    assert "CRO" in body["standalone_question"] and "earn" in body["standalone_question"]
    search = client.post("/api/search", json={"query": "and the CSO?", "conversation_id": first["conversation_id"]})
    assert "CSO" in search.json()["standalone_query"]


def test_every_answered_turn_is_stored_as_answered(client: TestClient) -> None:
    # the store write stays on the request path: when the response names a turn, that turn is in the database
    first = client.post("/api/answer", json={"question": "How much does a VP of Sales earn?"}).json()
    second = client.post("/api/answer", json={"question": "And the CRO?",
                                              "conversation_id": first["conversation_id"]}).json()
    store = client.app.state.store.for_owner("api")  # type: ignore[attr-defined]
    stored = store.turns(first["conversation_id"])
    assert [t.turn for t in stored] == [first["turn"], second["turn"]] == [1, 2]
    for turn, body in zip(stored, (first, second), strict=True):
        assert (turn.answer, turn.standalone_question, turn.abstained) == (
            body["answer"], body["standalone_question"], body["abstained"])
        assert turn.citations == body["citations"] and turn.timings_ms == body["timings_ms"]


def test_feedback_is_stored_and_validated(client: TestClient) -> None:
    first = client.post("/api/answer", json={"question": "What does a CSO do?"}).json()
    ok = client.post("/api/feedback", json={"conversation_id": first["conversation_id"], "turn": 1, "rating": "up"})
    assert ok.status_code == 200 and ok.json() == {"status": "ok"}
    store = client.app.state.store  # type: ignore[attr-defined]
    assert store.for_owner("api").feedback_count(first["conversation_id"]) == 1  # API without keys: one owner
    missing = client.post("/api/feedback", json={"conversation_id": first["conversation_id"], "turn": 9,
                                                 "rating": "up"})
    assert missing.status_code == 404 and "no turn 9" in missing.json()["detail"]
    bad = client.post("/api/feedback", json={"conversation_id": "x", "turn": 1, "rating": "meh"})
    assert bad.status_code == 422 and "rating" in bad.json()["detail"]


def test_a_failed_store_write_still_returns_the_answer(fake_settings: Settings, fake_assistant: Assistant,
                                                      tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "broken.db"
    settings = fake_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    with TestClient(create_app(settings, fake_assistant)) as c:
        con = sqlite3.connect(db)
        con.execute("DROP TABLE turns")  # every later write fails inside the database
        con.commit()
        con.close()
        r = c.post("/api/answer", json={"question": "How much does a VP of Sales earn?"})
        assert r.status_code == 200, r.text
        assert "$100,000" in r.json()["answer"] and r.json()["turn"] is None
        assert "roleqa_store_write_failures_total 1.0" in c.get("/metrics").text


def test_readyz_checks_the_database(fake_settings: Settings, fake_assistant: Assistant, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "ready.db"
    settings = fake_settings.model_copy(update={"database_url": f"sqlite:///{db}"})
    with TestClient(create_app(settings, fake_assistant)) as c:
        ready = c.get("/readyz")
        assert ready.status_code == 200 and ready.json()["database"] == "ok"
        con = sqlite3.connect(db)
        con.execute("DROP TABLE schema_version")
        con.commit()
        con.close()
        down = c.get("/readyz")
        assert down.status_code == 503 and "database" in down.json()["detail"]
