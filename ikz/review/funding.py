"""The sweep's funding reminders: the coordinator hears when a grant's proof of use
(Verwendungsnachweis) is due soon or overdue, and when an application waits for its
decision longer than the programme says it takes. What is due is decided in
states.funding_deadlines; one mail per application, kind and deadline, however often the
sweep runs (the outbox's dedupe key).
"""

from __future__ import annotations

from datetime import datetime

from ikz.app import App
from models.funding import application_snaps, funding_reminder_rows
from models.outbox import Queued, enqueue_many
from states.funding_deadlines import funding_reminders

_CHUNK = 500


def funding_deadlines(app: App, now: datetime) -> tuple[int, int]:
    """Queue the funding reminders due today; returns (reminders, mails queued)."""
    today = now.date()
    ahead = app.settings.funding_proof_reminder_days
    with app.db.read() as s:
        rows = funding_reminder_rows(session=s)
    items: list[Queued] = []
    for i in range(0, len(rows), _CHUNK):
        chunk = rows[i : i + _CHUNK]
        with app.db.read() as s:
            snaps = application_snaps([cid for cid, _, _ in chunk], session=s)
        for cid, title, coordinator in chunk:
            if coordinator is None:
                continue
            for a in snaps.get(cid, ()):
                for r in funding_reminders(a, today, ahead):
                    items.append(
                        Queued(
                            recipient_ids=[coordinator],
                            kind="funding_deadline",
                            context={
                                "cooperation_id": cid,
                                "title": title,
                                "what": r.what,
                                "due_on": r.due.isoformat(),
                                "programme": a.programme,
                                "programme_name": a.programme_name,
                            },
                            dedupe_prefix=r.key(cid, a.programme),
                        )
                    )
    if not items:
        return 0, 0
    with app.db.write() as s:
        queued = enqueue_many(s, items, now=app.clock())
    # A reminder already sent on an earlier day is deduplicated: it does not count again.
    return sum(1 for q in queued if q), sum(len(q) for q in queued)
