"""Migration 0016 on SQLite and PostgreSQL: it adds `founding_clause` and nothing else,
goes back to 0015 without touching the rest, and up again to the models."""

from __future__ import annotations

from sqlalchemy import text

import models  # noqa: F401  (registers every table on the metadata)
from models.db import Database
from models.schema import HEAD_REVISION, current_revision, upgrade
from tests.migration_kit import drift, move, tables

# The clause migration and the one before it (renumber both together on a merge).
REVISION, BEFORE = "0017", "0016"


def test_0016_adds_the_clause_table_and_goes_back(migration_db: Database) -> None:
    move(migration_db, "upgrade", BEFORE)
    before = tables(migration_db)
    assert "founding_clause" not in before
    with migration_db.write() as s:
        s.execute(
            text(
                "INSERT INTO municipality (id, name, ags, bundesland, population, kind, "
                "created_at) VALUES (1, 'Bielefeld', '05711000', 'NW', 330000, 'stadt', "
                "CURRENT_TIMESTAMP)"
            )
        )
    move(migration_db, "upgrade", REVISION)
    assert tables(migration_db) == before | {"founding_clause"}
    assert upgrade(migration_db) == HEAD_REVISION
    assert drift(migration_db) == []
    move(migration_db, "downgrade", BEFORE)
    assert (tables(migration_db), current_revision(migration_db)) == (before, BEFORE)
    with migration_db.read() as s:
        assert s.execute(text("SELECT name FROM municipality")).scalars().all() == ["Bielefeld"]
