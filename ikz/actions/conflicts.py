"""Conflict use cases (success factor 8): raise, escalate (now or when overdue), resolve,
close unresolved. Scheduling a level's session is in ikz.actions.conflict_sessions; the
list of conflicts and their steps in ikz.views.directory.

Every step, in ONE transaction: the policy check, the pure ladder (states.conflict)
deciding the next state, the change of the conflict row, a hash-chained audit record
(`ConflictRecord`) and the mail to the people of the new level. Two steps on the same
conflict at once cannot both commit: both would take the same audit position, which is
unique; the loser gets StaleVersionError and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlmodel import Session

from ikz.actions.conflict_step import (
    due,
    load,
    mail_context,
    next_of,
    people_of,
    require_open,
    write,
)
from ikz.actions.guard import authorize, coop_for_write, prove, require_people
from ikz.app import App
from ikz.events.build import conflict_raised
from models import commands as c
from models.conflicts import append_step, open_conflicts
from models.cooperation import Conflict, Cooperation
from models.event_outbox import record_event
from models.outbox import enqueue
from models.queries import require
from models.store import save
from states.conflict import ConflictTrigger, audience, overdue
from states.errors import IkzError, StaleVersionError
from states.policy import Action
from states.proof import SYSTEM, Proof
from states.vocab import ConflictLevel, ConflictStatus

# --- use cases ------------------------------------------------------------------------


def raise_conflict(app: App, cmd: c.RaiseConflict) -> Conflict:
    """Record a conflict at level 'raised' and tell the contact persons and coordinator."""

    def step(s: Session) -> Conflict:
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        actor = authorize(s, cmd.actor_id, Action.RAISE_CONFLICT, parts)
        prove(app, s, cmd.actor_id)
        now = app.clock()
        row = save(
            Conflict(
                cooperation_id=cmd.cooperation_id,
                subject=cmd.subject,
                raised_by=actor.id,
                opened_at=now,
                level_entered_at=now,
            ),
            session=s,
        )
        assert row.id is not None
        rec = append_step(
            row.id,
            session=s,
            at=app.clock(),
            action="raise",
            from_level=None,
            to_level=row.level,
            actor_id=actor.id,
            note=cmd.subject,
        )
        enqueue(
            s,
            now=now,
            recipient_ids=[*audience(row.level, people_of(s, coop, parts, row))],
            kind="conflict_raised",
            context=mail_context(coop, row, raised_by=actor.id, due_at=due(app, row)),
            dedupe_prefix=f"conflict:{row.id}:step:{rec.seq}",
        )
        record_event(
            s,
            conflict_raised(
                conflict_id=row.id,
                subject=row.subject,
                cooperation_id=cmd.cooperation_id,
                title=coop.title,
                raised_by=actor.id,
            ),
            occurred=now,
        )
        return row

    row = write(app, None, step)
    app.notify_committed(
        "conflict_raised", {"conflict_id": row.id, "cooperation_id": row.cooperation_id}
    )
    return row


def _escalate_in(
    s: Session,
    app: App,
    conflict_id: int,
    actor_id: int,
    expected_level: str | None = None,
    proof: Proof | None = None,
) -> Conflict:
    conflict, coop, parts = load(s, conflict_id)
    require_open(conflict)
    if expected_level is not None and conflict.level != expected_level:
        raise StaleVersionError(
            "conflict_changed",
            f"Konflikt {conflict_id} wurde inzwischen geändert.",
            f"Conflict {conflict_id} was changed meanwhile.",
        )
    authorize(
        s,
        actor_id,
        Action.ESCALATE_CONFLICT,
        parts,
        conflict_level=conflict.level,
        moderator_id=conflict.moderator_id,
    )
    prove(app, s, actor_id, proof)
    dest = next_of(conflict, ConflictTrigger.ESCALATE)
    before = conflict.level
    now = app.clock()
    conflict.level = dest.value
    conflict.level_entered_at = now
    # A session belongs to the level it was scheduled for.
    conflict.session_starts_at = None
    conflict.session_duration_minutes = None
    conflict.session_location = None
    conflict.session_sequence = 0
    save(conflict, session=s)
    assert conflict.id is not None
    rec = append_step(
        conflict.id,
        session=s,
        at=app.clock(),
        action=ConflictTrigger.ESCALATE.value,
        from_level=before,
        to_level=dest.value,
        actor_id=actor_id,
    )
    enqueue(
        s,
        now=now,
        recipient_ids=[*audience(dest.value, people_of(s, coop, parts, conflict))],
        kind="conflict_escalated",
        context=mail_context(
            coop,
            conflict,
            from_level=before,
            due_at=due(app, conflict),
            moderator_id=conflict.moderator_id,
        ),
        dedupe_prefix=f"conflict:{conflict.id}:step:{rec.seq}",
    )
    return conflict


def escalate_conflict(app: App, cmd: c.EscalateConflict) -> Conflict:
    """Move an open conflict one level up now and tell the people of the new level."""
    return write(
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
    # ikz-flow's own act (on the raised event), in the coordinator's name.
    coordinator = coop.coordinator_id
    row = write(
        app,
        conflict_id,
        lambda s: _escalate_in(s, app, conflict_id, coordinator, proof=SYSTEM),
    )
    return row, True


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
        rows = open_conflicts(session=s)
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
            row = write(
                app,
                conflict_id,
                partial(
                    _escalate_in,
                    app=app,
                    conflict_id=conflict_id,
                    actor_id=coordinator,
                    expected_level=level,
                    proof=SYSTEM,
                ),
            )
        except IkzError as exc:
            sweep.failed.append({"conflict_id": conflict_id, "code": exc.code, "message": exc.en})
            continue
        sweep.escalated.append({"conflict_id": conflict_id, "from": level, "to": row.level})
    return sweep


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
        return close_in(app, s, conflict_id, actor_id, action, trigger, text, agreed_by, kind)

    return write(app, conflict_id, step)


def close_in(
    app: App,
    s: Session,
    conflict_id: int,
    actor_id: int,
    action: Action,
    trigger: ConflictTrigger,
    text: str,
    agreed_by: list[int],
    kind: str,
) -> Conflict:
    """Resolve or close inside the caller's transaction (the last party agreeing through
    a mail link resolves the conflict in the same transaction as its answer)."""
    conflict, coop, parts = load(s, conflict_id)
    require_open(conflict)
    actor = authorize(
        s,
        actor_id,
        action,
        parts,
        conflict_level=conflict.level,
        moderator_id=conflict.moderator_id,
    )
    prove(app, s, actor_id)
    dest = next_of(conflict, trigger)
    require_people(s, agreed_by)
    # Everyone the conflict reached is told how it ended.
    told = [
        *(p.contact_id for p in parts),
        coop.coordinator_id,
        conflict.raised_by,
        *audience(conflict.level, people_of(s, coop, parts, conflict)),
        *agreed_by,
    ]
    conflict.status = dest.value
    conflict.closed_at = app.clock()
    if trigger is ConflictTrigger.RESOLVE:
        conflict.resolution = text
        conflict.agreed_by = list(agreed_by)
    else:
        conflict.close_reason = text
    save(conflict, session=s)
    assert conflict.id is not None
    rec = append_step(
        conflict.id,
        session=s,
        at=app.clock(),
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
        context=mail_context(coop, conflict, **extra),
        dedupe_prefix=f"conflict:{conflict.id}:step:{rec.seq}",
    )
    return conflict


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
