"""refresh-dashboards writes every page a mail or a table links to: the portfolio, the
directory and one page per cooperation, on a real Prefect server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from flows.dashboards import refresh_dashboards
from ikz.settings import get_settings
from tests.factories import World, make_app, make_world, open_coop

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'ikz.sqlite3'}"
    app = make_app(url, tmp_path)
    monkeypatch.setenv("IKZ_DATABASE_URL", url)
    monkeypatch.setenv("IKZ_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield make_world(app)
    app.close()
    get_settings.cache_clear()


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
