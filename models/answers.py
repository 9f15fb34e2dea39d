"""Single-use answer links: a person outside the coordination answers from their mailbox.

Only the SHA-256 of a link's token is stored (a copy of the database opens no link), and
the token sealed under the server secret (`seal`), so that the mail carrying it can be
rendered (and a reminder re-send it) by a process that knows the secret. Each link is
bound to one person, one purpose and one object, expires, and is used once.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import Field, Session, col, select

from models.base import Table
from models.clock import utcnow
from models.cooperation import Conflict, Partnership, SignOffRequest
from models.registry import Municipality, Person

PURPOSES = ("signoff", "benefit", "conflict_agreement")


class AnswerLink(Table, table=True):
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


@dataclass(frozen=True)
class Answered:
    """One answer given to the coordination: a mayor's to a sign-off request, a
    partner's to a benefit confirmation, a party's to a proposed conflict resolution."""

    purpose: str  # PURPOSES
    about: str  # the gate's code, the stated benefit, the conflict's subject
    answer: str  # yes | no
    note: str
    at: datetime
    person_id: int
    person_name: str
    municipality_id: int | None
    municipality_name: str | None
    municipality_kind: str | None


def answers_of(cooperation_id: int, *, session: Session) -> list[Answered]:
    """A cooperation's answers, oldest first: the answered sign-off requests (through a
    mail link or not), and the used links of benefit confirmations and conflict
    agreements, each with the answering person and their municipality."""
    signoffs = session.exec(
        select(SignOffRequest, Person, Municipality)
        .join(Person, col(Person.id) == col(SignOffRequest.mayor_id))
        .join(Municipality, col(Municipality.id) == col(SignOffRequest.municipality_id))
        .where(
            col(SignOffRequest.cooperation_id) == cooperation_id,
            col(SignOffRequest.status).in_(("signed", "declined")),
            col(SignOffRequest.answered_at).is_not(None),
        )
    ).all()
    out = [
        Answered(
            "signoff",
            r.gate,
            "yes" if r.status == "signed" else "no",
            r.note,
            r.answered_at or r.requested_at,
            p.id or 0,
            p.name,
            m.id,
            m.name,
            m.kind,
        )
        for r, p, m in signoffs
    ]
    benefits = session.exec(
        select(AnswerLink, Person, Partnership, Municipality)
        .join(Person, col(Person.id) == col(AnswerLink.person_id))
        .join(Partnership, col(Partnership.id) == col(AnswerLink.object_id))
        .join(Municipality, col(Municipality.id) == col(Partnership.municipality_id))
        .where(
            col(AnswerLink.cooperation_id) == cooperation_id,
            col(AnswerLink.purpose) == "benefit",
            col(AnswerLink.used_at).is_not(None),
        )
    ).all()
    out += [
        Answered(
            "benefit",
            part.stated_benefit or "",
            link.answer or "",
            link.note,
            link.used_at or link.created_at,
            p.id or 0,
            p.name,
            m.id,
            m.name,
            m.kind,
        )
        for link, p, part, m in benefits
    ]
    agreements = session.exec(
        select(AnswerLink, Person, Conflict, Municipality)
        .join(Person, col(Person.id) == col(AnswerLink.person_id))
        .join(Conflict, col(Conflict.id) == col(AnswerLink.object_id))
        .join(Municipality, col(Municipality.id) == col(Person.municipality_id), isouter=True)
        .where(
            col(AnswerLink.cooperation_id) == cooperation_id,
            col(AnswerLink.purpose) == "conflict_agreement",
            col(AnswerLink.used_at).is_not(None),
        )
    ).all()
    out += [
        Answered(
            "conflict_agreement",
            conflict.subject,
            link.answer or "",
            link.note,
            link.used_at or link.created_at,
            p.id or 0,
            p.name,
            m.id if m else None,
            m.name if m else None,
            m.kind if m else None,
        )
        for link, p, conflict, m in agreements
    ]
    return sorted(out, key=lambda a: (_utc(a.at), a.purpose))


def _utc(at: datetime) -> datetime:
    """Comparable whether the driver returned it naive (SQLite) or aware (PostgreSQL)."""
    return at.replace(tzinfo=None) if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)
