"""The SQLite side of backup and restore (models.backup coordinates).

Backup: SQLite's online backup API (`sqlite3.Connection.backup`) copies a consistent
snapshot while the stack keeps reading and writing (WAL): the copy is one read
transaction, so it holds every commit before it and none after.

Restore: the backup's database is written to a temp file beside the live one, checked
(`PRAGMA integrity_check`, its revision), upgraded if older, given the delivery
outcomes of the database it replaces, and only then switched in:

- no database yet (or an empty file): the temp file is renamed onto it (`os.replace`,
  atomic on one file system) after removing any stale -wal/-shm, which SQLite would
  otherwise replay onto the new file;
- a database that other processes may have open (the stack): copied into the live file
  through the backup API, one write transaction under SQLite's own locking. Renaming a
  file under open connections would leave them writing to the replaced, unlinked file
  (their changes silently lost); through the backup API they see the old data or the
  restored data at their next transaction, never a mixture.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import make_url

from models.backup_format import DELIVERED, Manifest, damaged, no_database, target_not_empty
from models.db import SQLITE_BUSY_TIMEOUT_MS, Database, connect
from models.schema import HEAD_REVISION, upgrade
from states.errors import InvalidInputError


def database_path(db: Database) -> Path:
    name = make_url(db.url).database
    if not name or name == ":memory:":
        raise InvalidInputError(
            "backup_memory_database",
            "Eine Datenbank im Arbeitsspeicher lässt sich nicht sichern oder wiederherstellen.",
            "An in-memory database cannot be backed up or restored.",
        )
    return Path(name)


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    return conn


def snapshot(db: Database, payload: Path) -> str:
    """Copy the live database into `payload` (a self-contained file, no -wal); returns
    the snapshot's schema revision."""
    live = database_path(db)
    if not live.is_file() or live.stat().st_size == 0:
        raise no_database()
    with closing(_open(live)) as src, closing(_open(payload)) as dst:
        src.backup(dst)
        # A copy of a WAL database is marked WAL too; the backup file stands alone.
        dst.execute("PRAGMA journal_mode=DELETE")
        revision = _revision(dst)
    if revision is None:
        raise no_database()
    return revision


def _revision(conn: sqlite3.Connection, schema: str = "main") -> str | None:
    try:
        row = conn.execute(f"SELECT version_num FROM {schema}.alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def restore_file(
    db: Database, payload: Path, manifest: Manifest, *, source: Path, force: bool
) -> tuple[str | None, int]:
    """Switch the live database to `payload` (see the module docstring); returns the
    revision it was upgraded to (None: already current) and the outcomes carried over."""
    _verify(payload, manifest, source)
    live = database_path(db)
    held = _held(live)
    if held in ("data", "unreadable") and not force:
        raise target_not_empty(str(live))
    # Nothing there, or nothing SQLite can open (so nobody can be using it): rename.
    fresh = held in ("none", "unreadable")
    upgraded = None
    if manifest.schema_revision != HEAD_REVISION:
        restored = connect(f"sqlite:///{payload}")
        try:
            upgraded = upgrade(restored)
        finally:
            restored.dispose()
    with closing(_open(payload)) as conn:
        carried = 0 if fresh else _carry_over(conn, live)
        conn.execute("PRAGMA journal_mode=DELETE")  # the upgrade's WAL into the file
    if fresh:
        for stale in (Path(f"{live}-wal"), Path(f"{live}-shm")):
            stale.unlink(missing_ok=True)
        os.replace(payload, live)
        _fsync_folder(live.parent)
    else:
        with closing(_open(payload)) as src, closing(_open(live)) as dst:
            src.backup(dst)
    return upgraded, carried


def _verify(payload: Path, manifest: Manifest, source: Path) -> None:
    try:
        with closing(_open(payload)) as conn:
            check = conn.execute("PRAGMA integrity_check").fetchone()
            revision = _revision(conn)
    except sqlite3.DatabaseError as exc:
        raise damaged(source, str(exc)) from None
    if check is None or check[0] != "ok":
        raise damaged(source, "integrity_check")
    if revision != manifest.schema_revision:
        raise damaged(source, f"Revision {revision} != {manifest.schema_revision}")


def _held(live: Path) -> Literal["none", "empty", "data", "unreadable"]:
    """What the live file holds: replacing data (or a file that is not a database,
    perhaps someone else's) needs --force."""
    if not live.is_file() or live.stat().st_size == 0:
        return "none"
    try:
        with closing(_open(live)) as conn:
            row = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'"
            ).fetchone()
    except sqlite3.DatabaseError:
        return "unreadable"
    return "data" if row and row[0] else "empty"


# The relay's verdict on a notification, from the database being replaced, for the
# restored rows that still wait: matched by dedupe key, which stays with a notification
# (ids may have been given to other rows since the backup).
_CARRY_OVER = f"""
UPDATE main.outbox
SET status = l.status, attempts = l.attempts, last_error = l.last_error,
    next_attempt_at = l.next_attempt_at
FROM live.outbox AS l
WHERE main.outbox.dedupe_key = l.dedupe_key
  AND main.outbox.status IN ('pending', 'sending')
  AND l.status IN ({", ".join(f"'{s}'" for s in DELIVERED)})
"""


def _carry_over(conn: sqlite3.Connection, live: Path) -> int:
    try:
        conn.execute("ATTACH DATABASE ? AS live", (str(live),))
    except sqlite3.DatabaseError:
        return 0
    try:
        has_outbox = conn.execute(
            "SELECT 1 FROM live.sqlite_master WHERE type = 'table' AND name = 'outbox'"
        ).fetchone()
        if not has_outbox:
            return 0
        conn.execute("BEGIN IMMEDIATE")
        count = conn.execute(_CARRY_OVER).rowcount
        conn.execute("COMMIT")
        return int(count)
    finally:
        conn.execute("DETACH DATABASE live")


def _fsync_folder(folder: Path) -> None:
    """A rename is durable once its folder is synced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
