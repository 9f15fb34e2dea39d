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
from ikz.views.statistics import statistics_markdown, statistics_view

__all__ = [
    "DIRECTORY_KEY",
    "PORTFOLIO_KEY",
    "STATISTICS_KEY",
    "SUMMARY_KEY",
    "coop_key",
    "publish_portfolio",
]


def _markdown(key: str, markdown: str, description: str) -> None:
    """A keyed markdown page, written unless its newest version says the same."""
    if not _unchanged(key, "markdown", markdown, description):
        create_markdown_artifact(key=key, markdown=markdown, description=description)


def _table(key: str, rows: list[dict[str, Any]], description: str) -> None:
    # The text Prefect stores for a table (TableArtifact.format: json.dumps after NaN
    # became null; a NaN here only makes the page count as changed).
    data = json.dumps(rows)
    if not _unchanged(key, "table", data, description):
        create_table_artifact(key=key, table=rows, description=description)


def _unchanged(key: str, kind: str, data: str, description: str) -> bool:
    """Whether the newest version of `key` on the Prefect server already shows `data`
    with `description`. Every action's run writes the pages its change shows on, and most
    actions change one of them: a burst of twenty `record-goal` clicks wrote the same
    portfolio table and summary forty times, each a write transaction on the server plus
    two events, which made the burst's own submissions wait on the server's database.
    Asking the server itself (a read) keeps this right whatever other runs wrote
    meanwhile, and a server with a fresh database gets every page again."""
    from prefect.client.orchestration import SyncPrefectClient, get_client
    from prefect.client.schemas.filters import (
        ArtifactCollectionFilter,
        ArtifactCollectionFilterKey,
    )
    from prefect.context import FlowRunContext

    only_key = ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=[key]))
    run = FlowRunContext.get()
    if run is not None and isinstance(run.client, SyncPrefectClient):
        # The sync run's own client, already connected (a new one costs a handshake).
        newest = run.client.read_latest_artifacts(artifact_filter=only_key, limit=1)
    else:
        with get_client(sync_client=True) as client:
            newest = client.read_latest_artifacts(artifact_filter=only_key, limit=1)
    return bool(newest) and (newest[0].type, newest[0].data, newest[0].description) == (
        kind,
        data,
        description,
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
    publish_view(view)
    return view.total


def publish_view(view: PortfolioView) -> None:
    """The portfolio table and summary of a view already computed."""
    shown = (
        f"die {len(view.rows)} dringlichsten von {view.total} Kooperationen"
        if view.truncated
        else "alle Kooperationen"
    )
    _table(
        PORTFOLIO_KEY,
        view.rows,
        f"IKZ-Portfolio ({shown}): Zustand, Kooperations-Check je Erfolgsfaktor, "
        "Hinweise, nächste Prüfung, offene Konflikte und Zustellfehler",
    )
    _markdown(SUMMARY_KEY, summary_markdown(view), "IKZ-Portfolio: Summen je Zustand und Ampel")


def publish_cooperation(app: App, cooperation_id: int) -> None:
    _markdown(
        coop_key(cooperation_id),
        cooperation_markdown(app, cooperation_id),
        f"Kooperation {cooperation_id}: Zustand, Checkliste, Verlauf",
    )


def publish_directory(app: App) -> None:
    _markdown(
        DIRECTORY_KEY,
        directory_markdown(app),
        "Verzeichnis: Personen und Kommunen mit ihren IDs",
    )


def publish_statistics(app: App) -> None:
    _markdown(
        STATISTICS_KEY,
        statistics_markdown(statistics_view(app)),
        "IKZ-Statistik: Kooperationen nach Aufgabenfeld, Rechtsform, Land und "
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
