"""Append-only audit trails, hash-chained: lifecycle changes per cooperation, conflict
steps per conflict.

Records refer to people by id only, so personal data can be erased later without
breaking a chain.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, text
from sqlmodel import Field

from models.base import Table
from models.clock import utcnow
from models.db import canonical_sha256
from models.partial_index import partial_index
from states.proof import Proof, ProofKind

GENESIS_HASH = "0" * 64

PROOF_COLUMNS = (
    "proof_kind",
    "proof_person_id",
    "proof_detail",
    "proof_on_behalf_of",
    "proof_document_sha256",
)


class ProofFields(Table):
    """How the person behind a recorded act was proven (states.proof.Proof), stored with
    the act and covered by its hash. proof_kind NULL: recorded before ikz-flow kept
    evidence (back-filled by migration 0010), or written outside a use case."""

    proof_kind: str | None = Field(default=None, max_length=20)
    proof_person_id: int | None = None
    proof_detail: str | None = None
    proof_on_behalf_of: int | None = None
    proof_document_sha256: str | None = Field(default=None, max_length=64)


def proof_values(proof: Proof | None) -> dict[str, Any]:
    """The proof columns' values for `proof` (all NULL for None)."""
    if proof is None:
        return dict.fromkeys(PROOF_COLUMNS)
    return {
        "proof_kind": proof.kind.value,
        "proof_person_id": proof.person_id,
        "proof_detail": proof.detail,
        "proof_on_behalf_of": proof.on_behalf_of,
        "proof_document_sha256": proof.document_sha256,
    }


def proof_from(
    kind: str | None,
    person_id: int | None = None,
    detail: str | None = None,
    on_behalf_of: int | None = None,
    document_sha256: str | None = None,
) -> Proof | None:
    """The Proof stored in the proof columns' values, in PROOF_COLUMNS order (None: the
    act was recorded without evidence)."""
    if kind is None:
        return None
    return Proof(
        kind=ProofKind(kind),
        person_id=person_id,
        detail=detail or "",
        on_behalf_of=on_behalf_of,
        document_sha256=document_sha256,
    )


def proof_of(row: Any) -> Proof | None:
    """The Proof a row's proof columns hold (None: recorded without evidence)."""
    return proof_from(*(getattr(row, name, None) for name in PROOF_COLUMNS))


def proof_payload(values: Any) -> dict[str, Any] | None:
    """The proof as it enters a record's hash; None (left out of the hash, as records
    made before proofs existed were hashed) when the record has none."""
    found: dict[str, Any] = (
        {name: values.get(name) for name in PROOF_COLUMNS}
        if isinstance(values, dict)
        else {name: getattr(values, name, None) for name in PROOF_COLUMNS}
    )
    return found if found["proof_kind"] is not None else None


def signoff_counts(mayor_id: int, proof: Proof | None) -> bool:
    """Whether a sign-off by `mayor_id` counts for its gate: only the mayor's own proven
    answer or a documented recording on the mayor's behalf (Proof.counts_as). A sign-off
    without proof was recorded before ikz-flow kept evidence (migration 0010): it keeps
    counting, as it did when it was taken; `ikz audit verify` shows that it was."""
    return proof is None or proof.counts_as(mayor_id)


def proof_label(row: Any, lang: str = "de") -> str:
    """The German (or English) label of a row's proof kind; a dash without one."""
    proof = proof_of(row)
    return proof.label(lang) if proof is not None else "—"


class TransitionRecord(ProofFields, table=True):
    __tablename__ = "transition_record"
    # The unique (cooperation, seq) index also serves lookups by cooperation: a second
    # index on cooperation_id alone would cost every transition's commit a page. Keys are
    # unique where given; the index holds only those, so a transition without a key
    # writes no page of it.
    __table_args__ = (
        UniqueConstraint("cooperation_id", "seq"),
        partial_index(
            "ix_transition_record_idempotency_key",
            "idempotency_key",
            unique=True,
            where=text("idempotency_key IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id")
    seq: int
    from_state: str | None = Field(default=None, max_length=30)
    to_state: str = Field(max_length=30)
    trigger: str = Field(max_length=30)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    reason: str = ""
    lessons_learned: str = ""
    at: datetime = Field(default_factory=utcnow)
    idempotency_key: str | None = Field(default=None, max_length=200)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


def record_hash(r: TransitionRecord) -> str:
    """SHA-256 over the record's content and its predecessor's hash."""
    return transition_hash(
        cooperation_id=r.cooperation_id,
        seq=r.seq,
        from_state=r.from_state,
        to_state=r.to_state,
        trigger=r.trigger,
        actor_id=r.actor_id,
        reason=r.reason,
        lessons_learned=r.lessons_learned,
        at=r.at,
        idempotency_key=r.idempotency_key,
        prev_hash=r.prev_hash,
        **{name: getattr(r, name) for name in PROOF_COLUMNS},
    )


def transition_hash(
    *,
    cooperation_id: int,
    seq: int,
    from_state: str | None,
    to_state: str,
    trigger: str,
    actor_id: int | None,
    reason: str,
    lessons_learned: str,
    at: datetime,
    idempotency_key: str | None,
    prev_hash: str,
    proof_kind: str | None = None,
    proof_person_id: int | None = None,
    proof_detail: str | None = None,
    proof_on_behalf_of: int | None = None,
    proof_document_sha256: str | None = None,
) -> str:
    """`record_hash` from plain values: the write path inserts with Core, without a
    TransitionRecord object."""
    payload: dict[str, Any] = {
        "cooperation_id": cooperation_id,
        "seq": seq,
        "from": from_state,
        "to": to_state,
        "trigger": trigger,
        "actor_id": actor_id,
        "reason": reason,
        "lessons_learned": lessons_learned,
        "at": at.isoformat(timespec="microseconds"),
        "idempotency_key": idempotency_key,
        "prev": prev_hash,
    }
    if proof_kind is not None:
        payload["proof"] = {
            "proof_kind": proof_kind,
            "proof_person_id": proof_person_id,
            "proof_detail": proof_detail,
            "proof_on_behalf_of": proof_on_behalf_of,
            "proof_document_sha256": proof_document_sha256,
        }
    return canonical_sha256(payload)


class ConflictRecord(ProofFields, table=True):
    """One step of a conflict on its ladder: raised, escalated, session scheduled,
    resolved or closed unresolved (`action`)."""

    __tablename__ = "conflict_record"
    __table_args__ = (UniqueConstraint("conflict_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    conflict_id: int = Field(foreign_key="conflict.id", index=True)
    seq: int
    from_level: str | None = Field(default=None, max_length=30)
    to_level: str = Field(max_length=30)
    action: str = Field(max_length=30)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    note: str = ""
    # People the step names besides the actor: who agreed, the assigned moderator.
    person_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


def conflict_record_hash(r: ConflictRecord) -> str:
    """SHA-256 over the step's content and its predecessor's hash."""
    payload: dict[str, Any] = {
        "conflict_id": r.conflict_id,
        "seq": r.seq,
        "from": r.from_level,
        "to": r.to_level,
        "action": r.action,
        "actor_id": r.actor_id,
        "note": r.note,
        "person_ids": list(r.person_ids),
        "at": r.at.isoformat(timespec="microseconds"),
        "prev": r.prev_hash,
    }
    proof = proof_payload(r)
    if proof is not None:
        payload["proof"] = proof
    return canonical_sha256(payload)
