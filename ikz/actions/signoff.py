"""Mayors' sign-offs: recorded directly, or requested (a mail with a single-use answer
link, ikz.answers) while a Prefect flow run waits suspended for the answer.

The flow function runs again from its start after a resume, so opening the request is
idempotent: keyed by the flow run id, it writes the request and its mail once.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ikz.actions.guard import authorize, coop_for_write, duplicate, require_partners
from ikz.answers.links import issue, mail_context
from ikz.app import App
from models import commands as c
from models.cooperation import SignOff, SignOffRequest
from models.outbox import enqueue
from models.queries import actor_of, require
from models.signoffs import request_of_run
from models.store import save
from states.errors import InvalidInputError
from states.lifecycle import Gate
from states.policy import Action, Target, check


def sign_off(app: App, cmd: c.SignOffGate) -> SignOff:
    try:
        with app.db.write() as s:
            return sign_off_in(app, s, cmd)
    except IntegrityError:
        raise duplicate("Diese Freigabe", "This sign-off") from None


def sign_off_in(app: App, s: Session, cmd: c.SignOffGate) -> SignOff:
    """Record a sign-off inside the caller's transaction (an answered request does too)."""
    coop, parts = coop_for_write(s, cmd.cooperation_id)
    require_partners(parts, [cmd.municipality_id])
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
    save(row, session=s)
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


def open_request(app: App, cmd: c.RequestSignOff, flow_run_id: str, run_url: str) -> SignOffRequest:
    with app.db.write() as s:
        existing = request_of_run(flow_run_id, session=s)
        if existing is not None:
            return existing
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        require_partners(parts, [cmd.municipality_id])
        authorize(s, cmd.actor_id, Action.REQUEST_SIGNOFF, parts)
        part = next(p for p in parts if p.municipality_id == cmd.municipality_id)
        if part.mayor_id is None:
            raise InvalidInputError(
                "mayor_missing",
                f"Für Kommune {cmd.municipality_id} ist keine Bürgermeister:in hinterlegt.",
                f"No mayor recorded for municipality {cmd.municipality_id}.",
            )
        now = app.clock()
        days = cmd.timeout_days or app.settings.signoff_timeout_days
        req = SignOffRequest(
            cooperation_id=cmd.cooperation_id,
            municipality_id=cmd.municipality_id,
            gate=cmd.gate.value,
            mayor_id=part.mayor_id,
            flow_run_id=flow_run_id,
            requested_at=now,
            due_at=now + timedelta(days=days),
        )
        save(req, session=s)
        assert req.id is not None and coop.id is not None
        prefix = f"signoff-request:{flow_run_id}"
        # The mayor answers on ikz-flow's page through this link, not in the Prefect UI.
        link = issue(
            app,
            s,
            person_id=part.mayor_id,
            purpose="signoff",
            object_id=req.id,
            cooperation_id=coop.id,
            dedupe_key=f"{prefix}:{part.mayor_id}",
            expires_at=req.due_at,
        )
        enqueue(
            s,
            now=app.clock(),
            recipient_ids=[part.mayor_id],
            kind="signoff_requested",
            context={
                "cooperation_id": coop.id,
                "title": coop.title,
                "gate": cmd.gate.value,
                "due_at": req.due_at.isoformat(),
                "run_url": run_url,
                **mail_context(link),
            },
            dedupe_prefix=prefix,
        )
        return req


def answer_request(app: App, request_id: int, approve: bool, note: str = "") -> SignOffRequest:
    """Record the mayor's answer in one transaction: the sign-off (or the refusal) and
    the closed request."""
    try:
        with app.db.write() as s:
            return answer_request_in(app, s, require(s, SignOffRequest, request_id), approve, note)
    except IntegrityError:
        raise duplicate("Diese Freigabe", "This sign-off") from None


def answer_request_in(
    app: App, s: Session, row: SignOffRequest, approve: bool, note: str = ""
) -> SignOffRequest:
    """The answer inside the caller's transaction (the mail-link page marks its link used
    in the same one). The sign-off's proof is `app.proof_for(mayor)`: the page sets the
    mail link's."""
    if row.status != "pending":
        raise InvalidInputError(
            "signoff_request_closed",
            f"Die Freigabeanfrage {row.id} ist bereits abgeschlossen ({row.status}).",
            f"Sign-off request {row.id} is already closed ({row.status}).",
        )
    if approve:
        sign_off_in(
            app,
            s,
            c.SignOffGate(
                cooperation_id=row.cooperation_id,
                gate=Gate(row.gate),
                municipality_id=row.municipality_id,
                note=note,
                actor_id=row.mayor_id,
            ),
        )
    else:
        coop, _ = coop_for_write(s, row.cooperation_id)
        enqueue(
            s,
            now=app.clock(),
            recipient_ids=[coop.coordinator_id],
            kind="signoff_declined",
            context={
                "cooperation_id": coop.id,
                "title": coop.title,
                "gate": row.gate,
                "mayor_id": row.mayor_id,
                "note": note,
            },
            dedupe_prefix=f"signoff-declined:{row.id}",
        )
    row.status = "signed" if approve else "declined"
    row.answered_at = app.clock()
    row.note = note
    # How the answer was proven: the mail link's page sets it, else the local CLI's.
    row.answer_proof = app.proof_for(row.mayor_id).as_dict()
    return save(row, session=s)
