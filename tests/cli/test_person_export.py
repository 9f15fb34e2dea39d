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
    assert len(data["coordinated_cooperations"]) == 8
    assert {m["recipient_id"] for m in data["mails"]} == {world.coordinator}


def test_an_unknown_person_gets_one_line(demo_cli: Cli) -> None:
    res = demo_cli("person", "export", "99999")
    assert (res.code, res.out, res.err) == (3, "", "Fehler: Person mit ID 99999 gibt es nicht.\n")
