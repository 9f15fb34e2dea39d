"""The daily portfolio sweep anchors the audit trail: on a real Prefect server, the
scheduled flow writes the day's signed heads to data_dir/anchors and mails their digest
to the coordinators; `verify` against that anchor passes, and catches a cut-off chain."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from ikz.views.audit import verify_trail
from models.outbox import Notification
from tests.factories import World, coop_in

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def test_the_daily_sweep_anchors_the_trail(prefect_server: None, world: World) -> None:
    from flows.portfolio import review_portfolio

    cid = coop_in(world, "pilot")
    review_portfolio(batch_size=50)
    [anchor] = sorted((Path(world.app.settings.data_dir) / "anchors").glob("*.json"))
    report = verify_trail(world.app, anchor)
    assert [f.en for f in report.findings] == []
    assert report.anchored_chains >= 2  # the lifecycle and the fact chain of the pilot
    with world.app.db.read() as s:
        told = s.exec(select(Notification).where(col(Notification.kind) == "audit_anchor")).all()
    assert [n.recipient_id for n in told] == [world.coordinator_id]
    # Cut off the pilot's last lifecycle record and set the cooperation back to match:
    # only the anchor still knows the head.
    with world.app.db.write() as s:
        s.execute(
            text("DELETE FROM transition_record WHERE cooperation_id = :c AND seq = 4"), {"c": cid}
        )
        s.execute(
            text("UPDATE cooperation SET state = 'agreement', version = 3 WHERE id = :c"),
            {"c": cid},
        )
    assert verify_trail(world.app).ok
    assert [(f.code, f.cooperation_id) for f in verify_trail(world.app, anchor).findings] == [
        ("anchored_head_missing", cid)
    ]
