"""Append-only audit trails, hash-chained: lifecycle changes per cooperation, conflict
steps per conflict.

Records refer to people by id only, so personal data can be erased later without
breaking a chain.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.clock import utcnow

GENESIS_HASH = "0" * 64


class TransitionRecord(SQLModel, table=True):
    __tablename__ = "transition_record"
    # The unique (cooperation, seq) index also serves lookups by cooperation: a second
    # index on cooperation_id alone would cost every transition's commit a page. Keys are
    # unique where given; the index holds only those, so a transition without a key
    # writes no page of it.
    __table_args__ = (
        UniqueConstraint("cooperation_id", "seq"),
        Index(
            "ix_transition_record_idempotency_key",
            "idempotency_key",
            unique=True,
            sqlite_where=text("idempotency_key IS NOT NULL"),
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id")
    seq: int
    from_state: str | None = Field(default=None, max_length=30)
    to_state: str = Field(max_length=30)
    trigger: str = Field(max_length=30)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    reason: str = ""
    lessons_learned: str = ""
    at: datetime = Field(default_factory=utcnow)
    idempotency_key: str | None = Field(default=None, max_length=200)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


def record_hash(r: TransitionRecord) -> str:
    """SHA-256 over the record's content and its predecessor's hash."""
    return transition_hash(
        cooperation_id=r.cooperation_id,
        seq=r.seq,
        from_state=r.from_state,
        to_state=r.to_state,
        trigger=r.trigger,
        actor_id=r.actor_id,
        reason=r.reason,
        lessons_learned=r.lessons_learned,
        at=r.at,
        idempotency_key=r.idempotency_key,
        prev_hash=r.prev_hash,
    )


def transition_hash(
    *,
    cooperation_id: int,
    seq: int,
    from_state: str | None,
    to_state: str,
    trigger: str,
    actor_id: int | None,
    reason: str,
    lessons_learned: str,
    at: datetime,
    idempotency_key: str | None,
    prev_hash: str,
) -> str:
    """`record_hash` from plain values: the write path inserts with Core, without a
    TransitionRecord object."""
    payload = {
        "cooperation_id": cooperation_id,
        "seq": seq,
        "from": from_state,
        "to": to_state,
        "trigger": trigger,
        "actor_id": actor_id,
        "reason": reason,
        "lessons_learned": lessons_learned,
        "at": at.isoformat(timespec="microseconds"),
        "idempotency_key": idempotency_key,
        "prev": prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class ConflictRecord(SQLModel, table=True):
    """One step of a conflict on its ladder: raised, escalated, session scheduled,
    resolved or closed unresolved (`action`)."""

    __tablename__ = "conflict_record"
    __table_args__ = (UniqueConstraint("conflict_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    conflict_id: int = Field(foreign_key="conflict.id", index=True)
    seq: int
    from_level: str | None = Field(default=None, max_length=30)
    to_level: str = Field(max_length=30)
    action: str = Field(max_length=30)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    note: str = ""
    # People the step names besides the actor: who agreed, the assigned moderator.
    person_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


def conflict_record_hash(r: ConflictRecord) -> str:
    """SHA-256 over the step's content and its predecessor's hash."""
    payload = {
        "conflict_id": r.conflict_id,
        "seq": r.seq,
        "from": r.from_level,
        "to": r.to_level,
        "action": r.action,
        "actor_id": r.actor_id,
        "note": r.note,
        "person_ids": list(r.person_ids),
        "at": r.at.isoformat(timespec="microseconds"),
        "prev": r.prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
