"""Property: for every action of the registry and every field of its input model, a bad
value (an int out of range or beyond 2**63-1, an overlong text, a date beyond 2100 or
before 1900) is refused in one line naming the field, with nothing written.

Both surfaces: the CLI (in-process, against a copy of the demo database, compared table
by table) and the input model as flows validate it (`models.validation.parse`). Every
other field holds a valid value, built from the model, so the bad one is the reason.
"""

from __future__ import annotations

import re
import sqlite3
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Ge, Gt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ikz.cli.actions import option_name
from ikz.registry import ACTIONS, ActionSpec
from models.validation import parse
from states.errors import InvalidInputError
from tests.cli.helpers import Cli

# --- what a field is, and a valid value for it ---------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(base type, is a list, metadata) with Optional and Annotated taken apart."""
    meta: list[Any] = []
    many = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *more = typing.get_args(annotation)
            for m in more:
                meta.extend(m.metadata if isinstance(m, FieldInfo) else [m])
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        elif origin is list:
            many = True
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, many, meta


def kind_of(info: FieldInfo) -> str | None:
    base, _, _ = _unwrap(info.annotation)
    if base is bool:
        return None
    if base is int:
        return "int"
    if base is str:
        return "text"
    if base is datetime:
        return "datetime"
    if base is date:
        return "date"
    return None  # enums, nested models: not generated here


def _valid_one(name: str, base: Any, meta: list[Any]) -> Any:
    if isinstance(base, type) and issubclass(base, Enum):
        return next(iter(base)).value
    if isinstance(base, type) and issubclass(base, BaseModel):
        return valid_data(base)
    if base is int:
        low = 1
        for m in meta:
            low = max(low, m.gt + 1 if isinstance(m, Gt) else m.ge if isinstance(m, Ge) else low)
        return low
    if base is datetime:
        return "2030-03-12T10:00"
    if base is date:
        return "2026-01-05"
    if base is Decimal:  # money (ikz funding): euros with a point
        return "1.00"
    return {
        "email": "neu@example.org",
        "ags": "16052000",
        "language": "de",
        "mode": "daily",
        "programme": "by_ikz",
    }.get(name, "Gemeinsamer Bauhof")


def valid_value(name: str, info: FieldInfo) -> Any:
    base, many, meta = _unwrap(info.annotation)
    one = _valid_one(name, base, [*meta, *info.metadata])
    return [one] if many else one


def valid_data(model: type[BaseModel]) -> dict[str, Any]:
    return {n: valid_value(n, i) for n, i in model.model_fields.items() if i.is_required()}


def bad_values(kind: str, *, cli: bool) -> st.SearchStrategy[Any]:
    if kind == "int":
        # Every int of every model is bounded below by 1 or more; a negative number on
        # the command line reads as an option, so the CLI gets 0 and the huge ones.
        low = st.just(0) if cli else st.integers(max_value=0)
        return st.one_of(low, st.integers(min_value=2**63, max_value=2**200))
    if kind == "text":  # longer than any text type allows (5000 at most)
        return st.builds(lambda n, c: c * n, st.integers(5001, 12_000), st.sampled_from("xÄ"))
    if kind == "date":
        return st.one_of(
            st.dates(max_value=date(1899, 12, 31)), st.dates(min_value=date(2101, 1, 1))
        )
    return st.one_of(
        st.datetimes(max_value=datetime(1899, 12, 31, 23, 59)),
        st.datetimes(min_value=datetime(2101, 1, 1)),
    )


def fields_of(spec: ActionSpec) -> list[tuple[str, str | None, str]]:
    """(field, nested-under, kind) of every field a bad value is generated for."""
    found = []
    for name, info in spec.model.model_fields.items():
        if name in spec.converters:
            continue  # typed in a format of its own (the partner spec, a trigger)
        base, many, _ = _unwrap(info.annotation)
        if isinstance(base, type) and issubclass(base, BaseModel) and not many:
            found += [(sub, name, k) for sub, si in base.model_fields.items() if (k := kind_of(si))]
        elif (k := kind_of(info)) is not None:
            found.append((name, None, k))
    return found


