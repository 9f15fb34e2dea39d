"""The UI's form checks in German: Prefect's own answer (its validator, its error object)
with every message translated."""

from __future__ import annotations

import json

from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools.validation import (
    build_error_obj,
    preprocess_schema,
    validate,
)

import flows.actions
from ikz.forms.messages import german


def check(name: str, values: dict[str, object]) -> dict[str, object]:
    schema = preprocess_schema(parameter_schema(flows.actions.ACTION_FLOWS[name].fn).model_dump())
    answer = json.dumps(build_error_obj(validate(values, schema))).encode()
    result: dict[str, object] = json.loads(german(answer))
    return result


def test_required_and_wrong_types_are_worded_in_german() -> None:
    answer = check(
        "register-person",
        {"eingabe": {"name": 3, "roles": ["Foo"], "municipality_id": [1]}},
    )
    assert answer["valid"] is False
    [eingabe] = answer["errors"]  # type: ignore[misc]
    assert eingabe["property"] == "eingabe"
    by_field = {e["property"]: e["errors"] for e in eingabe["errors"]}
    assert by_field == {
        "email": ["Pflichtangabe: bitte ausfüllen"],
        "name": ["muss Text sein"],
        "municipality_id": ["muss Text sein"],
        "roles": [{"index": 0, "errors": ["bitte eine der Möglichkeiten wählen"]}],
    }


def test_a_valid_form_and_other_answers_pass_unchanged() -> None:
    assert check("record-goal", {"eingabe": {"cooperation_id": "Bauhof", "text": "x"}}) == {
        "errors": [],
        "valid": True,
    }
    assert german(b'{"detail": "Not Found"}') == b'{"detail": "Not Found"}'
    assert german(b"<html>") == b"<html>"
