"""The Prefect server's own password (basic auth) behind the gateway.

`ikz up` starts the Prefect server with PREFECT_SERVER_API_AUTH_STRING set to this, and
ikz-flow's processes (the served runs, the event relay, the CLI) talk to it with
PREFECT_API_AUTH_STRING. Derived from the server secret, so every ikz process of this
data directory (or with the same IKZ_SECRET) knows it and nobody else does; the people
use the gateway.
"""

from __future__ import annotations

import hashlib
import hmac

from ikz.proof.secret import server_secret
from ikz.settings import Settings


def prefect_auth_string(settings: Settings) -> str:
    return hmac.new(server_secret(settings), b"prefect-api-auth", hashlib.sha256).hexdigest()
