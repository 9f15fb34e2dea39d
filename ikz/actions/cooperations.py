"""Opening a cooperation, its partners and its legal form."""

from __future__ import annotations

from sqlmodel import Session

from ikz.actions.guard import authorize, coop_for_write, prove
from ikz.actions.recipients import recipients_of
from ikz.app import App
from ikz.events.build import entered
from models import commands as c
from models.cooperation import Cooperation, Partnership
from models.event_outbox import record_event
from models.outbox import enqueue
from models.queries import actor_of, require
from models.registry import Municipality, Person
from models.store import save, stage
from models.transitions import append_record
from states.errors import InvalidInputError
from states.lifecycle import State
from states.policy import Action, check
from states.vocab import Role


def _check_partner_people(s: Session, partner: c.PartnerInput) -> None:
    m = require(s, Municipality, partner.municipality_id)
    for pid, role, de, en in (
        (partner.mayor_id, Role.MAYOR, "Bürgermeister:in", "mayor"),
        (partner.contact_id, Role.CONTACT, "Ansprechperson", "contact person"),
    ):
        if pid is None:
            continue
        person = require(s, Person, pid)
        if role.value not in person.roles or person.municipality_id != m.id:
            raise InvalidInputError(
                f"not_{role.value}_of_municipality",
                f"Person {pid} ist nicht {de} von {m.name}.",
                f"Person {pid} is not the {en} of {m.name}.",
            )


def open_cooperation(app: App, cmd: c.OpenCooperation) -> Cooperation:
    ids = [p.municipality_id for p in cmd.partners]
    if len(ids) != len(set(ids)):
        raise InvalidInputError(
            "duplicate_partner",
            "Eine Kommune ist doppelt als Partner angegeben.",
            "A municipality is listed twice as partner.",
        )
    with app.db.write() as s:
        actor = actor_of(s, cmd.actor_id)
        check(actor, Action.OPEN_COOPERATION)
        proof = prove(app, s, cmd.actor_id)
        for partner in cmd.partners:
            _check_partner_people(s, partner)
        coop = save(
            Cooperation(
                title=cmd.title,
                field_of_work=cmd.field_of_work,
                description=cmd.description,
                state=State.INFORMAL_CONTACT.value,
                coordinator_id=actor.id,
                state_entered_at=app.clock(),
                created_at=app.clock(),
                updated_at=app.clock(),
            ),
            session=s,
        )
        assert coop.id is not None
        parts = [
            Partnership(
                cooperation_id=coop.id,
                municipality_id=p.municipality_id,
                mayor_id=p.mayor_id,
                contact_id=p.contact_id,
            )
            for p in cmd.partners
        ]
        stage(parts, session=s)
        rec = append_record(
            session=s,
            cooperation_id=coop.id,
            from_state=None,
            to_state=State.INFORMAL_CONTACT.value,
            trigger="open",
            actor_id=actor.id,
            reason="",
            at=app.clock(),
            proof=proof,
        )
        enqueue(
            s,
            now=app.clock(),
            recipient_ids=recipients_of(coop.coordinator_id, parts),
            kind="cooperation_opened",
            context={"cooperation_id": coop.id, "title": coop.title},
            dedupe_prefix=f"opened:{coop.id}:{rec.seq}",
        )
        record_event(
            s,
            entered(
                cooperation_id=coop.id,
                title=coop.title,
                municipality_ids=[p.municipality_id for p in parts],
                actor_id=actor.id,
                from_state=None,
                to_state=State.INFORMAL_CONTACT.value,
                trigger="open",
                version=coop.version,
            ),
            occurred=app.clock(),
        )
    app.notify_committed("opened", {"cooperation_id": coop.id, "actor_id": actor.id})
    return coop


def set_partner(app: App, cmd: c.SetPartner) -> Partnership:
    """Add a partner municipality or change its mayor or contact person."""
    with app.db.write() as s:
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.SET_PARTNER, parts)
        prove(app, s, cmd.actor_id)
        _check_partner_people(s, cmd.partner)
        existing = next(
            (p for p in parts if p.municipality_id == cmd.partner.municipality_id), None
        )
        if existing is None:
            existing = Partnership(
                cooperation_id=coop.id or 0, municipality_id=cmd.partner.municipality_id
            )
        if cmd.partner.mayor_id is not None:
            existing.mayor_id = cmd.partner.mayor_id
        if cmd.partner.contact_id is not None:
            existing.contact_id = cmd.partner.contact_id
        return save(existing, session=s)


def choose_legal_form(app: App, cmd: c.ChooseLegalForm) -> Cooperation:
    with app.db.write() as s:
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.CHOOSE_LEGAL_FORM, parts)
        prove(app, s, cmd.actor_id)
        coop.legal_form = cmd.legal_form.value
        coop.updated_at = app.clock()
        return save(coop, session=s)
