"""Use-case functions for everything recorded about a cooperation (and the registry).

Each one: validate input (already done by the command model), check the actor against
the policy, then write in one transaction. The CLI and the Prefect flows call these.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ikz.app import App
from ikz.lifecycle import append_record, recipients_of
from models import commands as c
from models.cooperation import (
    Agreement,
    Communication,
    Conflict,
    Cooperation,
    Decision,
    Goal,
    Meeting,
    Partnership,
    Report,
    SignOff,
    StaffInvolvement,
    Success,
)
from models.outbox import enqueue
from models.queries import actor_of, has_coordinator, partnerships, require
from models.registry import Municipality, Person
from states.errors import IkzError, InvalidInputError, NotFoundError
from states.lifecycle import State
from states.policy import Action, Actor, Target, check
from states.vocab import BUNDESLAENDER, Role


def _duplicate(what_de: str, what_en: str) -> InvalidInputError:
    return InvalidInputError(
        "duplicate", f"{what_de} ist bereits erfasst.", f"{what_en} is already recorded."
    )


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
            s.add(m)
            s.flush()
            return m
    except IntegrityError:
        raise _duplicate(f"AGS {cmd.ags}", f"AGS {cmd.ags}") from None


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
            s.add(p)
            s.flush()
            return p
    except IntegrityError:
        raise _duplicate(f"E-Mail {cmd.email}", f"Email {cmd.email}") from None


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
        for partner in cmd.partners:
            _check_partner_people(s, partner)
        coop = Cooperation(
            title=cmd.title,
            field_of_work=cmd.field_of_work,
            description=cmd.description,
            state=State.INFORMAL_CONTACT.value,
            coordinator_id=actor.id,
            state_entered_at=app.clock(),
            created_at=app.clock(),
            updated_at=app.clock(),
        )
        s.add(coop)
        s.flush()
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
        s.add_all(parts)
        rec = append_record(
            s,
            cooperation_id=coop.id,
            from_state=None,
            to_state=State.INFORMAL_CONTACT.value,
            trigger="open",
            actor_id=actor.id,
            reason="",
            app=app,
        )
        enqueue(
            s,
            now=app.clock(),
            recipient_ids=recipients_of(coop.coordinator_id, parts),
            kind="cooperation_opened",
            context={"cooperation_id": coop.id, "title": coop.title},
            dedupe_prefix=f"opened:{coop.id}:{rec.seq}",
        )
    app.notify_committed("opened", {"cooperation_id": coop.id, "actor_id": actor.id})
    return coop


def _coop_for_write(s: Session, cooperation_id: int) -> tuple[Cooperation, list[Partnership]]:
    coop = require(s, Cooperation, cooperation_id)
    if coop.state == State.ENDED.value:
        raise IkzError(
            "cooperation_ended",
            f"Kooperation {cooperation_id} ist beendet; es kann nichts mehr erfasst werden.",
            f"Cooperation {cooperation_id} has ended; nothing more can be recorded.",
        )
    assert coop.id is not None
    return coop, partnerships(s, coop.id)


def _require_partners(parts: list[Partnership], municipality_ids: Iterable[int | None]) -> None:
    partner_ids = {p.municipality_id for p in parts}
    for mid in municipality_ids:
        if mid is not None and mid not in partner_ids:
            raise NotFoundError(
                "not_a_partner",
                f"Kommune {mid} ist kein Partner dieser Kooperation.",
                f"Municipality {mid} is not a partner of this cooperation.",
            )


def _authorize(
    s: Session,
    actor_id: int,
    action: Action,
    parts: list[Partnership],
    municipality_id: int | None = None,
    conflict_level: str | None = None,
) -> Actor:
    actor = actor_of(s, actor_id)
    check(
        actor,
        action,
        Target(
            partner_municipalities=frozenset(p.municipality_id for p in parts),
            municipality_id=municipality_id,
            conflict_level=conflict_level,
        ),
    )
    return actor


def set_partner(app: App, cmd: c.SetPartner) -> Partnership:
    """Add a partner municipality or change its mayor or contact person."""
    with app.db.write() as s:
        coop, parts = _coop_for_write(s, cmd.cooperation_id)
        _authorize(s, cmd.actor_id, Action.SET_PARTNER, parts)
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
        s.add(existing)
        s.flush()
        return existing


def record_goal(app: App, cmd: c.RecordGoal) -> Goal:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        _authorize(s, cmd.actor_id, Action.RECORD_GOAL, parts)
        row = Goal(cooperation_id=cmd.cooperation_id, text=cmd.text, target=cmd.target)
        s.add(row)
        s.flush()
        return row


def record_benefit(app: App, cmd: c.RecordBenefit) -> Partnership:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        _require_partners(parts, [cmd.municipality_id])
        _authorize(s, cmd.actor_id, Action.RECORD_BENEFIT, parts, cmd.municipality_id)
        part = next(p for p in parts if p.municipality_id == cmd.municipality_id)
        if cmd.confirmed:
            part.confirmed_benefit = cmd.text
        else:
            part.stated_benefit = cmd.text
        s.add(part)
        s.flush()
        return part


def _require_people(s: Session, ids: Iterable[int]) -> None:
    for pid in ids:
        require(s, Person, pid)


def record_meeting(app: App, cmd: c.RecordMeeting) -> Meeting:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        actor = _authorize(s, cmd.actor_id, Action.RECORD_MEETING, parts)
        _require_people(s, cmd.attendee_ids)
        row = Meeting(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind.value,
            held_on=cmd.held_on,
            attendee_ids=list(dict.fromkeys(cmd.attendee_ids)),
            notes=cmd.notes,
            recorded_by=actor.id,
        )
        s.add(row)
        s.flush()
        return row


def record_agreement(app: App, cmd: c.RecordAgreement) -> Agreement:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        _require_partners(parts, cmd.signed_by)
        _authorize(s, cmd.actor_id, Action.RECORD_AGREEMENT, parts)
        row = Agreement(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind.value,
            title=cmd.title,
            signed_by=list(dict.fromkeys(cmd.signed_by)),
            effective_on=cmd.effective_on,
        )
        s.add(row)
        s.flush()
        return row


def sign_off(app: App, cmd: c.SignOffGate) -> SignOff:
    try:
        with app.db.write() as s:
            return sign_off_in(app, s, cmd)
    except IntegrityError:
        raise _duplicate("Diese Freigabe", "This sign-off") from None


def sign_off_in(app: App, s: Session, cmd: c.SignOffGate) -> SignOff:
    """Record a sign-off inside the caller's transaction (see ikz.signoff)."""
    coop, parts = _coop_for_write(s, cmd.cooperation_id)
    _require_partners(parts, [cmd.municipality_id])
    sponsor = next(p.mayor_id for p in parts if p.municipality_id == cmd.municipality_id)
    actor = actor_of(s, cmd.actor_id)
    check(
        actor,
        Action.SIGN_OFF,
        Target(
            partner_municipalities=frozenset(p.municipality_id for p in parts),
            municipality_id=cmd.municipality_id,
            sponsor_id=sponsor,
        ),
    )
    row = SignOff(
        cooperation_id=cmd.cooperation_id,
        gate=cmd.gate.value,
        municipality_id=cmd.municipality_id,
        mayor_id=actor.id,
        note=cmd.note,
        signed_at=app.clock(),
    )
    s.add(row)
    s.flush()
    enqueue(
        s,
        now=app.clock(),
        recipient_ids=[coop.coordinator_id],
        kind="signoff_recorded",
        context={
            "cooperation_id": coop.id,
            "title": coop.title,
            "gate": cmd.gate.value,
            "municipality_id": cmd.municipality_id,
            "mayor_id": actor.id,
        },
        dedupe_prefix=f"signoff:{row.id}",
    )
    return row


