"""One temporary Prefect server for every flow test (it takes ~15 s to start), the world
the flows find through the settings, and running an action flow as the gateway would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ikz.settings import get_settings
from tests.factories import World, make_app, make_world
from tests.stamps import stamped_params


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """A factories world in a SQLite file that the flows find through the settings
    (their own app per run); mail stays queued (nothing listens on port 9)."""
    url = f"sqlite:///{tmp_path / 'ikz.sqlite3'}"
    app = make_app(url, tmp_path)
    monkeypatch.setenv("IKZ_DATABASE_URL", url)
    monkeypatch.setenv("IKZ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IKZ_SMTP_PORT", "9")
    get_settings.cache_clear()
    yield make_world(app)
    app.close()
    get_settings.cache_clear()


def run(flow_name: str, eingabe: dict[str, Any]) -> Any:
    """An action flow run as the gateway starts it: stamped with the input's actor."""
    import flows.actions
    from ikz.proof.secret import server_secret

    secret = server_secret(get_settings())
    return getattr(flows.actions, flow_name)(**stamped_params(eingabe, secret=secret))
