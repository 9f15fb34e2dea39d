"""Conflict rows and their hash-chained audit steps (`ConflictRecord`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlmodel import Session, col, select

from models.audit import GENESIS_HASH, ConflictRecord, conflict_record_hash, proof_values
from models.chain import session_proof
from models.cooperation import Conflict, Cooperation
from models.queries import require
from models.store import save
from states.lifecycle import State
from states.proof import Proof
from states.vocab import ConflictStatus


def last_step(conflict_id: int, *, session: Session) -> ConflictRecord | None:
    stmt = (
        select(ConflictRecord)
        .where(ConflictRecord.conflict_id == conflict_id)
        .order_by(col(ConflictRecord.seq).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def append_step(
    conflict_id: int,
    *,
    session: Session,
    action: str,
    from_level: str | None,
    to_level: str,
    actor_id: int | None,
    at: datetime,
    note: str = "",
    person_ids: Iterable[int] = (),
    proof: Proof | None = None,
) -> ConflictRecord:
    """Extend the conflict's chain by one step, with the proof of who acted (by default
    the transaction's, models.chain.prove). Two writers racing for the same position
    collide on the unique (conflict, seq): the loser's transaction fails."""
    prev = last_step(conflict_id, session=session)
    rec = ConflictRecord(
        conflict_id=conflict_id,
        seq=(prev.seq + 1) if prev else 1,
        from_level=from_level,
        to_level=to_level,
        action=action,
        actor_id=actor_id,
        note=note,
        person_ids=list(person_ids),
        at=at,
        prev_hash=prev.hash if prev else GENESIS_HASH,
        hash="",
        **proof_values(proof or session_proof(session)),
    )
    rec.hash = conflict_record_hash(rec)
    return save(rec, session=session)


def open_conflicts(*, session: Session) -> list[tuple[Conflict, int | None]]:
    """Every open conflict of a cooperation that has not ended, with that cooperation's
    coordinator, in id order."""
    rows = session.exec(
        select(Conflict, Cooperation.coordinator_id)
        .join(Cooperation, col(Cooperation.id) == col(Conflict.cooperation_id))
        .where(
            col(Conflict.status) == ConflictStatus.OPEN.value,
            col(Cooperation.state) != State.ENDED.value,
        )
        .order_by(col(Conflict.id))
    ).all()
    return list(rows)


def conflicts_of(cooperation_id: int | None, *, session: Session) -> list[Conflict]:
    """The conflicts of one cooperation (all if None), in id order."""
    stmt = select(Conflict)
    if cooperation_id is not None:
        stmt = stmt.where(Conflict.cooperation_id == cooperation_id)
    return list(session.exec(stmt.order_by(col(Conflict.id))))


def steps_of(conflict_id: int, *, session: Session) -> list[ConflictRecord]:
    """The conflict's audit trail, oldest first (not-found error for an unknown conflict)."""
    require(session, Conflict, conflict_id)
    stmt = select(ConflictRecord).where(ConflictRecord.conflict_id == conflict_id)
    return list(session.exec(stmt.order_by(col(ConflictRecord.seq))))


def all_steps(*, session: Session) -> Iterator[ConflictRecord]:
    """Every conflict's chain, ordered by (conflict, seq), read as it is walked."""
    return iter(
        session.exec(
            select(ConflictRecord).order_by(
                col(ConflictRecord.conflict_id), col(ConflictRecord.seq)
            )
        )
    )