CASES = [(spec, f) for spec in ACTIONS for f in fields_of(spec)]
IDS = [f"{spec.name}-{f[1] + '.' if f[1] else ''}{f[0]}" for spec, f in CASES]


def test_every_action_has_fields_to_try() -> None:
    assert len(ACTIONS) >= 26
    assert {spec.name for spec, _ in CASES} == {spec.name for spec in ACTIONS}


def with_bad(
    spec: ActionSpec, field: str, under: str | None, bad: Any
) -> tuple[dict[str, Any], Any]:
    data = valid_data(spec.model)
    value = bad.isoformat() if isinstance(bad, date) else bad
    info = (spec.model.model_fields[under].annotation if under else spec.model).model_fields[field]
    value = [value] if _unwrap(info.annotation)[1] else value
    if under:
        data[under] = {
            **data.get(under, valid_data(spec.model.model_fields[under].annotation)),
            field: value,
        }
    else:
        data[field] = value
    return data, value


# --- the model, as flows validate it --------------------------------------------------------


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_the_model_refuses_a_bad_value_naming_the_field(
    spec: ActionSpec, case: tuple[str, str | None, str], data: st.DataObject
) -> None:
    field, under, kind = case
    payload, _ = with_bad(spec, field, under, data.draw(bad_values(kind, cli=False)))
    parse(spec.model, valid_data(spec.model))  # the baseline itself is valid
    with pytest.raises(InvalidInputError) as caught:
        parse(spec.model, payload)
    path = f"{under}.{field}" if under else field
    assert re.match(rf"Ungültige Eingabe: {re.escape(path)}(\.0)?: [^;\n]+$", caught.value.de), (
        caught.value.de[:300]
    )


# --- the CLI --------------------------------------------------------------------------------


# How a value of a field with a converter of its own is typed on the command line.
TYPED_AS: dict[str, Any] = {
    "ikz.cli.convert:cost_share": lambda v: f"{v['municipality_id']}={v['percent']}",
}


def argv_for(spec: ActionSpec, data: dict[str, Any]) -> list[str]:
    positional: list[str] = []
    options: list[str] = []
    for name in spec.model.model_fields:
        if name not in data:
            continue
        value = data[name]
        if name in spec.positional:
            positional.append(str(value))
        elif isinstance(value, dict):  # a nested model: its fields are options
            for sub, v in value.items():
                options += [option_name(spec, sub), str(v)]
        else:
            typed = TYPED_AS.get(spec.converters.get(name, ""), str)
            for v in value if isinstance(value, list) else [value]:
                options += [option_name(spec, name), typed(v)]
    return [*spec.cli, *positional, *options]


def tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in names}
    finally:
        conn.close()


# The demo database is copied once per test (not per example): every example must leave it
# unchanged, which is what is checked.
@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_cli_refuses_a_bad_value_in_one_line_naming_the_option(
    demo_cli: Cli, spec: ActionSpec, case: tuple[str, str | None, str], data: st.DataObject
) -> None:
    field, under, kind = case
    payload, _ = with_bad(spec, field, under, data.draw(bad_values(kind, cli=True)))
    before = tables(demo_cli.db_path)
    res = demo_cli(*argv_for(spec, payload))
    assert res.code == 2, str(res)[:600]
    assert res.out == "" and "Traceback" not in res.err, str(res)[:600]
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fehler: "), str(res)[:600]
    names = {option_name(spec, field), re.sub(r"_id$", "", field), field}
    assert any(f"'{n}'" in lines[0] or f" {n}:" in lines[0] for n in names), lines[0][:300]
    assert tables(demo_cli.db_path) == before


TEXT_CASES = [(spec, f) for spec, f in CASES if f[2] == "text"]


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(TEXT_CASES), text=st.text(min_size=0, max_size=20))
def test_a_nul_in_any_text_is_refused_naming_the_field(
    case: tuple[ActionSpec, tuple[str, str | None, str]], text: str
) -> None:
    spec, (field, under, _) = case
    payload, _ = with_bad(spec, field, under, f"Bau{text}\x00hof")
    with pytest.raises(InvalidInputError) as caught:
        parse(spec.model, payload)
    path = f"{under}.{field}" if under else field
    assert caught.value.de.startswith(f"Ungültige Eingabe: {path}")
