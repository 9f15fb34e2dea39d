"""The Prefect form of an input model: what the UI's "Custom run" shows and checks.

The UI checks a form against its JSON schema and answers in English ("'x' is not a
'email'"), so the form's schema is lenient: plain types without `format`, `pattern`,
lengths or bounds, references as text, choices as German labels, and optional values
as a plain type with an empty default ("" or 0) instead of a switch to "None". The
run maps the form back (ikz.forms.fill) and the input model then checks everything,
with German messages. Fields the use case needs stay `required`: the UI marks the
others "(Optional)".
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic_core import PydanticUndefined

from ikz.forms.fields import REFERENCE_HINTS, Shape, shapes
from states.choices import german_label, german_labels


class FormInput(BaseModel):
    # No docstring: pydantic would make it the form's description, in English.
    model_config = ConfigDict(extra="forbid")


def _type(s: Shape) -> Any:
    one: Any
    if s.ref is not None:
        one = str
    elif s.choice is not None:
        one = Literal[german_labels(s.choice)]
    elif s.nested is not None:
        one = form_model(s.nested)
    elif s.base in (date, datetime) and s.optional:
        one = str  # empty means none; a date picker would need a date
    elif s.base in (str, int, bool, float, date, datetime):
        one = s.base
    else:
        one = str
    return list[one] if s.many else one


def _description(s: Shape) -> str | None:
    own = s.info.description
    if s.choice is not None:
        return None  # the labels speak for themselves (the model's text names codes)
    parts: list[str] = []
    if s.ref is not None:
        hint = REFERENCE_HINTS[s.ref]
        parts.append(f"Je Eintrag: {hint}" if s.many else hint)
        if own and not own.startswith("ID "):
            parts.append(own)
    elif own:
        parts.append(own)
    if s.optional and not s.many and s.ref is None:
        if s.base in (date, datetime):
            parts.append("JJJJ-MM-TT; leer: keine Angabe")
        elif s.base is int:
            parts.append("0: keine Angabe")
    return ". ".join(p.rstrip(".") for p in parts) or None


def _default(s: Shape) -> Any:
    """The form's default, or PydanticUndefined for a value the use case needs."""
    info = s.info
    if s.many:
        return PydanticUndefined if info.is_required() else []
    if info.is_required():
        return PydanticUndefined
    if s.optional and info.default is None:
        return 0 if s.base is int and s.ref is None else ""
    default = info.get_default(call_default_factory=True)
    if s.choice is not None and default is not None:
        return german_label(s.choice, str(default))
    if s.nested is not None:
        return PydanticUndefined
    return default


@cache
def form_model(model: type[BaseModel]) -> type[BaseModel]:
    """The model the form is generated from (without the acting person)."""
    fields: dict[str, Any] = {}
    for s in shapes(model):
        default = _default(s)
        kwargs: dict[str, Any] = {"title": s.title, "description": _description(s)}
        if default is PydanticUndefined:
            field = Field(**kwargs)
        elif isinstance(default, list):
            # A default in the schema, or Prefect makes it "array or None".
            field = Field(list(default), **kwargs)
        else:
            field = Field(default, **kwargs)
        fields[s.name] = (_type(s), field)
    form: type[BaseModel] = create_model(
        model.__name__, __base__=FormInput, __module__=model.__module__, **fields
    )
    return form
