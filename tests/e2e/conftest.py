"""The whole local stack, started once for tests/e2e exactly as a coordinator starts it:
`ikz up` in a subprocess, with a real Prefect server and a real SMTP server (aiosmtpd)
on free loopback ports. Tests drive it through the Prefect REST API, as the UI does."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from benchmarks.common import ikz_up

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """aiosmtpd handler keeping every received message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def snapshot(self) -> list[Message]:
        with self._lock:
            return list(self.messages)


class RetryOn503(httpx.HTTPTransport):
    """Retry what a busy Prefect server answers with 503 (its SQLite database was busy),
    as Prefect's own client and a person in the UI would: a 503 wrote nothing."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        for attempt in range(6):
            if response.status_code != 503:
                break
            response.close()
            time.sleep(0.5 * 2**attempt)
            response = super().handle_request(request)
        return response


@dataclass
class Stack:
    process: subprocess.Popen[bytes]
    api: str  # the gateway's API (the public port)
    data_dir: Path
    inbox: Inbox
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    token: str = ""  # a personal API token of the first coordinator
    internal_api: str = ""  # the Prefect server itself, behind the gateway

    def client(self) -> httpx.Client:
        """The API through the gateway, as the coordinator's token. No retries of its own,
        as a browser: the gateway retries what the Prefect server says is retryable."""
        return httpx.Client(
            base_url=self.api,
            timeout=90,
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def internal_client(self) -> httpx.Client:
        """The Prefect server on its internal port, with ikz-flow's own password: what
        only ikz-flow's processes do (e.g. resuming a run for a mayor's answer)."""
        from ikz.proof.internal import prefect_auth_string
        from ikz.settings import Settings

        auth = prefect_auth_string(Settings(data_dir=self.data_dir))
        return httpx.Client(
            base_url=self.internal_api,
            timeout=90,
            transport=RetryOn503(),
            headers={"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()},
        )

    def first_link(self) -> str:
        """The one-time login link `ikz up` printed on its first start."""
        found = re.search(
            r"Erste Anmeldung \(einmal gültig, 24 Stunden\): (\S+)", self.log.read_text()
        )
        assert found, self.log.read_text(errors="replace")
        return found.group(1)

    def fresh_login_link(self) -> str:
        """A new one-time login link of the first coordinator (`ikz login-link`)."""
        coordinator = min(
            p["id"] for p in self.ikz_json("person", "list") if "coordinator" in p["roles"]
        )
        return str(self.ikz_json("login-link", "--person", str(coordinator))["url"])

    def ikz(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "ikz"), *args],
            check=False,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def ikz_json(self, *args: str) -> Any:
        res = self.ikz(*args, "--json")
        assert res.returncode == 0, res.stderr
        return json.loads(res.stdout)

    def deployment_id(self, name: str) -> str:
        with self.client() as c:
            r = c.get(f"/deployments/name/{_flow_of(name)}/{name}")
            r.raise_for_status()
            return str(r.json()["id"])

    def run_deployment(self, name: str, parameters: dict[str, Any]) -> str:
        with self.client() as c:
            r = c.post(
                f"/deployments/{self.deployment_id(name)}/create_flow_run",
                json={"parameters": parameters},
            )
            r.raise_for_status()
            return str(r.json()["id"])

    def flow_run(self, run_id: str) -> dict[str, Any]:
        with self.client() as c:
            r = c.get(f"/flow_runs/{run_id}")
            r.raise_for_status()
            return dict(r.json())

    def wait_state(self, run_id: str, states: set[str], timeout: float = 180) -> dict[str, Any]:
        return wait_for(
            lambda: (fr := self.flow_run(run_id))["state"]["type"] in states and fr,
            timeout,
            f"flow run {run_id} to reach {states}",
        )

    def runs_of(self, deployment: str) -> list[dict[str, Any]]:
        with self.client() as c:
            r = c.post(
                "/flow_runs/filter",
                json={
                    "deployments": {"id": {"any_": [self.deployment_id(deployment)]}},
                    "limit": 200,
                },
            )
            r.raise_for_status()
            return list(r.json())

    def completed_run(self, deployment: str, timeout: float = 180, **params: Any) -> dict[str, Any]:
        def find() -> dict[str, Any] | None:
            for fr in self.runs_of(deployment):
                if fr["state"]["type"] == "COMPLETED" and all(
                    fr["parameters"].get(k) == v for k, v in params.items()
                ):
                    return fr
            return None

        return wait_for(find, timeout, f"a completed {deployment} run with {params}")

    def events(self, prefix: str, resource_id: str) -> list[dict[str, Any]]:
        with self.client() as c:
            r = c.post(
                "/events/filter",
                json={
                    "filter": {"event": {"prefix": [prefix]}, "resource": {"id": [resource_id]}},
                    "limit": 50,
                },
            )
            r.raise_for_status()
            return list(r.json()["events"])

    def logs(self, run_id: str) -> list[str]:
        """The messages a flow run logged (as the UI's log tab shows them)."""
        with self.client() as c:
            r = c.post("/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}}})
            r.raise_for_status()
            return [str(entry["message"]) for entry in r.json()]

    def mail_to(self, address: str, contains: str, timeout: float = 180) -> Message:
        def find() -> Message | None:
            for m in self.inbox.snapshot():
                if address in (m.get("To") or "") and contains in str(m.get("Subject")):
                    return m
            return None

        return wait_for(find, timeout, f"a mail to {address} about {contains!r}")


def _flow_of(deployment: str) -> str:
    # Every deployment is named like its flow.
    return deployment


def wait_for(fn: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `fn` until it returns something truthy. A busy local server may stall for a
    while (2 cores, SQLite): a failed poll is retried until the deadline, not fatal."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = fn()
        except httpx.HTTPError as exc:
            last = exc
        else:
            if value:
                return value
        time.sleep(1.0)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last})")


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data_dir = tmp_path_factory.mktemp("stack")
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "IKZ_"))} | {
        "IKZ_DATA_DIR": str(data_dir),
        "IKZ_SMTP_HOST": "127.0.0.1",
        "IKZ_SMTP_PORT": str(smtp.port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    log = data_dir / "ikz-up.log"
    try:
        with ikz_up(port, env, log) as proc:
            s = Stack(proc, f"http://127.0.0.1:{port}/api", data_dir, inbox, log, env)
            wait_for(
                lambda: (
                    proc.poll() is not None or "ikz-flow läuft" in log.read_text(errors="replace")
                ),
                240,
                "ikz up to start",
            )
            assert proc.poll() is None, log.read_text(errors="replace")
            s.internal_api = (data_dir / "prefect-api-url").read_text().strip()
            coordinator = min(
                p["id"] for p in s.ikz_json("person", "list") if "coordinator" in p["roles"]
            )
            s.token = s.ikz_json("token", "create", "--person", str(coordinator))["token"]
            wait_for(lambda: _served(s), 120, "the deployments to be served")
            yield s
    finally:
        smtp.stop()


def _served(s: Stack) -> bool:
    try:
        s.deployment_id("dispatch-notifications")
    except httpx.HTTPError:
        return False
    return True


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright (which cannot download its own here)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing (/usr/bin/chromium): apt-get install chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()
