"""Reusable input types: one clear error per bad value, before anything is written."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, EmailStr, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from states.errors import InvalidInputError
from states.vocab import BUNDESLAENDER


def _no_crlf(value: str) -> str:
    # Anything that may reach a mail header is refused here rather than trusted to the
    # email package of whatever Python runs the dispatcher.
    if "\r" in value or "\n" in value:
        raise PydanticCustomError("crlf", "Zeilenumbruch (CR/LF) nicht erlaubt")
    return value


def _ascii_local_part(value: str) -> str:
    # The email package cannot address a mailbox whose name (before the @) is not ASCII,
    # and few relays take one (SMTPUTF8): such an address would never get a mail.
    # Internationalised domains are fine.
    if not value.rpartition("@")[0].isascii():
        raise PydanticCustomError(
            "email_local_ascii",
            "vor dem @ nur Zeichen ohne Umlaute und ß (z. B. joerg.mueller@…)",
        )
    return value


def _ags(value: str) -> str:
    if len(value) != 8 or not value.isdigit():
        raise PydanticCustomError("ags_format", "AGS muss aus genau 8 Ziffern bestehen")
    if value[:2] not in BUNDESLAENDER:
        raise PydanticCustomError("ags_land", "AGS beginnt nicht mit einem Landesschlüssel 01-16")
    return value


HeaderSafe = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_crlf),
]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Ags = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_ags)]
Email = Annotated[EmailStr, AfterValidator(_ascii_local_part)]

_EN = {
    "crlf": "line breaks (CR/LF) are not allowed",
    "email_local_ascii": "only characters without umlauts or ß before the @ (e.g. joerg.mueller@…)",
    "ags_format": "AGS must be exactly 8 digits",
    "ags_land": "AGS does not start with a Land key 01-16",
}


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: dict[str, object]) -> M:
    """Validate `data` into `model`, turning pydantic's report into one clear error line."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(exc) from None


# German wording for pydantic's common error types (placeholders from the error's ctx).
_DE = {
    "missing": "fehlt",
    "int_parsing": "keine ganze Zahl",
    "int_type": "keine ganze Zahl",
    "float_parsing": "keine Zahl",
    "bool_parsing": "kein Ja/Nein-Wert",
    "greater_than": "muss größer als {gt} sein",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "string_too_short": "darf nicht leer sein",
    "string_too_long": "zu lang (höchstens {max_length} Zeichen)",
    "string_pattern_mismatch": "hat nicht das erwartete Format",
    "enum": "ungültiger Wert (erlaubt: {expected})",
    "literal_error": "ungültiger Wert (erlaubt: {expected})",
    "date_parsing": "kein gültiges Datum (JJJJ-MM-TT)",
    "date_from_datetime_parsing": "kein gültiges Datum (JJJJ-MM-TT)",
    "date_type": "kein gültiges Datum (JJJJ-MM-TT)",
    "list_type": "muss eine Liste sein",
    "too_short": "zu wenige Einträge (mindestens {min_length})",
    "extra_forbidden": "unbekanntes Feld",
    "model_type": "ungültige Angabe",
}


def _german(err: Any) -> str:
    if err["type"] == "value_error" and "email" in err["msg"].lower():
        return "keine gültige E-Mail-Adresse"
    template = _DE.get(err["type"])
    if template is None:
        return str(err["msg"])
    try:
        return template.format(**(err.get("ctx") or {})).replace("' or '", "' oder '")
    except (KeyError, IndexError):
        return str(err["msg"])


def invalid_input(exc: ValidationError) -> InvalidInputError:
    parts_de, parts_en = [], []
    for err in exc.errors():
        field = ".".join(str(x) for x in err["loc"]) or "input"
        msg = err["msg"]
        parts_de.append(f"{field}: {_german(err)}")
        parts_en.append(f"{field}: {_EN.get(err['type'], msg)}")
    return InvalidInputError(
        "invalid_input",
        "Ungültige Eingabe: " + "; ".join(parts_de),
        "Invalid input: " + "; ".join(parts_en),
    )
