"""The gateway's people: personal API tokens and one-time login links."""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import app, gateway_app, token_app
from ikz.cli.output import Json, done, emit_json, listing

PersonOpt = Annotated[int, typer.Option("--person", help="ID der Person.", min=1)]


@token_app.command("create")
def token_create(
    person: PersonOpt,
    label: Annotated[str, typer.Option(help="Wofür, z. B. 'Fachverfahren Haushalt'.")] = "",
    as_json: Json = False,
) -> None:
    """Persönlichen API-Token erzeugen (einmal angezeigt; gespeichert nur als Hash).
    Verwendung: `Authorization: Bearer <token>` am Gateway von `ikz up`."""
    from ikz.gateway.identity import create_token

    secret, row = create_token(state.open(), person, label)
    if as_json:
        emit_json({"id": row.id, "person_id": row.person_id, "label": row.label, "token": secret})
        return
    done(
        f"Token {row.id} für Person {row.person_id} (nur jetzt sichtbar):",
        f"Token {row.id} for person {row.person_id} (shown only now):",
    )
    typer.echo(secret)


@token_app.command("list")
def token_list(as_json: Json = False) -> None:
    """Alle Tokens (ohne Geheimnis): Person, Bezeichnung, erstellt, zuletzt benutzt, widerrufen."""
    from ikz.gateway.identity import token_rows

    rows = token_rows(state.open())
    columns = [
        ("id", "ID"),
        ("person_id", "Person"),
        ("label", "Bezeichnung"),
        ("created_at", "Erstellt"),
        ("last_used_at", "Zuletzt"),
        ("revoked_at", "Widerrufen"),
    ]
    listing(rows, columns, as_json)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="ID des Tokens.", min=1)],
    as_json: Json = False,
) -> None:
    """Token widerrufen: ab sofort gilt er nicht mehr."""
    from ikz.gateway.identity import revoke_token

    row = revoke_token(state.open(), token_id)
    if as_json:
        emit_json({"id": row.id, "person_id": row.person_id, "revoked_at": row.revoked_at})
        return
    done(f"Token {row.id} widerrufen.", f"Token {row.id} revoked.")


@app.command("login-link")
def login_link(person: PersonOpt, as_json: Json = False) -> None:
    """Einmaligen Anmeldelink (24 Stunden gültig) für eine Koordinatorin/einen
    Koordinator ausgeben, z. B. wenn die E-Mail nicht ankommt."""
    from ikz.gateway.identity import CONSOLE_LINK_HOURS, console_link

    url = console_link(state.open(), person)
    if as_json:
        emit_json({"person_id": person, "url": url, "valid_hours": CONSOLE_LINK_HOURS})
        return
    typer.echo(url)


@gateway_app.command("serve")
def gateway_serve(
    upstream: Annotated[
        str | None,
        typer.Option(
            help="API des Prefect-Servers, z. B. http://10.0.0.10:4200/api "
            "(Standard: PREFECT_API_URL)."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Adresse, auf der das Gateway lauscht.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port des Gateways.", min=1, max=65535)] = 4200,
) -> None:
    """Das Gateway im Vordergrund betreiben (Produktion, siehe README 'Beyond one
    machine'): Anmeldung, Prefect-UI und -API für angemeldete Personen, Antwortseiten;
    stempelt jeden Lauf. Passwort des Prefect-Servers aus PREFECT_API_AUTH_STRING,
    Server-Geheimnis aus IKZ_SECRET, öffentliche Adresse aus IKZ_UI_BASE_URL. Endet mit
    SIGTERM oder Strg+C."""
    import os

    from deployments.gateway import serve
    from ikz.gcpause import resume_gc
    from states.errors import IkzError

    given = upstream or os.environ.get("PREFECT_API_URL", "")
    if not given.strip():
        raise IkzError(
            "no_upstream",
            "Kein Prefect-Server angegeben: --upstream URL oder PREFECT_API_URL setzen.",
            "No Prefect server given: pass --upstream URL or set PREFECT_API_URL.",
        )
    app_ = state.open()  # the schema is current (one line otherwise), then serve
    resume_gc()  # runs until stopped: main() paused the GC for short commands only

    def say(de: str, en: str) -> None:
        done(de, en)

    def warn(de: str, en: str) -> None:
        typer.echo(f"Warnung: {de}" if state.lang == "de" else f"Warning: {en}", err=True)

    serve(app_.settings, host, port, given, say, warn)
