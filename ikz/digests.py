"""Digest preferences: each person gets mail immediately, once a day or once a week.

A daily digest goes out at most once per calendar day, a weekly one at most once per ISO
week, both counted in German local time from `app.clock()`. The dispatcher holds a
digest recipient's notifications (except the kinds in IMMEDIATE_KINDS) until then and
sends them as one mail (ikz.mail.digest).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from ikz.app import App
from models.commands import SetDigest
from models.queries import actor_of, require
from models.registry import Person
from states.errors import InvalidInputError
from states.policy import Action, check

LOCAL_TZ = ZoneInfo("Europe/Berlin")

# Never held for a digest: a calendar invitation belongs in the calendar now (one iTIP
# message per mail), and a delivery failure is an alarm.
IMMEDIATE_KINDS = frozenset({"meeting_invitation", "meeting_cancelled", "delivery_failed"})


class DigestMode(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


def period_key(mode: str, at: datetime) -> str:
    """The calendar day (2026-01-05) or ISO week (2026-W02) that `at` falls in, locally."""
    local = at.astimezone(LOCAL_TZ)
    if mode == DigestMode.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def digest_due(mode: str, last_digest_at: datetime | None, now: datetime) -> bool:
    """A digest is due once per period: when none was sent yet in the period of `now`."""
    if mode == DigestMode.IMMEDIATE:
        return False
    if last_digest_at is None:
        return True
    return period_key(mode, last_digest_at) != period_key(mode, now)


def parse_mode(value: str) -> DigestMode:
    try:
        return DigestMode(value)
    except ValueError:
        raise InvalidInputError(
            "bad_digest",
            f"Unbekannte Zustellart '{value}' (immediate, daily, weekly).",
            f"Unknown delivery mode '{value}' (immediate, daily, weekly).",
        ) from None


def set_digest(app: App, person_id: int, mode: DigestMode, *, actor_id: int) -> Person:
    """A person sets their own preference; a coordinator may set anyone's. Switching to a
    digest starts its period now, so the first digest comes in the next period."""
    with app.db.write() as s:
        person = require(s, Person, person_id)
        if actor_id != person_id:
            # Changing another person's record is registry work: coordinators only.
            check(actor_of(s, actor_id), Action.REGISTER_PERSON)
        if person.digest != mode.value:
            person.last_digest_at = None if mode is DigestMode.IMMEDIATE else app.clock()
        person.digest = mode.value
        s.add(person)
        s.flush()
        return person


def set_digest_mode(app: App, cmd: SetDigest) -> Person:
    """The action's form of set_digest: the mode as typed, checked here."""
    return set_digest(app, cmd.person_id, parse_mode(cmd.mode), actor_id=cmd.actor_id)
