"""Event outbox: the Prefect events of a change, written in the same transaction as the
change, and the SQL of the relay that posts them (ikz.events.relay).

Posting right after the commit lost every event while the Prefect server was away (and
with it the follow-ups its triggers start). Here an event is a row first: committed with
its change or not at all, posted later by a relay, marked sent once the server took it.
Its `event_id` (a UUID made at write time) is the Prefect event's `id`, so a row posted
twice (a relay that crashed after posting, a lease that ran out) is one event to
Prefect's triggers, which skip ids they have seen.

The rules (which rows may go now, the backoff) are states.event_relay; none of these
functions commits.
"""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    and_,
    exists,
    func,
    insert,
    literal_column,
    update,
)
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, col, select

from models.base import Table
from models.driver_sql import run
from models.partial_index import partial_index
from states.event_relay import CLAIM_LEASE, Retry, postable

# Rows scanned per claim: the open events the ordering rule looks at. More than a batch,
# so that a cooperation whose events wait does not leave the batch empty.
SCAN = 500
MAX_ERROR_CHARS = 1000


class OutboxEvent(Table, table=True):
    __tablename__ = "event_outbox"

    # Write order: the order of events per cooperation (one transaction writes a
    # cooperation's events, and a cooperation's changes are serialized by its version).
    id: int | None = Field(default=None, primary_key=True)
    # No unique index: a fresh UUID4 per row, and an index would be one more page per
    # transition's commit.
    event_id: str = Field(max_length=36)
    name: str = Field(max_length=200)
    resource: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    related: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    occurred: datetime
    cooperation_id: int  # the ordering key (a conflict's event: its cooperation's)
    conflict_id: int | None = None
    # pending, sending (claimed by a relay), sent; skipped: never to be posted (skip_open)
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0  # failed posts
    next_attempt_at: datetime
    first_failed_at: datetime | None = None  # of the current run of failures
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None


_t = OutboxEvent.__table__  # type: ignore[attr-defined]
# Open rows only (see models.outbox.OPEN for why literals): sent rows are never looked up,
# and the index stays as small as the backlog.
OPEN = _t.c.status.in_([literal_column("'pending'"), literal_column("'sending'")])
partial_index("ix_event_outbox_open", _t.c.cooperation_id, _t.c.id, where=OPEN)
_INSERT = insert(_t)


class EventDraft(NamedTuple):
    """An event before it is written: what ikz.events.build makes of a change."""

    name: str
    resource: dict[str, Any]
    related: list[dict[str, Any]]
    payload: dict[str, Any]
    cooperation_id: int
    conflict_id: int | None = None


def record_event(target: Session | Connection, draft: EventDraft, *, occurred: datetime) -> str:
    """Write `draft` inside the caller's transaction (its Session, or the Connection of a
    Core transaction); returns its event id. One prebuilt INSERT on the driver: every
    lifecycle transition writes one (models.driver_sql)."""
    conn = target.connection() if isinstance(target, Session) else target
    event_id = str(uuid.uuid4())
    run(
        conn,
        _INSERT,
        {
            "event_id": event_id,
            "name": draft.name,
            "resource": draft.resource,
            "related": draft.related,
            "payload": draft.payload,
            "occurred": occurred,
            "cooperation_id": draft.cooperation_id,
            "conflict_id": draft.conflict_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": occurred,
        },
    )
    return event_id


class OpenRow(NamedTuple):
    id: int
    cooperation_id: int
    status: str
    next_attempt_at: datetime


