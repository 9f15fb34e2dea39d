"""Meetings planned ahead (steering rounds, reviews, moderation sessions, ...): schedule,
reschedule, cancel. Each change queues calendar mail to the attendees in the same
transaction: `meeting_invitation` (METHOD:REQUEST) or `meeting_cancelled` (METHOD:CANCEL),
with the meeting's stable UID and a SEQUENCE that rises with every change.

A scheduled meeting is a plan: gates and signals count it only once it is recorded as
held (`ikz coop meeting`), see models.queries.load_snapshot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from ikz.actions.guard import authorize, coop_for_write, prove
from ikz.app import App
from ikz.mail.calendar import BERLIN, meeting_uid
from models import commands as c
from models.cooperation import Cooperation, Meeting
from models.meetings import meeting_for_update
from models.outbox import enqueue
from models.people import people_by_id, person
from models.queries import require
from models.registry import Person
from models.store import save
from states.errors import InvalidInputError, NotFoundError
from states.policy import Action


def _people(s: Session, ids: list[int]) -> list[Person]:
    found = people_by_id(ids, session=s)
    for pid in ids:
        if pid not in found:
            raise NotFoundError(
                "person_not_found",
                f"Person mit ID {pid} gibt es nicht.",
                f"No person with id {pid}.",
            )
    return [found[pid] for pid in ids]


def _in_future(app: App, starts_at: datetime) -> None:
    if starts_at <= app.clock():
        raise InvalidInputError(
            "meeting_in_past",
            "Der Termin muss in der Zukunft liegen.",
            "The meeting must start in the future.",
        )


def _person(p: Person | None) -> dict[str, Any] | None:
    return {"id": p.id, "name": p.name, "email": p.email} if p else None


def _notify(s: Session, app: App, coop: Cooperation, row: Meeting, kind: str, **extra: Any) -> None:
    """Queue the invitation (or cancellation) for every attendee, with everything the
    .ics needs, so that the mail can be rendered (and resent) from the row alone."""
    assert row.id is not None and row.starts_at is not None
    attendees = _people(s, row.attendee_ids)
    organizer = person(row.recorded_by, session=s) if row.recorded_by else None
    enqueue(
        s,
        now=app.clock(),
        recipient_ids=list(row.attendee_ids),
        kind=kind,
        context={
            "cooperation_id": coop.id,
            "title": coop.title,
            "meeting_id": row.id,
            "meeting_kind": row.kind,
            "uid": meeting_uid(row.id),
            "sequence": row.sequence,
            "starts_at": row.starts_at.isoformat(),
            "duration_minutes": row.duration_minutes,
            "notes": row.notes,
            "organizer": _person(organizer),
            "attendees": [_person(p) for p in attendees],
            **extra,
        },
        dedupe_prefix=f"meeting:{row.id}:{row.sequence}:{kind}",
    )


def schedule_meeting(app: App, cmd: c.ScheduleMeeting) -> Meeting:
    _in_future(app, cmd.starts_at)
    with app.db.write() as s:
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        actor = authorize(s, cmd.actor_id, Action.RECORD_MEETING, parts)
        prove(app, s, cmd.actor_id)
        attendees = list(dict.fromkeys(cmd.attendee_ids))
        _people(s, attendees)
        row = Meeting(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind.value,
            held_on=cmd.starts_at.astimezone(BERLIN).date(),
            attendee_ids=attendees,
            notes=cmd.notes,
            recorded_by=actor.id,
            starts_at=cmd.starts_at,
            duration_minutes=cmd.duration_minutes,
        )
        save(row, session=s)
        _notify(s, app, coop, row, "meeting_invitation")
        return row


def _scheduled_for_write(s: Session, meeting_id: int, actor_id: int) -> tuple[Cooperation, Meeting]:
    # Locked on PostgreSQL so that two changes cannot both take the same SEQUENCE.
    row = meeting_for_update(meeting_id, session=s)
    if row is None:
        require(s, Meeting, meeting_id)  # raises the usual not-found error
        raise AssertionError("unreachable")
    if row.starts_at is None or row.cancelled:
        raise InvalidInputError(
            "meeting_not_scheduled",
            f"Termin {meeting_id} ist nicht (mehr) geplant.",
            f"Meeting {meeting_id} is not (or no longer) scheduled.",
        )
    coop, parts = coop_for_write(s, row.cooperation_id)
    authorize(s, actor_id, Action.RECORD_MEETING, parts)
    return coop, row


def reschedule_meeting(app: App, cmd: c.RescheduleMeeting) -> Meeting:
    _in_future(app, cmd.starts_at)
    with app.db.write() as s:
        coop, row = _scheduled_for_write(s, cmd.meeting_id, cmd.actor_id)
        prove(app, s, cmd.actor_id)
        previous = row.starts_at
        row.starts_at = cmd.starts_at
        row.held_on = cmd.starts_at.astimezone(BERLIN).date()
        row.duration_minutes = cmd.duration_minutes or row.duration_minutes
        row.sequence += 1
        save(row, session=s)
        _notify(
            s,
            app,
            coop,
            row,
            "meeting_invitation",
            previous_starts_at=previous.isoformat() if previous else None,
        )
        return row


def cancel_meeting(app: App, cmd: c.CancelMeeting) -> Meeting:
    with app.db.write() as s:
        coop, row = _scheduled_for_write(s, cmd.meeting_id, cmd.actor_id)
        prove(app, s, cmd.actor_id)
        row.cancelled = True
        row.sequence += 1
        save(row, session=s)
        _notify(s, app, coop, row, "meeting_cancelled", reason=cmd.reason)
        return row
