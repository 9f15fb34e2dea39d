"""Registry entries: conflicts."""

from __future__ import annotations

from ikz.registry.spec import ActionSpec, recorded
from models import commands as c
from states.policy import Action

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "raise-conflict",
        c.RaiseConflict,
        "ikz.actions.conflicts:raise_conflict",
        Action.RAISE_CONFLICT,
        ("Konflikt melden", "Raise a conflict"),
        (
            "Konflikt melden; er eskaliert nach Fristen über Ansprechpersonen, "
            "Steuerungsrunde und Moderation bis zu den Bürgermeister:innen.",
            "Raise a conflict; it escalates on deadlines up to the mayors.",
        ),
        ("conflict", "raise"),
        recorded("Konflikt gemeldet", "Conflict raised"),
    ),
    ActionSpec(
        "escalate-conflict-now",
        c.EscalateConflict,
        "ikz.actions.conflicts:escalate_conflict",
        Action.ESCALATE_CONFLICT,
        ("Konflikt sofort eskalieren", "Escalate a conflict now"),
        (
            "Konflikt sofort eine Stufe höher geben und die Beteiligten der neuen Stufe "
            "benachrichtigen.",
            "Move a conflict one level up now and tell the people of the new level.",
        ),
        ("conflict", "escalate"),
        recorded("Konflikt eskaliert", "Conflict escalated"),
    ),
    ActionSpec(
        "resolve-conflict",
        c.ResolveConflict,
        "ikz.actions.conflicts:resolve_conflict",
        Action.RESOLVE_CONFLICT,
        ("Konflikt als gelöst erfassen", "Resolve a conflict"),
        (
            "Konflikt auf jeder Stufe als gelöst erfassen, mit Lösung und wer zugestimmt hat.",
            "Resolve a conflict at any level, with the resolution and who agreed.",
        ),
        ("conflict", "resolve"),
        recorded("Konflikt gelöst", "Conflict resolved"),
        options={"agreed_by": "--agreed-by"},
    ),
    ActionSpec(
        "propose-resolution",
        c.ProposeResolution,
        "ikz.actions.agreements:propose_resolution",
        Action.RESOLVE_CONFLICT,
        ("Lösung zur Zustimmung vorlegen", "Propose a resolution for agreement"),
        (
            "Eine Lösung des Konflikts den Beteiligten (Standard: die Ansprechpersonen der "
            "Partner) per E-Mail mit persönlichem Link zur Zustimmung vorlegen; stimmen alle "
            "zu, gilt der Konflikt als gelöst.",
            "Put a resolution to the parties (default: the partners' contact persons) by "
            "email with a personal link; when all agree, the conflict is resolved.",
        ),
        ("conflict", "propose"),
        (
            "Lösung vorgelegt: Zustimmung erbeten von {asked} (bis {expires_at}).",
            "Resolution proposed: agreement asked of {asked} (until {expires_at}).",
        ),
        options={"party_ids": "--party"},
    ),
    ActionSpec(
        "schedule-conflict-session",
        c.ScheduleConflictSession,
        "ikz.actions.conflict_sessions:schedule_conflict_session",
        Action.SCHEDULE_CONFLICT_SESSION,
        ("Konflikttermin planen", "Schedule a conflict session"),
        (
            "Moderationstermin oder Bürgermeisterkonferenz der aktuellen Stufe planen "
            "(mit Einladung); auf der Stufe Moderation die Moderation zuweisen.",
            "Schedule the moderation session or mayors' conference of the current level.",
        ),
        ("conflict", "schedule"),
        recorded("Konflikttermin geplant", "Conflict session scheduled"),
        options={"starts_at": "--starts-at", "duration_minutes": "--duration"},
    ),
    ActionSpec(
        "close-conflict",
        c.CloseConflict,
        "ikz.actions.conflicts:close_conflict",
        Action.CLOSE_CONFLICT,
        ("Konflikt ungelöst schließen", "Close a conflict unresolved"),
        (
            "Konflikt ohne Lösung schließen, mit Begründung (Koordination).",
            "Close a conflict without a resolution, with a reason (coordinators).",
        ),
        ("conflict", "close"),
        recorded("Konflikt ungelöst geschlossen", "Conflict closed unresolved"),
    ),
)
