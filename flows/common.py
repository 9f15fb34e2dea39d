"""What every flow shares: an application per run and a uniform way to call a use case."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from ikz import forms
from ikz.app import App, open_app
from ikz.jsonable import jsonable
from ikz.proof.secret import server_secret
from ikz.proof.stamp import STAMP_PARAMETER, verify
from ikz.settings import get_settings
from models.outbox import last_id
from models.validation import parse
from states.errors import IkzError
from states.proof import Proof

M = TypeVar("M", bound=BaseModel)


class ActionFailed(Exception):
    """A use case refused the action: the run fails with the same one-line message."""


# The flows' second parameter: the gateway's stamp (who started the run, and how proven).
# Nobody fills it in; the form shows it with this title and leaves it empty.
STAMP_FIELD: Any = Field(
    None,
    description="Setzt ikz-flow selbst beim Start über die Anmeldung: wer handelt. "
    "Bitte leer lassen; ein eingetragener Wert wird ersetzt.",
    json_schema_extra={"title": "Nachweis (setzt die Anmeldung)"},
)


def form_model(model: type[M]) -> type[BaseModel]:
    """The action's input model as the Prefect form shows it (ikz.forms.schema): without
    `actor_id`, since the person acting is the one logged in (the run's stamp), never a
    typed id; names instead of ids, German labels, no checks answering in English."""
    return forms.form_model(model)


def verified(eingabe: BaseModel | dict[str, Any], stamp: Any) -> tuple[Proof, dict[str, Any]]:
    """The proof of a run's stamp and its input with the proven person as actor; a run
    without a valid stamp fails here, before anything is read or written."""
    try:
        settings = get_settings()
    except IkzError as exc:  # a bad IKZ_* setting: the CLI's one line
        raise ActionFailed(exc.text()) from None
    raw = eingabe.model_dump(mode="json") if isinstance(eingabe, BaseModel) else eingabe
    if not isinstance(raw, dict):
        raw = {}
    try:
        proof = verify(server_secret(settings), {"eingabe": raw, STAMP_PARAMETER: stamp})
    except IkzError as exc:
        raise ActionFailed(exc.text()) from None
    return proof, {**raw, "actor_id": proof.person_id}


@contextmanager
def app_scope(proof: Proof | None = None) -> Iterator[App]:
    try:
        app = open_app()
    except IkzError as exc:
        # A bad IKZ_* setting: the run fails with the CLI's one line, not a traceback.
        raise ActionFailed(exc.text()) from None
    app.proof = proof
    try:
        yield app
    finally:
        app.close()


def coerce(model: type[M], params: M | dict[str, Any]) -> M:
    """Validate flow parameters with the same messages as the CLI (not pydantic's); a
    filled-in form's names and labels become ids and codes first (ikz.forms.fill)."""
    data = params.model_dump() if isinstance(params, BaseModel) else params
    try:
        return parse(model, forms.form_values(model, data))
    except IkzError as exc:
        raise ActionFailed(exc.text()) from None


# The mail an action queued is sent from the action's own run, right after its commit:
# through the dispatcher deployment it would wait for an event, a trigger, a runner's
# poll and a new process (seconds on a small machine). One batch, a short timeout.
SEND_NOW_LIMIT = 20
SEND_NOW_TIMEOUT_SECONDS = 5.0


def run_action(
    fn: Callable[[App, M], Any],
    model: type[M],
    params: M | dict[str, Any],
    stamp: Any = None,
    *,
    after: Callable[[App, Any, int], None] | None = None,
) -> Any:
    """Run an action's use case for the person the run's stamp proves (its actor).

    `after(app, result, mails sent)` runs after the commit and the mail (an action
    flow's pages and summary line: flows.outcome.after_action)."""
    proof, data = verified(params, stamp)
    cmd = coerce(model, data)
    with app_scope(proof) as app:
        with app.db.read() as s:
            before = last_id(s)
        try:
            result = fn(app, cmd)
        except IkzError as exc:
            raise ActionFailed(exc.text()) from None
        sent = send_now(app, after_id=before)
        if after is not None:
            after(app, result, sent)
        return jsonable(result)


def send_now(app: App, *, after_id: int) -> int:
    """Send the mail queued since outbox row `after_id`: the action's own (and any
    queued at the same moment), not older mail waiting for the dispatcher. Never fails
    the action, which has committed: whatever is not sent here stays queued for the
    dispatcher, which the action's event and its minute schedule start anyway.
    Returns how many were sent."""
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    from flows.blocks import smtp_config_sync
    from ikz.mail.dispatch import send_due_now

    log: Any
    try:
        log = get_run_logger()
    except MissingContextError:  # called outside a flow run (a flow's .fn)
        log = logging.getLogger("ikz.mail")
    try:
        smtp = smtp_config_sync(app.settings)
        smtp = smtp.model_copy(
            update={"timeout_seconds": min(smtp.timeout_seconds, SEND_NOW_TIMEOUT_SECONDS)}
        )
        result = send_due_now(app, limit=SEND_NOW_LIMIT, smtp=smtp, after_id=after_id)
    except Exception as exc:  # the relay's trouble is the dispatcher's to retry
        log.warning("E-Mails bleiben für den Versand-Flow: %s: %s", type(exc).__name__, exc)
        return 0
    if result.sent or result.failed or result.retried:
        log.info(
            "E-Mails sofort versandt: %d, zurückgestellt: %d, fehlgeschlagen: %d",
            result.sent,
            result.retried,
            result.failed,
        )
    return int(result.sent)


def announce_queued(count: int, resource: str) -> None:
    """Tell the dispatcher deployment (by event) that mail is waiting, so it need not
    wait for its minute schedule."""
    if count <= 0:
        return
    from prefect.events import emit_event

    emit_event(
        event="ikz.notifications.queued",
        resource={"prefect.resource.id": resource},
        payload={"count": count},
    )
