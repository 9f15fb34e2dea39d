"""Scheduled meetings: the row a change takes, locked."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.cooperation import Meeting


def meeting_for_update(meeting_id: int, *, session: Session) -> Meeting | None:
    """The meeting, locked on PostgreSQL so that two changes cannot both take the same
    SEQUENCE (SQLite's write transaction already serializes them)."""
    return session.exec(
        select(Meeting).where(col(Meeting.id) == meeting_id).with_for_update()
    ).first()
