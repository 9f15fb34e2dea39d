"""Every SQL statement of the outbox's delivery side, after a row is queued
(models.outbox): claiming due rows, storing an attempt's outcome, gathering and claiming
digests, the reads behind a failure notice, and the outbox's status counts.

The rules these statements apply (when a row is due, what an outcome makes of it, when a
digest is due) are states.delivery; ikz.mail decides with those and calls these. Each
function works inside the caller's transaction (`session`, or the dispatcher's Writer);
none commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.cooperation import Cooperation
from models.db import Writer
from models.outbox import OPEN, Notification, enqueue
from models.registry import Person
from states.delivery import CLAIM_LEASE, IMMEDIATE_KINDS, Change, DigestMode
from states.vocab import Role

# A relay's reply is kept for the log and `ikz notify status`; some quote the whole mail.
MAX_REPLY_CHARS = 1000
# Row ids per UPDATE: well below SQLite's bound-parameter limit.
CLAIM_CHUNK = 900


def due_clause(now: datetime) -> ColumnElement[bool]:
    """states.delivery.due as a WHERE clause: 'sending' rows are due again only once
    their lease has run out (a crashed run). OPEN: the condition of the outbox's partial
    indexes, in their literals, so the query uses them."""
    return and_(OPEN, col(Notification.next_attempt_at) <= now)


# --- immediate mail ----------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    row: Notification
    recipient: Person | None


def claim_due(*, session: Session, now: datetime, limit: int, after_id: int = 0) -> list[Claimed]:
    """Take up to `limit` due rows for immediate delivery (digest recipients' rows wait),
    only rows queued after row `after_id` if given, and lease them (pending -> sending).
    The UPDATE re-checks the due condition (compare and set), so of two dispatchers
    racing for a row exactly one gets it back from RETURNING."""
    ids = session.exec(
        select(Notification.id)
        .join(Person, col(Person.id) == col(Notification.recipient_id))
        .where(
            due_clause(now),
            col(Notification.id) > after_id,
            or_(
                col(Person.digest) == DigestMode.IMMEDIATE.value,
                col(Notification.kind).in_(IMMEDIATE_KINDS),
            ),
        )
        .order_by(col(Notification.next_attempt_at), col(Notification.id))
        .limit(limit)
        # PostgreSQL: concurrent dispatchers pick different rows instead of queueing
        # on the same ones. SQLite ignores it; its writes are serialized anyway.
        .with_for_update(skip_locked=True, of=Notification)
    ).all()
    if not ids:
        return []
    claimed = (
        session.execute(
            update(Notification)
            .where(col(Notification.id).in_(ids), due_clause(now))
            .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
            .returning(col(Notification.id))
        )
        .scalars()
        .all()
    )
    rows = session.exec(
        select(Notification).where(col(Notification.id).in_(claimed)).order_by(col(Notification.id))
    ).all()
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(col(Person.id).in_({r.recipient_id for r in rows}))
        )
    }
    # A person erased after the mail was queued (GDPR Art. 17): never sent.
    erased = [r.id for r in rows if (p := people.get(r.recipient_id)) and p.erased_at]
    if erased:
        session.execute(
            update(Notification)
            .where(col(Notification.id).in_(erased))
            .values(status="erased", last_error="Person gelöscht (DSGVO Art. 17)")
        )
    return [Claimed(r, people.get(r.recipient_id)) for r in rows if r.id not in erased]


# --- outcomes ----------------------------------------------------------------------------

_OUTBOX = Notification.__table__  # type: ignore[attr-defined]
# Built once: a plain Core UPDATE with bound parameters skips the ORM's bulk-update path
# and SQLAlchemy's statement construction, both costlier per mail than the UPDATE itself.
# Only a row still 'sending' with the counters we claimed it with is ours to update.
STORE_OUTCOME = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id == bindparam("row_id"),
        _OUTBOX.c.status == "sending",
        _OUTBOX.c.attempts == bindparam("claimed_attempts"),
        _OUTBOX.c.deferrals == bindparam("claimed_deferrals"),
    )
    .values(
        status=bindparam("new_status"),
        next_attempt_at=bindparam("new_next_attempt_at"),
        attempts=bindparam("new_attempts"),
        deferrals=bindparam("new_deferrals"),
        last_error=bindparam("new_last_error"),
    )
)


def outcome_values(row: Notification, change: Change, reply: str) -> dict[str, Any]:
    """STORE_OUTCOME's parameters for `change` of a row as it was claimed."""
    return {
        "row_id": row.id,
        "claimed_attempts": row.attempts,
        "claimed_deferrals": row.deferrals,
        "new_status": change.status,
        "new_next_attempt_at": change.next_attempt_at,
        "new_attempts": change.attempts,
        "new_deferrals": change.deferrals,
        "new_last_error": reply[:MAX_REPLY_CHARS],
    }


def store_outcome(*, session: Session, row: Notification, change: Change, reply: str) -> int:
    """Write `change` inside the session's transaction if the row is still ours (not
    taken over after its lease ran out); returns the row count (1: stored)."""
    done = session.connection().execute(STORE_OUTCOME, outcome_values(row, change, reply))
    return int(done.rowcount)


def store_outcome_on(writer: Writer, *, row: Notification, change: Change, reply: str) -> int:
    """`store_outcome` in a transaction of its own on the dispatcher's Writer (one commit
    per mail, straight on the driver: see models.db.Writer)."""
    return writer.execute(STORE_OUTCOME, outcome_values(row, change, reply))


# --- failure notices ---------------------------------------------------------------------


def cooperation_by_id(*, session: Session, cooperation_id: int) -> Cooperation | None:
    return session.get(Cooperation, cooperation_id)


def coordinator_ids(*, session: Session) -> list[int]:
    """Every coordinator, by id (roles are a JSON list: filtered here, not in SQL)."""
    return [
        pid
        for pid, roles in session.exec(select(Person.id, Person.roles).order_by(col(Person.id)))
        if pid is not None and Role.COORDINATOR.value in roles
    ]


def enqueue_failure_notice(
    *,
    session: Session,
    recipient_ids: list[int],
    kind: str,
    context: dict[str, Any],
    dedupe_prefix: str,
    now: datetime,
) -> int:
    """Queue the notice inside the caller's transaction; returns how many rows were queued.

    enqueue skips a notice already queued under the prefix; a concurrent dispatcher may
    still queue the same one in between: lose that race (a savepoint) without undoing
    the caller's transaction."""
    try:
        with session.begin_nested():
            rows = enqueue(
                session,
                recipient_ids=list(recipient_ids),
                kind=kind,
                context=context,
                dedupe_prefix=dedupe_prefix,
                now=now,
            )
    except IntegrityError:
        return 0
    return len(rows)


# --- digests -----------------------------------------------------------------------------


def _held(now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Due rows that wait for a digest (all but the kinds that always go at once)."""
    return due_clause(now), col(Notification.kind).not_in(IMMEDIATE_KINDS)


def held_rows(
    *, session: Session, now: datetime
) -> Sequence[tuple[int, int | None, str, datetime | None]]:
    """(recipient id, row id, digest mode, last digest time) of every held due row of a
    digest recipient, by recipient and row.

    One read of the open rows (the outbox's due index) rather than a lookup per person:
    the outbox keeps no index by recipient, which would cost every transition's commit
    a page per recipient."""
    return session.exec(
        select(Notification.recipient_id, Notification.id, Person.digest, Person.last_digest_at)
        .join(Person, col(Person.id) == col(Notification.recipient_id))
        .where(col(Person.digest) != DigestMode.IMMEDIATE.value, *_held(now))
        .order_by(col(Notification.recipient_id), col(Notification.id))
    ).all()


def lock_person(*, session: Session, person_id: int) -> Person:
    """The person, locked until the transaction ends (a row lock on PostgreSQL; SQLite's
    single writer does the same): two dispatchers never claim one period's digest twice."""
    return session.exec(select(Person).where(col(Person.id) == person_id).with_for_update()).one()


def claim_held(*, session: Session, ids: list[int], now: datetime) -> list[int]:
    """Lease those of `ids` that are still held and due (compare and set): a row another
    dispatcher took meanwhile is not gathered twice. Returns the ids leased."""
    claimed: list[int] = []
    for i in range(0, len(ids), CLAIM_CHUNK):
        claimed += session.execute(
            update(Notification)
            .where(col(Notification.id).in_(ids[i : i + CLAIM_CHUNK]), *_held(now))
            .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
            .returning(col(Notification.id))
        ).scalars()
    return claimed


def start_digest_period(*, session: Session, person: Person, now: datetime) -> datetime | None:
    """Mark the person's digest as sent now; returns the time it replaces."""
    previous = person.last_digest_at
    person.last_digest_at = now
    session.add(person)
    return previous


def rows_by_id(*, session: Session, ids: list[int]) -> list[Notification]:
    """The rows, oldest first (as a digest lists them)."""
    rows = [
        row
        for i in range(0, len(ids), CLAIM_CHUNK)
        for row in session.exec(
            select(Notification).where(col(Notification.id).in_(ids[i : i + CLAIM_CHUNK]))
        )
    ]
    rows.sort(key=lambda r: (r.created_at, r.id or 0))
    return rows


def restore_digest_time(
    *, session: Session, person_id: int | None, mode: str, previous: datetime | None
) -> None:
    """Put the person's digest time back (their digest was not delivered), unless they
    changed their preference meanwhile."""
    session.execute(
        update(Person)
        .where(col(Person.id) == person_id, col(Person.digest) == mode)
        .values(last_digest_at=previous)
    )


# --- status ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxCounts:
    by_status: dict[str, int]
    oldest_pending: datetime | None
    due: int
    held_for_digest: int


def outbox_counts(*, session: Session, now: datetime) -> OutboxCounts:
    """Rows per status, the oldest pending row's time, how many pending rows are due and
    how many of them wait for a digest."""
    by_status = session.exec(
        select(Notification.status, func.count()).group_by(col(Notification.status))
    ).all()
    # OPEN first: the outbox's indexes hold only open rows (models.outbox).
    pending = and_(OPEN, col(Notification.status) == "pending")
    oldest = session.exec(select(func.min(Notification.created_at)).where(pending)).one()
    due_now = session.exec(
        select(func.count())
        .select_from(Notification)
        .where(pending, col(Notification.next_attempt_at) <= now)
    ).one()
    held = session.exec(
        select(func.count())
        .select_from(Notification)
        .join(Person, col(Person.id) == col(Notification.recipient_id))
        .where(
            pending,
            col(Person.digest) != DigestMode.IMMEDIATE.value,
            col(Notification.kind).not_in(IMMEDIATE_KINDS),
        )
    ).one()
    return OutboxCounts(dict(by_status), oldest, due_now, held)


def skip_open_mail(*, session: Session, now: datetime) -> int:
    """Mark every mail still to be sent 'skipped' (never sent): for history replayed in
    bulk, such as the demo portfolio, whose two years of mail are not news to anyone.
    Returns the rows marked."""
    done = session.execute(
        update(Notification)
        .where(OPEN)
        .values(status="skipped", last_error="Demo-Verlauf: nicht versandt", next_attempt_at=now)
    )
    return int(getattr(done, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Deferred:
    """Mail held back because the relay could not be used (never offered: refused
    connection, TLS or login failed), still pending."""

    count: int
    since: datetime | None  # when the oldest of them was queued (UTC)
    last_error: str | None  # of the one deferred last


def deferred_backlog(*, session: Session) -> Deferred:
    waiting = and_(OPEN, col(Notification.status) == "pending", col(Notification.deferrals) > 0)
    count, since = session.exec(
        select(func.count(), func.min(Notification.created_at)).where(waiting)
    ).one()
    last = session.exec(
        select(col(Notification.last_error))
        .where(waiting)
        .order_by(col(Notification.next_attempt_at).desc(), col(Notification.id).desc())
        .limit(1)
    ).first()
    if since is not None and since.tzinfo is None:  # SQLite keeps naive UTC
        since = since.replace(tzinfo=UTC)
    return Deferred(int(count), since, last)
