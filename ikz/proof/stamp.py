"""The gateway's stamp on a flow run: who created it and how they were proven.

The gateway adds `stamp` to the parameters of every flow run it creates: the proof and
an HMAC-SHA256, with the server secret, over the proof and the run's other parameters.
A flow verifies it before it acts. A client that bypasses the gateway cannot make one,
and a stamp copied onto other parameters does not verify.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from states.errors import IkzError
from states.proof import Proof

STAMP_PARAMETER = "stamp"


def _mac(secret: bytes, proof: dict[str, Any], parameters: dict[str, Any]) -> str:
    others = {k: v for k, v in parameters.items() if k != STAMP_PARAMETER}
    blob = json.dumps(
        {"proof": proof, "parameters": others},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hmac.new(secret, blob.encode(), hashlib.sha256).hexdigest()


def sign(secret: bytes, proof: Proof, parameters: dict[str, Any]) -> dict[str, Any]:
    """The stamp for `parameters` (the run's parameters without a stamp)."""
    data = proof.as_dict()
    return {"proof": data, "mac": _mac(secret, data, parameters)}


def stamped(secret: bytes, proof: Proof, parameters: dict[str, Any]) -> dict[str, Any]:
    """`parameters` with their stamp added (what the gateway sends on)."""
    others = {k: v for k, v in parameters.items() if k != STAMP_PARAMETER}
    return {**others, STAMP_PARAMETER: sign(secret, proof, others)}


def verify(secret: bytes, parameters: dict[str, Any]) -> Proof:
    """The proof of a stamped run's parameters, or an IkzError naming why not."""
    stamp = parameters.get(STAMP_PARAMETER)
    if not isinstance(stamp, dict) or not isinstance(stamp.get("proof"), dict):
        raise IkzError(
            "unstamped",
            "Dieser Lauf wurde nicht über die Anmeldung von ikz-flow gestartet; "
            "niemand ist als Handelnde:r nachgewiesen.",
            "This run was not started through ikz-flow's login; nobody is proven as the actor.",
        )
    expected = _mac(secret, stamp["proof"], parameters)
    if not hmac.compare_digest(expected, str(stamp.get("mac", ""))):
        raise IkzError(
            "forged_stamp",
            "Der Nachweis dieses Laufs ist ungültig (Parameter oder Stempel verändert).",
            "This run's proof is invalid (parameters or stamp altered).",
        )
    try:
        return Proof.from_dict(stamp["proof"])
    except (KeyError, ValueError) as exc:
        raise IkzError(
            "forged_stamp",
            "Der Nachweis dieses Laufs ist ungültig.",
            "This run's proof is invalid.",
        ) from exc
