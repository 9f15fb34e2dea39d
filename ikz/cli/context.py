"""Per-invocation CLI state: language and the lazily opened application."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from states.errors import IkzError, Language

if TYPE_CHECKING:
    # Imported when the app is opened: SQLAlchemy, SQLModel and the settings load inside
    # `main`, where the garbage collector is paused for start-up (see ikz.cli.main.main).
    from ikz.app import App


@dataclass
class CliState:
    lang: Language = "de"
    app: App | None = None

    def open(self, *, check_schema: bool = True) -> App:
        if self.app is None:
            from ikz.app import open_app

            if check_schema:
                _require_sqlite_file()
            self.app = open_app()
            if check_schema:
                from models.schema import require_current

                # An unreachable server raises here (reported as such by `main`) rather
                # than being mistaken for a database that needs `ikz db upgrade`.
                with self.app.db.read_engine.connect():
                    pass
                require_current(self.app.db)
        return self.app

    def close(self) -> None:
        if self.app is not None:
            self.app.close()
            self.app = None


def _require_sqlite_file() -> None:
    """Refuse before connecting: SQLite would create an empty file (and its folder) first."""
    from sqlalchemy.engine import make_url

    from ikz.settings import get_settings

    try:
        url = make_url(get_settings().resolved_database_url())
    except Exception:
        return  # connect() reports the bad URL
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        return
    if not Path(path).exists():
        raise IkzError(
            "database_missing",
            f"Keine Datenbank unter {path}: bitte zuerst `ikz db upgrade` (oder `ikz demo`).",
            f"No database at {path}: run `ikz db upgrade` (or `ikz demo`) first.",
        )


state = CliState()
