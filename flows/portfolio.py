"""Scheduled flows: the daily portfolio sweep (which also anchors the audit trail) and
the notification dispatcher.

The sweep is ONE flow run for the whole portfolio, working in batches: a flow run costs
about a second of overhead, so one per cooperation would not scale.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from prefect import flow, get_run_logger
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.client.schemas.objects import State
from prefect.states import Failed

from flows.common import app_scope
from flows.dashboards import publish_portfolio
from ikz.actions.anchor import write_anchor
from ikz.jsonable import jsonable
from ikz.review import SWEEP_BATCH, sweep_portfolio


@flow(name="review-portfolio", description="Tägliche Prüfung des gesamten Portfolios")
def review_portfolio(batch_size: int = SWEEP_BATCH) -> dict[str, Any]:
    log = get_run_logger()
    progress_id = create_progress_artifact(
        progress=0.0, description="Portfolio-Prüfung: Fortschritt in Prozent"
    )

    def progress(done: int, total: int) -> None:
        if isinstance(progress_id, UUID) and total:
            update_progress_artifact(progress_id, progress=100.0 * done / total)

    with app_scope() as app:
        result = sweep_portfolio(app, batch_size=batch_size, progress=progress)
        if isinstance(progress_id, UUID):
            update_progress_artifact(progress_id, progress=100.0)
        publish_portfolio(app)
        # The day's anchor of every chain head, kept in data_dir/anchors and mailed to
        # the coordinators (ikz.actions.anchor): cut-off records show from tomorrow on.
        anchor = write_anchor(app)
    log.info("Portfolio geprüft: %s", result)
    log.info("Prüfpfad verankert: %s (%s)", anchor.path, anchor.digest)
    return dict(jsonable(result))


# A run looks again for mail queued while it sent (a follow-up's, say) this many times:
# the deployment runs one dispatcher at a time and cancels runs triggered meanwhile.
DISPATCH_PASSES = 5


@flow(name="dispatch-notifications", description="Ausstehende E-Mails versenden", retries=1)
async def dispatch_notifications(batch_size: int = 200) -> dict[str, Any] | State:
    """Send what is due. Mail waiting for a relay that cannot be reached makes the run
    Failed, with the backlog and since when as its state message and a warning in its
    log, and puts the same line into the portfolio summary: not a green run in front
    of a pile of mail."""
    from flows.blocks import smtp_config
    from ikz.mail.backlog import waiting
    from ikz.mail.dispatch import DispatchResult, dispatch

    log = get_run_logger()
    with app_scope() as app:
        # The `ikz-smtp` block when a coordinator created one, else IKZ_SMTP_*.
        smtp = await smtp_config(app.settings)
        held_before = waiting(app).mail.count
        result = DispatchResult()
        for _ in range(DISPATCH_PASSES):
            done = await dispatch(app, batch_size=batch_size, smtp=smtp)
            result += done
            if not done.sent:  # nothing new came in, or the relay is away
                break
        # A run that delivered something reached the relay: mail still held from an
        # outage goes when its backoff ends, not a reason to fail.
        trouble = None if result.sent else waiting(app).mail_text(app.settings.language)
        if trouble or held_before:
            # Trouble, or the relay is back after trouble: the summary says so at once.
            publish_portfolio(app, after_change=True)
    if trouble:
        log.warning(trouble)
        return Failed(message=trouble, data=dict(jsonable(result)))
    return dict(jsonable(result))
