"""`ikz token ...` and `ikz login-link`: each accepted and refused, in one line, with
nothing written on a refusal."""

from __future__ import annotations

import hashlib
import re
import socket

import pytest
from sqlalchemy import create_engine, text

from ikz.settings import get_settings
from tests.cli.helpers import Cli, DemoWorld, dump_sqlite


def stored(cli: Cli) -> list[tuple[object, ...]]:
    engine = create_engine(f"sqlite:///{cli.db_path}")
    try:
        with engine.connect() as conn:
            return [
                *conn.execute(text("SELECT * FROM api_token")).all(),
                *conn.execute(text("SELECT * FROM login_link")).all(),
            ]
    finally:
        engine.dispose()


def test_a_token_is_shown_once_stored_hashed_listed_and_revoked(
    demo_cli: Cli, world: DemoWorld
) -> None:
    made = demo_cli.ok(
        "token", "create", "--person", world.coordinator, "--label", "Fachverfahren", "--json"
    ).json()
    assert (made["id"], made["person_id"], made["label"]) == (1, world.coordinator, "Fachverfahren")
    assert re.fullmatch(r"ikz_[A-Za-z0-9_-]{43}", made["token"])
    rows = repr(stored(demo_cli))
    assert made["token"] not in rows
    assert hashlib.sha256(made["token"].encode()).hexdigest() in rows
    plain = demo_cli.ok("token", "create", "--person", world.coordinator).out.splitlines()
    assert plain[0] == f"Token 2 für Person {world.coordinator} (nur jetzt sichtbar):"
    assert plain[1].startswith("ikz_")
    listed = demo_cli.ok("token", "list", "--json").json()
    assert [(t["id"], t["label"], t["revoked_at"]) for t in listed] == [
        (1, "Fachverfahren", None),
        (2, "", None),
    ]
    assert "token" not in listed[0]
    assert demo_cli.ok("token", "revoke", "1").out == "Token 1 widerrufen.\n"
    before = stored(demo_cli)
    again = demo_cli("token", "revoke", "1")
    assert (again.code, again.err) == (2, "Fehler: Token 1 ist bereits widerrufen.\n")
    missing = demo_cli("--lang", "en", "token", "revoke", "99")
    assert (missing.code, missing.err) == (3, "Error: Token 99 not found.\n")
    assert stored(demo_cli) == before


def test_only_a_coordinator_gets_a_login_link_or_a_token(demo_cli: Cli, world: DemoWorld) -> None:
    link = demo_cli.ok("login-link", "--person", world.coordinator).out.strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:4200/login/[A-Za-z0-9_-]{43}", link)
    as_json = demo_cli.ok("login-link", "--person", world.coordinator, "--json").json()
    assert (as_json["person_id"], as_json["valid_hours"]) == (int(world.coordinator), 24)
    before = stored(demo_cli)
    refused = demo_cli("login-link", "--person", world.moderator)
    assert refused.code == 2
    assert refused.err.startswith("Fehler: ")
    assert refused.err.endswith(
        "darf sich nicht an der Oberfläche anmelden: nur Koordinator:innen. "
        "Bürgermeister:innen und Partner antworten über den Link in ihrer E-Mail.\n"
    )
    token = demo_cli("token", "create", "--person", world.moderator)
    assert token.code == 2
    assert "Traceback" not in token.err
    assert stored(demo_cli) == before


def test_a_login_link_points_at_the_public_address_the_operator_set(
    demo_cli: Cli, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `ikz up` leaves its address in the data directory: the link points there unless
    # the operator named the public address (the gateway of the production topology).
    (demo_cli.data_dir / "gateway-url").write_text("http://127.0.0.1:4311")
    monkeypatch.delenv("IKZ_UI_BASE_URL", raising=False)
    get_settings.cache_clear()
    local = demo_cli.ok("login-link", "--person", world.coordinator).out.strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:4311/login/[A-Za-z0-9_-]{43}", local)
    monkeypatch.setenv("IKZ_UI_BASE_URL", "https://ikz.landkreis.example/")
    get_settings.cache_clear()
    public = demo_cli.ok("login-link", "--person", world.coordinator, "--json").json()
    assert re.fullmatch(r"https://ikz\.landkreis\.example/login/[A-Za-z0-9_-]{43}", public["url"])


SERVE_ENV = {
    "PREFECT_API_AUTH_STRING": "admin:change-me",
    "IKZ_SECRET": "one long random string",
    "IKZ_UI_BASE_URL": "https://ikz.landkreis.example",
}


def serve_env(monkeypatch: pytest.MonkeyPatch, **given: str | None) -> None:
    for name, value in (SERVE_ENV | given).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_gateway_serve_refuses_bad_input_in_one_line_and_writes_nothing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump_sqlite(cli.db_path)
    up = "http://127.0.0.1:9/api"
    serve_env(monkeypatch)
    refused = cli("gateway", "serve")
    assert (refused.code, refused.err) == (
        1,
        "Fehler: Kein Prefect-Server angegeben: --upstream URL oder PREFECT_API_URL setzen.\n",
    )
    refused = cli("--lang", "en", "gateway", "serve", "--upstream", "ftp://prefect/api")
    assert (refused.code, refused.err) == (
        1,
        "Error: --upstream 'ftp://prefect/api' is not a Prefect server's address "
        "(e.g. http://10.0.0.10:4200/api).\n",
    )
    serve_env(monkeypatch, PREFECT_API_AUTH_STRING=None, IKZ_SECRET=None, IKZ_UI_BASE_URL=None)
    refused = cli("gateway", "serve", "--upstream", up)
    assert (refused.code, refused.err) == (
        1,
        "Fehler: Nicht gesetzt: PREFECT_API_AUTH_STRING, IKZ_SECRET, IKZ_UI_BASE_URL "
        "(Passwort des Prefect-Servers, Server-Geheimnis wie auf den Workern, öffentliche "
        "Adresse des Gateways; siehe README 'Beyond one machine').\n",
    )
    serve_env(monkeypatch, IKZ_SECRET=" ")
    refused = cli("gateway", "serve", "--upstream", up)
    assert refused.code == 1
    assert refused.err.startswith("Fehler: Nicht gesetzt: IKZ_SECRET (Passwort")
    serve_env(monkeypatch, IKZ_UI_BASE_URL="ikz.landkreis.example")
    refused = cli("gateway", "serve", "--upstream", up)
    assert (refused.code, refused.err) == (
        1,
        "Fehler: IKZ_UI_BASE_URL 'ikz.landkreis.example' ist keine http(s)-Adresse.\n",
    )
    serve_env(monkeypatch)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        refused = cli("gateway", "serve", "--upstream", up, "--port", str(port))
    assert (refused.code, refused.err) == (
        1,
        f"Fehler: Port {port} auf 127.0.0.1 ist belegt oder nicht verfügbar: "
        "Address already in use.\n",
    )
    refused = cli("gateway", "serve", "--upstream", up, "--port", "0")
    assert refused.code == 2
    assert refused.err.count("\n") == 1 and "--port" in refused.err
    assert "Traceback" not in refused.err
    assert dump_sqlite(cli.db_path) == before
