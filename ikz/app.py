"""The application context: settings plus database, handed to every use-case function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ikz.proof.local import local_proof
from ikz.settings import Settings, get_settings
from models.clock import utcnow
from models.db import Database, connect
from states.gates import GateRules
from states.health import HealthRules
from states.proof import Proof
from states.signals import SignalRules

# Called after a lifecycle change has committed (e.g. to post its Prefect events from the
# event outbox at once). Hooks never run inside the transaction and their failure never
# undoes a committed change.
AfterCommit = Callable[[str, dict[str, Any]], None]


@dataclass
class App:
    db: Database
    settings: Settings
    clock: Callable[[], datetime] = utcnow
    after_commit: list[AfterCommit] = field(default_factory=list)
    # How the person acting through this app was proven: set by the surface (the
    # gateway's verified stamp in a flow run, a mail link's page). None: the local CLI or
    # Python API, an administrator's act (see proof_for).
    proof: Proof | None = None

    def proof_for(self, actor_id: int | None) -> Proof:
        """The proof an act by `actor_id` records: the surface's, else the local one."""
        return self.proof if self.proof is not None else local_proof(actor_id)

    @property
    def gate_rules(self) -> GateRules:
        return GateRules(pilot_min_days=self.settings.pilot_min_days)

    @property
    def signal_rules(self) -> SignalRules:
        return SignalRules(
            size_ratio_warn=self.settings.size_ratio_warn,
            silence_warn_days=self.settings.silence_warn_days,
        )

    @property
    def health_rules(self) -> HealthRules:
        return replace(
            self.settings.health,
            silence_warn_days=self.settings.silence_warn_days,
            size_ratio_warn=self.settings.size_ratio_warn,
            vat_cutoff=self.settings.vat_cutoff,
        )

    def notify_committed(self, event: str, payload: dict[str, Any]) -> None:
        for hook in self.after_commit:
            try:
                hook(event, payload)
            except Exception:
                import logging

                logging.getLogger("ikz").exception("after-commit hook failed for %s", event)

    def close(self) -> None:
        self.db.dispose()


def open_app(settings: Settings | None = None, *, emit_events: bool = True) -> App:
    """The application for `settings`. Its changes' events go to the event outbox either
    way; with a Prefect API configured (and `emit_events`) they are posted right after
    the commit too (the relay's fast path)."""
    settings = settings or get_settings()
    app = App(db=connect(settings.resolved_database_url()), settings=settings)
    if emit_events:
        from ikz.events.prefect import prefect_api_url

        url = prefect_api_url(settings)
        if url:
            # Only then: the relay (with http.client) is no part of a command without one.
            from ikz.events.relay import prefect_event_hook

            app.after_commit.append(prefect_event_hook(app, url))
    return app
