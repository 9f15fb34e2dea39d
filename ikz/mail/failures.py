"""Tell the coordinator when a notification failed for good (kind `delivery_failed`).

Sent to the coordinator of the cooperation named in the failed row's context, or to every
coordinator when there is none, never to the address that just failed. At most one per
cooperation, coordinator and day: a bad address list must not bury the coordinator; the
portfolio's column "Zustellfehler" counts every failure. A failed `delivery_failed` row
never causes another one, so failures cannot loop.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.cooperation import Cooperation
from models.outbox import Notification, enqueue
from models.registry import Person
from states.vocab import Role

KIND = "delivery_failed"


def _coordinators(s: Session, coop: Cooperation | None) -> list[int]:
    if coop is not None and coop.coordinator_id is not None:
        return [coop.coordinator_id]
    return [
        pid
        for pid, roles in s.exec(select(Person.id, Person.roles).order_by(col(Person.id)))
        if pid is not None and Role.COORDINATOR.value in roles
    ]


def queue_delivery_failure(
    s: Session, *, row: Notification, recipient: Person | None, reply: str, now: datetime
) -> int:
    """Queue the notice inside the caller's transaction; returns how many rows were queued."""
    if row.kind == KIND:
        return 0
    coop_id = row.context.get("cooperation_id")
    coop = s.get(Cooperation, coop_id) if isinstance(coop_id, int) else None
    targets = [pid for pid in _coordinators(s, coop) if pid != row.recipient_id]
    if not targets:
        return 0
    prefix = f"{KIND}:{coop.id if coop else '-'}:{now.date().isoformat()}"
    context = {
        "cooperation_id": coop.id if coop else None,
        "title": coop.title if coop else str(row.context.get("title") or ""),
        "failed_id": row.id,
        "failed_kind": row.kind,
        "recipient_id": row.recipient_id,
        "recipient_name": recipient.name if recipient else "",
        "recipient_email": recipient.email if recipient else "",
        "reply": reply[:300],
    }
    try:
        # enqueue skips a notice already queued today; a concurrent dispatcher may still
        # queue the same one in between: lose that race without undoing the caller's
        # transaction.
        with s.begin_nested():
            rows = enqueue(
                s,
                recipient_ids=list(targets),
                kind=KIND,
                context=context,
                dedupe_prefix=prefix,
                now=now,
            )
    except IntegrityError:
        return 0
    return len(rows)
