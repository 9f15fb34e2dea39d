"""Reusable input types: one clear error per bad value, before anything is written."""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from states.errors import InvalidInputError
from states.vocab import BUNDESLAENDER


def _no_crlf(value: str) -> str:
    # Anything that may reach a mail header is refused here rather than trusted to the
    # email package of whatever Python runs the dispatcher.
    if "\r" in value or "\n" in value:
        raise PydanticCustomError("crlf", "Zeilenumbruch (CR/LF) nicht erlaubt")
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

_EN = {
    "crlf": "line breaks (CR/LF) are not allowed",
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


def invalid_input(exc: ValidationError) -> InvalidInputError:
    parts_de, parts_en = [], []
    for err in exc.errors():
        field = ".".join(str(x) for x in err["loc"]) or "input"
        msg = err["msg"]
        parts_de.append(f"{field}: {msg}")
        parts_en.append(f"{field}: {_EN.get(err['type'], msg)}")
    return InvalidInputError(
        "invalid_input",
        "Ungültige Eingabe: " + "; ".join(parts_de),
        "Invalid input: " + "; ".join(parts_en),
    )
