"""`ikz token ...` and `ikz login-link`: each accepted and refused, in one line, with
nothing written on a refusal."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import create_engine, text

from tests.cli.helpers import Cli, DemoWorld


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
