"""Forms filled in as a coordinator would, run as flows on a real Prefect server: names
and German labels instead of ids and codes, one German line for what does not fit, and
what the lenient form lets through refused by the use case, with nothing written."""

from __future__ import annotations

import pytest
from sqlmodel import select

from flows.common import ActionFailed
from models.cooperation import Cooperation, Meeting
from models.registry import Municipality, Person
from tests.factories import World, open_coop, satisfy_explore
from tests.flows.conftest import run

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def test_a_step_is_applied_by_title_and_german_label(prefect_server: None, world: World) -> None:
    cid = open_coop(world, title="Gemeinsamer Bauhof Saaletal")
    step = {"cooperation_id": "bauhof saaletal", "trigger": "Sondierung beginnen"}
    # Unmet gate first: no informal talk yet. Refused in one German line, by name.
    with pytest.raises(ActionFailed) as refused:
        run("advance_cooperation", {**step, "actor_id": world.coordinator_id})
    assert str(refused.value) == (
        "„Sondierung beginnen“ (explore) ist noch nicht möglich, es fehlt:\n"
        "  - [informal_exchange_missing] Noch kein informeller Austausch erfasst."
    )
    satisfy_explore(world, cid)
    done = run(
        "advance_cooperation",
        {**step, "expected_version": 0, "idempotency_key": "", "actor_id": world.coordinator_id},
    )
    assert (done["cooperation_id"], done["trigger"], done["to_state"]) == (
        cid,
        "explore",
        "exploration",
    )


def test_a_meeting_is_recorded_with_people_by_name_and_email(
    prefect_server: None, world: World
) -> None:
    cid = open_coop(world, title="Standesamt Thüringen")
    done = run(
        "record_meeting",
        {
            "cooperation_id": "STANDESAMT",
            "kind": "Klausur",
            "held_on": "2026-01-05",
            "attendee_ids": ["mayor0@example.org", "Contact Weimar"],
            "actor_id": world.coordinator_id,
        },
    )
    jena, weimar = world.partners[0], world.partners[1]
    with world.app.db.read() as s:
        meeting = s.get(Meeting, done["id"])
    assert meeting is not None
    assert (meeting.cooperation_id, meeting.kind, meeting.attendee_ids) == (
        cid,
        "retreat",
        [jena.mayor_id, weimar.contact_id],
    )


def test_an_ambiguous_or_unknown_name_fails_the_run_with_one_line(
    prefect_server: None, world: World
) -> None:
    open_coop(world, title="Bauhof Nord")
    open_coop(world, title="Bauhof Süd")
    meeting = {"kind": "Informeller Austausch", "held_on": "2026-01-05"}
    with pytest.raises(ActionFailed) as ambiguous:
        run(
            "record_meeting",
            {**meeting, "cooperation_id": "bauhof", "actor_id": world.coordinator_id},
        )
    assert str(ambiguous.value) == (
        "„bauhof“ passt auf mehrere Kooperationen: Bauhof Nord (ID 1), Bauhof Süd (ID 2). "
        "Bitte genauer angeben."
    )
    with pytest.raises(ActionFailed) as unknown:
        run(
            "record_meeting",
            {
                **meeting,
                "cooperation_id": "Bauhof Nord",
                "attendee_ids": ["Niemand"],
                "actor_id": world.coordinator_id,
            },
        )
    assert str(unknown.value) == "Keine Person passt zu „Niemand“."
    with world.app.db.read() as s:
        assert s.exec(select(Meeting)).all() == []


def test_what_the_form_lets_through_the_use_case_refuses_in_german(
    prefect_server: None, world: World
) -> None:
    with world.app.db.read() as s:
        munis_before = len(s.exec(select(Municipality)).all())
        people_before = len(s.exec(select(Person)).all())
    with pytest.raises(ActionFailed) as line_break:
        run(
            "register_municipality",
            {
                "name": "Jena\r\nBcc: alle@example.org",
                "ags": "16053001",
                "population": 1000,
                "kind": "Gemeinde",
                "actor_id": world.coordinator_id,
            },
        )
    assert str(line_break.value) == "Ungültige Eingabe: name: Zeilenumbruch (CR/LF) nicht erlaubt"
    with pytest.raises(ActionFailed) as email:
        run(
            "register_person",
            {
                "name": "Anna Beispiel",
                "email": "kein-at-zeichen",
                "roles": ["Ansprechperson"],
                "municipality_id": "Weimar",
                "actor_id": world.coordinator_id,
            },
        )
    assert str(email.value) == "Ungültige Eingabe: email: keine gültige E-Mail-Adresse"
    with world.app.db.read() as s:
        assert len(s.exec(select(Municipality)).all()) == munis_before
        assert len(s.exec(select(Person)).all()) == people_before
        assert s.exec(select(Cooperation)).all() == []
    # The same form, filled in correctly, registers the person at Weimar by name.
    done = run(
        "register_person",
        {
            "name": "Anna Beispiel",
            "email": "anna@weimar.example.de",
            "roles": ["Ansprechperson"],
            "municipality_id": "Weimar",
            "language": "de",
            "actor_id": world.coordinator_id,
        },
    )
    assert (done["municipality_id"], done["roles"]) == (
        world.partners[1].municipality_id,
        ["contact"],
    )
