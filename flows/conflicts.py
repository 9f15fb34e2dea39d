"""The conflict ladder's clock: overdue conflicts go up one level (success factor 8)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from prefect import flow, get_run_logger

from flows.common import announce_queued, app_scope
from flows.dashboards import publish_cooperation, publish_portfolio
from flows.outcome import ending
from ikz.actions.conflicts import escalate_overdue
from ikz.views.directory import conflicts


@flow(
    name="escalate-conflicts",
    description="Überfällige Konflikte eine Stufe höher geben und die Beteiligten informieren",
    retries=2,
)
def escalate_conflicts() -> Any:
    """See _escalate_conflicts; a refusal ends the run Failed with its one line."""
    return ending(_escalate_conflicts)


def _escalate_conflicts() -> dict[str, Any]:
    """One pass over every open conflict (scheduled, and after a conflict is raised).

    Each overdue conflict moves up one level as its cooperation's coordinator, in its own
    transaction with its audit record and mail; one that cannot move is reported in the
    result and does not stop the others. Running twice is harmless: a conflict that just
    moved is not overdue at its new level.
    """
    log = get_run_logger()
    with app_scope() as app:
        sweep = escalate_overdue(app)
        if sweep.escalated:
            moved = {e["conflict_id"] for e in sweep.escalated}
            for cid in sorted({k.cooperation_id for k in conflicts(app) if k.id in moved}):
                publish_cooperation(app, cid)
            publish_portfolio(app, after_change=True)
    announce_queued(len(sweep.escalated), "ikz.conflicts")
    for failure in sweep.failed:
        log.warning("Konflikt %s nicht eskaliert: %s", failure["conflict_id"], failure["code"])
    log.info(
        "%d Konflikte eskaliert, %d überfällig auf höchster Stufe",
        len(sweep.escalated),
        len(sweep.at_top),
    )
    return asdict(sweep)
