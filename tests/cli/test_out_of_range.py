"""Values no row, calendar or mail can carry: ids beyond 2**63-1, dates beyond 2100, a
newline where a word was expected. Each is refused in one line, exit 2, nothing written
(issue 14, item 3). Click's own usage errors speak German too, or English with --lang en.
"""

from __future__ import annotations

import pytest

from ikz.cli.ids import MAX_ID
from tests.cli.helpers import Cli, DemoWorld

TOO_BIG = str(2**63)  # one past the largest id: OverflowError in the driver before
HUGE = "99999999999999999999"


def refused(cli: Cli, argv: list[object], message: str, code: int = 2) -> None:
    before = cli.dump()
    res = cli(*argv)
    assert (res.code, res.out, res.err) == (code, "", message + "\n"), str(res)
    assert cli.dump() == before


def test_the_cli_and_the_models_agree_on_the_largest_id() -> None:
    from models.commands import MAX_ID as MODELS_MAX_ID

    assert MAX_ID == MODELS_MAX_ID == 9223372036854775807


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["coop", "show", HUGE], "'cooperation'"),
        (["coop", "history", HUGE], "'cooperation'"),
        (["coop", "check", HUGE], "'cooperation'"),
        (["report", HUGE], "'cooperation'"),
        (["conflict", "history", HUGE], "'conflict'"),
        (["conflict", "list", "--coop", HUGE], "'--coop'"),
        (["portfolio", "--limit", HUGE], "'--limit'"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else v,
)
def test_reading_commands_refuse_ids_beyond_the_database(
    demo_cli: Cli, argv: list[str], name: str
) -> None:
    command = " ".join(a for a in argv if a != HUGE and not a.startswith("--"))
    refused(
        demo_cli,
        argv,
        f"Fehler: Ungültiger Wert für {name}: '{HUGE}' ist zu groß "
        f"(höchstens 9223372036854775807). (Hilfe: ikz {command} --help)",
    )


def test_the_largest_id_itself_is_looked_up(demo_cli: Cli) -> None:
    res = demo_cli("coop", "show", MAX_ID)
    assert res.code == 3, str(res)
    assert res.err == f"Fehler: Kooperation mit ID {MAX_ID} gibt es nicht.\n"


def test_registry_commands_refuse_ids_beyond_the_database(demo_cli: Cli, world: DemoWorld) -> None:
    coop = world.coop_in("agreement")
    k = world.coordinator
    goal = ["coop", "goal"]
    refused(
        demo_cli,
        [*goal, TOO_BIG, "--text", "x", "--actor", k],
        f"Fehler: Ungültiger Wert für 'cooperation': '{TOO_BIG}' ist zu groß "
        "(höchstens 9223372036854775807). (Hilfe: ikz coop goal --help)",
    )
    refused(
        demo_cli,
        [*goal, coop, "--text", "x", "--actor", TOO_BIG],
        f"Fehler: Ungültiger Wert für '--actor': '{TOO_BIG}' ist zu groß "
        "(höchstens 9223372036854775807). (Hilfe: ikz coop goal --help)",
    )
    refused(
        demo_cli,
        ["--lang", "en", "coop", "meeting", coop, "--kind", "informal", "--date", "2026-01-05",
         "--attendee", k, "--attendee", HUGE, "--actor", k],
        f"Error: Invalid value for '--attendee': '{HUGE}' is too big "
        "(at most 9223372036854775807). (help: ikz coop meeting --help)",
    )  # fmt: skip


