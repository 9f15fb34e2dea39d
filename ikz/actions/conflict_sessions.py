"""Scheduling the session of a conflict's level: the moderation session or the mayors'
conference. At the moderation level this assigns the moderator; the attendees get a
`conflict_session` mail with everything a calendar invitation needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from ikz.actions.conflict_step import (
    load,
    mail_context,
    people_of,
    require_open,
    write,
)
from ikz.actions.guard import authorize, prove
from ikz.app import App
from models import commands as c
from models.conflicts import append_step
from models.cooperation import Conflict
from models.outbox import enqueue
from models.people import people_by_id
from models.queries import require
from models.registry import Person
from models.store import save
from states.conflict import SESSION_LEVELS, session_attendees
from states.errors import InvalidInputError
from states.policy import Action
from states.vocab import ConflictLevel, Role


def _session_people(s: Session, ids: Iterable[int]) -> list[dict[str, Any]]:
    wanted = list(ids)
    found = people_by_id(wanted, session=s)
    return [
        {"id": p.id, "name": p.name, "email": p.email}
        for pid in wanted
        if (p := found.get(pid)) is not None
    ]


def _check_moderator(s: Session, conflict: Conflict, moderator_id: int | None) -> None:
    if moderator_id is None:
        if conflict.level == ConflictLevel.MODERATION.value and conflict.moderator_id is None:
            raise InvalidInputError(
                "moderator_required",
                "Für die Moderation muss eine Moderatorin / ein Moderator benannt werden "
                "(--moderator).",
                "The moderation needs a moderator (--moderator).",
            )
        return
    if conflict.level != ConflictLevel.MODERATION.value:
        raise InvalidInputError(
            "moderator_only_at_moderation",
            "Eine Moderation wird nur auf der Stufe Moderation zugewiesen.",
            "A moderator is assigned only at the moderation level.",
        )
    person = require(s, Person, moderator_id)
    if Role.MODERATOR.value not in person.roles:
        raise InvalidInputError(
            "not_a_moderator",
            f"Person {moderator_id} ist keine Moderatorin / kein Moderator.",
            f"Person {moderator_id} is not a moderator.",
        )


def schedule_conflict_session(app: App, cmd: c.ScheduleConflictSession) -> Conflict:
    """Schedule (or move) the moderation session or mayors' conference of the current
    level; at the moderation level this assigns the moderator. The attendees get a
    `conflict_session` mail with everything a calendar invitation needs."""

    def step(s: Session) -> Conflict:
        conflict, coop, parts = load(s, cmd.conflict_id)
        require_open(conflict)
        actor = authorize(
            s,
            cmd.actor_id,
            Action.SCHEDULE_CONFLICT_SESSION,
            parts,
            conflict_level=conflict.level,
            moderator_id=conflict.moderator_id,
        )
        prove(app, s, cmd.actor_id)
        if ConflictLevel(conflict.level) not in SESSION_LEVELS:
            raise InvalidInputError(
                "no_session_at_level",
                f"Konflikt {conflict.id}: Termine gibt es erst für die Moderation und die "
                "Bürgermeisterkonferenz.",
                f"Conflict {conflict.id}: sessions are held only for the moderation and the "
                "mayors' conference.",
            )
        now = app.clock()
        if cmd.starts_at <= now:
            raise InvalidInputError(
                "session_in_past",
                "Der Termin muss in der Zukunft liegen.",
                "The session must start in the future.",
            )
        _check_moderator(s, conflict, cmd.moderator_id)
        if cmd.moderator_id is not None:
            conflict.moderator_id = cmd.moderator_id
        rescheduled = conflict.session_starts_at is not None
        conflict.session_sequence = conflict.session_sequence + 1 if rescheduled else 0
        conflict.session_starts_at = cmd.starts_at
        conflict.session_duration_minutes = cmd.duration_minutes
        conflict.session_location = cmd.location
        save(conflict, session=s)
        assert conflict.id is not None
        people = people_of(s, coop, parts, conflict)
        attendees = session_attendees(conflict.level, people)
        rec = append_step(
            conflict.id,
            session=s,
            action="schedule",
            from_level=conflict.level,
            to_level=conflict.level,
            actor_id=actor.id,
            at=app.clock(),
            note=f"{cmd.starts_at.isoformat()} ({cmd.duration_minutes} min)"
            + (f", {cmd.location}" if cmd.location else ""),
            person_ids=[conflict.moderator_id] if conflict.moderator_id else [],
        )
        organizer = next(iter(_session_people(s, [actor.id])), None)
        enqueue(
            s,
            now=now,
            recipient_ids=[*attendees],
            kind="conflict_session",
            context=mail_context(
                coop,
                conflict,
                uid=f"conflict-{conflict.id}-{conflict.level}@ikz-flow",
                sequence=conflict.session_sequence,
                starts_at=cmd.starts_at.isoformat(),
                duration_minutes=cmd.duration_minutes,
                location=cmd.location or "",
                moderator_id=conflict.moderator_id,
                organizer=organizer,
                attendees=_session_people(s, attendees),
                rescheduled=rescheduled,
            ),
            dedupe_prefix=f"conflict:{conflict.id}:step:{rec.seq}",
        )
        return conflict

    return write(app, cmd.conflict_id, step)
