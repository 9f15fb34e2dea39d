"""Append-only audit of lifecycle changes, hash-chained per cooperation.

Records refer to people by id only, so personal data can be erased later without
breaking a chain.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.clock import utcnow

GENESIS_HASH = "0" * 64


class TransitionRecord(SQLModel, table=True):
    __tablename__ = "transition_record"
    __table_args__ = (UniqueConstraint("cooperation_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    seq: int
    from_state: str | None = Field(default=None, max_length=30)
    to_state: str = Field(max_length=30)
    trigger: str = Field(max_length=30)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    reason: str = ""
    lessons_learned: str = ""
    at: datetime = Field(default_factory=utcnow)
    idempotency_key: str | None = Field(default=None, max_length=200, unique=True)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


def record_hash(r: TransitionRecord) -> str:
    """SHA-256 over the record's content and its predecessor's hash."""
    payload = {
        "cooperation_id": r.cooperation_id,
        "seq": r.seq,
        "from": r.from_state,
        "to": r.to_state,
        "trigger": r.trigger,
        "actor_id": r.actor_id,
        "reason": r.reason,
        "lessons_learned": r.lessons_learned,
        "at": r.at.isoformat(timespec="microseconds"),
        "idempotency_key": r.idempotency_key,
        "prev": r.prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()
