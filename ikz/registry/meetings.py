"""Registry entries: planned meetings with calendar invitations."""

from __future__ import annotations

from ikz.registry.spec import ActionSpec
from models import commands as c
from states.policy import Action

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "schedule-meeting",
        c.ScheduleMeeting,
        "ikz.actions.meetings:schedule_meeting",
        Action.RECORD_MEETING,
        ("Termin planen", "Schedule a meeting"),
        (
            "Termin planen; die Teilnehmenden erhalten eine Kalendereinladung (.ics).",
            "Schedule a meeting; the attendees get a calendar invitation (.ics).",
        ),
        ("meeting", "schedule"),
        ("Termin geplant (ID {id}).", "Meeting scheduled (id {id})."),
        options={"starts_at": "--start", "duration_minutes": "--duration"},
    ),
    ActionSpec(
        "reschedule-meeting",
        c.RescheduleMeeting,
        "ikz.actions.meetings:reschedule_meeting",
        Action.RECORD_MEETING,
        ("Termin verlegen", "Reschedule a meeting"),
        (
            "Termin verlegen; die Einladung wird aktualisiert.",
            "Move a meeting; the invitation is updated.",
        ),
        ("meeting", "reschedule"),
        (
            "Termin {id} verlegt (Version {sequence}).",
            "Meeting {id} rescheduled (sequence {sequence}).",
        ),
        options={"starts_at": "--start", "duration_minutes": "--duration"},
    ),
    ActionSpec(
        "cancel-meeting",
        c.CancelMeeting,
        "ikz.actions.meetings:cancel_meeting",
        Action.RECORD_MEETING,
        ("Termin absagen", "Cancel a meeting"),
        (
            "Termin absagen; die Teilnehmenden erhalten eine Absage.",
            "Cancel a meeting; the attendees get a cancellation.",
        ),
        ("meeting", "cancel"),
        ("Termin {id} abgesagt.", "Meeting {id} cancelled."),
    ),
)
