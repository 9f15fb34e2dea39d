"""What a delivery attempt means for its outbox rows: sent, retried later, or failed.

Two kinds of trouble are told apart:

- The message was offered and refused (a 4xx/5xx reply to MAIL, RCPT or DATA, or the
  connection broke while it was being sent): that counts as an attempt of the message.
  4xx is temporary (exponential backoff with jitter, until notify_max_attempts or
  notify_max_age_hours), 5xx permanent (failed at once, the coordinator is told).
- The message was never offered, because the relay could not be reached or used
  (refused connection, timeout, TLS or AUTH failure): nothing is wrong with the message,
  so the row is deferred (`deferrals` + 1, backoff) and never fails for it. A relay that
  is down or a wrong password loses no mail and sends no alarm per message; the backlog
  shows in `ikz notify status` (oldest pending age) and in the dispatcher's log.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, CursorResult, and_, bindparam, update
from sqlmodel import Session, col

from ikz.app import App
from ikz.mail.failures import queue_delivery_failure
from models.db import Writer
from models.outbox import OPEN, Notification
from models.registry import Person

log = logging.getLogger("ikz.mail")

CLAIM_LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)
MAX_REPLY_CHARS = 1000

Verdict = Literal["sent", "retry", "failed"]


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reply: str
    offered: bool = True  # False: the relay failed before this message was offered


@dataclass(frozen=True)
class DispatchResult:
    sent: int = 0  # notifications delivered (those gathered in a digest included)
    failed: int = 0
    retried: int = 0  # back to pending: temporary refusals and deferrals
    digests: int = 0  # digest mails delivered

    def __add__(self, other: DispatchResult) -> DispatchResult:
        return DispatchResult(
            self.sent + other.sent,
            self.failed + other.failed,
            self.retried + other.retried,
            self.digests + other.digests,
        )


def backoff(attempts: int, base_seconds: float, rng: random.Random | None = None) -> timedelta:
    """Delay after the `attempts`-th failure: base * 2**(attempts-1), capped at MAX_BACKOFF,
    then scaled by a random 50-100 % so that rows failing together do not retry together."""
    raw = min(base_seconds * 2 ** min(max(attempts - 1, 0), 30), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=raw * (0.5 + (rng or random).random() / 2))


def due(now: datetime) -> ColumnElement[bool]:
    # 'sending' rows are due again only once their lease has run out (a crashed run).
    # OPEN: the condition of the outbox's partial indexes, in their literals.
    return and_(OPEN, col(Notification.next_attempt_at) <= now)


_OUTBOX = Notification.__table__  # type: ignore[attr-defined]
# Built once: a plain Core UPDATE with bound parameters skips the ORM's bulk-update path
# and SQLAlchemy's statement construction, both costlier per mail than the UPDATE itself.
# Only a row still 'sending' with the counters we claimed it with is ours to update.
_STORE = (
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


def retry_delay(
    app: App, rows: list[Notification], outcome: Outcome, rng: random.Random | None
) -> timedelta:
    """One delay for all rows of a mail (a digest carries several); none for a mail
    that was sent, whose rows do not wait for anything."""
    if outcome.verdict == "sent":
        return timedelta(0)
    n = max((r.attempts + 1 if outcome.offered else r.deferrals + 1) for r in rows)
    return backoff(n, app.settings.notify_retry_base_seconds, rng)


@dataclass(frozen=True)
class _Change:
    """What an outcome does to its row."""

    status: str
    next_attempt_at: datetime
    attempts: int
    deferrals: int


def _change(
    app: App, row: Notification, outcome: Outcome, delay: timedelta, now: datetime, age_limit: bool
) -> _Change:
    if not outcome.offered:
        return _Change("pending", now + delay, row.attempts, row.deferrals + 1)
    attempts = row.attempts + 1
    too_old = age_limit and now - row.created_at >= timedelta(
        hours=app.settings.notify_max_age_hours
    )
    if outcome.verdict == "retry" and attempts < app.settings.notify_max_attempts and not too_old:
        return _Change("pending", now + delay, attempts, row.deferrals)
    # For finished rows next_attempt_at keeps the time of the last attempt.
    return _Change("sent" if outcome.verdict == "sent" else "failed", now, attempts, row.deferrals)


def _values(row: Notification, outcome: Outcome, change: _Change) -> dict[str, Any]:
    return {
        "row_id": row.id,
        "claimed_attempts": row.attempts,
        "claimed_deferrals": row.deferrals,
        "new_status": change.status,
        "new_next_attempt_at": change.next_attempt_at,
        "new_attempts": change.attempts,
        "new_deferrals": change.deferrals,
        "new_last_error": outcome.reply[:MAX_REPLY_CHARS],
    }


def _store(conn: Connection, row: Notification, outcome: Outcome, change: _Change) -> bool:
    """Write `change` if the row is still ours (not taken over after its lease ran out)."""
    done: CursorResult[Any] = conn.execute(_STORE, _values(row, outcome, change))
    return _stored(row, outcome, change, done.rowcount)


def _stored(row: Notification, outcome: Outcome, change: _Change, rowcount: int) -> bool:
    if rowcount != 1:
        log.warning("outbox #%s was taken over by another run; outcome dropped", row.id)
        return False
    if outcome.offered:
        level = logging.INFO if change.status == "sent" else logging.WARNING
        if log.isEnabledFor(level):
            log.log(
                level,
                "outbox #%s %s (attempt %s): %s",
                row.id,
                change.status,
                change.attempts,
                outcome.reply,
            )
    return True


def apply(
    s: Session,
    app: App,
    row: Notification,
    recipient: Person | None,
    outcome: Outcome,
    delay: timedelta,
    *,
    age_limit: bool = True,
) -> str | None:
    """Store `outcome` for `row` inside the caller's transaction; returns the new status,
    or None when the row is no longer ours (its lease ran out and another run took it)."""
    now = app.clock()
    change = _change(app, row, outcome, delay, now, age_limit)
    if not _store(s.connection(), row, outcome, change):
        return None
    if change.status == "failed":
        queue_delivery_failure(s, row=row, recipient=recipient, reply=outcome.reply, now=now)
    return change.status


def tally(statuses: list[str | None]) -> DispatchResult:
    return DispatchResult(
        sent=statuses.count("sent"),
        failed=statuses.count("failed"),
        retried=statuses.count("pending"),
    )


def record(
    app: App,
    row: Notification,
    recipient: Person | None,
    outcome: Outcome,
    rng: random.Random | None = None,
    writer: Writer | None = None,
) -> DispatchResult:
    """Store the outcome of one immediate message in its own transaction, on `writer`
    when given (the dispatcher holds one per run: a session per mail cost more than the
    UPDATE).

    Committed before the next message is offered, so a crash resends at most this one;
    but not durably (no fsync, see models.db): a commit lost in a power cut only means
    the row is claimed and sent once more after its lease, with the same Message-ID,
    as after a crash between sending and recording."""
    delay = retry_delay(app, [row], outcome, rng)
    now = app.clock()
    change = _change(app, row, outcome, delay, now, age_limit=True)
    if writer is None or change.status == "failed":
        # A failure also queues the coordinator's notice, through the ORM.
        with app.db.write(durable=False) as s:
            return tally([apply(s, app, row, recipient, outcome, delay)])
    count = writer.execute(_STORE, _values(row, outcome, change))
    return tally([change.status if _stored(row, outcome, change, count) else None])
