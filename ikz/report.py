"""Success reports (factor 5): timeline, goals, benefits per partner and successes.

Generated on entering evaluation and permanent (and on demand); the recorded report
counts for the make_permanent gate. Written as Markdown under
$IKZ_DATA_DIR/reports/<cooperation>/ and announced by email.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from ikz.app import App
from ikz.health import check_markdown
from ikz.lifecycle import recipients_of
from ikz.views import history
from models.cooperation import Cooperation, Decision, Goal, Report, Success
from models.health import check_history
from models.outbox import enqueue
from models.queries import load_snapshot, partnerships, require
from states.health import check_health
from states.lifecycle import STATE_LABELS, State


@dataclass
class SuccessReport:
    cooperation_id: int
    report_id: int
    markdown: str
    path: Path


def _label(state: str | None) -> str:
    return STATE_LABELS[State(state)][0] if state else "-"


def render_markdown(app: App, cooperation_id: int) -> str:
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = load_snapshot(s, coop)
        goals = s.exec(select(Goal).where(col(Goal.cooperation_id) == cooperation_id)).all()
        successes = s.exec(
            select(Success).where(col(Success.cooperation_id) == cooperation_id)
        ).all()
        decisions = s.exec(
            select(Decision).where(col(Decision.cooperation_id) == cooperation_id)
        ).all()
        past = check_history(s, cooperation_id, limit=10)
    names = {p.municipality_id: p.name for p in snap.partners}
    out = [
        f"# Erfolgsbericht: {coop.title}",
        "",
        f"Stand: {app.clock().date().isoformat()} · Zustand: {_label(coop.state)} · "
        f"Partner: {', '.join(p.name for p in snap.partners)}",
        "",
        "## Verlauf",
        "",
    ]
    for h in history(app, cooperation_id):
        out.append(f"- {h['at'][:10]}: {_label(h['from_state'])} → {_label(h['to_state'])}")
    out += ["", "## Ziele", ""]
    out += [f"- {g.text}" + (f" (Ziel: {g.target})" if g.target else "") for g in goals] or [
        "- (keine)"
    ]
    out += ["", "## Nutzen je Partner", "", "| Kommune | benannt | bestätigt |", "|---|---|---|"]
    for p in snap.partners:
        out.append(f"| {p.name} | {p.stated_benefit or '-'} | {p.confirmed_benefit or '-'} |")
    out += ["", "## Erfolge", ""]
    for x in successes:
        metric = f" ({x.metric}: {x.value})" if x.metric else ""
        visible = (
            f" Sichtbar gemacht: {x.made_visible}." if x.made_visible else " Noch nicht öffentlich."
        )
        out.append(f"- {x.what}{metric}.{visible}")
    if not successes:
        out.append("- (noch keine)")
    out += ["", "## Geben und Nehmen", ""]
    for d in decisions:
        winner = names.get(d.benefiting_municipality_id or 0, "-")
        givers = ", ".join(names.get(m, str(m)) for m in d.conceding_municipality_ids) or "-"
        out.append(
            f"- {d.subject}: zugunsten von {winner}; Zugeständnis von {givers}: {d.concession}"
        )
    if not decisions:
        out.append("- (keine Entscheidungen erfasst)")
    health = check_health(snap, app.clock(), app.health_rules)
    out += ["", *check_markdown(health, past)]
    return "\n".join(out) + "\n"


def generate_success_report(app: App, cooperation_id: int) -> SuccessReport:
    """Render, store as a file, record the report and notify, in one transaction."""
    markdown = render_markdown(app, cooperation_id)
    now = app.clock()
    folder = app.settings.data_dir / "reports" / str(cooperation_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"erfolgsbericht-{now.strftime('%Y%m%d-%H%M%S')}.md"
    with app.db.write() as s:
        coop = require(s, Cooperation, cooperation_id)
        parts = partnerships(s, cooperation_id)
        row = Report(
            cooperation_id=cooperation_id,
            kind="success",
            summary=f"Automatischer Erfolgsbericht ({_label(coop.state)})",
            created_at=now,
        )
        s.add(row)
        s.flush()
        enqueue(
            s,
            now=app.clock(),
            recipient_ids=recipients_of(coop, parts),
            kind="success_report_ready",
            context={
                "cooperation_id": cooperation_id,
                "title": coop.title,
                "report_id": row.id,
                "state": coop.state,
                "path": str(path),
            },
            dedupe_prefix=f"report:{row.id}",
        )
        path.write_text(markdown, encoding="utf-8")
    assert row.id is not None
    return SuccessReport(cooperation_id, row.id, markdown, path)
