"""Follow-up flows started by deployment triggers on committed changes. A use case's
refusal (e.g. a cooperation that is gone) ends the run Failed with its one line
(flows.outcome.ending), not with a traceback."""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.common import announce_queued, app_scope
from flows.dashboards import publish_cooperation, publish_portfolio
from flows.outcome import ending
from ikz.actions.conflicts import escalate_raised
from ikz.gateway.page_links import report_key
from ikz.jsonable import jsonable
from ikz.reporting.report import generate_success_report
from ikz.review import review_cooperation as review


@flow(name="review-cooperation", description="Prüfung beim Eintritt in einen Zustand", retries=2)
def review_cooperation(cooperation_id: int) -> Any:
    """Checklist for the next gate, advisory signals, next review date and mails."""
    return ending(lambda: _review_cooperation(cooperation_id))


def _review_cooperation(cooperation_id: int) -> dict[str, Any]:
    log = get_run_logger()
    with app_scope() as app:
        result = review(app, cooperation_id, reason="transition")
        publish_cooperation(app, cooperation_id)
        publish_portfolio(app, after_change=True)
    announce_queued(len(result.notified), f"ikz.cooperation.{cooperation_id}")
    log.info(
        "Kooperation %s (%s): %d offene Punkte, %d benachrichtigt",
        cooperation_id,
        result.state,
        len(result.checklist["unmet"]),
        len(result.notified),
    )
    return dict(jsonable(result))


@flow(
    name="escalate-conflict",
    description="Gemeldeten Konflikt an die nächste Stufe geben",
    retries=2,
)
def escalate_conflict(conflict_id: int) -> Any:
    """A raised conflict goes to talks between the fixed contact persons, who are told.

    Runs as the cooperation's coordinator; a conflict already past 'raised' (someone
    escalated by hand, or the event came twice) is left alone.
    """
    return ending(lambda: _escalate_conflict(conflict_id))


def _escalate_conflict(conflict_id: int) -> dict[str, Any]:
    with app_scope() as app:
        conflict, moved = escalate_raised(app, conflict_id)
        if not moved:
            return {"conflict_id": conflict_id, "level": conflict.level, "changed": False}
        publish_cooperation(app, conflict.cooperation_id)
        publish_portfolio(app, after_change=True)
    announce_queued(1, f"ikz.conflict.{conflict_id}")
    return {"conflict_id": conflict_id, "level": conflict.level, "changed": True}


@flow(name="success-report", description="Erfolgsbericht erzeugen und versenden", retries=2)
def success_report(cooperation_id: int, lang: Literal["de", "en"] | None = None) -> Any:
    """Report, charts and draft press release as files, artifact (charts embedded) and mail."""
    return ending(lambda: _success_report(cooperation_id, lang))


def _success_report(cooperation_id: int, lang: Literal["de", "en"] | None) -> dict[str, Any]:
    with app_scope() as app:
        report = generate_success_report(app, cooperation_id, lang)
        create_markdown_artifact(
            key=report_key(cooperation_id),
            markdown=report.artifact,
            description=f"Erfolgsbericht Kooperation {cooperation_id}",
        )
        publish_cooperation(app, cooperation_id)
    announce_queued(1, f"ikz.cooperation.{cooperation_id}")
    return {
        "cooperation_id": cooperation_id,
        "report_id": report.report_id,
        "path": str(report.path),
        "folder": str(report.folder),
        "files": [str(f) for f in report.files],
    }
