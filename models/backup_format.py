"""What a backup file is (see models.backup): its manifest and the errors every part of
backup and restore reports. Shared by models.backup, models.backup_sqlite and
models.backup_pg, so that neither database side imports the coordinator."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from states.errors import IkzError, InvalidInputError

FORMAT = "ikz-flow-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOAD = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
KIND_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Carried over from the replaced database: a row in one of these states has been
# decided by the relay (or given up on) and must not be offered again.
DELIVERED = ("sent", "failed")

Kind = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class Manifest:
    format: str
    format_version: int
    kind: Kind
    schema_revision: str
    created_at: str
    payload: str
    payload_size: int
    payload_sha256: str


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    upgraded_to: str | None  # the revision an older backup was brought to, else None
    carried_over: int  # delivery outcomes taken over from the replaced database


def no_database() -> IkzError:
    return IkzError(
        "backup_no_database",
        "Keine ikz-flow-Datenbank zu sichern (noch nie `ikz db upgrade`?).",
        "No ikz-flow database to back up (never ran `ikz db upgrade`?).",
    )


def not_a_backup(source: Path) -> IkzError:
    return InvalidInputError(
        "backup_not_ikz",
        f"{source} ist keine Sicherung von ikz-flow; nichts geändert.",
        f"{source} is not an ikz-flow backup; nothing changed.",
    )


def damaged(source: Path, why: str = "") -> IkzError:
    extra_de = f" ({why})" if why else ""
    return InvalidInputError(
        "backup_damaged",
        f"{source} ist beschädigt oder unvollständig{extra_de}; nichts geändert.",
        f"{source} is damaged or truncated{extra_de}; nothing changed.",
    )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def target_not_empty(where: str) -> IkzError:
    return InvalidInputError(
        "restore_target_not_empty",
        f"Die Datenbank {where} enthält schon Daten, die die Wiederherstellung ersetzen würde: "
        "mit --force ersetzen (vorher am besten sichern); nichts geändert.",
        f"The database {where} already holds data that the restore would replace: use --force to "
        "replace it (best back it up first); nothing changed.",
    )
