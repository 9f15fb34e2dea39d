"""What an action's run does after its commit, and the one line it ends with.

After a registry action commits, the pages it changed are written anew (the
cooperation's page, the portfolio up to its row limit, the directory for people and
municipalities), and the run's last log line says in German who did what and what
changed, with the stable link to the cooperation's page (ikz.gateway.page_links). A
refused action ends with one line too. Both lines are marked for the terminal of
`ikz up` (deployments/logs.py shows them there; every other INFO line goes to the log
file only).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from prefect.states import Failed

from flows.common import ActionFailed
from ikz.app import App
from ikz.gateway.page_links import cooperation_page
from ikz.jsonable import jsonable
from ikz.registry import ActionSpec, resolve
from models.cooperation import Cooperation
from models.people import person
from models.queries import require
from states.errors import IkzError
from states.lifecycle import STATE_LABELS
from states.lifecycle import State as CoopState

if TYPE_CHECKING:
    from prefect.client.schemas.objects import State as RunState

R = TypeVar("R")

# The log record attribute deployments/logs.py lets through to the terminal.
TERMINAL = "ikz_terminal"

# Actions whose change shows on the directory page.
DIRECTORY_USE_CASES = ("ikz.actions.directory:", "ikz.actions.erasure:")


def ending(call: Callable[[], R]) -> R | RunState:
    """What a flow returns: `call`'s result, or, when the action was refused, Prefect's
    own Failed state with the reason as its message, on one line (a gate's unmet
    criteria joined by semicolons). The run then ends Failed
    without a traceback in its log; a caller of the flow object still gets the
    ActionFailed raised (the state's data), and a caller of its `.fn` gets the state."""
    try:
        return call()
    except IkzError as exc:  # a follow-up's use case refusing (e.g. an unknown id)
        failed = ActionFailed(exc.text())
    except ActionFailed as exc:
        failed = exc
    tell_refused(str(failed))
    quiet_engine_about_refusals()
    return Failed(message=one_line(str(failed)), data=failed)


class _OwnRefusal(logging.Filter):
    """Drops the engine's traceback of a refused action. A served run's engine asks the
    final state for its result, which raises the Failed state's ActionFailed, and logs
    that with its traceback ("Engine execution exited with unexpected exception"),
    beside the one line the run already logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ActionFailed)


_QUIET = _OwnRefusal()


def quiet_engine_about_refusals() -> None:
    """Install the filter on the flow-run logger (once per process)."""
    engine = logging.getLogger("prefect.flow_runs")
    if _QUIET not in engine.filters:
        engine.addFilter(_QUIET)


def _logger() -> Any:
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    try:
        return get_run_logger()
    except MissingContextError:  # a flow's .fn called outside a run
        return logging.getLogger("ikz.actions")


def tell(line: str, *, level: int = logging.INFO) -> None:
    """Log `line` in the run's log, marked for the terminal of `ikz up`."""
    _logger().log(level, line, extra={TERMINAL: True})


def tell_refused(reason: str) -> None:
    """The refused action's one line (the run's state message holds the full reason)."""
    tell(f"{_action_label()} abgelehnt: {one_line(reason)}")


def one_line(text: str) -> str:
    """A gate's list of unmet criteria on one line."""
    parts = [p.strip().removeprefix("- ").strip() for p in text.splitlines()]
    return "; ".join(p for p in parts if p).replace(":;", ":")


def _action_label() -> str:
    from prefect.runtime import flow_run

    from ikz.registry import ACTIONS

    name = flow_run.get_flow_name() or ""
    for spec in ACTIONS:
        if spec.name == name:
            return spec.label[0]
    return name or "Aktion"


def cooperation_ids(spec: ActionSpec, fields: dict[str, Any]) -> list[int]:
    """The cooperations an action's result names: its own, and a follow-up it opened."""
    ids = [fields.get("cooperation_id"), fields.get("follow_up_id")]
    if spec.name == "open-cooperation":
        ids.insert(0, fields.get("id"))
    return [int(i) for i in ids if isinstance(i, int) and i > 0]


def what_changed(spec: ActionSpec, result: Any, fields: dict[str, Any]) -> str:
    """The registry's `done` text in German; a lifecycle step with the states' names."""
    if {"from_state", "to_state", "version"} <= fields.keys():
        again = " (bereits angewendet)" if fields.get("replayed") else ""
        text = (
            f"{_state(fields['from_state'])} → {_state(fields['to_state'])} "
            f"(Version {fields['version']}){again}"
        )
        if fields.get("follow_up_id"):
            text += f", Folgekooperation {fields['follow_up_id']} eröffnet"
        return text
    if isinstance(spec.done, str):
        done: str = resolve(spec.done)(result, "de")
    else:
        done = spec.done[0].format_map(fields)
    return one_line(done).rstrip(".")


def _state(code: object) -> str:
    try:
        return STATE_LABELS[CoopState(str(code))][0]
    except ValueError:
        return str(code)


def summary_line(
    *, who: str, label: str, title: str | None, changed: str, sent: int | None, link: str | None
) -> str:
    """E.g. 'Dr. Miriam Kessler, Lebenszyklus-Schritt anwenden: Digitalstrategie
    Jena-Weimar: Informeller Kontakt → Pausiert (Version 3), 5 E-Mails versandt –
    http://127.0.0.1:4200/seite/kooperation/3'."""
    head = f"{title}: {changed}" if title else changed
    line = f"{who}, {label}: {head}"
    if sent is not None:
        line += ", 1 E-Mail versandt" if sent == 1 else f", {sent} E-Mails versandt"
    return f"{line} – {link}" if link else line


# A sign-off request's status, as the line after the mayor's answer says it.
ANSWERS = {"signed": "zugestimmt", "declined": "abgelehnt"}


def signoff_line(app: App, req: Any, sent: int | None) -> str:
    """The line of a sign-off request's run: asked (who asked, of whom, until when), or,
    after the run was resumed, answered (by the mayor, and how)."""
    with app.db.read() as s:
        title = require(s, Cooperation, req.cooperation_id).title
        mayor = person(req.mayor_id, session=s)
        actor = app.proof.person_id if app.proof else None
        asker = person(actor, session=s) if actor else None
    mayor_name = mayor.name if mayor else f"Person {req.mayor_id}"
    link = cooperation_page(app.settings.ui_base_url, req.cooperation_id)
    if req.status == "pending":
        return summary_line(
            who=asker.name if asker else "Lokale Verwaltung",
            label="Freigabe anfordern",
            title=title,
            changed=f"Freigabe bei {mayor_name} angefragt, Frist {req.due_at:%d.%m.%Y}",
            sent=sent,
            link=link,
        )
    return summary_line(
        who=mayor_name,
        label="Freigabe",
        title=title,
        changed=ANSWERS.get(req.status, req.status),
        sent=None,
        link=link,
    )


def after_action(app: App, spec: ActionSpec, result: Any, sent: int) -> None:
    """Pages written anew, then the summary line (see the module's doc). Never fails
    the action, which has committed and sent its mail."""
    try:
        _after_action(app, spec, result, sent)
    except Exception as exc:  # a page or a line is not worth a failed run
        _logger().warning("Abschluss der Aktion unvollständig: %s: %s", type(exc).__name__, exc)


def _after_action(app: App, spec: ActionSpec, result: Any, sent: int) -> None:
    fields = jsonable(result)
    fields = fields if isinstance(fields, dict) else {}
    coops = cooperation_ids(spec, fields)
    with app.db.read() as s:
        actor = app.proof.person_id if app.proof else None
        who_row = person(actor, session=s) if actor else None
        title = require(s, Cooperation, coops[0]).title if coops else None
    publish_pages(app, spec, coops)
    base = app.settings.ui_base_url
    tell(
        summary_line(
            who=who_row.name if who_row else "Lokale Verwaltung",
            label=spec.label[0],
            title=title,
            changed=what_changed(spec, result, fields),
            sent=sent,
            link=cooperation_page(base, coops[0]) if coops and base else None,
        )
    )


def publish_pages(app: App, spec: ActionSpec, coops: list[int]) -> None:
    """The pages the change shows on, written by the action's run. Never fails the
    action, which has committed: a page not written now is with the next change or the
    hourly refresh."""
    from prefect.context import FlowRunContext

    from flows.dashboards import publish_cooperation, publish_directory, publish_portfolio

    if FlowRunContext.get() is None:  # a flow's .fn called outside a run: no pages
        return
    try:
        for cid in coops:
            publish_cooperation(app, cid)
        publish_portfolio(app, after_change=True)
        if spec.use_case.startswith(DIRECTORY_USE_CASES):
            publish_directory(app)
    except (IkzError, OSError, RuntimeError, ValueError) as exc:
        _logger().warning("Seiten nicht aktualisiert: %s: %s", type(exc).__name__, exc)
