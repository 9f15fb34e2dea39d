"""Lookups of people and municipalities (the registry the cooperations draw on)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from models.registry import Municipality, Person
from states.vocab import Role


def person(person_id: int, *, session: Session) -> Person | None:
    return session.get(Person, person_id)


def people_by_id(ids: Sequence[int], *, session: Session) -> dict[int | None, Person]:
    """The people among `ids` that exist, by id (one IN query)."""
    return {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids)))}


def moderator_ids(*, session: Session) -> tuple[int, ...]:
    # Roles are a JSON list: filtered here (moderators are few) rather than per dialect.
    rows = session.exec(select(Person.id, Person.roles).order_by(col(Person.id))).all()
    return tuple(pid for pid, roles in rows if pid is not None and Role.MODERATOR.value in roles)


def all_people(*, session: Session) -> list[Person]:
    return list(session.exec(select(Person).order_by(col(Person.id))))


def all_municipalities(*, session: Session) -> list[Municipality]:
    return list(session.exec(select(Municipality).order_by(col(Municipality.id))))


def any_municipality(*, session: Session) -> bool:
    return session.exec(select(Municipality.id).limit(1)).first() is not None


def person_by_email(email: str, *, session: Session) -> Person | None:
    """The person with this address (stored lower-case)."""
    return session.exec(select(Person).where(col(Person.email) == email.strip().lower())).first()
