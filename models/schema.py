"""Create or upgrade a database with Alembic; every schema change is a migration.

Alembic is imported only when migrating: ordinary commands check the schema with one
query against `alembic_version` so that they stay fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models.db import Database
from states.errors import IkzError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

# The newest migration (a test keeps it equal to the script directory's head).
HEAD_REVISION = "0019"


def alembic_config(db: Database) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database) -> str:
    """Bring the database to the newest revision; returns that revision.

    All migrations run in one transaction (SQLite and PostgreSQL both roll DDL back), so
    a failed upgrade leaves the database where it was: said in one line, not a trace."""
    from alembic import command
    from alembic.util import CommandError

    before = current_revision(db) or "keiner"
    cfg = alembic_config(db)
    # Connecting stays outside: an unreachable server is said by the CLI's own handler.
    with db.write_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, "head")
            conn.commit()
        except (CommandError, DBAPIError, RuntimeError) as exc:
            why = " ".join(str(exc).split("\n", 1)[0].split())[:300]
            raise IkzError(
                "upgrade_failed",
                f"Das Upgrade der Datenbank ist gescheitert, sie bleibt auf Revision {before}: "
                f"{why}",
                f"The database upgrade failed; it stays at revision {before}: {why}",
            ) from exc
    return HEAD_REVISION


def script_head(db: Database) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def current_revision(db: Database) -> str | None:
    try:
        with db.read_engine.connect() as conn:
            rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None
    return str(rev) if rev is not None else None


def is_current(db: Database) -> bool:
    return current_revision(db) == HEAD_REVISION


def require_current(db: Database) -> None:
    """Refuse to work on a database that was never created or is behind the code."""
    if not is_current(db):
        raise IkzError(
            "database_not_upgraded",
            "Die Datenbank ist nicht auf dem aktuellen Stand: bitte zuerst `ikz db upgrade`.",
            "The database is not up to date: run `ikz db upgrade` first.",
        )
