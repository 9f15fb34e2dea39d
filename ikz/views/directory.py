"""Lists: the people and municipalities of the registry, and the conflicts with their
audit steps (the read side of ikz.actions.conflicts)."""

from __future__ import annotations

from ikz.app import App
from models.audit import ConflictRecord
from models.conflicts import conflicts_of, steps_of
from models.cooperation import Conflict
from models.people import all_municipalities, all_people
from models.registry import Municipality, Person


def people(app: App) -> list[Person]:
    with app.db.read() as s:
        return all_people(session=s)


def municipalities(app: App) -> list[Municipality]:
    with app.db.read() as s:
        return all_municipalities(session=s)


def conflicts(app: App, cooperation_id: int | None = None) -> list[Conflict]:
    with app.db.read() as s:
        return conflicts_of(cooperation_id, session=s)


def conflict_steps(app: App, conflict_id: int) -> list[ConflictRecord]:
    """The conflict's audit trail, oldest first."""
    with app.db.read() as s:
        return steps_of(conflict_id, session=s)
