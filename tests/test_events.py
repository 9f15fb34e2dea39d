"""The event outbox (models.event_outbox) and its relay (ikz.events.relay): events are
written with the change or not at all, each with a stable id, and posted once, in order
per cooperation, with backoff while the server is away, by one relay or two at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from ikz.actions.conflicts import raise_conflict
from ikz.app import App
from ikz.events import relay
from models import commands as c
from models.event_outbox import OutboxEvent, claim, events_of, skip_open
from states.errors import GateRefusedError
from tests.factories import World, go, make_app, make_world, open_coop


class Poster:
    """Stands in for post_events: records each posted batch, or fails like a closed port."""

    def __init__(self) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.down = False

    def __call__(self, url: str, events: list[dict[str, Any]], timeout: float = 5.0) -> None:
        if self.down:
            raise ConnectionRefusedError(111, "Connection refused")
        self.batches.append(events)

    @property
    def ids(self) -> list[str]:
        return [e["id"] for b in self.batches for e in b]


@pytest.fixture
def poster(monkeypatch: pytest.MonkeyPatch) -> Poster:
    p = Poster()
    monkeypatch.setattr(relay, "post_events", p)
    return p


def _events(app: App, cid: int) -> list[OutboxEvent]:
    with app.db.read() as s:
        return events_of(cid, session=s)


# --- written with the change ------------------------------------------------------------


def test_opening_and_a_transition_write_their_events_in_the_transaction(world: World) -> None:
    cid = open_coop(world)
    go(world, cid, "pause", reason="Haushaltssperre")
    opened, paused = _events(world.app, cid)
    assert [opened.name, paused.name] == [
        "ikz.cooperation.entered.informal_contact",
        "ikz.cooperation.entered.paused",
    ]
    assert str(uuid.UUID(paused.event_id)) == paused.event_id != opened.event_id
    assert paused.resource == {
        "prefect.resource.id": f"ikz.cooperation.{cid}",
        "prefect.resource.name": "Gemeinsamer Bauhof",
    }
    assert paused.payload == {
        "cooperation_id": cid,
        "from_state": "informal_contact",
        "to_state": "paused",
        "trigger": "pause",
        "version": 2,
    }
    related = {(r["prefect.resource.id"], r["prefect.resource.role"]) for r in paused.related}
    assert related == {
        *((f"ikz.municipality.{p.municipality_id}", "partner") for p in world.partners[:2]),
        (f"ikz.person.{world.coordinator_id}", "actor"),
    }
    assert (paused.status, paused.attempts, paused.cooperation_id) == ("pending", 0, cid)
    assert opened.payload["from_state"] is None and opened.payload["version"] == 1


def test_a_refused_transition_writes_no_event(world: World) -> None:
    cid = open_coop(world)
    with pytest.raises(GateRefusedError):
        go(world, cid, "explore")
    assert [e.name for e in _events(world.app, cid)] == ["ikz.cooperation.entered.informal_contact"]


def test_a_raised_conflict_writes_its_event(world: World) -> None:
    cid = open_coop(world)
    conflict = raise_conflict(
        world.app,
        c.RaiseConflict(cooperation_id=cid, subject="Winterdienst", actor_id=world.coordinator_id),
    )
    event = _events(world.app, cid)[-1]
    assert event.name == "ikz.conflict.raised"
    assert (event.conflict_id, event.cooperation_id) == (conflict.id, cid)
    assert event.resource["prefect.resource.name"] == "Winterdienst"
    assert event.related[0]["prefect.resource.name"] == "Gemeinsamer Bauhof"
    assert event.payload == {"conflict_id": conflict.id, "cooperation_id": cid}


# --- the relay ---------------------------------------------------------------------------


def test_the_relay_posts_each_event_once_with_its_stable_id(world: World, poster: Poster) -> None:
    cid = open_coop(world)
    go(world, cid, "pause", reason="Haushaltssperre")
    written = [e.event_id for e in _events(world.app, cid)]
    assert relay.relay_pending(world.app, "http://prefect.invalid/api") == relay.Relayed(sent=2)
    assert poster.ids == written
    assert poster.batches[0][1]["event"] == "ikz.cooperation.entered.paused"
    assert poster.batches[0][1]["occurred"] == world.clock().isoformat()
    assert relay.relay_pending(world.app, "http://prefect.invalid/api") == relay.Relayed()
    assert poster.ids == written
    assert {e.status for e in _events(world.app, cid)} == {"sent"}


def test_a_failed_post_backs_off_and_is_retried_with_the_same_ids(
    world: World, poster: Poster
) -> None:
    cid = open_coop(world)
    poster.down = True
    failed = relay.relay_pending(world.app, "http://prefect.invalid/api")
    assert (failed.sent, failed.failed) == (0, 1)
    assert failed.error == "ConnectionRefusedError: [Errno 111] Connection refused"
    (row,) = _events(world.app, cid)
    assert (row.status, row.attempts) == ("pending", 1)
    assert world.clock() + timedelta(seconds=1) <= row.next_attempt_at
    assert row.next_attempt_at <= world.clock() + timedelta(seconds=2)
    status = relay.status(world.app)
    assert (status["pending"], status["failing_since"]) == (1, world.clock())
    assert status["last_error"] == failed.error
    # Not due yet: nothing is tried, even with the server back.
    poster.down = False
    assert relay.relay_pending(world.app, "http://prefect.invalid/api") == relay.Relayed()
    world.clock.advance(seconds=2)
    assert relay.relay_pending(world.app, "http://prefect.invalid/api") == relay.Relayed(sent=1)
    assert poster.ids == [row.event_id]
    status = relay.status(world.app)
    assert (status["pending"], status["sent"], status["failing_since"]) == (0, 1, None)


def test_a_cooperation_with_a_backed_off_event_waits_and_others_go(
    world: World, poster: Poster
) -> None:
    first = open_coop(world)
    poster.down = True
    relay.relay_pending(world.app, "http://prefect.invalid/api")
    poster.down = False
    go(world, first, "pause", reason="Haushaltssperre")
    second = open_coop(world, title="Gemeinsame IT")
    # The fast path of `first` finds its earlier event backing off: nothing of it goes.
    assert relay.relay_pending(world.app, "u", cooperation_ids=[first]) == relay.Relayed()
    assert relay.relay_pending(world.app, "u") == relay.Relayed(sent=1)
    assert [e["resource"]["prefect.resource.id"] for e in poster.batches[0]] == [
        f"ikz.cooperation.{second}"
    ]
    world.clock.advance(seconds=2)
    assert relay.relay_pending(world.app, "u") == relay.Relayed(sent=2)
    assert [e["event"] for e in poster.batches[1]] == [
        "ikz.cooperation.entered.informal_contact",
        "ikz.cooperation.entered.paused",
    ]


def test_the_hook_posts_the_changes_events_at_once_and_keeps_them_if_it_cannot(
    world: World, poster: Poster
) -> None:
    world.app.after_commit.append(relay.prefect_event_hook(world.app, "http://prefect.invalid"))
    cid = open_coop(world)
    assert [e.status for e in _events(world.app, cid)] == ["sent"]
    poster.down = True
    go(world, cid, "pause", reason="Haushaltssperre")  # the change stands
    assert [e.status for e in _events(world.app, cid)] == ["sent", "pending"]
    poster.down = False
    world.clock.advance(seconds=2)
    go(world, cid, "resume")
    assert [e.status for e in _events(world.app, cid)] == ["sent", "sent", "sent"]
    assert [len(b) for b in poster.batches] == [1, 2]


def test_replayed_history_is_skipped_not_posted(world: World, poster: Poster) -> None:
    cid = open_coop(world)
    with world.app.db.write() as s:
        assert skip_open(session=s, now=world.clock()) == 1
    assert relay.relay_pending(world.app, "u") == relay.Relayed()
    assert [e.status for e in _events(world.app, cid)] == ["skipped"]


# --- two relays at once ------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[App, World, int, int]]:
    """Two cooperations with two pending events each (ids in order: a, a, b, b)."""
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    app = make_app(url, tmp_path)
    try:
        w = make_world(app)
        a = open_coop(w)
        go(w, a, "pause", reason="Haushaltssperre")
        b = open_coop(w, title="Gemeinsame IT")
        go(w, b, "pause", reason="Haushaltssperre")
        yield app, w, a, b
    finally:
        app.close()


def test_a_second_claim_takes_other_events_and_never_overtakes(
    two: tuple[App, World, int, int],
) -> None:
    app, w, a, b = two
    with app.db.write() as s:
        first = claim(session=s, now=w.clock(), limit=1)
    with app.db.write() as s:
        second = claim(session=s, now=w.clock(), limit=50)
    assert [(e.cooperation_id, e.name) for e in first] == [
        (a, "ikz.cooperation.entered.informal_contact")
    ]
    # a's first event is claimed ('sending'): a's second waits for it; b's go.
    assert [e.cooperation_id for e in second] == [b, b]
    with app.db.write() as s:
        assert claim(session=s, now=w.clock(), limit=50) == []
    # Once the leases ran out (the relays died), every event goes again, a's in order.
    w.clock.advance(minutes=3)
    with app.db.write() as s:
        again = claim(session=s, now=w.clock(), limit=50)
    assert [e.id for e in again] == [first[0].id, first[0].id + 1, *(e.id for e in second)]
    assert again[0].event_id == first[0].event_id


@pytest.mark.postgres
def test_a_row_locked_by_another_claim_is_not_overtaken(pg_url: str, tmp_path: Path) -> None:
    """PostgreSQL: a relay's scan skips rows another relay is claiming (SKIP LOCKED); the
    UPDATE's check keeps it from taking a later event of the same cooperation."""
    app = make_app(pg_url, tmp_path)
    try:
        w = make_world(app)
        a = open_coop(w)
        go(w, a, "pause", reason="Haushaltssperre")
        b = open_coop(w, title="Gemeinsame IT")
        a_first = _events(app, a)[0].id
        with app.db.write() as s1:
            s1.execute(
                text("SELECT id FROM event_outbox WHERE id = :id FOR UPDATE"), {"id": a_first}
            )
            with app.db.write() as s2:
                taken = claim(session=s2, now=w.clock(), limit=50)
        assert [e.cooperation_id for e in taken] == [b]
    finally:
        app.close()
