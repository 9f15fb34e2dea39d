"""The forms as Prefect's UI gets them: the parameter schema of every action flow after
Prefect's own preprocessing (which turns a field without default into "or None")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools.validation import preprocess_schema, validate

import flows.actions
import flows.signoff

FLOWS = {**flows.actions.ACTION_FLOWS, "request-signoff": flows.signoff.request_signoff}
# Keywords the UI checks in the browser and answers in English ("is not a 'email'",
# "does not match '^(de|en)$'", "is too long"): the use case checks these, in German.
ENGLISH_CHECKS = (
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
)
# The UI's date and date-time pickers can only produce valid values.
PICKERS = {"date", "date-time"}


def form_schema(name: str) -> dict[str, Any]:
    return dict(preprocess_schema(parameter_schema(FLOWS[name].fn).model_dump()))


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_every_action_has_a_form() -> None:
    assert len(FLOWS) == 51


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_no_visible_field_switches_to_none(name: str) -> None:
    for node in walk(form_schema(name)):
        for option in node.get("anyOf", []):
            assert option.get("type") != "null", (name, node)
        assert node.get("type") != "null", (name, node)


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_no_check_answers_in_english(name: str) -> None:
    for node in walk(form_schema(name)["definitions"]):
        assert not set(ENGLISH_CHECKS) & set(node), (name, node)
        assert node.get("format", "date") in PICKERS, (name, node)


def test_the_lifecycle_form_asks_for_names_and_german_steps() -> None:
    form = form_schema("advance-cooperation")["definitions"]["Advance"]
    props = form["properties"]
    assert props["cooperation_id"] == {
        "title": "Kooperation",
        "description": "Titel, eindeutiger Teil davon oder ID",
        "type": "string",
    }
    assert props["trigger"]["enum"][:3] == [
        "Sondierung beginnen",
        "Vereinbarung verhandeln",
        "Pilot starten",
    ]
    assert props["expected_version"] == {
        "title": "Erwartete Version",
        "description": "Schutz vor gleichzeitigen Änderungen. 0: keine Angabe",
        "type": "integer",
        "default": 0,
    }
    assert props["idempotency_key"]["default"] == ""
    assert form["required"] == ["cooperation_id", "trigger"]


def test_people_and_municipalities_are_asked_for_by_name() -> None:
    signoff = form_schema("request-signoff")["definitions"]["RequestSignOff"]["properties"]
    assert signoff["municipality_id"]["title"] == "Kommune"
    assert signoff["municipality_id"]["description"] == (
        "Name, eindeutiger Teil davon, AGS oder ID. Deren Bürgermeister:in freigibt"
    )
    assert signoff["gate"]["default"] == "Pilot starten"
    meeting = form_schema("schedule-meeting")["definitions"]["ScheduleMeeting"]["properties"]
    assert meeting["attendee_ids"]["title"] == "Teilnehmende"
    assert meeting["attendee_ids"]["items"] == {"type": "string"}
    assert meeting["attendee_ids"]["description"] == (
        "Je Eintrag: Name, eindeutiger Teil davon, E-Mail oder ID"
    )
    person = form_schema("register-person")["definitions"]["RegisterPerson"]["properties"]
    assert person["roles"]["items"]["enum"] == [
        "Bürgermeister:in",
        "Ansprechperson",
        "Mitarbeiter:in",
        "Moderation",
        "Koordination",
    ]
    assert person["email"] == {"title": "E-Mail", "type": "string"}


def test_the_ui_lets_through_what_only_the_use_case_may_refuse() -> None:
    # Prefect's own check of a run's parameters (the server's, and the UI's before
    # Submit) passes a bad email and a line break: the run answers, in German.
    schema = form_schema("register-person")
    values = {
        "eingabe": {"name": "Anna\nBcc: x", "email": "kein-at-zeichen", "roles": ["Koordination"]}
    }
    assert validate(values, schema) == []
