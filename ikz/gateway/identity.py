"""Who is at the gateway: login links, sessions, personal API tokens.

Every secret has 256 random bits and is stored as its SHA-256 only. A login link is used
once and expires (mailed: IKZ_LOGIN_LINK_MINUTES; printed on the console: a day); it
opens a session that expires after IKZ_SESSION_HOURS and ends at logout. A token lasts
until it is revoked. Only people whose role may use the Prefect UI log in (GATEWAY_ROLES):
the UI can start every action and edit every deployment and block.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from ikz.app import App
from ikz.proof.links import digest, mailed_secret
from ikz.proof.secret import server_secret
from models import gateway as g
from models.outbox import enqueue
from models.people import person, person_by_email
from models.registry import Person
from states.errors import IkzError, NotFoundError
from states.proof import Proof, ProofKind
from states.vocab import Role

GATEWAY_ROLES = frozenset({Role.COORDINATOR.value})
CONSOLE_LINK_HOURS = 24
LOGIN_PATH = "/login"


class LoginRefusedError(IkzError):
    exit_code = 2


@dataclass(frozen=True)
class Identity:
    """A person proven at the gateway, and how."""

    person_id: int
    name: str
    language: str
    proof: Proof


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


def may_log_in(p: Person) -> bool:
    return bool(GATEWAY_ROLES & set(p.roles))


def _not_allowed(p: Person) -> LoginRefusedError:
    return LoginRefusedError(
        "login_role",
        f"{p.name} darf sich nicht an der Oberfläche anmelden: nur Koordinator:innen. "
        "Bürgermeister:innen und Partner antworten über den Link in ihrer E-Mail.",
        f"{p.name} may not log in to the UI: coordinators only. Mayors and partners "
        "answer through the link in their email.",
    )


def _person(app: App, person_id: int) -> Person:
    with app.db.read() as s:
        p = person(person_id, session=s)
    if p is None:
        raise NotFoundError(
            "not_found", f"Person {person_id} nicht gefunden.", f"Person {person_id} not found."
        )
    return p


# Where `ikz up` writes its public address while it runs (for links the CLI prints).
UI_URL_FILE = "gateway-url"


def public_base_url(app: App) -> str:
    """IKZ_UI_BASE_URL if the operator set it, else the address of the `ikz up` running
    for this data directory, else the default."""
    if not os.environ.get("IKZ_UI_BASE_URL"):
        path = Path(app.settings.data_dir) / UI_URL_FILE
        if path.exists():
            return path.read_text().strip().rstrip("/") or app.settings.ui_base_url
    return app.settings.ui_base_url.rstrip("/")


def login_url(app: App, secret: str) -> str:
    return f"{public_base_url(app)}{LOGIN_PATH}/{secret}"


def console_link(app: App, person_id: int, *, hours: float = CONSOLE_LINK_HOURS) -> str:
    """A one-time login link for `person_id`, to print (first start, `ikz login-link`)."""
    p = _person(app, person_id)
    if not may_log_in(p):
        raise _not_allowed(p)
    secret = new_secret()
    now = app.clock()
    with app.db.write() as s:
        g.add_login_link(
            g.LoginLink(
                token_hash=digest(secret),
                person_id=person_id,
                channel="console",
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            ),
            session=s,
        )
    return login_url(app, secret)


def request_mail_link(app: App, email: str) -> int | None:
    """Queue a login link to the person with `email`, if there is one who may log in;
    the outbox row's id (None: nothing queued). The page says the same either way."""
    address = email.strip().lower()
    with app.db.read() as s:
        p = person_by_email(address, session=s)
    if p is None or p.id is None or not may_log_in(p):
        return None
    nonce = new_secret()
    secret = mailed_secret(server_secret(app.settings), nonce)
    now = app.clock()
    minutes = app.settings.login_link_minutes
    with app.db.write() as s:
        link = g.add_login_link(
            g.LoginLink(
                token_hash=digest(secret),
                person_id=p.id,
                channel="mail",
                created_at=now,
                expires_at=now + timedelta(minutes=minutes),
            ),
            session=s,
        )
        # The context holds the nonce, never the link (ikz.proof.links).
        queued = enqueue(
            s,
            recipient_ids=[p.id],
            kind="login_link",
            context={"login_nonce": nonce, "valid_minutes": minutes},
            dedupe_prefix=f"login-link:{link.id}",
            now=now,
        )
    return link.id if queued else None


def redeem(app: App, secret: str) -> tuple[str, g.GatewaySession]:
    """Use a login link once: a new session (its secret for the cookie, and its row)."""
    now = app.clock()
    with app.db.write() as s:
        link = g.use_login_link(digest(secret), now, session=s)
        if link is None:
            known = g.login_link_by_hash(digest(secret), session=s)
            if known is not None and known.used_at is not None:
                raise LoginRefusedError(
                    "login_link_used",
                    "Dieser Anmeldelink wurde schon benutzt. Fordern Sie einen neuen an.",
                    "This login link has been used already. Please request a new one.",
                )
            if known is not None:
                raise LoginRefusedError(
                    "login_link_expired",
                    "Dieser Anmeldelink ist abgelaufen. Fordern Sie einen neuen an.",
                    "This login link has expired. Please request a new one.",
                )
            raise LoginRefusedError(
                "login_link_unknown",
                "Diesen Anmeldelink kennt ikz-flow nicht. Fordern Sie einen neuen an.",
                "ikz-flow does not know this login link. Please request a new one.",
            )
        p = person(link.person_id, session=s)
        if p is None or not may_log_in(p):
            # Refused after the commit: the link stays used, nobody can retry it.
            refused = (
                _not_allowed(p)
                if p is not None
                else NotFoundError("not_found", "Unbekannte Person.", "Unknown person.")
            )
        else:
            refused = None
            session_secret = new_secret()
            row = g.add_session(
                g.GatewaySession(
                    session_hash=digest(session_secret),
                    person_id=link.person_id,
                    login_link_id=link.id,
                    created_at=now,
                    expires_at=now + timedelta(hours=app.settings.session_hours),
                ),
                session=s,
            )
    if refused is not None:
        raise refused
    return session_secret, row


