"""models.delivery's WHERE clause for due rows says what states.delivery.due says."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from models.delivery import due_clause
from models.outbox import Notification
from states.delivery import due
from tests.factories import World, open_coop

STATUSES = ("pending", "sending", "sent", "failed")
OFFSETS = (timedelta(minutes=-5), timedelta(0), timedelta(minutes=5))


def test_the_sql_due_clause_selects_the_rows_the_rule_calls_due(world: World) -> None:
    w = world
    for n in range(3):  # five rows each
        open_coop(w, title=f"Bauhof {n}")
    now = w.app.clock()
    with w.app.db.write() as s:
        ids = [i for i in s.exec(select(Notification.id).order_by(col(Notification.id))) if i]
        grid = [(st, off) for st in STATUSES for off in OFFSETS]
        assert len(ids) >= len(grid)
        for row_id, (status, offset) in zip(ids, grid, strict=False):
            s.execute(
                update(Notification)
                .where(col(Notification.id) == row_id)
                .values(status=status, next_attempt_at=now + offset)
            )
    with w.app.db.read() as s:
        rows = s.exec(select(Notification)).all()
        selected = set(s.exec(select(Notification.id).where(due_clause(now))).all())
    expected = {r.id for r in rows if due(r.status, r.next_attempt_at, now)}
    assert selected == expected
    # Both ways: the grid has due and not-due rows.
    assert selected and len(selected) < len(rows)
