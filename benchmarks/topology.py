"""The production topology of the README's "Beyond one machine", step by step, and the
click-to-inbox figure measured in it.

A Prefect server on PostgreSQL (its own database, a login, an internal address), the
login gateway in front of it (`ikz gateway serve`: the public address, stamping every run
it creates), ikz-flow's data on PostgreSQL (another database), the `ikz-smtp` block type
registered, a process work pool, the deployments of deployments/prefect.yaml (`prefect
deploy --all --no-prompt`), the event outbox's relay (`ikz events relay`) and two
`prefect worker start` processes. Clicks go through the gateway with a personal API token
(`ikz token create --person ID --json`), as automation does. Every
command is one of RECIPE, the lines the README gives (a test keeps them equal), run with
nothing interactive. Shared by `python -m benchmarks --only topology` and the end-to-end
test (tests/e2e/test_topology.py), which stops everything it started by pid.
"""

from __future__ import annotations

import os
import secrets
import signal
import statistics
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import BIN, ROOT, Figure, free_port, percentile, quiet_env, scratch_dir

PG_ADMIN_URL = os.environ.get("IKZ_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
POOL = "ikz"

# The README's commands (section "Beyond one machine"), in its order. `{port}` is the
# Prefect server's port; everything else comes from the environment the README sets.
SERVER = "prefect server start --host 127.0.0.1 --port {port}"
# The public address: the gateway in front of the server's API URL (`{api}`).
GATEWAY = "ikz gateway serve --host 127.0.0.1 --port {port} --upstream {api}"
TOKEN = "ikz token create --person {person} --label {label} --json"
RECIPE = (
    "ikz db upgrade",
    "prefect block register -m flows.blocks",
    f"prefect work-pool create {POOL} --type process --overwrite",
    "prefect deploy --all --no-prompt --prefect-file deployments/prefect.yaml",
)
RELAY = "ikz events relay"
WORKER = f"prefect worker start --pool {POOL} --limit 4 --name {{name}}"
# Worker tuning (README): poll every second instead of every 10 s; take only work that is
# due now, so that two workers share a burst instead of the first one taking it all.
WORKER_ENV = {"PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_PREFETCH_SECONDS": "1"}
STOP_WAIT_SECONDS = 30.0


def _argv(command: str) -> list[str]:
    program, *args = command.split()
    return [str(BIN / program), *args]


class Inbox:
    """aiosmtpd handler keeping every message received, with the time it arrived."""

    def __init__(self) -> None:
        self.received: list[tuple[float, Message]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.received.append((time.monotonic(), msg))
        return "250 OK"

    def messages(self) -> list[Message]:
        with self._lock:
            return [m for _, m in self.received]

    def since(self, t0: float) -> list[tuple[float, Message]]:
        with self._lock:
            return [(t, m) for t, m in self.received if t >= t0]


@dataclass
class Stopped:
    returncode: int | None
    seconds: float
    signals: int  # SIGTERMs sent before it ended (1: it stopped on the first)


@dataclass
class Topology:
    api: str  # the Prefect server's API, internal: ikz-flow's processes only
    auth: tuple[str, str]
    gateway: str  # the public address (IKZ_UI_BASE_URL), without /api
    env: dict[str, str]  # what the README exports for every ikz and Prefect client
    work: Path
    ikz_database_url: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    stopped: dict[str, Stopped] = field(default_factory=dict)

    def client(self) -> httpx.Client:
        """Straight to the Prefect server with its password, as ikz-flow's processes."""
        return httpx.Client(base_url=self.api, auth=self.auth, timeout=60)

    def person_client(self, token: str) -> httpx.Client:
        """Through the gateway with a person's API token, as automation (or the UI)."""
        return httpx.Client(
            base_url=f"{self.gateway}/api",
            headers={"authorization": f"Bearer {token}"},
            timeout=60,
        )

    def token(self, person_id: int, label: str = "topology") -> str:
        """A personal API token of `person_id` (`ikz token create --json`)."""
        import json

        out = self.run(TOKEN.format(person=person_id, label=label))
        return str(json.loads(out)["token"])

    def log(self, name: str) -> str:
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, name: str, command: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (self.work / f"{name}.log").open("wb") as out:
            proc = subprocess.Popen(
                _argv(command),
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.processes[name] = proc
        return proc

    def run(self, command: str, **extra: str) -> str:
        done = subprocess.run(
            _argv(command),
            env=self.env | extra,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{command} -> {done.returncode}: {(done.stdout + done.stderr)[-3000:]}"
            )
        return done.stdout

    def stop_all(self) -> None:
        """Workers first (they must not start a run against a stopping server), then
        the gateway and the relay, then the server: SIGTERM once and wait, by pid; a second SIGTERM and
        finally SIGKILL only for a process that did not end, noted in `stopped`."""
        order = sorted(self.processes, key=lambda n: (not n.startswith("worker"), n == "server"))
        for name in order:
            self.stopped[name] = _stop(self.processes[name])


def _stop(proc: subprocess.Popen[bytes]) -> Stopped:
    t0 = time.monotonic()
    if proc.poll() is not None:
        return Stopped(proc.returncode, 0.0, 0)
    for signals in (1, 2):
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_WAIT_SECONDS)
            return Stopped(proc.returncode, time.monotonic() - t0, signals)
        except subprocess.TimeoutExpired:
            continue
    proc.kill()
    proc.wait()
    return Stopped(proc.returncode, time.monotonic() - t0, 3)


def wait_for(fn: Callable[[], Any], timeout: float, what: str, step: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = fn()
        except (httpx.HTTPError, OSError) as exc:
            last = exc
        else:
            if value:
                return value
        time.sleep(step)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last})")


@contextmanager
def scratch_databases(*prefixes: str) -> Iterator[list[str]]:
    """One new PostgreSQL database per prefix (their URLs without driver), dropped after."""
    import psycopg

    names = [f"{p}_{uuid.uuid4().hex[:10]}" for p in prefixes]
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def production_topology(work: Path, smtp_port: int, workers: int = 2) -> Iterator[Topology]:
    """Bring the README's topology up in `work` (logs, IKZ_DATA_DIR), yield it, and stop
    every process it started, by pid, and drop its databases."""
    with scratch_databases("ikz_prefect", "ikz_data") as (prefect_db, ikz_db):
        port, public_port = free_port(), free_port()
        api = f"http://127.0.0.1:{port}/api"
        gateway = f"http://127.0.0.1:{public_port}"
        auth = ("admin", secrets.token_hex(8))
        data_dir = work / "data"  # absolute: shared storage for every worker
        data_dir.mkdir(parents=True, exist_ok=True)
        env = quiet_env(
            PREFECT_HOME=str(work / "prefect-home"),
            PREFECT_API_URL=api,
            PREFECT_API_AUTH_STRING=":".join(auth),
            PREFECT_LOGGING_EXTRA_LOGGERS="ikz",
            IKZ_DATABASE_URL=ikz_db,
            IKZ_DATA_DIR=str(data_dir.resolve()),
            IKZ_SECRET=secrets.token_hex(16),
            IKZ_UI_BASE_URL=gateway,
            PREFECT_UI_URL=gateway,
            IKZ_SMTP_HOST="127.0.0.1",
            IKZ_SMTP_PORT=str(smtp_port),
            IKZ_SMTP_SECURITY="none",
            IKZ_MAIL_FROM="ikz-flow <ikz@landkreis.example>",
        )
        topo = Topology(api, auth, gateway, env, work, ikz_db)
        server_env = quiet_env(
            PREFECT_HOME=str(work / "prefect-server-home"),
            PREFECT_API_DATABASE_CONNECTION_URL=prefect_db.replace(
                "postgresql://", "postgresql+asyncpg://", 1
            ),
            PREFECT_SERVER_API_AUTH_STRING=":".join(auth),
            # The UI is reached through the gateway (which also rewrites /ui-settings).
            PREFECT_UI_API_URL=f"{gateway}/api",
            PREFECT_UI_URL=gateway,
        )
        try:
            topo.start("server", SERVER.format(port=port), server_env)
            with topo.client() as c:
                wait_for(
                    lambda: _dead(topo, "server") or c.get("/health", timeout=5).status_code == 200,
                    120,
                    "the Prefect server",
                )
            _alive(topo, "server")
            for command in RECIPE:
                topo.run(command, IKZ_PROJECT_DIR=str(ROOT))
            topo.start("gateway", GATEWAY.format(port=public_port, api=api), env)
            topo.start("relay", RELAY, env)
            for i in range(1, workers + 1):
                name = f"worker-{i}"
                topo.start(name, WORKER.format(name=name), env | WORKER_ENV)
            with topo.client() as c:

                def online() -> bool:
                    _alive(topo, *topo.processes)
                    r = c.post(f"/work_pools/{POOL}/workers/filter", json={})
                    found: list[dict[str, Any]] = r.json()
                    return sum(bool(w["status"] == "ONLINE") for w in found) == workers

                wait_for(online, 120, "the workers")

            def gateway_up() -> bool:
                _alive(topo, "gateway")
                return httpx.get(f"{gateway}/api/health", timeout=5).status_code == 200

            wait_for(gateway_up, 60, "the gateway")
            yield topo
        finally:
            topo.stop_all()


def _dead(topo: Topology, name: str) -> bool:
    return topo.processes[name].poll() is not None


def _alive(topo: Topology, *names: str) -> None:
    for name in names:
        if _dead(topo, name):
            raise RuntimeError(f"{name} ended: {topo.log(name)[-3000:]}")


# --- the figure ------------------------------------------------------------------------


def click_to_inbox(runs: int) -> list[Figure]:
    """Click (POST create_flow_run of advance-cooperation, as the UI does) to the first
    mail of that transition in the inbox, in the production topology."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        with scratch_dir("topology") as work, production_topology(work, smtp.port) as topo:
            return measure_clicks(topo, inbox, runs)
    finally:
        smtp.stop()


def measure_clicks(topo: Topology, inbox: Inbox, runs: int, tag: str = "") -> list[Figure]:
    coop_id, actor_id = seed_world(topo, 1, tag)
    client = topo.person_client(topo.token(actor_id, f"benchmark{tag}"))
    dep = client.get("/deployments/name/advance-cooperation/advance-cooperation").json()["id"]
    wait_for(lambda: quiet_for(inbox, 3), 120, "the inbox to be quiet")
    latencies: list[float] = []
    posts: list[float] = []
    for i in range(runs):
        trigger = "pause" if i % 2 == 0 else "resume"
        word = "pausiert" if trigger == "pause" else "fortgesetzt"
        params = {
            "eingabe": {
                "cooperation_id": coop_id[0],
                "trigger": trigger,
                "reason": "Benchmark",
            }
        }
        t0 = time.monotonic()
        r = client.post(f"/deployments/{dep}/create_flow_run", json={"parameters": params})
        posts.append(time.monotonic() - t0)
        r.raise_for_status()
        first = wait_for(partial(_arrived, inbox, t0, word), 120, "the mail", 0.02)
        latencies.append(first[0] - t0)
        wait_for(lambda: quiet_for(inbox, 3), 120, "the follow-ups' mail")
    client.close()
    note = (
        f"{runs} runs, pause/resume via advance-cooperation on a process work pool (2 workers, "
        f"PREFECT_WORKER_QUERY_SECONDS=1), Prefect and ikz-flow on PostgreSQL, through the "
        "gateway with an API token; baseline: POST create_flow_run"
    )
    return [
        Figure(
            "topology_click_to_inbox_median_s",
            statistics.median(latencies),
            "s",
            statistics.median(posts),
            "s",
            note,
        ),
        Figure(
            "topology_click_to_inbox_p95_s",
            percentile(latencies, 95),
            "s",
            percentile(posts, 95),
            "s",
            f"max {max(latencies):.2f} s",
        ),
    ]


def _arrived(inbox: Inbox, t0: float, word: str) -> list[float]:
    return [t for t, m in inbox.since(t0) if word in str(m["Subject"])]


def quiet_for(inbox: Inbox, seconds: float) -> bool:
    last = inbox.since(0)
    return not last or time.monotonic() - last[-1][0] >= seconds


def seed_world(topo: Topology, cooperations: int, tag: str = "") -> tuple[list[int], int]:
    """A coordinator, two municipalities with mayor and contact, and `cooperations`
    cooperations between them, through ikz-flow's Python API (an administrator's acts),
    in a child process with the README's environment, so that their events go to the
    server as a CLI's would (`tag` makes addresses and AGS unique in a database that
    has a world already, whose person 1 is a coordinator). Returns the cooperations' ids and the coordinator's."""
    ags = ("16052000", "16054000") if tag else ("16053000", "16055000")
    first = 1 if tag else None  # a second coordinator is registered by the first
    script = f"""
