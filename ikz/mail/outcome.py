"""Record what a delivery attempt means for its outbox rows: sent, retried later, or failed.

The rules (backoff, the next state of a row, deferrals versus attempts) are
states.delivery; the statements are models.delivery. This module joins them for one
mail: it stores each row's next state and, when a row failed for good, queues the
coordinator's notice (ikz.mail.failures) in the same transaction.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from ikz.app import App
from ikz.mail.failures import queue_delivery_failure
from models import delivery
from models.db import Writer
from models.outbox import Notification
from models.registry import Person
from states.delivery import Change, Outcome, Verdict, next_state, retry_delay

__all__ = ["DispatchResult", "Outcome", "Verdict", "apply", "delay_for", "record", "tally"]

log = logging.getLogger("ikz.mail")


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


def delay_for(
    app: App, rows: list[Notification], outcome: Outcome, rng: random.Random | None
) -> timedelta:
    """states.delivery.retry_delay with the app's retry base."""
    return retry_delay(rows, outcome, app.settings.notify_retry_base_seconds, rng)


def _change(
    app: App, row: Notification, outcome: Outcome, delay: timedelta, now: datetime, age_limit: bool
) -> Change:
    settings = app.settings
    return next_state(
        row,
        outcome,
        delay,
        now,
        max_attempts=settings.notify_max_attempts,
        max_age_hours=settings.notify_max_age_hours,
        age_limit=age_limit,
    )


def _stored(row: Notification, outcome: Outcome, change: Change, rowcount: int) -> bool:
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
    count = delivery.store_outcome(session=s, row=row, change=change, reply=outcome.reply)
    if not _stored(row, outcome, change, count):
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
    delay = delay_for(app, [row], outcome, rng)
    now = app.clock()
    change = _change(app, row, outcome, delay, now, age_limit=True)
    if writer is None or change.status == "failed":
        # A failure also queues the coordinator's notice, through the ORM.
        with app.db.write(durable=False) as s:
            return tally([apply(s, app, row, recipient, outcome, delay)])
    count = delivery.store_outcome_on(writer, row=row, change=change, reply=outcome.reply)
    return tally([change.status if _stored(row, outcome, change, count) else None])
