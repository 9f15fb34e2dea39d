"""`ikz events relay` and `ikz events status` on the demo portfolio, against a closed port
and then a small HTTP server standing in for Prefect's POST /api/events."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.cli.helpers import Cli, DemoWorld
from tests.mail.conftest import free_port


class _Sink(ThreadingHTTPServer):
    posted: list[dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: _Sink

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posted.extend(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def events_api() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    server = _Sink(("127.0.0.1", 0), _Handler)
    server.posted = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api", server.posted
    finally:
        server.shutdown()
        server.server_close()


def test_a_backlog_is_shown_and_relayed_once_the_server_answers(
    demo_cli: Cli,
    world: DemoWorld,
    events_api: tuple[str, list[dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    # The demo's replayed history is skipped, not pending.
    assert demo_cli.json("events", "status")["pending"] == 0
    cid = world.coop_in("exploration")
    demo_cli.ok(
        "coop", "advance", cid, "pause", "--reason", "Haushalt", "--actor", world.coordinator
    )

    no_server = demo_cli("events", "relay", "--once")
    assert no_server.code == 1 and "Kein Prefect-Server bekannt" in no_server.err

    closed = f"http://127.0.0.1:{free_port()}/api"
    down = demo_cli("events", "relay", "--once", "--api-url", closed)
    assert down.code == 1, str(down)
    assert "1 Ereignis(se) nicht gesendet, später erneut: URLError" in down.err
    status = demo_cli.json("events", "status")
    assert status["pending"] == 1 and status["failing_since"] is not None
    assert status["last_error"].startswith("URLError: <urlopen error [Errno 111]")
    text = demo_cli.ok("events", "status").out
    assert "Wartend: 1, gesendet: 0." in text and "Fehlschlagend seit: " in text

    url, posted = events_api
    relayed: dict[str, Any] = {"sent": 0}
    for _ in range(100):  # until its backoff (at most 2 s) has passed
        relayed = demo_cli.json("events", "relay", "--once", "--api-url", url)
        if relayed["sent"]:
            break
        time.sleep(0.1)
    assert relayed == {"sent": 1, "failed": 0, "error": None}
    (event,) = posted
    assert event["event"] == "ikz.cooperation.entered.paused"
    assert event["resource"]["prefect.resource.id"] == f"ikz.cooperation.{cid}"
    status = demo_cli.json("events", "status")
    assert (status["pending"], status["sent"], status["failing_since"]) == (0, 1, None)
    assert demo_cli.json("events", "relay", "--once", "--api-url", url)["sent"] == 0
    assert len(posted) == 1
