"""Migration 0018 on SQLite and PostgreSQL: it adds the nullable column
`funding_step.proof_due` and nothing else, goes back to 0017 without it, and up again to
the models."""

from __future__ import annotations

import models  # noqa: F401  (registers every table on the metadata)
from models.db import Database
from models.schema import HEAD_REVISION, current_revision, upgrade
from tests.migration_kit import all_columns, drift, move

# The proof-due migration and the one before it (renumber both together on a merge).
REVISION, BEFORE = "0018", "0017"


def test_0018_adds_the_proof_due_column_and_goes_back(migration_db: Database) -> None:
    move(migration_db, "upgrade", BEFORE)
    before = all_columns(migration_db)
    assert "proof_due" not in before["funding_step"]
    move(migration_db, "upgrade", REVISION)
    after = all_columns(migration_db)
    assert after["funding_step"] == before["funding_step"] | {"proof_due"}
    assert {t: c for t, c in after.items() if t != "funding_step"} == {
        t: c for t, c in before.items() if t != "funding_step"
    }
    assert upgrade(migration_db) == HEAD_REVISION
    assert drift(migration_db) == []
    move(migration_db, "downgrade", BEFORE)
    assert (all_columns(migration_db), current_revision(migration_db)) == (before, BEFORE)
