"""Migration 0019 on SQLite and PostgreSQL: it adds `founding_change`, the nullable
`founding_event.change_id`, `founding_plan.inherited_from_id` and
`partnership.left_on`, keeps the rows there
are, goes back to 0017 without touching the rest, and up again to the models."""

from __future__ import annotations

from sqlalchemy import text

import models  # noqa: F401  (registers every table on the metadata)
from models.db import Database
from models.schema import HEAD_REVISION, current_revision, upgrade
from tests.migration_kit import columns, drift, move, tables

# The change migration and the one before it (renumber both together on a merge).
REVISION, BEFORE = "0019", "0018"


def test_0019_adds_the_change_table_and_two_columns_and_goes_back(migration_db: Database) -> None:
    move(migration_db, "upgrade", BEFORE)
    before = tables(migration_db)
    event_cols = columns(migration_db, "founding_event")
    plan_cols = columns(migration_db, "founding_plan")
    part_cols = columns(migration_db, "partnership")
    assert "founding_change" not in before
    with migration_db.write() as s:
        s.execute(
            text(
                "INSERT INTO municipality (id, name, ags, bundesland, population, kind, "
                "created_at) VALUES (1, 'Bielefeld', '05711000', 'NW', 330000, 'stadt', "
                "CURRENT_TIMESTAMP)"
            )
        )
    move(migration_db, "upgrade", REVISION)
    assert tables(migration_db) == before | {"founding_change"}
    assert columns(migration_db, "founding_event") == event_cols | {"change_id"}
    assert columns(migration_db, "founding_plan") == plan_cols | {"inherited_from_id"}
    assert columns(migration_db, "partnership") == part_cols | {"left_on"}
    assert upgrade(migration_db) == HEAD_REVISION
    assert drift(migration_db) == []
    move(migration_db, "downgrade", BEFORE)
    assert (tables(migration_db), current_revision(migration_db)) == (before, BEFORE)
    assert columns(migration_db, "founding_event") == event_cols
    assert columns(migration_db, "founding_plan") == plan_cols
    assert columns(migration_db, "partnership") == part_cols
    with migration_db.read() as s:
        assert s.execute(text("SELECT name FROM municipality")).scalars().all() == ["Bielefeld"]
