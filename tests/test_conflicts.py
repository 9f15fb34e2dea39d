"""The conflict ladder with time controlled: deadlines, who is told, sessions, resolution,
closing unresolved, the audit trail and the start_pilot gate (success factor 8)."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from ikz.actions import conflicts as cf
from ikz.actions.conflict_sessions import schedule_conflict_session
from ikz.actions.directory import register_person
from ikz.views.audit import verify_audit
from ikz.views.directory import conflict_steps
from models import commands as c
from models.audit import ConflictRecord
from models.cooperation import Conflict
from models.outbox import Notification
from states.errors import (
    GateRefusedError,
    InvalidInputError,
    NotFoundError,
    PolicyRefusedError,
    StaleVersionError,
)
from tests.factories import World, coop_in, go, make_app, make_world, open_coop

LADDER = ["raised", "contact_talks", "steering_round", "moderation", "mayors"]


# --- helpers ---------------------------------------------------------------------------


def raise_one(w: World, cid: int | None = None, subject: str = "Kosten des Bauhofs") -> int:
    cid = cid if cid is not None else open_coop(w)
    row = cf.raise_conflict(
        w.app,
        c.RaiseConflict(cooperation_id=cid, subject=subject, actor_id=w.partners[0].contact_id),
    )
    assert row.id is not None
    return row.id


def conflict(w: World, conflict_id: int) -> Conflict:
    with w.app.db.read() as s:
        row = s.get(Conflict, conflict_id)
        assert row is not None
        return row


def mail(w: World, conflict_id: int, after: int = 0) -> list[Notification]:
    """Outbox rows about `conflict_id` with an id above `after`, oldest first."""
    with w.app.db.read() as s:
        rows = s.exec(
            select(Notification).where(col(Notification.id) > after).order_by(col(Notification.id))
        ).all()
    return [n for n in rows if n.context.get("conflict_id") == conflict_id]


def told(rows: list[Notification]) -> dict[str, set[int]]:
    """kind -> recipient ids."""
    out: dict[str, set[int]] = {}
    for n in rows:
        out.setdefault(n.kind, set()).add(n.recipient_id)
    return out


def last_mail_id(w: World) -> int:
    with w.app.db.read() as s:
        return max(s.exec(select(Notification.id)).all(), default=None) or 0


def escalate_to(w: World, conflict_id: int, level: str) -> None:
    while conflict(w, conflict_id).level != level:
        cf.escalate_conflict(
            w.app, c.EscalateConflict(conflict_id=conflict_id, actor_id=w.coordinator_id)
        )


def steps(w: World, conflict_id: int) -> list[tuple[str, str | None, str]]:
    return [(r.action, r.from_level, r.to_level) for r in conflict_steps(w.app, conflict_id)]


def expected_audience(w: World, level: str) -> set[int]:
    """Who the domain says is told at each level, for a conflict of the first two partners."""
    contacts = {p.contact_id for p in w.partners[:2]}
    return {
        "contact_talks": contacts,
        "steering_round": contacts | {w.coordinator_id},
        "moderation": {w.moderator_id},  # the world's only moderator (none assigned yet)
        "mayors": {p.mayor_id for p in w.partners[:2]},
    }[level]


def _fingerprint(w: World) -> tuple[Any, ...]:
    with w.app.db.read_engine.connect() as conn:
        return tuple(
            conn.execute(text(q)).all()
            for q in (
                "SELECT * FROM conflict ORDER BY id",
                "SELECT id, hash FROM conflict_record ORDER BY id",
                "SELECT id FROM outbox ORDER BY id",
            )
        )


# --- the ladder on its deadlines ---------------------------------------------------------


def test_a_conflict_walks_every_level_on_its_deadline(world: World) -> None:
    w = world
    deadlines = w.app.settings.conflict_deadline_days
    kid = raise_one(w)
    raised = mail(w, kid)
    assert told(raised) == {
        "conflict_raised": {p.contact_id for p in w.partners[:2]} | {w.coordinator_id}
    }
    for level, up in pairwise(LADDER):
        before = last_mail_id(w)
        # One day short of the deadline nothing moves ...
        w.clock.advance(days=deadlines[level] - 1)
        assert cf.escalate_overdue(w.app).escalated == []
        assert conflict(w, kid).level == level
        # ... on the deadline it goes up exactly one level and its people are told.
        w.clock.advance(days=1)
        sweep = cf.escalate_overdue(w.app)
        assert sweep.escalated == [{"conflict_id": kid, "from": level, "to": up}]
        row = conflict(w, kid)
        assert (row.level, row.status, row.level_entered_at) == (up, "open", w.clock())
        new = mail(w, kid, after=before)
        assert told(new) == {"conflict_escalated": expected_audience(w, up)}, up
        assert all(n.context["level"] == up for n in new)
        assert new[0].context["due_at"] == (w.clock() + timedelta(days=deadlines[up])).isoformat()
    # At the mayors' conference there is no level above: overdue is reported, nothing moves.
    w.clock.advance(days=deadlines["mayors"])
    before = last_mail_id(w)
    sweep = cf.escalate_overdue(w.app)
    assert (sweep.escalated, sweep.at_top) == ([], [kid])
    assert conflict(w, kid).level == "mayors"
    assert mail(w, kid, after=before) == []
    # Every step is in the conflict's audit trail, and every chain verifies.
    assert steps(w, kid) == [
        ("raise", None, "raised"),
        *(("escalate", a, b) for a, b in pairwise(LADDER)),
    ]
    trail = conflict_steps(w.app, kid)
    assert {r.actor_id for r in trail[1:]} == {w.coordinator_id}  # the sweep acts as coordinator
    checked, broken, why = verify_audit(w.app)
    assert broken is None, why
    assert checked == 1 + len(trail)  # the cooperation's opening and the conflict's steps


def test_one_level_per_pass_however_late(world: World) -> None:
    kid = raise_one(world)
    world.clock.advance(days=365)
    assert [e["to"] for e in cf.escalate_overdue(world.app).escalated] == ["contact_talks"]
    # The new level's deadline counts from now: a second pass right away does nothing.
    assert cf.escalate_overdue(world.app).escalated == []
    assert conflict(world, kid).level == "contact_talks"


def test_deadlines_come_from_the_settings(tmp_path: Path, sqlite_url: str) -> None:
    app = make_app(sqlite_url, tmp_path, conflict_deadline_days={"raised": 1})
    try:
        w = make_world(app)
        kid = raise_one(w)
        w.clock.advance(days=1)
        cf.escalate_overdue(app)
        assert conflict(w, kid).level == "contact_talks"
        # Levels left out keep their default (contact talks: 14 days).
        w.clock.advance(days=13)
        assert cf.escalate_overdue(app).escalated == []
    finally:
        app.close()


def test_ended_cooperations_are_left_alone(world: World) -> None:
    cid = open_coop(world)
    kid = raise_one(world, cid)
    go(world, cid, "end", reason="Partner steigt aus")
    world.clock.advance(days=100)
    assert cf.escalate_overdue(world.app).escalated == []
    assert conflict(world, kid).level == "raised"


def test_every_moderator_is_told_until_one_is_assigned(world: World) -> None:
    other = register_person(
        world.app,
        c.RegisterPerson(
            name="Mia Moderatorin",
            email="mia@example.org",
            roles=["moderator"],
            actor_id=world.coordinator_id,
        ),
    )
    kid = raise_one(world)
    escalate_to(world, kid, "steering_round")
    before = last_mail_id(world)
    escalate_to(world, kid, "moderation")
    assert told(mail(world, kid, after=before)) == {
        "conflict_escalated": {world.moderator_id, other.id}
    }


# --- resolution and closing --------------------------------------------------------------


@pytest.mark.parametrize("level", LADDER)
def test_resolution_at_any_level_stops_the_ladder(world: World, level: str) -> None:
    w = world
    kid = raise_one(w)
    escalate_to(w, kid, level)
    agreed = [p.contact_id for p in w.partners[:2]]
    before = last_mail_id(w)
    w.clock.advance(days=1)
    row = cf.resolve_conflict(
        w.app,
        c.ResolveConflict(
            conflict_id=kid,
            resolution="Kosten nach Einwohnerzahl",
            agreed_by=agreed,
            actor_id=w.coordinator_id,
        ),
    )
    assert (row.status, row.level, row.resolution, row.agreed_by, row.closed_at) == (
        "resolved",
        level,
        "Kosten nach Einwohnerzahl",
        agreed,
        w.clock(),
    )
    new = mail(w, kid, after=before)
    assert {n.kind for n in new} == {"conflict_resolved"}
    assert {n.recipient_id for n in new} >= {*agreed, w.coordinator_id}
    assert new[0].context["agreed_by"] == agreed
    last = conflict_steps(w.app, kid)[-1]
    assert (last.action, last.from_level, last.to_level, last.person_ids) == (
        "resolve",
        level,
        "resolved",
        agreed,
    )
    # Nothing moves it any more.
    w.clock.advance(days=365)
    assert cf.escalate_overdue(w.app).escalated == []
    with pytest.raises(InvalidInputError) as exc:
        cf.escalate_conflict(w.app, c.EscalateConflict(conflict_id=kid, actor_id=w.coordinator_id))
    assert exc.value.code == "conflict_not_open"
    assert verify_audit(w.app)[1] is None


def test_resolution_names_people_who_exist(world: World) -> None:
    kid = raise_one(world)
    before = _fingerprint(world)
    with pytest.raises(NotFoundError):
        cf.resolve_conflict(
            world.app,
            c.ResolveConflict(
                conflict_id=kid, resolution="x", agreed_by=[9999], actor_id=world.coordinator_id
            ),
        )
    assert _fingerprint(world) == before


def test_closing_unresolved_is_recorded(world: World) -> None:
    w = world
    kid = raise_one(w)
    escalate_to(w, kid, "mayors")
    cmd = c.CloseConflict(
        conflict_id=kid, reason="Keine Einigung möglich", actor_id=w.coordinator_id
    )
    before = _fingerprint(w)
    # Giving up is the coordinator's decision, not the moderator's.
    with pytest.raises(PolicyRefusedError):
        cf.close_conflict(w.app, cmd.model_copy(update={"actor_id": w.moderator_id}))
    assert _fingerprint(w) == before
    mails = last_mail_id(w)
    row = cf.close_conflict(w.app, cmd)
    assert (row.status, row.close_reason, row.resolution) == (
        "closed_unresolved",
        "Keine Einigung möglich",
        None,
    )
    assert steps(w, kid)[-1] == ("close_unresolved", "mayors", "closed_unresolved")
    assert conflict_steps(w.app, kid)[-1].note == "Keine Einigung möglich"
    new = mail(w, kid, after=mails)
    assert {n.kind for n in new} == {"conflict_closed"}
    assert {p.mayor_id for p in w.partners[:2]} | {w.coordinator_id} <= {
        n.recipient_id for n in new
    }
    assert new[0].context["reason"] == "Keine Einigung möglich"
    with pytest.raises(InvalidInputError) as exc:
        cf.close_conflict(w.app, cmd)
    assert exc.value.code == "conflict_not_open"
    assert verify_audit(w.app)[1] is None


# --- sessions ---------------------------------------------------------------------------


def _session(w: World, kid: int, **kw: Any) -> Conflict:
    data: dict[str, Any] = {
        "conflict_id": kid,
        "starts_at": w.clock() + timedelta(days=7),
        "duration_minutes": 120,
        "location": "Rathaus Jena, Raum 2",
        "actor_id": w.coordinator_id,
        **kw,
    }
    return schedule_conflict_session(w.app, c.ScheduleConflictSession(**data))


def test_sessions_only_for_moderation_and_the_mayors(world: World) -> None:
    kid = raise_one(world)
    escalate_to(world, kid, "steering_round")
    with pytest.raises(InvalidInputError) as exc:
        _session(world, kid)
    assert exc.value.code == "no_session_at_level"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({}, "moderator_required"),
        ({"moderator_id": "contact"}, "not_a_moderator"),
        ({"moderator_id": "mod", "starts_at": "past"}, "session_in_past"),
    ],
)
def test_moderation_session_input_is_checked(world: World, kw: dict[str, Any], code: str) -> None:
    kid = raise_one(world)
    escalate_to(world, kid, "moderation")
    ids = {"contact": world.partners[0].contact_id, "mod": world.moderator_id}
    kw = {k: ids.get(v, v) if k == "moderator_id" else v for k, v in kw.items()}
    if kw.get("starts_at") == "past":
        kw["starts_at"] = world.clock() - timedelta(hours=1)
    before = _fingerprint(world)
    with pytest.raises(InvalidInputError) as exc:
        _session(world, kid, **kw)
    assert exc.value.code == code
    assert _fingerprint(world) == before


def test_moderation_session_assigns_the_moderator_and_invites(world: World) -> None:
    w = world
    kid = raise_one(w)
    escalate_to(w, kid, "moderation")
    before = last_mail_id(w)
    row = _session(w, kid, moderator_id=w.moderator_id)
    assert (row.moderator_id, row.session_sequence) == (w.moderator_id, 0)
    invited = {p.contact_id for p in w.partners[:2]} | {w.coordinator_id, w.moderator_id}
    new = mail(w, kid, after=before)
    assert told(new) == {"conflict_session": invited}
    ctx = new[0].context
    assert ctx["starts_at"] == (w.clock() + timedelta(days=7)).isoformat()
    assert (ctx["duration_minutes"], ctx["location"], ctx["sequence"]) == (
        120,
        "Rathaus Jena, Raum 2",
        0,
    )
    assert ctx["uid"] == f"conflict-{kid}-moderation@ikz-flow"
    assert {a["id"] for a in ctx["attendees"]} == invited
    assert all("@" in a["email"] for a in ctx["attendees"])
    assert ctx["organizer"]["id"] == w.coordinator_id
    # The assigned moderator moves the session: same UID, higher sequence.
    before = last_mail_id(w)
    moved = _session(w, kid, actor_id=w.moderator_id, starts_at=w.clock() + timedelta(days=9))
    assert moved.session_sequence == 1
    again = mail(w, kid, after=before)
    assert {(n.context["uid"], n.context["sequence"]) for n in again} == {
        (f"conflict-{kid}-moderation@ikz-flow", 1)
    }
    assert [a for a, _, _ in steps(w, kid)][-2:] == ["schedule", "schedule"]
    assert conflict_steps(w.app, kid)[-1].person_ids == [w.moderator_id]


def test_mayors_conference_is_a_new_session(world: World) -> None:
    w = world
    kid = raise_one(w)
    escalate_to(w, kid, "moderation")
    _session(w, kid, moderator_id=w.moderator_id)
    escalate_to(w, kid, "mayors")
    row = conflict(w, kid)
    assert (row.session_starts_at, row.moderator_id) == (None, w.moderator_id)
    with pytest.raises(InvalidInputError) as exc:
        _session(w, kid, moderator_id=w.moderator_id)
    assert exc.value.code == "moderator_only_at_moderation"
    before = last_mail_id(w)
    _session(w, kid, location="Landratsamt")
    new = mail(w, kid, after=before)
    assert told(new) == {
        "conflict_session": {p.mayor_id for p in w.partners[:2]} | {w.coordinator_id}
    }
    assert new[0].context["uid"] == f"conflict-{kid}-mayors@ikz-flow"


# --- policy, gate, audit -------------------------------------------------------------------


def test_refused_steps_write_nothing(world: World) -> None:
    w = world
    kid = raise_one(w)
    before = _fingerprint(w)
    contact = w.partners[0].contact_id
    with pytest.raises(PolicyRefusedError):
        cf.escalate_conflict(w.app, c.EscalateConflict(conflict_id=kid, actor_id=contact))
    with pytest.raises(PolicyRefusedError):  # moderators act from the moderation level on
        cf.resolve_conflict(
            w.app, c.ResolveConflict(conflict_id=kid, resolution="x", actor_id=w.moderator_id)
        )
    assert _fingerprint(w) == before


@pytest.mark.parametrize(
    ("level", "blocked"),
    [(lv, lv in ("moderation", "mayors")) for lv in LADDER],
)
def test_start_pilot_gate_is_blocked_from_moderation_on(
    world: World, level: str, blocked: bool
) -> None:
    from tests.factories import satisfy_start_pilot

    cid = coop_in(world, "agreement")
    satisfy_start_pilot(world, cid)
    kid = raise_one(world, cid)
    escalate_to(world, kid, level)
    if not blocked:
        go(world, cid, "start_pilot")
        return
    with pytest.raises(GateRefusedError) as exc:
        go(world, cid, "start_pilot")
    assert {d.code for d in exc.value.details} == {"escalated_conflict_open"}
    # Overdue at the top it stays blocking until someone settles it.
    world.clock.advance(days=365)
    cf.escalate_overdue(world.app)
    with pytest.raises(GateRefusedError):
        go(world, cid, "start_pilot")
    # No moderator was assigned (the sweep escalated): the coordinator settles it.
    cf.resolve_conflict(
        world.app,
        c.ResolveConflict(conflict_id=kid, resolution="geeinigt", actor_id=world.coordinator_id),
    )
    go(world, cid, "start_pilot")


def test_tampered_conflict_step_is_found(world: World) -> None:
    kid = raise_one(world)
    escalate_to(world, kid, "steering_round")
    rid = conflict_steps(world.app, kid)[1].id
    with world.app.db.write() as s:
        s.execute(text("UPDATE conflict_record SET actor_id = NULL WHERE id = :id"), {"id": rid})
    checked, broken, why = verify_audit(world.app)
    assert isinstance(broken, ConflictRecord) and broken.id == rid
    assert "hash" in why
    assert checked == 1 + 1  # the cooperation's record and the conflict's first step


def test_a_step_lost_to_a_concurrent_one_is_reported(world: World) -> None:
    kid = raise_one(world)
    world.clock.advance(days=3)
    # Someone escalates by hand between the sweep's read and its write.
    overdue = cf.overdue_conflicts(world.app)
    assert [k for k, _, _ in overdue] == [kid]
    escalate_to(world, kid, "contact_talks")
    with world.app.db.write() as s, pytest.raises(StaleVersionError) as exc:
        cf._escalate_in(s, world.app, kid, world.coordinator_id, expected_level="raised")
    assert exc.value.code == "conflict_changed"
    assert conflict(world, kid).level == "contact_talks"


def test_escalate_raised_moves_a_new_conflict_once(world: World) -> None:
    from ikz.actions.conflicts import escalate_raised, raise_conflict
    from models import commands as cmds
    from tests.factories import open_coop

    cid = open_coop(world)
    conflict = raise_conflict(
        world.app,
        cmds.RaiseConflict(cooperation_id=cid, subject="Kosten", actor_id=world.coordinator_id),
    )
    moved, changed = escalate_raised(world.app, conflict.id or 0)
    assert changed and moved.level == "contact_talks"
    again, changed = escalate_raised(world.app, conflict.id or 0)
    assert not changed and again.level == "contact_talks"
