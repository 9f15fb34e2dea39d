"""What a typed reference (a form's "Kooperation", "Person", "Kommune") is matched
against: every row's id, name and exact keys (see states.matching)."""

from __future__ import annotations

from sqlmodel import Session, select

from models.cooperation import Cooperation
from models.registry import Municipality, Person
from states.matching import Candidate, RefKind


def candidates(kind: RefKind, *, session: Session) -> list[Candidate]:
    """All rows of the kind, few columns each: a portfolio's names are matched in Python
    (SQL's lower() folds no umlauts in SQLite)."""
    if kind == RefKind.COOPERATION:
        coops = session.exec(select(Cooperation.id, Cooperation.title)).all()
        return [Candidate(int(i), t) for i, t in coops if i is not None]
    if kind == RefKind.PERSON:
        people = session.exec(select(Person.id, Person.name, Person.email)).all()
        return [Candidate(int(i), n, (e,)) for i, n, e in people if i is not None]
    munis = session.exec(select(Municipality.id, Municipality.name, Municipality.ags)).all()
    return [Candidate(int(i), n, (a,)) for i, n, a in munis if i is not None]
