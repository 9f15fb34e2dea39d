"""Engines and transactions for SQLite (embedded default) and PostgreSQL (production).

SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for writes: a deferred
read-then-write transaction fails with "database is locked" at once, whatever the
timeout, while an immediate one waits its turn. Reads use a separate engine with
plain BEGIN so that readers never queue behind writers.

Durability: a lifecycle change, its audit record and its outbox rows are acted on
outside the database (mails go out, Prefect runs follow-ups), so a commit must survive
a power cut, not only a crash of our process. SQLite writes therefore run with
`synchronous=FULL` (the WAL is fsynced at each commit), which is what PostgreSQL does by
default (`synchronous_commit=on`). Writes that can be redone ask for
`write(durable=False)` (or `writer(durable=False)`): `synchronous=NORMAL` on SQLite and
`synchronous_commit=off` on PostgreSQL. Such a commit survives a crash of our process;
after a power cut it may be lost. The order of commits is kept either way, so a durable
commit also makes every earlier one durable. Two writers use it:

- the dispatcher's per-mail outcome: if lost, that mail is sent once more (same
  Message-ID);
- the daily sweep's batches (review dates, check history, review mails): derived data
  the next sweep recomputes; their mails cannot leave before the dispatcher's claim, a
  durable commit, which makes the batch durable first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.sql import ClauseElement
from sqlmodel import Session, create_engine

from models.driver_sql import as_sqlalchemy_error, driver_sql
from states.errors import IkzError, InvalidInputError

SQLITE_BUSY_TIMEOUT_MS = 30_000


# One encoder for every call: json.dumps with options builds a new encoder each time,
# a fifth of its cost for the small documents a transition writes (five per step).
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def compact_json(value: Any) -> str:
    """JSON columns as stored: UTF-8 text without padding. The default escapes every
    umlaut to six bytes and pads every separator, and the outbox holds hundreds of
    thousands of German mail contexts."""
    return _COMPACT.encode(value)


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_sha256(payload: Any) -> str:
    """SHA-256 of `payload` as canonical JSON (sorted keys, UTF-8, no padding): the hash
    of every chained record (models.audit, models.chain)."""
    return hashlib.sha256(_CANONICAL.encode(payload).encode()).hexdigest()


def normalize_url(url: str) -> str:
    """Accept URLs as people write them: postgresql:// means our driver, psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_engine(url: str, begin: str, synchronous: str = "FULL") -> Engine:
    engine = create_engine(
        url,
        json_serializer=compact_json,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    dbapi_error = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that our BEGIN is the one issued.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Straight on the driver: through `exec_driver_sql` SQLAlchemy's execution
        # bookkeeping cost some 90 us of every write transaction, nine times the BEGIN.
        dbapi = conn.connection.driver_connection
        assert dbapi is not None  # a connection being begun is open
        try:
            dbapi.execute(begin)
        except dbapi_error as exc:  # e.g. still locked after the busy timeout
            raise as_sqlalchemy_error(exc, begin, (), engine.dialect) from exc

    return engine


class Writer:
    """Short write transactions on one held connection, Core only (no ORM session): for
    bookkeeping committed item by item, where setting up a session per transaction costs
    more than the statement (the dispatcher's outcome per mail).

    `begin`: how a transaction starts on this connection when the Writer starts it
    itself (`execute`), as the engine's begin listener does (BEGIN IMMEDIATE on
    SQLite); None where the driver begins on its own (PostgreSQL)."""

    def __init__(self, conn: Connection, *, light_pg: bool, begin: str | None = None) -> None:
        self.conn = conn
        self._light_pg = light_pg
        self._begin = begin

    def execute(self, stmt: ClauseElement, values: Mapping[str, Any]) -> int:
        """Run one prebuilt statement in a transaction of its own, committed as
        Database.write(durable=...) commits (BEGIN IMMEDIATE on SQLite, synchronous_commit
        per the Writer on PostgreSQL; rolled back on any error), and return its row count.

        Straight on the driver (see models.driver_sql): SQLAlchemy's transaction and
        execution bookkeeping cost several times SQLite's BEGIN, UPDATE and COMMIT.
        Driver errors are raised as SQLAlchemy would raise them (sqlalchemy.exc).
        Not inside a transaction of `conn`."""
        if self.conn.in_transaction():
            raise RuntimeError("Writer.execute inside a transaction")
        dialect = self.conn.dialect
        prepared = driver_sql(stmt, dialect, tuple(values))
        dbapi = self.conn.connection.dbapi_connection
        assert dbapi is not None
        params = prepared.params(values)
        cur = dbapi.cursor()
        try:
            if self._begin is not None:
                cur.execute(self._begin)
            if self._light_pg:
                cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute(prepared.sql, params)
            count: int = cur.rowcount
            dbapi.commit()
        except BaseException as exc:
            dbapi.rollback()
            if isinstance(exc, dialect.loaded_dbapi.Error):
                raise as_sqlalchemy_error(exc, prepared.sql, params, dialect) from exc
            raise
        finally:
            cur.close()
        return count


@dataclass
class Database:
    """A read engine and a write engine over the same database (the same one on PostgreSQL).

    On SQLite a third engine serves `write(durable=False)`: its connections commit
    without fsync."""

    url: str
    read_engine: Engine
    write_engine: Engine
    light_engine: Engine | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Session]:
        """One atomic write transaction: committed on success, rolled back on any error.

        durable=False: the commit does not wait for the disk (see the module docstring);
        only for records that may be lost in a power cut without harm."""
        with Session(self._engine(durable), expire_on_commit=False) as session, session.begin():
            if not durable and not self.is_sqlite:
                session.connection().exec_driver_sql("SET LOCAL synchronous_commit = off")
            yield session

    @contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[Connection]:
        """`write` without the ORM: one atomic write transaction on a Core connection,
        for the hottest writer (a lifecycle transition), where the session's own setup
        and commit cost about 0.1 ms. A step that needs the ORM uses `session_in(conn)`."""
        with self._engine(durable).begin() as conn:
            if not durable and not self.is_sqlite:
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            yield conn

    @contextmanager
    def writer(self, *, durable: bool = True) -> Iterator[Writer]:
        """A Writer whose transactions commit as write(durable=...) does."""
        with self._engine(durable).connect() as conn:
            begin = "BEGIN IMMEDIATE" if self.is_sqlite else None
            yield Writer(conn, light_pg=not durable and not self.is_sqlite, begin=begin)

    @contextmanager
    def redoable(self) -> Iterator[None]:
        """Every write inside commits as `write(durable=False)` does (SQLite: no fsync per
        commit), for a bulk load that is redone from scratch if lost (the demo). Commits
        keep their order, and the next durable commit makes all of them durable. Only for
        a single writer, before anything else writes (the demo loads before the stack
        serves). PostgreSQL: unchanged."""
        if self.light_engine is None:
            yield
            return
        durable = self.write_engine
        self.write_engine = self.light_engine
        try:
            yield
        finally:
            self.write_engine = durable

    def _engine(self, durable: bool) -> Engine:
        if not durable and self.light_engine is not None:
            return self.light_engine
        return self.write_engine

    def dispose(self) -> None:
        for engine in {self.read_engine, self.write_engine, self.light_engine}:
            if engine is not None:
                engine.dispose()


