"""`ikz report` publishes its page ikz-report-<id> where a Prefect server is known, and
says so; a known server that is down gets a warning and the files are written anyway."""

from __future__ import annotations

import socket

import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL

from tests.cli.helpers import invoke
from tests.factories import World, coop_in

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


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
