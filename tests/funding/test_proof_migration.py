"""Migration 0018 on SQLite and PostgreSQL: it adds the nullable column
`funding_step.proof_due` and nothing else, goes back to 0017 without it, and up again to
the models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)
from models.db import Database, connect
from models.schema import HEAD_REVISION, alembic_config, current_revision, upgrade

# The proof-due migration and the one before it (renumber both together on a merge).
REVISION, BEFORE = "0018", "0017"


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


def _columns(db: Database) -> dict[str, set[str]]:
    insp = inspect(db.read_engine)
    return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names()}


def test_0018_adds_the_proof_due_column_and_goes_back(db: Database) -> None:
    _to(db, "upgrade", BEFORE)
    before = _columns(db)
    assert "proof_due" not in before["funding_step"]
    _to(db, "upgrade", REVISION)
    after = _columns(db)
    assert after["funding_step"] == before["funding_step"] | {"proof_due"}
    assert {t: c for t, c in after.items() if t != "funding_step"} == {
        t: c for t, c in before.items() if t != "funding_step"
    }
    assert upgrade(db) == HEAD_REVISION
    with db.read_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert list(compare_metadata(ctx, SQLModel.metadata)) == []
    _to(db, "downgrade", BEFORE)
    assert (_columns(db), current_revision(db)) == (before, BEFORE)
