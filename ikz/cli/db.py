"""`ikz db`: create or upgrade the database, back it up, restore it (models.backup).

Operating commands, not registry actions: they work on the database as a whole."""

# No `from __future__ import annotations`: see ikz.cli.main.

from pathlib import Path
from typing import Annotated

import typer

from ikz.cli.context import state
from ikz.cli.groups import db_app
from ikz.cli.output import done

File = Annotated[Path, typer.Argument(help="Sicherungsdatei.", dir_okay=False)]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Datenbank anlegen oder auf den neuesten Stand bringen."""
    from models.schema import upgrade

    rev = upgrade(state.open(check_schema=False).db)
    done(f"Datenbank auf Revision {rev}.", f"Database at revision {rev}.")


@db_app.command("backup")
def db_backup(
    file: File,
    force: Annotated[
        bool, typer.Option("--force", help="Eine vorhandene Datei überschreiben.")
    ] = False,
) -> None:
    """Die Datenbank im laufenden Betrieb in eine Datei sichern (SQLite oder PostgreSQL)."""
    from models.backup import backup

    app_ = state.open(check_schema=False)
    m = backup(app_.db, file, now=app_.clock(), force=force)
    size = f"{max(1, round(file.stat().st_size / 1000))} kB"
    done(
        f"Gesichert in {file}: {m.kind}, Schema-Revision {m.schema_revision}, {size}.",
        f"Backed up to {file}: {m.kind}, schema revision {m.schema_revision}, {size}.",
    )


@db_app.command("restore")
def db_restore(
    file: File,
    force: Annotated[
        bool,
        typer.Option("--force", help="Eine Datenbank ersetzen, die schon Daten enthält."),
    ] = False,
) -> None:
    """Die Datenbank aus einer Sicherung wiederherstellen (ersetzt sie als Ganzes)."""
    from datetime import UTC, datetime

    from models.backup import restore

    r = restore(state.open(check_schema=False).db, file, force=force)
    m = r.manifest
    taken = datetime.fromisoformat(m.created_at).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    done(
        f"Wiederhergestellt aus {file} (Sicherung vom {taken}, Schema-Revision "
        f"{m.schema_revision}).",
        f"Restored from {file} (backup of {taken}, schema revision {m.schema_revision}).",
    )
    if r.upgraded_to:
        done(
            f"Auf Schema-Revision {r.upgraded_to} gebracht.",
            f"Upgraded to schema revision {r.upgraded_to}.",
        )
    done(
        f"Zustellstatus von {r.carried_over} E-Mails aus der ersetzten Datenbank übernommen "
        "(sie werden nicht erneut gesendet).",
        f"Delivery status of {r.carried_over} mails taken over from the replaced database "
        "(they are not sent again).",
    )
