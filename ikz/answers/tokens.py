"""An answer link's token: 256 random bits, stored only as its SHA-256, and sealed under
the server secret so that the mail carrying it can be rendered later.

The seal is the token XOR an HMAC-SHA256 (server secret, token hash): a copy of the
database without the secret opens no link, and each token has its own pad.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 32
# base64url of 32 bytes without padding: 43 characters.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(TOKEN_BYTES)).rstrip(b"=").decode()


def well_formed(token: str) -> bool:
    return TOKEN_SHAPE.fullmatch(token) is not None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _pad(secret: bytes, hashed: str) -> bytes:
    return hmac.new(secret, b"answer-seal:" + hashed.encode(), hashlib.sha256).digest()


def _raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=")


def seal(secret: bytes, token: str) -> str:
    pad = _pad(secret, token_hash(token))
    return bytes(a ^ b for a, b in zip(_raw(token), pad, strict=True)).hex()


def unseal(secret: bytes, hashed: str, sealed: str) -> str | None:
    """The token of a sealed one, or None if it does not belong to `hashed` (another
    secret, or the values were altered)."""
    try:
        raw = bytes.fromhex(sealed)
    except ValueError:
        return None
    if len(raw) != TOKEN_BYTES:
        return None
    token = (
        base64.urlsafe_b64encode(
            bytes(a ^ b for a, b in zip(raw, _pad(secret, hashed), strict=True))
        )
        .rstrip(b"=")
        .decode()
    )
    return token if hmac.compare_digest(token_hash(token), hashed) else None
