"""Commits that others act on wait for the disk; redoable bookkeeping need not."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, column, func, insert, table, update
from sqlalchemy.exc import IntegrityError
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


_T = table("t", column("x"), column("note"))
_PUT = insert(_T).values(x=bindparam("b_x"), note=bindparam("b_note"))


def test_sqlite_writer_execute_commits_alone_and_rolls_back_on_error(sqlite_url: str) -> None:
    db = connect(sqlite_url)
    try:
        with db.write() as s:
            s.connection().exec_driver_sql("CREATE TABLE t (x INTEGER UNIQUE, note TEXT)")
        with db.writer(durable=False) as w:
            assert w.execute(_PUT, {"b_x": 1, "b_note": "a"}) == 1
            assert not w.conn.in_transaction()
            with pytest.raises(IntegrityError):  # as SQLAlchemy raises it
                w.execute(_PUT, {"b_x": 1, "b_note": "again"})
            # Rolled back: the connection takes the next transaction (its BEGIN would
            # fail inside an open one).
            assert w.execute(_PUT, {"b_x": 2, "b_note": "b"}) == 1
            bump = update(_T).where(_T.c.x >= bindparam("low")).values(note="seen")
            assert w.execute(bump, {"low": 1}) == 2
            # The light engine's connection: its commits do not wait for the disk.
            assert w.conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == NORMAL
            w.conn.rollback()
        with db.read() as s:
            assert _ask(s, "SELECT group_concat(x || note) FROM t") == "1seen,2seen"
    finally:
        db.dispose()


def test_postgres_writer_execute_turns_off_synchronous_commit_for_its_transaction(
    pg_url: str,
) -> None:
    psycopg = pytest.importorskip("psycopg")
    db = connect(pg_url)
    try:
        with db.write() as s:
            s.connection().exec_driver_sql("CREATE TABLE t (x INTEGER UNIQUE, note TEXT)")
        put_setting = insert(_T).values(
            x=bindparam("b_x"), note=func.current_setting("synchronous_commit")
        )
        with db.writer(durable=False) as w:
            assert w.execute(put_setting, {"b_x": 1}) == 1
            with pytest.raises(IntegrityError) as raised:
                w.execute(put_setting, {"b_x": 1})
            assert isinstance(raised.value.orig, psycopg.errors.UniqueViolation)
            assert w.execute(_PUT, {"b_x": 2, "b_note": "b"}) == 1
            assert w.conn.exec_driver_sql("SHOW synchronous_commit").scalar_one() == "on"
            w.conn.rollback()
        with db.read() as s:
            assert _ask(s, "SELECT string_agg(x || note, ',' ORDER BY x) FROM t") == "1off,2b"
    finally:
        db.dispose()


def test_sqlite_a_redoable_load_commits_without_fsync_and_restores_durability(
    sqlite_url: str,
) -> None:
    db = connect(sqlite_url)
    try:
        with db.redoable():
            with db.write() as s:
                assert _ask(s, "PRAGMA synchronous") == NORMAL
            with db.transaction() as conn:
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == NORMAL
        with db.write() as s:
            assert _ask(s, "PRAGMA synchronous") == FULL
        with pytest.raises(RuntimeError), db.redoable():
            raise RuntimeError("a failed load")
        with db.write() as s:  # durable again after a failure inside
            assert _ask(s, "PRAGMA synchronous") == FULL
    finally:
        db.dispose()


def test_postgres_a_redoable_load_changes_nothing(pg_url: str) -> None:
    db = connect(pg_url)
    try:
        with db.redoable(), db.write() as s:
            assert _ask(s, "SHOW synchronous_commit") == "on"
    finally:
        db.dispose()
