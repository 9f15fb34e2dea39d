"""Notification outbox: written in the same transaction as the change that causes it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    String,
    Text,
    bindparam,
    cast,
    insert,
    literal,
    null,
)
from sqlalchemy import select as core_select
from sqlmodel import Field, Session, SQLModel

from models.clock import utcnow
from models.driver_sql import driver_sql
from models.registry import Person


class Notification(SQLModel, table=True):
    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=40)
    context: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    language: str = Field(default="de", max_length=2)
    status: str = Field(default="pending", max_length=20, index=True)
    # Times the message was offered to the relay, and times the relay could not be used
    # before it was offered (down, TLS or login failed): see ikz.mail.outcome.
    attempts: int = 0
    deferrals: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    # Stable per notification: lets a later dispatcher derive one Message-ID and dedupe.
    dedupe_key: str = Field(max_length=200, unique=True)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


def enqueue(
    session: Session,
    *,
    recipient_ids: Sequence[int | None],
    kind: str,
    context: dict[str, Any],
    dedupe_prefix: str,
    now: datetime | None = None,
) -> list[int]:
    """Queue one notification per distinct recipient inside the caller's transaction.

    A dedupe key that is already queued is skipped, so a repeated event or review does
    not mail twice; returns the recipients actually queued, in the order given.

    One statement (INSERT ... SELECT FROM person WHERE key not queued ... RETURNING):
    every lifecycle change queues its mails here, and three statements (dedupe, language,
    insert) cost more in SQLAlchemy than the change itself. `enqueue_many` does the same
    for a batch with one bulk insert.
    """
    ids = list(dict.fromkeys(i for i in recipient_ids if i is not None))
    if not ids:
        return []
    session.flush()  # pending people first, as a query through the session would
    conn = session.connection()
    stamp = now or utcnow()
    done = set(
        conn.execute(
            _enqueue_statement(),
            {
                "ids": ids,
                "kind": kind,
                "context": context,
                "stamp": stamp,
                "prefix": f"{dedupe_prefix}:",
            },
        ).scalars()
    )
    return [pid for pid in ids if pid in done]


@cache
def _enqueue_statement() -> Any:
    """`enqueue`'s statement, built once (both SQLite and PostgreSQL have RETURNING). The
    NOT EXISTS skips keys already queued; the unique dedupe_key still settles a race."""
    stamp = bindparam("stamp", type_=_outbox_t.c.created_at.type)
    key = bindparam("prefix", type_=String()) + cast(_person_t.c.id, String())
    taken = core_select(_outbox_t.c.id).where(_outbox_t.c.dedupe_key == key).exists()
    rows = core_select(
        _person_t.c.id,
        bindparam("kind", type_=String()),
        bindparam("context", type_=JSON()),
        _person_t.c.language,
        literal("pending"),
        literal(0),
        literal(0),
        stamp,
        key,
        null(),
        stamp,
    ).where(_person_t.c.id.in_(bindparam("ids", expanding=True)), ~taken)
    columns = [
        "recipient_id",
        "kind",
        "context",
        "language",
        "status",
        "attempts",
        "deferrals",
        "next_attempt_at",
        "dedupe_key",
        "last_error",
        "created_at",
    ]
    return insert(_outbox_t).from_select(columns, rows).returning(_outbox_t.c.recipient_id)


@dataclass(frozen=True)
class Queued:
    """One `enqueue` call's arguments, for `enqueue_many`."""

    recipient_ids: Sequence[int | None]
    kind: str
    context: dict[str, Any]
    dedupe_prefix: str


# Keys per IN query: well below SQLite's bound-parameter limit.
_IN_CHUNK = 900
_outbox_t = Notification.__table__  # type: ignore[attr-defined]
_person_t = Person.__table__  # type: ignore[attr-defined]
_TAKEN = core_select(_outbox_t.c.dedupe_key).where(
    _outbox_t.c.dedupe_key.in_(bindparam("keys", expanding=True))
)
_LANGUAGES = core_select(_person_t.c.id, _person_t.c.language).where(
    _person_t.c.id.in_(bindparam("ids", expanding=True))
)


