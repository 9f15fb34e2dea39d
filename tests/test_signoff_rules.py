"""Only the partnership's sponsoring mayor signs off, and only for a gate."""

from __future__ import annotations

import pytest

from ikz.actions.directory import register_person
from ikz.actions.signoff import sign_off
from models import commands as c
from states.errors import InvalidInputError, PolicyRefusedError
from tests.factories import World, acting_as, coop_in, mail_link


def test_a_mayor_who_is_not_the_sponsor_is_refused(world: World) -> None:
    cid = coop_in(world, "agreement")
    jena = world.partners[0]
    other = register_person(
        world.app,
        c.RegisterPerson(
            name="Zweite Bürgermeisterin",
            email="second@example.org",
            municipality_id=jena.municipality_id,
            roles=["mayor"],
            actor_id=world.coordinator_id,
        ),
    )
    with pytest.raises(PolicyRefusedError) as err, acting_as(world.app, mail_link(other.id or 0)):
        sign_off(
            world.app,
            c.SignOffGate(
                cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=other.id or 0
            ),
        )
    assert err.value.code == "policy.signoff_sponsoring_mayor"
    with acting_as(world.app, mail_link(jena.mayor_id)):
        row = sign_off(
            world.app,
            c.SignOffGate(
                cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=jena.mayor_id
            ),
        )
    assert row.mayor_id == jena.mayor_id


def test_signoffs_are_for_gates_only(world: World) -> None:
    from models.validation import parse

    with pytest.raises(InvalidInputError, match="gate"):
        parse(
            c.SignOffGate,
            {"cooperation_id": 1, "municipality_id": 1, "gate": "pause", "actor_id": 1},
        )
