"""Life after founding: the change procedures of a permanent cooperation (amendment of
tasks or cost key, a partner joining or leaving, termination, dissolution). Pure.

The rule packs say (`changes_source`) that changes of partners or tasks, termination and
dissolution go through the same approval and publication as the founding. So a change
is the founding procedure once more: the same rules, minus the steps that belong to the
first founding only (letter of intent, assessments), with the partners who must resolve
and sign being the current ones (a leaving one among them) plus a joining one. `change_snap` builds that picture,
and states.founding's steps, checks, deemed approval and effective date read it as they
read the founding.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import StrEnum

from states.errors import Message
from states.founding import FoundingSnap, complete, effective_on, steps
from states.founding_facts import Change
from states.lifecycle import State
from states.rulepack import Step


class ChangeKind(StrEnum):
    AMENDMENT = "amendment"  # tasks or cost key
    JOIN = "join"  # a partner joins
    LEAVE = "leave"  # a partner leaves, the others go on
    TERMINATION = "termination"  # the partners end the cooperation by notice
    DISSOLUTION = "dissolution"  # the partners dissolve the structure


KIND_LABELS: dict[ChangeKind, tuple[str, str]] = {
    ChangeKind.AMENDMENT: (
        "Änderung (Aufgaben oder Kostenschlüssel)",
        "Amendment (tasks or cost key)",
    ),
    ChangeKind.JOIN: ("Beitritt eines Partners", "A partner joins"),
    ChangeKind.LEAVE: ("Austritt eines Partners", "A partner leaves"),
    ChangeKind.TERMINATION: ("Kündigung", "Termination"),
    ChangeKind.DISSOLUTION: ("Auflösung", "Dissolution"),
}

# The kinds whose effect ends the cooperation (Trigger END).
ENDING = (ChangeKind.TERMINATION, ChangeKind.DISSOLUTION)

# The kinds that name a municipality.
NAMES_PARTNER = (ChangeKind.JOIN, ChangeKind.LEAVE)
# A cooperation needs at least two partners: fewer after a leave means dissolution.
MIN_PARTNERS = 2

# The founding's own steps a change does not repeat.
FOUNDING_ONLY = (Step.LETTER_OF_INTENT, Step.ASSESSMENT)


def open_change(changes: tuple[Change, ...]) -> Change | None:
    found = [c for c in changes if c.applied_on is None]
    return found[-1] if found else None


def change_snap(snap: FoundingSnap, change: Change, names: dict[int, str]) -> FoundingSnap:
    """The founding snapshot a change's procedure is read through: its own acts, the
    form's steps without the founding-only ones, the current partners plus a joining
    one (`names` holds its name). The founding's assessments and clauses stay (they were
    done; a change that alters a clause records it again with the clause action)."""
    partners = snap.current_partner_ids
    names_all = dict(snap.partner_names)
    if change.kind == ChangeKind.JOIN and change.municipality_id is not None:
        partners = (*partners, change.municipality_id)
        names_all[change.municipality_id] = names.get(
            change.municipality_id, f"#{change.municipality_id}"
        )
    rules = snap.rules.model_copy(
        update={"steps": tuple(s for s in snap.rules.steps if s not in FOUNDING_ONLY)}
    )
    return replace(
        snap,
        rules=rules,
        partner_ids=partners,
        partner_names=names_all,
        events=change.events,
        # A later effective date of the founding agreement does not hold for a change.
        target_effective_on=None,
    )


def due_to_apply(snap: FoundingSnap, change: Change, today: date) -> date | None:
    """The day the change took effect, once every step is done and that day reached
    (None: not yet, or already applied)."""
    if change.applied_on is not None or not complete(snap, today):
        return None
    return effective_on(snap)


def _msg(code: str, de: str, en: str) -> Message:
    return Message(code, de, en)


def open_refusal(
    *,
    coop_state: str,
    founding: FoundingSnap,
    today: date,
    kind: ChangeKind,
    municipality_id: int | None,
    municipality_name: str,
) -> Message | None:
    """Why a change of `kind` cannot be opened now (None: it can)."""
    if coop_state != State.PERMANENT.value:
        return _msg(
            "change_not_permanent",
            "Ein Änderungsverfahren gibt es erst für eine dauerhafte Kooperation "
            f"(Stand: {coop_state}).",
            f"A change procedure needs a permanent cooperation (state: {coop_state}).",
        )
    if not complete(founding, today):
        todo = [s.step.value for s in steps(founding, today) if s.status != "done"]
        return _msg(
            "change_founding_incomplete",
            f"Die Gründung ist noch nicht abgeschlossen (offen: {', '.join(todo)}).",
            f"The founding is not complete yet (open: {', '.join(todo)}).",
        )
    if kind in NAMES_PARTNER and municipality_id is None:
        return _msg(
            "change_needs_partner",
            "Für Beitritt oder Austritt die Kommune angeben (--municipality).",
            "A join or leave needs the municipality (--municipality).",
        )
    if kind not in NAMES_PARTNER and municipality_id is not None:
        return _msg(
            "change_partner_only_join_or_leave",
            "Eine Kommune wird nur bei Beitritt oder Austritt angegeben (--kind join, leave).",
            "A municipality is given only for a join or leave (--kind join, leave).",
        )
    current = founding.current_partner_ids
    if kind == ChangeKind.JOIN and municipality_id in current:
        return _msg(
            "join_already_partner",
            f"{municipality_name} ist schon Partner dieser Kooperation.",
            f"{municipality_name} is already a partner of this cooperation.",
        )
    if kind == ChangeKind.LEAVE:
        if municipality_id not in current:
            return _msg(
                "leave_not_a_partner",
                f"{municipality_name} ist kein Partner dieser Kooperation.",
                f"{municipality_name} is not a partner of this cooperation.",
            )
        if len(current) - 1 < MIN_PARTNERS:
            return _msg(
                "leave_too_few_partners",
                f"Nach dem Austritt von {municipality_name} bliebe weniger als "
                f"{MIN_PARTNERS} Partner; stattdessen die Auflösung eröffnen (--kind dissolution).",
                f"After {municipality_name} left, fewer than {MIN_PARTNERS} partners would "
                "remain; open a dissolution instead (--kind dissolution).",
            )
    running = open_change(founding.changes)
    if running is not None:
        return _msg(
            "change_already_open",
            f"Es läuft schon ein Änderungsverfahren (ID {running.id}, {running.kind}); "
            "erst dieses abschließen.",
            f"A change procedure is already running (id {running.id}, {running.kind}); "
            "complete it first.",
        )
    return None
