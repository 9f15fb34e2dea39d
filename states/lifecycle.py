"""The cooperation lifecycle: states, triggers and the transition table.

Built on `transitions` with one shared machine: a cooperation is represented by a small
plain token attached for the duration of one trigger (SQLModel objects cannot be machine
models, and one Machine per cooperation is needlessly expensive).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from transitions import Machine

from states.errors import InvalidTransitionError
from states.machine import SharedMachine


class State(StrEnum):
    INFORMAL_CONTACT = "informal_contact"
    EXPLORATION = "exploration"
    AGREEMENT = "agreement"
    PILOT = "pilot"
    EVALUATION = "evaluation"
    PERMANENT = "permanent"
    PAUSED = "paused"
    ENDED = "ended"


class Trigger(StrEnum):
    EXPLORE = "explore"
    AGREE = "agree"
    START_PILOT = "start_pilot"
    EVALUATE = "evaluate"
    MAKE_PERMANENT = "make_permanent"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    REWORK = "rework"
    EXTEND_PILOT = "extend_pilot"
    SPAWN_FOLLOW_UP = "spawn_follow_up"


ACTIVE_STATES: tuple[State, ...] = (
    State.INFORMAL_CONTACT,
    State.EXPLORATION,
    State.AGREEMENT,
    State.PILOT,
    State.EVALUATION,
    State.PERMANENT,
)

STATE_LABELS: dict[State, tuple[str, str]] = {
    State.INFORMAL_CONTACT: ("Informeller Kontakt", "Informal contact"),
    State.EXPLORATION: ("Sondierung", "Exploration"),
    State.AGREEMENT: ("Vereinbarung", "Agreement"),
    State.PILOT: ("Pilotphase", "Pilot"),
    State.EVALUATION: ("Evaluation", "Evaluation"),
    State.PERMANENT: ("Verstetigt", "Permanent"),
    State.PAUSED: ("Pausiert", "Paused"),
    State.ENDED: ("Beendet", "Ended"),
}

TRIGGER_LABELS: dict[Trigger, tuple[str, str]] = {
    Trigger.EXPLORE: ("Sondierung beginnen", "Start exploration"),
    Trigger.AGREE: ("Vereinbarung verhandeln", "Negotiate agreement"),
    Trigger.START_PILOT: ("Pilot starten", "Start pilot"),
    Trigger.EVALUATE: ("Pilot evaluieren", "Evaluate pilot"),
    Trigger.MAKE_PERMANENT: ("Verstetigen", "Make permanent"),
    Trigger.PAUSE: ("Pausieren", "Pause"),
    Trigger.RESUME: ("Fortsetzen", "Resume"),
    Trigger.END: ("Beenden", "End"),
    Trigger.REWORK: ("Vereinbarung überarbeiten", "Rework agreement"),
    Trigger.EXTEND_PILOT: ("Pilot verlängern", "Extend pilot"),
    Trigger.SPAWN_FOLLOW_UP: ("Folgekooperation anstoßen", "Spawn follow-up"),
}


@dataclass(frozen=True)
class Edge:
    trigger: Trigger
    source: State
    dest: State


def _edges() -> tuple[Edge, ...]:
    forward = [
        Edge(Trigger.EXPLORE, State.INFORMAL_CONTACT, State.EXPLORATION),
        Edge(Trigger.AGREE, State.EXPLORATION, State.AGREEMENT),
        Edge(Trigger.START_PILOT, State.AGREEMENT, State.PILOT),
        Edge(Trigger.EVALUATE, State.PILOT, State.EVALUATION),
        Edge(Trigger.MAKE_PERMANENT, State.EVALUATION, State.PERMANENT),
        Edge(Trigger.REWORK, State.PILOT, State.AGREEMENT),
        Edge(Trigger.EXTEND_PILOT, State.EVALUATION, State.PILOT),
        # The parent stays permanent; the follow-up is a new cooperation.
        Edge(Trigger.SPAWN_FOLLOW_UP, State.PERMANENT, State.PERMANENT),
    ]
    pause = [Edge(Trigger.PAUSE, s, State.PAUSED) for s in ACTIVE_STATES]
    resume = [Edge(Trigger.RESUME, State.PAUSED, s) for s in ACTIVE_STATES]
    end = [Edge(Trigger.END, s, State.ENDED) for s in State if s is not State.ENDED]
    return tuple(forward + pause + resume + end)


EDGES: tuple[Edge, ...] = _edges()


class Gate(StrEnum):
    """The gated (forward) triggers: what a mayor's sign-off can be given for."""

    EXPLORE = "explore"
    AGREE = "agree"
    START_PILOT = "start_pilot"
    EVALUATE = "evaluate"
    MAKE_PERMANENT = "make_permanent"


