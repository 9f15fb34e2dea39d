"""Prebuilt statements for the driver: the SQL and parameters SQLAlchemy would send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, column, insert, table, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.dialects.sqlite import pysqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel.sql.sqltypes import UTCDateTime

from models.db import connect
from models.delivery import STORE_OUTCOME as _STORE
from models.driver_sql import bind_processor, driver_sql, run
from models.registry import Person
from models.schema import upgrade

WHEN = datetime(2026, 2, 1, 8, 30, tzinfo=UTC)
VALUES = {
    "row_id": 7,
    "claimed_attempts": 1,
    "claimed_deferrals": 0,
    "new_status": "sent",
    "new_next_attempt_at": WHEN,
    "new_attempts": 2,
    "new_deferrals": 0,
    "new_last_error": "250 OK",
}


def test_sqlite_gets_a_tuple_in_compiled_order_with_literals_and_converted_values() -> None:
    dialect = pysqlite.dialect()
    prepared = driver_sql(_STORE, dialect, tuple(VALUES))
    compiled = _STORE.compile(dialect=dialect)
    assert prepared.sql == str(compiled)
    # What SQLAlchemy itself would hand the driver for these values.
    expected = compiled.construct_params(VALUES)
    processors = compiled._bind_processors
    assert compiled.positiontup is not None
    assert prepared.params(VALUES) == tuple(
        processors[k](expected[k]) if k in processors else expected[k] for k in compiled.positiontup
    )
    assert "sending" in prepared.params(VALUES)  # the WHERE's literal
    assert "2026-02-01 08:30:00" in str(prepared.params(VALUES))  # the time as text


def test_psycopg_gets_a_dict_by_bind_name() -> None:
    prepared = driver_sql(_STORE, psycopg.dialect(), tuple(VALUES))
    params = prepared.params(VALUES)
    assert params == VALUES | {"status_1": "sending"}
    assert "%(status_1)s" in prepared.sql and "%(row_id)s" in prepared.sql


def test_a_bind_without_a_value_is_an_error() -> None:
    t = table("t", column("x"), column("y"))
    stmt = update(t).where(t.c.x == bindparam("b_x")).values(y=bindparam("b_y"))
    with pytest.raises(ValueError, match="'b_y'"):
        driver_sql(stmt, pysqlite.dialect(), ("b_x",))


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_run_gives_rows_as_sqlalchemy_does_and_raises_its_errors(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """`run` in a session's transaction: the same converted rows as Connection.execute
    (times, JSON), RETURNING, row counts, and a duplicate key as IntegrityError with
    nothing written."""
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    db = connect(url)
    try:
        upgrade(db)
        person = Person.__table__  # type: ignore[attr-defined]
        add = insert(person).returning(person.c.id, person.c.roles, person.c.created_at)
        values = {
            "name": "Anna",
            "email": "anna@example.org",
            "roles": ["mayor", "ä"],
            "language": "de",
            "digest": "immediate",
            "created_at": WHEN,
        }
        with db.write() as s:
            (row,) = run(s.connection(), add, values).rows
        assert (row.roles, row.created_at) == (["mayor", "ä"], WHEN)
        by_id = sa_select(person.c.name, person.c.roles, person.c.created_at).where(
            person.c.id == bindparam("pid")
        )
        with db.read() as s:
            expected = s.connection().execute(by_id, {"pid": row.id}).one()
        with db.write() as s:
            got = run(s.connection(), by_id, {"pid": row.id})
            renamed = run(
                s.connection(),
                update(person).where(person.c.id == bindparam("pid")).values(name=bindparam("n")),
                {"pid": row.id, "n": "Anna M."},
            )
        assert got.rows == [tuple(expected)] and got.rows[0].roles == expected.roles
        assert renamed.rowcount == 1 and renamed.rows == []
        with pytest.raises(IntegrityError), db.write() as s:
            run(s.connection(), add, {**values, "email": "zweite@example.org"})
            run(s.connection(), add, values)  # Anna's email again: all rolled back
        with db.read() as s:
            names = s.connection().execute(sa_select(person.c.name)).scalars().all()
        assert names == ["Anna M."]
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 2, 1, 8, 30, tzinfo=UTC),
        datetime(2026, 12, 6, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=2))),
        datetime(999, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        None,
    ],
)
def test_sqlite_datetimes_are_the_text_sqlalchemy_writes(when: datetime | None) -> None:
    """The shortcut for aware datetimes on SQLite (models.driver_sql.bind_processor)
    gives SQLAlchemy's own text, including a microsecond of 0 and a year below 1000."""
    dialect = pysqlite.dialect()
    own = bind_processor(UTCDateTime(), dialect)
    theirs = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert own is not None and theirs is not None
    assert own(when) == theirs(when)


def test_a_naive_datetime_is_refused_as_sqlmodel_refuses_it() -> None:
    dialect = pysqlite.dialect()
    own = bind_processor(UTCDateTime(), dialect)
    theirs = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert own is not None and theirs is not None
    for process in (own, theirs):
        with pytest.raises(ValueError, match="timezone"):
            process(datetime(2026, 2, 1, 8, 30))


def test_the_stored_text_of_an_utc_time() -> None:
    process = bind_processor(UTCDateTime(), pysqlite.dialect())
    assert process is not None
    assert process(datetime(2026, 2, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))) == (
        "2026-02-01 08:30:00.000000"
    )
