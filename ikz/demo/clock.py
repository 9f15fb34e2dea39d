"""The demo's simulated clock."""

from __future__ import annotations

from datetime import datetime, timedelta


class SimClock:
    """A clock the demo moves forward, so history gets realistic timestamps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def days(self, n: int) -> None:
        self.now += timedelta(days=n)
