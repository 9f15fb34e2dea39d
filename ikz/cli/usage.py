"""Click's usage errors (a bad value, an unknown option, a missing argument) as one line
in German or English, like every other error of `ikz`: Click's own are an English usage
block, and they echoed what was typed, control characters and all.

Typer 0.29 vendors Click as `typer._click` and exports only BadParameter publicly; the
other exception classes are taken from there.
"""

from __future__ import annotations

import re
from typing import Any

from typer._click.exceptions import (
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)

from states.errors import InvalidInputError, Language

__all__ = ["NoArgsIsHelpError", "UsageError", "language_of", "shown", "usage_error"]

# What the user typed is shown at most this long (a pasted paragraph is no option value).
SHOWN_MAX = 60


def shown(value: object) -> str:
    """A typed value fit for a one-line message: control characters escaped, shortened."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(value))
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def language_of(argv: list[str], default: Language) -> Language:
    """`--lang en` may come after the error was found (the root callback never ran)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else default
        if arg == "--lang=en":
            return "en"
    return default


# Why a value was refused: pydantic's error types (Typer converts with pydantic).
_REASONS: dict[str, tuple[str, str]] = {
    "int_parsing": ("ist keine ganze Zahl", "is not an integer"),
    "int_from_float": ("ist keine ganze Zahl", "is not an integer"),
    "float_parsing": ("ist keine Zahl", "is not a number"),
    "bool_parsing": ("ist kein Ja/Nein-Wert", "is not a yes/no value"),
    "less_than_equal": ("ist zu groß (höchstens {le})", "is too big (at most {le})"),
    "greater_than_equal": ("ist zu klein (mindestens {ge})", "is too small (at least {ge})"),
    "enum": ("ist nicht erlaubt (erlaubt: {expected})", "is not allowed (allowed: {expected})"),
    "literal_error": (
        "ist nicht erlaubt (erlaubt: {expected})",
        "is not allowed (allowed: {expected})",
    ),
}

# Plain UsageErrors whose only detail is in Click's English text.
_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"No such command '(.*)'\.?$"),
        "Unbekannter Befehl '{0}'.",
        "No such command '{0}'.",
    ),
    (
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"),
        "Überzählige Angabe: {0}",
        "Unexpected extra argument: {0}",
    ),
    (
        re.compile(r"Option '(.*)' requires (?:an argument|\d+ arguments)\.$"),
        "Option '{0}' braucht einen Wert.",
        "Option '{0}' requires a value.",
    ),
    (
        re.compile(r"Option '(.*)' does not take a value\.$"),
        "Option '{0}' nimmt keinen Wert.",
        "Option '{0}' does not take a value.",
    ),
]


def _hint(exc: BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return hint if isinstance(hint, str) else " / ".join(f"'{h}'" for h in hint)
    return exc.param.get_error_hint() if exc.param is not None else "?"


def _bad_value(exc: BadParameter) -> tuple[str, str]:
    hint = shown(_hint(exc))
    cause: Any = exc.__cause__
    errors = cause.errors() if hasattr(cause, "errors") else []
    if errors:
        err = errors[0]
        value = f"'{shown(err.get('input'))}' "
        reason = _REASONS.get(err["type"])
        ctx = {k: shown(v) for k, v in (err.get("ctx") or {}).items()}
        if reason is not None:
            de, en = (r.format(**ctx) for r in reason)
        else:
            de = en = shown(err["msg"])
            value = f"'{shown(err.get('input'))}': "
    else:
        value, de, en = "", shown(exc.message), shown(exc.message)
    return (
        f"Ungültiger Wert für {hint}: {value}{de}.",
        f"Invalid value for {hint}: {value}{en}.",
    )


def _missing(exc: MissingParameter) -> tuple[str, str]:
    hint = shown(_hint(exc))
    kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "")
    if kind == "option":
        return f"Option {hint} fehlt.", f"Missing option {hint}."
    return f"Angabe {hint} fehlt.", f"Missing argument {hint}."


def _no_such_option(exc: NoSuchOption) -> tuple[str, str]:
    name = shown(exc.option_name)
    if exc.possibilities:
        maybe = ", ".join(shown(p) for p in sorted(exc.possibilities))
        return (
            f"Unbekannte Option: {name} (gemeint: {maybe}?)",
            f"No such option: {name} (did you mean: {maybe}?)",
        )
    return f"Unbekannte Option: {name}", f"No such option: {name}"


def usage_error(exc: UsageError) -> InvalidInputError:
    """The one line of a usage error (exit 2, like Click's), in both languages."""
    if isinstance(exc, MissingParameter):
        de, en = _missing(exc)
    elif isinstance(exc, BadParameter):
        de, en = _bad_value(exc)
    elif isinstance(exc, NoSuchOption):
        de, en = _no_such_option(exc)
    else:
        de = en = ""
        for pattern, de_text, en_text in _PATTERNS:
            found = pattern.match(exc.message)
            if found:
                args = [shown(g) for g in found.groups()]
                de, en = de_text.format(*args), en_text.format(*args)
                break
        else:
            de, en = f"Aufruf ungültig: {shown(exc.message)}", f"Usage: {shown(exc.message)}"
    command = exc.ctx.command_path if exc.ctx is not None else "ikz"
    return InvalidInputError(
        "usage",
        f"{de} (Hilfe: {command} --help)",
        f"{en} (help: {command} --help)",
    )
