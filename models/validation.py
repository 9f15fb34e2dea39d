"""Reusable input types: one clear error per bad value, before anything is written."""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    EmailStr,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from states.errors import InvalidInputError
from states.vocab import BUNDESLAENDER

# Characters no text that reaches a mail or a calendar may hold. Control characters
# (Unicode Cc: C0, DEL, C1; NUL and every line or page break among them), the Unicode
# line and paragraph separators, lone surrogates (they cannot be encoded), and the format
# characters that reorder or hide text ("Trojan Source": bidi embeddings, overrides and
# isolates, the Arabic letter mark, interlinear annotations, a byte order mark inside
# text). Zero-width joiners and the soft hyphen stay: names and emoji need them.
_HIDDEN = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u206a-\u206f\ufeff\ufff9-\ufffb"
UNSAFE_CHAR = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_HIDDEN}]")
# The same for multi-line text: a line feed and a tab are what such text is made of.
UNSAFE_TEXT_CHAR = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_HIDDEN}]")
# An RFC 2047 encoded word: mail software decodes it (Python's email package while it
# builds a header), so its decoded text may carry the line break the text itself lacks.
ENCODED_WORD = re.compile(r"=\?.*?\?=", re.DOTALL)


def _refuse_unsafe(value: str, unsafe: re.Pattern[str]) -> str:
    bad = unsafe.search(value)
    if bad is None:
        return value
    if bad.group() in "\r\n":
        # The classic header injection gets the wording people know from mail software.
        raise PydanticCustomError("crlf", "Zeilenumbruch (CR/LF) nicht erlaubt")
    raise PydanticCustomError(
        "control_char",
        "Steuer- oder Trennzeichen {char} nicht erlaubt",
        {"char": f"U+{ord(bad.group()):04X}"},
    )


def _header_safe(value: str) -> str:
    # Anything that may reach a mail header is refused here rather than trusted to the
    # email package of whatever Python runs the dispatcher (ikz.mail.safe guards again
    # when rendering, for rows stored before this check).
    _refuse_unsafe(value, UNSAFE_CHAR)
    if ENCODED_WORD.search(value):
        raise PydanticCustomError("encoded_word", "kodierte Zeichenfolge =?…?= nicht erlaubt")
    return value


def _text_safe(value: str) -> str:
    return _refuse_unsafe(value, UNSAFE_TEXT_CHAR)


def _unix_newlines(value: object) -> object:
    # A browser's text area sends CR LF, old files a lone CR: a multi-line text keeps
    # the line feed only.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


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
    AfterValidator(_header_safe),
]
# One optional line (a file number, a portal receipt): as safe as HeaderSafe, may be empty.
OptionalLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=300),
    AfterValidator(_header_safe),
]
# Bodies and notes (mail text, .ics DESCRIPTION): several lines, no other control character.
OptionalText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=5000),
    BeforeValidator(_unix_newlines),  # wraps the constraints: runs before them
    AfterValidator(_text_safe),
]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    BeforeValidator(_unix_newlines),  # wraps the constraints: runs before them
    AfterValidator(_text_safe),
]
Ags = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_ags)]
Email = Annotated[EmailStr, AfterValidator(_header_safe), AfterValidator(_ascii_local_part)]

_EN = {
    "crlf": "line breaks (CR/LF) are not allowed",
    "control_char": "control or separator character {char} is not allowed",
    "encoded_word": "encoded-word sequences =?…?= are not allowed",
    "email_local_ascii": "only characters without umlauts or ß before the @ (e.g. joerg.mueller@…)",
    "ags_format": "AGS must be exactly 8 digits",
    "ags_land": "AGS does not start with a Land key 01-16",
    "decimal_parsing": "not an amount (digits with a point, e.g. 1234.50)",
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
    # Money (ikz funding): digits with a point, no thousands separator.
    "decimal_parsing": "kein Betrag (Ziffern mit Punkt, z. B. 1234.50)",
    "decimal_type": "kein Betrag (Ziffern mit Punkt, z. B. 1234.50)",
    "decimal_max_digits": "zu groß (höchstens {max_digits} Ziffern)",
    "decimal_whole_digits": "zu groß (höchstens {whole_digits} Ziffern vor dem Punkt)",
    "decimal_max_places": "höchstens {decimal_places} Nachkommastellen (Cent)",
    "finite_number": "keine endliche Zahl",
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


def _english(err: Any) -> str:
    template = _EN.get(err["type"])
    return str(err["msg"]) if template is None else template.format(**(err.get("ctx") or {}))


def invalid_input(exc: ValidationError) -> InvalidInputError:
    parts_de, parts_en = [], []
    for err in exc.errors():
        field = ".".join(str(x) for x in err["loc"]) or "input"
        parts_de.append(f"{field}: {_german(err)}")
        parts_en.append(f"{field}: {_english(err)}")
    return InvalidInputError(
        "invalid_input",
        "Ungültige Eingabe: " + "; ".join(parts_de),
        "Invalid input: " + "; ".join(parts_en),
    )
