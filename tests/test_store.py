"""The conversation store on a real SQLite file and on a real PostgreSQL server."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from service.store import Store, UnknownTurnError


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'sub' / 'roleqa.db'}")


def test_turns_round_trip_and_history(store: Store) -> None:
    cid = store.new_id()
    n1 = store.add_turn(cid, "Who does the VP of Sales report to?", "same", "The CSO [1]", False,
                        [{"n": 1, "chunk_id": "a#001"}], {"total": 12.5})
    n2 = store.add_turn(cid, "And the CRO?", "Who does the CRO report to?", "The CEO [1]", False, [], {})
    assert (n1, n2) == (1, 2)
    stored = store.turns(cid)
    assert stored[1].standalone_question == "Who does the CRO report to?"
    assert stored[0].citations == [{"n": 1, "chunk_id": "a#001"}] and stored[0].timings_ms == {"total": 12.5}
    assert [(t.role, t.content) for t in store.history(cid)] == [
        ("user", "Who does the VP of Sales report to?"), ("assistant", "The CSO [1]"),
        ("user", "And the CRO?"), ("assistant", "The CEO [1]")]
    assert store.history("unknown") == []


def test_sqlite_commits_in_wal_without_a_sync_per_turn(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL: synced at checkpoints


def test_schema_is_versioned_and_migrations_are_idempotent(store: Store) -> None:
    assert store.migrate() == 2
    assert store.migrate() == 2
    tables = set(inspect(store.engine).get_table_names())
    assert {"schema_version", "conversations", "turns", "feedback"} <= tables


def test_feedback_needs_an_existing_turn(store: Store) -> None:
    cid = store.new_id()
    store.add_turn(cid, "q", "q", "a", False, [], {})
    store.add_feedback(cid, 1, "up", "helpful")
    assert store.feedback_count(cid) == 1
    with pytest.raises(UnknownTurnError):
        store.add_feedback(cid, 2, "down", None)
    with pytest.raises(UnknownTurnError):
        store.add_feedback("nope", 1, "down", None)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'roleqa.db'}"
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database(f"t_{uuid.uuid4().hex[:12]}")


def test_a_conversation_counts_its_turns_and_keeps_its_start(database_url: str) -> None:
    from sqlalchemy import select

    from service.store import conversations

    store = Store(database_url)
    cid = store.new_id()

    def row():  # type: ignore[no-untyped-def]
        with store.engine.connect() as conn:
            return conn.execute(select(conversations).where(conversations.c.id == cid)).one()

    assert store.add_turn(cid, "q0", "q", "a", False, [], {}) == 1
    started = row().created_at
    assert [store.add_turn(cid, f"q{i}", "q", "a", False, [], {}) for i in (1, 2)] == [2, 3]
    assert store.add_turn(store.new_id(), "q", "q", "a", False, [], {}) == 1  # another conversation starts at 1
    assert row().turns == 3 and row().created_at == started  # a later turn counts, it does not restart
    assert [(t.turn, t.question) for t in store.turns(cid)] == [(1, "q0"), (2, "q1"), (3, "q2")]


def test_concurrent_writers_lose_nothing(database_url: str) -> None:
    stores = [Store(database_url) for _ in range(4)]  # separate engines, like separate workers
    cids = ["c1", "c2"]

    def write(i: int) -> int:
        return stores[i % 4].add_turn(cids[i % 2], f"q{i}", f"q{i}", "a", False, [], {})

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(write, range(80)))
    assert len(numbers) == 80
    for cid in cids:
        assert [t.turn for t in stores[0].turns(cid)] == list(range(1, 41))


def test_concurrent_first_turns_of_a_new_conversation_all_land(database_url: str) -> None:
    # 8 parallel first turns of one new id, 10 rounds: none fails on the primary key, none is lost
    stores = [Store(database_url) for _ in range(4)]
    for round_ in range(10):
        cid = f"new-{round_}"
        with ThreadPoolExecutor(max_workers=8) as pool:
            numbers = list(pool.map(
                lambda i, cid=cid: stores[i % 4].add_turn(cid, f"q{i}", "q", "a", False, [], {}), range(8)))
        assert sorted(numbers) == list(range(1, 9))
        assert [t.turn for t in stores[0].turns(cid)] == list(range(1, 9))


def test_the_store_round_trips_on_every_backend(database_url: str) -> None:
    store = Store(database_url)
    cid = store.new_id()
    store.add_turn(cid, "Who does the CSO report to?", "same", "The CEO [1]", False, [{"n": 1}], {"total": 3.5},
                   "")
    store.add_feedback(cid, 1, "up", None)
    assert [t.turn for t in store.turns(cid)] == [1] and store.feedback_count(cid) == 1
    assert store.ping() and store.migrate() == 2


def test_abstention_reason_is_stored(store: Store) -> None:
    cid = store.new_id()
    store.add_turn(cid, "parental leave of a CRO?", "same", "Sorry…", True, [], {}, "aspect not covered: parent leav")
    store.add_turn(cid, "And the CSO?", "same", "The CSO [1]", False, [], {})
    assert [t.reason for t in store.turns(cid)] == ["aspect not covered: parent leav", ""]


def test_a_version_1_database_gains_the_reason_column(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL);
        INSERT INTO schema_version VALUES (1, '2026-11-01 00:00:00');
        CREATE TABLE conversations (id VARCHAR(100) PRIMARY KEY, created_at TIMESTAMP NOT NULL, turns INTEGER NOT NULL);
        CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id VARCHAR(100) NOT NULL,
            turn INTEGER NOT NULL, question TEXT NOT NULL, standalone_question TEXT NOT NULL, answer TEXT NOT NULL,
            abstained BOOLEAN NOT NULL, citations JSON NOT NULL, timings_ms JSON NOT NULL,
            created_at TIMESTAMP NOT NULL, UNIQUE (conversation_id, turn));
        CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id VARCHAR(100) NOT NULL,
            turn INTEGER NOT NULL, rating VARCHAR(8) NOT NULL, comment TEXT, created_at TIMESTAMP NOT NULL);
        INSERT INTO conversations VALUES ('old', '2026-11-01 00:00:00', 1);
        INSERT INTO turns (conversation_id, turn, question, standalone_question, answer, abstained, citations,
            timings_ms, created_at) VALUES ('old', 1, 'q', 'q', 'a', 0, '[]', '{}', '2026-11-01 00:00:00');
    """)
    con.close()
    store = Store(f"sqlite:///{path}")
    assert store.migrate() == 2
    assert [(t.question, t.reason) for t in store.turns("old")] == [("q", "")]  # old turns kept
    store.add_turn("old", "q2", "q2", "Sorry", True, [], {}, "weak support (0.20)")
    assert store.turns("old")[1].reason == "weak support (0.20)"


