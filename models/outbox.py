"""Notification outbox: written in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
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
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    # Stable per notification: lets a later dispatcher derive one Message-ID and dedupe.
    dedupe_key: str = Field(max_length=200, unique=True)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


def enqueue(
    session: Session,
    *,
    recipient_ids: list[int | None],
    kind: str,
    context: dict[str, Any],
    dedupe_prefix: str,
) -> list[Notification]:
    """Queue one notification per distinct recipient inside the caller's transaction."""
    ids = list(dict.fromkeys(i for i in recipient_ids if i is not None))
    if not ids:
        return []
    langs = {
        pid: lang
        for pid, lang in session.exec(
            select(Person.id, Person.language).where(col(Person.id).in_(ids))
        ).all()
    }
    rows = [
        Notification(
            recipient_id=pid,
            kind=kind,
            context=context,
            language=langs.get(pid, "de"),
            dedupe_key=f"{dedupe_prefix}:{pid}",
        )
        for pid in ids
    ]
    session.add_all(rows)
    return rows
