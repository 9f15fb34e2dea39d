"""Lists: the people and municipalities of the registry, and the conflicts with their
audit steps (the read side of ikz.actions.conflicts)."""

from __future__ import annotations

from ikz.app import App
from models.audit import ConflictRecord
from models.conflicts import conflicts_of, steps_of
from models.cooperation import Conflict, Cooperation
from models.people import all_municipalities, all_people
from models.queries import require
from models.registry import Municipality, Person


def people(app: App) -> list[Person]:
    with app.db.read() as s:
        return all_people(session=s)


def municipalities(app: App) -> list[Municipality]:
    with app.db.read() as s:
        return all_municipalities(session=s)


def conflicts(app: App, cooperation_id: int | None = None) -> list[Conflict]:
    """All conflicts, or one cooperation's (an unknown cooperation is an error, not an
    empty list)."""
    with app.db.read() as s:
        if cooperation_id is not None:
            require(s, Cooperation, cooperation_id)
        return conflicts_of(cooperation_id, session=s)


def conflict_steps(app: App, conflict_id: int) -> list[ConflictRecord]:
    """The conflict's audit trail, oldest first."""
    with app.db.read() as s:
        return steps_of(conflict_id, session=s)
