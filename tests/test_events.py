"""Prefect events of committed changes (ikz.events.prefect): what they name and relate,
read from the database after the commit, and the hook that posts them."""

from __future__ import annotations

from typing import Any

import pytest

from ikz.actions.conflicts import raise_conflict
from ikz.events import prefect as events
from models import commands as c
from tests.factories import World, go, open_coop


def test_a_transition_names_the_cooperation_and_relates_partners_and_actor(world: World) -> None:
    cid = open_coop(world)
    go(world, cid, "pause", reason="Haushaltssperre")
    (event,) = events.transition_events(
        world.app,
        {
            "cooperation_id": cid,
            "from_state": "informal_contact",
            "to_state": "paused",
            "trigger": "pause",
            "actor_id": world.coordinator_id,
        },
    )
    assert event["event"] == "ikz.cooperation.entered.paused"
    assert event["resource"] == {
        "prefect.resource.id": f"ikz.cooperation.{cid}",
        "prefect.resource.name": "Gemeinsamer Bauhof",
    }
    assert event["payload"]["version"] == 2 and event["payload"]["trigger"] == "pause"
    related = {(r["prefect.resource.id"], r["prefect.resource.role"]) for r in event["related"]}
    assert related == {
        *((f"ikz.municipality.{p.municipality_id}", "partner") for p in world.partners[:2]),
        (f"ikz.person.{world.coordinator_id}", "actor"),
    }


def test_a_gone_cooperation_or_conflict_has_no_event(world: World) -> None:
    assert events.transition_events(world.app, {"cooperation_id": 999, "to_state": "paused"}) == []
    assert events.conflict_events(world.app, {"conflict_id": 999}) == []


def test_the_hook_posts_a_raised_conflict(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    cid = open_coop(world)
    conflict = raise_conflict(
        world.app,
        c.RaiseConflict(cooperation_id=cid, subject="Winterdienst", actor_id=world.coordinator_id),
    )
    posted: list[tuple[str, list[dict[str, Any]]]] = []
    monkeypatch.setattr(events, "post_events", lambda url, evs: posted.append((url, evs)))
    hook = events.prefect_event_hook(world.app, "http://prefect.invalid/api")
    hook("conflict_raised", {"conflict_id": conflict.id})
    hook("something_else", {})
    ((url, (event,)),) = posted
    assert url == "http://prefect.invalid/api"
    assert event["event"] == "ikz.conflict.raised"
    assert event["resource"]["prefect.resource.name"] == "Winterdienst"
    assert event["related"][0]["prefect.resource.name"] == "Gemeinsamer Bauhof"
