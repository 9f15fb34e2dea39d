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

    rows = list(csv.DictReader(io.StringIO(demo_cli.ok("portfolio", "--csv").out)))
    assert [int(r["ID"]) for r in rows] == ids
    assert {"Ampel", "Nächster Schritt", "Zustellfehler"} <= set(rows[0])

    top = demo_cli.json("portfolio", "--limit", "2")
    assert top["total"] == everything["total"] and len(top["rows"]) == 2
    lights = "🔴🟡🟢–"
    ranks = [lights.index(r["Ampel"]) for r in everything["rows"]]
    assert lights.index(top["rows"][0]["Ampel"]) == min(ranks)

    shown = demo_cli.ok("--lang", "en", "portfolio", "--limit", "2").out
    assert f"(2 of {everything['total']} cooperations, most urgent first)" in shown


def test_portfolio_limit_must_be_positive(demo_cli: Cli) -> None:
    res = demo_cli("portfolio", "--limit", "0")
    assert res.code == 2 and "--limit" in res.err
