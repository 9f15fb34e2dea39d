"""`ikz statistics` from the command line: German tables, English on request, JSON with
codes and exact decimal strings."""

from __future__ import annotations

from tests.cli.helpers import Cli


def test_statistics_of_the_demo(demo_cli: Cli) -> None:
    view = demo_cli.json("statistics")
    assert view["cooperations"] == 13
    assert {"code": "zweckverband", "label": "Zweckverband", "count": 1} in view["by_legal_form"]
    assert view["funding"]["total"]["approved_amount"] == "147500.00"
    text = demo_cli.ok("statistics").out
    assert text.startswith("13 Kooperationen, Stand ")
    assert "\nNach Land\n" in text and "\nEinsparungen\n" in text
    english = demo_cli.ok("--lang", "en", "statistics").out
    assert english.startswith("13 cooperations, as of ")
    assert "\nBy state\n" in english and "Zweckverband" in english


def test_statistics_of_an_empty_database(cli: Cli) -> None:
    out = cli.ok("statistics").out
    assert out.startswith("0 Kooperationen, Stand ")
    assert "  gesamt          0" in out