def enqueue_many(
    session: Session, items: Sequence[Queued], *, now: datetime | None = None
) -> list[list[int]]:
    """`enqueue` for a whole batch in the caller's transaction: one dedupe query and one
    language query per 900 keys and one bulk INSERT, instead of three statements per item.

    Same rules as `enqueue` (one row per distinct recipient, already queued keys skipped,
    including keys queued earlier in the same call); returns the recipients queued per item.
    """
    wanted: list[tuple[Queued, list[tuple[int, str]]]] = []
    seen: set[str] = set()
    for item in items:
        mine = []
        for pid in dict.fromkeys(i for i in item.recipient_ids if i is not None):
            key = f"{item.dedupe_prefix}:{pid}"
            if key not in seen:  # queued by an earlier item of this call
                seen.add(key)
                mine.append((pid, key))
        wanted.append((item, mine))
    keys = list(seen)
    # Core on the session's connection with prebuilt statements: enqueue runs inside
    # every transition, where ORM execution and statement building cost more than the
    # queries. Flush first, as session.exec would, so pending people are seen.
    session.flush()
    conn = session.connection()
    taken: set[str] = set()
    for i in range(0, len(keys), _IN_CHUNK):
        taken.update(conn.execute(_TAKEN, {"keys": keys[i : i + _IN_CHUNK]}).scalars())
    people = sorted({pid for _, mine in wanted for pid, key in mine if key not in taken})
    langs: dict[int, str] = {}
    for i in range(0, len(people), _IN_CHUNK):
        for pid, lang in conn.execute(_LANGUAGES, {"ids": people[i : i + _IN_CHUNK]}):
            langs[pid] = lang
    stamp = _stamp_value(conn, now or utcnow())
    dumps = _serializer(session)
    values: list[dict[str, Any]] = []
    queued: list[list[int]] = []
    for item, mine in wanted:
        fresh = [(pid, key) for pid, key in mine if key not in taken]
        queued.append([pid for pid, _ in fresh])
        if not fresh:
            continue
        # One context, one JSON text: serialized once for all its recipients rather than
        # once per row by the column type (a review's context is over a kilobyte).
        context = dumps(item.context)
        values.extend(
            {
                "recipient_id": pid,
                "kind": item.kind,
                "context_json": context,
                "language": langs.get(pid, "de"),
                "status": "pending",
                "attempts": 0,
                "deferrals": 0,
                "stamp": stamp,
                "dedupe_key": key,
                "last_error": None,
            }
            for pid, key in fresh
        )
    if values:
        _insert(conn, values)
    return queued


@cache
def _insert_statement(dialect_name: str) -> Any:
    """The bulk INSERT of `enqueue_many`, taking the context as JSON text ("context_json")
    and one time ("stamp") for both created_at and next_attempt_at.

    SQLite stores that text as the JSON column type would have (same serializer, see
    `_serializer`). PostgreSQL types its parameters, so there the text is cast to JSON.
    """
    table = Notification.__table__  # type: ignore[attr-defined]
    text: Any = bindparam("context_json", type_=Text())
    if dialect_name != "sqlite":
        text = cast(text, JSON)
    stamp = bindparam("stamp", type_=table.c.created_at.type)
    return insert(table).values(context=text, created_at=stamp, next_attempt_at=stamp)


def _stamp_value(conn: Connection, stamp: datetime) -> Any:
    """The time as `_insert` passes it: on SQLite already converted by the column type
    (the driver gets it as is, see there), elsewhere the datetime."""
    if conn.dialect.name != "sqlite":
        return stamp
    column_type = Notification.__table__.c.created_at.type  # type: ignore[attr-defined]
    to_db = column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return to_db(stamp) if to_db else stamp


def _insert(conn: Connection, values: list[dict[str, Any]]) -> None:
    """Insert the rows in one executemany (Core: the ORM's bulk path would build and track
    an object per row).

    On SQLite the rows go to the driver as tuples in the compiled statement's parameter
    order: every value is already what SQLite stores (the context serialized, the time
    converted once per call), and SQLAlchemy's per-row parameter handling cost more
    than SQLite's insert of the row (a sweep of 100,000 cooperations queues 280,000).
    """
    if conn.dialect.name != "sqlite":
        conn.execute(_insert_statement(conn.dialect.name), values)
        return
    # Converted beforehand (convert=False): the context is JSON text already, the time
    # converted once per call by `_stamp_value`.
    prepared = driver_sql(
        _insert_statement(conn.dialect.name), conn.dialect, tuple(values[0]), convert=False
    )
    conn.exec_driver_sql(prepared.sql, [prepared.params(v) for v in values])


def _serializer(session: Session) -> Callable[[Any], str]:
    """The JSON column type's serializer: an engine's `json_serializer`, else json.dumps."""
    return getattr(session.get_bind().dialect, "_json_serializer", None) or json.dumps
