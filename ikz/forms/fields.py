"""What each field of an input model is in a form: a reference to a row (typed as a
name, part of one, email, AGS or id), a closed choice (offered as German labels), a
nested model, or a plain value; and whether it may be left empty."""

from __future__ import annotations

import re
import types
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from states.choices import CHOICES
from states.matching import RefKind

# Fields holding the id of a row people know by name.
REFERENCES: dict[str, RefKind] = {
    "cooperation_id": RefKind.COOPERATION,
    "municipality_id": RefKind.MUNICIPALITY,
    "benefiting_municipality_id": RefKind.MUNICIPALITY,
    "signed_by": RefKind.MUNICIPALITY,
    "conceding_municipality_ids": RefKind.MUNICIPALITY,
    "person_id": RefKind.PERSON,
    "mayor_id": RefKind.PERSON,
    "contact_id": RefKind.PERSON,
    "moderator_id": RefKind.PERSON,
    "attendee_ids": RefKind.PERSON,
    "agreed_by": RefKind.PERSON,
    "party_ids": RefKind.PERSON,
}

REFERENCE_HINTS: dict[RefKind, str] = {
    RefKind.COOPERATION: "Titel, eindeutiger Teil davon oder ID",
    RefKind.PERSON: "Name, eindeutiger Teil davon, E-Mail oder ID",
    RefKind.MUNICIPALITY: "Name, eindeutiger Teil davon, AGS oder ID",
}

# "Kommune (ID)", "Teilnehmende (IDs)", "Unterzeichnet von (Kommunen-IDs)": the form
# takes names too.
_ID_SUFFIX = re.compile(r"\s*\((?:[\wäöüÄÖÜ]+-)?IDs?\)")


@dataclass(frozen=True)
class Shape:
    name: str
    info: FieldInfo
    base: Any  # the value's type without constraints, None and list
    many: bool  # a list of them
    optional: bool  # the model's default is None: empty in the form means that
    ref: RefKind | None = None

    @property
    def choice(self) -> type[StrEnum] | None:
        base = self.base
        if isinstance(base, type) and issubclass(base, StrEnum) and base in CHOICES:
            return base
        return None

    @property
    def nested(self) -> type[BaseModel] | None:
        if isinstance(self.base, type) and issubclass(self.base, BaseModel):
            return self.base
        return None

    @property
    def title(self) -> str:
        title = self.info.title or self.name
        return _ID_SUFFIX.sub("", title) if self.ref else title


def _bare(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def shape(name: str, info: FieldInfo) -> Shape:
    tp = _bare(info.annotation)
    optional = False
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        optional = len(args) < len(get_args(tp))
        tp = _bare(args[0])
    many = get_origin(tp) is list
    if many:
        tp = _bare(get_args(tp)[0])
    return Shape(name, info, tp, many, optional, REFERENCES.get(name))


def shapes(model: type[BaseModel]) -> list[Shape]:
    """The fields a form shows: all but the acting person (the run's stamp names them)."""
    return [shape(n, i) for n, i in model.model_fields.items() if n != "actor_id"]
