"""The funding application's use cases: prepare it for a programme of the partners'
state (the programme copied as it stands), then record its submission, the decision
(amount, quota, conditions), each payment, the proof of use submitted and accepted, and
a permission to start early.

Each step: states.funding says whether it may be recorded now; a refused one is one
line and nothing is written. A document (the notice, the portal receipt) is stored by
content and its SHA-256 goes into the row, on the cooperation's fact chain, and into the
step's proof.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from ikz.actions.guard import authorize, coop_for_write, duplicate, prove
from ikz.app import App
from ikz.funding import programme
from ikz.proof.document import store_document
from models import funding_commands as c
from models.funding import (
    FundingApplication,
    FundingStep,
    application_of,
    application_snaps,
    partners_of,
)
from models.store import save
from states.errors import InvalidInputError
from states.funding import (
    DECIDED,
    EARLY_START,
    PAID,
    PROOF_ACCEPTED,
    PROOF_SUBMITTED,
    SUBMITTED,
    ApplicationSnap,
    refusal,
)
from states.policy import Action
from states.savings import CENT


def _refused(code: str, de: str, en: str) -> InvalidInputError:
    return InvalidInputError(code, de, en)


def _future(on: date, today: date) -> None:
    if on > today:
        raise _refused(
            "date_in_future",
            f"Das Datum {on.isoformat()} liegt in der Zukunft.",
            f"The date {on.isoformat()} is in the future.",
        )


def prepare_application(app: App, cmd: c.PrepareFundingApplication) -> FundingApplication:
    today = app.clock().date()
    _future(cmd.prepared_on, today)
    f, p = programme(cmd.programme, app.settings.funding_programmes_dir)
    status = p.status(today)
    if status == "expired":
        until = p.valid_until.isoformat() if p.valid_until else "?"
        raise _refused(
            "programme_expired",
            f"{p.name} ist seit {until} abgelaufen und wird nicht mehr angeboten.",
            f"{p.name} expired on {until} and is no longer offered.",
        )
    if status == "not_yet_valid":
        raise _refused(
            "programme_not_yet_valid",
            f"{p.name} gilt erst ab {p.valid_from.isoformat()}.",
            f"{p.name} applies only from {p.valid_from.isoformat()}.",
        )
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.RECORD_FUNDING, parts)
        prefixes = {ags[:2] for _, _, ags in partners_of(cmd.cooperation_id, session=s)}
        if f.ags_prefix not in prefixes:
            raise _refused(
                "programme_other_state",
                f"{p.name} fördert in {f.name}; keine Partnerkommune liegt dort.",
                f"{p.name} funds in {f.name}; no partner lies there.",
            )
        if application_of(cmd.cooperation_id, p.code, session=s) is not None:
            raise duplicate(f"Der Antrag für {p.code}", f"The application for {p.code}")
        prove(app, s, cmd.actor_id)
        data = p.model_dump(mode="json")
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        return save(
            FundingApplication(
                cooperation_id=cmd.cooperation_id,
                programme=p.code,
                state=f.state,
                rules=data,
                rules_sha256=hashlib.sha256(blob).hexdigest(),
                prepared_on=cmd.prepared_on,
                note=cmd.note,
                recorded_at=app.clock(),
            ),
            session=s,
        )


def _application(s: Session, cooperation_id: int, code: str) -> tuple[int, ApplicationSnap]:
    row = application_of(cooperation_id, code, session=s)
    if row is None or row.id is None:
        raise _refused(
            "application_not_prepared",
            f"Für Kooperation {cooperation_id} gibt es keinen Antrag auf {code} "
            "(ikz funding prepare).",
            f"Cooperation {cooperation_id} has no application for {code} (ikz funding prepare).",
        )
    snap = next(
        a
        for a in application_snaps([cooperation_id], session=s)[cooperation_id]
        if a.programme == code
    )
    return row.id, snap


def _step(
    app: App,
    *,
    cooperation_id: int,
    code: str,
    actor_id: int,
    kind: str,
    on: date,
    document: str = "",
    result: str = "",
    amount: Decimal | None = None,
    quota: Decimal | None = None,
    conditions: str = "",
    reference: str = "",
    note: str = "",
    proof_due: date | None = None,
) -> FundingStep:
    with app.db.write() as s:
        _, parts = coop_for_write(s, cooperation_id)
        authorize(s, actor_id, Action.RECORD_FUNDING, parts)
        app_id, snap = _application(s, cooperation_id, code)
        why = refusal(
            snap,
            kind,
            on,
            app.clock().date(),
            result=result,
            amount=amount,
            quota=quota,
            proof_due=proof_due,
        )
        if why is not None:
            raise _refused(why.code, why.de, why.en)
        stored = store_document(app.settings, document) if document else None
        prove(app, s, actor_id, stored.proof(actor_id) if stored else None)
        return save(
            FundingStep(
                cooperation_id=cooperation_id,
                application_id=app_id,
                kind=kind,
                occurred_on=on,
                result=result,
                amount=amount.quantize(CENT) if amount is not None else None,
                quota=quota.quantize(CENT) if quota is not None else None,
                conditions=conditions,
                reference=reference,
                note=note,
                proof_due=proof_due,
                document_sha256=stored.sha256 if stored else None,
                document_name=stored.name if stored else None,
                recorded_at=app.clock(),
            ),
            session=s,
        )


def _simple(app: App, cmd: c.RecordFundingStep, kind: str) -> FundingStep:
    return _step(
        app,
        cooperation_id=cmd.cooperation_id,
        code=cmd.programme,
        actor_id=cmd.actor_id,
        kind=kind,
        on=cmd.on,
        document=cmd.document,
        reference=cmd.reference,
        note=cmd.note,
    )


def submit_application(app: App, cmd: c.RecordFundingStep) -> FundingStep:
    return _simple(app, cmd, SUBMITTED)


def record_proof_submitted(app: App, cmd: c.RecordFundingStep) -> FundingStep:
    return _simple(app, cmd, PROOF_SUBMITTED)


def record_proof_accepted(app: App, cmd: c.RecordFundingStep) -> FundingStep:
    return _simple(app, cmd, PROOF_ACCEPTED)


def permit_early_start(app: App, cmd: c.RecordFundingStep) -> FundingStep:
    return _simple(app, cmd, EARLY_START)


def record_decision(app: App, cmd: c.RecordFundingDecision) -> FundingStep:
    return _step(
        app,
        cooperation_id=cmd.cooperation_id,
        code=cmd.programme,
        actor_id=cmd.actor_id,
        kind=DECIDED,
        on=cmd.decided_on,
        document=cmd.document,
        result=cmd.result.value,
        amount=cmd.amount,
        quota=cmd.quota,
        conditions=cmd.conditions,
        reference=cmd.reference,
        proof_due=cmd.proof_due,
    )


def record_payment(app: App, cmd: c.RecordFundingPayment) -> FundingStep:
    return _step(
        app,
        cooperation_id=cmd.cooperation_id,
        code=cmd.programme,
        actor_id=cmd.actor_id,
        kind=PAID,
        on=cmd.paid_on,
        amount=cmd.amount,
        reference=cmd.reference,
    )
