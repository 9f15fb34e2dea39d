"""The reads `ikz audit verify` and `ikz audit anchor` need: every chain's records in
order, every chained fact row's current content, each cooperation beside its chain's
head, and the heads of all chains."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from models.audit import ConflictRecord, TransitionRecord
from models.chain import CHAINED, FactRecord, row_hash
from models.cooperation import Cooperation


def all_facts(*, session: Session) -> Iterator[FactRecord]:
    """Every cooperation's fact chain, ordered by (cooperation, seq), read as walked."""
    return iter(
        session.exec(
            select(FactRecord).order_by(col(FactRecord.cooperation_id), col(FactRecord.seq))
        )
    )


def current_row_hashes(*, session: Session) -> dict[tuple[str, int], tuple[int, str]]:
    """(table, row id) -> (cooperation id, hash of the row's content now), for every row
    of every chained table."""
    out: dict[tuple[str, int], tuple[int, str]] = {}
    for model in CHAINED:
        table = model.__table__  # type: ignore[attr-defined]
        name = table.name
        for row in session.connection().execute(core_select(table)).mappings():
            values: dict[str, Any] = dict(row)
            cid = values["id"] if model is Cooperation else values["cooperation_id"]
            out[(name, values["id"])] = (cid, row_hash(name, values))
    return out


def cooperations_and_heads(
    *, session: Session
) -> list[tuple[int, str, int, int | None, str | None]]:
    """(id, state, version, head seq, head to_state) of every cooperation: the head is
    its transition chain's last record (None without one)."""
    last = (
        select(TransitionRecord.cooperation_id, func.max(TransitionRecord.seq).label("seq"))
        .group_by(col(TransitionRecord.cooperation_id))
        .subquery()
    )
    head = TransitionRecord.__table__.alias("head")  # type: ignore[attr-defined]
    coop = Cooperation.__table__  # type: ignore[attr-defined]
    stmt = (
        core_select(coop.c.id, coop.c.state, coop.c.version, head.c.seq, head.c.to_state)
        .select_from(coop)
        .outerjoin(last, last.c.cooperation_id == coop.c.id)
        .outerjoin(head, (head.c.cooperation_id == coop.c.id) & (head.c.seq == last.c.seq))
        .order_by(coop.c.id)
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in session.connection().execute(stmt)]


def chain_heads(*, session: Session) -> dict[str, dict[str, tuple[int, str]]]:
    """Every chain's last (seq, hash): transitions and facts per cooperation, conflict
    steps per conflict; chain ids as text (JSON keys)."""
    out: dict[str, dict[str, tuple[int, str]]] = {}
    tables: tuple[tuple[str, Any, str], ...] = (
        ("transitions", TransitionRecord.__table__, "cooperation_id"),  # type: ignore[attr-defined]
        ("conflicts", ConflictRecord.__table__, "conflict_id"),  # type: ignore[attr-defined]
        ("facts", FactRecord.__table__, "cooperation_id"),  # type: ignore[attr-defined]
    )
    for kind, t, key in tables:
        last = (
            core_select(t.c[key].label("chain"), func.max(t.c.seq).label("seq"))
            .group_by(t.c[key])
            .subquery()
        )
        stmt = core_select(t.c[key], t.c.seq, t.c.hash).join(
            last, (last.c.chain == t.c[key]) & (last.c.seq == t.c.seq)
        )
        out[kind] = {
            str(chain): (int(seq), str(h)) for chain, seq, h in session.connection().execute(stmt)
        }
    return out
