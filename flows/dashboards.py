"""Keyed artifacts the coordinator sees in the UI: the portfolio and one page per cooperation."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from ikz.app import App
from ikz.review import cooperation_markdown, portfolio_rows

PORTFOLIO_KEY = "ikz-portfolio"


def coop_key(cooperation_id: int) -> str:
    return f"ikz-coop-{cooperation_id}"


def publish_portfolio(app: App) -> int:
    rows = portfolio_rows(app)
    create_table_artifact(
        key=PORTFOLIO_KEY,
        table=rows,
        description="IKZ-Portfolio: Zustand, Kooperations-Check je Erfolgsfaktor, Hinweise, "
        "nächste Prüfung und offene Konflikte",
    )
    return len(rows)


def publish_cooperation(app: App, cooperation_id: int) -> None:
    create_markdown_artifact(
        key=coop_key(cooperation_id),
        markdown=cooperation_markdown(app, cooperation_id),
        description=f"Kooperation {cooperation_id}: Zustand, Checkliste, Verlauf",
    )


@flow(name="refresh-dashboards", description="Portfolio-Übersicht aktualisieren")
def refresh_dashboards() -> int:
    """Run once by `ikz up` so that ikz-portfolio exists from the first minute."""
    from flows.common import app_scope

    with app_scope() as app:
        return publish_portfolio(app)
