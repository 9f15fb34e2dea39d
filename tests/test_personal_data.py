"""`ikz person export`: everything stored about one person (GDPR Art. 15), and nothing
about anybody else, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ikz.actions.conflicts import raise_conflict
from ikz.actions.facts import record_meeting
from ikz.app import App
from ikz.views.personal_data import export_person
from models import commands as c
from states.errors import NotFoundError
from tests.factories import World, make_app, make_world, mayor_signs_off, open_coop


def _story(w: World) -> int:
    """A cooperation of Jena and Weimar: a meeting, a conflict, Jena's sign-off."""
    cid = open_coop(w)
    jena, weimar = w.partners[0], w.partners[1]
    record_meeting(
        w.app,
        c.RecordMeeting(
            cooperation_id=cid,
            kind="informal",
            held_on=date(2026, 1, 5),
            attendee_ids=[jena.contact_id, weimar.mayor_id],
            actor_id=w.coordinator_id,
        ),
    )
    raise_conflict(
        w.app, c.RaiseConflict(cooperation_id=cid, subject="Standort", actor_id=jena.contact_id)
    )
    mayor_signs_off(w, cid, jena)
    return cid


def _counts(data: dict[str, Any]) -> dict[str, int]:
    return {k: len(v) for k, v in data.items() if isinstance(v, list)}


def test_a_contact_person_s_export_holds_their_rows_and_mail(world: World) -> None:
    cid = _story(world)
    contact = world.partners[0].contact_id
    data = export_person(world.app, contact)
    assert data["person"]["email"] == "contact0@example.org"
    assert data["legal_basis"] == "DSGVO Art. 15 (Auskunftsrecht der betroffenen Person)"
    assert _counts(data) == {
        "coordinated_cooperations": 0,
        "partnerships": 1,
        "meetings": 1,
        "signoffs": 0,
        "signoff_requests": 0,
        "conflicts": 1,
        "acts": 0,
        "conflict_steps": 1,
        "fact_records": 1,  # the conflict they raised, on the cooperation's fact chain
        "mails": 2,
    }
    assert data["partnerships"][0]["cooperation_id"] == cid
    assert data["conflicts"][0]["subject"] == "Standort"
    assert {m["recipient_id"] for m in data["mails"]} == {contact}
    assert sorted(m["kind"] for m in data["mails"]) == ["conflict_raised", "cooperation_opened"]
    assert data["mails"][1]["context"]["subject"] == "Standort"


def test_a_mayor_s_export_holds_the_sign_off_and_not_the_other_mayor_s(world: World) -> None:
    _story(world)
    jena_mayor, weimar_mayor = world.partners[0].mayor_id, world.partners[1].mayor_id
    jena = _counts(export_person(world.app, jena_mayor))
    weimar = _counts(export_person(world.app, weimar_mayor))
    assert (jena["signoffs"], jena["meetings"]) == (1, 0)
    assert (weimar["signoffs"], weimar["meetings"]) == (0, 1)
    # Jena's mayor proved the sign-off (their mail link): its fact record names them.
    assert (jena["fact_records"], weimar["fact_records"]) == (1, 0)


def test_an_id_inside_a_list_matches_exactly(world: World) -> None:
    """Person 1 (the coordinator) is no attendee of a meeting whose attendees include 11."""
    cid = open_coop(world, n_partners=3)
    eleven = world.partners[2].staff_id
    assert (world.coordinator_id, eleven) == (1, 11)
    record_meeting(
        world.app,
        c.RecordMeeting(
            cooperation_id=cid,
            kind="informal",
            held_on=date(2026, 1, 5),
            attendee_ids=[eleven],
            actor_id=world.partners[0].contact_id,
        ),
    )
    assert export_person(world.app, 1)["meetings"] == []
    assert [m["attendee_ids"] for m in export_person(world.app, 11)["meetings"]] == [[11]]


def test_the_coordinator_s_acts_are_in_the_export(world: World) -> None:
    _story(world)
    acts = export_person(world.app, world.coordinator_id)["acts"]
    assert [(a["trigger"], a["to_state"]) for a in acts] == [("open", "informal_contact")]


def test_an_unknown_person_is_refused(world: World) -> None:
    with pytest.raises(NotFoundError, match="Person mit ID 999 gibt es nicht"):
        export_person(world.app, 999)


@pytest.mark.postgres
def test_the_export_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    app: App = make_app(pg_url.replace("postgresql://", "postgresql+psycopg://"), tmp_path)
    try:
        w = make_world(app)
        _story(w)
        data = export_person(app, w.partners[1].mayor_id)
        assert (_counts(data)["meetings"], _counts(data)["partnerships"]) == (1, 1)
    finally:
        app.close()
