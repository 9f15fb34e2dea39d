"""Flow parameters as the gateway (or the local CLI) stamps them, for tests that run a
flow's function directly."""

from __future__ import annotations

import json
from typing import Any

from ikz.proof.local import local_proof
from ikz.proof.stamp import stamped
from states.proof import Proof, ProofKind

TEST_SECRET = "test-secret-of-the-flow-tests"


def gateway_proof(person_id: int) -> Proof:
    return Proof(ProofKind.SESSION, person_id, "session:test")


def stamped_params(
    eingabe: dict[str, Any],
    proof: Proof | None = None,
    secret: str | bytes = TEST_SECRET,
) -> dict[str, Any]:
    """{"eingabe": ..., "stamp": ...} with the acting person taken out of the input and
    put into the stamp (as the gateway does; default: the local administrator's proof
    of the input's actor_id)."""
    data = json.loads(json.dumps(eingabe, default=str))
    actor = data.pop("actor_id", None)
    key = secret.encode() if isinstance(secret, str) else secret
    return stamped(key, proof or local_proof(actor), {"eingabe": data})
