"""Conversation store: conversations, turns and feedback in a SQL database through SQLAlchemy.

SQLite by default (WAL, busy timeout, so concurrent writers wait instead of failing); any
SQLAlchemy URL works, e.g. PostgreSQL for several replicas. The schema is versioned: migrations
below run in order at startup and are recorded in `schema_version`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    event,
    exists,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from service.conversation import Turn

logger = logging.getLogger(__name__)
_MIGRATION_LOCK_KEY = 0x726F6C65  # "role": pg_advisory_lock key for migrations

metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True),
                       Column("applied_at", DateTime(timezone=True), nullable=False))
conversations = Table("conversations", metadata,
                      Column("id", String(100), primary_key=True),
                      Column("created_at", DateTime(timezone=True), nullable=False),
                      Column("turns", Integer, nullable=False, default=0))
turns = Table("turns", metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("conversation_id", String(100), ForeignKey("conversations.id"), nullable=False, index=True),
              Column("turn", Integer, nullable=False),
              Column("question", Text, nullable=False),
              Column("standalone_question", Text, nullable=False),
              Column("answer", Text, nullable=False),
              Column("abstained", Boolean, nullable=False),
              Column("citations", JSON, nullable=False),
              Column("timings_ms", JSON, nullable=False),
              Column("created_at", DateTime(timezone=True), nullable=False),
              Column("reason", Text, nullable=True),  # why roleqa abstained (schema v2)
              UniqueConstraint("conversation_id", "turn"))
feedback = Table("feedback", metadata,
                 Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("conversation_id", String(100), nullable=False, index=True),
                 Column("turn", Integer, nullable=False),
                 Column("rating", String(8), nullable=False),
                 Column("comment", Text),
                 Column("created_at", DateTime(timezone=True), nullable=False))


def _v1(conn: Connection) -> None:
    for table in (conversations, turns, feedback):
        table.create(conn, checkfirst=True)


def _v2(conn: Connection) -> None:
    # v1 databases lack the column; a v2 table made by _v1 on a fresh database has it already
    existing = {c["name"] for c in inspect(conn).get_columns("turns")}
    if "reason" not in existing:
        conn.execute(text("ALTER TABLE turns ADD COLUMN reason TEXT"))


# Append new migrations; never edit an applied one.
MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [(1, _v1), (2, _v2)]


class UnknownTurnError(Exception):
    """Feedback for a conversation or turn that does not exist."""


@dataclass(frozen=True)
class StoredTurn:
    turn: int
    question: str
    standalone_question: str
    answer: str
    abstained: bool
    citations: list[dict[str, Any]]
    timings_ms: dict[str, float]
    reason: str = ""


@dataclass(frozen=True)
class ReviewTurn:
    """A turn a maintainer may want to look at: it abstained, or someone rated it (the latest rating counts)."""

    conversation_id: str
    turn: int
    question: str
    standalone_question: str
    answer: str
    abstained: bool
    reason: str
    citations: list[dict[str, Any]]
    created_at: datetime
    rating: str | None = None
    comment: str | None = None


def scoped_id(owner: str, conversation_id: str) -> str:
    """The stored id of an owner's conversation: ids are namespaced by owner, so one owner's
    "ticket-4711" is not another's, and nobody reaches a conversation by guessing its id."""
    return hashlib.sha256(f"{owner}\0{conversation_id}".encode()).hexdigest()


