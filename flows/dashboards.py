"""Keyed artifacts the coordinator sees in the UI: the portfolio, the directory, the
statistics and one page per cooperation."""

from __future__ import annotations

import json
from typing import Any

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
from ikz.views.published import publish_if_changed
from ikz.views.statistics import statistics_markdown, statistics_view

__all__ = [
    "DIRECTORY_KEY",
    "PORTFOLIO_KEY",
    "STATISTICS_KEY",
    "SUMMARY_KEY",
    "coop_key",
    "publish_portfolio",
]


def _markdown(app: App, key: str, markdown: str, description: str, force: bool = False) -> None:
    """A keyed markdown page, written unless its last version says the same."""
    publish_if_changed(
        app.settings.data_dir,
        key,
        f"{description}\n{markdown}",
        lambda: create_markdown_artifact(key=key, markdown=markdown, description=description),
        force=force,
    )


def _table(app: App, key: str, rows: list[dict[str, Any]], description: str, force: bool) -> None:
    content = json.dumps(rows, sort_keys=True, default=str)
    publish_if_changed(
        app.settings.data_dir,
        key,
        f"{description}\n{content}",
        lambda: create_table_artifact(key=key, table=rows, description=description),
        force=force,
    )


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
    publish_view(app, view)
    return view.total


def publish_view(app: App, view: PortfolioView, *, force: bool = False) -> None:
    """The portfolio table and summary of a view already computed."""
    shown = (
        f"die {len(view.rows)} dringlichsten von {view.total} Kooperationen"
        if view.truncated
        else "alle Kooperationen"
    )
    _table(
        app,
        PORTFOLIO_KEY,
        view.rows,
        f"IKZ-Portfolio ({shown}): Zustand, Kooperations-Check je Erfolgsfaktor, "
        "Hinweise, nächste Prüfung, offene Konflikte und Zustellfehler",
        force,
    )
    _markdown(
        app,
        SUMMARY_KEY,
        summary_markdown(view),
        "IKZ-Portfolio: Summen je Zustand und Ampel",
        force,
    )


def publish_cooperation(app: App, cooperation_id: int, *, force: bool = False) -> None:
    _markdown(
        app,
        coop_key(cooperation_id),
        cooperation_markdown(app, cooperation_id),
        f"Kooperation {cooperation_id}: Zustand, Checkliste, Verlauf",
        force,
    )


def publish_directory(app: App, *, force: bool = False) -> None:
    _markdown(
        app,
        DIRECTORY_KEY,
        directory_markdown(app),
        "Verzeichnis: Personen und Kommunen mit ihren IDs",
        force,
    )


def publish_statistics(app: App, *, force: bool = False) -> None:
    _markdown(
        app,
        STATISTICS_KEY,
        statistics_markdown(statistics_view(app)),
        "IKZ-Statistik: Kooperationen nach Aufgabenfeld, Rechtsform, Land und "
        "Phase; Förderung und Einsparungen je Land",
        force,
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
        # Every page anew (force): a Prefect server with a fresh database, or one whose
        # pages were deleted, has them all again from here (ikz.views.published).
        view = portfolio_view(app, app.settings.portfolio_artifact_rows)
        publish_view(app, view, force=True)
        publish_directory(app, force=True)
        publish_statistics(app, force=True)
        for row in view.rows:
            publish_cooperation(app, int(row["ID"]), force=True)
        return view.total
