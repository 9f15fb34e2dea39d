"""Sign-offs and sign-off requests (answered through a suspended Prefect flow run)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.cooperation import SignOff, SignOffRequest


def signoffs_of(cooperation_id: int, *, session: Session) -> list[SignOff]:
    """A cooperation's sign-offs, in the order they were recorded."""
    return list(
        session.exec(
            select(SignOff)
            .where(col(SignOff.cooperation_id) == cooperation_id)
            .order_by(col(SignOff.id))
        )
    )


def request_of_run(flow_run_id: str, *, session: Session) -> SignOffRequest | None:
    """The request a flow run opened, if it did (a resumed run starts over)."""
    return session.exec(
        select(SignOffRequest).where(col(SignOffRequest.flow_run_id) == flow_run_id)
    ).first()


def request_by_id(request_id: int, *, session: Session) -> SignOffRequest | None:
    return session.get(SignOffRequest, request_id)
