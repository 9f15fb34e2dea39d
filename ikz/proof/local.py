"""The proof of an act on the local command line or Python API: the OS user, as an
administrator (whoever has a shell here can change the database anyway)."""

from __future__ import annotations

import getpass
from functools import cache

from states.proof import Proof, ProofKind


@cache
def os_user() -> str:
    """The process's OS user, looked up once: it cannot change while the process runs,
    and the lookup (the passwd database) cost 4 % of a lifecycle transition."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def local_proof(person_id: int | None) -> Proof:
    return Proof(ProofKind.CLI, person_id, f"os:{os_user()}")