def _identity(p: Person, proof: Proof) -> Identity:
    return Identity(p.id or 0, p.name, "en" if p.language == "en" else "de", proof)


def session_identity(app: App, session_secret: str) -> Identity | None:
    """The person of a live session (not expired, not ended, role still allowed)."""
    if not session_secret:
        return None
    hashed = digest(session_secret)
    with app.db.read() as s:
        row = g.live_session(hashed, app.clock(), session=s)
        p = person(row.person_id, session=s) if row is not None else None
    if row is None or p is None or not may_log_in(p):
        return None
    return _identity(p, Proof(ProofKind.SESSION, p.id, f"session:{hashed[:16]}"))


def logout(app: App, session_secret: str) -> bool:
    with app.db.write() as s:
        return g.end_session(digest(session_secret), app.clock(), session=s) > 0


TOKEN_PREFIX = "ikz_"


def create_token(app: App, person_id: int, label: str = "") -> tuple[str, g.ApiToken]:
    """A personal API token (shown once) and its row."""
    p = _person(app, person_id)
    if not may_log_in(p):
        raise _not_allowed(p)
    if len(label) > 200 or any(not ch.isprintable() for ch in label):
        raise LoginRefusedError(
            "bad_label",
            "Bezeichnung: höchstens 200 druckbare Zeichen, eine Zeile.",
            "Label: at most 200 printable characters, one line.",
        )
    secret = TOKEN_PREFIX + new_secret()
    with app.db.write() as s:
        row = g.add_token(
            g.ApiToken(
                token_hash=digest(secret),
                person_id=person_id,
                label=label,
                created_at=app.clock(),
            ),
            session=s,
        )
    return secret, row


def token_identity(app: App, secret: str) -> Identity | None:
    """The person of a live token (not revoked, role still allowed)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with app.db.read() as s:
        row = g.live_token(digest(secret), session=s)
        p = person(row.person_id, session=s) if row is not None else None
    if row is None or p is None or not may_log_in(p):
        return None
    now = app.clock()
    # When it was last used, to the minute: not a write per request.
    if row.last_used_at is None or now - row.last_used_at >= timedelta(minutes=1):
        with app.db.write(durable=False) as s:
            g.touch_token(row.id or 0, now, session=s)
    return _identity(p, Proof(ProofKind.TOKEN, p.id, f"token:{row.id}"))


def revoke_token(app: App, token_id: int) -> g.ApiToken:
    with app.db.write() as s:
        row = g.token(token_id, session=s)
        if row is None:
            raise NotFoundError(
                "not_found", f"Token {token_id} nicht gefunden.", f"Token {token_id} not found."
            )
        if row.revoked_at is not None:
            raise LoginRefusedError(
                "token_revoked",
                f"Token {token_id} ist bereits widerrufen.",
                f"Token {token_id} is revoked already.",
            )
        g.revoke_token(token_id, app.clock(), session=s)
        s.refresh(row)
    return row


def token_rows(app: App) -> list[dict[str, Any]]:
    """Every token without its secret (which is not stored)."""
    with app.db.read() as s:
        rows = g.all_tokens(session=s)
    return [
        {
            "id": r.id,
            "person_id": r.person_id,
            "label": r.label,
            "created_at": r.created_at.isoformat(),
            "last_used_at": r.last_used_at.isoformat() if r.last_used_at else None,
            "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None,
        }
        for r in rows
    ]


def has_logged_in(app: App) -> bool:
    """Whether anybody has ever opened a session (else `ikz up` prints a first link)."""
    with app.db.read() as s:
        return g.any_session(session=s)


DEFAULT_ADMIN_EMAIL = "koordination@example.org"


def first_coordinator(app: App) -> tuple[int, bool]:
    """The coordinator a first start logs in: the first one there is, else a new one
    from IKZ_ADMIN_EMAIL (or a placeholder address). (id, made now)."""
    with app.db.read() as s:
        found = g.first_coordinator_id(session=s)
    if found is not None:
        return found, False
    from ikz.actions.directory import register_person
    from models.commands import RegisterPerson
    from models.validation import parse

    email = app.settings.admin_email or DEFAULT_ADMIN_EMAIL
    # parse: a bad IKZ_ADMIN_EMAIL is one line, as any bad input.
    cmd = parse(RegisterPerson, {"name": "Koordination", "email": email, "roles": ["coordinator"]})
    made = register_person(app, cmd)
    return made.id or 0, True