class OwnedStore:
    """One owner's view of the store (an API key, a browser session, ...): same calls, scoped ids."""

    def __init__(self, store: Store, owner: str) -> None:
        self.store = store
        self.owner = owner

    def history(self, conversation_id: str) -> list[Turn]:
        return self.store.history(scoped_id(self.owner, conversation_id))

    def turns(self, conversation_id: str) -> list[StoredTurn]:
        return self.store.turns(scoped_id(self.owner, conversation_id))

    def add_turn(self, conversation_id: str, *args: Any, **kwargs: Any) -> int:
        return self.store.add_turn(scoped_id(self.owner, conversation_id), *args, **kwargs)

    def add_feedback(self, conversation_id: str, turn: int, rating: str, comment: str | None) -> None:
        try:
            self.store.add_feedback(scoped_id(self.owner, conversation_id), turn, rating, comment)
        except UnknownTurnError:
            raise UnknownTurnError(f"conversation {conversation_id!r} has no turn {turn}") from None

    def feedback_count(self, conversation_id: str) -> int:
        return self.store.feedback_count(scoped_id(self.owner, conversation_id))

    def ratings(self, conversation_id: str) -> dict[int, str]:
        return self.store.ratings(scoped_id(self.owner, conversation_id))


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Thread-safe (one connection per call) access to conversations."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        kwargs: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        self._count_turn = self._count_turn_statement()
        self._insert_turn = insert(turns)
        # SQLite allows one writer: queue this process's writers on a lock instead of in SQLite's busy
        # handler, whose back-off sleeps give long tail latencies under load.
        sqlite = parsed.get_backend_name() == "sqlite"
        self._write_lock: AbstractContextManager[object] = threading.Lock() if sqlite else nullcontext()
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """Serialize migrations across processes (workers starting together on a new database)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            with open(f"{url.database}.migrate.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
        elif url.get_backend_name() == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK_KEY})
                    conn.commit()
        else:
            yield

    def migrate(self) -> int:
        """Apply pending migrations under a cross-process lock; returns the schema version."""
        with self._migration_lock():
            return self._migrate()

    def _migrate(self) -> int:
        with self.engine.begin() as conn:
            schema_version.create(conn, checkfirst=True)
            done = set(conn.scalars(select(schema_version.c.version)))
            for version, step in MIGRATIONS:
                if version not in done:
                    step(conn)
                    conn.execute(insert(schema_version).values(version=version, applied_at=_now()))
                    logger.info("applied schema migration %d", version)
            return max(done | {v for v, _ in MIGRATIONS})

    def ping(self) -> bool:
        """Whether the database answers and has the conversation tables."""
        try:
            with self.engine.connect() as conn:
                conn.execute(select(func.count()).select_from(schema_version))
            return True
        except SQLAlchemyError:
            return False

    def new_id(self) -> str:
        return uuid.uuid4().hex

    def for_owner(self, owner: str) -> OwnedStore:
        return OwnedStore(self, owner)

    def history(self, conversation_id: str) -> list[Turn]:
        """The conversation as alternating user/assistant turns (empty when unknown)."""
        out: list[Turn] = []
        for t in self.turns(conversation_id):
            out += [Turn("user", t.question), Turn("assistant", t.answer)]
        return out

    def turns(self, conversation_id: str) -> list[StoredTurn]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(turns).where(turns.c.conversation_id == conversation_id)
                                .order_by(turns.c.turn)).mappings()
            return [StoredTurn(r["turn"], r["question"], r["standalone_question"], r["answer"], r["abstained"],
                               _json(r["citations"]), _json(r["timings_ms"]), r["reason"] or "") for r in rows]

    def add_turn(self, conversation_id: str, question: str, standalone: str, answer: str, abstained: bool,
                 citations: list[dict[str, Any]], timings_ms: dict[str, float], reason: str = "") -> int:
        """Record one answered question; returns its 1-based turn number."""
        now = _now()
        with self._write_lock, self.engine.begin() as conn:
            # One upsert numbers the turn: a new conversation starts at 1, an existing one's count goes up
            # by one under its row lock, so concurrent first turns of one new id (several workers or
            # replicas) neither fail on the primary key nor share a number. Writing first also takes
            # SQLite's write lock before any read (no stale snapshot).
            number = conn.scalar(self._count_turn, {"cid": conversation_id, "now": now})
            conn.execute(self._insert_turn, {
                "conversation_id": conversation_id, "turn": number, "question": question,
                "standalone_question": standalone, "answer": answer, "abstained": abstained,
                "citations": citations, "timings_ms": timings_ms, "created_at": now, "reason": reason or None})
            return int(number or 0)

    def _count_turn_statement(self) -> Any:
        """INSERT a conversation with one turn, or add one to an existing one's count; RETURNING the count.

        Built once: a statement reused with bound parameters skips SQLAlchemy's per-call construction and
        cache-key walk.
        """
        from sqlalchemy.dialects import postgresql, sqlite

        name = self.engine.dialect.name
        if name not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"the conversation store supports SQLite and PostgreSQL, not {name}")
        dialect_insert = postgresql.insert if name == "postgresql" else sqlite.insert
        statement = dialect_insert(conversations).values(id=bindparam("cid"), created_at=bindparam("now"), turns=1)
        return statement.on_conflict_do_update(index_elements=["id"], set_={"turns": conversations.c.turns + 1}
                                               ).returning(conversations.c.turns)

    def add_feedback(self, conversation_id: str, turn: int, rating: str, comment: str | None) -> None:
        with self._write_lock, self.engine.begin() as conn:
            found = conn.execute(select(turns.c.id).where(turns.c.conversation_id == conversation_id,
                                                          turns.c.turn == turn)).first()
            if not found:
                raise UnknownTurnError(f"conversation {conversation_id!r} has no turn {turn}")
            conn.execute(insert(feedback).values(conversation_id=conversation_id, turn=turn, rating=rating,
                                                 comment=comment, created_at=_now()))

    def feedback_count(self, conversation_id: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(feedback)
                                   .where(feedback.c.conversation_id == conversation_id)) or 0)

    def ratings(self, conversation_id: str) -> dict[int, str]:
        """Each rated turn's latest rating (the page shows the chosen thumb)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(feedback.c.turn, feedback.c.rating)
                                .where(feedback.c.conversation_id == conversation_id).order_by(feedback.c.id))
            return {int(turn): str(rating) for turn, rating in rows}

    def review_turns(self, since: datetime | None = None) -> list[ReviewTurn]:
        """Every turn that abstained or was rated, oldest first, with its latest rating and comment."""
        with self.engine.connect() as conn:
            ratings: dict[tuple[str, int], tuple[str, str | None]] = {}
            for f in conn.execute(select(feedback).order_by(feedback.c.id)).mappings():
                ratings[(f["conversation_id"], f["turn"])] = (f["rating"], f["comment"])
            rated = exists().where(feedback.c.conversation_id == turns.c.conversation_id,
                                   feedback.c.turn == turns.c.turn)
            query = select(turns).where(or_(turns.c.abstained.is_(True), rated)).order_by(turns.c.created_at,
                                                                                          turns.c.id)
            if since is not None:
                query = query.where(turns.c.created_at >= since)
            out = []
            for r in conn.execute(query).mappings():
                rating, comment = ratings.get((r["conversation_id"], r["turn"]), (None, None))
                if r["abstained"] or rating:
                    created = r["created_at"]
                    out.append(ReviewTurn(r["conversation_id"], r["turn"], r["question"], r["standalone_question"],
                                          r["answer"], r["abstained"], r["reason"] or "", _json(r["citations"]),
                                          created if created.tzinfo else created.replace(tzinfo=UTC),
                                          rating, comment))
            return out

    def close(self) -> None:
        self.engine.dispose()


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # with WAL, NORMAL syncs at checkpoints instead of at every commit: a power cut may lose the last turns,
    # never corrupt the file. An fsync per answered turn was 7.7% of a worker's samples (py-spy, issue 12).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

