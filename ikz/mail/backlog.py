"""What waits because a relay cannot be reached, said where coordinators look.

Mail the SMTP relay would not take (never offered: refused connection, TLS or login
failed) stays pending with backoff and never fails for it (states.delivery); events the
Prefect server did not take stay in the event outbox (ikz.events.relay). Both are
invisible in a run that ends green. This module words the backlog and since when, for
the dispatcher run's log and state message (flows.portfolio) and for the portfolio
summary (ikz.views.portfolio).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ikz.app import App
from ikz.mail.calendar import BERLIN
from models.delivery import Deferred, deferred_backlog
from models.event_outbox import Backlog, backlog
from states.errors import Language

# Events younger than this are the relay's normal work, not a backlog.
EVENTS_LATE = timedelta(minutes=2)


@dataclass(frozen=True)
class Waiting:
    mail: Deferred
    events: Backlog
    now: datetime

    def mail_text(self, lang: Language = "de") -> str | None:
        """One line when mail waits for the SMTP relay, else None."""
        d = self.mail
        if not d.count:
            return None
        since = _when(d.since, lang)
        error = f" ({d.last_error})" if d.last_error else ""
        if lang == "en":
            return (
                f"Mail server not reachable: {d.count} mails waiting since {since}{error}. "
                "Check IKZ_SMTP_* or the ikz-smtp block; they are sent once it is back."
            )
        return (
            f"Mailserver nicht erreichbar: {d.count} E-Mails warten seit {since}{error}. "
            "IKZ_SMTP_* oder den Block ikz-smtp prüfen; sie gehen raus, sobald er erreichbar ist."
        )

    def events_text(self, lang: Language = "de") -> str | None:
        """One line when events wait for the Prefect server (posting fails, or no relay
        has taken them for a while), else None."""
        b = self.events
        late = b.oldest_pending is not None and self.now - b.oldest_pending >= EVENTS_LATE
        if not b.pending or not (b.failing_since or late):
            return None
        since = _when(b.failing_since or b.oldest_pending, lang)
        error = f" ({b.last_error})" if b.last_error else ""
        if lang == "en":
            return (
                f"Events not posted to Prefect: {b.pending} waiting since {since}{error}; "
                "their follow-ups start once `ikz events relay` reaches the server."
            )
        return (
            f"Ereignisse nicht an Prefect übermittelt: {b.pending} warten seit {since}{error}; "
            "ihre Folge-Flows starten, sobald `ikz events relay` den Server erreicht."
        )

    def lines(self, lang: Language = "de") -> list[str]:
        return [t for t in (self.mail_text(lang), self.events_text(lang)) if t]


def _when(at: datetime | None, lang: Language) -> str:
    if at is None:
        return "?"
    local = at.astimezone(BERLIN)
    if lang == "en":
        return local.strftime("%Y-%m-%d %H:%M (Berlin time)")
    return local.strftime("%d.%m.%Y, %H:%M Uhr")


def waiting(app: App) -> Waiting:
    with app.db.read() as s:
        return Waiting(deferred_backlog(session=s), backlog(session=s), app.clock())
