"""Migrations 0015_funding and 0016_cost_share on SQLite and PostgreSQL: they add the four
funding tables and the cost key's and nothing else, go back without touching the rest,
and up again to the models."""

from __future__ import annotations

from sqlalchemy import text

import models  # noqa: F401  (registers every table on the metadata)
from models.db import Database
from models.schema import HEAD_REVISION, current_revision, upgrade
from tests.migration_kit import drift, move, tables

FUNDING = {"funding_baseline", "funding_actual", "funding_application", "funding_step"}
COST_KEY = {"cost_share"}
# The funding migration, the one before it and the cost key's after it (renumber them
# together on a merge).
REVISION, BEFORE, COST_KEY_REVISION = "0015", "0014", "0016"


def test_0014_adds_the_funding_tables_and_goes_back(migration_db: Database) -> None:
    move(migration_db, "upgrade", BEFORE)
    before = tables(migration_db)
    assert before & FUNDING == set()
    with migration_db.write() as s:
        s.execute(
            text(
                "INSERT INTO municipality (id, name, ags, bundesland, population, kind, "
                "created_at) VALUES (1, 'Marburg', '06534014', 'HE', 77000, 'stadt', "
                "CURRENT_TIMESTAMP)"
            )
        )
    move(migration_db, "upgrade", REVISION)
    assert tables(migration_db) == before | FUNDING
    assert upgrade(migration_db) == HEAD_REVISION
    assert tables(migration_db) >= before | FUNDING | COST_KEY
    assert drift(migration_db) == []
    move(migration_db, "downgrade", REVISION)
    assert (tables(migration_db), current_revision(migration_db)) == (before | FUNDING, REVISION)
    move(migration_db, "downgrade", BEFORE)
    assert (tables(migration_db), current_revision(migration_db)) == (before, BEFORE)
    with migration_db.read() as s:
        assert s.execute(text("SELECT name FROM municipality")).scalars().all() == ["Marburg"]
    move(migration_db, "upgrade", REVISION)
    assert tables(migration_db) == before | FUNDING
