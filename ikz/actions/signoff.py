"""Mayor sign-off requests answered through a suspended Prefect flow run.

The flow function runs again from its start after a resume, so opening the request is
idempotent: keyed by the flow run id, it writes the request and its mail once.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from ikz.app import App
from ikz.records import _authorize, _coop_for_write, _require_partners, sign_off_in
from models.commands import RequestSignOff, SignOffGate
from models.cooperation import SignOffRequest
from models.outbox import enqueue
from models.queries import require
from states.errors import InvalidInputError
from states.lifecycle import Gate
from states.policy import Action


def open_request(app: App, cmd: RequestSignOff, flow_run_id: str, run_url: str) -> SignOffRequest:
    with app.db.write() as s:
        existing = s.exec(
            select(SignOffRequest).where(col(SignOffRequest.flow_run_id) == flow_run_id)
        ).first()
        if existing is not None:
            return existing
        coop, parts = _coop_for_write(s, cmd.cooperation_id)
        _require_partners(parts, [cmd.municipality_id])
        _authorize(s, cmd.actor_id, Action.REQUEST_SIGNOFF, parts)
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
        s.add(req)
        s.flush()
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
            },
            dedupe_prefix=f"signoff-request:{flow_run_id}",
        )
        return req


def answer_request(app: App, request_id: int, approve: bool, note: str = "") -> SignOffRequest:
    """Record the mayor's answer in one transaction: the sign-off (or the refusal) and
    the closed request."""
    try:
        with app.db.write() as s:
            row = require(s, SignOffRequest, request_id)
            if row.status != "pending":
                raise InvalidInputError(
                    "signoff_request_closed",
                    f"Die Freigabeanfrage {request_id} ist bereits abgeschlossen ({row.status}).",
                    f"Sign-off request {request_id} is already closed ({row.status}).",
                )
            if approve:
                sign_off_in(
                    app,
                    s,
                    SignOffGate(
                        cooperation_id=row.cooperation_id,
                        gate=Gate(row.gate),
                        municipality_id=row.municipality_id,
                        note=note,
                        actor_id=row.mayor_id,
                    ),
                )
            else:
                coop, _ = _coop_for_write(s, row.cooperation_id)
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
            s.add(row)
            s.flush()
            return row
    except IntegrityError:
        raise InvalidInputError(
            "duplicate", "Diese Freigabe ist bereits erfasst.", "This sign-off is already recorded."
        ) from None
