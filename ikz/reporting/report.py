"""Success reports (factor 5): timeline, goals, benefits, give-and-take, the check.

Generated on entering evaluation and permanent (flow success-report) and on demand
(`ikz report ID`); the recorded report counts for the make_permanent gate. Files under
$IKZ_DATA_DIR/reports/<cooperation>/: report.md and report.html (charts linked as files),
the PNG charts and a draft joint press release (pressemitteilung.md). The Prefect artifact
embeds the charts as data: URIs; the email attaches them inline (ikz.mail.report_images).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from ikz.actions.recipients import recipients_of
from ikz.app import App
from ikz.reporting.data import gather
from ikz.reporting.html import page
from ikz.reporting.press import press_release
from ikz.reporting.text import markdown
from models.chain import prove
from models.cooperation import Cooperation, Report
from models.outbox import enqueue
from models.queries import partnerships, require
from models.store import save
from states.errors import Language
from states.lifecycle import STATE_LABELS, State

REPORT_MD = "report.md"
REPORT_HTML = "report.html"
PRESS_MD = "pressemitteilung.md"


@dataclass
class SuccessReport:
    cooperation_id: int
    report_id: int
    markdown: str  # report.md (charts linked as files next to it)
    path: Path  # report.md
    folder: Path = field(default_factory=Path)
    files: list[Path] = field(default_factory=list)
    press_release: str = ""
    artifact: str = ""  # report and press release, charts embedded as data: URIs


def report_folder(app: App, cooperation_id: int) -> Path:
    return app.settings.data_dir / "reports" / str(cooperation_id)


def render_markdown(app: App, cooperation_id: int, lang: Language = "de") -> str:
    """The report as Markdown without charts (what reviews and tests read)."""
    return markdown(gather(app, cooperation_id, lang))


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def generate_success_report(
    app: App, cooperation_id: int, lang: Language | None = None
) -> SuccessReport:
    """Draw, render and store the files, record the report and notify, in one transaction."""
    from ikz.reporting.charts import draw_all  # matplotlib: only when drawing

    language: Language = lang or app.settings.language
    data = gather(app, cooperation_id, language)
    charts = draw_all(data)
    report_md = markdown(data, src=lambda name: name)
    press = press_release(data)
    artifact = markdown(data, src=lambda name: _data_uri(charts[name])) + "\n---\n\n" + press
    html = page(
        f"{data.t('Erfolgsbericht', 'Success report')}: {data.title}", [report_md, press], language
    )
    folder = report_folder(app, cooperation_id)
    texts = {REPORT_MD: report_md, REPORT_HTML: html, PRESS_MD: press}
    now = app.clock()
    with app.db.write() as s:
        # Whoever asked for it (the surface's proof), else the local administrator.
        prove(s, app.proof_for(None), None)
        coop = require(s, Cooperation, cooperation_id)
        parts = partnerships(s, cooperation_id)
        de, en = STATE_LABELS[State(coop.state)]
        row = save(
            Report(
                cooperation_id=cooperation_id,
                kind="success",
                summary=data.t(
                    f"Automatischer Erfolgsbericht ({de})", f"Automatic success report ({en})"
                ),
                created_at=now,
            ),
            session=s,
        )
        enqueue(
            s,
            now=now,
            recipient_ids=recipients_of(coop.coordinator_id, parts),
            kind="success_report_ready",
            context={
                "cooperation_id": cooperation_id,
                "title": coop.title,
                "report_id": row.id,
                "state": coop.state,
                "path": str(folder / REPORT_MD),
                # The dispatcher attaches the charts found here inline (ikz.mail.report_images).
                "folder": str(folder),
            },
            dedupe_prefix=f"report:{row.id}",
        )
        # Inside the transaction: a report that could not be written is not recorded.
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for name, png in charts.items():
            (folder / name).write_bytes(png)
            files.append(folder / name)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
            files.append(folder / name)
    assert row.id is not None
    return SuccessReport(
        cooperation_id=cooperation_id,
        report_id=row.id,
        markdown=report_md,
        path=folder / REPORT_MD,
        folder=folder,
        files=files,
        press_release=press,
        artifact=artifact,
    )
