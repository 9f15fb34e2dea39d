"""Backup and restore of the whole database: one file that says what it holds.

A backup is a zip file with two members: `manifest.json` (format, version, database kind,
schema revision, time, the payload's size and SHA-256) and the payload, `database.sqlite`
(a snapshot taken with SQLite's online backup API, see models.backup_sqlite) or
`database.pgdump` (pg_dump's custom format, see models.backup_pg). Zip rather than a
bare database file: the manifest travels with the data, and every member carries a CRC,
so a truncated or damaged file is told apart from a file that is no backup at all.

Restore checks everything it can before it changes anything: the file is a zip with our
manifest, of the configured database kind, of a schema revision this code knows, and the
payload matches its checksum and opens as a database. An older revision is restored and
then upgraded (the migrations are the same that `ikz db upgrade` runs).

Mail after a restore: mails that left after the backup was taken are still 'pending' in
it and would be sent again. Restore therefore carries each notification's delivery
outcome ('sent', 'failed') over from the database it replaces, matched by the
notification's stable dedupe key (its Message-ID derives from it), before the restored
data becomes visible. What the replaced database did not know (it is lost, or a mail
was in flight during the restore) may go out once more, with the same Message-ID.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from models.backup_format import (
    FORMAT,
    FORMAT_VERSION,
    KIND_LABEL,
    MANIFEST,
    PAYLOAD,
    Kind,
    Manifest,
    Restored,
    damaged,
    not_a_backup,
    sha256,
)
from models.db import Database
from states.errors import InvalidInputError


def kind_of(db: Database) -> Kind:
    return "sqlite" if db.is_sqlite else "postgresql"


# --- backup -------------------------------------------------------------------------------


def backup(db: Database, target: Path, *, now: datetime, force: bool = False) -> Manifest:
    """Write a backup of `db` to `target` (refused if it exists, unless `force`). The file
    appears complete or not at all: written beside the target, then renamed."""
    if target.exists() and not force:
        raise InvalidInputError(
            "backup_exists",
            f"{target} existiert bereits: anderen Namen wählen oder --force zum Überschreiben.",
            f"{target} already exists: choose another name or --force to overwrite it.",
        )
    if not target.parent.is_dir():
        raise InvalidInputError(
            "backup_folder_missing",
            f"Ordner {target.parent} existiert nicht.",
            f"Folder {target.parent} does not exist.",
        )
    kind = kind_of(db)
    with _scratch(target.parent) as scratch:
        payload = scratch / PAYLOAD[kind]
        if kind == "sqlite":
            from models.backup_sqlite import snapshot

            revision = snapshot(db, payload)
        else:
            from models.backup_pg import dump

            revision = dump(db, payload)
        manifest = Manifest(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            kind=kind,
            schema_revision=revision,
            created_at=now.isoformat(),
            payload=payload.name,
            payload_size=payload.stat().st_size,
            payload_sha256=sha256(payload),
        )
        partial = scratch / "backup.zip"
        # pg_dump's custom format is compressed already; a SQLite file compresses well.
        method = zipfile.ZIP_DEFLATED if kind == "sqlite" else zipfile.ZIP_STORED
        with zipfile.ZipFile(partial, "w", compression=method) as zf:
            zf.writestr(MANIFEST, json.dumps(asdict(manifest), indent=2))
            zf.write(payload, payload.name)
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    return manifest


# --- restore ------------------------------------------------------------------------------


def restore(db: Database, source: Path, *, force: bool = False) -> Restored:
    """Replace the configured database with the backup in `source`: all checks first,
    then one atomic switch (see the module docstring)."""
    manifest = read_manifest(source)
    kind = kind_of(db)
    if manifest.kind != kind:
        raise InvalidInputError(
            "backup_wrong_kind",
            f"{source} ist eine Sicherung einer {KIND_LABEL[manifest.kind]}-Datenbank, "
            f"konfiguriert ist {KIND_LABEL[kind]}; nichts geändert.",
            f"{source} is a backup of a {KIND_LABEL[manifest.kind]} database; the configured "
            f"database is {KIND_LABEL[kind]}; nothing changed.",
        )
    _require_known_revision(db, manifest.schema_revision, source)
    with _scratch(_scratch_folder(db)) as scratch:
        payload = scratch / manifest.payload
        _extract(source, manifest, payload)
        if kind == "sqlite":
            from models.backup_sqlite import restore_file

            upgraded, carried = restore_file(db, payload, manifest, source=source, force=force)
        else:
            from models.backup_pg import restore_dump

            upgraded, carried = restore_dump(db, payload, manifest, source=source, force=force)
    return Restored(manifest, upgraded, carried)


def read_manifest(source: Path) -> Manifest:
    """The manifest of `source`, or one clear error: missing, no backup, damaged."""
    if not source.is_file():
        raise InvalidInputError(
            "backup_missing", f"Datei {source} nicht gefunden.", f"File {source} not found."
        )
    with source.open("rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":
        raise not_a_backup(source)
    try:
        with zipfile.ZipFile(source) as zf:
            raw = zf.read(MANIFEST)
    except KeyError:
        raise not_a_backup(source) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise damaged(source) from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise not_a_backup(source) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise not_a_backup(source)
    version = data.get("format_version")
    # Before reading the fields: a newer format may have others.
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise InvalidInputError(
            "backup_format_newer",
            f"{source} hat ein neueres Sicherungsformat ({version}), als diese Version von "
            "ikz-flow kennt: bitte ikz-flow aktualisieren; nichts geändert.",
            f"{source} has a newer backup format ({version}) than this version of ikz-flow "
            "knows: update ikz-flow first; nothing changed.",
        )
    try:
        manifest = Manifest(**data)
    except TypeError:
        raise not_a_backup(source) from None
    if manifest.kind not in PAYLOAD or manifest.payload != PAYLOAD[manifest.kind]:
        raise not_a_backup(source)
    return manifest


def _require_known_revision(db: Database, revision: str, source: Path) -> None:
    from alembic.script import ScriptDirectory

    from models.schema import alembic_config

    script = ScriptDirectory.from_config(alembic_config(db))
    if revision not in {s.revision for s in script.walk_revisions()}:
        raise InvalidInputError(
            "backup_schema_newer",
            f"{source} hat die Schema-Revision {revision}, die diese Version von ikz-flow "
            "nicht kennt (neuer): bitte ikz-flow aktualisieren; nichts geändert.",
            f"{source} has schema revision {revision}, which this version of ikz-flow "
            "does not know (newer): update ikz-flow first; nothing changed.",
        )


def _extract(source: Path, manifest: Manifest, payload: Path) -> None:
    """The payload into `payload`, checked against the zip's CRC and the manifest."""
    try:
        with (
            zipfile.ZipFile(source) as zf,
            zf.open(manifest.payload) as src,
            payload.open("wb") as out,
        ):
            while chunk := src.read(1 << 20):
                out.write(chunk)
    except KeyError:
        raise not_a_backup(source) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise damaged(source) from None
    if payload.stat().st_size != manifest.payload_size or sha256(payload) != (
        manifest.payload_sha256
    ):
        raise damaged(source, "SHA-256")


def _scratch_folder(db: Database) -> Path | None:
    """SQLite: beside the database, so that the restored file is on the same file system
    (a rename there is atomic); PostgreSQL: the system's temp folder."""
    if db.is_sqlite:
        from models.backup_sqlite import database_path

        folder = database_path(db).parent
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return None


@contextmanager
def _scratch(folder: Path | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=".ikz-backup-", dir=folder) as name:
        yield Path(name)
