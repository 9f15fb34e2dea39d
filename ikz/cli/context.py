"""Per-invocation CLI state: language and the lazily opened application."""

from __future__ import annotations

from dataclasses import dataclass

from ikz.app import App, open_app
from states.errors import Language


@dataclass
class CliState:
    lang: Language = "de"
    app: App | None = None

    def open(self, *, check_schema: bool = True) -> App:
        if self.app is None:
            self.app = open_app()
            if check_schema:
                from models.schema import require_current

                require_current(self.app.db)
        return self.app

    def close(self) -> None:
        if self.app is not None:
            self.app.close()
            self.app = None


state = CliState()
