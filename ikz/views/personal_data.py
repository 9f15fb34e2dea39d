"""What ikz-flow holds about one person, for their request under GDPR Art. 15."""

from __future__ import annotations

from typing import Any

from ikz.app import App
from ikz.jsonable import jsonable
from models.personal_data import records_of
from models.queries import require
from models.registry import Person


def export_person(app: App, person_id: int) -> dict[str, Any]:
    """The person's own record and every row that names them, as plain JSON values."""
    with app.db.read() as s:
        person = require(s, Person, person_id)
        data = {
            "exported_at": app.clock().isoformat(),
            "legal_basis": "DSGVO Art. 15 (Auskunftsrecht der betroffenen Person)",
            "person": person.model_dump(),
            **records_of(person_id, session=s),
        }
    return dict(jsonable(data))
