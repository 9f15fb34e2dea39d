"""Keyed artifacts the coordinator sees in the UI: the portfolio, the directory, the
statistics and one page per cooperation."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from ikz.app import App
from ikz.gateway.page_links import (
    DIRECTORY_KEY,
    PORTFOLIO_KEY,
    STATISTICS_KEY,
    SUMMARY_KEY,
    coop_key,
)
from ikz.review import cooperation_markdown
from ikz.views.directory_page import directory_markdown
from ikz.views.portfolio import (
    PortfolioView,
    cooperation_count,
    portfolio_view,
    summary_markdown,
)
from ikz.views.statistics import statistics_markdown, statistics_view

__all__ = [
    "DIRECTORY_KEY",
    "PORTFOLIO_KEY",
    "STATISTICS_KEY",
    "SUMMARY_KEY",
    "coop_key",
    "publish_portfolio",
]


def publish_portfolio(app: App, *, after_change: bool = False) -> int:
    """The ikz-portfolio table and the ikz-portfolio-summary page; returns the number of
    cooperations (0: not published).

    after_change: called by a follow-up of one cooperation's change. A portfolio bigger
    than the table (IKZ_PORTFOLIO_ARTIFACT_ROWS) is not recomputed then, since that is a
    pass over every cooperation; the hourly refresh-dashboards run and the daily review
    publish it.
    """
    limit = app.settings.portfolio_artifact_rows
    if after_change and cooperation_count(app) > limit:
        return 0
    view = portfolio_view(app, limit)
    publish_view(view)
    return view.total


def publish_view(view: PortfolioView) -> None:
    """The portfolio table and summary of a view already computed."""
    shown = (
        f"die {len(view.rows)} dringlichsten von {view.total} Kooperationen"
        if view.truncated
        else "alle Kooperationen"
    )
    create_table_artifact(
        key=PORTFOLIO_KEY,
        table=view.rows,
        description=f"IKZ-Portfolio ({shown}): Zustand, Kooperations-Check je Erfolgsfaktor, "
        "Hinweise, nächste Prüfung, offene Konflikte und Zustellfehler",
    )
    create_markdown_artifact(
        key=SUMMARY_KEY,
        markdown=summary_markdown(view),
        description="IKZ-Portfolio: Summen je Zustand und Ampel",
    )


def publish_cooperation(app: App, cooperation_id: int) -> None:
    create_markdown_artifact(
        key=coop_key(cooperation_id),
        markdown=cooperation_markdown(app, cooperation_id),
        description=f"Kooperation {cooperation_id}: Zustand, Checkliste, Verlauf",
    )


def publish_directory(app: App) -> None:
    create_markdown_artifact(
        key=DIRECTORY_KEY,
        markdown=directory_markdown(app),
        description="Verzeichnis: Personen und Kommunen mit ihren IDs",
    )


def publish_statistics(app: App) -> None:
    create_markdown_artifact(
        key=STATISTICS_KEY,
        markdown=statistics_markdown(statistics_view(app)),
        description="IKZ-Statistik: Kooperationen nach Aufgabenfeld, Rechtsform, Land und "
        "Phase; Förderung und Einsparungen je Land",
    )


@flow(
    name="refresh-dashboards",
    description="Portfolio, Verzeichnis, Statistik und die Seiten der Kooperationen aktualisieren",
)
def refresh_dashboards() -> int:
    """Run by `ikz up` at start, so that every page a mail or a table links to exists from
    the first minute, and hourly by its deployment. A cooperation's page is written for
    every cooperation the portfolio table shows (all of them, up to its row limit)."""
    from flows.common import app_scope

    with app_scope() as app:
        view = portfolio_view(app, app.settings.portfolio_artifact_rows)
        publish_view(view)
        publish_directory(app)
        publish_statistics(app)
        for row in view.rows:
            publish_cooperation(app, int(row["ID"]))
        return view.total
