"""Mayors' sign-offs: recorded directly, or requested (a mail with a single-use answer
link, ikz.answers) while a Prefect flow run waits suspended for the answer.

The flow function runs again from its start after a resume, so opening the request is
idempotent: keyed by the flow run id, it writes the request and its mail once.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ikz.actions.guard import authorize, coop_for_write, duplicate, prove, require_partners
from ikz.answers.links import issue, mail_context
from ikz.app import App
from ikz.proof.document import StoredDocument, store_document
from models import commands as c
from models.audit import proof_values
from models.cooperation import SignOff, SignOffRequest
from models.outbox import enqueue
from models.queries import CoopLike, actor_of, load_snapshot, require
from models.registry import Municipality
from models.signoffs import request_of_run
from models.store import save
from states.errors import InvalidInputError
from states.gates import unmet_besides_signoff
from states.lifecycle import Gate, Trigger
from states.policy import Action, Target, check
from states.proof import Proof, ProofKind
from states.vocab import town_name, town_with_article


def sign_off(app: App, cmd: c.SignOffGate) -> SignOff:
    """Record a mayor's sign-off: the mayor's own (proven personally: the surface's
    proof), or from a document on the mayor's behalf (`cmd.document`)."""
    document = store_document(app.settings, cmd.document) if cmd.document else None
    try:
        with app.db.write() as s:
            return sign_off_in(app, s, cmd, document=document)
    except IntegrityError:
        raise duplicate("Diese Freigabe", "This sign-off") from None


def sign_off_in(
    app: App,
    s: Session,
    cmd: c.SignOffGate,
    document: StoredDocument | None = None,
    proof: Proof | None = None,
) -> SignOff:
    """Record a sign-off inside the caller's transaction (an answered request does too).

    It counts for the gate only as the sponsoring mayor's own: `proof` (else the
    surface's) must prove the mayor personally, or `document` (stored by
    ikz.proof.document) records it on the mayor's behalf."""
    coop, parts = coop_for_write(s, cmd.cooperation_id)
    require_partners(parts, [cmd.municipality_id])
    sponsor = next(p.mayor_id for p in parts if p.municipality_id == cmd.municipality_id)
    actor = actor_of(s, cmd.actor_id)
    if document is not None:
        if sponsor is None:
            raise _no_mayor(cmd.municipality_id)
        proof = document.proof(actor.id, on_behalf_of=sponsor)
    proof = proof or app.proof_for(actor.id)
    check(
        actor,
        Action.SIGN_OFF,
        Target(
            partner_municipalities=frozenset(p.municipality_id for p in parts),
            municipality_id=cmd.municipality_id,
            sponsor_id=sponsor,
            proof=proof,
        ),
    )
    prove(app, s, actor.id, proof)
    row = SignOff(
        cooperation_id=cmd.cooperation_id,
        gate=cmd.gate.value,
        municipality_id=cmd.municipality_id,
        mayor_id=(proof.on_behalf_of or actor.id) if proof.kind is ProofKind.DOCUMENT else actor.id,
        note=cmd.note,
        signed_at=app.clock(),
        **proof_values(proof),
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
            **town_context(s, cmd.municipality_id),
            "mayor_id": row.mayor_id,
            "note": cmd.note,
            "proof": proof.label("de"),
            "proof_en": proof.label("en"),
        },
        dedupe_prefix=f"signoff:{row.id}",
    )
    return row


def still_missing(
    app: App, s: Session, coop: CoopLike, gate: str, municipality_id: int
) -> list[dict[str, str]]:
    """What the step's gate misses besides this mayor's sign-off (other sign-offs, open
    conflicts, missing records), in both languages, for the mail that asks for it."""
    unmet = unmet_besides_signoff(
        Trigger(gate), load_snapshot(s, coop), municipality_id, app.clock(), app.gate_rules
    )
    return [{"code": u.code, "de": u.de, "en": u.en} for u in unmet]


def town_context(s: Session, municipality_id: int) -> dict[str, object]:
    """The municipality as the coordinator's mails name it ("Stadt Jena")."""
    town = require(s, Municipality, municipality_id)
    return {
        "municipality_id": municipality_id,
        "municipality_name": town_name(town.name, town.kind, "de"),
        "municipality_name_en": town_name(town.name, town.kind, "en"),
        # As a sentence's subject: "die Stadt Jena hat ... freigegeben".
        "municipality_subject": town_with_article(town.name, town.kind, "de"),
        "municipality_subject_en": town_with_article(town.name, town.kind, "en"),
    }


def _no_mayor(municipality_id: int) -> InvalidInputError:
    return InvalidInputError(
        "mayor_missing",
        f"Für Kommune {municipality_id} ist keine Bürgermeister:in hinterlegt.",
        f"No mayor recorded for municipality {municipality_id}.",
    )


def open_request(app: App, cmd: c.RequestSignOff, flow_run_id: str, run_url: str) -> SignOffRequest:
    with app.db.write() as s:
        existing = request_of_run(flow_run_id, session=s)
        if existing is not None:
            return existing
        coop, parts = coop_for_write(s, cmd.cooperation_id)
        require_partners(parts, [cmd.municipality_id])
        authorize(s, cmd.actor_id, Action.REQUEST_SIGNOFF, parts)
        prove(app, s, cmd.actor_id)
        part = next(p for p in parts if p.municipality_id == cmd.municipality_id)
        if part.mayor_id is None:
            raise _no_mayor(cmd.municipality_id)
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
                # Asked when the mail is queued: the mail never claims more than that.
                "missing": still_missing(app, s, coop, cmd.gate.value, cmd.municipality_id),
                **mail_context(link),
            },
            dedupe_prefix=prefix,
        )
        return req


def answer_request(
    app: App, request_id: int, approve: bool, note: str = "", proof: Proof | None = None
) -> SignOffRequest:
    """Record the mayor's answer in one transaction: the sign-off (or the refusal) and
    the closed request, with the proof that the mayor answered (`proof`, else the
    surface's: a yes counts only when it proves the mayor personally)."""
    try:
        with app.db.write() as s:
            row = require(s, SignOffRequest, request_id)
            return answer_request_in(app, s, row, approve, note, proof)
    except IntegrityError:
        raise duplicate("Diese Freigabe", "This sign-off") from None


def answer_request_in(
    app: App,
    s: Session,
    row: SignOffRequest,
    approve: bool,
    note: str = "",
    proof: Proof | None = None,
) -> SignOffRequest:
    """The answer inside the caller's transaction (the mail-link page marks its link used
    in the same one). Its proof is `proof`, else `app.proof_for(mayor)`: the page sets
    the mail link's."""
    proof = prove(app, s, row.mayor_id, proof)
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
            proof=proof,
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
                **town_context(s, row.municipality_id),
                "mayor_id": row.mayor_id,
                "note": note,
            },
            dedupe_prefix=f"signoff-declined:{row.id}",
        )
    row.status = "signed" if approve else "declined"
    row.answered_at = app.clock()
    row.note = note
    # How the answer was proven: the mail link's page sets it, else the local CLI's.
    row.answer_proof = proof.as_dict()
    return save(row, session=s)
