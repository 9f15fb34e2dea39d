"""Single-use answer links: a person outside the coordination answers from their mailbox.

Only the SHA-256 of a link's token is stored (a copy of the database opens no link), and
the token sealed under the server secret (`seal`), so that the mail carrying it can be
rendered (and a reminder re-send it) by a process that knows the secret. Each link is
bound to one person, one purpose and one object, expires, and is used once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, col, select

from models.clock import utcnow
from models.cooperation import Partnership

PURPOSES = ("signoff", "benefit", "conflict_agreement")


class AnswerLink(SQLModel, table=True):
    __tablename__ = "answer_link"

    id: int | None = Field(default=None, primary_key=True)
    # SHA-256 of the token (hex): the only way a token is looked up.
    token_hash: str = Field(max_length=64, unique=True)
    # The token XOR an HMAC of the server secret (hex); useless without the secret.
    seal: str = Field(max_length=64)
    person_id: int = Field(foreign_key="person.id", index=True)
    # signoff | benefit | conflict_agreement (PURPOSES)
    purpose: str = Field(max_length=30)
    # The sign-off request, partnership or conflict the answer is about.
    object_id: int
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    # The Message-ID of the mail that carried the link (known when it is queued).
    message_id: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    # "yes" or "no" once used.
    answer: str | None = Field(default=None, max_length=10)
    note: str = ""
    # A conflict agreement: the proposed resolution, and who proposed it (the links of
    # one proposal share both and their creation time).
    proposal: str = ""
    asked_by: int | None = Field(default=None, foreign_key="person.id")


def link_by_hash(token_hash: str, *, session: Session) -> AnswerLink | None:
    return session.exec(select(AnswerLink).where(col(AnswerLink.token_hash) == token_hash)).first()


def open_link_for(
    purpose: str, object_id: int, person_id: int, *, session: Session
) -> AnswerLink | None:
    """The newest unused link of this person for this purpose and object, if any."""
    return session.exec(
        select(AnswerLink)
        .where(
            col(AnswerLink.purpose) == purpose,
            col(AnswerLink.object_id) == object_id,
            col(AnswerLink.person_id) == person_id,
            col(AnswerLink.used_at).is_(None),
        )
        .order_by(col(AnswerLink.id).desc())
    ).first()


def links_of(cooperation_id: int, *, session: Session) -> list[AnswerLink]:
    return list(
        session.exec(
            select(AnswerLink)
            .where(col(AnswerLink.cooperation_id) == cooperation_id)
            .order_by(col(AnswerLink.id))
        ).all()
    )


def claim(link: AnswerLink, *, now: datetime, answer: str, note: str, session: Session) -> bool:
    """Mark the link used, if nobody did before (compare and set: of two answers at once
    through one link, on any database, exactly one claims it)."""
    table = AnswerLink.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table)
        .where(table.c.id == link.id, table.c.used_at.is_(None))
        .values(used_at=now, answer=answer, note=note)
    )
    session.expire(link)
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def partnership_by_id(partnership_id: int, *, session: Session) -> Partnership | None:
    return session.get(Partnership, partnership_id)


def proposal_links(link: AnswerLink, *, session: Session) -> list[AnswerLink]:
    """The links of the newest proposal about `link`'s object and purpose (the links of
    one proposal are created in one transaction, at one time)."""
    rows = list(
        session.exec(
            select(AnswerLink)
            .where(
                col(AnswerLink.purpose) == link.purpose,
                col(AnswerLink.object_id) == link.object_id,
            )
            .order_by(col(AnswerLink.id))
        ).all()
    )
    newest = max(r.created_at for r in rows)
    return [r for r in rows if r.created_at == newest]
