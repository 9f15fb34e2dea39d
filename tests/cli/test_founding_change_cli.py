"""`ikz founding change` on the demo's founded NRW cooperation (9, Bielefeld and
Gütersloh, permanent, its amendment of the cost key running): the amendment completed
through the founding's commands and in force, a join opened in one line and shown by
`founding show` with the steps of its procedure; refused in one line (German, or English with --lang en) and nothing
written: a second change, a join of a partner already in it, a cooperation not yet
permanent, an unknown kind."""

from __future__ import annotations

from datetime import date, timedelta

from tests.cli.helpers import Cli, DemoWorld

FOUNDED, PILOT = 9, 10


def _refused(cli: Cli, *args: object) -> str:
    before = cli.dump()
    res = cli(*args)
    assert res.code == 2, str(res)
    assert res.out == "" and "Traceback" not in res.err, str(res)
    assert len(res.err.strip().splitlines()) == 1, str(res)
    assert cli.dump() == before
    return res.err.strip()


def test_the_demo_s_amendment_completed_then_a_join_opened(demo_cli: Cli, world: DemoWorld) -> None:
    cli, k = demo_cli, world.coordinator
    change = cli.json("founding", "show", FOUNDED)["change"]
    assert (change["kind"], change["label"], change["description"], change["source"]) == (
        "amendment",
        "Änderung (Aufgaben oder Kostenschlüssel)",
        "Kostenschlüssel nach Prüffällen statt nach Einwohnern ab 2028",
        "§ 24 Abs. 4 GkG NRW",
    )
    assert [(s["step"], s["status"]) for s in change["steps"]] == [
        ("draft", "done"), ("resolution", "open"), ("signature", "waiting"),
        ("authority", "waiting"), ("publication", "waiting"), ("effective", "waiting"),
    ]  # fmt: skip
    # A done step of the change says when it was done, as the founding's own steps do.
    assert (
        "    [done] Entwurf von Vereinbarung oder Satzung (am 20"
        in cli.ok("founding", "show", FOUNDED).out
    )
    err = _refused(
        cli, "founding", "change", FOUNDED, "--kind", "termination", "--description", "x",
        "--actor", k,
    )  # fmt: skip
    assert err == (
        f"Fehler: Es läuft schon ein Änderungsverfahren (ID {change['id']}, amendment); erst "
        "dieses abschließen."
    )
    # Published yesterday: in force today, applied by the publication itself.
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    mids = [world.muni["Bielefeld"], world.muni["Gütersloh"]]
    for m in mids:
        cli.ok("founding", "resolution", FOUNDED, "--municipality", m, "--date", yesterday,
               "--body", "Rat", "--actor", k)  # fmt: skip
    for m in mids:
        cli.ok("founding", "signature", FOUNDED, "--municipality", m, "--date", yesterday,
               "--actor", k)  # fmt: skip
    cli.ok("founding", "submit", FOUNDED, "--received", yesterday, "--actor", k)
    cli.ok("founding", "decision", FOUNDED, "--date", yesterday, "--result", "approved",
           "--actor", k)  # fmt: skip
    cli.ok("founding", "publication", FOUNDED, "--date", yesterday, "--gazette", "ABl. Nr. 50",
           "--actor", k)  # fmt: skip
    view = cli.json("founding", "show", FOUNDED)
    assert view["change"] is None
    assert [(c["kind"], c["applied_on"]) for c in view["changes"]] == [
        ("amendment", date.today().isoformat())
    ]
    res = cli.ok(
        "founding", "change", FOUNDED, "--kind", "join", "--municipality",
        world.muni["Paderborn"], "--description", "Paderborn tritt bei", "--actor", k,
    )  # fmt: skip
    joined = cli.json("founding", "show", FOUNDED)["change"]
    assert res.out == f"Änderungsverfahren eröffnet: Beitritt eines Partners (ID {joined['id']}).\n"
    shown = cli.ok("founding", "show", FOUNDED).out
    assert (
        f"  Änderung {change['id']}: Änderung (Aufgaben oder Kostenschlüssel), wirksam ab "
        f"{date.today().isoformat()}\n"
        f"  Änderungsverfahren {joined['id']}: Beitritt eines Partners – Paderborn tritt bei\n"
        "    [open] Entwurf von Vereinbarung oder Satzung: Entwurf abgestimmt erfassen.\n"
    ) in shown


def test_refusals_are_one_line_in_german_and_english(demo_cli: Cli, world: DemoWorld) -> None:
    cli, k = demo_cli, world.coordinator
    bielefeld = world.muni["Bielefeld"]
    join = ("--kind", "join", "--municipality", bielefeld, "--description", "x", "--actor", k)
    assert _refused(cli, "founding", "change", FOUNDED, *join) == (
        "Fehler: Bielefeld ist schon Partner dieser Kooperation."
    )
    assert _refused(cli, "--lang", "en", "founding", "change", FOUNDED, *join) == (
        "Error: Bielefeld is already a partner of this cooperation."
    )
    end = ("--kind", "termination", "--description", "x", "--actor", k)
    assert _refused(cli, "founding", "change", PILOT, *end) == (
        "Fehler: Ein Änderungsverfahren gibt es erst für eine dauerhafte Kooperation "
        "(Stand: pilot)."
    )
    err = _refused(
        cli, "founding", "change", FOUNDED, "--kind", "merger", "--description", "x",
        "--actor", k,
    )  # fmt: skip
    assert err == (
        "Fehler: Ungültige Eingabe: --kind: ungültiger Wert (erlaubt: 'amendment', 'join', "
        "'leave', 'termination' oder 'dissolution')"
    )