def _open_store(path: str) -> int:
    return Store(f"sqlite:///{path}").migrate()


def test_workers_starting_together_on_a_new_database_all_get_a_store(tmp_path: Path) -> None:
    # uvicorn workers start at once; each process migrates the same new SQLite file
    import multiprocessing

    for round_ in range(3):
        path = str(tmp_path / f"fresh-{round_}.db")
        with multiprocessing.get_context("spawn").Pool(4) as pool:
            assert pool.map(_open_store, [path] * 4) == [2, 2, 2, 2]


def test_review_turns_on_every_backend(database_url: str) -> None:
    # the turns a maintainer reviews: abstained or rated (latest rating wins); answered and unrated ones are not
    store = Store(database_url)
    store.add_turn("a", "CRO equity?", "CRO equity?", "Sorry", True, [], {}, "aspect not covered")
    store.add_turn("a", "And the CSO?", "CSO equity?", "Sorry", True, [], {}, "aspect not covered")
    store.add_turn("b", "Who does the CSO report to?", "same", "The CEO [1]", False, [{"n": 1, "quote": "q"}], {})
    store.add_turn("c", "What does a CRO do?", "same", "Owns revenue [1]", False, [{"n": 1}], {})
    store.add_feedback("b", 1, "up", None)
    store.add_feedback("b", 1, "down", "wrong role")
    review = store.review_turns()
    assert [(t.conversation_id, t.turn, t.abstained, t.rating) for t in review] == [
        ("a", 1, True, None), ("a", 2, True, None), ("b", 1, False, "down")]
    assert review[1].standalone_question == "CSO equity?" and review[1].reason == "aspect not covered"
    assert review[2].comment == "wrong role" and review[2].citations == [{"n": 1, "quote": "q"}]
    assert all(t.created_at.tzinfo is not None for t in review)
    assert store.review_turns(since=datetime.now(UTC) + timedelta(days=1)) == []
    store.close()
