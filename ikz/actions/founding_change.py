"""Life after founding: open a change procedure on a permanent cooperation (amendment,
a partner joining or leaving, termination, dissolution) and apply its effect once its procedure
is complete and its effective date reached.

A change's acts (resolutions, signatures, submission, decision, deemed approval,
publication) are recorded with the founding's own actions (ikz.actions.founding), which
file them under the cooperation's open change; states.founding_change says which steps
and partners it needs. The effect is applied in the transaction of the act that
completes it, or by the daily sweep when only the date was missing: a joining partner
becomes a partnership, a leaving one's partnership gets its leaving day (the row stays
on the chain; every list of current partners skips it), termination and dissolution
end the cooperation (Trigger END,
with the transition's own audit record, notification and event), an amendment is
recorded as applied. Everything lands on the cooperation's chains.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from ikz.actions.guard import authorize, coop_for_write, prove
from ikz.actions.recipients import recipients_of
from ikz.app import App
from ikz.events.build import entered
from models import founding_commands as fc
from models.cooperation import Cooperation, Partnership
from models.event_outbox import record_event
from models.founding import (
    FoundingChange,
    changing_cooperations,
    founding_snap,
    left_before,
    municipality_name,
)
from models.outbox import enqueue
from models.queries import partnerships, require
from models.store import save
from models.transitions import append_record, compare_and_set
from states.errors import InvalidInputError, StaleVersionError
from states.founding import FoundingSnap
from states.founding_change import (
    ENDING,
    KIND_LABELS,
    ChangeKind,
    change_snap,
    due_to_apply,
    open_change,
    open_refusal,
)
from states.founding_facts import Change
from states.lifecycle import State, Trigger, next_state
from states.policy import Action
from states.proof import Proof, ProofKind


def open_founding_change(app: App, cmd: fc.OpenFoundingChange) -> FoundingChange:
    today = app.clock().date()
    with app.db.write() as s:
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.PLAN_FOUNDING, parts)
        snap = founding_snap(cmd.cooperation_id, session=s)
        if snap is None:
            raise InvalidInputError(
                "founding_not_planned",
                f"Für Kooperation {cmd.cooperation_id} gibt es keinen Gründungsplan; ein "
                "Änderungsverfahren folgt auf eine Gründung (ikz founding plan).",
                f"Cooperation {cmd.cooperation_id} has no founding plan; a change procedure "
                "follows a founding (ikz founding plan).",
            )
        name = ""
        if cmd.municipality_id is not None:
            found = municipality_name(cmd.municipality_id, session=s)
            if found is None:
                raise InvalidInputError(
                    "municipality_unknown",
                    f"Kommune {cmd.municipality_id} gibt es nicht.",
                    f"Municipality {cmd.municipality_id} does not exist.",
                )
            name = found
            if cmd.kind is ChangeKind.JOIN and left_before(
                cmd.cooperation_id, cmd.municipality_id, session=s
            ):
                raise InvalidInputError(
                    "join_former_partner",
                    f"{name} ist aus dieser Kooperation ausgetreten; ein erneuter Beitritt "
                    "ist nicht vorgesehen (eine Folgekooperation eröffnen).",
                    f"{name} left this cooperation; joining again is not provided for "
                    "(open a follow-up cooperation).",
                )
        why = open_refusal(
            coop_state=coop.state,
            founding=snap,
            today=today,
            kind=cmd.kind,
            municipality_id=cmd.municipality_id,
            municipality_name=name,
        )
        if why is not None:
            raise InvalidInputError(why.code, why.de, why.en)
        prove(app, s, cmd.actor_id)
        return save(
            FoundingChange(
                cooperation_id=cmd.cooperation_id,
                plan_id=snap.plan_id,
                kind=cmd.kind.value,
                municipality_id=cmd.municipality_id,
                description=cmd.description,
                opened_on=today,
                recorded_at=app.clock(),
            ),
            session=s,
        )


def current_change(s: Session, snap: FoundingSnap) -> tuple[Change, FoundingSnap] | None:
    """The cooperation's open change and the snapshot its procedure is read through."""
    change = open_change(snap.changes)
    if change is None:
        return None
    names: dict[int, str] = {}
    if change.municipality_id is not None:
        names[change.municipality_id] = (
            municipality_name(change.municipality_id, session=s) or f"#{change.municipality_id}"
        )
    return change, change_snap(snap, change, names)


