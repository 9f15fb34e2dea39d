"""Least privilege on conflicts (issue 13, item 5): from the moderation level on, only
the assigned moderator or a coordinator acts; a moderator who is not the assigned one is
refused and nothing is written. Through the use cases, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from ikz.actions import conflicts as cf
from ikz.actions.conflict_sessions import schedule_conflict_session
from ikz.actions.directory import register_person
from ikz.views.audit import verify_trail
from models import commands as c
from models.cooperation import Conflict
from states.errors import PolicyRefusedError
from tests.factories import World, open_coop


def at_moderation(w: World) -> int:
    cid = open_coop(w)
    kid = cf.raise_conflict(
        w.app, c.RaiseConflict(cooperation_id=cid, subject="Standort", actor_id=w.coordinator_id)
    ).id
    assert kid is not None
    for _ in range(3):
        cf.escalate_conflict(w.app, c.EscalateConflict(conflict_id=kid, actor_id=w.coordinator_id))
    return kid


def second_moderator(w: World) -> int:
    p = register_person(
        w.app,
        c.RegisterPerson(
            name="Mona Moderatorin",
            email="mona@example.org",
            roles=["moderator"],
            actor_id=w.coordinator_id,
        ),
    )
    assert p.id is not None
    return p.id


def assign(w: World, kid: int, moderator: int) -> None:
    schedule_conflict_session(
        w.app,
        c.ScheduleConflictSession(
            conflict_id=kid,
            starts_at=w.clock() + timedelta(days=7),
            duration_minutes=90,
            moderator_id=moderator,
            actor_id=w.coordinator_id,
        ),
    )


def footprint(w: World, kid: int) -> tuple[object, ...]:
    with w.app.db.read() as s:
        row = s.get(Conflict, kid)
        assert row is not None
        n = s.execute(text("SELECT count(*) FROM conflict_record")).scalar_one()
        facts = s.execute(text("SELECT count(*) FROM fact_record")).scalar_one()
        mails = s.execute(text("SELECT count(*) FROM outbox")).scalar_one()
    return (row.level, row.status, row.resolution, n, facts, mails)


@pytest.mark.parametrize("action", ["resolve", "escalate"])
def test_a_moderator_who_is_not_assigned_is_refused_and_nothing_is_written(
    world: World, action: str
) -> None:
    kid = at_moderation(world)
    other = second_moderator(world)
    assign(world, kid, world.moderator_id)
    before = footprint(world, kid)
    with pytest.raises(PolicyRefusedError) as err:
        if action == "resolve":
            cf.resolve_conflict(
                world.app, c.ResolveConflict(conflict_id=kid, resolution="x", actor_id=other)
            )
        else:
            cf.escalate_conflict(world.app, c.EscalateConflict(conflict_id=kid, actor_id=other))
    assert err.value.code == "policy.assigned_moderator_only"
    assert err.value.de == (
        "Nicht erlaubt: ab der Stufe Moderation handelt nur die zugewiesene Moderation "
        "(oder eine Koordinator:in)."
    )
    assert footprint(world, kid) == before


def test_the_assigned_moderator_resolves(world: World) -> None:
    kid = at_moderation(world)
    second_moderator(world)
    assign(world, kid, world.moderator_id)
    row = cf.resolve_conflict(
        world.app,
        c.ResolveConflict(
            conflict_id=kid, resolution="Wechselnder Standort", actor_id=world.moderator_id
        ),
    )
    assert (row.status, row.resolution) == ("resolved", "Wechselnder Standort")
    assert verify_trail(world.app).ok


def test_the_assigned_moderator_escalates_to_the_mayors(world: World) -> None:
    kid = at_moderation(world)
    assign(world, kid, world.moderator_id)
    row = cf.escalate_conflict(
        world.app, c.EscalateConflict(conflict_id=kid, actor_id=world.moderator_id)
    )
    assert row.level == "mayors"


def test_a_coordinator_acts_whoever_is_assigned(world: World) -> None:
    kid = at_moderation(world)
    assign(world, kid, second_moderator(world))
    row = cf.resolve_conflict(
        world.app,
        c.ResolveConflict(conflict_id=kid, resolution="ok", actor_id=world.coordinator_id),
    )
    assert row.status == "resolved"


def test_while_none_is_assigned_a_moderator_only_schedules(world: World) -> None:
    kid = at_moderation(world)
    with pytest.raises(PolicyRefusedError) as err:
        cf.resolve_conflict(
            world.app,
            c.ResolveConflict(conflict_id=kid, resolution="x", actor_id=world.moderator_id),
        )
    assert err.value.code == "policy.assigned_moderator_only"
    # Scheduling the moderation assigns them; then they act.
    schedule_conflict_session(
        world.app,
        c.ScheduleConflictSession(
            conflict_id=kid,
            starts_at=world.clock() + timedelta(days=3),
            duration_minutes=60,
            moderator_id=world.moderator_id,
            actor_id=world.moderator_id,
        ),
    )
    row = cf.resolve_conflict(
        world.app,
        c.ResolveConflict(conflict_id=kid, resolution="geeinigt", actor_id=world.moderator_id),
    )
    assert row.status == "resolved"


def test_an_assigned_moderator_s_session_cannot_be_taken_over(world: World) -> None:
    kid = at_moderation(world)
    other = second_moderator(world)
    assign(world, kid, world.moderator_id)
    before = footprint(world, kid)
    with pytest.raises(PolicyRefusedError) as err:
        schedule_conflict_session(
            world.app,
            c.ScheduleConflictSession(
                conflict_id=kid,
                starts_at=world.clock() + timedelta(days=5),
                duration_minutes=60,
                moderator_id=other,
                actor_id=other,
            ),
        )
    assert err.value.code == "policy.assigned_moderator_only"
    assert footprint(world, kid) == before
