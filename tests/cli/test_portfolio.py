"""`ikz portfolio`: the whole portfolio for a spreadsheet, or the most urgent first."""

from __future__ import annotations

import csv
import io

from tests.cli.helpers import Cli


def test_portfolio_csv_json_and_most_urgent_first(demo_cli: Cli) -> None:
    everything = demo_cli.json("portfolio")
    assert everything["total"] == len(everything["rows"]) > 3
    ids = [r["ID"] for r in everything["rows"]]
    assert ids == sorted(ids)

    text = demo_cli.ok("portfolio", "--csv").out
    # The BOM: Excel reads the umlauts as UTF-8; `;`: German Excel's list separator.
    assert text.startswith("\ufeffID;Kooperation;")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert [int(r["ID"]) for r in rows] == ids
    assert {"Ampel", "Nächster Schritt", "Zustellfehler", "Förderprogramm"} <= set(rows[0])

    top = demo_cli.json("portfolio", "--limit", "2")
    assert top["total"] == everything["total"] and len(top["rows"]) == 2
    lights = ["rot", "gelb", "grün", "nicht bewertet"]
    ranks = [lights.index(r["Ampel"]) for r in everything["rows"]]
    assert lights.index(top["rows"][0]["Ampel"]) == min(ranks)

    shown = demo_cli.ok("--lang", "en", "portfolio", "--limit", "2").out
    assert f"(2 of {everything['total']} cooperations, most urgent first)" in shown


def test_portfolio_limit_must_be_positive(demo_cli: Cli) -> None:
    res = demo_cli("portfolio", "--limit", "0")
    assert res.code == 2 and "--limit" in res.err


def test_portfolio_in_english(demo_cli: Cli) -> None:
    german = demo_cli.json("portfolio")["rows"]
    english = demo_cli.json("--lang", "en", "portfolio")["rows"]
    assert [r["ID"] for r in english] == [r["ID"] for r in german]
    assert {"Cooperation", "State", "Light", "Success factors", "Next step", "Warnings"} <= set(
        english[0]
    )
    assert not {"Kooperation", "Zustand", "Ampel", "Hinweise"} & set(english[0])
    by_id = {r["ID"]: r for r in german}
    states = {(by_id[r["ID"]]["Zustand"], r["State"]) for r in english}
    assert ("Verstetigt", "Permanent") in states
    lights = {(by_id[r["ID"]]["Ampel"], r["Light"]) for r in english}
    assert ("rot", "red") in lights and ("nicht bewertet", "not assessed") in lights
    warned = [r for r in english if r["Warnings"] != "-"]
    assert warned and all(r["Warnings"] != by_id[r["ID"]]["Hinweise"] for r in warned)

    out = demo_cli.ok("--lang", "en", "portfolio", "--csv").out.removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        *english[0],
        "Funding programme",
        "Funding status",
        "Approved (€)",
        "Paid (€)",
        "Savings (€)",
        "Savings (%)",
    ]
    table = demo_cli.ok("--lang", "en", "portfolio").out.splitlines()[0]
    assert table.split()[:3] == ["ID", "Cooperation", "State"]


def test_statistics_csv_in_german_and_english(demo_cli: Cli) -> None:
    de = demo_cli.ok("statistics", "--csv").out
    assert de.startswith("\ufeffNach Aufgabenfeld\r\nAufgabenfeld;Anzahl\r\n")
    en = demo_cli.ok("--lang", "en", "statistics", "--csv").out
    assert en.startswith("\ufeffBy task area\r\nTask area,Count\r\n")
    rows = list(csv.reader(io.StringIO(en.removeprefix("\ufeff"))))
    assert ["Grants"] in rows and ["Savings"] in rows
