"""The event outbox against a real Prefect server: 100 transitions while the relay's
target is a closed port, then the server: every event arrives exactly once, with its
stable id, in order per cooperation.

Read back through the REST API (POST /api/events/filter, 50 per page at most). Whether
the deployment triggers then start their review runs is not checked here (it needs the
served deployments and takes minutes); the triggers key on these event names, and skip
an event id they have seen (prefect.server.events.triggers: event_has_been_seen, 3.9),
as the server's event storage does (ON CONFLICT DO NOTHING): that is what the stable
ids are for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ikz.app import App
from ikz.events.prefect import api_request, post_events
from ikz.events.relay import Relayed, as_prefect_event, prefect_event_hook, relay_pending
from models.clock import utcnow
from models.event_outbox import OutboxEvent, events_of
from tests.factories import FakeClock, World, go, make_app, make_world, open_coop
from tests.mail.conftest import free_port

COOPS = 5
TRANSITIONS = 100


@pytest.fixture
def live_world(sqlite_url: str, tmp_path: Path) -> Iterator[World]:
    """A world whose clock starts now: the server keeps events by their time."""
    app: App = make_app(sqlite_url, tmp_path)
    app.clock = FakeClock(utcnow().replace(microsecond=0))
    try:
        yield make_world(app)
    finally:
        app.close()


def _row_id(row: OutboxEvent) -> int:
    return row.id or 0


def _api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "prefect_test_harness sets the API URL"
    return str(url).rstrip("/")


def _read_back(api_url: str, since: str, until: str) -> list[dict[str, Any]]:
    """Every ikz.cooperation event in the window, following the server's pages."""
    body = {
        "filter": {
            "occurred": {"since": since, "until": until},
            "resource": {"id_prefix": ["ikz.cooperation."]},
            "order": "ASC",
        },
        "limit": 50,
    }
    page = api_request(api_url, "POST", "/events/filter", body)
    events = list(page["events"])
    while page.get("next_page"):
        nxt = page["next_page"]
        path = nxt[nxt.index("/events/filter/next") :]
        page = api_request(api_url, "GET", path)
        events += page["events"]
    return events


def test_events_written_while_the_server_is_away_arrive_once_in_order(
    prefect_server: None, live_world: World
) -> None:
    w = live_world
    app = w.app
    closed = f"http://127.0.0.1:{free_port()}/api"
    # The fast path after each commit tries the closed port first, as a CLI would.
    app.after_commit.append(prefect_event_hook(app, closed))
    start = w.clock()
    coops = [open_coop(w, title=f"Kooperation {i}") for i in range(COOPS)]
    for i in range(TRANSITIONS):
        cid = coops[i % COOPS]
        go(w, cid, "pause" if (i // COOPS) % 2 == 0 else "resume", reason="Haushalt")
        w.clock.advance(seconds=1)
        if i % 10 == 0:  # the relay too, whenever a backoff has run out
            assert relay_pending(app, closed).sent == 0
    with app.db.read() as s:
        rows = sorted((e for c in coops for e in events_of(c, session=s)), key=_row_id)
    assert len(rows) == COOPS + TRANSITIONS
    assert {r.status for r in rows} == {"pending"}
    assert max(r.attempts for r in rows) >= 1

    api_url = _api_url()
    w.clock.advance(minutes=10)  # every backoff has run out
    assert relay_pending(app, api_url) == Relayed(sent=COOPS + TRANSITIONS)
    assert relay_pending(app, api_url) == Relayed()
    # A relay that died after posting posts again with the same ids: still one event each.
    post_events(api_url, [as_prefect_event(r) for r in rows[:20]])

    since = (start - timedelta(minutes=1)).isoformat()
    until = (w.clock() + timedelta(minutes=1)).isoformat()
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the server stores events in the background
        events = _read_back(api_url, since, until)
        if len(events) >= len(rows):
            time.sleep(6)  # past the persister's flush (5 s): a repeated id would show now
            events = _read_back(api_url, since, until)
            break
        time.sleep(0.5)
    ids = [e["id"] for e in events]
    assert sorted(ids) == sorted(r.event_id for r in rows)  # each exactly once
    by_id = {e["id"]: e for e in events}
    for cid in coops:
        mine = [by_id[r.event_id] for r in rows if r.cooperation_id == cid]
        assert [e["payload"]["version"] for e in mine] == list(range(1, TRANSITIONS // COOPS + 2))
        # Posted in order: no event of the cooperation reached the server before an
        # earlier one.
        received = [e["received"] for e in mine]
        assert received == sorted(received)
        assert mine[0]["event"] == "ikz.cooperation.entered.informal_contact"
        assert mine[1]["event"] == "ikz.cooperation.entered.paused"
        assert mine[2]["event"] == "ikz.cooperation.entered.informal_contact"
