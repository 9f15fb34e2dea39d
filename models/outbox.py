"""Notification outbox: written in the same transaction as the change that causes it."""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    JSON,
    Column,
    Connection,
    Integer,
    String,
    Text,
    any_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    null,
)
from sqlalchemy import select as core_select
from sqlmodel import Field, Relationship, Session

from models.base import Table
from models.clock import utcnow
from models.db import compact_json
from models.driver_sql import driver_sql, run
from models.partial_index import partial_index
from models.registry import Person


class OutboxContext(Table, table=True):
    """What a notification says (the facts its mail is rendered from), stored once for all
    its recipients.

    A review mail goes to the coordinator and every partner's contact with the same
    context of one to two kilobytes (checklist, signals, the Kooperations-Check in both
    languages). Stored per recipient row, a sweep of 100,000 cooperations wrote about
    600 MB; one row per context and a reference per recipient is about a quarter.
    Written only by `enqueue`/`enqueue_many`, never changed afterwards.
    """

    __tablename__ = "outbox_context"

    id: int | None = Field(default=None, primary_key=True)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Notification(Table, table=True):
    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="person.id")
    kind: str = Field(max_length=40)
    # No index: contexts are looked up from their rows, never the other way round, and an
    # index would cost every one of the sweep's hundreds of thousands of inserts.
    context_id: int | None = Field(default=None, foreign_key="outbox_context.id", nullable=False)
    # Loaded with the row (one join), so a claimed or listed row renders without a query.
    payload: OutboxContext = Relationship(
        sa_relationship_kwargs={"lazy": "joined", "innerjoin": True}
    )
    language: str = Field(default="de", max_length=2)
    status: str = Field(default="pending", max_length=20)
    # Times the message was offered to the relay, and times the relay could not be used
    # before it was offered (down, TLS or login failed): see states.delivery.
    attempts: int = 0
    deferrals: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime = Field(default_factory=utcnow)
    # Stable per notification: lets a later dispatcher derive one Message-ID and dedupe.
    dedupe_key: str = Field(max_length=200, unique=True)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def context(self) -> dict[str, Any]:
        """The facts the mail is rendered from (shared with the other recipients' rows)."""
        return self.payload.body


_outbox_t = Notification.__table__  # type: ignore[attr-defined]
# Rows still to be delivered ('sending': claimed, see ikz.mail.dispatch). The outbox's
# indexes cover only these (and the few failed ones): delivered rows, nearly all of
# them, are never looked up by time, and every index entry is a page that each
# transition's commit writes. For the same reason there is no index by recipient (a
# page per recipient): digests read the open rows once (models.delivery.held_rows).
# One expression each for the partial indexes and for the queries, with the statuses
# as literals (not parameters), so that SQLite and PostgreSQL can match a query to an
# index: queries must state the condition through these.
OPEN = _outbox_t.c.status.in_([literal_column("'pending'"), literal_column("'sending'")])
FAILED = _outbox_t.c.status == literal_column("'failed'")
partial_index("ix_outbox_due", _outbox_t.c.next_attempt_at, where=OPEN)
partial_index("ix_outbox_failed", _outbox_t.c.context_id, where=FAILED)


def enqueue(
    target: Session | Connection,
    *,
    recipient_ids: Sequence[int | None],
    kind: str,
    context: dict[str, Any],
    dedupe_prefix: str,
    now: datetime | None = None,
) -> list[int]:
    """Queue one notification per distinct recipient inside the caller's transaction
    (`target`: its Session, or its Connection for a Core transaction).

    A dedupe key that is already queued is skipped, so a repeated event or review does
    not mail twice; returns the recipients actually queued, in the order given.

    Two statements: the context, then its rows in one INSERT ... SELECT FROM person WHERE
    key not queued ... RETURNING. Every lifecycle change queues its mails here, and
    separate dedupe, language and insert statements cost more in SQLAlchemy than the
    change itself. `enqueue_many` does the same for a batch with bulk inserts.
    """
    ids = list(dict.fromkeys(i for i in recipient_ids if i is not None))
    if not ids:
        return []
    if isinstance(target, Session):
        target.flush()  # pending people first, as a query through the session would
        conn = target.connection()
    else:  # a Core transaction (Database.transaction)
        conn = target
    stamp = now or utcnow()
    (stored,) = run(conn, _INSERT_CONTEXT, {"body": context}).rows
    recipients = _ids_param(conn, ids)
    values = {
        "ids": recipients,
        "kind": kind,
        "context_id": stored.id,
        "stamp": stamp,
        "prefix": f"{dedupe_prefix}:",
    }
    done = {r.recipient_id for r in run(conn, _enqueue_statement(conn.dialect.name), values).rows}
    if not done:  # every key was queued before: keep no context without a row
        run(conn, _DELETE_CONTEXT, {"id": stored.id})
    return [pid for pid in ids if pid in done]


def _ids_param(conn: Connection, ids: list[int]) -> Any:
    """The recipients as one parameter (see `_enqueue_statement`)."""
    return compact_json(ids) if conn.dialect.name == "sqlite" else ids