def apply_if_due(
    app: App, s: Session, cooperation_id: int, actor_id: int | None, proof: Proof
) -> tuple[Change, date] | None:
    """Apply the open change's effect if its procedure is complete and its day reached,
    inside the caller's write transaction (whose proof names who acted)."""
    s.flush()
    snap = founding_snap(cooperation_id, session=s)
    found = current_change(s, snap) if snap is not None else None
    if found is None:
        return None
    change, csnap = found
    on = due_to_apply(csnap, change, app.clock().date())
    if on is None:
        return None
    row = require(s, FoundingChange, change.id)
    row.applied_on = on
    save(row, session=s)
    kind = ChangeKind(change.kind)
    if kind is ChangeKind.JOIN:
        assert change.municipality_id is not None
        save(
            Partnership(cooperation_id=cooperation_id, municipality_id=change.municipality_id),
            session=s,
        )
    elif kind is ChangeKind.LEAVE:
        assert change.municipality_id is not None
        leaving = next(
            p
            for p in partnerships(s, cooperation_id)
            if p.municipality_id == change.municipality_id
        )
        leaving.left_on = on
        save(leaving, session=s)
    elif kind in ENDING:
        label = KIND_LABELS[kind][0]
        _end(app, s, cooperation_id, actor_id, proof, f"{label} wirksam ab {on.isoformat()}")
    return change, on


def _end(
    app: App, s: Session, cooperation_id: int, actor_id: int | None, proof: Proof, reason: str
) -> None:
    """Trigger END as a lifecycle transition does it (ikz.actions.lifecycle): the state
    machine decides, compare-and-set of state and version, the transition chain's record,
    the notification and the event, all in the caller's transaction."""
    now = app.clock()
    coop = require(s, Cooperation, cooperation_id)
    parts = partnerships(s, cooperation_id)
    current = State(coop.state)
    paused_from = State(coop.paused_from) if coop.paused_from else None
    dest = next_state(current, Trigger.END, paused_from)
    values: dict[str, object] = {
        "state": dest.value,
        "version": coop.version + 1,
        "updated_at": now,
        "state_entered_at": now,
    }
    if compare_and_set(values, conn=s.connection(), cid=cooperation_id, seen=coop.version) != 1:
        raise StaleVersionError(
            "stale_version",
            f"Kooperation {cooperation_id} wurde inzwischen geändert; bitte neu versuchen.",
            f"Cooperation {cooperation_id} was changed meanwhile; retry.",
        )
    rec = append_record(
        session=s,
        cooperation_id=cooperation_id,
        from_state=current.value,
        to_state=dest.value,
        trigger=Trigger.END.value,
        actor_id=actor_id,
        reason=reason,
        at=now,
        proof=proof,
    )
    enqueue(
        s,
        now=now,
        recipient_ids=recipients_of(coop.coordinator_id, parts),
        kind="transition",
        context={
            "cooperation_id": cooperation_id,
            "title": coop.title,
            "trigger": Trigger.END.value,
            "from_state": current.value,
            "to_state": dest.value,
            "actor_id": actor_id,
            "reason": reason,
        },
        dedupe_prefix=f"transition:{cooperation_id}:{rec.seq}",
    )
    record_event(
        s,
        entered(
            cooperation_id=cooperation_id,
            title=coop.title,
            municipality_ids=[p.municipality_id for p in parts],
            actor_id=actor_id,
            from_state=current.value,
            to_state=dest.value,
            trigger=Trigger.END.value,
            version=coop.version + 1,
        ),
        occurred=now,
    )
    # The ORM's copy predates the Core update above.
    s.expire(coop)


def announce(app: App, cooperation_id: int, applied: tuple[Change, date] | None) -> None:
    """After the commit: an ended cooperation's transition event goes out at once (the
    fast path a lifecycle transition takes; otherwise the relay posts it)."""
    if applied is not None and ChangeKind(applied[0].kind) in ENDING:
        app.notify_committed(
            "transition", {"cooperation_id": cooperation_id, "trigger": Trigger.END.value}
        )


def apply_due_changes(app: App) -> list[tuple[int, str, date]]:
    """The daily sweep's part: apply every open change whose procedure is complete and
    whose effective date has come; returns (cooperation id, kind, effective date) per
    one applied."""
    with app.db.read() as s:
        ids = changing_cooperations(session=s)
    done: list[tuple[int, str, date]] = []
    for cid in ids:
        with app.db.write() as s:
            coop = require(s, Cooperation, cid)
            if coop.state == State.ENDED.value:
                continue
            proof = prove(app, s, None, Proof(ProofKind.SYSTEM, None, "daily-review"))
            applied = apply_if_due(app, s, cid, None, proof)
        announce(app, cid, applied)
        if applied is not None:
            done.append((cid, applied[0].kind, applied[1]))
    return done