def _aware(at: datetime) -> datetime:
    # SQLite returns naive datetimes; they were written as UTC.
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def claim(
    *,
    session: Session,
    now: datetime,
    limit: int,
    cooperation_ids: Collection[int] | None = None,
) -> list[OutboxEvent]:
    """Take up to `limit` events that may be posted now (states.event_relay.postable), in
    id order, and lease them (-> 'sending'); only of `cooperation_ids` if given.

    Safe with two relays at once. On PostgreSQL the scan locks the open rows it reads and
    skips rows another relay is claiming (FOR UPDATE SKIP LOCKED); a skipped row might be
    an earlier event of a cooperation whose later one this relay did read, so the UPDATE
    re-checks that no earlier open event of the cooperation stays behind. SQLite's
    BEGIN IMMEDIATE serializes the claims anyway."""
    query = select(
        col(OutboxEvent.id),
        col(OutboxEvent.cooperation_id),
        col(OutboxEvent.status),
        col(OutboxEvent.next_attempt_at),
    ).where(OPEN)
    if cooperation_ids is not None:
        query = query.where(col(OutboxEvent.cooperation_id).in_(sorted(cooperation_ids)))
    scanned = session.exec(
        query.order_by(col(OutboxEvent.id))
        .limit(SCAN)
        .with_for_update(skip_locked=True, of=OutboxEvent)
    ).all()
    rows = [OpenRow(int(r[0] or 0), r[1], r[2], _aware(r[3])) for r in scanned]
    ids = postable(rows, now, limit)
    if not ids:
        return []
    earlier = aliased(OutboxEvent)
    behind = exists().where(
        col(earlier.cooperation_id) == col(OutboxEvent.cooperation_id),
        col(earlier.id) < col(OutboxEvent.id),
        col(earlier.status).in_([literal_column("'pending'"), literal_column("'sending'")]),
        col(earlier.id).not_in(ids),
    )
    claimed = (
        session.execute(
            update(OutboxEvent)
            .where(
                col(OutboxEvent.id).in_(ids),
                and_(OPEN, col(OutboxEvent.next_attempt_at) <= now),
                ~behind,
            )
            .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
            .returning(col(OutboxEvent.id))
        )
        .scalars()
        .all()
    )
    if not claimed:
        return []
    return list(
        session.exec(
            select(OutboxEvent)
            .where(col(OutboxEvent.id).in_(claimed))
            .order_by(col(OutboxEvent.id))
            .execution_options(populate_existing=True)
        ).all()
    )


def mark_sent(*, session: Session, ids: Sequence[int], now: datetime) -> int:
    """The server took these claimed events; returns the rows marked."""
    done = session.execute(
        update(OutboxEvent)
        .where(col(OutboxEvent.id).in_(ids), col(OutboxEvent.status) == "sending")
        .values(status="sent", sent_at=now, last_attempt_at=now, first_failed_at=None)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def mark_failed(*, session: Session, retries: dict[int, Retry], error: str, now: datetime) -> None:
    """A post of these claimed events failed: back to 'pending' until their retry."""
    for row_id, change in retries.items():
        session.execute(
            update(OutboxEvent)
            .where(col(OutboxEvent.id) == row_id, col(OutboxEvent.status) == "sending")
            .values(
                status="pending",
                attempts=change.attempts,
                next_attempt_at=change.next_attempt_at,
                first_failed_at=change.first_failed_at,
                last_attempt_at=now,
                last_error=error[:MAX_ERROR_CHARS],
            )
        )


def skip_open(*, session: Session, now: datetime) -> int:
    """Mark every open event 'skipped' (never posted): for history replayed in bulk, such
    as the demo portfolio, whose two years of events would start a storm of follow-up
    runs. Returns the rows marked."""
    done = session.execute(
        update(OutboxEvent).where(OPEN).values(status="skipped", last_attempt_at=now)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Backlog:
    pending: int  # open events (pending or being posted)
    sent: int
    oldest_pending: datetime | None  # when the oldest open event occurred
    failing_since: datetime | None  # the first failure of the longest-failing open event
    last_error: str | None  # of the open event tried last
    last_attempt_at: datetime | None


def _opt(at: datetime | None) -> datetime | None:
    return _aware(at) if at is not None else None


def backlog(*, session: Session) -> Backlog:
    pending, oldest, failing = session.exec(
        select(
            func.count(), func.min(OutboxEvent.occurred), func.min(OutboxEvent.first_failed_at)
        ).where(OPEN)
    ).one()
    sent = session.exec(
        select(func.count()).select_from(OutboxEvent).where(col(OutboxEvent.status) == "sent")
    ).one()
    last = session.exec(
        select(col(OutboxEvent.last_error), col(OutboxEvent.last_attempt_at))
        .where(OPEN, col(OutboxEvent.last_error).is_not(None))
        .order_by(col(OutboxEvent.last_attempt_at).desc(), col(OutboxEvent.id).desc())
        .limit(1)
    ).first()
    return Backlog(
        pending=int(pending),
        sent=int(sent),
        oldest_pending=_opt(oldest),
        failing_since=_opt(failing),
        last_error=last[0] if last else None,
        last_attempt_at=_opt(last[1]) if last else None,
    )


def events_of(cooperation_id: int, *, session: Session) -> list[OutboxEvent]:
    """A cooperation's events in write order (tests, `ikz events status` detail)."""
    return list(
        session.exec(
            select(OutboxEvent)
            .where(col(OutboxEvent.cooperation_id) == cooperation_id)
            .order_by(col(OutboxEvent.id))
        ).all()
    )