def record_staff(app: App, cmd: c.RecordStaff) -> StaffInvolvement:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        _require_partners(parts, [cmd.municipality_id])
        _authorize(s, cmd.actor_id, Action.RECORD_STAFF, parts, cmd.municipality_id)
        row = StaffInvolvement(
            cooperation_id=cmd.cooperation_id,
            municipality_id=cmd.municipality_id,
            description=cmd.description,
            involved_on=cmd.involved_on,
        )
        s.add(row)
        s.flush()
        return row


def record_communication(app: App, cmd: c.RecordCommunication) -> Communication:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        _authorize(s, cmd.actor_id, Action.RECORD_COMMUNICATION, parts)
        row = Communication(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind.value,
            status=cmd.status.value,
            title=cmd.title,
            planned_on=cmd.planned_on,
        )
        s.add(row)
        s.flush()
        return row


def record_success(app: App, cmd: c.RecordSuccess) -> Success:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        _authorize(s, cmd.actor_id, Action.RECORD_SUCCESS, parts)
        row = Success(
            cooperation_id=cmd.cooperation_id,
            what=cmd.what,
            metric=cmd.metric,
            value=cmd.value,
            made_visible=cmd.made_visible or None,
            recorded_at=app.clock(),
        )
        s.add(row)
        s.flush()
        return row


