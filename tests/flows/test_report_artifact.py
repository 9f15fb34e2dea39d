"""`ikz report` publishes its page ikz-report-<id> where a Prefect server is known, and
says so; a known server that is down gets a warning and the files are written anyway."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL

from ikz.settings import get_settings
from tests.cli.helpers import invoke
from tests.factories import World, coop_in, make_app, make_world

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


def test_the_report_page_is_published(
    prefect_server: None, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = coop_in(world, "evaluation")
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    code, out, err = invoke(["report", str(cid)])
    assert (code, err) == (0, "")
    assert out.endswith(f"Als Artefakt ikz-report-{cid} veröffentlicht.\n")
    with get_client(sync_client=True) as client:
        pages = {a.key: str(a.data) for a in client.read_latest_artifacts()}
    assert pages[f"ikz-report-{cid}"].startswith("# Erfolgsbericht: ")


def test_a_server_that_is_down_gets_a_warning_and_the_files_anyway(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = coop_in(world, "evaluation")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
    code, out, err = invoke(["report", str(cid)])
    assert code == 0 and "report.md" in out
    assert err.startswith(
        f"Warnung: Artefakt ikz-report-{cid} nicht veröffentlicht (http://127.0.0.1:{port}/api: "
    )
