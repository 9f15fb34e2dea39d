"""Council calendars: which council meeting can still take a founding item, and by when
its submission (Vorlage) is due, counted around weekends and the state's public holidays.

A council takes an item only if it reached the council office its submission lead time
(Vorlagefrist) before the meeting; a deadline that falls on a weekend or a public
holiday moves to the working day before (the office is closed). Holidays come per state
from the `holidays` library, the state from the municipality's AGS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

# The first two digits of the Amtlicher Gemeindeschlüssel name the state (Destatis,
# Gemeindeverzeichnis: Länderschlüssel), mapped to the ISO 3166-2:DE codes that the
# `holidays` library uses for its subdivisions.
STATE_OF_AGS_PREFIX: dict[str, str] = {
    "01": "SH",
    "02": "HH",
    "03": "NI",
    "04": "HB",
    "05": "NW",
    "06": "HE",
    "07": "RP",
    "08": "BW",
    "09": "BY",
    "10": "SL",
    "11": "BE",
    "12": "BB",
    "13": "MV",
    "14": "SN",
    "15": "ST",
    "16": "TH",
}

DEFAULT_LEAD_DAYS = 21  # three weeks, the usual Vorlagefrist of a council's rules of procedure
MAX_LEAD_DAYS = 120


def state_of(ags: str) -> str | None:
    return STATE_OF_AGS_PREFIX.get(ags[:2])


@lru_cache(maxsize=64)
def _holidays(state: str | None, year: int) -> frozenset[date]:
    import holidays  # only where a deadline is computed: not at every CLI start

    found = holidays.country_holidays("DE", subdiv=state, years=year)
    return frozenset(found)


def holiday_name(day: date, state: str | None, lang: str = "de") -> str | None:
    import holidays

    found = holidays.country_holidays(
        "DE", subdiv=state, years=day.year, language="de" if lang == "de" else "en_US"
    )
    name = found.get(day)
    return str(name) if name else None


def is_working_day(day: date, state: str | None) -> bool:
    return day.weekday() < 5 and day not in _holidays(state, day.year)


def working_day_on_or_before(day: date, state: str | None) -> date:
    while not is_working_day(day, state):
        day -= timedelta(days=1)
    return day


def add_working_days(day: date, n: int, state: str | None) -> date:
    """`n` working days after `day` (before it for a negative n)."""
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        day += timedelta(days=step)
        if is_working_day(day, state):
            left -= 1
    return day


def working_days_between(start: date, end: date, state: str | None) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, state):
            count += 1
    return count


@dataclass(frozen=True)
class Sitting:
    """The council meeting that can still take an item, and its submission deadline."""

    meets_on: date
    submit_by: date
    body: str = ""


def submission_deadline(meets_on: date, lead_days: int, state: str | None) -> date:
    return working_day_on_or_before(meets_on - timedelta(days=lead_days), state)


def next_sitting(
    meetings: Iterable[tuple[date, str]], today: date, lead_days: int, state: str | None
) -> Sitting | None:
    """The first meeting whose submission deadline has not passed; None if the calendar
    holds none (not imported, or every known meeting is too close)."""
    for meets_on, body in sorted(meetings):
        if meets_on < today:
            continue
        deadline = submission_deadline(meets_on, lead_days, state)
        if deadline >= today:
            return Sitting(meets_on, deadline, body)
    return None
