"""The lifecycle's SQL: compare-and-set of a cooperation's state and version, and its
hash-chained audit records (`TransitionRecord`), written and read.

A transition is the hottest write: its statements are built once (so SQLAlchemy's
compiled cache is hit every time) and run straight on the driver (models.driver_sql).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from models.audit import GENESIS_HASH, TransitionRecord, proof_values, transition_hash
from models.cooperation import Cooperation
from models.driver_sql import run
from models.queries import last_link
from states.proof import Proof

_rec_t = TransitionRecord.__table__  # type: ignore[attr-defined]
_coop_t = Cooperation.__table__  # type: ignore[attr-defined]
_BY_KEY = select(
    _rec_t.c.id,
    _rec_t.c.cooperation_id,
    _rec_t.c.trigger,
    _rec_t.c.from_state,
    _rec_t.c.to_state,
    _rec_t.c.seq,
).where(_rec_t.c.idempotency_key == bindparam("key"))
_INSERT_RECORD = insert(_rec_t).returning(_rec_t.c.id)
_VERSION = select(_coop_t.c.version).where(_coop_t.c.id == bindparam("cid"))


@cache
def _compare_and_set(columns: frozenset[str]) -> Any:
    """UPDATE cooperation SET <columns> WHERE id = :cid AND version = :seen, built once per
    set of columns (a handful exist): building it per transition cost more than running it.
    """
    return (
        update(_coop_t)
        .where(_coop_t.c.id == bindparam("cid"), _coop_t.c.version == bindparam("seen"))
        .values({name: bindparam(name) for name in sorted(columns)})
    )


def record_by_key(key: str, *, conn: Connection) -> Row[Any] | None:
    """The audit record written under an idempotency key, if any (id, cooperation_id,
    trigger, from_state, to_state, seq)."""
    return conn.execute(_BY_KEY, {"key": key}).first()


def compare_and_set(values: dict[str, Any], *, conn: Connection, cid: int, seen: int) -> int:
    """Set `values` on the cooperation if its version is still `seen`; the rows changed
    (0: someone else changed it first)."""
    done = run(conn, _compare_and_set(frozenset(values)), {**values, "cid": cid, "seen": seen})
    return done.rowcount


def version_of(cid: int, *, conn: Connection) -> int:
    version: int = conn.execute(_VERSION, {"cid": cid}).scalar_one()
    return version


class Appended(NamedTuple):
    id: int
    seq: int


def insert_record(
    conn: Connection,
    prev: tuple[int, str] | None,
    **fields: Any,
) -> Appended:
    """Insert the record after `prev` ((seq, hash) of the chain's last record, read in
    the same write transaction), hashing its content with the predecessor's hash."""
    seq, prev_hash = (prev[0] + 1, prev[1]) if prev else (1, GENESIS_HASH)
    values: dict[str, Any] = {**fields, "seq": seq, "prev_hash": prev_hash}
    values["hash"] = transition_hash(**values)
    (row,) = run(conn, _INSERT_RECORD, values).rows
    return Appended(id=row.id, seq=seq)


def append_record(
    *,
    session: Session,
    cooperation_id: int,
    from_state: str | None,
    to_state: str,
    trigger: str,
    actor_id: int | None,
    reason: str,
    at: datetime,
    lessons_learned: str = "",
    idempotency_key: str | None = None,
    proof: Proof | None = None,
) -> Appended:
    """Extend the cooperation's hash chain by one record, inside the caller's transaction,
    with the proof of who acted."""
    # Objects added to the session so far (a new cooperation, its partners) go first:
    # the Core statements below do not autoflush.
    session.flush()
    conn = session.connection()
    return insert_record(
        conn,
        last_link(conn, cooperation_id),
        cooperation_id=cooperation_id,
        from_state=from_state,
        to_state=to_state,
        trigger=trigger,
        actor_id=actor_id,
        reason=reason,
        lessons_learned=lessons_learned,
        idempotency_key=idempotency_key,
        at=at,
        **proof_values(proof),
    )


def records_of(cooperation_id: int, *, session: Session) -> list[TransitionRecord]:
    """A cooperation's chain, oldest first."""
    return list(
        session.exec(
            orm_select(TransitionRecord)
            .where(TransitionRecord.cooperation_id == cooperation_id)
            .order_by(col(TransitionRecord.seq))
        ).all()
    )


def all_records(*, session: Session) -> Iterator[TransitionRecord]:
    """Every cooperation's chain, ordered by (cooperation, seq), read as it is walked."""
    return iter(
        session.exec(
            orm_select(TransitionRecord).order_by(
                col(TransitionRecord.cooperation_id), col(TransitionRecord.seq)
            )
        )
    )