def test_a_meeting_beyond_2100_is_refused_at_input(demo_cli: Cli, world: DemoWorld) -> None:
    coop = world.coop_in("agreement")
    contact = world.contact[world.partners[coop][0]]
    argv: list[object] = ["meeting", "schedule", coop, "--kind", "steering_round"]
    argv += ["--attendee", contact, "--actor", world.coordinator]
    refused(
        demo_cli,
        [*argv, "--start", "9999-12-31T23:00"],
        "Fehler: Ungültige Eingabe: --start: darf höchstens 2100-12-31 sein",
    )
    refused(
        demo_cli,
        ["--lang", "en", *argv, "--start", "1899-12-31T23:00"],
        "Error: Invalid input: --start: Input should be between 1900-01-01 and 2100-12-31",
    )
    # The last plannable day is taken.
    planned = demo_cli.json(*argv, "--start", "2100-12-31T23:00", "--duration", "720")
    assert planned["starts_at"] == "2100-12-31T23:00:00+01:00"


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("9999-12-31", "Fehler: Ungültige Eingabe: --date: darf höchstens 2100-12-31 sein"),
        ("2101-01-01", "Fehler: Ungültige Eingabe: --date: darf höchstens 2100-12-31 sein"),
        ("0001-01-01", "Fehler: Ungültige Eingabe: --date: muss mindestens 1900-01-01 sein"),
    ],
)
def test_recorded_dates_stay_within_two_centuries(
    demo_cli: Cli, world: DemoWorld, date: str, message: str
) -> None:
    coop = world.coop_in("agreement")
    argv = ["coop", "meeting", coop, "--kind", "informal", "--actor", world.coordinator]
    refused(demo_cli, [*argv, "--date", date], message)


def test_a_newline_in_the_language_is_shown_escaped(demo_cli: Cli) -> None:
    refused(
        demo_cli,
        ["--lang", "de\nx", "coop", "list"],
        "Fehler: Unbekannte Sprache 'de\\nx' (de, en).",
        1,
    )


def test_control_characters_in_a_bad_value_are_escaped(demo_cli: Cli) -> None:
    refused(
        demo_cli,
        ["coop", "show", "1\x1b[2J\r\n"],
        "Fehler: Ungültiger Wert für 'cooperation': '1\\x1b[2J\\r\\n' ist keine ganze Zahl. "
        "(Hilfe: ikz coop show --help)",
    )


def test_an_overlong_bad_value_is_shortened(demo_cli: Cli) -> None:
    refused(
        demo_cli,
        ["conflict", "list", "--coop", "x" * 500],
        f"Fehler: Ungültiger Wert für '--coop': '{'x' * 59}…' ist keine ganze Zahl. "
        "(Hilfe: ikz conflict list --help)",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lang", "en", "coop", "show", "abc"],
         "Error: Invalid value for 'cooperation': 'abc' is not an integer. (help: ikz coop show --help)"),
        (["--lang", "en", "frobnicate"], "Error: No such command 'frobnicate'. (help: ikz --help)"),
        (["frobnicate", "--lang", "en"], "Error: No such command 'frobnicate'. (help: ikz --help)"),
        (["--lang", "en", "coop", "list", "--jsn"],
         "Error: No such option: --jsn (did you mean: --json?) (help: ikz coop list --help)"),
        (["coop", "list", "--jsn"],
         "Fehler: Unbekannte Option: --jsn (gemeint: --json?) (Hilfe: ikz coop list --help)"),
        (["--lang", "en", "coop", "show"], "Error: Missing argument 'cooperation'. (help: ikz coop show --help)"),
        (["coop", "list", "--json=1"], "Fehler: Option '--json' nimmt keinen Wert. (Hilfe: ikz --help)"),
        (["coop", "list", "--state"], "Fehler: Option '--state' braucht einen Wert. (Hilfe: ikz --help)"),
        (["--lang", "en", "coop", "history", "1", "2"],
         "Error: Unexpected extra argument: 2 (help: ikz coop history --help)"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else None,
)  # fmt: skip
def test_usage_errors_in_one_line_in_either_language(
    demo_cli: Cli, argv: list[str], message: str
) -> None:
    refused(demo_cli, argv, message)


def test_help_still_works_and_a_group_alone_shows_its_help(demo_cli: Cli) -> None:
    res = demo_cli("coop", "show", "--help")
    assert res.code == 0, str(res)
    assert "Usage: ikz coop show [OPTIONS] {cooperation}" in res.out
    assert "x<=" not in demo_cli("meeting", "schedule", "--help").out  # no range noise
    group = demo_cli("coop")
    assert group.code == 2, str(group)
    assert "Usage: ikz coop [OPTIONS] COMMAND [ARGS]..." in group.output