import json
from ikz.actions.cooperations import open_cooperation
from ikz.actions.directory import register_municipality, register_person
from ikz.app import open_app
from models import commands as c

app = open_app()
coord = register_person(app, c.RegisterPerson(name="Kora Koordinatorin", email="kora{tag}@example.org", roles=["coordinator"], actor_id={first})).id
partners = []
for i, (name, ags) in enumerate([("Gera", "{ags[0]}"), ("Suhl", "{ags[1]}")]):
    m = register_municipality(app, c.RegisterMunicipality(name=name, ags=ags, population=60000, kind="stadt", actor_id=coord)).id
    mayor = register_person(app, c.RegisterPerson(name=f"BM {{name}}", email=f"mayor{{i}}{tag}@example.org", municipality_id=m, roles=["mayor"], actor_id=coord)).id
    contact = register_person(app, c.RegisterPerson(name=f"AP {{name}}", email=f"contact{{i}}{tag}@example.org", municipality_id=m, roles=["contact"], actor_id=coord)).id
    partners.append(c.PartnerInput(municipality_id=m, mayor_id=mayor, contact_id=contact))
ids = [open_cooperation(app, c.OpenCooperation(title=f"Bauhof {{k}}", field_of_work="Bauhof", partners=partners, actor_id=coord)).id for k in range({cooperations})]
app.close()
print(json.dumps([ids, coord]))
"""
    done = subprocess.run(
        [str(BIN / "python"), "-c", script],
        env=topo.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    import json

    ids, coord = json.loads(done.stdout.strip().splitlines()[-1])
    return [int(i) for i in ids], int(coord)
