"""Who is logged in at the gateway: one-time login links, sessions and personal API tokens.

Every secret is stored as its SHA-256 only (the secrets have 256 random bits, so a plain
hash suffices; nobody can guess one back). A row is never deleted: a used link keeps
`used_at`, a session or token that ends keeps `revoked_at`, so the rows say who could act
when.
"""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Field, Session, col, select

from models.base import Table
from models.clock import utcnow
from models.registry import Person


class LoginLink(Table, table=True):
    __tablename__ = "login_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # "mail" (requested on the login page) or "console" (printed by `ikz up` / the CLI).
    channel: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class GatewaySession(Table, table=True):
    __tablename__ = "gateway_session"

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # The login link it was opened with.
    login_link_id: int | None = Field(default=None, foreign_key="login_link.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class ApiToken(Table, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


def add_login_link(link: LoginLink, *, session: Session) -> LoginLink:
    session.add(link)
    session.flush()
    return link


def use_login_link(token_hash: str, now: datetime, *, session: Session) -> LoginLink | None:
    """Mark the unused, unexpired link with this hash used and return it; None when there
    is none. One conditional UPDATE: two clicks at once cannot both win."""
    t = LoginLink.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(t)
        .where(
            t.c.token_hash == token_hash,
            t.c.used_at.is_(None),
            t.c.expires_at > now,
        )
        .values(used_at=now)
        .returning(t.c.id)
    ).first()
    if result is None:
        return None
    return session.get(LoginLink, result[0], populate_existing=True)


def login_link_by_hash(token_hash: str, *, session: Session) -> LoginLink | None:
    return session.exec(select(LoginLink).where(col(LoginLink.token_hash) == token_hash)).first()


def add_session(row: GatewaySession, *, session: Session) -> GatewaySession:
    session.add(row)
    session.flush()
    return row


def live_session(session_hash: str, now: datetime, *, session: Session) -> GatewaySession | None:
    return session.exec(
        select(GatewaySession).where(
            col(GatewaySession.session_hash) == session_hash,
            col(GatewaySession.revoked_at).is_(None),
            col(GatewaySession.expires_at) > now,
        )
    ).first()


def end_session(session_hash: str, now: datetime, *, session: Session) -> int:
    t = GatewaySession.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(t)
        .where(t.c.session_hash == session_hash, t.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def add_token(row: ApiToken, *, session: Session) -> ApiToken:
    session.add(row)
    session.flush()
    return row


def live_token(token_hash: str, *, session: Session) -> ApiToken | None:
    return session.exec(
        select(ApiToken).where(
            col(ApiToken.token_hash) == token_hash, col(ApiToken.revoked_at).is_(None)
        )
    ).first()


def touch_token(token_id: int, now: datetime, *, session: Session) -> None:
    t = ApiToken.__table__  # type: ignore[attr-defined]
    session.execute(update(t).where(t.c.id == token_id).values(last_used_at=now))


def all_tokens(*, session: Session) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).order_by(col(ApiToken.id))))


def token(token_id: int, *, session: Session) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def revoke_token(token_id: int, now: datetime, *, session: Session) -> int:
    t = ApiToken.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(t).where(t.c.id == token_id, t.c.revoked_at.is_(None)).values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def first_coordinator_id(*, session: Session) -> int | None:
    """The coordinator with the lowest id (roles are a JSON list: filtered here, people are
    few)."""
    rows = session.exec(select(Person.id, Person.roles).order_by(col(Person.id))).all()
    return next((pid for pid, roles in rows if pid is not None and "coordinator" in roles), None)


def any_session(*, session: Session) -> bool:
    return session.exec(select(GatewaySession.id).limit(1)).first() is not None
