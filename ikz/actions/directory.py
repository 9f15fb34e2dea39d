"""The registry the cooperations draw on: municipalities and people."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ikz.actions.guard import duplicate
from ikz.app import App
from models import commands as c
from models.queries import actor_of, has_coordinator, require
from models.registry import Municipality, Person
from models.store import save
from states.errors import InvalidInputError
from states.policy import Action, check
from states.vocab import BUNDESLAENDER, Role


def _registry_actor(session: Session, actor_id: int | None, action: Action) -> None:
    """Registry changes need a coordinator, except to bootstrap an empty installation."""
    if actor_id is None:
        if has_coordinator(session):
            raise InvalidInputError(
                "actor_required",
                "Handelnde Person fehlt (--actor): es gibt bereits Koordinator:innen.",
                "Acting person missing (--actor): coordinators already exist.",
            )
        return
    check(actor_of(session, actor_id), action)


def register_municipality(app: App, cmd: c.RegisterMunicipality) -> Municipality:
    try:
        with app.db.write() as s:
            _registry_actor(s, cmd.actor_id, Action.REGISTER_MUNICIPALITY)
            m = Municipality(
                name=cmd.name,
                ags=cmd.ags,
                bundesland=BUNDESLAENDER[cmd.ags[:2]],
                population=cmd.population,
                kind=cmd.kind.value,
            )
            return save(m, session=s)
    except IntegrityError:
        raise duplicate(f"AGS {cmd.ags}", f"AGS {cmd.ags}") from None


def register_person(app: App, cmd: c.RegisterPerson) -> Person:
    try:
        with app.db.write() as s:
            _registry_actor(s, cmd.actor_id, Action.REGISTER_PERSON)
            if cmd.municipality_id is not None:
                require(s, Municipality, cmd.municipality_id)
            partner_roles = {Role.MAYOR, Role.CONTACT, Role.STAFF}
            if cmd.municipality_id is None and partner_roles & set(cmd.roles):
                raise InvalidInputError(
                    "municipality_required",
                    "Bürgermeister:innen, Ansprechpersonen und Mitarbeitende brauchen eine Kommune.",
                    "Mayors, contact persons and staff need a municipality.",
                )
            p = Person(
                name=cmd.name,
                email=str(cmd.email).lower(),
                municipality_id=cmd.municipality_id,
                roles=sorted({r.value for r in cmd.roles}),
                language=cmd.language,
            )
            return save(p, session=s)
    except IntegrityError:
        raise duplicate(f"E-Mail {cmd.email}", f"Email {cmd.email}") from None
