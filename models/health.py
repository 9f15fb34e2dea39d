"""History of the Kooperations-Check: one row per review, so a trend can be shown."""

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

from sqlalchemy import JSON, Column, insert
from sqlmodel import Field, Session, col, select

from models.base import Table
from models.clock import utcnow


class HealthCheckRecord(Table, table=True):
    __tablename__ = "health_check"

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    overall: str = Field(max_length=10)
    # {"1": "green", ..., "8": "red"}: factor number (as JSON keys are strings) -> colour.
    colours: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class HealthCheckValues(TypedDict):
    """The columns of one history row, as `record_checks` inserts them."""

    cooperation_id: int
    at: datetime
    overall: str
    colours: dict[str, str]


def record_checks(session: Session, rows: Sequence[HealthCheckValues]) -> None:
    """Insert many records in one statement (the sweep stores a batch at a time).

    Plain values, not `HealthCheckRecord`s: validating a model per row cost the sweep more
    than the insert itself."""
    if not rows:
        return
    session.connection().execute(
        insert(HealthCheckRecord.__table__),  # type: ignore[attr-defined]
        list(rows),
    )


def check_history(
    session: Session, cooperation_id: int, limit: int | None = None
) -> list[HealthCheckRecord]:
    """The stored checks of one cooperation, oldest first (the newest `limit` if given)."""
    stmt = (
        select(HealthCheckRecord)
        .where(HealthCheckRecord.cooperation_id == cooperation_id)
        .order_by(col(HealthCheckRecord.at).desc(), col(HealthCheckRecord.id).desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(reversed(session.exec(stmt).all()))
