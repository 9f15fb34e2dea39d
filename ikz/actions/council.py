"""Importing a municipality's council calendar (and its submission lead time), which the
founding procedure's deadlines count towards (states.council)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ikz.actions.guard import prove
from ikz.app import App
from ikz.founding.calendar import parse, read_source
from ikz.jsonable import jsonable
from models.commands_council import ImportCouncilCalendar
from models.council import CalendarImport, meetings_from, replace_calendar, set_lead_days
from models.queries import actor_of, require
from models.registry import Municipality
from states.council import next_sitting, state_of
from states.policy import Action, check


@dataclass(frozen=True)
class CalendarImported:
    id: int
    municipality_id: int
    municipality: str
    meetings: int
    removed: int
    lead_days: int
    next_meeting: date | None
    submit_by: date | None


def import_council_calendar(app: App, cmd: ImportCouncilCalendar) -> CalendarImported:
    # Read (maybe fetch) first: no write transaction waits on a slow feed.
    with app.db.read() as s:
        check(actor_of(s, cmd.actor_id), Action.IMPORT_COUNCIL_CALENDAR)
        require(s, Municipality, cmd.municipality_id)
    calendar = parse(cmd.source, read_source(cmd.source))
    today = app.clock().date()
    with app.db.write() as s:
        check(actor_of(s, cmd.actor_id), Action.IMPORT_COUNCIL_CALENDAR)
        m = require(s, Municipality, cmd.municipality_id)
        proof = prove(app, s, cmd.actor_id)
        if cmd.lead_days is not None:
            set_lead_days(s, cmd.municipality_id, cmd.lead_days)
        record = replace_calendar(
            s,
            CalendarImport(
                municipality_id=cmd.municipality_id,
                source=calendar.source,
                sha256=calendar.sha256,
                meetings=len(calendar.meetings),
                actor_id=cmd.actor_id,
                proof=dict(jsonable(proof.as_dict())),
                imported_at=app.clock(),
            ),
            calendar.meetings,
            today,
        )
        lead = cmd.lead_days or m.submission_lead_days
        ahead = meetings_from([cmd.municipality_id], today, session=s)[cmd.municipality_id]
        sitting = next_sitting(ahead, today, lead, state_of(m.ags))
        assert record.id is not None
        return CalendarImported(
            record.id,
            cmd.municipality_id,
            m.name,
            record.meetings,
            record.removed,
            lead,
            sitting.meets_on if sitting else None,
            sitting.submit_by if sitting else None,
        )
