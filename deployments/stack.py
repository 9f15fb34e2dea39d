"""`ikz up`: the whole local stack in one command.

A Prefect server on 127.0.0.1 (SQLite under the data dir, telemetry off), a local SMTP
sink writing .eml files (unless real SMTP is configured), the demo portfolio on first
start, every deployment served with its schedules and triggers, and the event outbox's
relay posting to that server (a thread: see event_relay). Ctrl-C stops all of it: the
serve loop ends, then the relay, the sink and the server process are stopped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deployments.logs import log_file, write_logging_config
from ikz.events.prefect import api_url_file
from ikz.settings import Settings

if TYPE_CHECKING:
    from ikz.app import App
    from ikz.gateway.server import GatewayServer

QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
}


@dataclass
class PrefectServer:
    process: subprocess.Popen[bytes]
    url: str  # the API URL, ending in /api
    log_path: Path

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def prefect_env(home: Path, database_url: str | None = None) -> dict[str, str]:
    db = database_url or f"sqlite+aiosqlite:///{home / 'prefect.sqlite3'}"
    return {
        **QUIET_ENV,
        "PREFECT_HOME": str(home),
        "PREFECT_API_DATABASE_CONNECTION_URL": db,
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
    }


def _die_with_parent() -> None:
    """In the server's child process: if `ikz up` is killed outright (SIGKILL, a crash),
    the kernel ends the server too, instead of leaving it running on its port."""
    if sys.platform != "linux":
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_prefect_server(
    home: Path,
    port: int,
    timeout: float = 120.0,
    *,
    auth_string: str | None = None,
    public_url: str | None = None,
    database_url: str | None = None,
) -> PrefectServer:
    """Start `prefect server start` on 127.0.0.1:port and wait until it answers.

    With `auth_string` the server wants it as basic auth on every API call but
    /api/health (behind the gateway, which serves the UI at `public_url`)."""
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    env = {**os.environ, **prefect_env(home, database_url)}
    env.pop("PREFECT_API_URL", None)
    public = public_url or f"http://127.0.0.1:{port}"
    # The UI asks the server where its API is; without this it says 4200 whatever --port.
    env["PREFECT_UI_API_URL"] = f"{public}/api"
    env["PREFECT_UI_URL"] = public
    if auth_string:
        env["PREFECT_SERVER_API_AUTH_STRING"] = auth_string
    else:
        env.pop("PREFECT_SERVER_API_AUTH_STRING", None)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "deployments.prefect_server",  # `prefect server start`, one SQLite connection
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Own process group: a Ctrl-C in the terminal reaches us, and we stop the
            # server in order instead of racing it.
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - started before any thread
        )
    server = PrefectServer(proc, f"http://127.0.0.1:{port}/api", log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"Prefect-Server beendet mit Code {proc.returncode}; siehe {log_path}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"Prefect-Server antwortet nicht nach {timeout:.0f} s; siehe {log_path}")


@contextlib.contextmanager
def mail_sink(settings: Settings) -> Iterator[object | None]:
    """A local SMTP sink unless real SMTP is configured (IKZ_SMTP_HOST set)."""
    if os.environ.get("IKZ_SMTP_HOST"):
        yield None
        return
    from ikz.mail.sink import MailSink

    sink = MailSink(settings.data_dir / "mail", host="127.0.0.1", port=0)
    sink.start()
    os.environ["IKZ_SMTP_HOST"] = "127.0.0.1"
    os.environ["IKZ_SMTP_PORT"] = str(sink.port)
    os.environ["IKZ_SMTP_SECURITY"] = "none"
    try:
        yield sink
    finally:
        sink.stop()
        for k in ("IKZ_SMTP_HOST", "IKZ_SMTP_PORT", "IKZ_SMTP_SECURITY"):
            os.environ.pop(k, None)


@contextlib.contextmanager
def event_relay(api_url: str) -> Iterator[None]:
    """The event outbox's relay as a thread of this process, for as long as the stack
    serves. A thread, not a scheduled deployment: it polls every second without a flow
    run each time (a run costs about a second and would fill the UI), it starts and stops
    with the server it posts to, and a second relay (`ikz events relay`) is safe anyway
    (models.event_outbox.claim)."""
    from ikz.app import open_app
    from ikz.events.relay import RelayThread
    from ikz.settings import get_settings

    app = open_app(get_settings(), emit_events=False)
    relay = RelayThread(app, api_url).start()
    try:
        yield
    finally:
        relay.stop()
        app.close()


def _raise_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def up(
    settings: Settings, port: int = 4200, poll_seconds: float = 1.0, echo: object = print
) -> None:
    from ikz.settings import load_settings

    # The served flows read the environment anew: a bad IKZ_* setting fails here, with
    # its one line (BadSettingError), before a server is started, not in every run.
    load_settings()
    say = echo if callable(echo) else print
    # Ctrl-C and SIGTERM both end the stack cleanly. A shell that starts us in the
    # background sets SIGINT to "ignore"; restore Python's handler so Ctrl-C still works.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    data_dir = settings.data_dir.resolve()
    public = stack_environment(data_dir, port, poll_seconds)
    home = data_dir / "prefect"
    say(f"Protokoll: {log_file(data_dir)} (Prefect-Server: {home / 'server.log'})")
    # The Prefect server listens on an internal port with a password of ikz-flow's own
    # processes; people reach it only through the gateway on `port`.
    from ikz.gateway.server import free_port
    from ikz.proof.internal import prefect_auth_string

    auth_string = prefect_auth_string(Settings(data_dir=data_dir, secret=settings.secret))
    internal = free_port()
    while internal == port:  # the kernel may hand out the public port just probed free
        internal = free_port()
    say(f"Starte Prefect-Server (intern auf Port {internal}) ...")
    server = start_prefect_server(
        home,
        internal,
        auth_string=auth_string,
        public_url=public,
        database_url=settings.prefect_database_url,
    )
    url_file = api_url_file(Settings(data_dir=data_dir))
    try:
        os.environ["PREFECT_API_URL"] = server.url
        os.environ["PREFECT_API_AUTH_STRING"] = auth_string
        os.environ["PREFECT_HOME"] = str(home)
        url_file.write_text(server.url)
        with mail_sink(settings) as sink:
            from ikz.settings import get_settings

            get_settings.cache_clear()
            app = prepare_data(say)
            try:
                serve_behind_gateway(app, server, port, sink is not None, say)
            finally:
                app.close()
    finally:
        url_file.unlink(missing_ok=True)
        server.stop()
        say("ikz-flow beendet.")


def serve_behind_gateway(
    app: App, server: PrefectServer, port: int, sink: bool, say: Callable[[str], None]
) -> None:
    """Blocks and dashboards, the gateway on `port`, then serve every deployment until
    Ctrl-C."""
    from deployments.serve import serve_all
    from flows.blocks import register_block_types
    from flows.dashboards import refresh_dashboards
    from ikz.gateway.identity import UI_URL_FILE

    first_link = first_login_link(app, say)
    register_block_types()
    refresh_dashboards()
    if sink:
        say(f"E-Mails landen als .eml in {app.settings.data_dir / 'mail'}")
    gateway = start_stack_gateway(app, server, port)
    # The CLI's links (`ikz login-link`) point here while the stack runs.
    url_file = app.settings.data_dir / UI_URL_FILE
    url_file.write_text(app.settings.ui_base_url)
    try:
        if first_link:
            say(f"Erste Anmeldung (einmal gültig, 24 Stunden): {first_link}")
        say(f"ikz-flow läuft: {app.settings.ui_base_url}  (Beenden mit Strg+C)")
        with event_relay(server.url), contextlib.suppress(KeyboardInterrupt):
            serve_all(app.settings.runner_limit)
    finally:
        url_file.unlink(missing_ok=True)
        gateway.stop()


def stack_environment(data_dir: Path, port: int, poll_seconds: float) -> str:
    """The environment the stack's processes share; the public address."""
    data_dir.mkdir(parents=True, exist_ok=True)
    # Children (served runs) must see the same data dir, whatever their cwd.
    os.environ["IKZ_DATA_DIR"] = str(data_dir)
    os.environ.update(QUIET_ENV)
    # A quiet terminal (deployments.logs): set before anything here imports Prefect,
    # and inherited by the runner's processes.
    config_path, _ = write_logging_config(data_dir)
    os.environ["PREFECT_LOGGING_SETTINGS_PATH"] = str(config_path)
    # Flow runs show the dispatcher's per-attempt log lines (logger "ikz.mail").
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "ikz")
    os.environ["PREFECT_RUNNER_POLL_FREQUENCY"] = str(max(1, round(poll_seconds)))
    # The server is the one started here, from this installation: its version cannot
    # differ. Each served run is a new process, so it asked /admin/version again, with a
    # client of its own (some 4 % of an action run's CPU).
    os.environ["PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED"] = "false"
    public = f"http://127.0.0.1:{port}"
    # Links in mails point at the gateway, unless the operator says where it is reached.
    if not os.environ.get("IKZ_UI_BASE_URL"):
        os.environ["IKZ_UI_BASE_URL"] = public
    # Links the stack's own Prefect client logs ("View at ...") lead through the gateway.
    os.environ["PREFECT_UI_URL"] = os.environ["IKZ_UI_BASE_URL"]
    return public


