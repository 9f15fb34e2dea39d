"""Handing ORM rows to the caller's transaction: the one place use cases' rows are written.

Use cases build rows (they know what a goal or a sign-off is); writing them is data work
and lives here, so that no use case touches the session itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, func, select

T = TypeVar("T", bound=SQLModel)


def save(row: T, *, session: Session) -> T:
    """Insert or update `row` now (add + flush): its id is known afterwards, and a unique
    or foreign-key violation surfaces inside the use case, not at commit."""
    session.add(row)
    session.flush()
    return row


def stage(rows: Iterable[SQLModel], *, session: Session) -> None:
    """Add rows to be written at the transaction's next flush (a cooperation's partners go
    in with the audit record that follows them)."""
    session.add_all(rows)


def flush(*, session: Session) -> None:
    """Write what the session holds now, before a step that leaves it (the follow-up
    cooperation opened inside a lifecycle transition's Core transaction)."""
    session.flush()


def count_ids(model: Any, *, session: Session) -> int:
    """How many rows `model`'s table holds (counted by the database)."""
    return int(session.exec(select(func.count(col(model.id)))).one())
