"""Alembic environment: migrations run against the URL or connection handed in by models.schema."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on the metadata)

config = context.config
target_metadata = SQLModel.metadata


def _sqlite_foreign_keys(conn: Connection, on: bool) -> None:
    """Switch SQLite's foreign key enforcement for this connection.

    A batch migration on SQLite copies a table into a new one and drops the old; with
    enforcement on, dropping a table other rows refer to fails ("FOREIGN KEY constraint
    failed", found upgrading the demo from 0017 to 0019). SQLite ignores the pragma
    inside a transaction, so it is set on the driver's connection before the migration's
    transaction begins (alembic's documented recipe for batch mode)."""
    if conn.dialect.name != "sqlite" or conn.in_transaction():
        return
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _migrate(conn: Connection) -> None:
    context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
    _sqlite_foreign_keys(conn, on=False)
    try:
        with context.begin_transaction():
            context.run_migrations()
            if conn.dialect.name == "sqlite":
                # Enforcement was off: the rows must still hold every reference.
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
        # On a caller's connection alembic leaves the commit to the caller (every one
        # commits next); committed here, so that enforcement can be switched on again
        # before the connection goes back to its pool.
        if conn.in_transaction():
            conn.commit()
    except BaseException:
        if conn.in_transaction():
            conn.rollback()
        raise
    finally:
        _sqlite_foreign_keys(conn, on=True)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _migrate(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations()
