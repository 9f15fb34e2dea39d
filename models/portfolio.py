"""Reads over the whole portfolio: the listing, batches of cooperation rows, counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Row, bindparam, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from models.cooperation import Cooperation
from models.outbox import FAILED, Notification, OutboxContext
from models.queries import COOP_ROW_COLUMNS, CoopRow


def cooperation_list(state: str | None, *, session: Session) -> list[Row[Any]]:
    """(id, title, field_of_work, state, version, parent_id) of every cooperation (in
    `state` if given), in id order."""
    # Plain SQLAlchemy select: SQLModel's overloads stop at four columns.
    stmt = core_select(
        col(Cooperation.id),
        col(Cooperation.title),
        col(Cooperation.field_of_work),
        col(Cooperation.state),
        col(Cooperation.version),
        col(Cooperation.parent_id),
    ).order_by(col(Cooperation.id))
    if state:
        stmt = stmt.where(col(Cooperation.state) == state)
    return list(session.execute(stmt).all())


def cooperation_count(*, session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Cooperation)).one())


def coop_batches(*, session: Session, size: int) -> Iterator[list[CoopRow]]:
    """All cooperations as plain rows, `size` at a time in id order (keyset paging: each
    batch starts after the last id of the one before)."""
    table = COOP_ROW_COLUMNS[0].table
    stmt = (
        core_select(*COOP_ROW_COLUMNS)
        .where(table.c.id > bindparam("last"))
        .order_by(table.c.id)
        .limit(size)
    )
    last = 0
    while True:
        batch = [CoopRow._make(r) for r in session.connection().execute(stmt, {"last": last}).all()]
        if not batch:
            return
        yield batch
        last = batch[-1].id


def failed_notifications(*, session: Session) -> dict[int, int]:
    """Notifications that failed for good, counted per cooperation (from their context)."""
    coop = col(OutboxContext.body)["cooperation_id"].as_integer()
    counts = session.exec(
        select(coop, func.count())
        .select_from(Notification)
        .join(OutboxContext, col(OutboxContext.id) == col(Notification.context_id))
        .where(FAILED, coop.is_not(None))
        .group_by(coop)
    ).all()
    return {int(cid): n for cid, n in counts}
