"""`ikz gateway serve`: the login gateway on its own, for the production topology.

The README's "Beyond one machine": the Prefect server listens on an internal address
with its basic auth; this process is the public address in front of it (login, the
Prefect UI and API for a person, the mail-link answer pages), stamps every run it
creates with the server secret (`IKZ_SECRET`, the same on the workers, which verify it)
and runs in the foreground until SIGTERM or SIGINT (the first one stops it).
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from ikz.settings import Settings
from states.errors import IkzError


def _error(code: str, de: str, en: str) -> IkzError:
    return IkzError(code, de, en)


def api_base(upstream: str) -> str:
    """The Prefect server's API URL given (`http://host:4200/api`, with or without the
    `/api`) as the gateway's upstream: scheme, host and port, without `/api`."""
    url = upstream.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        shown = upstream if upstream.isprintable() else repr(upstream)
        raise _error(
            "bad_upstream",
            f"--upstream '{shown}' ist keine Adresse eines Prefect-Servers "
            "(z. B. http://10.0.0.10:4200/api).",
            f"--upstream '{shown}' is not a Prefect server's address "
            "(e.g. http://10.0.0.10:4200/api).",
        )
    return url.removesuffix("/api")


def required_environment(environ: dict[str, str] | os._Environ[str]) -> tuple[str, str]:
    """(the Prefect server's basic auth, the public address): both must be set, and
    IKZ_SECRET too (the workers verify the stamps with the same secret)."""
    missing = [
        name
        for name in ("PREFECT_API_AUTH_STRING", "IKZ_SECRET", "IKZ_UI_BASE_URL")
        if not environ.get(name, "").strip()
    ]
    if missing:
        names = ", ".join(missing)
        raise _error(
            "gateway_setting_missing",
            f"Nicht gesetzt: {names} (Passwort des Prefect-Servers, Server-Geheimnis wie "
            "auf den Workern, öffentliche Adresse des Gateways; siehe README "
            "'Beyond one machine').",
            f"Not set: {names} (the Prefect server's password, the server secret as on "
            "the workers, the gateway's public address; see README 'Beyond one machine').",
        )
    public = environ["IKZ_UI_BASE_URL"].strip().rstrip("/")
    if urlsplit(public).scheme not in ("http", "https") or not urlsplit(public).hostname:
        raise _error(
            "bad_public_url",
            f"IKZ_UI_BASE_URL '{public}' ist keine http(s)-Adresse.",
            f"IKZ_UI_BASE_URL '{public}' is not an http(s) address.",
        )
    return environ["PREFECT_API_AUTH_STRING"], public


def check_port(host: str, port: int) -> None:
    """The port is free to listen on (as uvicorn binds: SO_REUSEADDR), else one line."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise _error(
            "bad_host",
            f"Adresse {host} unbekannt: {exc.strerror or exc}",
            f"Unknown address {host}: {exc.strerror or exc}",
        ) from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
            sock.listen(1)
        except OSError as exc:
            raise _error(
                "port_unavailable",
                f"Port {port} auf {host} ist belegt oder nicht verfügbar: {exc.strerror or exc}.",
                f"Port {port} on {host} is in use or not available: {exc.strerror or exc}.",
            ) from None


def upstream_warnings(upstream: str, auth_string: str) -> list[tuple[str, str]]:
    """What is wrong with the Prefect server at start (German, English); the gateway
    serves anyway and forwards once the server is there."""
    from ikz.gateway.web import basic_auth

    try:
        with httpx.Client(base_url=upstream, timeout=5) as client:
            health = client.get("/api/health")
            if health.status_code != 200:
                return [
                    (
                        f"Prefect-Server {upstream} antwortet mit {health.status_code}.",
                        f"Prefect server {upstream} answers {health.status_code}.",
                    )
                ]
            with_auth = client.post(
                "/api/flows/count", json={}, headers={"authorization": basic_auth(auth_string)}
            )
            without = client.post("/api/flows/count", json={})
    except httpx.HTTPError as exc:
        return [
            (
                f"Prefect-Server {upstream} nicht erreichbar ({type(exc).__name__}); "
                "das Gateway leitet weiter, sobald er antwortet.",
                f"Prefect server {upstream} not reachable ({type(exc).__name__}); "
                "the gateway forwards as soon as it answers.",
            )
        ]
    found = []
    if with_auth.status_code == 401:
        found.append(
            (
                "Der Prefect-Server lehnt PREFECT_API_AUTH_STRING ab (401).",
                "The Prefect server refuses PREFECT_API_AUTH_STRING (401).",
            )
        )
    if without.status_code == 200:
        found.append(
            (
                "Der Prefect-Server antwortet ohne Passwort: wer ihn erreicht, umgeht das "
                "Gateway (PREFECT_SERVER_API_AUTH_STRING setzen).",
                "The Prefect server answers without a password: whoever reaches it "
                "bypasses the gateway (set PREFECT_SERVER_API_AUTH_STRING).",
            )
        )
    return found


def serve(
    settings: Settings,
    host: str,
    port: int,
    upstream: str,
    say: Callable[[str, str], None],
    warn: Callable[[str, str], None],
    stop: threading.Event | None = None,
) -> None:
    """Serve the gateway on host:port in front of `upstream` until SIGTERM/SIGINT (or
    `stop` is set); `say`/`warn` get a German and an English line."""
    base = api_base(upstream)
    auth_string, public = required_environment(os.environ)
    check_port(host, port)
    # This process's own Prefect calls (the `ikz-smtp` block for login mail, resuming a
    # run after a mail-link answer, a change's events) go to the same server: set before
    # Prefect is imported, which reads its settings then.
    os.environ["PREFECT_API_URL"] = f"{base}/api"
    from flows.common import send_now
    from ikz.app import open_app
    from ikz.gateway.server import start_gateway
    from ikz.gateway.web import create_gateway

    for de, en in upstream_warnings(base, auth_string):
        warn(de, en)
    stopping = stop or threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stopping.set())
        for sig in (signal.SIGTERM, signal.SIGINT)
    }
    app = open_app(settings)
    try:
        web = create_gateway(
            app, base, auth_string, send_mail=lambda a, after: send_now(a, after_id=after)
        )
        try:
            gateway = start_gateway(web, host, port)
        except RuntimeError:
            raise _error(
                "gateway_not_started",
                f"Gateway startet nicht auf {host}:{port}.",
                f"The gateway does not start on {host}:{port}.",
            ) from None
        try:
            say(
                f"Gateway läuft auf {gateway.url} (öffentlich: {public}) vor dem Prefect-Server "
                f"{base} (Beenden mit Strg+C oder SIGTERM).",
                f"Gateway listening on {gateway.url} (public: {public}) in front of the "
                f"Prefect server {base} (stop with Ctrl-C or SIGTERM).",
            )
            while not stopping.wait(0.5):
                if not gateway.thread.is_alive():
                    raise _error(
                        "gateway_ended",
                        "Das Gateway hat sich unerwartet beendet.",
                        "The gateway ended unexpectedly.",
                    )
        finally:
            gateway.stop()
    finally:
        app.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say("Gateway beendet.", "Gateway stopped.")
