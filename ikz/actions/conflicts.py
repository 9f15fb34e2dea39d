"""Conflict use cases (success factor 8): raise, escalate (now or when overdue), schedule
the session of a level, resolve, close unresolved.

Every step, in ONE transaction: the policy check, the pure ladder (states.conflict)
deciding the next state, the change of the conflict row, a hash-chained audit record
(`ConflictRecord`) and the mail to the people of the new level. Two steps on the same
conflict at once cannot both commit: both would take the same audit position, which is
unique; the loser gets StaleVersionError and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ikz.app import App
from ikz.records import _authorize, _coop_for_write
from models import commands as c
from models.audit import GENESIS_HASH, ConflictRecord, conflict_record_hash
from models.cooperation import Conflict, Cooperation, Partnership
from models.outbox import enqueue
from models.queries import require
from models.registry import Person
from states.conflict import (
    SESSION_LEVELS,
    ConflictState,
    ConflictTrigger,
    People,
    audience,
    deadline,
    next_state,
    overdue,
    session_attendees,
    state_of,
)
from states.errors import IkzError, InvalidInputError, StaleVersionError
from states.lifecycle import State
from states.policy import Action
from states.vocab import ConflictLevel, ConflictStatus, Role

# --- helpers --------------------------------------------------------------------------


def _last_step(s: Session, conflict_id: int) -> ConflictRecord | None:
    stmt = (
        select(ConflictRecord)
        .where(ConflictRecord.conflict_id == conflict_id)
        .order_by(col(ConflictRecord.seq).desc())
        .limit(1)
    )
    return s.exec(stmt).first()


def _append_step(
    s: Session,
    app: App,
    conflict: Conflict,
    *,
    action: str,
    from_level: str | None,
    to_level: str,
    actor_id: int | None,
    note: str = "",
    person_ids: Iterable[int] = (),
) -> ConflictRecord:
    assert conflict.id is not None
    prev = _last_step(s, conflict.id)
    rec = ConflictRecord(
        conflict_id=conflict.id,
        seq=(prev.seq + 1) if prev else 1,
        from_level=from_level,
        to_level=to_level,
        action=action,
        actor_id=actor_id,
        note=note,
        person_ids=list(person_ids),
        at=app.clock(),
        prev_hash=prev.hash if prev else GENESIS_HASH,
        hash="",
    )
    rec.hash = conflict_record_hash(rec)
    s.add(rec)
    s.flush()
    return rec


def _moderators(s: Session) -> tuple[int, ...]:
    # Roles are a JSON list: filtered here (moderators are few) rather than per dialect.
    rows = s.exec(select(Person.id, Person.roles).order_by(col(Person.id))).all()
    return tuple(pid for pid, roles in rows if pid is not None and Role.MODERATOR.value in roles)


def _people(
    s: Session, coop: Cooperation, parts: Sequence[Partnership], conflict: Conflict
) -> People:
    needs_all = conflict.moderator_id is None and conflict.level == ConflictLevel.MODERATION.value
    return People(
        contacts=tuple(p.contact_id for p in parts),
        mayors=tuple(p.mayor_id for p in parts),
        coordinator=coop.coordinator_id,
        assigned_moderator=conflict.moderator_id,
        all_moderators=_moderators(s) if needs_all else (),
    )


def _context(coop: Cooperation, conflict: Conflict, **extra: Any) -> dict[str, Any]:
    return {
        "cooperation_id": coop.id,
        "title": coop.title,
        "conflict_id": conflict.id,
        "subject": conflict.subject,
        "level": conflict.level,
        **extra,
    }


def _due(app: App, conflict: Conflict) -> str | None:
    due = deadline(conflict.level, conflict.level_entered_at, app.settings.conflict_deadline_days)
    return due.isoformat() if due else None


def _load(s: Session, conflict_id: int) -> tuple[Conflict, Cooperation, list[Partnership]]:
    conflict = require(s, Conflict, conflict_id)
    coop, parts = _coop_for_write(s, conflict.cooperation_id)
    return conflict, coop, parts


def _require_open(conflict: Conflict) -> None:
    if conflict.status != ConflictStatus.OPEN.value:
        raise InvalidInputError(
            "conflict_not_open",
            f"Konflikt {conflict.id} ist nicht mehr offen.",
            f"Conflict {conflict.id} is no longer open.",
        )


def _next(conflict: Conflict, trigger: ConflictTrigger) -> ConflictState:
    try:
        return next_state(state_of(conflict.level, conflict.status), trigger)
    except InvalidInputError as exc:  # name the conflict in the message
        raise InvalidInputError(
            exc.code,
            exc.de.replace("Der Konflikt", f"Konflikt {conflict.id}"),
            exc.en.replace("The conflict", f"Conflict {conflict.id}"),
        ) from None


def _require_people(s: Session, ids: Iterable[int]) -> None:
    for pid in ids:
        require(s, Person, pid)


def _write(app: App, conflict_id: int | None, step: Any) -> Conflict:
    """Run `step(session)` in one write transaction; a lost race becomes StaleVersionError."""
    try:
        with app.db.write() as s:
            row: Conflict = step(s)
            return row
    except IntegrityError:
        raise StaleVersionError(
            "conflict_changed",
            f"Konflikt {conflict_id} wurde inzwischen geändert; bitte neu laden.",
            f"Conflict {conflict_id} was changed meanwhile; reload and retry.",
        ) from None


# --- use cases ------------------------------------------------------------------------


def raise_conflict(app: App, cmd: c.RaiseConflict) -> Conflict:
    """Record a conflict at level 'raised' and tell the contact persons and coordinator."""

    def step(s: Session) -> Conflict:
        coop, parts = _coop_for_write(s, cmd.cooperation_id)
        actor = _authorize(s, cmd.actor_id, Action.RAISE_CONFLICT, parts)
        now = app.clock()
        row = Conflict(
            cooperation_id=cmd.cooperation_id,
            subject=cmd.subject,
            raised_by=actor.id,
            opened_at=now,
            level_entered_at=now,
        )
        s.add(row)
        s.flush()
        rec = _append_step(
            s,
            app,
            row,
            action="raise",
            from_level=None,
            to_level=row.level,
            actor_id=actor.id,
            note=cmd.subject,
        )
        enqueue(
            s,
            now=now,
            recipient_ids=[*audience(row.level, _people(s, coop, parts, row))],
            kind="conflict_raised",
            context=_context(coop, row, raised_by=actor.id, due_at=_due(app, row)),
            dedupe_prefix=f"conflict:{row.id}:step:{rec.seq}",
        )
        return row

    row = _write(app, None, step)
    app.notify_committed(
        "conflict_raised", {"conflict_id": row.id, "cooperation_id": row.cooperation_id}
    )
    return row


def _escalate_in(
    s: Session, app: App, conflict_id: int, actor_id: int, expected_level: str | None = None
) -> Conflict:
    conflict, coop, parts = _load(s, conflict_id)
    _require_open(conflict)
    if expected_level is not None and conflict.level != expected_level:
        raise StaleVersionError(
            "conflict_changed",
            f"Konflikt {conflict_id} wurde inzwischen geändert.",
            f"Conflict {conflict_id} was changed meanwhile.",
        )
    _authorize(s, actor_id, Action.ESCALATE_CONFLICT, parts, conflict_level=conflict.level)
    dest = _next(conflict, ConflictTrigger.ESCALATE)
    before = conflict.level
    now = app.clock()
    conflict.level = dest.value
    conflict.level_entered_at = now
    # A session belongs to the level it was scheduled for.
    conflict.session_starts_at = None
    conflict.session_duration_minutes = None
    conflict.session_location = None
    conflict.session_sequence = 0
    s.add(conflict)
    s.flush()
    rec = _append_step(
        s,
        app,
        conflict,
        action=ConflictTrigger.ESCALATE.value,
        from_level=before,
        to_level=dest.value,
        actor_id=actor_id,
    )
    enqueue(
        s,
        now=now,
        recipient_ids=[*audience(dest.value, _people(s, coop, parts, conflict))],
        kind="conflict_escalated",
        context=_context(
            coop,
            conflict,
            from_level=before,
            due_at=_due(app, conflict),
            moderator_id=conflict.moderator_id,
        ),
        dedupe_prefix=f"conflict:{conflict.id}:step:{rec.seq}",
    )
    return conflict


def escalate_conflict(app: App, cmd: c.EscalateConflict) -> Conflict:
    """Move an open conflict one level up now and tell the people of the new level."""
    return _write(
        app, cmd.conflict_id, lambda s: _escalate_in(s, app, cmd.conflict_id, cmd.actor_id)
    )


def escalate_raised(app: App, conflict_id: int) -> tuple[Conflict, bool]:
    """Take a newly raised conflict on to the contact persons' talks, as the
    cooperation's coordinator. A conflict already past 'raised' (escalated by hand, or
    the event came twice) is left alone; returns the conflict and whether it moved."""
    with app.db.read() as s:
        conflict = require(s, Conflict, conflict_id)
        coop = require(s, Cooperation, conflict.cooperation_id)
    if conflict.level != ConflictLevel.RAISED.value or conflict.status != ConflictStatus.OPEN.value:
        return conflict, False
    if coop.coordinator_id is None:
        raise IkzError(
            "coordinator_missing",
            f"Kooperation {coop.id} hat keine Koordinator:in.",
            f"Cooperation {coop.id} has no coordinator.",
        )
    cmd = c.EscalateConflict(conflict_id=conflict_id, actor_id=coop.coordinator_id)
    return escalate_conflict(app, cmd), True


@dataclass
class EscalationSweep:
    """What one pass over the overdue conflicts did."""

    escalated: list[dict[str, Any]] = field(default_factory=list)  # id, from, to
    at_top: list[int] = field(default_factory=list)  # overdue, but no level above
    failed: list[dict[str, Any]] = field(default_factory=list)  # id, code, message


def overdue_conflicts(app: App, now: datetime | None = None) -> list[tuple[int, str, int | None]]:
    """(conflict id, level, coordinator id) of every open conflict past its level's
    deadline, in cooperations that have not ended."""
    now = now or app.clock()
    deadlines = app.settings.conflict_deadline_days
    with app.db.read() as s:
        rows = s.exec(
            select(Conflict, Cooperation.coordinator_id)
            .join(Cooperation, col(Cooperation.id) == col(Conflict.cooperation_id))
            .where(
                col(Conflict.status) == ConflictStatus.OPEN.value,
                col(Cooperation.state) != State.ENDED.value,
            )
            .order_by(col(Conflict.id))
        ).all()
    return [
        (conflict.id or 0, conflict.level, coordinator)
        for conflict, coordinator in rows
        if overdue(conflict.level, conflict.level_entered_at, now, deadlines)
    ]


def escalate_overdue(app: App) -> EscalationSweep:
    """Move every overdue conflict up one level, as its cooperation's coordinator.

    One transaction per conflict: a conflict that cannot move (changed meanwhile, no
    coordinator) is reported and does not hold up the others.
    """
    sweep = EscalationSweep()
    for conflict_id, level, coordinator in overdue_conflicts(app):
        if level == ConflictLevel.MAYORS.value:
            sweep.at_top.append(conflict_id)
            continue
        if coordinator is None:
            sweep.failed.append(
                {"conflict_id": conflict_id, "code": "no_coordinator", "message": ""}
            )
            continue
        try:
            row = _write(
                app,
                conflict_id,
                lambda s, cid=conflict_id, lv=level, who=coordinator: _escalate_in(
                    s, app, cid, who, expected_level=lv
                ),
            )
        except IkzError as exc:
            sweep.failed.append({"conflict_id": conflict_id, "code": exc.code, "message": exc.en})
            continue
        sweep.escalated.append({"conflict_id": conflict_id, "from": level, "to": row.level})
    return sweep


def _session_people(s: Session, ids: Iterable[int]) -> list[dict[str, Any]]:
    wanted = list(ids)
    found = {p.id: p for p in s.exec(select(Person).where(col(Person.id).in_(wanted)))}
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


def schedule_session(app: App, cmd: c.ScheduleConflictSession) -> Conflict:
    """Schedule (or move) the moderation session or mayors' conference of the current
    level; at the moderation level this assigns the moderator. The attendees get a
    `conflict_session` mail with everything a calendar invitation needs."""

    def step(s: Session) -> Conflict:
        conflict, coop, parts = _load(s, cmd.conflict_id)
        _require_open(conflict)
        actor = _authorize(
            s,
            cmd.actor_id,
            Action.SCHEDULE_CONFLICT_SESSION,
            parts,
            conflict_level=conflict.level,
        )
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
        s.add(conflict)
        s.flush()
        people = _people(s, coop, parts, conflict)
        attendees = session_attendees(conflict.level, people)
        rec = _append_step(
            s,
            app,
            conflict,
            action="schedule",
            from_level=conflict.level,
            to_level=conflict.level,
            actor_id=actor.id,
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
            context=_context(
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

    return _write(app, cmd.conflict_id, step)


def _close(
    app: App,
    conflict_id: int,
    actor_id: int,
    action: Action,
    trigger: ConflictTrigger,
    text: str,
    agreed_by: list[int],
    kind: str,
) -> Conflict:
    def step(s: Session) -> Conflict:
        conflict, coop, parts = _load(s, conflict_id)
        _require_open(conflict)
        actor = _authorize(s, actor_id, action, parts, conflict_level=conflict.level)
        dest = _next(conflict, trigger)
        _require_people(s, agreed_by)
        # Everyone the conflict reached is told how it ended.
        told = [
            *(p.contact_id for p in parts),
            coop.coordinator_id,
            conflict.raised_by,
            *audience(conflict.level, _people(s, coop, parts, conflict)),
            *agreed_by,
        ]
        conflict.status = dest.value
        conflict.closed_at = app.clock()
        if trigger is ConflictTrigger.RESOLVE:
            conflict.resolution = text
            conflict.agreed_by = list(agreed_by)
        else:
            conflict.close_reason = text
        s.add(conflict)
        s.flush()
        rec = _append_step(
            s,
            app,
            conflict,
            action=trigger.value,
            from_level=conflict.level,
            to_level=dest.value,
            actor_id=actor.id,
            note=text,
            person_ids=agreed_by,
        )
        extra = (
            {"resolution": text, "agreed_by": list(agreed_by)}
            if trigger is ConflictTrigger.RESOLVE
            else {"reason": text}
        )
        enqueue(
            s,
            now=app.clock(),
            recipient_ids=told,
            kind=kind,
            context=_context(coop, conflict, **extra),
            dedupe_prefix=f"conflict:{conflict.id}:step:{rec.seq}",
        )
        return conflict

    return _write(app, conflict_id, step)


def resolve_conflict(app: App, cmd: c.ResolveConflict) -> Conflict:
    """Resolve at any open level, with the resolution text and who agreed to it."""
    return _close(
        app,
        cmd.conflict_id,
        cmd.actor_id,
        Action.RESOLVE_CONFLICT,
        ConflictTrigger.RESOLVE,
        cmd.resolution,
        list(dict.fromkeys(cmd.agreed_by)),
        "conflict_resolved",
    )


def close_conflict(app: App, cmd: c.CloseConflict) -> Conflict:
    """Close unresolved, with a reason (the coordinator may then end the cooperation)."""
    return _close(
        app,
        cmd.conflict_id,
        cmd.actor_id,
        Action.CLOSE_CONFLICT,
        ConflictTrigger.CLOSE_UNRESOLVED,
        cmd.reason,
        [],
        "conflict_closed",
    )


# --- reads ----------------------------------------------------------------------------


def conflicts(app: App, cooperation_id: int | None = None) -> list[Conflict]:
    with app.db.read() as s:
        stmt = select(Conflict)
        if cooperation_id is not None:
            stmt = stmt.where(Conflict.cooperation_id == cooperation_id)
        return list(s.exec(stmt.order_by(col(Conflict.id))))


def conflict_steps(app: App, conflict_id: int) -> list[ConflictRecord]:
    """The conflict's audit trail, oldest first."""
    with app.db.read() as s:
        require(s, Conflict, conflict_id)
        stmt = select(ConflictRecord).where(ConflictRecord.conflict_id == conflict_id)
        return list(s.exec(stmt.order_by(col(ConflictRecord.seq))))
