"""Mail: dispatch once, and the outbox's status."""

# No `from __future__ import annotations`: see ikz.cli.main.

from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import notify_app
from ikz.cli.output import Json, done, emit_json


@notify_app.command("dispatch")
def notify_dispatch(
    batch_size: Annotated[
        int, typer.Option(help="E-Mails je SMTP-Verbindung.", min=1, max=10_000)
    ] = 100,
    as_json: Json = False,
) -> None:
    """Fällige E-Mails einmal versenden (SMTP aus IKZ_SMTP_*), dann die Zählung ausgeben."""
    from dataclasses import asdict

    from ikz.mail.dispatch import dispatch_sync

    result = dispatch_sync(state.open(), batch_size=batch_size)
    if as_json:
        emit_json(asdict(result))
        return
    done(
        f"Versendet: {result.sent} (davon in {result.digests} Zusammenfassungen), "
        f"später erneut: {result.retried}, fehlgeschlagen: {result.failed}.",
        f"Sent: {result.sent} (in {result.digests} digests), "
        f"retry later: {result.retried}, failed: {result.failed}.",
    )


@notify_app.command("status")
def notify_status(as_json: Json = False) -> None:
    """Benachrichtigungen je Status und das Alter der ältesten wartenden."""
    from ikz.mail.dispatch import outbox_status

    status = outbox_status(state.open())
    if as_json:
        emit_json(status)
        return
    counts = status["counts"]
    de_names = {
        "pending": "wartend",
        "sending": "im Versand",
        "sent": "versandt",
        "failed": "fehlgeschlagen",
        "skipped": "nicht versandt (Demo-Verlauf)",
        "erased": "zurückgezogen (Person gelöscht)",
    }
    for key, n in counts.items():
        typer.echo(f"{key if state.lang == 'en' else de_names.get(key, key):32} {n}")
    age = status["oldest_pending_age_seconds"]
    if age is not None:
        minutes = round(age / 60)
        done(
            f"Älteste wartende: seit {minutes} min; fällig: {status['due']}, für Zusammenfassungen zurückgehalten: {status['held_for_digest']}.",
            f"Oldest pending: {minutes} min; due: {status['due']}, held for digests: {status['held_for_digest']}.",
        )
