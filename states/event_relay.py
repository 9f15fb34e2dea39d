"""Rules of the event outbox's relay, pure: which pending events may be posted now, and
what a failed post makes of them.

Order per cooperation: Prefect's follow-ups (a review on entering a state, the success
report on evaluation) read the cooperation as it is when they run, but the triggers fire
per event; an event is therefore never posted while an earlier one of the same
cooperation is still open (pending, or claimed by a relay that may yet fail). Events of
different cooperations do not wait for each other.

A failed post is retried with exponential backoff and jitter (states.delivery.backoff),
capped lower than mail: a Prefect server that is back should see its backlog within
minutes, and a post is cheap. An event never fails for good: losing it is what the outbox
is for not doing; `ikz events status` shows a backlog that does not drain.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from states.delivery import backoff, due

# A claimed event is 'sending' until this lease runs out; then another relay may take it
# (its relay crashed between claiming and recording). A post takes seconds at most.
CLAIM_LEASE = timedelta(minutes=2)
BASE_SECONDS = 2.0
MAX_EVENT_BACKOFF = timedelta(minutes=5)


class OpenEvent(Protocol):
    """What the rules read of an open outbox event (models.event_outbox has it)."""

    @property
    def id(self) -> int: ...

    @property
    def cooperation_id(self) -> int: ...

    @property
    def status(self) -> str: ...

    @property
    def next_attempt_at(self) -> datetime: ...


def postable(rows: Iterable[OpenEvent], now: datetime, limit: int) -> list[int]:
    """The ids to post now, at most `limit`, from open events in id order (all open
    events of each cooperation up to the last one given): per cooperation the due events
    before its first event that is not due (backing off, or claimed by another relay)."""
    taken: list[int] = []
    blocked: set[int] = set()
    for row in rows:
        if row.cooperation_id in blocked:
            continue
        if len(taken) < limit and due(row.status, row.next_attempt_at, now):
            taken.append(row.id)
        else:
            blocked.add(row.cooperation_id)
    return taken


@dataclass(frozen=True)
class Retry:
    """A failed event after its attempt: when to try again, since when it fails."""

    next_attempt_at: datetime
    attempts: int
    first_failed_at: datetime


def retry(
    attempts: int,
    first_failed_at: datetime | None,
    now: datetime,
    rng: random.Random | None = None,
) -> Retry:
    """The event after its `attempts + 1`-th post failed."""
    n = attempts + 1
    delay = min(backoff(n, BASE_SECONDS, rng), MAX_EVENT_BACKOFF)
    return Retry(now + delay, n, first_failed_at or now)
