"""Commands derived from the action registry: the shapes that are not one option per
field (a nested model, a positional value, a waiting action), and what each refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import Cli, DemoWorld
from tests.e2e.conftest import free_port


def test_a_nested_model_is_typed_as_options_of_its_own(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_in("agreement")
    town = world.partners[cid][0]
    res = demo_cli.ok(
        "coop", "partner", cid, "--municipality", world.muni[town],
        "--contact", world.contact[town], "--actor", world.coordinator,
    )  # fmt: skip
    assert res.out == "Partner gespeichert.\n"
    missing = demo_cli("coop", "partner", cid, "--actor", world.coordinator)
    assert missing.code == 2
    assert (
        missing.err == "Fehler: Option '--municipality' fehlt. (Hilfe: ikz coop partner --help)\n"
    )


def test_a_refused_value_of_a_nested_model_names_its_option(
    demo_cli: Cli, world: DemoWorld
) -> None:
    cid = world.coop_in("agreement")
    res = demo_cli("coop", "partner", cid, "--municipality", "0", "--actor", world.coordinator)
    assert (res.code, res.out) == (2, "")
    assert res.err == "Fehler: Ungültige Eingabe: --municipality: muss größer als 0 sein\n"


def test_every_action_takes_json(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_in("agreement")
    row = demo_cli.json("coop", "goal", cid, "--text", "Winterdienst teilen", "--actor", world.coordinator)  # fmt: skip
    assert (row["cooperation_id"], row["text"]) == (cid, "Winterdienst teilen")
    done = demo_cli.ok("coop", "goal", cid, "--text", "Salz teilen", "--actor", world.coordinator)
    assert done.out == f"Ziel erfasst (ID {row['id'] + 1}).\n"


def test_a_waiting_action_needs_a_prefect_server(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_in("agreement")
    town = world.partners[cid][0]
    args = ("coop", "request-signoff", cid, "--municipality", world.muni[town], "--actor", world.coordinator)  # fmt: skip
    res = demo_cli(*args)
    assert (res.code, res.out) == (1, "")
    assert res.err == (
        "Fehler: 'Freigabe anfordern' läuft als Prefect-Flow: kein Prefect-Server bekannt "
        "(`ikz up` starten oder PREFECT_API_URL setzen).\n"
    )


def test_a_waiting_action_says_when_the_server_does_not_answer(
    demo_cli: Cli, world: DemoWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cid = world.coop_in("agreement")
    town = world.partners[cid][0]
    api = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    monkeypatch.setenv("PREFECT_API_URL", api)
    res = demo_cli(
        "coop", "request-signoff", cid, "--municipality", world.muni[town],
        "--actor", world.coordinator,
    )  # fmt: skip
    assert (res.code, res.out) == (1, "")
    assert res.err.startswith(
        f"Fehler: Prefect-Server unter {api} nicht erreichbar oder ohne Deployment "
        "'request-signoff': "
    )
    assert len(res.err.splitlines()) == 1


def test_the_digest_mode_is_positional_and_checked(demo_cli: Cli, world: DemoWorld) -> None:
    mayor = world.mayor[world.partners[world.coop_in("agreement")][0]]
    ok = demo_cli.ok("person", "digest", mayor, "weekly", "--actor", mayor)
    assert ok.out == f"Person {mayor} erhält Nachrichten wöchentlich gesammelt.\n"
    bad = demo_cli("person", "digest", mayor, "hourly", "--actor", mayor)
    assert (bad.code, bad.err) == (
        2,
        "Fehler: Unbekannte Zustellart 'hourly' (immediate, daily, weekly).\n",
    )
