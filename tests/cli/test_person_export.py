"""`ikz person export ID`: the person's data as JSON on stdout, or one line when unknown."""

from __future__ import annotations

import json

from tests.cli.helpers import Cli, DemoWorld


def test_the_demo_coordinator_s_export(demo_cli: Cli, world: DemoWorld) -> None:
    data = json.loads(demo_cli.ok("person", "export", world.coordinator).out)
    assert (data["person"]["name"], data["person"]["email"]) == (
        "Dr. Miriam Kessler",
        "kessler@ikz-beratung.example.org",
    )
    assert len(data["coordinated_cooperations"]) == 13
    assert {m["recipient_id"] for m in data["mails"]} == {world.coordinator}


def test_an_unknown_person_gets_one_line(demo_cli: Cli) -> None:
    res = demo_cli("person", "export", "99999")
    assert (res.code, res.out, res.err) == (3, "", "Fehler: Person mit ID 99999 gibt es nicht.\n")


def test_erase_on_the_command_line_says_what_it_did_and_refuses_in_one_line(
    demo_cli: Cli, world: DemoWorld
) -> None:
    refused = demo_cli(
        "person",
        "erase",
        str(world.coordinator),
        "--reason",
        "x",
        "--actor",
        str(world.coordinator),
    )
    assert (refused.code, refused.out, refused.err) == (
        1,
        "",
        "Fehler: Die eigenen Daten löscht eine andere Person der Koordination.\n",
    )
    res = demo_cli.ok(
        "person", "erase", "9", "--reason", "Antrag", "--actor", str(world.coordinator)
    )
    assert res.out.startswith("Daten von Person 9 gelöscht: ")
    assert res.out.endswith("Dateien bereinigt, kein Prefect-Server bekannt.\n")
    data = json.loads(demo_cli.ok("person", "export", "9").out)
    assert (data["person"]["name"], data["person"]["email"]) == (
        "Gelöschte Person 9",
        "geloescht-9@erased.invalid",
    )
    assert demo_cli.ok("audit", "verify").out.startswith("Prüfpfad in Ordnung")
