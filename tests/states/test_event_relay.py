"""The event relay's rules with the values written out: which open events may be posted
now (in order per cooperation), and how long a failed one waits."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from states.event_relay import CLAIM_LEASE, MAX_EVENT_BACKOFF, Retry, postable, retry

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Row(NamedTuple):
    id: int
    cooperation_id: int
    status: str = "pending"
    next_attempt_at: datetime = NOW


def test_due_events_go_in_id_order_across_cooperations() -> None:
    rows = [Row(1, 10), Row(2, 20), Row(3, 10), Row(4, 30)]
    assert postable(rows, NOW, limit=50) == [1, 2, 3, 4]


def test_an_event_waits_while_an_earlier_one_of_its_cooperation_backs_off() -> None:
    later = NOW + timedelta(seconds=30)
    rows = [Row(1, 10, next_attempt_at=later), Row(2, 20), Row(3, 10), Row(4, 20)]
    assert postable(rows, NOW, limit=50) == [2, 4]


def test_an_event_waits_while_an_earlier_one_is_claimed_by_another_relay() -> None:
    rows = [Row(1, 10, "sending", NOW + CLAIM_LEASE), Row(2, 10), Row(3, 20)]
    assert postable(rows, NOW, limit=50) == [3]


def test_a_claim_whose_lease_ran_out_is_taken_again_first() -> None:
    rows = [Row(1, 10, "sending", NOW - timedelta(seconds=1)), Row(2, 10)]
    assert postable(rows, NOW, limit=50) == [1, 2]


def test_the_limit_cuts_the_batch_and_blocks_what_follows() -> None:
    rows = [Row(1, 10), Row(2, 20), Row(3, 10), Row(4, 30)]
    assert postable(rows, NOW, limit=2) == [1, 2]
    assert postable([], NOW, limit=2) == []


def test_a_failed_event_backs_off_exponentially_up_to_its_cap() -> None:
    rng = random.Random(0)
    first = retry(0, None, NOW, rng=_Top())
    assert first == Retry(NOW + timedelta(seconds=2), 1, NOW)
    third = retry(2, NOW, NOW + timedelta(seconds=9), rng=_Top())
    assert third == Retry(NOW + timedelta(seconds=9 + 8), 3, NOW)
    late = retry(20, NOW, NOW + timedelta(hours=1), rng=_Top())
    assert late.next_attempt_at == NOW + timedelta(hours=1) + MAX_EVENT_BACKOFF
    assert MAX_EVENT_BACKOFF == timedelta(minutes=5)
    # Jitter: between half and all of the delay, never more.
    for _ in range(50):
        r = retry(3, None, NOW, rng=rng)
        assert NOW + timedelta(seconds=8) <= r.next_attempt_at <= NOW + timedelta(seconds=16)


class _Top(random.Random):
    """A random source at its top end: the full, unjittered delay."""

    def random(self) -> float:
        return 1.0
