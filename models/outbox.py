"""Notification outbox: written in the same transaction as the change that causes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, insert
from sqlmodel import Field, Session, SQLModel, col, select

from models.clock import utcnow
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
    not mail twice; returns the recipients actually queued.
    """
    item = Queued(
        recipient_ids=recipient_ids, kind=kind, context=context, dedupe_prefix=dedupe_prefix
    )
    return enqueue_many(session, [item], now=now)[0]


@dataclass(frozen=True)
class Queued:
    """One `enqueue` call's arguments, for `enqueue_many`."""

    recipient_ids: Sequence[int | None]
    kind: str
    context: dict[str, Any]
    dedupe_prefix: str


# Keys per IN query: well below SQLite's bound-parameter limit.
_IN_CHUNK = 900


def enqueue_many(
    session: Session, items: Sequence[Queued], *, now: datetime | None = None
) -> list[list[int]]:
    """`enqueue` for a whole batch in the caller's transaction: one dedupe query and one
    language query per 900 keys and one bulk INSERT, instead of three statements per item.

    Same rules as `enqueue` (one row per distinct recipient, already queued keys skipped,
    including keys queued earlier in the same call); returns the recipients queued per item.
    """
    wanted = [
        (item, list(dict.fromkeys(i for i in item.recipient_ids if i is not None)))
        for item in items
    ]
    keys = [f"{item.dedupe_prefix}:{pid}" for item, ids in wanted for pid in ids]
    taken: set[str] = set()
    for i in range(0, len(keys), _IN_CHUNK):
        chunk = keys[i : i + _IN_CHUNK]
        taken.update(
            session.exec(
                select(Notification.dedupe_key).where(col(Notification.dedupe_key).in_(chunk))
            ).all()
        )
    people = sorted({pid for _, ids in wanted for pid in ids})
    langs: dict[int, str] = {}
    for i in range(0, len(people), _IN_CHUNK):
        chunk_ids = people[i : i + _IN_CHUNK]
        for pid, lang in session.exec(
            select(Person.id, Person.language).where(col(Person.id).in_(chunk_ids))
        ).all():
            if pid is not None:
                langs[pid] = lang
    stamp = now or utcnow()
    values: list[dict[str, Any]] = []
    queued: list[list[int]] = []
    for item, ids in wanted:
        mine = []
        for pid in ids:
            key = f"{item.dedupe_prefix}:{pid}"
            if key in taken:
                continue
            taken.add(key)
            mine.append(pid)
            values.append(
                {
                    "recipient_id": pid,
                    "kind": item.kind,
                    "context": item.context,
                    "language": langs.get(pid, "de"),
                    "status": "pending",
                    "attempts": 0,
                    "deferrals": 0,
                    "next_attempt_at": stamp,
                    "dedupe_key": key,
                    "last_error": None,
                    "created_at": stamp,
                }
            )
        queued.append(mine)
    if values:
        # Core executemany: the ORM's bulk path would build and track an object per row.
        session.connection().execute(insert(Notification.__table__), values)  # type: ignore[attr-defined]
    return queued
