"""A real Prefect server on an internal port with its basic auth, and the gateway in
front of it (as `ikz up` runs them), over a fresh SQLite database with people."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deployments.stack import PrefectServer, start_prefect_server
from ikz.app import App
from ikz.gateway.server import GatewayServer, free_port, start_gateway
from ikz.gateway.web import create_gateway
from ikz.proof.internal import prefect_auth_string
from ikz.proof.secret import server_secret
from ikz.settings import get_settings
from tests.factories import World, make_app, make_world


@dataclass
class Gate:
    url: str  # the gateway, e.g. http://127.0.0.1:PORT
    internal: str  # the Prefect server itself, without /api
    auth: str  # the Prefect server's basic auth string
    app: App
    world: World
    data_dir: Path

    @property
    def secret(self) -> bytes:
        return server_secret(self.app.settings)

    def client(self, **kw: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def gate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gate]:
    data_dir = tmp_path_factory.mktemp("gateway")
    port, internal_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    app = make_app(f"sqlite:///{data_dir / 'ikz.sqlite3'}", data_dir, ui_base_url=url)
    world = make_world(app)
    auth = prefect_auth_string(app.settings)
    server: PrefectServer | None = None
    web: GatewayServer | None = None
    saved = {k: os.environ.get(k) for k in ("IKZ_DATA_DIR", "IKZ_DATABASE_URL", "IKZ_UI_BASE_URL")}
    try:
        server = start_prefect_server(
            data_dir / "prefect", internal_port, auth_string=auth, public_url=url
        )
        web = start_gateway(
            create_gateway(app, server.url.removesuffix("/api"), auth), "127.0.0.1", port
        )
        # Flows run in this process (tests/gateway/test_gateway.py) read the same data.
        os.environ["IKZ_DATA_DIR"] = str(data_dir)
        os.environ["IKZ_DATABASE_URL"] = app.settings.resolved_database_url()
        os.environ["IKZ_UI_BASE_URL"] = url
        get_settings.cache_clear()
        yield Gate(url, server.url.removesuffix("/api"), auth, app, world, data_dir)
    finally:
        # The flows run in this process send their logs in the background: before the
        # server goes, not to a closed port at exit.
        from prefect.logging.handlers import APILogWorker
        from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

        if server is not None:
            with temporary_settings({PREFECT_API_URL: server.url, PREFECT_API_AUTH_STRING: auth}):
                APILogWorker.drain_all(timeout=10)
        if web is not None:
            web.stop()
        if server is not None:
            server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
        app.close()
