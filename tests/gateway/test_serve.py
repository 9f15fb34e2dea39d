"""`ikz gateway serve`, the gateway of the production topology, as its own process in
front of a real Prefect server with basic auth: it prints its address, lets a person's
token through and nobody else, warns (and serves) when the server is not as it should
be, and stops on the first SIGTERM or SIGINT. Every process started is stopped by pid."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deployments.stack import PrefectServer, start_prefect_server
from ikz.gateway.server import free_port
from tests.factories import make_app, make_world

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
AUTH = "admin:s3cret-of-the-server"


@dataclass
class Upstream:
    server: PrefectServer
    env: dict[str, str]  # what the README's environment file gives the gateway
    coordinator: int
    moderator: int


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upstream]:
    data_dir = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{data_dir / 'ikz.sqlite3'}"
    app = make_app(url, data_dir)
    world = make_world(app)
    app.close()
    server = start_prefect_server(data_dir / "prefect", free_port(), auth_string=AUTH)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("IKZ_", "PREFECT_API_", "PREFECT_UI_"))
    }
    env |= {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_HOME": str(data_dir / "client-home"),
        "PREFECT_API_URL": server.url,
        "PREFECT_API_AUTH_STRING": AUTH,
        "IKZ_DATA_DIR": str(data_dir),
        "IKZ_DATABASE_URL": url,
        "IKZ_SECRET": "one long random string",
    }
    try:
        yield Upstream(server, env, world.coordinator_id, world.moderator_id)
    finally:
        server.stop()


def ikz(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "ikz"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Served:
    proc: subprocess.Popen[str]
    url: str
    first_line: str

    def stop(self, sig: signal.Signals) -> tuple[int, str, str]:
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=20)  # the first signal must do
        return self.proc.returncode, self.first_line + out, err


@pytest.fixture
def serve() -> Iterator[Callable[..., Served]]:
    started: list[subprocess.Popen[str]] = []

    def start(env: dict[str, str], *args: str) -> Served:
        port = free_port()
        proc = subprocess.Popen(
            [str(BIN / "ikz"), "gateway", "serve", "--port", str(port), *args],
            env=env | {"IKZ_UI_BASE_URL": f"http://127.0.0.1:{port}"},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        assert proc.stdout is not None
        first = proc.stdout.readline()  # printed once it accepts connections
        return Served(proc, f"http://127.0.0.1:{port}", first)

    yield start
    for proc in started:  # by pid, if a test ended before stopping it
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)


@pytest.mark.timeout(180)
def test_the_gateway_serves_a_person_in_front_of_the_server_until_sigterm(
    upstream: Upstream, serve: Callable[..., Served]
) -> None:
    gw = serve(upstream.env)
    base = upstream.server.url.removesuffix("/api")
    assert gw.first_line == (
        f"Gateway läuft auf {gw.url} (öffentlich: {gw.url}) vor dem Prefect-Server "
        f"{base} (Beenden mit Strg+C oder SIGTERM).\n"
    )
    env = upstream.env | {"IKZ_UI_BASE_URL": gw.url}
    token = json.loads(
        ikz(env, "token", "create", "--person", str(upstream.coordinator), "--json").stdout
    )["token"]
    bearer = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=gw.url, timeout=30) as c:
        assert c.get("/api/health").status_code == 200
        assert c.post("/api/flows/count", json={}, headers=bearer).json() == 0
        assert c.post("/api/flows/count", json={}).status_code == 401
        # The server's own password does not open the gateway: only a person does.
        assert (
            c.post("/api/flows/count", json={}, auth=("admin", "s3cret-of-the-server")).status_code
            == 401
        )
        # The first login link of this topology points at the gateway and opens there.
        link = ikz(env, "login-link", "--person", str(upstream.coordinator)).stdout.strip()
        assert link.startswith(f"{gw.url}/login/")
        opened = c.get(link.removeprefix(gw.url))
        assert (opened.status_code, opened.headers["location"]) == (303, "/")
        assert c.post("/api/flows/count", json={}).json() == 0  # the session's cookie
    code, out, err = gw.stop(signal.SIGTERM)
    assert (code, err) == (0, "")
    assert out.endswith("Gateway beendet.\n")


@pytest.mark.timeout(180)
def test_a_wrong_password_or_no_server_is_a_warning_and_sigint_stops_it(
    upstream: Upstream, serve: Callable[..., Served]
) -> None:
    wrong = serve(upstream.env | {"PREFECT_API_AUTH_STRING": "admin:wrong"})
    assert wrong.first_line.startswith("Gateway läuft auf ")
    with httpx.Client(base_url=wrong.url, timeout=30) as c:
        assert c.get("/login").status_code == 200
    code, _, err = wrong.stop(signal.SIGINT)
    assert (code, err) == (
        0,
        "Warnung: Der Prefect-Server lehnt PREFECT_API_AUTH_STRING ab (401).\n",
    )
    nowhere = f"http://127.0.0.1:{free_port()}/api"
    away = serve(upstream.env, "--upstream", nowhere)
    assert away.first_line.startswith("Gateway läuft auf ")
    with httpx.Client(base_url=away.url, timeout=30) as c:
        assert c.get("/login").status_code == 200
    code, _, err = away.stop(signal.SIGTERM)
    assert (code, err) == (
        0,
        f"Warnung: Prefect-Server {nowhere.removesuffix('/api')} nicht erreichbar "
        "(ConnectError); das Gateway leitet weiter, sobald er antwortet.\n",
    )


@pytest.mark.timeout(240)
def test_a_server_without_password_is_named_as_a_way_around_the_gateway(
    upstream: Upstream, serve: Callable[..., Served], tmp_path: Path
) -> None:
    open_server = start_prefect_server(tmp_path / "prefect", free_port())
    try:
        gw = serve(upstream.env, "--upstream", open_server.url)
        code, _, err = gw.stop(signal.SIGTERM)
    finally:
        open_server.stop()
    assert (code, err) == (
        0,
        "Warnung: Der Prefect-Server antwortet ohne Passwort: wer ihn erreicht, umgeht das "
        "Gateway (PREFECT_SERVER_API_AUTH_STRING setzen).\n",
    )
