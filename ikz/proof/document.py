"""Documents that prove an act recorded on someone's behalf (a paper sign-off, council
minutes): stored by content in data_dir/documents/<sha256>, named on the act's proof
(states.proof, kind DOCUMENT) with their SHA-256, which the hash chain then covers."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ikz.settings import Settings
from states.errors import InvalidInputError
from states.proof import Proof, ProofKind

DOCUMENT_DIR = "documents"
MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    name: str  # the original file name, as the proof's detail
    path: Path  # where ikz-flow keeps its copy

    def proof(self, actor_id: int, on_behalf_of: int | None = None) -> Proof:
        """The proof of an act recorded from this document by `actor_id`, on behalf of
        the person whose act it is (a mayor's paper sign-off, a council's minutes)."""
        return Proof(
            ProofKind.DOCUMENT,
            actor_id,
            self.name,
            on_behalf_of=on_behalf_of,
            document_sha256=self.sha256,
        )


def _unusable(path: str, de: str, en: str) -> InvalidInputError:
    return InvalidInputError(
        "document_unusable", f"Dokument {path!r}: {de}.", f"Document {path!r}: {en}."
    )


def store_document(settings: Settings, path: str) -> StoredDocument:
    """Copy the file at `path` into the document store (once per content) and return its
    SHA-256; a missing, empty, oversized or unreadable file is refused in one line."""
    source = Path(path).expanduser()
    try:
        if not source.is_file():
            raise _unusable(path, "Datei nicht gefunden", "file not found")
        size = source.stat().st_size
        if size == 0:
            raise _unusable(path, "die Datei ist leer", "the file is empty")
        if size > MAX_BYTES:
            raise _unusable(path, "größer als 100 MB", "larger than 100 MB")
        folder = Path(settings.data_dir) / DOCUMENT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        # Hashed while copied: the stored copy is exactly what the hash names.
        tmp = folder / f".incoming.{os.getpid()}.tmp"
        digest = hashlib.sha256()
        with source.open("rb") as f, tmp.open("wb") as out:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        target = folder / sha
        if target.exists():
            tmp.unlink()
        else:
            tmp.replace(target)
    except OSError as exc:
        raise _unusable(
            path, f"nicht lesbar ({exc.strerror})", f"not readable ({exc.strerror})"
        ) from None
    return StoredDocument(sha256=sha, name=source.name, path=target)
