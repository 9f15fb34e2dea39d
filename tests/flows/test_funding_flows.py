"""The funding actions as Prefect flows on a real (test) Prefect server: costs recorded
through the flows' `eingabe` with their exact digits, an application prepared, and
refusals with the use case's one line."""

from __future__ import annotations

import pytest

from flows.common import ActionFailed
from tests.factories import World
from tests.flows.conftest import run
from tests.funding.helpers import coop_in

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def test_costs_and_an_application_through_flows(prefect_server: None, world: World) -> None:
    cid, mids = coop_in(world, "BY", 2)
    k = world.coordinator_id
    row = run(
        "record_cost_baseline",
        {
            "cooperation_id": cid,
            "municipality_id": mids[0],
            "year": 2024,
            "personnel": "0.10",
            "material": "0.2",
            "actor_id": k,
        },
    )
    assert (row["personnel"], row["material"], row["one_off"]) == ("0.10", "0.20", "0.00")
    with pytest.raises(ActionFailed, match=r"personnel: muss mindestens 0 sein"):
        run(
            "record_cost_baseline",
            {
                "cooperation_id": cid,
                "municipality_id": mids[1],
                "year": 2024,
                "personnel": "-1",
                "material": "0",
                "actor_id": k,
            },
        )
    prepared = run(
        "prepare_funding_application",
        {"cooperation_id": cid, "programme": "by_ikz", "prepared_on": "2026-03-02", "actor_id": k},
    )
    assert (prepared["programme"], prepared["state"]) == ("by_ikz", "BY")
    with pytest.raises(ActionFailed, match=r"Entscheidung vor der Einreichung des Antrags\."):
        run(
            "record_funding_decision",
            {
                "cooperation_id": cid,
                "programme": "by_ikz",
                "decided_on": "2026-03-03",
                "result": "approved",
                "amount": "40000",
                "actor_id": k,
            },
        )


def test_a_cost_key_through_its_flow_with_partners_by_name(
    prefect_server: None, world: World
) -> None:
    cid, _ = coop_in(world, "BY", 2)
    k = world.coordinator_id
    done = run(
        "record_cost_key",
        {
            "cooperation_id": cid,
            "shares": [
                {"municipality_id": "Stadt Erlangen", "percent": "62.5"},
                {"municipality_id": "Markt Heroldsberg", "percent": "37.5"},
            ],
            "actor_id": k,
        },
    )
    assert done["text"] == "Stadt Erlangen 62,50 %, Markt Heroldsberg 37,50 %"
    assert [s["percent"] for s in done["shares"]] == ["62.50", "37.50"]
    with pytest.raises(ActionFailed, match=r"Die Anteile ergeben 100,01 %, nicht 100 %\."):
        run(
            "record_cost_key",
            {
                "cooperation_id": cid,
                "shares": [
                    {"municipality_id": "Stadt Erlangen", "percent": "62.51"},
                    {"municipality_id": "Markt Heroldsberg", "percent": "37.5"},
                ],
                "actor_id": k,
            },
        )