def record_decision(app: App, cmd: c.RecordDecision) -> Decision:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        _require_partners(parts, [cmd.benefiting_municipality_id, *cmd.conceding_municipality_ids])
        if cmd.benefiting_municipality_id in cmd.conceding_municipality_ids:
            raise InvalidInputError(
                "benefits_and_concedes",
                "Eine Kommune kann nicht zugleich begünstigt sein und verzichten.",
                "A municipality cannot both benefit and concede.",
            )
        _authorize(s, cmd.actor_id, Action.RECORD_DECISION, parts)
        row = Decision(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind,
            subject=cmd.subject,
            benefiting_municipality_id=cmd.benefiting_municipality_id,
            conceding_municipality_ids=list(dict.fromkeys(cmd.conceding_municipality_ids)),
            concession=cmd.concession,
            decided_on=cmd.decided_on,
        )
        s.add(row)
        s.flush()
        return row


def record_report(app: App, cmd: c.RecordReport) -> Report:
    with app.db.write() as s:
        _, parts = _coop_for_write(s, cmd.cooperation_id)
        _authorize(s, cmd.actor_id, Action.RECORD_REPORT, parts)
        row = Report(cooperation_id=cmd.cooperation_id, summary=cmd.summary, created_at=app.clock())
        s.add(row)
        s.flush()
        return row


def choose_legal_form(app: App, cmd: c.ChooseLegalForm) -> Cooperation:
    with app.db.write() as s:
        coop, parts = _coop_for_write(s, cmd.cooperation_id)
        _authorize(s, cmd.actor_id, Action.CHOOSE_LEGAL_FORM, parts)
        coop.legal_form = cmd.legal_form.value
        coop.updated_at = app.clock()
        s.add(coop)
        s.flush()
        return coop


# Conflicts live in ikz.conflicts (their ladder, audit and mail); these names stay here
# because the CLI, the flows, the demo and the tests call them through this module.


def raise_conflict(app: App, cmd: c.RaiseConflict) -> Conflict:
    from ikz import conflicts as cf

    return cf.raise_conflict(app, cmd)


def resolve_conflict(app: App, cmd: c.ResolveConflict) -> Conflict:
    from ikz import conflicts as cf

    return cf.resolve_conflict(app, cmd)


def escalate_conflict(app: App, cmd: c.EscalateConflict) -> Conflict:
    """Move an open conflict one level up the ladder and tell the people concerned."""
    from ikz import conflicts as cf

    return cf.escalate_conflict(app, cmd)


def schedule_conflict_session(app: App, cmd: c.ScheduleConflictSession) -> Conflict:
    from ikz import conflicts as cf

    return cf.schedule_session(app, cmd)


def close_conflict(app: App, cmd: c.CloseConflict) -> Conflict:
    from ikz import conflicts as cf

    return cf.close_conflict(app, cmd)


def conflicts(app: App, cooperation_id: int | None = None) -> list[Conflict]:
    from ikz import conflicts as cf

    return cf.conflicts(app, cooperation_id)


def people(app: App) -> list[Person]:
    with app.db.read() as s:
        return list(s.exec(select(Person).order_by(Person.id)))  # type: ignore[arg-type]


def municipalities(app: App) -> list[Municipality]:
    with app.db.read() as s:
        return list(s.exec(select(Municipality).order_by(Municipality.id)))  # type: ignore[arg-type]
