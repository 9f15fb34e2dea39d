"""Commits that others act on wait for the disk; redoable bookkeeping need not."""

from __future__ import annotations

from sqlmodel import Session

from models.db import connect

# SQLite's PRAGMA synchronous values: 1 = NORMAL, 2 = FULL.
NORMAL, FULL = 1, 2


def _ask(s: Session, sql: str) -> object:
    return s.connection().exec_driver_sql(sql).scalar_one()


def test_sqlite_durable_writes_fsync_and_light_writes_do_not(sqlite_url: str) -> None:
    db = connect(sqlite_url)
    try:
        with db.write() as s:
            assert _ask(s, "PRAGMA synchronous") == FULL
        with db.write(durable=False) as s:
            assert _ask(s, "PRAGMA synchronous") == NORMAL
            # Still a WAL write transaction that queues behind others (BEGIN IMMEDIATE).
            assert _ask(s, "PRAGMA journal_mode") == "wal"
            assert s.connection().in_transaction()
    finally:
        db.dispose()


def test_postgres_light_writes_turn_off_synchronous_commit_for_that_transaction_only(
    pg_url: str,
) -> None:
    db = connect(pg_url)
    try:
        with db.write(durable=False) as s:
            assert _ask(s, "SHOW synchronous_commit") == "off"
        with db.write() as s:
            assert _ask(s, "SHOW synchronous_commit") == "on"
    finally:
        db.dispose()


def test_sqlite_writer_commits_each_transaction_like_write(sqlite_url: str) -> None:
    db = connect(sqlite_url)
    try:
        with db.writer(durable=False) as light, db.writer() as durable:
            with light.transaction() as c:
                assert c.exec_driver_sql("PRAGMA synchronous").scalar_one() == NORMAL
                c.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            with durable.transaction() as c:
                assert c.exec_driver_sql("PRAGMA synchronous").scalar_one() == FULL
            try:
                with light.transaction() as c:
                    c.exec_driver_sql("INSERT INTO t VALUES (1)")
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
            with light.transaction() as c:
                c.exec_driver_sql("INSERT INTO t VALUES (2)")
        with db.read() as s:
            assert _ask(s, "SELECT group_concat(x) FROM t") == "2"
    finally:
        db.dispose()


def test_postgres_writer_turns_off_synchronous_commit_per_transaction(pg_url: str) -> None:
    db = connect(pg_url)
    try:
        with db.writer(durable=False) as w:
            with w.transaction() as c:
                assert c.exec_driver_sql("SHOW synchronous_commit").scalar_one() == "off"
            # SET LOCAL: the held connection itself keeps the server's setting.
            assert w.conn.exec_driver_sql("SHOW synchronous_commit").scalar_one() == "on"
            w.conn.rollback()
    finally:
        db.dispose()
