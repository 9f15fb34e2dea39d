"""The event outbox: post pending Prefect events (the relay), and its backlog."""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import events_app
from ikz.cli.output import Json, done, emit_json
from states.errors import IkzError


def _api_url(given: str | None) -> str:
    from ikz.events.prefect import prefect_api_url

    url = (given or "").rstrip("/") or prefect_api_url(state.open().settings)
    if not url:
        raise IkzError(
            "no_prefect_api",
            "Kein Prefect-Server bekannt: PREFECT_API_URL setzen, --api-url angeben oder "
            "`ikz up` starten.",
            "No Prefect server known: set PREFECT_API_URL, pass --api-url or run `ikz up`.",
        )
    return url


@events_app.command("relay")
def events_relay(
    once: Annotated[
        bool, typer.Option("--once", help="Einmal senden, was fällig ist, dann beenden.")
    ] = False,
    api_url: Annotated[
        str | None, typer.Option(help="Prefect-API, z. B. http://127.0.0.1:4200/api.")
    ] = None,
    poll_seconds: Annotated[
        float, typer.Option(help="Wartezeit zwischen zwei Durchgängen (Sekunden).", min=0.1)
    ] = 1.0,
    as_json: Json = False,
) -> None:
    """Wartende Ereignisse an Prefect senden (der Reihe nach je Kooperation, mit
    Wiederholung); ohne --once bis Strg+C."""
    from ikz.events.relay import relay_loop, relay_pending

    app = state.open()
    url = _api_url(api_url)
    if not once:
        import threading

        from ikz.gcpause import resume_gc

        resume_gc()
        done(
            f"Sende Ereignisse an {url} (Strg+C beendet).",
            f"Posting events to {url} (Ctrl-C stops).",
        )
        try:
            relay_loop(app, url, stop=threading.Event(), poll_seconds=poll_seconds)
        except KeyboardInterrupt:
            return
        return
    result = relay_pending(app, url)
    if as_json:
        emit_json({"sent": result.sent, "failed": result.failed, "error": result.error})
    else:
        done(f"Gesendet: {result.sent}.", f"Sent: {result.sent}.")
    if result.error:
        raise IkzError(
            "events_not_sent",
            f"{result.failed} Ereignis(se) nicht gesendet, später erneut: {result.error}",
            f"{result.failed} event(s) not sent, retried later: {result.error}",
        )


@events_app.command("status")
def events_status(as_json: Json = False) -> None:
    """Wartende Ereignisse: Anzahl, Alter des ältesten, fehlschlagend seit, letzter Fehler."""
    from ikz.events.relay import status

    found = status(state.open())
    if as_json:
        emit_json(found)
        return
    done(
        f"Wartend: {found['pending']}, gesendet: {found['sent']}.",
        f"Pending: {found['pending']}, sent: {found['sent']}.",
    )
    age = found["oldest_pending_age_seconds"]
    if age is not None:
        done(
            f"Ältestes wartendes: seit {round(age / 60)} min.",
            f"Oldest pending: {round(age / 60)} min.",
        )
    if found["failing_since"] is not None:
        since = found["failing_since"].isoformat(timespec="seconds")
        done(f"Fehlschlagend seit: {since}.", f"Failing since: {since}.")
    if found["last_error"]:
        done(f"Letzter Fehler: {found['last_error']}", f"Last error: {found['last_error']}")
