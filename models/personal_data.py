"""Every row that names a person: what GDPR Art. 15 lets the person see.

A person appears by id in foreign keys (the cooperation's coordinator, a partner's mayor
or contact, a sign-off, a conflict raised or moderated, the audit records of their acts,
the mail sent to them, the fact records of what they recorded or proved) and inside JSON lists (meeting attendees, who agreed to a
conflict's resolution, the people a conflict step concerned). JSON lists are found with a
text match first (both SQLite and PostgreSQL can cast JSON to text) and then checked
exactly, so that id 1 does not match 11.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, or_
from sqlmodel import Session, SQLModel, col, select

from models.audit import ConflictRecord, TransitionRecord
from models.chain import FactRecord
from models.cooperation import (
    Conflict,
    Cooperation,
    Meeting,
    Partnership,
    SignOff,
    SignOffRequest,
)
from models.outbox import Notification


def _rows(rows: Any) -> list[dict[str, Any]]:
    return [r.model_dump() for r in rows]


def _listing(model: type[SQLModel], column: Any, person_id: int, *, session: Session) -> list[Any]:
    """Rows whose JSON list `column` holds `person_id`."""
    candidates = session.exec(
        select(model).where(cast(column, String).like(f"%{person_id}%"))
    ).all()
    return [r for r in candidates if person_id in (getattr(r, column.key) or [])]


def records_of(person_id: int, *, session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every row naming the person, by kind (the person's own row excluded)."""
    coops = session.exec(
        select(Cooperation).where(col(Cooperation.coordinator_id) == person_id)
    ).all()
    partners = session.exec(
        select(Partnership).where(
            or_(col(Partnership.mayor_id) == person_id, col(Partnership.contact_id) == person_id)
        )
    ).all()
    meetings = {
        m.id: m for m in _listing(Meeting, Meeting.attendee_ids, person_id, session=session)
    }
    for m in session.exec(select(Meeting).where(col(Meeting.recorded_by) == person_id)):
        meetings.setdefault(m.id, m)
    conflicts = {
        c.id: c
        for c in session.exec(
            select(Conflict).where(
                or_(col(Conflict.raised_by) == person_id, col(Conflict.moderator_id) == person_id)
            )
        )
    }
    for c in _listing(Conflict, Conflict.agreed_by, person_id, session=session):
        conflicts.setdefault(c.id, c)
    steps = {
        r.id: r
        for r in session.exec(
            select(ConflictRecord).where(col(ConflictRecord.actor_id) == person_id)
        )
    }
    for r in _listing(ConflictRecord, ConflictRecord.person_ids, person_id, session=session):
        steps.setdefault(r.id, r)
    mails = session.exec(
        select(Notification)
        .where(col(Notification.recipient_id) == person_id)
        .order_by(col(Notification.id))
    ).all()
    return {
        "coordinated_cooperations": _rows(coops),
        "partnerships": _rows(partners),
        "meetings": _rows(sorted(meetings.values(), key=lambda m: m.id or 0)),
        "signoffs": _rows(
            session.exec(select(SignOff).where(col(SignOff.mayor_id) == person_id)).all()
        ),
        "signoff_requests": _rows(
            session.exec(
                select(SignOffRequest).where(col(SignOffRequest.mayor_id) == person_id)
            ).all()
        ),
        "conflicts": _rows(sorted(conflicts.values(), key=lambda c: c.id or 0)),
        "acts": _rows(
            session.exec(
                select(TransitionRecord)
                .where(col(TransitionRecord.actor_id) == person_id)
                .order_by(col(TransitionRecord.id))
            ).all()
        ),
        "conflict_steps": _rows(sorted(steps.values(), key=lambda r: r.id or 0)),
        # Facts the person recorded, or that were proven by or recorded on behalf of them.
        "fact_records": _rows(
            session.exec(
                select(FactRecord)
                .where(
                    or_(
                        col(FactRecord.actor_id) == person_id,
                        col(FactRecord.proof_person_id) == person_id,
                        col(FactRecord.proof_on_behalf_of) == person_id,
                    )
                )
                .order_by(col(FactRecord.id))
            ).all()
        ),
        "mails": [
            {**m.model_dump(exclude={"context_id"}), "context": m.payload.body} for m in mails
        ],
    }
