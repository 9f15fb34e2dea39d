"""The actions that had a CLI command only (planned meetings, the digest setting, the
success report's summary) run as flows too: each refused and accepted, on a real
Prefect server, against the database the settings name."""

from __future__ import annotations

import pytest

from flows.common import ActionFailed
from tests.factories import World, open_coop
from tests.flows.conftest import run

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def test_a_meeting_is_scheduled_moved_and_cancelled_through_flows(
    prefect_server: None, world: World
) -> None:
    cid = open_coop(world)
    attendees = [world.partners[0].contact_id, world.partners[1].contact_id]
    planned = run(
        "schedule_meeting",
        {
            "cooperation_id": cid,
            "kind": "steering_round",
            "starts_at": "2030-03-12T10:00",
            "attendee_ids": attendees,
            "actor_id": world.coordinator_id,
        },
    )
    assert planned["starts_at"] == "2030-03-12T10:00:00+01:00"
    assert planned["attendee_ids"] == attendees
    moved = run(
        "reschedule_meeting",
        {"meeting_id": planned["id"], "starts_at": "2030-03-19T14:00", "actor_id": 1},
    )
    assert (moved["starts_at"], moved["sequence"]) == ("2030-03-19T14:00:00+01:00", 1)
    cancelled = run(
        "cancel_meeting", {"meeting_id": planned["id"], "reason": "Krankheit", "actor_id": 1}
    )
    assert cancelled["cancelled"] is True


def test_a_meeting_in_the_past_or_by_a_stranger_is_refused(
    prefect_server: None, world: World
) -> None:
    cid = open_coop(world, n_partners=1)
    base = {
        "cooperation_id": cid,
        "kind": "steering_round",
        "attendee_ids": [world.partners[0].contact_id],
    }
    with pytest.raises(ActionFailed, match=r"Der Termin muss in der Zukunft liegen\."):
        run(
            "schedule_meeting",
            {**base, "starts_at": "2020-03-12T10:00", "actor_id": world.coordinator_id},
        )
    stranger = world.partners[2].contact_id  # a contact of a municipality not in it
    with pytest.raises(ActionFailed, match="Partnerkommune"):
        run("schedule_meeting", {**base, "starts_at": "2030-03-12T10:00", "actor_id": stranger})


def test_the_digest_setting_runs_as_a_flow_and_is_the_person_s_own(
    prefect_server: None, world: World
) -> None:
    mayor = world.partners[0].mayor_id
    done = run("set_digest", {"person_id": mayor, "mode": "weekly", "actor_id": mayor})
    assert (done["id"], done["digest"]) == (mayor, "weekly")
    other = world.partners[1].mayor_id
    with pytest.raises(ActionFailed, match="'register_person' ist Koordinator:innen vorbehalten"):
        run("set_digest", {"person_id": other, "mode": "daily", "actor_id": mayor})
    with pytest.raises(ActionFailed, match="Unbekannte Zustellart 'hourly'"):
        run("set_digest", {"person_id": mayor, "mode": "hourly", "actor_id": mayor})


def test_a_report_summary_is_recorded_by_the_coordinator_only(
    prefect_server: None, world: World
) -> None:
    cid = open_coop(world)
    row = run(
        "record_report",
        {"cooperation_id": cid, "summary": "Ein Jahr Bauhof", "actor_id": world.coordinator_id},
    )
    assert (row["cooperation_id"], row["summary"]) == (cid, "Ein Jahr Bauhof")
    with pytest.raises(ActionFailed, match="'record_report' ist Koordinator:innen vorbehalten"):
        run(
            "record_report",
            {"cooperation_id": cid, "summary": "x", "actor_id": world.partners[0].contact_id},
        )
