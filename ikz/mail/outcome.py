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

from sqlalchemy import ColumnElement, CursorResult, and_, update
from sqlmodel import Session, col

from ikz.app import App
from ikz.mail.failures import queue_delivery_failure
from models.outbox import Notification
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
    return and_(
        col(Notification.status).in_(("pending", "sending")),
        col(Notification.next_attempt_at) <= now,
    )


def retry_delay(
    app: App, rows: list[Notification], outcome: Outcome, rng: random.Random | None
) -> timedelta:
    """One delay for all rows of a mail (a digest carries several)."""
    n = max((r.attempts + 1 if outcome.offered else r.deferrals + 1) for r in rows)
    return backoff(n, app.settings.notify_retry_base_seconds, rng)


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
    values: dict[str, object] = {"last_error": outcome.reply[:MAX_REPLY_CHARS]}
    if not outcome.offered:
        status, next_at = "pending", now + delay
        values["deferrals"] = row.deferrals + 1
    else:
        attempts = row.attempts + 1
        values["attempts"] = attempts
        # For finished rows next_attempt_at keeps the time of the last attempt.
        status, next_at = ("sent" if outcome.verdict == "sent" else "failed"), now
        too_old = age_limit and now - row.created_at >= timedelta(
            hours=app.settings.notify_max_age_hours
        )
        if (
            outcome.verdict == "retry"
            and attempts < app.settings.notify_max_attempts
            and not too_old
        ):
            status, next_at = "pending", now + delay
    done: CursorResult[Any] = s.execute(  # type: ignore[assignment]
        update(Notification)
        .where(
            col(Notification.id) == row.id,
            col(Notification.status) == "sending",
            col(Notification.attempts) == row.attempts,
            col(Notification.deferrals) == row.deferrals,
        )
        .values(status=status, next_attempt_at=next_at, **values)
    )
    if done.rowcount != 1:
        log.warning("outbox #%s was taken over by another run; outcome dropped", row.id)
        return None
    if outcome.offered:
        level = logging.INFO if status == "sent" else logging.WARNING
        log.log(
            level,
            "outbox #%s %s (attempt %s): %s",
            row.id,
            status,
            values["attempts"],
            outcome.reply,
        )
    if status == "failed":
        queue_delivery_failure(s, row=row, recipient=recipient, reply=outcome.reply, now=now)
    return status


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
) -> DispatchResult:
    """Store the outcome of one immediate message in its own transaction."""
    delay = retry_delay(app, [row], outcome, rng)
    with app.db.write() as s:
        return tally([apply(s, app, row, recipient, outcome, delay)])
