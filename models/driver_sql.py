"""Prebuilt Core statements executed straight through the DB-API driver.

For statements run very often with small parameter sets (the dispatcher's outcome per
mail, the outbox's bulk insert): SQLAlchemy's per-execution work (parameter processing,
compiled cache lookup, result set up) costs more than SQLite's execution of the
statement. Here the statement is compiled once per dialect and parameter keys, exactly
as SQLAlchemy compiles it, and each execution only converts and orders the values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class DriverSQL:
    """A statement's SQL text for one dialect, and how to pass it values."""

    sql: str
    # values by bind name -> the driver's parameters: a tuple in the compiled order
    # for positional paramstyles (qmark, format, numeric), a dict for named ones.
    params: Callable[[Mapping[str, Any]], Any]


@cache
def driver_sql(
    stmt: ClauseElement, dialect: Dialect, keys: tuple[str, ...], *, convert: bool = True
) -> DriverSQL:
    """`stmt` compiled for `dialect` with values for `keys` (bind names; for INSERT also
    column keys, which choose the columns, as `Connection.execute` does).

    Binds not in `keys` take the value the statement gives them (literals such as
    `column == "sending"`); one without a value is an error. `convert`: the values are
    passed through their types' bind processors (e.g. datetime to text on SQLite), as
    SQLAlchemy would; False when the caller passes values already converted.

    Cached per statement object: build statements once, at import.
    """
    compiled = cast(SQLCompiler, stmt.compile(dialect=dialect, column_keys=list(keys)))
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    names = list(compiled.positiontup or ()) if compiled.positional else list(by_name)
    wanted = set(keys)
    constants: dict[str, Any] = {}
    processors: list[tuple[str, Callable[[Any], Any]]] = []
    for name in dict.fromkeys(names):
        bind = by_name[name]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect) if convert else None
        if name in wanted:
            if process is not None:
                processors.append((name, process))
            continue
        if bind.required:
            raise ValueError(f"no value for bind parameter {name!r} of {stmt}")
        value = compiled.params[name]
        constants[name] = process(value) if process is not None else value
    escaped = getattr(compiled, "escaped_bind_names", None) or {}

    def merged(values: Mapping[str, Any]) -> dict[str, Any]:
        out = {**constants, **values} if constants else dict(values)
        for name, process in processors:
            out[name] = process(out[name])
        return out

    if compiled.positional:
        pick: Callable[[Mapping[str, Any]], Any]
        if not names:
            pick = lambda _m: ()  # noqa: E731
        elif len(names) == 1:
            only = names[0]
            pick = lambda m: (m[only],)  # noqa: E731
        else:
            pick = itemgetter(*names)
        if not constants and not processors:
            return DriverSQL(str(compiled), pick)
        return DriverSQL(str(compiled), lambda values: pick(merged(values)))
    if escaped:
        return DriverSQL(
            str(compiled),
            lambda values: {escaped.get(k, k): v for k, v in merged(values).items()},
        )
    return DriverSQL(str(compiled), merged)
