"""The outbox's delivery rules with the values written out: due or not, how long a row
waits, whether it is retried or given up, and when a digest is due."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from states.delivery import (
    CLAIM_LEASE,
    IMMEDIATE_KINDS,
    MAX_BACKOFF,
    Change,
    DigestMode,
    Outcome,
    backoff,
    digest_due,
    due,
    next_state,
    parse_mode,
    period_key,
    retry_delay,
)
from states.errors import InvalidInputError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@dataclass
class Row:
    attempts: int = 0
    deferrals: int = 0
    created_at: datetime = NOW - timedelta(hours=1)


class Fixed(random.Random):
    """A random source that always says `value`: the jitter at its ends."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.mark.parametrize(
    ("status", "next_attempt_at", "expected"),
    [
        ("pending", NOW - MINUTE, True),
        ("pending", NOW, True),  # due at its time, not only after
        ("pending", NOW + MINUTE, False),  # still in its backoff
        ("sending", NOW - MINUTE, True),  # lease ran out: its run crashed
        ("sending", NOW + CLAIM_LEASE, False),  # claimed, lease running
        ("sent", NOW - MINUTE, False),
        ("failed", NOW - MINUTE, False),
    ],
)
def test_due(status: str, next_attempt_at: datetime, expected: bool) -> None:
    assert due(status, next_attempt_at, NOW) is expected


@pytest.mark.parametrize(
    ("attempts", "jitter", "seconds"),
    [
        (1, 1.0, 30.0),  # base after the first failure
        (1, 0.0, 15.0),  # jitter halves it at most
        (2, 1.0, 60.0),
        (3, 1.0, 120.0),
        (0, 1.0, 30.0),  # never below the base
        (10, 1.0, 15360.0),
        (11, 1.0, 21600.0),  # capped at six hours
        (11, 0.0, 10800.0),
        (500, 1.0, 21600.0),  # no overflow for absurd counts
    ],
)
def test_backoff(attempts: int, jitter: float, seconds: float) -> None:
    assert backoff(attempts, 30, Fixed(jitter)) == timedelta(seconds=seconds)


def test_backoff_cap_is_six_hours() -> None:
    assert MAX_BACKOFF == timedelta(hours=6)


def test_retry_delay_none_after_sent() -> None:
    sent = Outcome("sent", "250 OK")
    assert retry_delay([Row(attempts=3)], sent, 30, Fixed(1.0)) == timedelta(0)


def test_retry_delay_counts_attempts_when_offered_and_deferrals_when_not() -> None:
    rows = [Row(attempts=0, deferrals=4), Row(attempts=2, deferrals=0)]
    refused = Outcome("retry", "451 Later")
    deferred = Outcome("retry", "connect: refused", offered=False)
    # The row with the most attempts sets the delay: its third attempt, 30 * 2**2.
    assert retry_delay(rows, refused, 30, Fixed(1.0)) == timedelta(seconds=120)
    # Its fifth deferral: 30 * 2**4.
    assert retry_delay(rows, deferred, 30, Fixed(1.0)) == timedelta(seconds=480)


LIMITS = {"max_attempts": 3, "max_age_hours": 48.0}
DELAY = timedelta(seconds=90)


def test_a_temporary_refusal_is_retried() -> None:
    change = next_state(Row(attempts=1), Outcome("retry", "451"), DELAY, NOW, **LIMITS)
    assert change == Change("pending", NOW + DELAY, 2, 0)


def test_the_last_allowed_attempt_gives_up() -> None:
    change = next_state(Row(attempts=2), Outcome("retry", "451"), DELAY, NOW, **LIMITS)
    assert change == Change("failed", NOW, 3, 0)


def test_a_row_past_its_age_gives_up_at_once() -> None:
    old = Row(attempts=0, created_at=NOW - timedelta(hours=48))
    assert next_state(old, Outcome("retry", "451"), DELAY, NOW, **LIMITS) == Change(
        "failed", NOW, 1, 0
    )
    # ... unless only the attempt cap applies (a held digest row).
    held = next_state(old, Outcome("retry", "451"), DELAY, NOW, **LIMITS, age_limit=False)
    assert held == Change("pending", NOW + DELAY, 1, 0)


def test_a_permanent_refusal_fails_at_once() -> None:
    change = next_state(Row(), Outcome("failed", "550 No such user"), DELAY, NOW, **LIMITS)
    assert change == Change("failed", NOW, 1, 0)


def test_sent_keeps_the_time_of_the_attempt() -> None:
    change = next_state(Row(attempts=1), Outcome("sent", "250 OK"), DELAY, NOW, **LIMITS)
    assert change == Change("sent", NOW, 2, 0)


def test_a_deferral_is_no_attempt_and_never_fails() -> None:
    never_offered = Outcome("retry", "connect: refused", offered=False)
    worn = Row(attempts=2, deferrals=40, created_at=NOW - timedelta(days=30))
    change = next_state(worn, never_offered, DELAY, NOW, **LIMITS)
    assert change == Change("pending", NOW + DELAY, 2, 41)


def test_period_key_counts_in_german_time() -> None:
    # 23:30 UTC on Monday 5 January is Tuesday 00:30 in Berlin.
    late = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)
    assert period_key("daily", late) == "2026-01-06"
    assert period_key("weekly", late) == "2026-W02"
    assert period_key("weekly", datetime(2026, 1, 4, 12, tzinfo=UTC)) == "2026-W01"
    # Summer time: 22:30 UTC on 30 June is 00:30 on 1 July.
    assert period_key("daily", datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "2026-07-01"


@pytest.mark.parametrize(
    ("mode", "last", "now", "expected"),
    [
        ("daily", None, NOW, True),  # never sent: due
        ("daily", NOW - timedelta(hours=2), NOW, False),  # same day
        ("daily", datetime(2026, 3, 1, 22, 59, tzinfo=UTC), NOW, True),  # 23:59 yesterday
        ("daily", datetime(2026, 3, 1, 23, 0, tzinfo=UTC), NOW, False),  # 00:00 today
        ("weekly", datetime(2026, 3, 1, 9, 0, tzinfo=UTC), NOW, True),  # Sunday, last week
        ("weekly", datetime(2026, 3, 2, 0, 0, tzinfo=UTC), NOW + timedelta(days=6), False),
        ("immediate", None, NOW, False),  # nothing is held
    ],
)
def test_digest_due(mode: str, last: datetime | None, now: datetime, expected: bool) -> None:
    assert digest_due(mode, last, now) is expected


def test_parse_mode() -> None:
    assert parse_mode("weekly") is DigestMode.WEEKLY
    with pytest.raises(InvalidInputError, match="hourly"):
        parse_mode("hourly")


def test_calendar_mail_alarms_login_links_and_questions_are_never_held() -> None:
    assert (
        frozenset(
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
        == IMMEDIATE_KINDS
    )
