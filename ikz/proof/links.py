"""Secrets that travel in a mail without being stored in the outbox.

A mail is rendered from its outbox row long after it was queued, so a link's secret
would sit in `outbox_context` in clear. Instead the row holds a random nonce and the
secret is derived from it with the server secret (HMAC-SHA256, 256 bits): whoever reads
the database alone cannot make the link; the login tables store only its SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def mailed_secret(server_secret: bytes, nonce: str, purpose: str = "login-link") -> str:
    mac = hmac.new(server_secret, f"{purpose}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def digest(secret: str) -> str:
    """How a secret is stored: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()
