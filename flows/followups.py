"""Follow-up flows started by deployment triggers on committed changes."""

from __future__ import annotations

from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows.common import announce_queued, app_scope, jsonable
from flows.dashboards import publish_cooperation, publish_portfolio
from ikz import records
from ikz.report import generate_success_report
from ikz.review import review_cooperation as review
from models import commands as c
from models.cooperation import Conflict, Cooperation
from models.queries import require
from states.vocab import ConflictLevel


@flow(name="review-cooperation", description="Prüfung beim Eintritt in einen Zustand", retries=2)
def review_cooperation(cooperation_id: int) -> dict[str, Any]:
    """Checklist for the next gate, advisory signals, next review date and mails."""
    log = get_run_logger()
    with app_scope() as app:
        result = review(app, cooperation_id, reason="transition")
        publish_cooperation(app, cooperation_id)
        publish_portfolio(app)
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
def escalate_conflict(conflict_id: int) -> dict[str, Any]:
    """A raised conflict goes to talks between the fixed contact persons, who are told.

    Runs as the cooperation's coordinator; a conflict already past 'raised' (someone
    escalated by hand, or the event came twice) is left alone.
    """
    with app_scope() as app:
        with app.db.read() as s:
            conflict = require(s, Conflict, conflict_id)
            coop = require(s, Cooperation, conflict.cooperation_id)
        if conflict.level != ConflictLevel.RAISED.value or conflict.status != "open":
            return {"conflict_id": conflict_id, "level": conflict.level, "changed": False}
        if coop.coordinator_id is None:
            raise RuntimeError(f"Kooperation {coop.id} hat keine Koordinator:in")
        row = records.escalate_conflict(
            app, c.EscalateConflict(conflict_id=conflict_id, actor_id=coop.coordinator_id)
        )
        publish_cooperation(app, coop.id or 0)
        publish_portfolio(app)
    announce_queued(1, f"ikz.conflict.{conflict_id}")
    return {"conflict_id": conflict_id, "level": row.level, "changed": True}


@flow(name="success-report", description="Erfolgsbericht erzeugen und versenden", retries=2)
def success_report(cooperation_id: int, lang: Literal["de", "en"] | None = None) -> dict[str, Any]:
    """Report, charts and draft press release as files, artifact (charts embedded) and mail."""
    with app_scope() as app:
        report = generate_success_report(app, cooperation_id, lang)
        create_markdown_artifact(
            key=f"ikz-report-{cooperation_id}",
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
