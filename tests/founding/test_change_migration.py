"""Migration 0019 on SQLite and PostgreSQL: it adds `founding_change`, the nullable
`founding_event.change_id`, `founding_plan.inherited_from_id` and
`partnership.left_on`, keeps the rows there
are, goes back to 0017 without touching the rest, and up again to the models."""

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

# The change migration and the one before it (renumber both together on a merge).
REVISION, BEFORE = "0019", "0018"


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


def _columns(db: Database, table: str) -> set[str]:
    return {c["name"] for c in inspect(db.read_engine).get_columns(table)}


def test_0019_adds_the_change_table_and_two_columns_and_goes_back(db: Database) -> None:
    _to(db, "upgrade", BEFORE)
    before = _tables(db)
    event_cols = _columns(db, "founding_event")
    plan_cols = _columns(db, "founding_plan")
    part_cols = _columns(db, "partnership")
    assert "founding_change" not in before
    with db.write() as s:
        s.execute(
            text(
                "INSERT INTO municipality (id, name, ags, bundesland, population, kind, "
                "created_at) VALUES (1, 'Bielefeld', '05711000', 'NW', 330000, 'stadt', "
                "CURRENT_TIMESTAMP)"
            )
        )
    _to(db, "upgrade", REVISION)
    assert _tables(db) == before | {"founding_change"}
    assert _columns(db, "founding_event") == event_cols | {"change_id"}
    assert _columns(db, "founding_plan") == plan_cols | {"inherited_from_id"}
    assert _columns(db, "partnership") == part_cols | {"left_on"}
    assert upgrade(db) == HEAD_REVISION
    with db.read_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert list(compare_metadata(ctx, SQLModel.metadata)) == []
    _to(db, "downgrade", BEFORE)
    assert (_tables(db), current_revision(db)) == (before, BEFORE)
    assert _columns(db, "founding_event") == event_cols
    assert _columns(db, "founding_plan") == plan_cols
    assert _columns(db, "partnership") == part_cols
    with db.read() as s:
        assert s.execute(text("SELECT name FROM municipality")).scalars().all() == ["Bielefeld"]