def prepare_data(say: Callable[[str], None]) -> App:
    """The app of the stack (kept open for the gateway): schema upgraded, the demo on an
    empty database."""
    from ikz.app import open_app
    from ikz.demo import has_data, load_demo
    from ikz.settings import get_settings
    from models.schema import upgrade

    get_settings.cache_clear()
    # The demo replays two years of history: no event storm of follow-up runs for it
    # (nor posted after the commits, nor by the relay: ikz.demo.load_demo).
    app = open_app(get_settings(), emit_events=False)
    try:
        upgrade(app.db)
        if not has_data(app):
            say("Lade das Demo-Portfolio ...")
            load_demo(app)
    except BaseException:
        app.close()
        raise
    return app


def first_login_link(app: App, say: Callable[[str], None]) -> str | None:
    """On the first start (nobody has logged in yet): the first coordinator (made if
    there is none) and a one-time login link for them."""
    from ikz.gateway.identity import console_link, first_coordinator, has_logged_in

    if has_logged_in(app):
        return None
    person_id, made = first_coordinator(app)
    if made:
        say(f"Erste Koordinatorin/erster Koordinator angelegt (Person {person_id}).")
    return console_link(app, person_id)


def start_stack_gateway(app: App, server: PrefectServer, port: int) -> GatewayServer:
    """The gateway on 127.0.0.1:port in front of `server`, sending login mail at once."""
    from flows.common import send_now
    from ikz.gateway.server import start_gateway
    from ikz.gateway.web import create_gateway
    from ikz.proof.internal import prefect_auth_string

    upstream = server.url.removesuffix("/api")
    web = create_gateway(
        app,
        upstream,
        prefect_auth_string(app.settings),
        send_mail=lambda a, after: send_now(a, after_id=after),
    )
    return start_gateway(web, "127.0.0.1", port)
