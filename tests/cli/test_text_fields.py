"""Every text of every input model is one of the validated text types, and a NUL in a
text is refused in one line with nothing written: through the model (what flows use)
and through the CLI, on SQLite and on PostgreSQL.

Refusing NUL is the text types' job (models/validation.py); behind them PostgreSQL
itself refuses a NUL, and the CLI reports that in one line too.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from ikz.registry import ACTIONS
from ikz.settings import get_settings
from models import validation
from models.validation import HeaderSafe, OptionalText, Text, parse
from states.errors import InvalidInputError
from tests.cli.helpers import Cli, DemoWorld

# The validated text types, told apart by their pydantic metadata objects.
VALIDATED: dict[int, str] = {
    id(meta): name
    for name in ("HeaderSafe", "Text", "OptionalText", "OptionalLine", "Email", "Ags")
    for meta in typing.get_args(getattr(validation, name))[1:]
}
# Plain str with a pattern anchored at both ends: no control character can match.
PATTERNED = {
    ("RegisterPerson", "language"),
    ("RecordDecision", "kind"),
    ("PlanFounding", "state"),
    ("PlanFounding", "form"),
    # A funding programme's code, e.g. by_ikz.
    ("PrepareFundingApplication", "programme"),
    ("RecordFundingStep", "programme"),
    ("RecordFundingDecision", "programme"),
    ("RecordFundingPayment", "programme"),
}


def _strings(annotation: Any) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """(str or a model, metadata) for each string or model inside an annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        for inner, more in _strings(base):
            yield inner, (*more, *meta)
    elif origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            yield from _strings(arg)
    elif annotation is str or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        yield annotation, ()


def text_fields() -> list[tuple[str, str, str | None]]:
    """(model, field, validated type or None) of every text field of every input model."""
    found: list[tuple[str, str, str | None]] = []
    models = {spec.model for spec in ACTIONS}
    seen: set[type[BaseModel]] = set()
    while models:
        model = models.pop()
        seen.add(model)
        for name, info in model.model_fields.items():
            for inner, meta in _strings(info.annotation):
                if inner is not str:
                    if inner not in seen:
                        models.add(inner)
                    continue
                kinds = {VALIDATED[id(m)] for m in (*meta, *info.metadata) if id(m) in VALIDATED}
                found.append((model.__name__, name, kinds.pop() if kinds else None))
    return sorted(found)


def test_every_text_field_uses_a_validated_text_type() -> None:
    plain = [
        (model, field)
        for model, field, kind in text_fields()
        if kind is None and (model, field) not in PATTERNED
    ]
    assert plain == []
    assert len(text_fields()) >= 30  # the walk found the models' texts (35 when written)


def test_the_patterned_texts_refuse_a_nul() -> None:
    from models.commands import RecordDecision, RegisterPerson

    data: dict[str, object] = {"name": "A", "email": "a@example.org", "roles": ["contact"]}
    with pytest.raises(InvalidInputError) as caught:
        parse(RegisterPerson, {**data, "language": "de\x00"})
    assert caught.value.de == "Ungültige Eingabe: language: hat nicht das erwartete Format"
    decision = {"cooperation_id": 1, "subject": "x", "decided_on": "2026-01-05", "actor_id": 1}
    with pytest.raises(InvalidInputError) as caught:
        parse(RecordDecision, {**decision, "kind": "location\x00"})
    assert caught.value.de == "Ungültige Eingabe: kind: hat nicht das erwartete Format"


@pytest.mark.parametrize(
    "text_type", [HeaderSafe, Text, OptionalText], ids=["HeaderSafe", "Text", "OptionalText"]
)
def test_each_text_type_refuses_a_nul(text_type: Any) -> None:
    from pydantic import TypeAdapter, ValidationError

    with pytest.raises(ValidationError):
        TypeAdapter(text_type).validate_python("Bau\x00hof")


def test_a_nul_is_refused_by_the_model_naming_the_field() -> None:
    from models.commands import RecordGoal

    with pytest.raises(InvalidInputError) as caught:
        parse(RecordGoal, {"cooperation_id": 1, "text": "Bau\x00hof", "actor_id": 1})
    assert caught.value.de.startswith("Ungültige Eingabe: text: ")
    assert "\n" not in caught.value.de


def goal_with_nul(world: DemoWorld) -> list[object]:
    coop = world.coop_in("agreement")
    return ["coop", "goal", coop, "--text", "Bau\x00hof", "--actor", world.coordinator]


def test_a_nul_is_refused_on_sqlite(demo_cli: Cli, world: DemoWorld) -> None:
    before = demo_cli.dump()
    res = demo_cli(*goal_with_nul(world))
    assert res.code == 2, str(res)
    assert res.err.startswith("Fehler: Ungültige Eingabe: --text: "), str(res)
    assert len(res.err.splitlines()) == 1, str(res)
    assert demo_cli.dump() == before


# --- PostgreSQL ----------------------------------------------------------------------------


def dump_postgres(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, ordered, table by table."""
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY table_name"
            )
        ]
        return {t: list(conn.execute(f'SELECT * FROM "{t}" ORDER BY 1')) for t in tables}


@pytest.fixture
def pg_cli(bare_cli: Cli, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """The demo portfolio on a scratch PostgreSQL database, through the CLI."""
    monkeypatch.setenv("IKZ_DATABASE_URL", pg_url)
    get_settings.cache_clear()
    bare_cli.ok("db", "upgrade")
    bare_cli.ok("demo")
    yield bare_cli


@pytest.fixture
def pg_world(pg_cli: Cli) -> DemoWorld:
    from tests.cli.helpers import load_world

    return load_world(pg_cli)


def test_a_nul_on_postgresql_is_one_line_and_writes_nothing(
    pg_cli: Cli, pg_world: DemoWorld, pg_url: str
) -> None:
    # Refused by the model once NUL is refused there, by PostgreSQL until then: one line
    # either way, the transaction rolled back.
    before = dump_postgres(pg_url)
    res = pg_cli(*goal_with_nul(pg_world))
    assert res.code in (1, 2), str(res)
    assert (res.out, len(res.err.splitlines())) == ("", 1), str(res)
    assert res.err.startswith("Fehler: "), str(res)
    assert "Traceback" not in res.err
    assert dump_postgres(pg_url) == before


def test_a_nul_is_refused_at_input_on_postgresql(
    pg_cli: Cli, pg_world: DemoWorld, pg_url: str
) -> None:
    before = dump_postgres(pg_url)
    res = pg_cli(*goal_with_nul(pg_world))
    assert res.code == 2, str(res)
    assert res.err.startswith("Fehler: Ungültige Eingabe: --text: "), str(res)
    assert dump_postgres(pg_url) == before
