"""How the person behind an act was proven: every recorded act carries one `Proof`.

Pure: the surfaces (gateway, mail-link pages, CLI) build it, the use cases pass it to
`models/`, which stores it with the act on its hash chain.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class ProofKind(StrEnum):
    # A person logged in at the gateway (the session's id hash in `detail`).
    SESSION = "session"
    # A personal API token on the gateway (the token's id in `detail`).
    TOKEN = "token"
    # A single-use link from a mail (the mail's Message-ID in `detail`).
    MAIL_LINK = "mail_link"
    # The local command line or Python API: an administrator's act (OS user in `detail`).
    CLI = "cli"
    # Recorded on someone's behalf from a document (paper sign-off, council minutes);
    # `document_sha256` names the stored file.
    DOCUMENT = "document"
    # ikz-flow itself (sweeps, reminders, deadlines), on no person's behalf.
    SYSTEM = "system"


# Kinds where the proven person acted personally: the act counts as theirs.
PERSONAL = frozenset({ProofKind.SESSION, ProofKind.TOKEN, ProofKind.MAIL_LINK})

LABELS: dict[ProofKind, tuple[str, str]] = {
    ProofKind.SESSION: ("Anmeldung am Gateway", "gateway login"),
    ProofKind.TOKEN: ("persönlicher API-Token", "personal API token"),
    ProofKind.MAIL_LINK: ("Link aus einer E-Mail", "link from an email"),
    ProofKind.CLI: ("Kommandozeile (Administration)", "command line (administrator)"),
    ProofKind.DOCUMENT: ("im Auftrag, belegt durch Dokument", "on behalf, by document"),
    ProofKind.SYSTEM: ("ikz-flow selbst", "ikz-flow itself"),
}


@dataclass(frozen=True)
class Proof:
    kind: ProofKind
    # The proven person who acted; None only for SYSTEM and for a CLI act by an OS user
    # that names no person.
    person_id: int | None
    # Session id hash, token id, Message-ID, OS user or document name (see ProofKind).
    detail: str = ""
    # DOCUMENT: the person on whose behalf the act was recorded, and the file's SHA-256.
    on_behalf_of: int | None = None
    document_sha256: str | None = None

    @property
    def personal(self) -> bool:
        """True when the person acted personally (not an administrator, not a proxy)."""
        return self.kind in PERSONAL

    def counts_as(self, person_id: int) -> bool:
        """Whether this act counts as `person_id`'s own decision: their own proven act,
        or a documented recording on their behalf."""
        if self.kind is ProofKind.DOCUMENT:
            return self.on_behalf_of == person_id and bool(self.document_sha256)
        return self.personal and self.person_id == person_id

    def label(self, lang: str = "de") -> str:
        de, en = LABELS[self.kind]
        return en if lang == "en" else de

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proof:
        return cls(
            kind=ProofKind(data["kind"]),
            person_id=data.get("person_id"),
            detail=str(data.get("detail") or ""),
            on_behalf_of=data.get("on_behalf_of"),
            document_sha256=data.get("document_sha256"),
        )


SYSTEM = Proof(ProofKind.SYSTEM, None, "ikz-flow")
