"""Read-side use cases: what `ikz coop show/list/history` and `ikz audit verify` return.

Views are plain dicts of JSON-ready values so the CLI, flows and artifacts share them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from ikz.app import App
from models.audit import (
    GENESIS_HASH,
    ConflictRecord,
    TransitionRecord,
    conflict_record_hash,
    record_hash,
)
from models.cooperation import Cooperation
from models.queries import load_snapshot, require
from states.errors import Language
from states.gates import unmet_criteria
from states.health import as_view, check_health
from states.lifecycle import GATED_TRIGGERS, STATE_LABELS, State, Trigger, available_triggers
from states.signals import advisory_signals

R = TypeVar("R", TransitionRecord, ConflictRecord)


def _label(state: str, lang: Language) -> str:
    de, en = STATE_LABELS[State(state)]
    return en if lang == "en" else de


def show(app: App, cooperation_id: int, lang: Language = "de") -> dict[str, Any]:
    now = app.clock()
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = load_snapshot(s, coop)
    gates = []
    for trig in available_triggers(snap.state):
        if trig is Trigger.RESUME and snap.paused_from is None:
            continue
        unmet = unmet_criteria(trig, snap, now, app.gate_rules) if trig in GATED_TRIGGERS else []
        gates.append(
            {
                "trigger": trig.value,
                "gated": trig in GATED_TRIGGERS,
                "ready": not unmet,
                "unmet": [{"code": u.code, "message": u.text(lang)} for u in unmet],
            }
        )
    return {
        "id": coop.id,
        "title": coop.title,
        "field_of_work": coop.field_of_work,
        "state": coop.state,
        "state_label": _label(coop.state, lang),
        "version": coop.version,
        "paused_from": coop.paused_from,
        "parent_id": coop.parent_id,
        "legal_form": coop.legal_form,
        "partners": [
            {
                "municipality_id": p.municipality_id,
                "name": p.name,
                "population": p.population,
                "mayor_id": p.mayor_id,
                "contact_id": p.contact_id,
                "stated_benefit": p.stated_benefit,
                "confirmed_benefit": p.confirmed_benefit,
            }
            for p in snap.partners
        ],
        "gates": gates,
        "signals": [
            {"code": sig.message.code, "level": sig.level, "message": sig.message.text(lang)}
            for sig in advisory_signals(snap, now, app.signal_rules)
        ],
        "open_conflicts": [{"id": c.id, "level": c.level} for c in snap.open_conflicts],
        "check": as_view(check_health(snap, now, app.health_rules), lang),
    }


def list_cooperations(app: App, state: str | None = None) -> list[dict[str, Any]]:
    with app.db.read() as s:
        # Plain SQLAlchemy select: SQLModel's overloads stop at four columns.
        stmt = sa_select(
            col(Cooperation.id),
            col(Cooperation.title),
            col(Cooperation.field_of_work),
            col(Cooperation.state),
            col(Cooperation.version),
            col(Cooperation.parent_id),
        ).order_by(col(Cooperation.id))
        if state:
            stmt = stmt.where(col(Cooperation.state) == state)
        rows = s.execute(stmt).all()
    return [
        {
            "id": r[0],
            "title": r[1],
            "field_of_work": r[2],
            "state": r[3],
            "version": r[4],
            "parent_id": r[5],
        }
        for r in rows
    ]


def history(app: App, cooperation_id: int) -> list[dict[str, Any]]:
    with app.db.read() as s:
        require(s, Cooperation, cooperation_id)
        recs = s.exec(
            select(TransitionRecord)
            .where(TransitionRecord.cooperation_id == cooperation_id)
            .order_by(col(TransitionRecord.seq))
        ).all()
    return [
        {
            "id": r.id,
            "seq": r.seq,
            "at": r.at.isoformat(timespec="seconds"),
            "trigger": r.trigger,
            "from_state": r.from_state,
            "to_state": r.to_state,
            "actor_id": r.actor_id,
            "reason": r.reason,
            "lessons_learned": r.lessons_learned,
            "hash": r.hash,
        }
        for r in recs
    ]


AuditRecord = TransitionRecord | ConflictRecord


def _walk_chains(
    records: Iterable[R], chain_of: Callable[[R], int], hash_of: Callable[[R], str]
) -> tuple[int, R | None, str]:
    """Check hash chains given ordered by (chain, seq): each starts at seq 1 on the
    genesis hash, has no gaps, and links to its predecessor."""
    checked = 0
    prev_chain: int | None = None
    prev_hash = GENESIS_HASH
    expected_seq = 1
    for rec in records:
        seq, linked, stored = rec.seq, rec.prev_hash, rec.hash
        if chain_of(rec) != prev_chain:
            prev_chain, prev_hash, expected_seq = chain_of(rec), GENESIS_HASH, 1
        if seq != expected_seq:
            return checked, rec, f"seq {seq}, expected {expected_seq}"
        if linked != prev_hash:
            return checked, rec, "prev_hash does not match the previous record"
        if hash_of(rec) != stored:
            return checked, rec, "hash does not match the record's content"
        checked += 1
        prev_hash = stored
        expected_seq += 1
    return checked, None, ""


def verify_audit(app: App) -> tuple[int, AuditRecord | None, str]:
    """Check every chain, the lifecycle's per cooperation and the conflicts' per conflict;
    return (records checked, first broken record, what is wrong)."""
    with app.db.read() as s:
        lifecycle = s.exec(
            select(TransitionRecord).order_by(
                col(TransitionRecord.cooperation_id), col(TransitionRecord.seq)
            )
        )
        checked, broken, why = _walk_chains(lifecycle, lambda r: r.cooperation_id, record_hash)
        if broken is not None:
            return checked, broken, why
        steps = s.exec(
            select(ConflictRecord).order_by(
                col(ConflictRecord.conflict_id), col(ConflictRecord.seq)
            )
        )
        more, bad, why = _walk_chains(steps, lambda r: r.conflict_id, conflict_record_hash)
    return checked + more, bad, why
