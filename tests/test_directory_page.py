"""The directory page lists people and municipalities with their ids, in German."""

from __future__ import annotations

from ikz.actions.directory import register_person
from ikz.actions.erasure import erase_person
from ikz.views.directory_page import directory_markdown
from models import commands as c
from tests.factories import World


def test_people_and_towns_with_ids_and_german_roles(world: World) -> None:
    md = directory_markdown(world.app)
    jena_mayor = world.partners[0].mayor_id
    assert f"| {world.coordinator_id} | Kora Koordinatorin | Koordination | – | de |" in md
    assert f"| {jena_mayor} | Mayor Jena | Bürgermeister:in | Jena | de |" in md
    assert f"| {world.partners[0].municipality_id} | Jena | 16053000 | Thüringen | 110.700 |" in md
    assert md.startswith("# Verzeichnis\n")


def test_an_erased_person_is_not_listed_and_a_pipe_cannot_break_the_table(world: World) -> None:
    odd = register_person(
        world.app,
        c.RegisterPerson(
            name="Anna | Beispiel",
            email="anna@example.org",
            roles=["moderator", "coordinator"],
            actor_id=world.coordinator_id,
        ),
    )
    md = directory_markdown(world.app)
    assert f"| {odd.id} | Anna / Beispiel | Koordination, Moderation | – | de |" in md
    contact = world.partners[1].contact_id
    assert f"| {contact} | Contact Weimar |" in md
    erase_person(
        world.app, c.ErasePerson(person_id=contact, reason="Antrag", actor_id=world.coordinator_id)
    )
    assert f"| {contact} |" not in directory_markdown(world.app)
