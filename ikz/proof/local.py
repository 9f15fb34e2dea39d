"""The proof of an act on the local command line or Python API: the OS user, as an
administrator (whoever has a shell here can change the database anyway)."""

from __future__ import annotations

import getpass

from states.proof import Proof, ProofKind


def local_proof(person_id: int | None) -> Proof:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = "unknown"
    return Proof(ProofKind.CLI, person_id, f"os:{user}")
