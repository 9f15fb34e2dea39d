"""What every step on a conflict shares: loading it for a change, the pure ladder's next
state, the people of a level, the mail context and the one-transaction runner that turns
a lost race into StaleVersionError.

Used by ikz.actions.conflicts (raise, escalate, resolve, close) and
ikz.actions.conflict_sessions (schedule the session of a level).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ikz.actions.guard import coop_for_write
from ikz.app import App
from models.cooperation import Conflict, Cooperation, Partnership
from models.people import moderator_ids
from models.queries import require
from states.conflict import ConflictState, ConflictTrigger, People, deadline, next_state, state_of
from states.errors import InvalidInputError, StaleVersionError
from states.vocab import ConflictLevel, ConflictStatus


def people_of(
    s: Session, coop: Cooperation, parts: Sequence[Partnership], conflict: Conflict
) -> People:
    """Everyone a level of this conflict may concern (states.conflict picks from them)."""
    needs_all = conflict.moderator_id is None and conflict.level == ConflictLevel.MODERATION.value
    return People(
        contacts=tuple(p.contact_id for p in parts),
        mayors=tuple(p.mayor_id for p in parts),
        coordinator=coop.coordinator_id,
        assigned_moderator=conflict.moderator_id,
        all_moderators=moderator_ids(session=s) if needs_all else (),
    )


def mail_context(coop: Cooperation, conflict: Conflict, **extra: Any) -> dict[str, Any]:
    return {
        "cooperation_id": coop.id,
        "title": coop.title,
        "conflict_id": conflict.id,
        "subject": conflict.subject,
        "level": conflict.level,
        **extra,
    }


def due(app: App, conflict: Conflict) -> str | None:
    """When the conflict's current level is overdue, as ISO text (None: no deadline)."""
    at = deadline(conflict.level, conflict.level_entered_at, app.settings.conflict_deadline_days)
    return at.isoformat() if at else None


def load(s: Session, conflict_id: int) -> tuple[Conflict, Cooperation, list[Partnership]]:
    conflict = require(s, Conflict, conflict_id)
    coop, parts = coop_for_write(s, conflict.cooperation_id)
    return conflict, coop, parts


def require_open(conflict: Conflict) -> None:
    if conflict.status != ConflictStatus.OPEN.value:
        raise InvalidInputError(
            "conflict_not_open",
            f"Konflikt {conflict.id} ist nicht mehr offen.",
            f"Conflict {conflict.id} is no longer open.",
        )


def next_of(conflict: Conflict, trigger: ConflictTrigger) -> ConflictState:
    try:
        return next_state(state_of(conflict.level, conflict.status), trigger)
    except InvalidInputError as exc:  # name the conflict in the message
        raise InvalidInputError(
            exc.code,
            exc.de.replace("Der Konflikt", f"Konflikt {conflict.id}"),
            exc.en.replace("The conflict", f"Conflict {conflict.id}"),
        ) from None


def write(app: App, conflict_id: int | None, step: Callable[[Session], Conflict]) -> Conflict:
    """Run `step(session)` in one write transaction; a lost race becomes StaleVersionError."""
    try:
        with app.db.write() as s:
            return step(s)
    except IntegrityError:
        raise StaleVersionError(
            "conflict_changed",
            f"Konflikt {conflict_id} wurde inzwischen geändert; bitte neu laden.",
            f"Conflict {conflict_id} was changed meanwhile; reload and retry.",
        ) from None
