"""The gateway retries what the Prefect server says can be retried, as Prefect's own
client does: a local server on SQLite answers 503 when its database is busy, and a
coordinator's click must not end in "Something went wrong".

The upstream here is a small real HTTP server standing in for a busy Prefect server: a
real one cannot be made to answer 503 on demand (the burst through a real stack is in
tests/e2e/test_stack.py and `python -m benchmarks --only click`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ikz.gateway import identity as ident
from ikz.gateway.server import GatewayServer, free_port, start_gateway
from ikz.gateway.web import create_gateway
from tests.factories import World, make_app, make_world

# Prefect's client waits 2 s, then 4 s, between attempts: seconds per test.
pytestmark = pytest.mark.slow


@dataclass
class Upstream:
    """Answers each path with the statuses queued for it, then 201; counts the calls."""

    queued: dict[str, list[int]] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    bodies: list[bytes] = field(default_factory=list)

    def app(self) -> FastAPI:
        web = FastAPI()

        @web.api_route("/{path:path}", methods=["GET", "POST"])
        async def any_path(request: Request, path: str) -> JSONResponse:
            self.calls[path] = self.calls.get(path, 0) + 1
            self.bodies.append(await request.body())
            statuses = self.queued.get(path, [])
            status = statuses.pop(0) if statuses else 201
            return JSONResponse({"path": path, "status": status}, status_code=status)

        return web


@dataclass
class Rig:
    upstream: Upstream
    url: str
    token: str


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    data_dir: Path = tmp_path_factory.mktemp("retry")
    app = make_app(f"sqlite:///{data_dir / 'ikz.sqlite3'}", data_dir)
    world: World = make_world(app)
    token, _ = ident.create_token(app, world.coordinator_id, "Test")
    upstream = Upstream()
    servers: list[GatewayServer] = []
    try:
        up_port, port = free_port(), free_port()
        servers.append(start_gateway(upstream.app(), "127.0.0.1", up_port))
        web = create_gateway(app, f"http://127.0.0.1:{up_port}", "prefect:secret")
        servers.append(start_gateway(web, "127.0.0.1", port))
        yield Rig(upstream, f"http://127.0.0.1:{port}", token)
    finally:
        for s in reversed(servers):
            s.stop()
        app.close()


def post(rig: Rig, path: str) -> httpx.Response:
    with httpx.Client(base_url=rig.url, timeout=60) as c:
        return c.post(path, json={"x": 1}, headers={"Authorization": f"Bearer {rig.token}"})


def test_a_busy_server_is_asked_again_and_the_click_succeeds(rig: Rig) -> None:
    rig.upstream.queued["api/things/busy"] = [503, 503]
    r = post(rig, "/api/things/busy")
    assert r.status_code == 201
    assert rig.upstream.calls["api/things/busy"] == 3
    assert rig.upstream.bodies[-3:] == [b'{"x":1}'] * 3  # the same body each time


def test_a_real_error_is_passed_on_once_and_not_repeated(rig: Rig) -> None:
    rig.upstream.queued["api/things/broken"] = [500]
    r = post(rig, "/api/things/broken")
    assert r.status_code == 500
    assert rig.upstream.calls["api/things/broken"] == 1


def test_a_refusal_of_the_server_is_not_repeated(rig: Rig) -> None:
    rig.upstream.queued["api/things/refused"] = [409]
    r = post(rig, "/api/things/refused")
    assert r.status_code == 409
    assert rig.upstream.calls["api/things/refused"] == 1
