"""A filled-in form back to the input model's values, against a real database: names,
parts of names, emails and AGS to ids, German labels to codes, empty optional values to
none; ids and codes (the CLI's, the API's) unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikz.actions.directory import register_municipality
from ikz.app import App
from ikz.forms import fill, resolver
from models import commands as c
from models.validation import parse
from states.errors import InvalidInputError, NotFoundError
from tests.factories import World, make_app, make_world, open_coop


def test_names_and_labels_become_ids_and_codes(world: World) -> None:
    cid = open_coop(world, title="Gemeinsamer Bauhof Saaletal")
    jena, weimar = world.partners[0], world.partners[1]
    values = fill(
        c.ScheduleMeeting,
        {
            "cooperation_id": "saaletal",
            "kind": "Steuerungsrunde",
            "starts_at": "2030-03-12T10:00",
            "attendee_ids": ["mayor0@example.org", "Contact Weimar", str(weimar.staff_id), ""],
            "notes": "",
        },
        resolver(world.app),
    )
    assert values == {
        "cooperation_id": cid,
        "kind": "steering_round",
        "starts_at": "2030-03-12T10:00",
        "attendee_ids": [jena.mayor_id, weimar.contact_id, weimar.staff_id],
        "notes": "",
    }
    assert parse(c.ScheduleMeeting, {**values, "actor_id": 1}).kind == "steering_round"


def test_a_municipality_by_ags_and_a_nested_partner_by_names(world: World) -> None:
    erfurt = world.partners[2]
    cid = open_coop(world)
    values = fill(
        c.SetPartner,
        {
            "cooperation_id": str(cid),
            "partner": {"municipality_id": "16051000", "mayor_id": "Mayor Erfurt"},
        },
        resolver(world.app),
    )
    assert values == {
        "cooperation_id": cid,
        "partner": {"municipality_id": erfurt.municipality_id, "mayor_id": erfurt.mayor_id},
    }


def test_empty_optional_values_mean_none_and_ids_and_codes_pass(world: World) -> None:
    values = fill(
        c.Advance,
        {
            "cooperation_id": 7,
            "trigger": "start_pilot",
            "expected_version": 0,
            "idempotency_key": "",
            "follow_up_title": " ",
            "actor_id": 1,
        },
        resolver(world.app),
    )
    assert values == {"cooperation_id": 7, "trigger": "start_pilot", "actor_id": 1}
    cmd = parse(c.Advance, values)
    assert (cmd.expected_version, cmd.idempotency_key, cmd.follow_up_title) == (None, None, None)
    # A required value left empty is missing, in German.
    with pytest.raises(InvalidInputError, match=r"^Ungültige Eingabe: cooperation_id: fehlt$"):
        parse(
            c.Advance,
            fill(
                c.Advance,
                {"cooperation_id": "", "trigger": "Pausieren", "actor_id": 1},
                resolver(world.app),
            ),
        )


def test_an_unknown_choice_is_one_german_line_naming_the_choices(world: World) -> None:
    with pytest.raises(InvalidInputError) as caught:
        fill(c.ChooseLegalForm, {"cooperation_id": 1, "legal_form": "Verein"}, resolver(world.app))
    assert caught.value.text() == (
        "Rechtsform: „Verein“ ist nicht vorgesehen (möglich: Zweckvereinbarung, Zweckverband, "
        "Gemeinsame Anstalt des öffentlichen Rechts (AöR), Gemeinsame Dienststelle, "
        "Öffentlich-rechtlicher Vertrag, Kommunale Arbeitsgemeinschaft, GmbH (privatrechtlich))."
    )


def test_an_ambiguous_or_unknown_name_is_refused(world: World) -> None:
    land = register_municipality(
        world.app,
        c.RegisterMunicipality(
            name="Jena-Land",
            ags="16053999",
            population=9000,
            kind="gemeinde",
            actor_id=world.coordinator_id,
        ),
    )
    resolve = resolver(world.app)
    with pytest.raises(InvalidInputError) as ambiguous:
        fill(c.RecordBenefit, {"municipality_id": "JEN"}, resolve)
    assert (world.partners[0].municipality_id, land.id) == (1, 4)
    assert ambiguous.value.text() == (
        "„JEN“ passt auf mehrere Kommunen: Jena (ID 1), Jena-Land (ID 4). Bitte genauer angeben."
    )
    # The whole name wins over the longer one that contains it.
    assert fill(c.RecordBenefit, {"municipality_id": "jena"}, resolve) == {"municipality_id": 1}
    with pytest.raises(NotFoundError) as unknown:
        fill(c.RecordBenefit, {"cooperation_id": "Standesamt"}, resolve)
    assert unknown.value.text() == "Keine Kooperation passt zu „Standesamt“."


def test_names_are_found_on_postgresql_too(pg_url: str, tmp_path: Path) -> None:
    app: App = make_app(pg_url, tmp_path)
    try:
        world = make_world(app)
        cid = open_coop(world, title="Digitalstrategie Jena-Weimar")
        values = fill(
            c.RecordGoal,
            {"cooperation_id": "DIGITALSTRATEGIE", "text": "Ein Portal"},
            resolver(app),
        )
        assert values == {"cooperation_id": cid, "text": "Ein Portal"}
    finally:
        app.close()


def test_partners_of_a_new_cooperation_are_named(world: World) -> None:
    jena, erfurt = world.partners[0], world.partners[2]
    values = fill(
        c.OpenCooperation,
        {
            "title": "Winterdienst",
            "field_of_work": "Bauhof",
            "partners": [
                {"municipality_id": "Jena", "mayor_id": "mayor0@example.org", "contact_id": ""},
                {"municipality_id": "16051000", "mayor_id": "", "contact_id": "Contact Erfurt"},
            ],
        },
        resolver(world.app),
    )
    assert values["partners"] == [
        {"municipality_id": jena.municipality_id, "mayor_id": jena.mayor_id},
        {"municipality_id": erfurt.municipality_id, "contact_id": erfurt.contact_id},
    ]
