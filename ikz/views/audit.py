"""`ikz audit verify`: walk every hash chain (the lifecycle's per cooperation, the
conflicts' per conflict) and report the first broken record."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from ikz.app import App
from models.audit import (
    GENESIS_HASH,
    ConflictRecord,
    TransitionRecord,
    conflict_record_hash,
    record_hash,
)
from models.conflicts import all_steps
from models.transitions import all_records

R = TypeVar("R", TransitionRecord, ConflictRecord)

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
        lifecycle = all_records(session=s)
        checked, broken, why = _walk_chains(lifecycle, lambda r: r.cooperation_id, record_hash)
        if broken is not None:
            return checked, broken, why
        steps = all_steps(session=s)
        more, bad, why = _walk_chains(steps, lambda r: r.conflict_id, conflict_record_hash)
    return checked + more, bad, why
