"""The demo's agenda replays acts in order of their day, on one day in the order they
were put on it, and never turns the simulated clock back."""

from __future__ import annotations

from datetime import UTC, datetime

from ikz.demo.agenda import Agenda
from ikz.demo.clock import SimClock


def test_acts_run_by_day_then_by_order_with_the_clock_on_their_day() -> None:
    clock = SimClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    agenda = Agenda()
    seen: list[tuple[str, str]] = []

    def note(name: str) -> None:
        seen.append((name, clock().date().isoformat()))

    agenda.at(30, lambda: note("late"))
    agenda.at(0, lambda: note("first"))
    agenda.at(30, lambda: note("late, second"))
    agenda.at(2, lambda: note("early"))
    agenda.run(clock)
    assert seen == [
        ("first", "2026-01-01"),
        ("early", "2026-01-03"),
        ("late", "2026-01-31"),
        ("late, second", "2026-01-31"),
    ]


def test_an_act_that_moves_the_clock_on_is_not_turned_back() -> None:
    clock = SimClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    agenda = Agenda()
    seen: list[str] = []
    agenda.at(0, lambda: clock.days(10))
    agenda.at(5, lambda: seen.append(clock().date().isoformat()))
    agenda.run(clock)
    assert seen == ["2026-01-11"]
