"""A cooperation's snapshot is the same alone and in any batch, and the batched outbox
writer gives exactly what one enqueue per item gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from benchmarks.portfolio import NOW, generate
from ikz.app import App
from ikz.review import sweep_portfolio
from models.cooperation import Cooperation
from models.health import HealthCheckRecord
from models.outbox import Notification, OutboxContext, Queued, enqueue, enqueue_many
from models.queries import COOP_ROW_COLUMNS, CoopRow, load_snapshot, load_snapshots
from tests.factories import FakeClock, World, coop_in, make_app, make_world


def test_a_snapshot_is_the_same_alone_and_in_odd_batches_of_a_generated_portfolio(app: App) -> None:
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


def test_a_snapshot_is_the_same_alone_and_batched_for_cooperations_built_by_use_cases(
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


def test_load_snapshots_by_id_list_by_id_range_and_from_plain_rows(app: App) -> None:
    # Sparse ids are selected by an IN list, dense ones by an id range whose rows of
    # cooperations outside the batch are dropped; plain rows serve as well as models.
    generate(app.db, 200, seed=11)
    with app.db.read() as s:
        coops = s.exec(select(Cooperation).order_by(col(Cooperation.id))).all()
        one_by_one = {c.id: load_snapshot(s, c) for c in coops}
        sparse = coops[::3]
        gapped = [c for i, c in enumerate(coops[:150]) if i % 5]
        for batch in (sparse, gapped):
            assert load_snapshots(s, batch) == {c.id: one_by_one[c.id] for c in batch}
        rows = [
            CoopRow._make(r)
            for r in s.connection().execute(
                sa_select(*COOP_ROW_COLUMNS).order_by(Cooperation.__table__.c.id)  # type: ignore[attr-defined]
            )
        ]
        assert load_snapshots(s, rows[:120]) == {c.id: one_by_one[c.id] for c in coops[:120]}


def _sweep_outcome(url: str, data_dir: Path) -> tuple[Any, ...]:
    """Two sweeps on the same day over a generated portfolio, and everything they wrote."""
    app = make_app(url, data_dir)
    try:
        generate(app.db, 150, seed=5)
        app.clock = FakeClock(NOW)
        first = sweep_portfolio(app, batch_size=40)
        again = sweep_portfolio(app, batch_size=40)  # nothing due, reminders deduped
        out, hc, coop = Notification.__table__, HealthCheckRecord.__table__, Cooperation.__table__  # type: ignore[attr-defined]
        ctx = OutboxContext.__table__  # type: ignore[attr-defined]
        with app.db.read() as s:
            conn = s.connection()
            mails = conn.execute(sa_select(*out.c, ctx.c.body).join(ctx).order_by(out.c.id)).all()
            checks = conn.execute(sa_select(*hc.c).order_by(hc.c.id)).all()
            dates = conn.execute(sa_select(coop.c.id, coop.c.next_review_at)).all()
        return first, again, [tuple(r) for r in mails], [tuple(r) for r in checks], set(dates)
    finally:
        app.close()


def test_the_sweep_writes_the_same_on_postgresql_as_on_sqlite(
    sqlite_url: str, pg_url: str, tmp_path: Path
) -> None:
    on_sqlite = _sweep_outcome(sqlite_url, tmp_path)
    first, again, mails, checks, _ = on_sqlite
    assert first.notifications == len(mails) > 0 and len(checks) == first.reviews_due > 0
    # A review's mails share one stored context: fewer contexts than mails.
    contexts = {m[3] for m in mails}
    assert len(contexts) < len(mails) and mails[0][3] == 1
    assert again.notifications == 0 and again.silent == first.silent > 0
    assert _sweep_outcome(pg_url, tmp_path) == on_sqlite


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_enqueue_and_enqueue_many_write_the_same_rows(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'q.sqlite3'}"
        if backend == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    app = make_app(url, tmp_path)
    try:
        w = make_world(app)
        people = [w.coordinator_id, w.partners[0].contact_id, w.partners[1].mayor_id]
        context = {"title": "Gemeinsamer Bauhof", "grüße": ["ä", 1, None], "n": 2.5}
        with app.db.write() as s:
            one = enqueue(
                s,
                recipient_ids=[*people, people[0]],
                kind="k",
                context=context,
                dedupe_prefix="one",
                now=app.clock(),
            )
            [many] = enqueue_many(s, [Queued(people, "k", context, "many")], now=app.clock())
            # Already queued: neither queues it again, and no context is left behind.
            assert enqueue(s, recipient_ids=people, kind="k", context={}, dedupe_prefix="one") == []
            assert enqueue_many(s, [Queued(people, "k", {}, "many")]) == [[]]
        assert one == many == people
        with app.db.read() as s:
            rows = s.exec(select(Notification).order_by(col(Notification.id))).all()
            stored = s.exec(select(OutboxContext)).all()
        # One context per call, shared by its three rows.
        assert len(stored) == 2
        assert {
            p: {r.context_id for r in rows if r.dedupe_key.startswith(p)} for p in ("one", "many")
        } == {
            "one": {stored[0].id},
            "many": {stored[1].id},
        }

        def shape(r: Notification) -> tuple[Any, ...]:
            return (
                r.recipient_id,
                r.kind,
                r.context,
                r.language,
                r.status,
                r.attempts,
                r.deferrals,
                r.next_attempt_at,
                r.last_error,
                r.created_at,
                r.dedupe_key.split(":", 1)[1],
            )

        by_prefix = {
            p: [shape(r) for r in rows if r.dedupe_key.startswith(p + ":")] for p in ("one", "many")
        }
        assert by_prefix["one"] == by_prefix["many"] and len(by_prefix["one"]) == 3
        assert by_prefix["one"][0][2] == context
    finally:
        app.close()