@cache
def _enqueue_statement(dialect_name: str) -> Any:
    """`enqueue`'s statement, built once per dialect (both SQLite and PostgreSQL have
    RETURNING). The NOT EXISTS skips keys already queued; the unique dedupe_key still
    settles a race.

    The recipients are one parameter rather than an expanding IN list, so the statement
    is compiled once and runs straight on the driver: a JSON array read by json_each on
    SQLite, an integer array on PostgreSQL."""
    stamp = bindparam("stamp", type_=_outbox_t.c.created_at.type)
    key = bindparam("prefix", type_=String()) + cast(_person_t.c.id, String())
    taken = core_select(_outbox_t.c.id).where(_outbox_t.c.dedupe_key == key).exists()
    if dialect_name == "sqlite":
        listed = func.json_each(bindparam("ids", type_=Text())).table_valued("value")
        wanted = _person_t.c.id.in_(core_select(listed.c.value))
    else:
        wanted = _person_t.c.id == any_(bindparam("ids", type_=ARRAY(Integer())))
    rows = core_select(
        _person_t.c.id,
        bindparam("kind", type_=String()),
        bindparam("context_id", type_=Integer()),
        _person_t.c.language,
        literal("pending"),
        literal(0),
        literal(0),
        stamp,
        key,
        null(),
        stamp,
    ).where(wanted, ~taken)
    columns = [
        "recipient_id",
        "kind",
        "context_id",
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
_context_t = OutboxContext.__table__  # type: ignore[attr-defined]
_INSERT_CONTEXT = insert(_context_t).returning(_context_t.c.id)
_DELETE_CONTEXT = delete(_context_t).where(_context_t.c.id == bindparam("id"))
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
    # Core on the session's connection with prebuilt statements: ORM execution and
    # statement building cost more than the queries. Flush first, as session.exec
    # would, so pending people are seen.
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
    queued: list[list[int]] = []
    fresh_items: list[tuple[Queued, list[tuple[int, str]]]] = []
    for item, mine in wanted:
        fresh = [(pid, key) for pid, key in mine if key not in taken]
        queued.append([pid for pid, _ in fresh])
        if fresh:
            fresh_items.append((item, fresh))
    if not fresh_items:
        return queued
    # One context row per item, serialized once, referenced by each of its recipients.
    context_ids = _insert_contexts(conn, [dumps(item.context) for item, _ in fresh_items])
    values = [
        {
            "recipient_id": pid,
            "kind": item.kind,
            "context_id": context_id,
            "language": langs.get(pid, "de"),
            "status": "pending",
            "attempts": 0,
            "deferrals": 0,
            "stamp": stamp,
            "dedupe_key": key,
            "last_error": None,
        }
        for (item, fresh), context_id in zip(fresh_items, context_ids, strict=True)
        for pid, key in fresh
    ]
    _insert(conn, values)
    return queued


# The bulk INSERT of `enqueue_many`'s rows, with one time ("stamp") for both created_at
# and next_attempt_at.
_INSERT_ROWS = insert(_outbox_t).values(
    created_at=bindparam("stamp", type_=_outbox_t.c.created_at.type),
    next_attempt_at=bindparam("stamp", type_=_outbox_t.c.created_at.type),
)
# The contexts arrive as JSON text (serialized once by `_serializer`, as the column type
# would have). SQLite stores that text; PostgreSQL types its parameters, so there the text
# is cast to JSON, and RETURNING gives the new ids in the order of the rows.
_CONTEXT_TEXT = insert(_context_t).values(body=bindparam("body_json", type_=Text()))
_CONTEXT_TEXT_RETURNING = (
    insert(_context_t)
    .values(body=cast(bindparam("body_json", type_=Text()), JSON))
    .returning(_context_t.c.id, sort_by_parameter_order=True)
)
_MAX_CONTEXT_ID = core_select(func.coalesce(func.max(_context_t.c.id), 0))


def _insert_contexts(conn: Connection, texts: list[str]) -> list[int]:
    """Insert the contexts (JSON text) in one executemany; returns their ids in order.

    On SQLite the ids are given, counting on from the largest: the caller's transaction
    holds SQLite's single write lock (`Database.write` begins IMMEDIATE), so no other
    writer can take them, and the driver's executemany returns no ids.
    """
    if conn.dialect.name != "sqlite":
        result = conn.execute(_CONTEXT_TEXT_RETURNING, [{"body_json": t} for t in texts])
        return list(result.scalars())
    first = int(conn.execute(_MAX_CONTEXT_ID).scalar_one()) + 1
    rows = [{"id": i, "body_json": t} for i, t in enumerate(texts, start=first)]
    prepared = driver_sql(_CONTEXT_TEXT, conn.dialect, ("id", "body_json"), convert=False)
    conn.exec_driver_sql(prepared.sql, [prepared.params(r) for r in rows])
    return [first + n for n in range(len(rows))]


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
    order: every value is already what SQLite stores (the time converted once per
    call), and SQLAlchemy's per-row parameter handling cost more
    than SQLite's insert of the row (a sweep of 100,000 cooperations queues 280,000).
    """
    if conn.dialect.name != "sqlite":
        conn.execute(_INSERT_ROWS, values)
        return
    # Converted beforehand (convert=False): the time is converted once per call by
    # `_stamp_value`, the other values need no conversion.
    prepared = driver_sql(_INSERT_ROWS, conn.dialect, tuple(values[0]), convert=False)
    conn.exec_driver_sql(prepared.sql, [prepared.params(v) for v in values])


def _serializer(session: Session) -> Callable[[Any], str]:
    """The JSON column type's serializer: an engine's `json_serializer`, else json.dumps."""
    return getattr(session.get_bind().dialect, "_json_serializer", None) or json.dumps


def last_id(session: Session) -> int:
    """The newest outbox row's id (0 when empty): rows queued later have higher ids."""
    table = Notification.__table__  # type: ignore[attr-defined]
    return int(session.execute(core_select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
