"""Digest preferences: each person gets mail immediately, once a day or once a week.

The rules (modes, periods, when a digest is due) are states.delivery; the dispatcher
holds a digest recipient's notifications and sends them as one mail (ikz.mail.digest).
"""

from __future__ import annotations

from typing import Protocol

from ikz.app import App
from models.queries import actor_of, require
from models.registry import Person
from models.store import save
from states.delivery import DigestMode, parse_mode
from states.policy import Action, check

__all__ = ["DigestMode", "parse_mode", "set_digest", "set_digest_mode"]


class DigestChoice(Protocol):
    """The input of `set_digest_mode` (models.commands.SetDigest has these fields)."""

    @property
    def person_id(self) -> int: ...

    @property
    def mode(self) -> str: ...

    @property
    def actor_id(self) -> int: ...


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
        return save(person, session=s)


def set_digest_mode(app: App, cmd: DigestChoice) -> Person:
    """`set_digest` for an input model with the mode as text (the action registry's
    entry point): an unknown mode is refused with InvalidInputError before any write."""
    return set_digest(app, cmd.person_id, parse_mode(cmd.mode), actor_id=cmd.actor_id)
