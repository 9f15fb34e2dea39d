"""A dated agenda for the demo: acts scheduled on days after a start, replayed in order of
their day (and, on one day, in the order they were scheduled) on the simulated clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ikz.demo.clock import SimClock


class Agenda:
    def __init__(self) -> None:
        self._acts: list[tuple[int, int, Callable[[], object]]] = []

    def at(self, day: int, act: Callable[[], object]) -> None:
        assert day >= 0, day
        self._acts.append((day, len(self._acts), act))

    def run(self, clock: SimClock) -> None:
        start = clock.now
        for day, _, act in sorted(self._acts, key=lambda a: (a[0], a[1])):
            clock.now = max(clock.now, start + timedelta(days=day))
            act()
