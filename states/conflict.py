"""The conflict escalation ladder (success factor 8: Konflikte klären), pure.

raised -> contact_talks -> steering_round -> moderation -> mayors (the mayors'
conference), and from any open level: resolved, or closed_unresolved. Each open level has
a deadline; an open conflict past it is overdue and goes up one level.

Built like states.lifecycle: one shared `transitions` Machine and a plain token attached
for one trigger. The stored level keeps the code "mayors" for the mayors' conference
(existing rows, mail texts and the policy use it); labels name it in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from transitions import Machine

from states.errors import InvalidInputError
from states.machine import SharedMachine
from states.vocab import CONFLICT_LEVEL_ORDER, ConflictLevel, ConflictStatus


class ConflictState(StrEnum):
    RAISED = ConflictLevel.RAISED.value
    CONTACT_TALKS = ConflictLevel.CONTACT_TALKS.value
    STEERING_ROUND = ConflictLevel.STEERING_ROUND.value
    MODERATION = ConflictLevel.MODERATION.value
    MAYORS = ConflictLevel.MAYORS.value  # the mayors' conference
    RESOLVED = ConflictStatus.RESOLVED.value
    CLOSED_UNRESOLVED = ConflictStatus.CLOSED_UNRESOLVED.value


class ConflictTrigger(StrEnum):
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    CLOSE_UNRESOLVED = "close_unresolved"


OPEN_STATES: tuple[ConflictState, ...] = tuple(
    ConflictState(lv.value) for lv in CONFLICT_LEVEL_ORDER
)
TERMINAL_STATES: frozenset[ConflictState] = frozenset(
    {ConflictState.RESOLVED, ConflictState.CLOSED_UNRESOLVED}
)

# Levels at which a session is held (and invited to): the moderation, the mayors' conference.
SESSION_LEVELS: frozenset[ConflictLevel] = frozenset(
    {ConflictLevel.MODERATION, ConflictLevel.MAYORS}
)

LEVEL_LABELS: dict[ConflictState, tuple[str, str]] = {
    ConflictState.RAISED: ("Gemeldet", "Raised"),
    ConflictState.CONTACT_TALKS: ("Gespräch der Ansprechpersonen", "Talks between contact persons"),
    ConflictState.STEERING_ROUND: ("Steuerungsrunde", "Steering round"),
    ConflictState.MODERATION: ("Neutrale Moderation", "Neutral moderation"),
    ConflictState.MAYORS: ("Bürgermeisterkonferenz", "Mayors' conference"),
    ConflictState.RESOLVED: ("Gelöst", "Resolved"),
    ConflictState.CLOSED_UNRESOLVED: ("Ungelöst geschlossen", "Closed unresolved"),
}

# Days a conflict may stay at a level before it goes up (settings override these).
DEFAULT_DEADLINE_DAYS: dict[str, int] = {
    ConflictLevel.RAISED.value: 3,
    ConflictLevel.CONTACT_TALKS.value: 14,
    ConflictLevel.STEERING_ROUND.value: 21,
    ConflictLevel.MODERATION.value: 30,
    ConflictLevel.MAYORS.value: 30,
}


@dataclass(frozen=True)
class Edge:
    trigger: ConflictTrigger
    source: ConflictState
    dest: ConflictState


def _edges() -> tuple[Edge, ...]:
    up = [Edge(ConflictTrigger.ESCALATE, a, b) for a, b in pairwise(OPEN_STATES)]
    resolve = [Edge(ConflictTrigger.RESOLVE, s, ConflictState.RESOLVED) for s in OPEN_STATES]
    close = [
        Edge(ConflictTrigger.CLOSE_UNRESOLVED, s, ConflictState.CLOSED_UNRESOLVED)
        for s in OPEN_STATES
    ]
    return tuple(up + resolve + close)


EDGES: tuple[Edge, ...] = _edges()


def _build_machine() -> Machine:
    return Machine(
        model=None,
        states=[s.value for s in ConflictState],
        transitions=[
            {"trigger": e.trigger.value, "source": e.source.value, "dest": e.dest.value}
            for e in EDGES
        ],
        initial=ConflictState.RAISED.value,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )


_MACHINE = SharedMachine(_build_machine)


def state_of(level: str, status: str) -> ConflictState:
    """The machine state of a stored conflict: its status once closed, else its level."""
    return ConflictState(level if status == ConflictStatus.OPEN.value else status)


def next_state(current: ConflictState, trigger: ConflictTrigger) -> ConflictState:
    """Where `trigger` leads from `current`; raises InvalidInputError if nowhere."""
    if current in TERMINAL_STATES:
        raise InvalidInputError(
            "conflict_not_open",
            "Der Konflikt ist nicht mehr offen.",
            "The conflict is no longer open.",
        )
    dest = _MACHINE.fire(current.value, trigger.value)
    if dest is None:
        # Only escalate can fail from an open level: at the top there is no next level.
        raise InvalidInputError(
            "conflict_top_level",
            "Der Konflikt ist bereits auf der höchsten Stufe.",
            "The conflict is already at the top level.",
        )
    return ConflictState(dest)


def deadline(level: str, entered_at: datetime, deadlines: Mapping[str, int]) -> datetime | None:
    """When a conflict that entered `level` at `entered_at` becomes overdue (None: never)."""
    days = deadlines.get(level)
    return None if days is None else entered_at + timedelta(days=days)


def overdue(level: str, entered_at: datetime, now: datetime, deadlines: Mapping[str, int]) -> bool:
    """True once an open conflict has stayed at `level` for its deadline or longer."""
    due = deadline(level, entered_at, deadlines)
    return due is not None and now >= due


def can_escalate(level: str) -> bool:
    return ConflictLevel(level) is not CONFLICT_LEVEL_ORDER[-1]


class Audience(StrEnum):
    """Who is told when a conflict arrives at a level."""

    CONTACTS = "contacts"
    COORDINATOR = "coordinator"
    MODERATOR = "moderator"  # the assigned one, or every moderator while none is assigned
    MAYORS = "mayors"


AUDIENCE: dict[ConflictLevel, frozenset[Audience]] = {
    ConflictLevel.RAISED: frozenset({Audience.CONTACTS, Audience.COORDINATOR}),
    ConflictLevel.CONTACT_TALKS: frozenset({Audience.CONTACTS}),
    ConflictLevel.STEERING_ROUND: frozenset({Audience.CONTACTS, Audience.COORDINATOR}),
    ConflictLevel.MODERATION: frozenset({Audience.MODERATOR}),
    ConflictLevel.MAYORS: frozenset({Audience.MAYORS}),
}


@dataclass(frozen=True)
class People:
    """The people a conflict's cooperation has, by id, for `audience`."""

    contacts: tuple[int | None, ...] = ()
    mayors: tuple[int | None, ...] = ()
    coordinator: int | None = None
    assigned_moderator: int | None = None
    all_moderators: tuple[int, ...] = ()


