"""The sweep's reminders beside the reviews: conflicts open too long, and sign-off
requests that expired or wait long for the mayor's answer. Few rows, one transaction
each, after the portfolio's ranges (ikz.review.sweep).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ikz.actions.signoff import still_missing
from ikz.answers.links import mail_context
from ikz.app import App
from models.answers import open_link_for
from models.chain import prove
from models.cooperation import Cooperation
from models.outbox import Queued, enqueue_many
from models.queries import require
from models.review import (
    expire_signoff_request,
    mark_signoff_reminded,
    open_conflicts_since,
    pending_signoff_requests,
)
from states.proof import SYSTEM


def overdue_conflicts(app: App, now: datetime) -> tuple[int, int]:
    """Remind the coordinators of conflicts open longer than the setting allows;
    returns (conflicts, mails queued)."""
    limit = now - timedelta(days=app.settings.conflict_overdue_days)
    with app.db.write() as s:
        rows = open_conflicts_since(limit, session=s)
        queued = enqueue_many(
            s,
            [
                Queued(
                    recipient_ids=[coordinator_id],
                    kind="conflict_overdue",
                    context={
                        "cooperation_id": c.cooperation_id,
                        "title": title,
                        "conflict_id": c.id,
                        "subject": c.subject,
                        "level": c.level,
                        "days_open": (now - c.opened_at).days,
                    },
                    dedupe_prefix=f"conflict-overdue:{c.id}:{now.date().isoformat()}",
                )
                for c, title, coordinator_id in rows
            ],
            now=app.clock(),
        )
    return len(rows), sum(len(q) for q in queued)


def signoff_requests(app: App, now: datetime) -> tuple[int, int, int]:
    """Expire overdue sign-off requests and remind the mayors of those waiting long:
    the requests with their cooperations' titles in one query, the reminders in one bulk
    insert. Returns (reminders, expired, mails queued)."""
    remind_after = timedelta(days=app.settings.signoff_reminder_days)
    expired = 0
    reminders: list[Queued] = []
    with app.db.write() as s:
        prove(s, SYSTEM, None)  # ikz-flow's own act: the requests' deadlines
        for r, title in pending_signoff_requests(session=s):
            if r.due_at <= now:
                expire_signoff_request(r, session=s)
                expired += 1
                continue
            if now - (r.reminded_at or r.requested_at) >= remind_after:
                mark_signoff_reminded(r, now, session=s)
                # The request's own answer link again (its proof names the request's mail).
                link = open_link_for("signoff", r.id or 0, r.mayor_id, session=s)
                answer = mail_context(link) if link is not None else {}
                coop = require(s, Cooperation, r.cooperation_id)
                reminders.append(
                    Queued(
                        recipient_ids=[r.mayor_id],
                        kind="signoff_reminder",
                        context={
                            "cooperation_id": r.cooperation_id,
                            "title": title,
                            "gate": r.gate,
                            "due_at": r.due_at.isoformat(),
                            "flow_run_id": r.flow_run_id,
                            # What else is missing now, not when the request was opened.
                            "missing": still_missing(app, s, coop, r.gate, r.municipality_id),
                            **answer,
                        },
                        dedupe_prefix=f"signoff-reminder:{r.id}:{now.date().isoformat()}",
                    )
                )
        sent = sum(len(q) for q in enqueue_many(s, reminders, now=app.clock()))
    return len(reminders), expired, sent
