"""The batched snapshot loader and outbox writer give exactly what the per-row ones give."""

from __future__ import annotations

from sqlmodel import col, select

from benchmarks.portfolio import generate
from ikz.app import App
from models.cooperation import Cooperation
from models.outbox import Notification, Queued, enqueue, enqueue_many
from models.queries import load_snapshot, load_snapshots
from tests.factories import World, coop_in


def test_load_snapshots_equals_load_snapshot_on_a_generated_portfolio(app: App) -> None:
    generate(app.db, 400, seed=7)
    with app.db.read() as s:
        coops = s.exec(select(Cooperation).order_by(col(Cooperation.id))).all()
        one_by_one = {c.id: load_snapshot(s, c) for c in coops}
        # Odd batch sizes: cooperations whose rows straddle batches must not mix.
        batched = {}
        for i in range(0, len(coops), 37):
            batched |= load_snapshots(s, coops[i : i + 37])
    assert batched == one_by_one
    assert any(snap.conflicts for snap in batched.values())
    assert any(snap.signoffs for snap in batched.values())
    assert load_snapshots(s, []) == {}


def test_load_snapshots_equals_load_snapshot_for_cooperations_built_by_use_cases(
    world: World,
) -> None:
    cids = [coop_in(world, state) for state in ("informal_contact", "pilot", "permanent")]
    with world.app.db.read() as s:
        coops = list(s.exec(select(Cooperation).where(col(Cooperation.id).in_(cids))).all())
        assert load_snapshots(s, coops) == {c.id: load_snapshot(s, c) for c in coops}


def test_enqueue_many_skips_queued_keys_like_enqueue(world: World) -> None:
    app, coord = world.app, world.coordinator_id
    contact = world.partners[0].contact_id
    with app.db.write() as s:
        enqueue(s, recipient_ids=[coord], kind="k", context={}, dedupe_prefix="a")
    with app.db.write() as s:
        queued = enqueue_many(
            s,
            [
                Queued([coord, contact, None, contact], "k", {"n": 1}, "a"),
                Queued([contact], "k", {"n": 2}, "a"),  # same key as above: skipped
                Queued([coord], "k", {"n": 3}, "b"),
            ],
            now=app.clock(),
        )
    assert queued == [[contact], [], [coord]]
    with app.db.read() as s:
        rows = s.exec(select(Notification).order_by(col(Notification.id))).all()
    assert [(r.dedupe_key, r.status, r.created_at) for r in rows[1:]] == [
        (f"a:{contact}", "pending", app.clock()),
        (f"b:{coord}", "pending", app.clock()),
    ]
