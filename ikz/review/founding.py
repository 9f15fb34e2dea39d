"""The sweep's founding reminders: the coordinator hears, a few working days ahead, of
each partner's submission deadline (Vorlage bis) for the council meeting its missing
resolution targets, and of the day the authority's approval counts as granted. What is
near is decided in states.founding_reminders; one mail per partner and meeting (or per
approval date), however often the sweep runs: the outbox's dedupe key says so.
"""

from __future__ import annotations

from datetime import datetime

from ikz.app import App
from models.founding import founding_reminder_rows, founding_snaps
from models.outbox import Queued, enqueue_many
from states.founding_reminders import founding_reminders

# Foundings read per query: a few hundred plans with their events and meetings.
_CHUNK = 500


def founding_deadlines(app: App, now: datetime) -> tuple[int, int]:
    """Queue the founding deadline reminders due today; returns (reminders, mails queued)."""
    today = now.date()
    ahead = app.settings.founding_reminder_working_days
    with app.db.read() as s:
        rows = founding_reminder_rows(session=s)
    items: list[Queued] = []
    for i in range(0, len(rows), _CHUNK):
        chunk = rows[i : i + _CHUNK]
        with app.db.read() as s:
            snaps = founding_snaps([cid for cid, _, _ in chunk], session=s, today=today)
        for cid, title, coordinator in chunk:
            snap = snaps.get(cid)
            if snap is None or coordinator is None:
                continue
            for r in founding_reminders(snap, today, ahead):
                mid = r.municipality_id
                items.append(
                    Queued(
                        recipient_ids=[coordinator],
                        kind="founding_deadline",
                        context={
                            "cooperation_id": cid,
                            "title": title,
                            "what": r.what,
                            "due_on": r.due.isoformat(),
                            "meets_on": r.meets_on.isoformat() if r.meets_on else None,
                            "body": r.body,
                            "municipality_id": mid,
                            "municipality_name": snap.name(mid) if mid is not None else None,
                        },
                        dedupe_prefix=r.key(cid),
                    )
                )
    if not items:
        return 0, 0
    with app.db.write() as s:
        queued = enqueue_many(s, items, now=app.clock())
    # A reminder already sent on an earlier day is deduplicated: it does not count again.
    fresh = [q for q in queued if q]
    return len(fresh), sum(len(q) for q in queued)
