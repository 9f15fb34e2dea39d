"""refresh-dashboards writes every page a mail or a table links to: the portfolio, the
directory and one page per cooperation, on a real Prefect server."""

from __future__ import annotations

import pytest
from prefect.client.orchestration import get_client

from flows.dashboards import refresh_dashboards
from tests.factories import World, open_coop

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def _latest(key: str) -> str:
    with get_client(sync_client=True) as client:
        found = client.read_latest_artifacts()
    by_key = {a.key: str(a.data) for a in found}
    return by_key.get(key, "")


def test_every_cooperation_gets_its_page_and_the_directory_is_written(
    prefect_server: None, world: World
) -> None:
    first = open_coop(world, title="Bauhof Nord")
    second = open_coop(world, title="Standesamt Süd")
    assert refresh_dashboards() == 2
    assert _latest(f"ikz-coop-{first}").startswith("# Bauhof Nord")
    assert _latest(f"ikz-coop-{second}").startswith("# Standesamt Süd")
    assert "| Kora Koordinatorin | Koordination |" in _latest("ikz-verzeichnis")
    assert "Lebenszyklus, aktueller Zustand: Informeller Kontakt" in _latest(f"ikz-coop-{first}")
    statistik = _latest("ikz-statistik")
    assert statistik.startswith("# IKZ-Statistik\n\n**2 Kooperationen**, Stand ")
    assert "| Thüringen | 2 |" in statistik
    assert "| gesamt | 0 | 0 | 0,00 € | 0 | 0 | 0,00 € |" in statistik


def _versions(key: str) -> int:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    return len(found)


def test_a_page_is_written_again_only_when_it_changed(prefect_server: None, world: World) -> None:
    from prefect import flow

    from flows.dashboards import publish_cooperation, publish_portfolio
    from tests.factories import go

    @flow
    def publish(cid: int) -> None:  # an artifact belongs to a run
        publish_cooperation(world.app, cid)
        publish_portfolio(world.app, after_change=True)

    coop = open_coop(world, title="Bauhof West")
    key = f"ikz-coop-{coop}"
    delete_versions(key)  # the server is shared with other tests' cooperation 1
    delete_versions("ikz-portfolio")
    publish(coop)
    publish(coop)
    assert (_versions(key), _versions("ikz-portfolio")) == (1, 1)
    go(world, coop, "pause")  # the page and the table show the state
    publish(coop)
    assert (_versions(key), _versions("ikz-portfolio")) == (2, 2)
    refresh_dashboards()  # nothing changed since
    assert (_versions(key), _versions("ikz-portfolio")) == (2, 2)
    # A server that lost the page (a fresh database, versions deleted) gets it again.
    delete_versions(key)
    publish(coop)
    assert _versions(key) == 1
    assert "Pausiert" in _latest(key)


def delete_versions(key: str) -> None:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        for a in client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        ):
            client.delete_artifact(a.id)
