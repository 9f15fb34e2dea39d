"""What the tests of a single migration share: moving a database to a revision and back,
and reading what its schema holds. The database itself is the `migration_db` fixture
(tests/conftest.py), once on SQLite and once on PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)
from models.db import Database
from models.schema import alembic_config


def move(db: Database, action: str, revision: str) -> None:
    """`alembic upgrade|downgrade revision` on `db`, committed."""
    cfg = alembic_config(db)
    with db.write_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)
        conn.commit()


def tables(db: Database) -> set[str]:
    return set(inspect(db.read_engine).get_table_names())


def columns(db: Database, table: str) -> set[str]:
    return {c["name"] for c in inspect(db.read_engine).get_columns(table)}


def all_columns(db: Database) -> dict[str, set[str]]:
    insp = inspect(db.read_engine)
    return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names()}


def drift(db: Database) -> list[Any]:
    """How the database's schema differs from the models' (empty: not at all)."""
    with db.read_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, SQLModel.metadata))
