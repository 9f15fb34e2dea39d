"""`ikz coop history` and `ikz coop show` print the history in words and Berlin time;
`--json` keeps ISO times in UTC and codes."""

from __future__ import annotations

from datetime import datetime

from tests.cli.helpers import Cli


def test_cli_history_and_show_print_words_and_keep_codes_in_json(demo_cli: Cli) -> None:
    cid = demo_cli.json("coop", "list")[0]["id"]
    rows = demo_cli.json("coop", "history", str(cid))
    assert rows[0]["trigger"] == "open" and rows[0]["trigger_text"] == "Eröffnet"
    first = datetime.fromisoformat(rows[0]["at"])
    assert first.utcoffset() is not None and first.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    text = demo_cli.ok("coop", "history", str(cid)).out
    assert text.splitlines()[0].split() == [
        "#",
        "Zeitpunkt",
        "Schritt",
        "von",
        "nach",
        "Person",
        "Nachweis",
        "Begründung",
    ]
    assert rows[0]["at_text"] in text and "Eröffnet" in text
    assert rows[0]["at"] not in text and "informal_contact" not in text
    shown = demo_cli.ok("coop", "show", str(cid)).out
    assert "Verlauf (Berliner Zeit):" in shown
    assert f"  {rows[0]['at_text']}  Eröffnet: Informeller Kontakt (" in shown
    assert demo_cli.json("coop", "show", str(cid))["history"] == rows
    english = demo_cli.ok("--lang", "en", "coop", "history", str(cid)).out
    assert english.splitlines()[0].split()[:5] == ["#", "When", "Step", "from", "to"]
    assert "Opened" in english and "Eröffnet" not in english
