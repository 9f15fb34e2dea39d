"""The PostgreSQL side of backup and restore (models.backup coordinates), with PostgreSQL's
own tools: pg_dump's custom format (compressed, a consistent snapshot while the stack
runs), read back with pg_restore and applied with psql.

The tools must match the server: pg_dump refuses a newer server, and a newer pg_restore
writes statements an older server may not know. The ones of the server's major version
are taken when installed (/usr/lib/postgresql/<major>/bin on Debian), else those on PATH,
and refused when older than the server.

Restore is one transaction (`psql --single-transaction`): keep the delivery outcomes of
the current outbox in a temporary table, drop and recreate the `public` schema, run the
dump's statements, carry the outcomes over (see models.backup). If anything fails the
database is as it was; other sessions see the old data or the restored data.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from models.backup_format import DELIVERED, Manifest, damaged, no_database, target_not_empty
from models.db import Database
from models.schema import HEAD_REVISION, upgrade
from states.errors import IkzError

_DELIVERED_SQL = ", ".join(f"'{s}'" for s in DELIVERED)
_KEEP = f"""
CREATE TEMPORARY TABLE ikz_delivered ON COMMIT DROP AS
SELECT dedupe_key, status, attempts, last_error, next_attempt_at
FROM public.outbox WHERE status IN ({_DELIVERED_SQL});
"""
_CLEAR = "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
_CARRY_OVER = """
WITH carried AS (
  UPDATE public.outbox AS o
  SET status = d.status, attempts = d.attempts, last_error = d.last_error,
      next_attempt_at = d.next_attempt_at
  FROM pg_temp.ikz_delivered AS d
  WHERE o.dedupe_key = d.dedupe_key AND o.status IN ('pending', 'sending')
  RETURNING 1
)
SELECT 'ikz-carried:' || count(*) FROM carried;
"""


def dump(db: Database, payload: Path) -> str:
    """pg_dump of the configured database into `payload`; returns its schema revision."""
    tools = _Tools(db)
    if not _public_tables(db):
        raise no_database()
    tools.run(
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={payload}",
        "--dbname",
        tools.conninfo,
    )
    revision = _revision_in(tools, payload)
    if revision is None:
        raise no_database()
    return revision


def restore_dump(
    db: Database, payload: Path, manifest: Manifest, *, source: Path, force: bool
) -> tuple[str | None, int]:
    """Replace the configured database with the dump (see the module docstring); returns
    the revision it was upgraded to (None: already current) and the outcomes carried."""
    tools = _Tools(db)
    script = payload.with_suffix(".sql")
    try:
        tools.run("pg_restore", "--list", str(payload))
        revision = _revision_in(tools, payload)
        # Reads every data block: a damaged one fails here, before anything changes.
        tools.run("pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(payload))
    except IkzError as exc:
        raise damaged(source, exc.en) from None
    if revision != manifest.schema_revision:
        raise damaged(source, f"Revision {revision} != {manifest.schema_revision}")
    tables = _public_tables(db)
    if tables and not force:
        raise target_not_empty(str(make_url(db.url).database))
    prelude = payload.with_name("prelude.sql")
    prelude.write_text((_KEEP if "outbox" in tables else "") + _CLEAR)
    epilogue = payload.with_name("epilogue.sql")
    epilogue.write_text(_CARRY_OVER if "outbox" in tables else "SELECT 'ikz-carried:0';\n")
    db.dispose()  # no idle connection of ours in the way of DROP SCHEMA
    out = tools.run(
        "psql",
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        "-f",
        str(prelude),
        "-f",
        str(script),
        "-f",
        str(epilogue),
        "--dbname",
        tools.conninfo,
    )
    carried = max(
        (
            int(line.split(":", 1)[1])
            for line in out.splitlines()
            if line.startswith("ikz-carried:")
        ),
        default=0,
    )
    upgraded = upgrade(db) if manifest.schema_revision != HEAD_REVISION else None
    return upgraded, carried


def _public_tables(db: Database) -> set[str]:
    with db.read_engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).all()
    return {str(r[0]) for r in rows}


def _revision_in(tools: _Tools, payload: Path) -> str | None:
    """The schema revision inside a dump: the data of its alembic_version table."""
    out = tools.run(
        "pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(payload)
    )
    lines = iter(out.splitlines())
    for line in lines:
        if line.startswith("COPY public.alembic_version"):
            value = next(lines, "\\.")
            return None if value == "\\." else value.strip()
    return None


class _Tools:
    """PostgreSQL's client programs for the server of `db`, and how to reach it."""

    def __init__(self, db: Database) -> None:
        url = make_url(db.url)
        self.env = dict(os.environ)
        if url.password is not None:
            # Not in the command line, where every user's `ps` would show it.
            self.env["PGPASSWORD"] = str(url.password)
        self.conninfo = url.set(drivername="postgresql", password=None).render_as_string(
            hide_password=False
        )
        with db.read_engine.connect() as conn:
            server = int(str(conn.exec_driver_sql("SHOW server_version_num").scalar())) // 10000
        self.server_major = server
        self.paths: dict[str, str] = {}

    def path(self, name: str) -> str:
        if name in self.paths:
            return self.paths[name]
        own = Path(f"/usr/lib/postgresql/{self.server_major}/bin/{name}")
        found = str(own) if own.is_file() else shutil.which(name)
        if found is None:
            raise IkzError(
                "pg_tool_missing",
                f"{name} nicht gefunden: bitte die PostgreSQL-Client-Programme "
                f"(Version {self.server_major}) installieren.",
                f"{name} not found: install the PostgreSQL client programs "
                f"(version {self.server_major}).",
            )
        version = subprocess.run(
            [found, "--version"], capture_output=True, text=True, check=False
        ).stdout
        match = re.search(r"\)\s*(\d+)", version)
        major = int(match.group(1)) if match else 0
        if major < self.server_major:
            raise IkzError(
                "pg_tool_too_old",
                f"{found} ist Version {major}, der Server {self.server_major}: bitte die "
                f"Client-Programme der Version {self.server_major} installieren.",
                f"{found} is version {major}, the server {self.server_major}: install the "
                f"client programs of version {self.server_major}.",
            )
        self.paths[name] = found
        return found

    def run(self, name: str, *args: str) -> str:
        done = subprocess.run(
            [self.path(name), *args], capture_output=True, text=True, env=self.env, check=False
        )
        if done.returncode != 0:
            why = next((ln for ln in done.stderr.splitlines() if ln.strip()), "?")
            raise IkzError(
                "pg_tool_failed",
                f"{name} fehlgeschlagen: {why}",
                f"{name} failed: {why}",
            )
        return done.stdout
