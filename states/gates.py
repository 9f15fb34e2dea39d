"""Gate criteria for each forward trigger, drawn from the eight success factors.

A gate is a pure function of a snapshot that returns the unmet criteria ("why not"):
an empty list means the gate holds. Every criterion has a stable code and a German and
English message, so the CLI, the UI and emails say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from states.errors import Message
from states.founding import LETTER_OF_INTENT
from states.founding_checks import permanent_criteria
from states.funding import start_criteria
from states.lifecycle import Trigger
from states.snapshot import CooperationSnapshot
from states.vocab import ConflictLevel, MeetingKind, level_at_least

Criterion = Message


@dataclass(frozen=True)
class GateRules:
    """Tunable thresholds of the gates (settings supply them; defaults are sensible)."""

    pilot_min_days: int = 90


# Criteria a coordinator may override when applying a trigger, always with a reason.
OVERRIDABLE: frozenset[str] = frozenset({"pilot_min_duration"})


def _explore(s: CooperationSnapshot, rules: GateRules, now: datetime) -> list[Criterion]:
    unmet: list[Criterion] = []
    if len(s.partners) < 2:
        unmet.append(
            Criterion(
                "min_two_partners",
                f"Mindestens zwei Partnerkommunen nötig (bisher {len(s.partners)}).",
                f"At least two partner municipalities needed (so far {len(s.partners)}).",
            )
        )
    for p in s.partners:
        if p.contact_id is None:
            unmet.append(
                Criterion(
                    "contact_person_missing",
                    f"{p.name}: keine feste Ansprechperson benannt.",
                    f"{p.name}: no fixed contact person named.",
                )
            )
    # A retreat (Klausur) is informal dialogue too (success factor 1).
    if not any(m.kind in (MeetingKind.INFORMAL, MeetingKind.RETREAT) for m in s.meetings):
        unmet.append(
            Criterion(
                "informal_exchange_missing",
                "Noch kein informeller Austausch erfasst.",
                "No informal exchange recorded yet.",
            )
        )
    return unmet


def _agree(s: CooperationSnapshot, rules: GateRules, now: datetime) -> list[Criterion]:
    unmet: list[Criterion] = []
    if not s.goals:
        unmet.append(
            Criterion(
                "shared_goals_missing",
                "Keine gemeinsamen Ziele schriftlich festgehalten.",
                "No shared goals written down.",
            )
        )
    for p in s.partners:
        if not p.stated_benefit:
            unmet.append(
                Criterion(
                    "benefit_missing",
                    f"{p.name}: Nutzen für die Kommune nicht benannt.",
                    f"{p.name}: benefit for the municipality not stated.",
                )
            )
    return unmet


def _start_pilot(s: CooperationSnapshot, rules: GateRules, now: datetime) -> list[Criterion]:
    unmet: list[Criterion] = []
    for p in s.partners:
        if (Trigger.START_PILOT.value, p.municipality_id) not in s.signoffs:
            unmet.append(
                Criterion(
                    "mayor_signoff_missing",
                    f"{p.name}: Freigabe durch die Bürgermeisterin/den Bürgermeister fehlt.",
                    f"{p.name}: the mayor's sign-off is missing.",
                )
            )
    if s.staff_involvements == 0:
        unmet.append(
            Criterion(
                "staff_involvement_missing",
                "Beteiligung der Mitarbeitenden nicht erfasst.",
                "Staff involvement not recorded.",
            )
        )
    if not s.communications:
        unmet.append(
            Criterion(
                "communication_missing",
                "Keine Kommunikationsmaßnahme geplant (Pressemitteilung, Infoveranstaltung, ...).",
                "No communication measure planned (press release, info event, ...).",
            )
        )
    # The founding procedure's letter of intent counts too ("no formalism trap").
    founding_loi = s.founding is not None and bool(s.founding.of(LETTER_OF_INTENT))
    if not s.agreement_kinds and not founding_loi:
        unmet.append(
            Criterion(
                "agreement_missing",
                "Keine Vereinbarung erfasst (eine Absichtserklärung genügt).",
                "No agreement recorded (a letter of intent is enough).",
            )
        )
    for c in s.open_conflicts:
        if level_at_least(c.level, ConflictLevel.MODERATION):
            unmet.append(
                Criterion(
                    "escalated_conflict_open",
                    f"Konflikt #{c.id} ist auf Stufe '{c.level}' offen.",
                    f"Conflict #{c.id} is open at level '{c.level}'.",
                )
            )
    # A funding programme that forbids starting before its application or decision
    # holds the pilot's start (the start of the project) until then.
    unmet.extend(start_criteria(s.funding))
    return unmet


def _evaluate(s: CooperationSnapshot, rules: GateRules, now: datetime) -> list[Criterion]:
    unmet: list[Criterion] = []
    start = s.pilot_started_at
    rounds = [
        m
        for m in s.meetings
        # Only rounds actually held: a date in the future does not count yet.
        if m.kind == MeetingKind.STEERING_ROUND
        and (start is None or m.held_on >= start.date())
        and m.held_on <= now.date()
    ]
    if not rounds:
        unmet.append(
            Criterion(
                "steering_round_missing",
                "Während des Pilots hat noch keine Steuerungsrunde stattgefunden.",
                "No steering round held during the pilot.",
            )
        )
    days = (now - start).days if start is not None else 0
    if days < rules.pilot_min_days:
        unmet.append(
            Criterion(
                "pilot_min_duration",
                f"Pilot läuft erst {days} von mindestens {rules.pilot_min_days} Tagen.",
                f"Pilot has run {days} of at least {rules.pilot_min_days} days.",
            )
        )
    return unmet


def _make_permanent(s: CooperationSnapshot, rules: GateRules, now: datetime) -> list[Criterion]:
    unmet: list[Criterion] = []
    if s.reports == 0:
        unmet.append(
            Criterion(
                "success_report_missing",
                "Es liegt noch kein Erfolgsbericht vor.",
                "No success report exists yet.",
            )
        )
    if s.visible_successes == 0:
        unmet.append(
            Criterion(
                "visible_success_missing",
                "Noch kein Erfolg für Bürgerinnen und Bürger sichtbar gemacht.",
                "No success made visible to citizens yet.",
            )
        )
    for p in s.partners:
        if not p.confirmed_benefit:
            unmet.append(
                Criterion(
                    "benefit_not_confirmed",
                    f"{p.name}: Nutzen noch nicht bestätigt.",
                    f"{p.name}: benefit not yet confirmed.",
                )
            )
    if not s.legal_form:
        unmet.append(
            Criterion(
                "legal_form_missing",
                "Dauerhafte Rechtsform noch nicht gewählt.",
                "Permanent legal form not chosen yet.",
            )
        )
    # Once a founding is planned, the structure exists only when it is complete and its
    # effective date has come (a cooperation without a plan keeps the older rule).
    unmet.extend(permanent_criteria(s.founding, now.date()))
    return unmet


GATES: dict[Trigger, Callable[[CooperationSnapshot, GateRules, datetime], list[Criterion]]] = {
    Trigger.EXPLORE: _explore,
    Trigger.AGREE: _agree,
    Trigger.START_PILOT: _start_pilot,
    Trigger.EVALUATE: _evaluate,
    Trigger.MAKE_PERMANENT: _make_permanent,
}


# The snapshot parts each gate reads: the write path of a gated transition loads only these
# (models.gate_reads), so a gate that starts reading another part must name it here.
# tests/states/test_gate_reads.py runs each gate on a snapshot that refuses the others.
GATE_READS: dict[Trigger, frozenset[str]] = {
    Trigger.EXPLORE: frozenset({"partners", "meetings"}),
    Trigger.AGREE: frozenset({"partners", "goals"}),
    Trigger.START_PILOT: frozenset(
        {
            "partners",
            "signoffs",
            "staff_involvements",
            "communications",
            "founding",
            "agreement_kinds",
            "conflicts",
            "funding",
        }
    ),
    Trigger.EVALUATE: frozenset({"meetings", "pilot_started_at"}),
    Trigger.MAKE_PERMANENT: frozenset(
        {"reports", "visible_successes", "partners", "legal_form", "founding"}
    ),
}


def has_gate(trigger: Trigger) -> bool:
    """Whether `trigger` has entry criteria at all (pause, resume and end have none)."""
    return trigger in GATES


def unmet_criteria(
    trigger: Trigger,
    snapshot: CooperationSnapshot,
    now: datetime,
    rules: GateRules | None = None,
    overrides: frozenset[str] = frozenset(),
) -> list[Criterion]:
    """The criteria of `trigger`'s gate that `snapshot` does not meet (empty: gate holds).

    `overrides` drops overridable criteria; the caller must have demanded a reason.
    """
    gate = GATES.get(trigger)
    if gate is None:
        return []
    unmet = gate(snapshot, rules or GateRules(), now)
    return [c for c in unmet if not (c.code in overrides and c.code in OVERRIDABLE)]


def unmet_besides_signoff(
    trigger: Trigger,
    snapshot: CooperationSnapshot,
    municipality_id: int,
    now: datetime,
    rules: GateRules | None = None,
) -> list[Criterion]:
    """What `trigger`'s gate still misses apart from the sign-off of `municipality_id`'s
    mayor (the one a sign-off request asks for): the gate asked as if it were given."""
    signed = replace(snapshot, signoffs=snapshot.signoffs | {(trigger.value, municipality_id)})
    return unmet_criteria(trigger, signed, now, rules)