@contextmanager
def session_in(conn: Connection) -> Iterator[Session]:
    """An ORM session inside `conn`'s transaction (`Database.transaction`), for the steps
    that need one: it never commits or ends that transaction, so everything still
    commits or rolls back with it."""
    with Session(bind=conn, expire_on_commit=False, join_transaction_mode="rollback_only") as s:
        yield s


def connect(url: str) -> Database:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except Exception:
        raise InvalidInputError(
            "bad_database_url",
            f"Ungültige Datenbank-URL: {url!r}",
            f"Invalid database URL: {url!r}",
        ) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                folder = Path(parsed.database).parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise IkzError(
                        "data_dir_unusable",
                        f"Datenverzeichnis {folder} kann nicht angelegt werden: {exc.strerror}.",
                        f"Cannot create the data directory {folder}: {exc.strerror}.",
                    ) from None
            return Database(
                url,
                _sqlite_engine(url, "BEGIN"),
                _sqlite_engine(url, "BEGIN IMMEDIATE"),
                _sqlite_engine(url, "BEGIN IMMEDIATE", synchronous="NORMAL"),
            )
        engine = create_engine(url, pool_pre_ping=True, json_serializer=compact_json)
    except (ArgumentError, NoSuchModuleError, ImportError):
        # Unknown dialect or driver (e.g. foo://, mysql+nodriver://): say so in one line,
        # without the password.
        shown = parsed.render_as_string(hide_password=True)
        raise InvalidInputError(
            "bad_database_url",
            f"Ungültige Datenbank-URL (unbekannte Datenbank oder Treiber): {shown!r}",
            f"Invalid database URL (unknown database or driver): {shown!r}",
        ) from None
    return Database(url, engine, engine)
