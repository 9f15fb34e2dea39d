"""Erasing a person's data (GDPR Art. 17): the SQL.

The person's row stays, pseudonymised, so that their acts remain on the hash chains as
acts of an erased person (ids only: see models.audit). Everything else that spells their
name or address is rewritten in place, table by table, through the ORM: a chained fact
changed here is recorded like any other change of it. The chains' own records are not
rewritten: they hold ids, and free text on them is kept as the record the law lets a
public body keep (Art. 17 (3) b and e).
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, cast, or_, update
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Field, Session, SQLModel, col, select

from models.base import Table
from models.clock import utcnow
from models.cooperation import SignOffRequest
from models.outbox import OPEN, Notification
from models.registry import Person

# Tables never rewritten: the hash chains (ids only; see the module docstring), the
# erasure log itself, and the person row (pseudonymised on its own).
KEPT_TABLES = frozenset(
    {"transition_record", "conflict_record", "fact_record", "erasure", "person", "alembic_version"}
)
ERASED_MAIL_STATUS = "erased"


class Erasure(Table, table=True):
    """One erasure: whose, why, by whom and how that person was proven, and how many rows
    it changed. Names no erased value."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    reason: str
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    proof: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rows_changed: int = 0
    mails_withdrawn: int = 0
    at: datetime = Field(default_factory=utcnow)


def pseudonym(person_id: int) -> tuple[str, str]:
    """(name, email) an erased person is shown with."""
    return f"Gelöschte Person {person_id}", f"geloescht-{person_id}@erased.invalid"


@dataclass(frozen=True)
class Needles:
    """The values to find (the person's name and address) and what replaces them."""

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, person: Person) -> "Needles":
        assert person.id is not None
        name, email = pseudonym(person.id)
        pairs = [(person.email, email), (person.name, name)]
        # Too short to be told apart from other words ("Li"): the rest of the row is
        # rewritten anyway where the person is named by id.
        return cls(tuple((old, new) for old, new in pairs if len(old.strip()) >= 3))

    def search_terms(self) -> list[str]:
        """Each value as stored in text and inside JSON (quotes, backslashes escaped)."""
        terms: list[str] = []
        for old, _ in self.pairs:
            terms += [old, json.dumps(old, ensure_ascii=False)[1:-1]]
            if "@" in old:
                terms.append(old.lower())
        return list(dict.fromkeys(terms))

    def replace(self, text: str) -> str:
        for old, new in self.pairs:
            text = re.sub(re.escape(old), new.replace("\\", r"\\"), text, flags=re.IGNORECASE)
        return text

    def replace_in(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.replace(value)
        if isinstance(value, list):
            return [self.replace_in(v) for v in value]
        if isinstance(value, dict):
            return {k: self.replace_in(v) for k, v in value.items()}
        return value


def open_requests_of(person_id: int, *, session: Session) -> list[SignOffRequest]:
    return list(
        session.exec(
            select(SignOffRequest).where(
                col(SignOffRequest.mayor_id) == person_id,
                col(SignOffRequest.status) == "pending",
            )
        ).all()
    )


def withdraw_queued_mail(person_id: int, *, session: Session) -> int:
    """Mail still waiting for the person is not sent: it would carry their address."""
    result = session.execute(
        update(Notification)
        .where(OPEN, col(Notification.recipient_id) == person_id)
        .values(status=ERASED_MAIL_STATUS, last_error="Person gelöscht (DSGVO Art. 17)")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _text_columns(table: Any) -> list[Any]:
    # SQLModel's AutoString is a TypeDecorator over String: look at what it decorates.
    return [
        c
        for c in table.columns
        if isinstance(getattr(c.type, "impl_instance", c.type), (String, JSON))
    ]


def rewrite_everywhere(needles: Needles, *, session: Session) -> int:
    """Rewrite every row outside KEPT_TABLES whose text or JSON names the person; the
    number of rows changed."""
    terms = needles.search_terms()
    if not terms:
        return 0
    changed = 0
    for mapper in SQLModel._sa_registry.mappers:
        table: Any = mapper.local_table
        if table.name in KEPT_TABLES:
            continue
        columns = _text_columns(table)
        if not columns:
            continue
        model = mapper.class_
        hit = or_(
            *(
                cast(column, String).icontains(term, autoescape=True)
                for column in columns
                for term in terms
            )
        )
        for row in session.exec(select(model).where(hit)).all():
            if _rewrite_row(row, columns, needles):
                changed += 1
    session.flush()
    return changed


def _rewrite_row(row: Any, columns: list[Any], needles: Needles) -> bool:
    touched = False
    for column in columns:
        attr = column.key
        value = getattr(row, attr, None)
        if value is None:
            continue
        new = needles.replace_in(value)
        if new != value:
            setattr(row, attr, new)
            if isinstance(column.type, JSON):
                flag_modified(row, attr)
            touched = True
    return touched


def pseudonymise(person: Person, at: datetime, *, session: Session) -> None:
    assert person.id is not None
    person.name, person.email = pseudonym(person.id)
    person.roles = []
    flag_modified(person, "roles")
    person.digest = "immediate"  # nothing is held for a digest that would name them
    person.erased_at = at
    session.add(person)
    session.flush()
