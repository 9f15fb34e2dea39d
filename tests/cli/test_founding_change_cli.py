"""`ikz founding change` on the demo's founded NRW cooperation (9, Bielefeld and
Gütersloh, permanent): opened in one line, shown by `founding show` with the steps of
its procedure; refused in one line (German, or English with --lang en) and nothing
written: a second change, a join of a partner already in it, a cooperation not yet
permanent, an unknown kind."""

from __future__ import annotations

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


def test_a_join_is_opened_and_shown_with_its_steps(demo_cli: Cli, world: DemoWorld) -> None:
    cli, k = demo_cli, world.coordinator
    paderborn = world.muni["Paderborn"]
    res = cli.ok(
        "founding", "change", FOUNDED, "--kind", "join", "--municipality", paderborn,
        "--description", "Paderborn tritt bei", "--actor", k,
    )  # fmt: skip
    assert res.out.startswith("Änderungsverfahren eröffnet: join (ID ")
    view = cli.json("founding", "show", FOUNDED)
    change = view["change"]
    assert (change["label"], change["municipality"], change["description"]) == (
        "Beitritt eines Partners",
        "Paderborn",
        "Paderborn tritt bei",
    )
    assert [s["step"] for s in change["steps"]] == [
        "draft", "resolution", "signature", "authority", "publication", "effective",
    ]  # fmt: skip
    shown = cli.ok("founding", "show", FOUNDED).out
    assert (
        f"  Änderungsverfahren {change['id']}: Beitritt eines Partners – Paderborn tritt bei\n"
        in shown
    )
    assert (
        "    [open] Entwurf von Vereinbarung oder Satzung: Entwurf abgestimmt erfassen.\n" in shown
    )
    err = _refused(
        cli, "founding", "change", FOUNDED, "--kind", "amendment", "--description", "x",
        "--actor", k,
    )  # fmt: skip
    assert err == (
        f"Fehler: Es läuft schon ein Änderungsverfahren (ID {change['id']}, join); erst dieses "
        "abschließen."
    )


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
