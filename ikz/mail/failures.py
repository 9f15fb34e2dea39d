"""Tell the coordinator when a notification failed for good (kind `delivery_failed`).

Sent to the coordinator of the cooperation named in the failed row's context, or to every
coordinator when there is none, never to the address that just failed. At most one per
cooperation, coordinator and day: a bad address list must not bury the coordinator; the
portfolio's column "Zustellfehler" counts every failure. A failed `delivery_failed` row
never causes another one, so failures cannot loop.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models import delivery
from models.outbox import Notification
from models.registry import Person

KIND = "delivery_failed"


def queue_delivery_failure(
    s: Session, *, row: Notification, recipient: Person | None, reply: str, now: datetime
) -> int:
    """Queue the notice inside the caller's transaction; returns how many rows were queued."""
    if row.kind == KIND:
        return 0
    coop_id = row.context.get("cooperation_id")
    coop = (
        delivery.cooperation_by_id(session=s, cooperation_id=coop_id)
        if isinstance(coop_id, int)
        else None
    )
    if coop is not None and coop.coordinator_id is not None:
        coordinators = [coop.coordinator_id]
    else:
        coordinators = delivery.coordinator_ids(session=s)
    targets = [pid for pid in coordinators if pid != row.recipient_id]
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
    # At most one a day: enqueue skips a notice already queued under this prefix.
    return delivery.enqueue_failure_notice(
        session=s, recipient_ids=targets, kind=KIND, context=context, dedupe_prefix=prefix, now=now
    )
