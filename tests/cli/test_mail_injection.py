"""Issue 14.2 at the input: what an attacker sent to inject mail headers is refused with
one line, through the CLI, the Python API and a flow's input, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from flows.actions import ACTION_FLOWS
from flows.common import ActionFailed
from ikz.settings import get_settings
from models import commands as c
from models.validation import parse
from states.errors import InvalidInputError
from tests.cli.helpers import Cli, DemoWorld
from tests.cli.test_bad_input import assert_refused
from tests.stamps import TEST_SECRET, stamped_params

ATTACK = "=?utf-8?q?x=0D=0AReply-To:_attacker@evil.example?="


def test_the_attackers_conflict_subject_is_refused(demo_cli: Cli, world: DemoWorld) -> None:
    coop = world.coop_in("agreement")
    before = demo_cli.dump()
    res = demo_cli("conflict", "raise", coop, "--subject", ATTACK, "--actor", world.coordinator)
    assert_refused(res, 2, ())
    assert res.err.strip() == (
        "Fehler: Ungültige Eingabe: --subject: kodierte Zeichenfolge =?…?= nicht erlaubt"
    )
    assert demo_cli.dump() == before


def test_the_attackers_title_is_refused_in_english_too(demo_cli: Cli, world: DemoWorld) -> None:
    before = demo_cli.dump()
    res = demo_cli(
        "--lang", "en", "coop", "open", "--title", f"Bauhof {ATTACK}", "--field", "IT",
        "--actor", world.coordinator,
    )  # fmt: skip
    assert_refused(res, 2, ())
    assert res.err.strip() == (
        "Error: Invalid input: --title: encoded-word sequences =?…?= are not allowed"
    )
    assert demo_cli.dump() == before


@pytest.mark.parametrize(
    ("value", "de"),
    [
        ("Streit\x0bBcc: b@evil.example", "Steuer- oder Trennzeichen U+000B nicht erlaubt"),
        ("Streit\u2028Bcc: b@evil.example", "Steuer- oder Trennzeichen U+2028 nicht erlaubt"),
        ("Streit\x85Bcc: b@evil.example", "Steuer- oder Trennzeichen U+0085 nicht erlaubt"),
        ("Streit\tum\tden Ort", "Steuer- oder Trennzeichen U+0009 nicht erlaubt"),
        ("\u202eStreit", "Steuer- oder Trennzeichen U+202E nicht erlaubt"),
    ],
)
def test_other_separators_in_a_subject_are_refused(
    demo_cli: Cli, world: DemoWorld, value: str, de: str
) -> None:
    coop = world.coop_in("agreement")
    before = demo_cli.dump()
    res = demo_cli("conflict", "raise", coop, "--subject", value, "--actor", world.coordinator)
    assert_refused(res, 2, ())
    assert res.err.strip() == f"Fehler: Ungültige Eingabe: --subject: {de}"
    assert demo_cli.dump() == before


def test_an_umlaut_title_still_works(demo_cli: Cli, world: DemoWorld) -> None:
    coop = demo_cli.json(
        "coop", "open", "--title", "Gemeinsamer Bauhof Süd", "--field", "Straßenwinterdienst",
        "--actor", world.coordinator,
    )  # fmt: skip
    assert coop["title"] == "Gemeinsamer Bauhof Süd"


PERSON: dict[str, Any] = {
    "name": "Nina\x00Bcc: b@evil.example",
    "email": "nina@example.org",
    "roles": ["coordinator"],
}


def test_nul_in_a_name_is_refused_by_the_python_api() -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse(c.RegisterPerson, PERSON)
    assert (
        refused.value.de
        == "Ungültige Eingabe: name: Steuer- oder Trennzeichen U+0000 nicht erlaubt"
    )
    assert refused.value.en == (
        "Invalid input: name: control or separator character U+0000 is not allowed"
    )
    with pytest.raises(ValidationError, match="U\\+0000"):
        c.RegisterPerson(**PERSON)


def test_nul_in_a_name_fails_the_flow_before_it_opens_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The flow's own function, as Prefect calls it with the form's values (stamped by
    # the gateway): the input is refused before the app (and its database) is opened,
    # so nothing can be written.
    monkeypatch.setenv("IKZ_SECRET", TEST_SECRET)
    monkeypatch.setenv("IKZ_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    # Its refusal is Prefect's Failed state with the one line as its message (the run
    # ends Failed without a traceback), and the ActionFailed as its data.
    try:
        failed = ACTION_FLOWS["register-person"].fn(**stamped_params(PERSON))
    finally:
        get_settings.cache_clear()
    assert list(tmp_path.iterdir()) == []
    assert (failed.type.value, failed.message) == (
        "FAILED",
        "Ungültige Eingabe: name: Steuer- oder Trennzeichen U+0000 nicht erlaubt",
    )
    assert isinstance(failed.data, ActionFailed)


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (c.ScheduleMeeting, {"cooperation_id": 1, "kind": "review", "starts_at": "2026-03-12T10:00",
                             "attendee_ids": [1], "notes": "Raum 2\x00", "actor_id": 1}, "notes"),
        (c.CancelMeeting, {"meeting_id": 1, "reason": "krank\x1b[31m", "actor_id": 1}, "reason"),
        (c.ScheduleConflictSession, {"conflict_id": 1, "starts_at": "2026-03-12T10:00",
                                     "location": "Rathaus\rX", "actor_id": 1}, "location"),
    ],
)  # fmt: skip
def test_calendar_bound_text_is_refused(model: Any, data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError, match=f"Ungültige Eingabe: {field}: "):
        parse(model, data)


def test_multi_line_text_keeps_its_lines() -> None:
    data = {"meeting_id": 1, "reason": "krank\r\nneuer Termin folgt\r", "actor_id": 1}
    assert parse(c.CancelMeeting, data).reason == "krank\nneuer Termin folgt"
