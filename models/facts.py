"""Reads of what is recorded about a cooperation, for its success report."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.cooperation import Communication, Decision, Goal, Success


def goals_of(cooperation_id: int, *, session: Session) -> list[Goal]:
    return list(session.exec(select(Goal).where(col(Goal.cooperation_id) == cooperation_id)))


def successes_of(cooperation_id: int, *, session: Session) -> list[Success]:
    return list(
        session.exec(select(Success).where(col(Success.cooperation_id) == cooperation_id)).all()
    )


def communications_of(cooperation_id: int, *, session: Session) -> list[Communication]:
    return list(
        session.exec(
            select(Communication).where(col(Communication.cooperation_id) == cooperation_id)
        ).all()
    )


def decisions_of(cooperation_id: int, *, session: Session) -> list[Decision]:
    """In the order they were taken."""
    return list(
        session.exec(
            select(Decision)
            .where(col(Decision.cooperation_id) == cooperation_id)
            .order_by(col(Decision.decided_on), col(Decision.id))
        ).all()
    )
