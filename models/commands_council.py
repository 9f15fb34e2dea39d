"""Input model of importing a council calendar (models.commands holds the others; this
one is apart to keep that module small)."""

from __future__ import annotations

from pydantic import Field

from models.commands import ActorId, Command, Id
from models.validation import HeaderSafe


class ImportCouncilCalendar(Command):
    municipality_id: Id = Field(title="Kommune (ID)", gt=0)
    source: HeaderSafe = Field(
        title="Sitzungskalender",
        description="iCalendar-Datei (Pfad) oder Feed (http:// oder https://) mit den "
        "Ratssitzungen",
    )
    lead_days: int | None = Field(
        None,
        title="Vorlagefrist (Tage)",
        description="Tage, die eine Vorlage vor der Sitzung im Ratsbüro sein muss; leer "
        "lässt die bisherige (anfangs 21)",
        ge=1,
        le=120,
    )
    actor_id: Id = ActorId
