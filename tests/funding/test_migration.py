"""Migrations 0015_funding and 0016_cost_share on SQLite and PostgreSQL: they add the four
funding tables and the cost key's and nothing else, go back without touching the rest,
and up again to the models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)
from models.db import Database, connect
from models.schema import HEAD_REVISION, alembic_config, current_revision, upgrade

FUNDING = {"funding_baseline", "funding_actual", "funding_application", "funding_step"}
COST_KEY = {"cost_share"}
# The funding migration, the one before it and the cost key's after it (renumber them
# together on a merge).
REVISION, BEFORE, COST_KEY_REVISION = "0015", "0014", "0016"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    d = connect(url)
    yield d
    d.dispose()


def _to(db: Database, action: str, revision: str) -> None:
    cfg = alembic_config(db)
    with db.write_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)
        conn.commit()


def _tables(db: Database) -> set[str]:
    return set(inspect(db.read_engine).get_table_names())


def test_0014_adds_the_funding_tables_and_goes_back(db: Database) -> None:
    _to(db, "upgrade", BEFORE)
    before = _tables(db)
    assert before & FUNDING == set()
    with db.write() as s:
        s.execute(
            text(
                "INSERT INTO municipality (id, name, ags, bundesland, population, kind, "
                "created_at) VALUES (1, 'Marburg', '06534014', 'HE', 77000, 'stadt', "
                "CURRENT_TIMESTAMP)"
            )
        )
    _to(db, "upgrade", REVISION)
    assert _tables(db) == before | FUNDING
    assert upgrade(db) == HEAD_REVISION
    assert _tables(db) >= before | FUNDING | COST_KEY
    with db.read_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert list(compare_metadata(ctx, SQLModel.metadata)) == []
    _to(db, "downgrade", REVISION)
    assert (_tables(db), current_revision(db)) == (before | FUNDING, REVISION)
    _to(db, "downgrade", BEFORE)
    assert (_tables(db), current_revision(db)) == (before, BEFORE)
    with db.read() as s:
        assert s.execute(text("SELECT name FROM municipality")).scalars().all() == ["Marburg"]
    _to(db, "upgrade", REVISION)
    assert _tables(db) == before | FUNDING
