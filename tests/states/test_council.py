"""Council deadlines around weekends and each state's public holidays (the `holidays`
library), and the first council meeting that can still take an item."""

from __future__ import annotations

from datetime import date

from states.council import (
    Sitting,
    add_working_days,
    holiday_name,
    is_working_day,
    next_sitting,
    state_of,
    submission_deadline,
    working_days_between,
)


def test_the_state_comes_from_the_ags() -> None:
    assert [state_of(a) for a in ("05711000", "09562000", "03241001", "99000000")] == [
        "NW",
        "BY",
        "NI",
        None,
    ]


def test_a_holiday_of_one_state_is_a_working_day_in_another() -> None:
    corpus_christi = date(2027, 5, 27)  # a Thursday
    assert is_working_day(corpus_christi, "NW") is False
    assert is_working_day(corpus_christi, "NI") is True
    reformation = date(2025, 10, 31)  # a Friday
    assert is_working_day(reformation, "NI") is False
    assert is_working_day(reformation, "NW") is True
    assert holiday_name(corpus_christi, "NW") == "Fronleichnam"
    assert holiday_name(corpus_christi, "NI") is None


def test_a_deadline_on_a_holiday_or_weekend_moves_to_the_working_day_before() -> None:
    # 21 days before Thursday 17 June 2027 is Corpus Christi.
    assert submission_deadline(date(2027, 6, 17), 21, "NW") == date(2027, 5, 26)
    assert submission_deadline(date(2027, 6, 17), 21, "NI") == date(2027, 5, 27)
    # 22 days before Monday 15 March 2027 is a Sunday.
    assert submission_deadline(date(2027, 3, 15), 22, "BY") == date(2027, 2, 19)


def test_working_days_skip_christmas() -> None:
    assert add_working_days(date(2026, 12, 23), 3, "NW") == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 29), -3, "NW") == date(2026, 12, 23)
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 4), "NW") == 6
    assert working_days_between(date(2027, 1, 4), date(2026, 12, 23), "NW") == 0


def test_the_first_meeting_whose_submission_deadline_has_not_passed() -> None:
    meetings = [(date(2027, 2, 11), "Rat"), (date(2027, 1, 14), "Rat")]
    # On 28 December the January meeting's deadline (24 December) has passed.
    assert next_sitting(meetings, date(2026, 12, 28), 21, "NW") == Sitting(
        date(2027, 2, 11), date(2027, 1, 21), "Rat"
    )
    # On 24 December it has not.
    assert next_sitting(meetings, date(2026, 12, 24), 21, "NW") == Sitting(
        date(2027, 1, 14), date(2026, 12, 24), "Rat"
    )
    assert next_sitting(meetings, date(2027, 1, 22), 21, "NW") is None
    assert next_sitting([], date(2026, 12, 1), 21, "NW") is None
