"""Which cooperation, person or municipality a typed reference names.

A form field takes an id, a name or title, a unique part of it (any case), an email
(people) or an AGS (municipalities). Pure: the candidates come from models.lookup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from states.errors import InvalidInputError, NotFoundError

# Candidates an ambiguous reference lists before "…".
SHOWN = 5
# What of a typed reference a message repeats (control characters shown as "?").
ECHO_CHARS = 60
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class RefKind(StrEnum):
    COOPERATION = "cooperation"
    PERSON = "person"
    MUNICIPALITY = "municipality"


# (singular, plural) German and English, as the messages use them.
_WORDS: dict[RefKind, tuple[str, str, str, str]] = {
    RefKind.COOPERATION: ("Kooperation", "Kooperationen", "cooperation", "cooperations"),
    RefKind.PERSON: ("Person", "Personen", "person", "people"),
    RefKind.MUNICIPALITY: ("Kommune", "Kommunen", "municipality", "municipalities"),
}


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    keys: tuple[str, ...] = ()  # matched exactly: an email, an AGS


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def echo(text: str) -> str:
    shown = _CONTROL.sub("?", text.strip())
    return shown if len(shown) <= ECHO_CHARS else shown[: ECHO_CHARS - 1] + "…"


def match(kind: RefKind, text: str, candidates: Sequence[Candidate]) -> int:
    """The id of the one candidate `text` names: an exact email or AGS, then an id,
    then the whole name, then a part of it. None or several: one line naming them."""
    wanted = _norm(text)
    if not wanted:
        raise InvalidInputError(
            "reference_empty",
            f"Bitte eine {_WORDS[kind][0]} angeben.",
            f"Please name a {_WORDS[kind][2]}.",
        )
    by_key = [c for c in candidates for k in c.keys if k.casefold() == wanted]
    number = int(wanted) if wanted.isdigit() else None
    by_id = [c for c in candidates if c.id == number] if number is not None else []
    names = [] if by_key or by_id else [(c, _norm(c.name)) for c in candidates]
    steps = (
        by_key,
        by_id,
        [c for c, name in names if name == wanted],
        [c for c, name in names if wanted in name],
    )
    for found in steps:
        if len(found) == 1:
            return found[0].id
        if found:
            raise ambiguous(kind, text, found)
    one_de, _, one_en, _ = _WORDS[kind]
    raise NotFoundError(
        "reference_not_found",
        f"Keine {one_de} passt zu „{echo(text)}“.",
        f"No {one_en} matches “{echo(text)}”.",
    )


def ambiguous(kind: RefKind, text: str, found: Sequence[Candidate]) -> InvalidInputError:
    _, many_de, _, many_en = _WORDS[kind]
    ordered = sorted(found, key=lambda c: c.id)
    listed = [f"{echo(c.name)} (ID {c.id})" for c in ordered[:SHOWN]]
    if len(ordered) > SHOWN:
        listed.append("…")
    names = ", ".join(listed)
    return InvalidInputError(
        "reference_ambiguous",
        f"„{echo(text)}“ passt auf mehrere {many_de}: {names}. Bitte genauer angeben.",
        f"“{echo(text)}” matches several {many_en}: {names.replace('(ID', '(id')}. "
        "Please be more specific.",
    )
