"""`ikz funding cost-key ID --share MUNI=PERCENT ...`: recorded and shown in the
Kooperations-Check; a bad key is one line and writes nothing."""

from __future__ import annotations

from tests.cli.helpers import Cli, DemoWorld
from tests.cli.test_funding_cli import _hessen_coop, _refused


def test_a_cost_key_through_the_cli(demo_cli: Cli, world: DemoWorld) -> None:
    cli, k = demo_cli, world.coordinator
    cid, (a, b, c) = _hessen_coop(cli, world)
    shares = ["--share", f"{a}=50", "--share", f"{b}=30,5", "--share", f"{c}=19.5"]
    res = cli.ok("funding", "cost-key", cid, *shares, "--actor", k)
    assert res.out == (
        f"Kostenschlüssel der Kooperation {cid} erfasst: Stadt Fulda 50 %, "
        "Gemeinde Lahntal 30,50 %, Gemeinde Cölbe 19,50 %.\n"
    )
    check = cli.ok("coop", "check", cid).out
    assert (
        "Kostenschlüssel: Stadt Fulda 50 %, Gemeinde Lahntal 30,50 %, Gemeinde Cölbe 19,50 %."
        in check
    )
    assert cli.ok("audit", "verify").code == 0


def test_a_bad_cost_key_is_refused(demo_cli: Cli, world: DemoWorld) -> None:
    cli, k = demo_cli, world.coordinator
    cid, (a, b, c) = _hessen_coop(cli, world)
    base = ["funding", "cost-key", cid, "--actor", k]
    assert _refused(cli, *base, "--share", f"{a}=50", "--share", f"{b}=50") == (
        "Fehler: Kostenschlüssel ohne Anteil für: Gemeinde Cölbe (jede Partnerkommune "
        "braucht einen)."
    )
    three = ["--share", f"{a}=50", "--share", f"{b}=30", "--share", f"{c}=30"]
    assert _refused(cli, *base, *three) == "Fehler: Die Anteile ergeben 110 %, nicht 100 %."
    assert _refused(cli, "--lang", "en", *base, *three) == (
        "Error: The shares add up to 110 %, not 100 %."
    )
    assert _refused(cli, *base, "--share", f"Marburg:{a}") == (
        f"Fehler: Anteil 'Marburg:{a}' hat nicht die Form KOMMUNE=PROZENT (z. B. 3=33.34)."
    )
    assert _refused(cli, *base, "--share", f"{a}=-5", "--share", f"{b}=105") == (
        "Fehler: Ungültige Eingabe: --share: muss mindestens 0 sein; --share: darf höchstens 100 "
        "sein"
    )