def audience(level: str, people: People) -> list[int]:
    """The distinct person ids to tell when a conflict arrives at `level`."""
    return _ids(AUDIENCE[ConflictLevel(level)], people)


# Who attends the session of a level: the moderation brings the parties (their contact
# persons) and the coordinator to the moderator; the conference is the mayors' with the
# coordinator, who prepares it.
SESSION_AUDIENCE: dict[ConflictLevel, frozenset[Audience]] = {
    ConflictLevel.MODERATION: frozenset(
        {Audience.MODERATOR, Audience.CONTACTS, Audience.COORDINATOR}
    ),
    ConflictLevel.MAYORS: frozenset({Audience.MAYORS, Audience.COORDINATOR}),
}


def _ids(wanted: frozenset[Audience], people: People) -> list[int]:
    ids: list[int | None] = []
    if Audience.CONTACTS in wanted:
        ids += people.contacts
    if Audience.COORDINATOR in wanted:
        ids.append(people.coordinator)
    if Audience.MODERATOR in wanted:
        if people.assigned_moderator is not None:
            ids.append(people.assigned_moderator)
        else:
            ids += people.all_moderators
    if Audience.MAYORS in wanted:
        ids += people.mayors
    return list(dict.fromkeys(i for i in ids if i is not None))


def session_attendees(level: str, people: People) -> list[int]:
    """The distinct person ids invited to the session of `level` (empty: no session)."""
    wanted = SESSION_AUDIENCE.get(ConflictLevel(level))
    return _ids(wanted, people) if wanted else []


def mermaid() -> str:
    """The ladder as a Mermaid state diagram."""
    lines = ["stateDiagram-v2", "  direction LR"]
    lines += [f'  state "{LEVEL_LABELS[s][0]}" as {s.value}' for s in ConflictState]
    lines.append(f"  [*] --> {ConflictState.RAISED.value}")
    lines += [f"  {e.source.value} --> {e.dest.value}: {e.trigger.value}" for e in EDGES]
    return "\n".join(lines)
