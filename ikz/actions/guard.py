"""Checks every use case starts with: the cooperation may still change, the actor may
act, the municipalities and people named exist and take part.

Shared by the use cases of every domain (facts, conflicts, meetings, sign-offs), so they
are public here rather than private to one of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from ikz.app import App
from models.chain import prove as prove_in
from models.cooperation import Cooperation, Partnership
from models.queries import actor_of, partnerships, require
from models.registry import Person
from states.errors import IkzError, InvalidInputError, NotFoundError
from states.lifecycle import State
from states.policy import Action, Actor, Target, check, check_proven
from states.proof import Proof


def duplicate(what_de: str, what_en: str) -> InvalidInputError:
    """The error for a row that is already recorded (a unique constraint said so)."""
    return InvalidInputError(
        "duplicate", f"{what_de} ist bereits erfasst.", f"{what_en} is already recorded."
    )


def coop_for_write(s: Session, cooperation_id: int) -> tuple[Cooperation, list[Partnership]]:
    """The cooperation and its partners, refusing an ended one: nothing more is recorded."""
    coop = require(s, Cooperation, cooperation_id)
    if coop.state == State.ENDED.value:
        raise IkzError(
            "cooperation_ended",
            f"Kooperation {cooperation_id} ist beendet; es kann nichts mehr erfasst werden.",
            f"Cooperation {cooperation_id} has ended; nothing more can be recorded.",
        )
    assert coop.id is not None
    return coop, partnerships(s, coop.id)


def require_partners(parts: list[Partnership], municipality_ids: Iterable[int | None]) -> None:
    partner_ids = {p.municipality_id for p in parts}
    for mid in municipality_ids:
        if mid is not None and mid not in partner_ids:
            raise NotFoundError(
                "not_a_partner",
                f"Kommune {mid} ist kein Partner dieser Kooperation.",
                f"Municipality {mid} is not a partner of this cooperation.",
            )


def require_people(s: Session, ids: Iterable[int]) -> None:
    for pid in ids:
        require(s, Person, pid)


def prove(app: App, s: Session, actor_id: int | None, proof: Proof | None = None) -> Proof:
    """Name who acts in this transaction and how they were proven (`proof`, else the
    surface's, else the local administrator's): every record it appends carries it."""
    proof = proof or app.proof_for(actor_id)
    check_proven(actor_id, proof)
    prove_in(s, proof, actor_id)
    return proof


def authorize(
    s: Session,
    actor_id: int,
    action: Action,
    parts: list[Partnership],
    municipality_id: int | None = None,
    conflict_level: str | None = None,
    moderator_id: int | None = None,
) -> Actor:
    """The acting person, if the policy lets them do `action` in this cooperation."""
    actor = actor_of(s, actor_id)
    check(
        actor,
        action,
        Target(
            partner_municipalities=frozenset(p.municipality_id for p in parts),
            municipality_id=municipality_id,
            conflict_level=conflict_level,
            moderator_id=moderator_id,
        ),
    )
    return actor
