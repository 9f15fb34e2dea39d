"""Every fact a gate or the Kooperations-Check reads, on a hash chain per cooperation.

`FactRecord`: one record per insert or update of a fact row (sign-offs, decisions,
benefits, meetings, agreements, successes, goals, staff, communications, partnerships,
conflicts, reports, sign-off requests, the founding procedure's plan, acts, clauses,
assessments and change procedures, the cost baseline and actual costs, the funding
applications and their steps, the cost-sharing key, and the cooperation's own facts). It holds the
hash of the row's content after the write (`row_hash`), who acted and the proof of it,
and is linked to its predecessor by hash. `ikz audit verify` then finds a fact row
deleted, edited or swapped (its content no longer hashes to its last record), a row
written behind ikz-flow's back (no record), and a record edited, removed or reordered
(the chain breaks).

No writer can forget it: an ORM session event appends the records at every flush, for
every chained row inserted or changed, with the proof the use case put into
`session.info` (`prove`). Fact rows are append-only: the ORM refuses to delete one.
Core statements that write chained tables touch only columns left out of the hash (a
transition's state and version, on the transition chain instead; the review date).
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import UniqueConstraint, bindparam, event, insert, inspect, text
from sqlalchemy import select as core_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel

from models.audit import GENESIS_HASH, ProofFields, proof_payload, proof_values
from models.clock import utcnow
from models.cooperation import (
    Agreement,
    Communication,
    Conflict,
    Cooperation,
    Decision,
    Goal,
    Meeting,
    Partnership,
    Report,
    SignOff,
    SignOffRequest,
    StaffInvolvement,
    Success,
)
from models.db import canonical_sha256
from models.driver_sql import run
from models.founding import (
    AssessmentAnswer,
    FoundingChange,
    FoundingClause,
    FoundingEvent,
    FoundingPlan,
)
from models.funding import (
    CostShare,
    FundingActual,
    FundingApplication,
    FundingBaseline,
    FundingStep,
)
from states.errors import IkzError
from states.proof import Proof

PROOF_KEY = "ikz_proof"
ACTOR_KEY = "ikz_actor_id"


class FactRecord(ProofFields, table=True):
    """One insert or update of a fact row, on its cooperation's chain."""

    __tablename__ = "fact_record"
    __table_args__ = (UniqueConstraint("cooperation_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id")
    seq: int
    table_name: str = Field(max_length=40)
    row_id: int
    op: str = Field(max_length=10)  # insert, update
    row_hash: str = Field(max_length=64)
    actor_id: int | None = None
    at: datetime = Field(default_factory=utcnow)
    # Recorded by migration 0010 for a row that existed before the chains: what it held
    # then, not who wrote it.
    backfilled: bool = False
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


# The chained tables, and the columns their hash leaves out: a cooperation's state,
# version and their dates are on its transition chain (written with Core by the hot
# path), the review date is derived.
CHAINED: dict[type[SQLModel], frozenset[str]] = {
    Cooperation: frozenset(
        {
            "state",
            "version",
            "paused_from",
            "state_entered_at",
            "pilot_started_at",
            "next_review_at",
            "updated_at",
        }
    ),
    Partnership: frozenset(),
    Goal: frozenset(),
    Meeting: frozenset(),
    Agreement: frozenset(),
    SignOff: frozenset(),
    SignOffRequest: frozenset(),
    Decision: frozenset(),
    StaffInvolvement: frozenset(),
    Communication: frozenset(),
    Success: frozenset(),
    Conflict: frozenset(),
    Report: frozenset(),
    FoundingPlan: frozenset(),
    FoundingEvent: frozenset(),
    AssessmentAnswer: frozenset(),
    FoundingClause: frozenset(),
    FoundingChange: frozenset(),
    FundingBaseline: frozenset(),
    FundingActual: frozenset(),
    FundingApplication: frozenset(),
    FundingStep: frozenset(),
    CostShare: frozenset(),
}
BY_TABLE: dict[str, type[SQLModel]] = {
    m.__tablename__: m  # type: ignore[misc]
    for m in CHAINED
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        # Money: its exact digits (NUMERIC(14, 2) reads back with its two places).
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def row_hash(table_name: str, values: Mapping[str, Any]) -> str:
    """SHA-256 over a fact row's content: its columns as canonical JSON, without the
    excluded ones and without NULLs (a migration adding a nullable column keeps every
    hash)."""
    skip = CHAINED[BY_TABLE[table_name]]
    payload = {k: _plain(v) for k, v in values.items() if v is not None and k not in skip}
    return canonical_sha256({"table": table_name, "row": payload})


def fact_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 over a fact record's content and its predecessor's hash."""
    payload = {
        "cooperation_id": values["cooperation_id"],
        "seq": values["seq"],
        "table": values["table_name"],
        "row_id": values["row_id"],
        "op": values["op"],
        "row_hash": values["row_hash"],
        "actor_id": values["actor_id"],
        "at": _plain(values["at"]),
        "backfilled": bool(values["backfilled"]),
        "proof": proof_payload(dict(values)),
        "prev": values["prev_hash"],
    }
    return canonical_sha256(payload)


def columns_of(model: type[SQLModel]) -> list[str]:
    return [c.key for c in model.__table__.columns]  # type: ignore[attr-defined]


def cooperation_of(row: Any) -> int:
    cid: Any = row.id if isinstance(row, Cooperation) else row.cooperation_id
    return int(cid)


# --- writing ----------------------------------------------------------------------------

_fact_t = FactRecord.__table__  # type: ignore[attr-defined]
_LAST = (
    core_select(_fact_t.c.seq, _fact_t.c.hash)
    .where(_fact_t.c.cooperation_id == bindparam("cid"))
    .order_by(_fact_t.c.seq.desc())
    .limit(1)
)
_INSERT = insert(_fact_t)
# PostgreSQL: writers of one cooperation's facts take turns (SQLite's BEGIN IMMEDIATE
# already makes every writer wait its turn); held until the transaction ends.
_PG_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended('ikz.fact_chain', :cid))")


def prove(session: Session, proof: Proof | None, actor_id: int | None) -> None:
    """Name who acts in this transaction and how they were proven: every record the
    transaction appends (facts, conflict steps) carries it."""
    session.info[PROOF_KEY] = proof
    session.info[ACTOR_KEY] = actor_id


def session_proof(session: Session) -> Proof | None:
    proof = session.info.get(PROOF_KEY)
    return proof if isinstance(proof, Proof) else None


def append_facts(
    conn: Any,
    rows: Iterable[tuple[str, int, int, str, str]],
    *,
    proof: Proof | None,
    actor_id: int | None,
    at: datetime,
    backfilled: bool = False,
) -> int:
    """Append (table, row id, cooperation id, op, row hash) records to their chains in
    `conn`'s transaction; returns how many."""
    links: dict[int, tuple[int, str]] = {}
    n = 0
    proof_cols = proof_values(proof)
    for table_name, row_id, cid, op, rhash in rows:
        if cid not in links:
            if conn.dialect.name == "postgresql":
                conn.execute(_PG_LOCK, {"cid": cid})
            last = run(conn, _LAST, {"cid": cid}).rows
            links[cid] = (last[0].seq, last[0].hash) if last else (0, GENESIS_HASH)
        seq, prev = links[cid]
        values: dict[str, Any] = {
            "cooperation_id": cid,
            "seq": seq + 1,
            "table_name": table_name,
            "row_id": row_id,
            "op": op,
            "row_hash": rhash,
            "actor_id": actor_id,
            "at": at,
            "backfilled": backfilled,
            "prev_hash": prev,
            **proof_cols,
        }
        values["hash"] = fact_hash(values)
        run(conn, _INSERT, values)
        links[cid] = (seq + 1, values["hash"])
        n += 1
    return n


def _values(obj: SQLModel) -> dict[str, Any]:
    state: Any = inspect(obj)
    loaded = state.dict
    return {k: loaded[k] if k in loaded else getattr(obj, k) for k in columns_of(type(obj))}


def _changed(obj: SQLModel) -> bool:
    state: Any = inspect(obj)
    skip = CHAINED[type(obj)]
    return any(state.attrs[k].history.has_changes() for k in columns_of(type(obj)) if k not in skip)


@event.listens_for(OrmSession, "before_flush")
def _append_only(session: OrmSession, _ctx: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if type(obj) in CHAINED:
            raise IkzError(
                "append_only",
                f"{type(obj).__name__} {getattr(obj, 'id', '')} ist Teil des Prüfpfads "
                "und kann nicht gelöscht werden.",
                f"{type(obj).__name__} {getattr(obj, 'id', '')} is on the audit trail "
                "and cannot be deleted.",
            )


@event.listens_for(OrmSession, "after_flush")
def _chain_facts(session: OrmSession, _ctx: Any) -> None:
    todo: list[tuple[str, int, int, str, str]] = []
    for objs, op in ((session.new, "insert"), (session.dirty, "update")):
        for obj in objs:
            if type(obj) not in CHAINED or (op == "update" and not _changed(obj)):
                continue
            table_name = str(obj.__tablename__)
            values = _values(obj)
            todo.append(
                (table_name, values["id"], cooperation_of(obj), op, row_hash(table_name, values))
            )
    if not todo:
        return
    todo.sort(key=lambda t: (t[2], t[0], t[1]))
    proof = session.info.get(PROOF_KEY)
    append_facts(
        session.connection(),
        todo,
        proof=proof if isinstance(proof, Proof) else None,
        actor_id=session.info.get(ACTOR_KEY),
        at=utcnow(),
    )
