"""Prebuilt Core statements executed straight through the DB-API driver.

Kept hand-made: SQLAlchemy's public path (`conn.execute(stmt, values)`, compiled cache on)
cannot skip its per-execution work, measured 156 us against 41 us here per transition
statement, and 149 against 196-223 transitions/s (`--only transitions`, alternate runs).
It reads one private compiler attribute (`_result_columns`: the result's names and types);
tests/models/test_driver_sql.py checks its SQL, parameters and rows against SQLAlchemy's.

For statements run very often with small parameter sets (a lifecycle transition's five
statements, the dispatcher's outcome per mail, the outbox's bulk insert): SQLAlchemy's
per-execution work (parameter processing, compiled cache lookup, result set up) costs
more than SQLite's execution of the statement. Here the statement is compiled once per
dialect and parameter keys, exactly as SQLAlchemy compiles it, and each execution only
converts and orders the values (and converts the result's values by their types).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel.sql.sqltypes import UTCDateTime


@dataclass(frozen=True)
class DriverSQL:
    """A statement's SQL text for one dialect, and how to pass it values."""

    sql: str
    # values by bind name -> the driver's parameters: a tuple in the compiled order
    # for positional paramstyles (qmark, format, numeric), a dict for named ones.
    params: Callable[[Mapping[str, Any]], Any]
    # Statements that return rows (SELECT, RETURNING): a driver row -> a named tuple
    # with the statement's column names, each value converted as SQLAlchemy would.
    row: Callable[[Sequence[Any]], Any] | None = None


class Ran(NamedTuple):
    rows: list[Any]  # named tuples (see DriverSQL.row); empty without a result
    rowcount: int


def run(conn: Connection, stmt: ClauseElement, values: Mapping[str, Any]) -> Ran:
    """Execute `stmt` (built once, at import) with `values` in `conn`'s current
    transaction, straight on the driver; driver errors are raised as SQLAlchemy raises
    them (e.g. sqlalchemy.exc.IntegrityError), so callers handle them as before.

    The caller's transaction must have begun (`Session.connection()` begins it)."""
    dialect = conn.dialect
    prepared = driver_sql(stmt, dialect, tuple(values))
    dbapi = conn.connection.dbapi_connection
    if dbapi is None:  # pragma: no cover - a closed connection
        raise RuntimeError("run() on a closed connection")
    params = prepared.params(values)
    cur = dbapi.cursor()
    try:
        cur.execute(prepared.sql, params)
        raw = list(cur.fetchall()) if cur.description is not None else []
        count: int = cur.rowcount
    except dialect.loaded_dbapi.Error as exc:
        raise as_sqlalchemy_error(exc, prepared.sql, params, dialect) from exc
    finally:
        cur.close()
    make = prepared.row
    return Ran([make(r) for r in raw] if make is not None else raw, count)


def as_sqlalchemy_error(exc: Exception, sql: str, params: Any, dialect: Dialect) -> DBAPIError:
    """A driver error as SQLAlchemy would have raised it (IntegrityError, ...)."""
    base = dialect.loaded_dbapi.Error
    return cast(DBAPIError, DBAPIError.instance(sql, params, exc, base, dialect=dialect))


def _row_maker(compiled: SQLCompiler, dialect: Dialect) -> Callable[[Sequence[Any]], Any] | None:
    """Named tuples of the result's columns, values converted by their result processors
    (on SQLite e.g. text to datetime, JSON text to lists)."""
    columns = compiled._result_columns
    if not columns:
        return None
    names = [c.keyname for c in columns]
    cls = namedtuple("DriverRow", names, rename=True)  # type: ignore[misc]
    procs = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
    if not any(procs):
        return cls._make
    steps = [(i, f) for i, f in enumerate(procs) if f is not None]

    def make(raw: Sequence[Any]) -> Any:
        out = list(raw)
        for i, f in steps:
            out[i] = f(out[i])
        return cls._make(out)

    return make


# SQLite's DATETIME text as SQLAlchemy writes it by default (sqlite.DATETIME).
_SQLITE_DATETIME = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


def bind_processor(type_: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The type's bind processor for `dialect`, as SQLAlchemy would apply it.

    One shortcut: SQLModel's aware datetimes on SQLite. SQLAlchemy converts them in two
    Python steps (to UTC, then a %-format of seven fields); one C call gives the same
    text, and a transition writes six of them."""
    impl = type_.dialect_impl(dialect)
    if isinstance(impl, UTCDateTime) and dialect.name == "sqlite":
        stored = impl.impl_instance
        if isinstance(stored, sqlite.DATETIME) and stored._storage_format == _SQLITE_DATETIME:
            return _sqlite_utc_text
    process: Callable[[Any], Any] | None = impl.bind_processor(dialect)
    return process


def _sqlite_utc_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.utcoffset() is None:  # as SQLModel's UTCDateTime refuses it
        raise ValueError("Datetime values must have timezone information.")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


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
        process = bind_processor(bind.type, dialect) if convert else None
        if name in wanted:
            if process is not None:
                processors.append((name, process))
            continue
        if bind.required:
            raise ValueError(f"no value for bind parameter {name!r} of {stmt}")
        value = compiled.params[name]
        constants[name] = process(value) if process is not None else value
    escaped = getattr(compiled, "escaped_bind_names", None) or {}
    row = _row_maker(compiled, dialect)

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
            return DriverSQL(str(compiled), pick, row)
        return DriverSQL(str(compiled), lambda values: pick(merged(values)), row)
    if escaped:
        return DriverSQL(
            str(compiled),
            lambda values: {escaped.get(k, k): v for k, v in merged(values).items()},
            row,
        )
    return DriverSQL(str(compiled), merged, row)
