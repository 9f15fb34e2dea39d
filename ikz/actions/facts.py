"""Recording what happens in a cooperation: goals, benefits, meetings held, agreements,
staff involvement, communication, successes, decisions and reports.

Each one: the command model has validated the input; check the actor against the policy,
then write the row in one transaction. The gates and the Kooperations-Check read them.
"""

from __future__ import annotations

from sqlmodel import Session

from ikz.actions.guard import (
    authorize,
    coop_for_write,
    prove,
    require_partners,
    require_people,
)
from ikz.app import App
from ikz.proof.document import StoredDocument, store_document
from models import commands as c
from models.cooperation import (
    Agreement,
    Communication,
    Decision,
    Goal,
    Meeting,
    Partnership,
    Report,
    StaffInvolvement,
    Success,
)
from models.store import save
from states.errors import InvalidInputError
from states.policy import Action


def record_goal(app: App, cmd: c.RecordGoal) -> Goal:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.RECORD_GOAL, parts)
        prove(app, s, cmd.actor_id)
        row = Goal(cooperation_id=cmd.cooperation_id, text=cmd.text, target=cmd.target)
        return save(row, session=s)


def record_benefit(app: App, cmd: c.RecordBenefit) -> Partnership:
    """A partner's benefit, stated or confirmed; with `document`, recorded from it on
    behalf of the partner's mayor (or contact person) and proven by it."""
    document = store_document(app.settings, cmd.document) if cmd.document else None
    with app.db.write() as s:
        return record_benefit_in(app, s, cmd, document)


def record_benefit_in(
    app: App, s: Session, cmd: c.RecordBenefit, document: StoredDocument | None = None
) -> Partnership:
    """Inside the caller's transaction (a confirmation through a mail link does too,
    with the link's proof on app.proof)."""
    _, parts = coop_for_write(s, cmd.cooperation_id)
    require_partners(parts, [cmd.municipality_id])
    authorize(s, cmd.actor_id, Action.RECORD_BENEFIT, parts, cmd.municipality_id)
    part = next(p for p in parts if p.municipality_id == cmd.municipality_id)
    behalf = part.mayor_id or part.contact_id
    proof = document.proof(cmd.actor_id, behalf) if document is not None else None
    prove(app, s, cmd.actor_id, proof)
    if cmd.confirmed:
        part.confirmed_benefit = cmd.text
    else:
        part.stated_benefit = cmd.text
    return save(part, session=s)


def record_meeting(app: App, cmd: c.RecordMeeting) -> Meeting:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        actor = authorize(s, cmd.actor_id, Action.RECORD_MEETING, parts)
        prove(app, s, cmd.actor_id)
        require_people(s, cmd.attendee_ids)
        row = Meeting(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind.value,
            held_on=cmd.held_on,
            attendee_ids=list(dict.fromkeys(cmd.attendee_ids)),
            notes=cmd.notes,
            recorded_by=actor.id,
        )
        return save(row, session=s)


def record_agreement(app: App, cmd: c.RecordAgreement) -> Agreement:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        require_partners(parts, cmd.signed_by)
        authorize(s, cmd.actor_id, Action.RECORD_AGREEMENT, parts)
        prove(app, s, cmd.actor_id)
        row = Agreement(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind.value,
            title=cmd.title,
            signed_by=list(dict.fromkeys(cmd.signed_by)),
            effective_on=cmd.effective_on,
        )
        return save(row, session=s)


def record_staff(app: App, cmd: c.RecordStaff) -> StaffInvolvement:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        require_partners(parts, [cmd.municipality_id])
        authorize(s, cmd.actor_id, Action.RECORD_STAFF, parts, cmd.municipality_id)
        prove(app, s, cmd.actor_id)
        row = StaffInvolvement(
            cooperation_id=cmd.cooperation_id,
            municipality_id=cmd.municipality_id,
            description=cmd.description,
            involved_on=cmd.involved_on,
        )
        return save(row, session=s)


def record_communication(app: App, cmd: c.RecordCommunication) -> Communication:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.RECORD_COMMUNICATION, parts)
        prove(app, s, cmd.actor_id)
        row = Communication(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind.value,
            status=cmd.status.value,
            title=cmd.title,
            planned_on=cmd.planned_on,
        )
        return save(row, session=s)


def record_success(app: App, cmd: c.RecordSuccess) -> Success:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.RECORD_SUCCESS, parts)
        prove(app, s, cmd.actor_id)
        row = Success(
            cooperation_id=cmd.cooperation_id,
            what=cmd.what,
            metric=cmd.metric,
            value=cmd.value,
            made_visible=cmd.made_visible or None,
            recorded_at=app.clock(),
        )
        return save(row, session=s)


def record_decision(app: App, cmd: c.RecordDecision) -> Decision:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        require_partners(parts, [cmd.benefiting_municipality_id, *cmd.conceding_municipality_ids])
        if cmd.benefiting_municipality_id in cmd.conceding_municipality_ids:
            raise InvalidInputError(
                "benefits_and_concedes",
                "Eine Kommune kann nicht zugleich begünstigt sein und verzichten.",
                "A municipality cannot both benefit and concede.",
            )
        authorize(s, cmd.actor_id, Action.RECORD_DECISION, parts)
        prove(app, s, cmd.actor_id)
        row = Decision(
            cooperation_id=cmd.cooperation_id,
            kind=cmd.kind,
            subject=cmd.subject,
            benefiting_municipality_id=cmd.benefiting_municipality_id,
            conceding_municipality_ids=list(dict.fromkeys(cmd.conceding_municipality_ids)),
            concession=cmd.concession,
            decided_on=cmd.decided_on,
        )
        return save(row, session=s)


def record_report(app: App, cmd: c.RecordReport) -> Report:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.RECORD_REPORT, parts)
        prove(app, s, cmd.actor_id)
        row = Report(cooperation_id=cmd.cooperation_id, summary=cmd.summary, created_at=app.clock())
        return save(row, session=s)
