"""Narrow read functions over one session: lookups that fail clearly and snapshot loading."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from models.audit import TransitionRecord
from models.cooperation import (
    Agreement,
    Communication,
    Conflict,
    Cooperation,
    Goal,
    Meeting,
    Partnership,
    Report,
    SignOff,
    StaffInvolvement,
    Success,
)
from models.registry import Municipality, Person
from states.errors import NotFoundError
from states.lifecycle import State
from states.policy import Actor
from states.snapshot import ConflictSnap, CooperationSnapshot, MeetingSnap, PartnerSnap
from states.vocab import Role

T = TypeVar("T", bound=SQLModel)

LABELS: dict[str, tuple[str, str]] = {
    "Cooperation": ("Kooperation", "cooperation"),
    "Person": ("Person", "person"),
    "Municipality": ("Kommune", "municipality"),
    "Conflict": ("Konflikt", "conflict"),
}


def require(session: Session, model: type[T], id_: int) -> T:
    row = session.get(model, id_)
    if row is None:
        de, en = LABELS.get(model.__name__, (model.__name__, model.__name__.lower()))
        raise NotFoundError(
            f"{en}_not_found", f"{de} mit ID {id_} gibt es nicht.", f"No {en} with id {id_}."
        )
    return row


def actor_of(session: Session, person_id: int) -> Actor:
    p = require(session, Person, person_id)
    assert p.id is not None
    return Actor(
        id=p.id,
        roles=frozenset(Role(r) for r in p.roles),
        municipality_id=p.municipality_id,
    )


def has_coordinator(session: Session) -> bool:
    return any(Role.COORDINATOR.value in roles for roles in session.exec(select(Person.roles)))


def partnerships(session: Session, cooperation_id: int) -> list[Partnership]:
    stmt = select(Partnership).where(Partnership.cooperation_id == cooperation_id)
    return list(session.exec(stmt.order_by(col(Partnership.id))))


def last_record(session: Session, cooperation_id: int) -> TransitionRecord | None:
    stmt = (
        select(TransitionRecord)
        .where(TransitionRecord.cooperation_id == cooperation_id)
        .order_by(col(TransitionRecord.seq).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def load_snapshot(session: Session, coop: Cooperation) -> CooperationSnapshot:
    """Everything the pure gate, signal and policy functions read, as one immutable value."""
    cid = coop.id
    assert cid is not None
    parts = partnerships(session, cid)
    muni_ids = [p.municipality_id for p in parts]
    munis = {
        m.id: m
        for m in session.exec(select(Municipality).where(col(Municipality.id).in_(muni_ids)))
    }
    partners = tuple(
        PartnerSnap(
            municipality_id=p.municipality_id,
            name=munis[p.municipality_id].name,
            population=munis[p.municipality_id].population,
            mayor_id=p.mayor_id,
            contact_id=p.contact_id,
            stated_benefit=p.stated_benefit,
            confirmed_benefit=p.confirmed_benefit,
        )
        for p in parts
    )
    goals = tuple(session.exec(select(Goal.text).where(Goal.cooperation_id == cid)))
    # A meeting scheduled ahead (starts_at set) is a plan, not evidence: it counts once
    # it is recorded as held.
    meetings = tuple(
        MeetingSnap(kind=k, held_on=d)
        for k, d in session.exec(
            select(col(Meeting.kind), col(Meeting.held_on)).where(
                Meeting.cooperation_id == cid, col(Meeting.starts_at).is_(None)
            )
        )
    )
    agreements = tuple(session.exec(select(Agreement.kind).where(Agreement.cooperation_id == cid)))
    signoffs = frozenset(
        (g, m)
        for g, m in session.exec(
            select(SignOff.gate, SignOff.municipality_id).where(SignOff.cooperation_id == cid)
        )
    )
    staff = session.exec(
        select(func.count())
        .select_from(StaffInvolvement)
        .where(StaffInvolvement.cooperation_id == cid)
    ).one()
    comms = tuple(
        (k, s)
        for k, s in session.exec(
            select(Communication.kind, Communication.status).where(
                Communication.cooperation_id == cid
            )
        )
    )
    successes = list(
        session.exec(select(Success.made_visible).where(Success.cooperation_id == cid))
    )
    conflicts = tuple(
        ConflictSnap(id=c.id or 0, level=c.level, status=c.status, opened_at=c.opened_at)
        for c in session.exec(select(Conflict).where(Conflict.cooperation_id == cid))
    )
    reports = session.exec(
        select(func.count()).select_from(Report).where(Report.cooperation_id == cid)
    ).one()
    return CooperationSnapshot(
        id=cid,
        title=coop.title,
        state=State(coop.state),
        version=coop.version,
        paused_from=State(coop.paused_from) if coop.paused_from else None,
        coordinator_id=coop.coordinator_id,
        partners=partners,
        goals=goals,
        meetings=meetings,
        agreement_kinds=agreements,
        signoffs=signoffs,
        staff_involvements=int(staff),
        communications=comms,
        visible_successes=sum(1 for v in successes if v),
        successes=len(successes),
        conflicts=conflicts,
        reports=int(reports),
        legal_form=coop.legal_form,
        pilot_started_at=coop.pilot_started_at,
        state_entered_at=coop.state_entered_at,
        parent_id=coop.parent_id,
    )
