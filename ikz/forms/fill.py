"""A filled-in form back to the input model's values: references to ids, German labels
to codes, an empty optional value to none. Values the CLI and the API send (ids,
codes) pass unchanged; whatever is still wrong the input model refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ikz.app import App
from ikz.forms.fields import Shape, shapes
from models.lookup import candidates
from states.choices import code_of, german_labels
from states.errors import InvalidInputError
from states.matching import Candidate, RefKind, echo, match

Resolve = Callable[[RefKind, str], int]

_EMPTY = object()  # left empty in the form: the key is dropped (model default or "fehlt")


def resolver(app: App) -> Resolve:
    """Matches references against the database, reading each kind's rows once."""
    rows: dict[RefKind, list[Candidate]] = {}

    def resolve(kind: RefKind, text: str) -> int:
        if kind not in rows:
            with app.db.read() as session:
                rows[kind] = candidates(kind, session=session)
        return match(kind, text, rows[kind])

    return resolve


def form_values(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """`data` as the input model takes it; opens the database only for a typed name."""
    from ikz.app import open_app

    opened: list[App] = []
    resolve: Resolve | None = None

    def lookup(kind: RefKind, text: str) -> int:
        nonlocal resolve
        if resolve is None:
            opened.append(open_app(emit_events=False))
            resolve = resolver(opened[0])
        return resolve(kind, text)

    try:
        return fill(model, data, lookup)
    finally:
        for app in opened:
            app.close()


def fill(model: type[BaseModel], data: dict[str, Any], resolve: Resolve) -> dict[str, Any]:
    out = dict(data)
    for s in shapes(model):
        if s.name not in out:
            continue
        value = out[s.name]
        if s.many and isinstance(value, list):
            items = [_one(s, v, resolve) for v in value]
            out[s.name] = [v for v in items if v is not _EMPTY]
            continue
        new = _one(s, value, resolve)
        if new is _EMPTY:
            del out[s.name]
        else:
            out[s.name] = new
    return out


def _one(s: Shape, value: Any, resolve: Resolve) -> Any:
    blank = isinstance(value, str) and not value.strip()
    if blank and (s.base is not str or s.optional or s.ref is not None or s.many):
        return _EMPTY
    if s.optional and value == 0 and not isinstance(value, bool) and s.base is int:
        return _EMPTY
    if s.ref is not None and isinstance(value, str):
        return resolve(s.ref, value)
    if s.choice is not None and isinstance(value, str):
        code = code_of(s.choice, value)
        if code is None:
            offered = ", ".join(german_labels(s.choice))
            raise InvalidInputError(
                "unknown_choice",
                f"{s.title}: „{echo(value)}“ ist nicht vorgesehen (möglich: {offered}).",
                f"{s.name}: “{echo(value)}” is not one of the choices.",
            )
        return code
    if s.nested is not None and isinstance(value, dict):
        return fill(s.nested, value, resolve)
    return value
