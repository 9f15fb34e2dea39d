"""The conflict ladder, pure: every (state, trigger) pair, deadlines and who is told.

Expected outcomes are written out from the domain (DOMAIN.md, factor 8), not derived
from the module's own edge table.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from states.conflict import (
    DEFAULT_DEADLINE_DAYS,
    ConflictState,
    ConflictTrigger,
    People,
    audience,
    can_escalate,
    deadline,
    mermaid,
    next_state,
    overdue,
    session_attendees,
    state_of,
)
from states.errors import InvalidInputError

S = ConflictState
T = ConflictTrigger

LADDER = [S.RAISED, S.CONTACT_TALKS, S.STEERING_ROUND, S.MODERATION, S.MAYORS]

# (state, trigger) -> next state, or the error code.
EXPECTED: dict[tuple[ConflictState, ConflictTrigger], ConflictState | str] = {
    (S.RAISED, T.ESCALATE): S.CONTACT_TALKS,
    (S.CONTACT_TALKS, T.ESCALATE): S.STEERING_ROUND,
    (S.STEERING_ROUND, T.ESCALATE): S.MODERATION,
    (S.MODERATION, T.ESCALATE): S.MAYORS,
    (S.MAYORS, T.ESCALATE): "conflict_top_level",
    **{(s, T.RESOLVE): S.RESOLVED for s in LADDER},
    **{(s, T.CLOSE_UNRESOLVED): S.CLOSED_UNRESOLVED for s in LADDER},
    **{(s, t): "conflict_not_open" for s in (S.RESOLVED, S.CLOSED_UNRESOLVED) for t in T},
}


def test_table_covers_every_state_and_trigger() -> None:
    assert set(EXPECTED) == {(s, t) for s in S for t in T}


@pytest.mark.parametrize(("state", "trigger"), list(EXPECTED), ids=str)
def test_transition(state: ConflictState, trigger: ConflictTrigger) -> None:
    expected = EXPECTED[state, trigger]
    if isinstance(expected, ConflictState):
        assert next_state(state, trigger) is expected
    else:
        with pytest.raises(InvalidInputError) as exc:
            next_state(state, trigger)
        assert exc.value.code == expected


@pytest.mark.parametrize(
    ("level", "status", "state"),
    [
        ("raised", "open", S.RAISED),
        ("moderation", "open", S.MODERATION),
        ("mayors", "open", S.MAYORS),
        ("steering_round", "resolved", S.RESOLVED),
        ("mayors", "closed_unresolved", S.CLOSED_UNRESOLVED),
    ],
)
def test_state_of_a_stored_conflict(level: str, status: str, state: ConflictState) -> None:
    assert state_of(level, status) is state


def test_only_the_mayors_conference_is_the_top() -> None:
    assert [can_escalate(s.value) for s in LADDER] == [True, True, True, True, False]


T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("level", [s.value for s in LADDER])
def test_overdue_exactly_on_the_deadline(level: str) -> None:
    days = DEFAULT_DEADLINE_DAYS[level]
    due = T0 + timedelta(days=days)
    assert deadline(level, T0, DEFAULT_DEADLINE_DAYS) == due
    assert not overdue(level, T0, due - timedelta(seconds=1), DEFAULT_DEADLINE_DAYS)
    assert overdue(level, T0, due, DEFAULT_DEADLINE_DAYS)


@pytest.mark.parametrize(
    ("deadlines", "days_later", "expected"),
    [
        ({"raised": 1}, 1, True),
        ({"raised": 10}, 5, False),
        ({}, 1000, False),  # a level without a deadline is never overdue
    ],
)
def test_overdue_uses_the_given_deadlines(
    deadlines: dict[str, int], days_later: int, expected: bool
) -> None:
    assert overdue("raised", T0, T0 + timedelta(days=days_later), deadlines) is expected


def test_default_deadlines_grow_up_the_ladder() -> None:
    assert list(DEFAULT_DEADLINE_DAYS) == [s.value for s in LADDER]
    assert DEFAULT_DEADLINE_DAYS == {
        "raised": 3,
        "contact_talks": 14,
        "steering_round": 21,
        "moderation": 30,
        "mayors": 30,
    }


PEOPLE = People(
    contacts=(11, 12, None),
    mayors=(21, 22),
    coordinator=1,
    assigned_moderator=None,
    all_moderators=(31, 32),
)


@pytest.mark.parametrize(
    ("level", "people", "told"),
    [
        ("raised", PEOPLE, [11, 12, 1]),
        ("contact_talks", PEOPLE, [11, 12]),
        ("steering_round", PEOPLE, [11, 12, 1]),
        ("moderation", PEOPLE, [31, 32]),  # no moderator assigned yet: every moderator
        ("moderation", People(contacts=(11,), coordinator=1, assigned_moderator=32), [32]),
        ("mayors", PEOPLE, [21, 22]),
    ],
)
def test_audience_of_each_level(level: str, people: People, told: list[int]) -> None:
    assert audience(level, people) == told


@pytest.mark.parametrize(
    ("level", "invited"),
    [
        ("raised", []),
        ("steering_round", []),
        ("moderation", [11, 12, 1, 32]),
        ("mayors", [1, 21, 22]),
    ],
)
def test_session_attendees(level: str, invited: list[int]) -> None:
    people = People(contacts=(11, 12), mayors=(21, 22), coordinator=1, assigned_moderator=32)
    assert sorted(session_attendees(level, people)) == sorted(invited)


def test_audience_is_distinct() -> None:
    people = People(contacts=(1, 1), coordinator=1)
    assert audience("steering_round", people) == [1]


def test_mermaid_names_every_state() -> None:
    diagram = mermaid()
    assert diagram.startswith("stateDiagram-v2")
    for s in S:
        assert f"as {s.value}" in diagram
