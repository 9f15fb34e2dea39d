"""Applying a lifecycle trigger: the one way a cooperation changes state.

Load a snapshot, decide with the pure state machine and gate, then in ONE transaction
compare-and-set state and version, append the hash-chained audit record and queue the
notifications. Anything that goes wrong writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ikz.actions.founding import inherit_legal_context
from ikz.actions.recipients import recipients_of
from ikz.app import App
from ikz.events.build import entered
from models.audit import proof_values
from models.chain import prove
from models.commands import Advance
from models.cooperation import Cooperation, Partnership
from models.db import session_in
from models.event_outbox import record_event
from models.gate_reads import gate_snapshot
from models.outbox import enqueue
from models.queries import require, transition_rows
from models.store import flush, save, stage
from models.transitions import (
    append_record,
    compare_and_set,
    insert_record,
    record_by_key,
    version_of,
)
from states.errors import (
    GateRefusedError,
    IdempotencyConflictError,
    InvalidInputError,
    StaleVersionError,
)
from states.gates import GATE_READS, OVERRIDABLE, has_gate, unmet_criteria
from states.lifecycle import TRIGGER_LABELS, State, Trigger, next_state
from states.policy import Action, Target, check, check_proven


@dataclass(frozen=True)
class AdvanceResult:
    cooperation_id: int
    trigger: str
    from_state: str
    to_state: str
    version: int
    record_id: int
    replayed: bool = False
    follow_up_id: int | None = None


def _stale(cid: int, expected: int, actual: int) -> StaleVersionError:
    return StaleVersionError(
        "stale_version",
        f"Kooperation {cid} wurde inzwischen geändert (erwartet Version {expected}, "
        f"aktuell {actual}); bitte neu laden.",
        f"Cooperation {cid} was changed meanwhile (expected version {expected}, "
        f"now {actual}); reload and retry.",
    )


def _replay(conn: Connection, cmd: Advance) -> AdvanceResult | None:
    if not cmd.idempotency_key:
        return None
    rec = record_by_key(cmd.idempotency_key, conn=conn)
    if rec is None:
        return None
    if rec.cooperation_id != cmd.cooperation_id or rec.trigger != cmd.trigger.value:
        raise IdempotencyConflictError(
            "idempotency_key_reused",
            f"Idempotenzschlüssel '{cmd.idempotency_key}' wurde schon für eine andere Aktion "
            "verwendet.",
            f"Idempotency key '{cmd.idempotency_key}' was already used for another action.",
        )
    return AdvanceResult(
        cooperation_id=rec.cooperation_id,
        trigger=rec.trigger,
        from_state=rec.from_state or "",
        to_state=rec.to_state,
        version=rec.seq,
        record_id=rec.id,
        replayed=True,
    )


def _validate(cmd: Advance) -> None:
    bad = [o for o in cmd.overrides if o not in OVERRIDABLE]
    if bad:
        raise InvalidInputError(
            "override_not_allowed",
            f"Kriterium nicht übersteuerbar: {', '.join(bad)} (möglich: {', '.join(OVERRIDABLE)}).",
            f"Criterion cannot be overridden: {', '.join(bad)} (allowed: {', '.join(OVERRIDABLE)}).",
        )
    if cmd.overrides and not cmd.reason:
        raise InvalidInputError(
            "override_needs_reason",
            "Ein übersteuertes Kriterium braucht eine Begründung (--reason).",
            "Overriding a criterion needs a reason (--reason).",
        )
    if cmd.trigger is Trigger.END and not cmd.reason:
        raise InvalidInputError(
            "end_needs_reason",
            "Beenden braucht eine Begründung (--reason).",
            "Ending needs a reason (--reason).",
        )
    if cmd.trigger is Trigger.SPAWN_FOLLOW_UP and not cmd.follow_up_title:
        raise InvalidInputError(
            "follow_up_title_missing",
            "Für eine Folgekooperation wird ein Titel gebraucht (--follow-up-title).",
            "A follow-up needs a title (--follow-up-title).",
        )


def advance(app: App, cmd: Advance) -> AdvanceResult:
    """Apply `cmd.trigger` to a cooperation; see module docstring for the guarantees."""
    _validate(cmd)
    try:
        # A Core transaction: the ORM session's own setup and commit cost more than a
        # pause's five statements (models.db.Database.transaction).
        with app.db.transaction() as conn:
            result = _replay(conn, cmd) or _apply(app, conn, cmd)
    except IntegrityError:
        # Another process committed the same idempotency key (or the same chain position)
        # first: report what actually happened instead of a database error.
        with app.db.read() as session:
            replay = _replay(session.connection(), cmd)
            if replay is not None:
                return replay
            coop = require(session, Cooperation, cmd.cooperation_id)
        raise _stale(
            cmd.cooperation_id, cmd.expected_version or coop.version, coop.version
        ) from None
    if not result.replayed:
        app.notify_committed("transition", {**result.__dict__, "actor_id": cmd.actor_id})
    return result


def _apply(app: App, conn: Connection, cmd: Advance) -> AdvanceResult:
    # The hot path of the whole system: prebuilt statements run straight on the driver in
    # the transaction (models.driver_sql), and the snapshot only when the trigger has a
    # gate to check.
    now = app.clock()
    coop, parts, last, actor = transition_rows(conn, cmd.cooperation_id, cmd.actor_id)
    check(actor, Action.ADVANCE, Target(frozenset(p.municipality_id for p in parts)))
    proof = app.proof_for(actor.id)
    check_proven(actor.id, proof)
    if cmd.expected_version is not None and cmd.expected_version != coop.version:
        raise _stale(coop.id, cmd.expected_version, coop.version)
    current = State(coop.state)
    dest = next_state(current, cmd.trigger, State(coop.paused_from) if coop.paused_from else None)
    if has_gate(cmd.trigger):
        snap = gate_snapshot(conn, coop, GATE_READS[cmd.trigger])
        unmet = unmet_criteria(cmd.trigger, snap, now, app.gate_rules, frozenset(cmd.overrides))
        if unmet:
            raise GateRefusedError(
                "gate_refused",
                f"„{TRIGGER_LABELS[cmd.trigger][0]}“ ({cmd.trigger.value}) ist noch nicht "
                "möglich, es fehlt:",
                f"'{TRIGGER_LABELS[cmd.trigger][1]}' ({cmd.trigger.value}) is not possible "
                "yet, missing:",
                tuple(unmet),
            )
    values: dict[str, object] = {
        "state": dest.value,
        "version": coop.version + 1,
        "updated_at": now,
    }
    if dest is not current:
        values["state_entered_at"] = now
    if cmd.trigger is Trigger.PAUSE:
        values["paused_from"] = current.value
    elif cmd.trigger is Trigger.RESUME:
        values["paused_from"] = None
    if cmd.trigger is Trigger.START_PILOT:
        values["pilot_started_at"] = now
    if compare_and_set(values, conn=conn, cid=coop.id, seen=coop.version) != 1:
        raise _stale(coop.id, coop.version, version_of(coop.id, conn=conn))
    reason = cmd.reason
    if cmd.overrides:
        reason = f"{reason} [übersteuert: {', '.join(sorted(cmd.overrides))}]"
    rec = insert_record(
        conn,
        last,
        cooperation_id=coop.id,
        from_state=current.value,
        to_state=dest.value,
        trigger=cmd.trigger.value,
        actor_id=actor.id,
        reason=reason,
        lessons_learned=cmd.lessons_learned,
        idempotency_key=cmd.idempotency_key,
        at=app.clock(),
        **proof_values(proof),
    )
    enqueue(
        conn,
        now=app.clock(),
        recipient_ids=recipients_of(coop.coordinator_id, parts),
        kind="transition",
        context={
            "cooperation_id": coop.id,
            "title": coop.title,
            "trigger": cmd.trigger.value,
            "from_state": current.value,
            "to_state": dest.value,
            "actor_id": actor.id,
            "reason": cmd.reason,
        },
        dedupe_prefix=f"transition:{coop.id}:{rec.seq}",
    )
    if cmd.trigger is not Trigger.SPAWN_FOLLOW_UP:  # the parent stays: nothing was entered
        record_event(
            conn,
            entered(
                cooperation_id=coop.id,
                title=coop.title,
                municipality_ids=[p.municipality_id for p in parts],
                actor_id=actor.id,
                from_state=current.value,
                to_state=dest.value,
                trigger=cmd.trigger.value,
                version=coop.version + 1,
            ),
            occurred=now,
        )
    follow_up_id = None
    if cmd.trigger is Trigger.SPAWN_FOLLOW_UP:
        with session_in(conn) as session:
            follow_up_id = _spawn(app, session, coop, parts, cmd, actor.id)
            flush(session=session)
    return AdvanceResult(
        cooperation_id=coop.id,
        trigger=cmd.trigger.value,
        from_state=current.value,
        to_state=dest.value,
        version=coop.version + 1,
        record_id=rec.id,
        follow_up_id=follow_up_id,
    )


def _spawn(
    app: App,
    session: Session,
    parent: Any,
    parts: Iterable[Any],
    cmd: Advance,
    actor_id: int,
) -> int:
    """Open a follow-up cooperation linked to its parent, with the same partners and,
    after a founding, the same legal context (ikz.actions.founding).

    `parent` and `parts` are the rows `_apply` read (models.queries.transition_rows)."""
    proof = app.proof_for(actor_id)
    prove(session, proof, actor_id)
    child = save(
        Cooperation(
            title=cmd.follow_up_title or "",
            field_of_work=parent.field_of_work,
            description=f"Folgekooperation von #{parent.id}: {parent.title}",
            state=State.INFORMAL_CONTACT.value,
            parent_id=parent.id,
            coordinator_id=parent.coordinator_id,
            state_entered_at=app.clock(),
        ),
        session=session,
    )
    assert child.id is not None
    stage(
        [
            Partnership(
                cooperation_id=child.id,
                municipality_id=p.municipality_id,
                mayor_id=p.mayor_id,
                contact_id=p.contact_id,
            )
            for p in parts
        ],
        session=session,
    )
    rec = append_record(
        session=session,
        cooperation_id=child.id,
        from_state=None,
        to_state=State.INFORMAL_CONTACT.value,
        trigger="open",
        actor_id=actor_id,
        reason=f"Folgekooperation von #{parent.id}",
        at=app.clock(),
        proof=proof,
    )
    enqueue(
        session,
        now=app.clock(),
        recipient_ids=recipients_of(child.coordinator_id, parts),
        kind="cooperation_opened",
        context={"cooperation_id": child.id, "title": child.title, "parent_id": parent.id},
        dedupe_prefix=f"opened:{child.id}:{rec.seq}",
    )
    record_event(
        session,
        entered(
            cooperation_id=child.id,
            title=child.title,
            municipality_ids=[p.municipality_id for p in parts],
            actor_id=actor_id,
            from_state=None,
            to_state=State.INFORMAL_CONTACT.value,
            trigger="open",
            version=child.version,
        ),
        occurred=app.clock(),
    )
    inherit_legal_context(app, session, parent.id, child.id)
    return child.id
