"""The recorded facts states.founding reads: a founding act, and a change procedure after
the founding with its own acts (states.founding_change). Apart, so that both modules
can name them without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Event:
    """One recorded founding act."""

    id: int
    kind: str
    on: date
    municipality_id: int | None = None
    result: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Change:
    """One change procedure as recorded, with its own acts."""

    id: int
    kind: str
    opened_on: date
    description: str = ""
    municipality_id: int | None = None
    applied_on: date | None = None
    events: tuple[Event, ...] = ()