# Triggers whose gate decides progress; the others only need the edge to exist.
GATED_TRIGGERS: frozenset[Trigger] = frozenset(
    {Trigger.EXPLORE, Trigger.AGREE, Trigger.START_PILOT, Trigger.EVALUATE, Trigger.MAKE_PERMANENT}
)


def _resume_to(dest: State) -> Any:
    def condition(event: Any) -> bool:
        return bool(event.model.paused_from == dest)

    return condition


def _build_machine() -> Machine:
    transitions: list[dict[str, Any]] = []
    for e in EDGES:
        spec: dict[str, Any] = {"trigger": e.trigger.value, "source": e.source.value}
        if e.trigger is Trigger.RESUME:
            spec["dest"] = e.dest.value
            spec["conditions"] = [_resume_to(e.dest)]
        elif e.source is e.dest:
            spec["dest"] = None  # internal transition: no exit/enter
        else:
            spec["dest"] = e.dest.value
        transitions.append(spec)
    return Machine(
        model=None,
        states=[s.value for s in State],
        transitions=transitions,
        initial=State.INFORMAL_CONTACT.value,
        send_event=True,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )


_MACHINE = SharedMachine(_build_machine)


def parse_trigger(value: str) -> Trigger:
    try:
        return Trigger(value)
    except ValueError:
        valid = ", ".join(t.value for t in Trigger)
        raise InvalidTransitionError(
            "unknown_trigger",
            f"Unbekannter Auslöser '{value}'. Gültig sind: {valid}.",
            f"Unknown trigger '{value}'. Valid triggers: {valid}.",
        ) from None


def next_state(current: State, trigger: Trigger, paused_from: State | None = None) -> State:
    """Return the state `trigger` leads to from `current`, or raise InvalidTransitionError."""
    dest = _run_on_machine(current, trigger, paused_from)
    if dest is None:
        de_state, en_state = STATE_LABELS[current]
        raise InvalidTransitionError(
            "transition_not_allowed",
            f"Der Übergang '{trigger.value}' ist im Zustand '{de_state}' nicht möglich.",
            f"Trigger '{trigger.value}' is not allowed in state '{en_state}'.",
        )
    return dest


# The machine is the authority, and its answer depends on nothing but these three
# values: remember each answer (at most states x triggers x states of them) instead of
# attaching a model to the shared machine on every transition.
@cache
def _run_on_machine(current: State, trigger: Trigger, paused_from: State | None) -> State | None:
    dest = _MACHINE.fire(current.value, trigger.value, paused_from=paused_from)
    return None if dest is None else State(dest)


def available_triggers(current: State) -> list[Trigger]:
    """Triggers with an edge out of `current`, in table order, without duplicates."""
    seen: list[Trigger] = []
    for e in EDGES:
        if e.source is current and e.trigger not in seen:
            seen.append(e.trigger)
    return seen


def mermaid(current: State | None = None) -> str:
    """The lifecycle as a Mermaid state diagram, optionally with the current state marked."""
    lines = ["stateDiagram-v2", "  direction LR"]
    for s in State:
        lines.append(f'  state "{STATE_LABELS[s][0]}" as {s.value}')
    lines.append(f"  [*] --> {State.INFORMAL_CONTACT.value}")
    drawn: set[tuple[str, str, str]] = set()
    for e in EDGES:
        key = (e.source.value, e.dest.value, e.trigger.value)
        if key in drawn:
            continue
        drawn.add(key)
        lines.append(f"  {e.source.value} --> {e.dest.value}: {e.trigger.value}")
    if current is not None:
        lines.append("  classDef current fill:#f96,stroke:#333,stroke-width:3px")
        lines.append(f"  class {current.value} current")
    return "\n".join(lines)
