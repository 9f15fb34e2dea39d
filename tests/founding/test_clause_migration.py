"""Migration 0016 on SQLite and PostgreSQL: it adds `founding_clause` and nothing else,
goes back to 0015 without touching the rest, and up again to the models."""

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

# The clause migration and the one before it (renumber both together on a merge).
REVISION, BEFORE = "0017", "0016"


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


def test_0016_adds_the_clause_table_and_goes_back(db: Database) -> None:
    _to(db, "upgrade", BEFORE)
    before = _tables(db)
    assert "founding_clause" not in before
    with db.write() as s:
        s.execute(
            text(
                "INSERT INTO municipality (id, name, ags, bundesland, population, kind, "
                "created_at) VALUES (1, 'Bielefeld', '05711000', 'NW', 330000, 'stadt', "
                "CURRENT_TIMESTAMP)"
            )
        )
    _to(db, "upgrade", REVISION)
    assert _tables(db) == before | {"founding_clause"}
    assert upgrade(db) == HEAD_REVISION
    with db.read_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert list(compare_metadata(ctx, SQLModel.metadata)) == []
    _to(db, "downgrade", BEFORE)
    assert (_tables(db), current_revision(db)) == (before, BEFORE)
    with db.read() as s:
        assert s.execute(text("SELECT name FROM municipality")).scalars().all() == ["Bielefeld"]
