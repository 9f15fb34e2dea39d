"""The mayor's sign-off: ask by email, wait suspended (for days if need be), complete
with the answer recorded in the database.

suspend_flow_run, not pause_flow_run: a pause dies after an hour and keeps a process
busy, a suspended run holds nothing. After a resume the flow function starts again from
the top, so opening the request is idempotent (keyed by the flow run id).

The mayor answers on ikz-flow's page through the single-use link in the mail
(ikz.answers): the page records the answer, with the link's proof, and then resumes
this run. The run trusts no run input: it reads the request's status. A resume without
an answer (someone pressed Resume in the Prefect UI, or posted to the API) records
nothing and suspends the run again, for the time the request has left: failing instead
would end the wait although the mayor can still answer through the link.
"""

from __future__ import annotations

import uuid
from typing import Any

from prefect import flow
from prefect.flow_runs import suspend_flow_run
from prefect.runtime import flow_run

from flows.common import (
    STAMP_FIELD,
    ActionFailed,
    app_scope,
    coerce,
    form_model,
    send_now,
    verified,
)
from flows.outcome import ending, publish_pages, signoff_line, tell
from ikz.actions.signoff import open_request
from ikz.registry import ACTIONS
from models.commands import RequestSignOff
from models.outbox import last_id
from states.errors import IkzError

SPEC = next(a for a in ACTIONS if a.name == "request-signoff")


def _request_signoff(eingabe: Any, stamp: Any = STAMP_FIELD) -> Any:
    # A refusal ends the run Failed with its one line, without a traceback.
    return ending(lambda: _ask_and_wait(eingabe, stamp))


def _ask_and_wait(eingabe: Any, stamp: Any) -> dict[str, Any]:
    # The coordinator asking is the person the run's stamp proves (flows.common.verified).
    proof, data = verified(eingabe, None if stamp is STAMP_FIELD else stamp)
    cmd = coerce(RequestSignOff, data)
    run_id = flow_run.get_id() or ""
    with app_scope(proof) as app:
        base = app.settings.ui_base_url.rstrip("/")
        run_url = f"{base}/runs/flow-run/{run_id}"
        # The mayor's mail goes out now, not with the dispatcher's next run (after a
        # resume the request exists already and nothing new is queued or sent).
        with app.db.read() as s:
            before = last_id(s)
        try:
            req = open_request(app, cmd, run_id, run_url)
        except IkzError as exc:
            raise ActionFailed(exc.text()) from None
        sent = send_now(app, after_id=before)
        now = app.clock()
        if req.status != "pending":
            # Answered (the run was resumed): the pages show the answer.
            publish_pages(app, SPEC, [req.cooperation_id])
        line = signoff_line(app, req, sent)
    if req.status != "pending":
        tell(line)
        return {"request_id": req.id, "status": req.status}
    left = int((req.due_at - now).total_seconds())
    if left <= 0:
        raise ActionFailed(
            f"Die Freigabeanfrage {req.id} ist abgelaufen, ohne dass geantwortet wurde."
        )
    tell(line)
    # A fresh key each time: a key used before would let the run through at once.
    suspend_flow_run(timeout=left, key=f"signoff-{req.id}-{uuid.uuid4().hex}")
    # Reached only if the server refused to suspend (it never does for a new key).
    raise ActionFailed(f"Die Freigabeanfrage {req.id} konnte nicht warten.")


# The form: the request without the acting person (the logged-in coordinator).
_request_signoff.__annotations__ = {
    "eingabe": form_model(RequestSignOff),
    "stamp": dict[str, Any],  # no "or None": the form would show a type switch
    "return": Any,
}
_request_signoff.__name__ = _request_signoff.__qualname__ = "request_signoff"
request_signoff = flow(
    name="request-signoff",
    description="Freigabe einer Bürgermeisterin/eines Bürgermeisters anfordern und abwarten",
    validate_parameters=False,
)(_request_signoff)
