"""The Prefect UI's form checks, in German.

Before a run is submitted, the UI asks the server to check the form against its JSON
schema (POST /api/ui/schemas/validate) and shows each message under its field, as
`jsonschema` words it ("'roles' is a required property"). The form's schema is lenient
(ikz.forms.schema), so few checks remain (a required field left empty, a wrong type);
the gateway passes their answer through `german`.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TYPES = {
    "string": "Text",
    "integer": "ganze Zahl",
    "number": "Zahl",
    "boolean": "Ja/Nein-Wert",
    "array": "Liste",
    "object": "Angabe mit Feldern",
}

_RULES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"^'.*' is a required property$"), "Pflichtangabe: bitte ausfüllen"),
    (
        re.compile(r"^.* is not of type '(\w+)'$", re.DOTALL),
        lambda m: f"muss {_TYPES.get(m.group(1), m.group(1))} sein",
    ),
    (re.compile(r"^.* is not one of \[.*\]$", re.DOTALL), "bitte eine der Möglichkeiten wählen"),
    (re.compile(r"^.* is not a 'date'$", re.DOTALL), "kein gültiges Datum (JJJJ-MM-TT)"),
    (re.compile(r"^.* is not a 'date-time'$", re.DOTALL), "kein gültiger Zeitpunkt"),
    (re.compile(r"^Additional properties are not allowed"), "unbekanntes Feld"),
)


def german_message(message: str) -> str:
    for pattern, german in _RULES:
        found = pattern.match(message)
        if found:
            return german(found) if callable(german) else str(german)
    return "ungültige Angabe"


def _translate(node: Any) -> Any:
    if isinstance(node, str):
        return german_message(node)
    if isinstance(node, list):
        return [_translate(n) for n in node]
    if isinstance(node, dict):
        return {k: (_translate(v) if k == "errors" else v) for k, v in node.items()}
    return node


def german(content: bytes) -> bytes:
    """The server's answer to a form check with every message in German (unchanged when
    it is not such an answer)."""
    try:
        data = json.loads(content)
    except ValueError:
        return content
    if not isinstance(data, dict) or not isinstance(data.get("errors"), list):
        return content
    return json.dumps(_translate(data), ensure_ascii=False).encode()
