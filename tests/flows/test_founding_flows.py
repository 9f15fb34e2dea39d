"""The founding actions as Prefect flows on a real (test) Prefect server: planned and
recorded through the flows' `eingabe`, refused with the use case's one line."""

from __future__ import annotations

import pytest

from flows.common import ActionFailed
from tests.factories import World
from tests.flows.conftest import run
from tests.founding.helpers import coop_with

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def test_a_founding_is_planned_and_a_resolution_recorded_through_flows(
    prefect_server: None, world: World
) -> None:
    cid, mids = coop_with(world, "NW")
    k = world.coordinator_id
    planned = run("plan_founding", {"cooperation_id": cid, "actor_id": k})
    assert (planned["state"], planned["form"]) == ("NW", "agreement_delegating")
    row = run(
        "record_council_resolution",
        {
            "cooperation_id": cid,
            "municipality_id": mids[0],
            "resolved_on": "2026-10-14",
            "body": "Rat der Stadt",
            "agenda_item": "TOP 4",
            "actor_id": k,
        },
    )
    assert (row["kind"], row["result"], row["occurred_on"]) == (
        "resolution",
        "adopted",
        "2026-10-14",
    )
    with pytest.raises(ActionFailed, match=r"Das Datum 2099-01-01 liegt in der Zukunft\."):
        run(
            "record_council_resolution",
            {
                "cooperation_id": cid,
                "municipality_id": mids[1],
                "resolved_on": "2099-01-01",
                "actor_id": k,
            },
        )
    with pytest.raises(ActionFailed, match="'plan_founding' ist Koordinator:innen vorbehalten"):
        run("plan_founding", {"cooperation_id": cid, "actor_id": world.partners[0].contact_id})


def test_a_clause_is_recorded_and_refused_through_its_flow(
    prefect_server: None, world: World
) -> None:
    cid, _ = coop_with(world, "NW")
    k = world.coordinator_id
    run("plan_founding", {"cooperation_id": cid, "actor_id": k})
    today = world.clock().date().isoformat()
    row = run(
        "record_founding_clause",
        {
            "cooperation_id": cid,
            "clause": "term",
            "text": "Die Vereinbarung läuft zehn Jahre.",
            "term_years": 10,
            "agreed_on": today,
            "actor_id": k,
        },
    )
    assert (row["code"], row["term_years"], row["open_ended"]) == ("term", 10, False)
    with pytest.raises(
        ActionFailed, match=r"Laufzeit: entweder die Jahre \(--years N\) oder unbefristet"
    ):
        run(
            "record_founding_clause",
            {
                "cooperation_id": cid,
                "clause": "term",
                "text": "zehn Jahre",
                "agreed_on": today,
                "actor_id": k,
            },
        )
