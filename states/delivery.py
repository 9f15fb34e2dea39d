"""Delivery rules of the outbox, pure: when a row is due, how long it waits after a
failed attempt, what an attempt's outcome makes of it, and when a digest is due.

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

Digests: each person gets mail immediately, once a day or once a week. A daily digest
goes out at most once per calendar day, a weekly one at most once per ISO week, both
counted in German local time. The dispatcher holds a digest recipient's notifications
(except the kinds in IMMEDIATE_KINDS) until then and sends them as one mail.

The SQL side of these rules (the due condition as a WHERE clause, the claims and the
stored outcome) is models.delivery; the dispatcher that joins them is ikz.mail.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from states.errors import InvalidInputError

# A claimed row is 'sending' until this lease runs out; then another run may take it
# (its dispatcher crashed between claiming and recording).
CLAIM_LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)
# Rows still to be delivered; models.outbox.OPEN is the same condition as SQL.
OPEN_STATUSES = frozenset({"pending", "sending"})

Verdict = Literal["sent", "retry", "failed"]


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery attempt (of a mail: a digest carries several rows)."""

    verdict: Verdict
    reply: str
    offered: bool = True  # False: the relay failed before this message was offered


class DeliveryRow(Protocol):
    """What the rules read of an outbox row (models.outbox.Notification has it)."""

    @property
    def attempts(self) -> int: ...

    @property
    def deferrals(self) -> int: ...

    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class Change:
    """What an outcome does to its row."""

    status: str
    next_attempt_at: datetime
    attempts: int
    deferrals: int


def due(status: str, next_attempt_at: datetime, now: datetime) -> bool:
    """Whether a row is to be (re)sent now. A 'sending' row is due again only once its
    lease has run out (a crashed run). models.delivery.due_clause says the same in SQL."""
    return status in OPEN_STATUSES and next_attempt_at <= now


def backoff(attempts: int, base_seconds: float, rng: random.Random | None = None) -> timedelta:
    """Delay after the `attempts`-th failure: base * 2**(attempts-1), capped at MAX_BACKOFF,
    then scaled by a random 50-100 % so that rows failing together do not retry together."""
    raw = min(base_seconds * 2 ** min(max(attempts - 1, 0), 30), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=raw * (0.5 + (rng or random).random() / 2))


def retry_delay(
    rows: Iterable[DeliveryRow],
    outcome: Outcome,
    base_seconds: float,
    rng: random.Random | None = None,
) -> timedelta:
    """One delay for all rows of a mail (a digest carries several); none for a mail
    that was sent, whose rows do not wait for anything."""
    if outcome.verdict == "sent":
        return timedelta(0)
    n = max((r.attempts + 1 if outcome.offered else r.deferrals + 1) for r in rows)
    return backoff(n, base_seconds, rng)


def next_state(
    row: DeliveryRow,
    outcome: Outcome,
    delay: timedelta,
    now: datetime,
    *,
    max_attempts: int,
    max_age_hours: float,
    age_limit: bool = True,
) -> Change:
    """The row after `outcome`: deferred (never offered), retried later, or finished
    (sent or failed). `age_limit` False: only the attempt cap applies (held digest rows
    are old by design)."""
    if not outcome.offered:
        return Change("pending", now + delay, row.attempts, row.deferrals + 1)
    attempts = row.attempts + 1
    too_old = age_limit and now - row.created_at >= timedelta(hours=max_age_hours)
    if outcome.verdict == "retry" and attempts < max_attempts and not too_old:
        return Change("pending", now + delay, attempts, row.deferrals)
    # For finished rows next_attempt_at keeps the time of the last attempt.
    return Change("sent" if outcome.verdict == "sent" else "failed", now, attempts, row.deferrals)


# --- digests ---------------------------------------------------------------------------

LOCAL_TZ = ZoneInfo("Europe/Berlin")

# Never held for a digest: a calendar invitation belongs in the calendar now (one iTIP
# message per mail), a delivery failure is an alarm, a login link expires in minutes,
# and a question with an answer link (ikz.answers) must arrive as its own mail: the
# answer's proof names that mail's Message-ID, and a digest would carry another.
IMMEDIATE_KINDS = frozenset(
    {
        "meeting_invitation",
        "meeting_cancelled",
        "delivery_failed",
        "login_link",
        "signoff_requested",
        "signoff_reminder",
        "benefit_confirmation_requested",
        "conflict_agreement_requested",
    }
)


class DigestMode(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


def parse_mode(value: str) -> DigestMode:
    try:
        return DigestMode(value)
    except ValueError:
        raise InvalidInputError(
            "bad_digest",
            f"Unbekannte Zustellart '{value}' (immediate, daily, weekly).",
            f"Unknown delivery mode '{value}' (immediate, daily, weekly).",
        ) from None


def period_key(mode: str, at: datetime) -> str:
    """The calendar day (2026-01-05) or ISO week (2026-W02) that `at` falls in, locally."""
    local = at.astimezone(LOCAL_TZ)
    if mode == DigestMode.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def digest_due(mode: str, last_digest_at: datetime | None, now: datetime) -> bool:
    """A digest is due once per period: when none was sent yet in the period of `now`."""
    if mode == DigestMode.IMMEDIATE:
        return False
    if last_digest_at is None:
        return True
    return period_key(mode, last_digest_at) != period_key(mode, now)
