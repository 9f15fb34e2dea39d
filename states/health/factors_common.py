"""What the factor checks of the Kooperations-Check share: the stages in order, labels,
and small helpers (the rules shared by all factors are in check.py's docstring).
"""

from __future__ import annotations

from datetime import datetime

from states.health.rules import Colour, Findings, HealthRules
from states.lifecycle import State
from states.snapshot import CooperationSnapshot
from states.vocab import MeetingKind

# Enum members as module names: on Python 3.11 every `Colour.RED` or `State.PILOT` is a
# descriptor call, and a sweep runs these checks for tens of thousands of cooperations.
GREEN, YELLOW, RED = Colour.GREEN, Colour.YELLOW, Colour.RED
INFORMAL_CONTACT, EXPLORATION, AGREEMENT = (
    State.INFORMAL_CONTACT,
    State.EXPLORATION,
    State.AGREEMENT,
)
PILOT, EVALUATION, PERMANENT, PAUSED = State.PILOT, State.EVALUATION, State.PERMANENT, State.PAUSED
INFORMAL_KINDS = (MeetingKind.INFORMAL, MeetingKind.RETREAT)
STEERING_ROUND = MeetingKind.STEERING_ROUND

STAGES: tuple[State, ...] = (
    INFORMAL_CONTACT,
    EXPLORATION,
    AGREEMENT,
    PILOT,
    EVALUATION,
    PERMANENT,
)

LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "raised": ("gemeldet", "raised"),
    "contact_talks": ("Gespräch der Ansprechpersonen", "contact persons' talks"),
    "steering_round": ("Steuerungsrunde", "steering round"),
    "moderation": ("neutrale Moderation", "neutral moderation"),
    "mayors": ("Bürgermeister:innen", "mayors"),
}

AGREEMENT_LABELS: dict[str, tuple[str, str]] = {
    "zweckverband_statutes": ("Zweckverbandssatzung", "Zweckverband statutes"),
    "zweckvereinbarung": ("Zweckvereinbarung", "Zweckvereinbarung"),
    "public_law_contract": ("öffentlich-rechtlicher Vertrag", "public-law contract"),
    "cooperation_agreement": ("Kooperationsvereinbarung", "cooperation agreement"),
    "letter_of_intent": ("Absichtserklärung", "letter of intent"),
}


def stage_of(s: CooperationSnapshot) -> State:
    if s.state == PAUSED:
        return s.paused_from or INFORMAL_CONTACT
    return s.state


STAGE_RANK: dict[State, int] = {stage: i for i, stage in enumerate(STAGES)}


def reached(stage: State, target: State) -> bool:
    return STAGE_RANK.get(stage, -1) >= STAGE_RANK[target]


def de_num(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def join_names(names: list[str]) -> str:
    return ", ".join(names)


def days_in_state(s: CooperationSnapshot, state: State, now: datetime) -> int:
    """Days since entering `state` if the cooperation is in it now (0 when paused)."""
    if s.state != state or s.state_entered_at is None:
        return 0
    return max(0, (now - s.state_entered_at).days)


def pilot_days(s: CooperationSnapshot, now: datetime) -> int:
    return (now - s.pilot_started_at).days if s.pilot_started_at else 0


# Steering rounds count for factor 4 (mayors attend) and factor 8 (conflicts' channel).
def steering(s: CooperationSnapshot, now: datetime, r: HealthRules) -> Findings:
    f = Findings(8)
    today = now.date()
    held = [m.held_on for m in s.meetings if m.kind == STEERING_ROUND and m.held_on <= today]
    if held:
        days = (today - max(held)).days
        colour = YELLOW if days > r.steering_warn_days else GREEN
        f.add(
            colour,
            "steering_round_last",
            f"Letzte Steuerungsrunde vor {days} Tagen.",
            f"Last steering round {days} days ago.",
        )
    elif pilot_days(s, now) > r.steering_warn_days:
        f.add(
            YELLOW,
            "steering_round_missing",
            f"Pilot läuft seit {pilot_days(s, now)} Tagen ohne Steuerungsrunde.",
            f"Pilot running for {pilot_days(s, now)} days without a steering round.",
        )
    return f
