"""The mayor's sign-off: ask by email, wait suspended (for days if need be), record.

suspend_flow_run, not pause_flow_run: a pause dies after an hour and keeps a process
busy, a suspended run holds nothing. After the resume the flow function starts again
from the top, so opening the request is idempotent (keyed by the flow run id).
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from prefect.runtime import flow_run
from pydantic import Field

from flows.common import (
    STAMP_FIELD,
    ActionFailed,
    app_scope,
    coerce,
    form_model,
    sending_what_is_queued,
    verified,
)
from ikz.actions.signoff import answer_request, open_request
from models.commands import RequestSignOff
from states.errors import IkzError


class Freigabe(RunInput):
    """The form the mayor fills in when resuming the run."""

    freigeben: bool = Field(title="Freigeben", description="Ja: Freigabe erteilen; Nein: ablehnen")
    anmerkung: str = Field("", title="Anmerkung", max_length=5000)


def _request_signoff(eingabe: Any, stamp: Any = STAMP_FIELD) -> dict[str, Any]:
    log = get_run_logger()
    # The coordinator asking is the person the run's stamp proves (flows.common.verified).
    proof, data = verified(eingabe, None if stamp is STAMP_FIELD else stamp)
    cmd = coerce(RequestSignOff, data)
    run_id = flow_run.get_id() or ""
    with app_scope(proof) as app:
        base = app.settings.ui_base_url.rstrip("/")
        run_url = f"{base}/runs/flow-run/{run_id}"
        # The mayor's mail goes out now, not with the dispatcher's next run (after a
        # resume the request exists already and nothing new is queued or sent).
        with sending_what_is_queued(app):
            try:
                req = open_request(app, cmd, run_id, run_url)
            except IkzError as exc:
                raise ActionFailed(exc.text()) from None
        days = (req.due_at - req.requested_at).days or 1
    log.info("Freigabe angefragt bei Person %s, Frist %s", req.mayor_id, req.due_at.date())
    answer = suspend_flow_run(
        wait_for_input=Freigabe, timeout=days * 86400, key=f"signoff-{req.id}"
    )
    with app_scope(proof) as app, sending_what_is_queued(app):
        try:
            done = answer_request(app, req.id or 0, answer.freigeben, answer.anmerkung)
        except IkzError as exc:
            raise ActionFailed(exc.text()) from None
    return {"request_id": done.id, "status": done.status}


# The form: the request without the acting person (the logged-in coordinator).
_request_signoff.__annotations__ = {
    "eingabe": form_model(RequestSignOff),
    "stamp": dict[str, Any] | None,
    "return": dict[str, Any],
}
_request_signoff.__name__ = _request_signoff.__qualname__ = "request_signoff"
request_signoff = flow(
    name="request-signoff",
    description="Freigabe einer Bürgermeisterin/eines Bürgermeisters anfordern und abwarten",
    validate_parameters=False,
)(_request_signoff)
