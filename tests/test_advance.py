"""advance(): gates, the non-gated edges, outbox, optimistic locking, idempotency, audit, policy.

Every refusal must write nothing; `footprint` compares row counts of every table and the
cooperation row before and after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, col, select

from ikz.actions.conflicts import escalate_conflict, raise_conflict
from ikz.actions.cooperations import open_cooperation
from ikz.actions.directory import register_person
from ikz.actions.facts import (
    record_agreement,
    record_benefit,
    record_communication,
    record_goal,
    record_meeting,
    record_staff,
)
from ikz.actions.lifecycle import AdvanceResult, advance
from ikz.actions.signoff import sign_off
from ikz.app import App
from ikz.views.audit import verify_audit
from ikz.views.cooperation import history, show
from models import commands as c
from models.audit import TransitionRecord
from models.cooperation import Cooperation, Partnership
from models.outbox import Notification
from models.registry import Person
from states.errors import (
    GateRefusedError,
    IdempotencyConflictError,
    IkzError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PolicyRefusedError,
    StaleVersionError,
)
from states.lifecycle import ACTIVE_STATES, EDGES, GATED_TRIGGERS, State, Trigger
from tests.factories import (
    FORWARD,
    SATISFY,
    World,
    acting_as,
    coop_in,
    mail_link,
    make_app,
    make_world,
    open_coop,
    satisfy_agree,
    satisfy_make_permanent,
    satisfy_start_pilot,
)

IKZ = str(Path(sys.executable).with_name("ikz"))

# What each gate reports for a cooperation of two partners on which nothing was recorded
# since the previous gate (one code per partner where the criterion is per partner).
UNMET_WHEN_NOTHING_DONE: dict[str, list[str]] = {
    "explore": ["informal_exchange_missing"],
    "agree": ["shared_goals_missing", "benefit_missing", "benefit_missing"],
    "start_pilot": [
        "mayor_signoff_missing",
        "mayor_signoff_missing",
        "staff_involvement_missing",
        "communication_missing",
        "agreement_missing",
    ],
    "evaluate": ["steering_round_missing", "pilot_min_duration"],
    "make_permanent": [
        "success_report_missing",
        "visible_success_missing",
        "benefit_not_confirmed",
        "benefit_not_confirmed",
        "legal_form_missing",
    ],
}

GATED_EDGES = [e for e in EDGES if e.trigger in GATED_TRIGGERS]


# --- helpers --------------------------------------------------------------------------


def adv(w: World, cid: int, trigger: str, actor: int | None = None, **kw: Any) -> AdvanceResult:
    return advance(
        w.app,
        c.Advance(
            cooperation_id=cid,
            trigger=Trigger(trigger),
            actor_id=actor or w.coordinator_id,
            **kw,
        ),
    )


def footprint(app: App, cid: int) -> tuple[dict[str, int], dict[str, Any]]:
    """Row counts of every table, and the cooperation's row."""
    with app.db.read() as s:
        counts = {
            t: int(s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one())
            for t in SQLModel.metadata.tables
        }
        coop = s.get(Cooperation, cid)
        assert coop is not None
        return counts, coop.model_dump()


def new_rows(app: App, model: type[Any], after_id: int) -> list[Any]:
    with app.db.read() as s:
        return list(s.exec(select(model).where(col(model.id) > after_id).order_by(model.id)))


def max_id(app: App, model: type[Any]) -> int:
    with app.db.read() as s:
        ids = list(s.exec(select(model.id)))
        return max(ids, default=0)


def count_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {t: after[t] - before[t] for t in before if after[t] != before[t]}


def expected_recipients(app: App, cid: int) -> set[int]:
    with app.db.read() as s:
        coop = s.get(Cooperation, cid)
        assert coop is not None and coop.coordinator_id is not None
        people = {coop.coordinator_id}
        for p in s.exec(select(Partnership).where(Partnership.cooperation_id == cid)):
            people |= {i for i in (p.mayor_id, p.contact_id) if i is not None}
    return people


def run_ikz(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IKZ_DATABASE_URL": url}
    return subprocess.run(
        [IKZ, "--lang", "en", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The standard world on SQLite and on PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    app = make_app(url, tmp_path)
    try:
        yield make_world(app)
    finally:
        app.close()


# --- gated forward triggers ------------------------------------------------------------


def test_the_table_covers_every_gated_trigger() -> None:
    assert {e.trigger.value for e in GATED_EDGES} == set(UNMET_WHEN_NOTHING_DONE)
    assert [e.trigger.value for e in GATED_EDGES] == FORWARD
    assert set(SATISFY) == set(UNMET_WHEN_NOTHING_DONE)


@pytest.mark.parametrize("edge", GATED_EDGES, ids=lambda e: e.trigger.value)
def test_gated_trigger_applies_when_the_gate_holds(world: World, edge: Any) -> None:
    cid = coop_in(world, edge.source.value)
    SATISFY[edge.trigger.value](world, cid)
    before, coop_before = footprint(world.app, cid)
    res = adv(world, cid, edge.trigger.value, reason="weiter")
    after, coop_after = footprint(world.app, cid)
    assert (res.from_state, res.to_state) == (edge.source.value, edge.dest.value)
    assert res.version == coop_before["version"] + 1 and not res.replayed
    assert coop_after["state"] == edge.dest.value
    assert coop_after["version"] == coop_before["version"] + 1
    assert coop_after["state_entered_at"] == world.clock()
    # One audit record; one notification for each of 2 mayors, 2 contacts, 1 coordinator.
    # The five share one stored context. One Prefect event in the event outbox.
    assert count_delta(before, after) == {
        "transition_record": 1,
        "outbox": 5,
        "outbox_context": 1,
        "event_outbox": 1,
    }
    rec = history(world.app, cid)[-1]
    assert (rec["id"], rec["trigger"], rec["reason"]) == (
        res.record_id,
        edge.trigger.value,
        "weiter",
    )
    assert (rec["from_state"], rec["to_state"]) == (edge.source.value, edge.dest.value)
    assert rec["actor_id"] == world.coordinator_id
    assert verify_audit(world.app)[1] is None


@pytest.mark.parametrize("edge", GATED_EDGES, ids=lambda e: e.trigger.value)
def test_gated_trigger_is_refused_with_the_unmet_criteria_and_writes_nothing(
    world: World, edge: Any
) -> None:
    cid = coop_in(world, edge.source.value)
    calls: list[str] = []
    world.app.after_commit.append(lambda event, _payload: calls.append(event))
    before = footprint(world.app, cid)
    with pytest.raises(GateRefusedError) as err:
        adv(world, cid, edge.trigger.value, reason="zu früh")
    assert footprint(world.app, cid) == before
    assert calls == []
    exc = err.value
    assert exc.code == "gate_refused" and exc.exit_code == 5
    assert Counter(d.code for d in exc.details) == Counter(
        UNMET_WHEN_NOTHING_DONE[edge.trigger.value]
    )
    for d in exc.details:
        assert d.de and d.en and d.de != d.en
        assert f"[{d.code}]" in exc.text("en")
    # The view shows the same "why not" as the refusal.
    gate = next(g for g in show(world.app, cid)["gates"] if g["trigger"] == edge.trigger.value)
    assert not gate["ready"]
    assert Counter(u["code"] for u in gate["unmet"]) == Counter(d.code for d in exc.details)


def _only_first_benefit(w: World, cid: int) -> None:
    record_goal(w.app, c.RecordGoal(cooperation_id=cid, text="Ziel", actor_id=w.coordinator_id))
    p = w.partners[0]
    record_benefit(
        w.app,
        c.RecordBenefit(
            cooperation_id=cid,
            municipality_id=p.municipality_id,
            text="spart",
            actor_id=p.mayor_id,
        ),
    )


def _pilot_without_second_signoff(w: World, cid: int) -> None:
    satisfy_start_pilot(w, cid, n=1)


def _pilot_with_moderated_conflict(w: World, cid: int) -> None:
    satisfy_start_pilot(w, cid)
    conflict = raise_conflict(
        w.app,
        c.RaiseConflict(cooperation_id=cid, subject="Standort", actor_id=w.partners[1].contact_id),
    )
    assert conflict.id is not None
    for _ in range(3):  # raised -> contact_talks -> steering_round -> moderation
        escalate_conflict(
            w.app, c.EscalateConflict(conflict_id=conflict.id, actor_id=w.coordinator_id)
        )


def _pilot_too_short(w: World, cid: int) -> None:
    record_meeting(
        w.app,
        c.RecordMeeting(
            cooperation_id=cid,
            kind="steering_round",
            held_on=w.clock().date(),
            actor_id=w.coordinator_id,
        ),
    )
    w.clock.advance(days=w.app.settings.pilot_min_days - 1)


def _permanent_without_legal_form(w: World, cid: int) -> None:
    satisfy_make_permanent(w, cid)
    with w.app.db.write() as s:
        s.execute(text("UPDATE cooperation SET legal_form = NULL WHERE id = :id"), {"id": cid})


PARTIAL = [
    ("agree", "exploration", _only_first_benefit, ["benefit_missing"]),
    ("start_pilot", "agreement", _pilot_without_second_signoff, ["mayor_signoff_missing"]),
    ("start_pilot", "agreement", _pilot_with_moderated_conflict, ["escalated_conflict_open"]),
    ("evaluate", "pilot", _pilot_too_short, ["pilot_min_duration"]),
    ("make_permanent", "evaluation", _permanent_without_legal_form, ["legal_form_missing"]),
]


@pytest.mark.parametrize(
    ("trigger", "state", "setup", "codes"), PARTIAL, ids=[p[2].__name__ for p in PARTIAL]
)
def test_gate_names_exactly_what_is_still_missing(
    world: World, trigger: str, state: str, setup: Any, codes: list[str]
) -> None:
    cid = coop_in(world, state)
    setup(world, cid)
    before = footprint(world.app, cid)
    with pytest.raises(GateRefusedError) as err:
        adv(world, cid, trigger)
    assert [d.code for d in err.value.details] == codes
    assert footprint(world.app, cid) == before


def test_missing_benefit_names_the_partner(world: World) -> None:
    cid = coop_in(world, "exploration")
    _only_first_benefit(world, cid)
    with pytest.raises(GateRefusedError) as err:
        adv(world, cid, "agree")
    assert err.value.details[0].de.startswith("Weimar:")


@pytest.mark.parametrize(
    ("partners", "codes"),
    [
        ([0], ["min_two_partners"]),
        ([0, 1, "no-contact"], ["contact_person_missing"]),
    ],
)
def test_explore_gate_on_the_partners(world: World, partners: list[Any], codes: list[str]) -> None:
    inputs = []
    for i in partners:
        if i == "no-contact":
            p = world.partners[2]
            inputs.append(c.PartnerInput(municipality_id=p.municipality_id, mayor_id=p.mayor_id))
        else:
            p = world.partners[i]
            inputs.append(
                c.PartnerInput(
                    municipality_id=p.municipality_id, mayor_id=p.mayor_id, contact_id=p.contact_id
                )
            )
    coop = open_cooperation(
        world.app,
        c.OpenCooperation(
            title="Standesamt",
            field_of_work="Standesamt",
            partners=inputs,
            actor_id=world.coordinator_id,
        ),
    )
    assert coop.id is not None
    SATISFY["explore"](world, coop.id)
    before = footprint(world.app, coop.id)
    with pytest.raises(GateRefusedError) as err:
        adv(world, coop.id, "explore")
    assert [d.code for d in err.value.details] == codes
    assert footprint(world.app, coop.id) == before


def test_override_pilot_min_duration_needs_a_reason_and_is_audited(world: World) -> None:
    cid = coop_in(world, "pilot")
    _pilot_too_short(world, cid)
    before = footprint(world.app, cid)
    with pytest.raises(InvalidInputError) as err:
        adv(world, cid, "evaluate", overrides=["pilot_min_duration"])
    assert err.value.code == "override_needs_reason"
    with pytest.raises(InvalidInputError) as err:
        adv(world, cid, "evaluate", overrides=["steering_round_missing"], reason="egal")
    assert err.value.code == "override_not_allowed"
    assert footprint(world.app, cid) == before
    res = adv(world, cid, "evaluate", overrides=["pilot_min_duration"], reason="Saisonende")
    assert res.to_state == "evaluation"
    assert history(world.app, cid)[-1]["reason"] == "Saisonende [übersteuert: pilot_min_duration]"


def test_override_does_not_skip_other_criteria(world: World) -> None:
    cid = coop_in(world, "pilot")
    with pytest.raises(GateRefusedError) as err:
        adv(world, cid, "evaluate", overrides=["pilot_min_duration"], reason="Saisonende")
    assert [d.code for d in err.value.details] == ["steering_round_missing"]


# --- non-gated edges --------------------------------------------------------------------


@pytest.mark.parametrize("state", [s.value for s in ACTIVE_STATES])
def test_pause_and_resume_return_to_where_it_left(world: World, state: str) -> None:
    cid = coop_in(world, state)
    v = show(world.app, cid)["version"]
    world.clock.advance(days=3)
    res = adv(world, cid, "pause", reason="Haushaltssperre")
    assert (res.from_state, res.to_state, res.version) == (state, "paused", v + 1)
    view = show(world.app, cid)
    assert (view["state"], view["paused_from"]) == ("paused", state)
    assert [g["trigger"] for g in view["gates"]] == ["resume", "end"]
    with pytest.raises(InvalidTransitionError):
        adv(world, cid, "pause")
    world.clock.advance(days=3)
    res = adv(world, cid, "resume")
    assert (res.from_state, res.to_state, res.version) == ("paused", state, v + 2)
    _, row = footprint(world.app, cid)
    assert (row["state"], row["paused_from"], row["state_entered_at"]) == (
        state,
        None,
        world.clock(),
    )
    assert [h["trigger"] for h in history(world.app, cid)][-2:] == ["pause", "resume"]


def test_resume_is_only_possible_when_paused(world: World) -> None:
    cid = open_coop(world)
    before = footprint(world.app, cid)
    with pytest.raises(InvalidTransitionError) as err:
        adv(world, cid, "resume")
    assert err.value.code == "transition_not_allowed"
    assert footprint(world.app, cid) == before


@pytest.mark.parametrize("state", [*[s.value for s in ACTIVE_STATES], "paused"])
def test_end_needs_a_reason_and_keeps_the_lessons(world: World, state: str) -> None:
    cid = coop_in(world, "agreement" if state == "paused" else state)
    if state == "paused":
        adv(world, cid, "pause")
    before = footprint(world.app, cid)
    with pytest.raises(InvalidInputError) as err:
        adv(world, cid, "end", lessons_learned="nichts")
    assert err.value.code == "end_needs_reason"
    assert footprint(world.app, cid) == before
    res = adv(world, cid, "end", reason="Kein Nutzen für Weimar", lessons_learned="früher reden")
    assert (res.from_state, res.to_state) == (state, "ended")
    last = history(world.app, cid)[-1]
    assert (last["reason"], last["lessons_learned"]) == ("Kein Nutzen für Weimar", "früher reden")
    assert show(world.app, cid)["gates"] == []
    # An ended cooperation is closed for changes.
    with pytest.raises(InvalidTransitionError):
        adv(world, cid, "resume")
    with pytest.raises(IkzError) as err2:
        record_goal(
            world.app, c.RecordGoal(cooperation_id=cid, text="x", actor_id=world.coordinator_id)
        )
    assert err2.value.code == "cooperation_ended"


def test_rework_goes_back_to_agreement_and_the_pilot_restarts(world: World) -> None:
    cid = coop_in(world, "pilot")
    first_start = footprint(world.app, cid)[1]["pilot_started_at"]
    world.clock.advance(days=10)
    res = adv(world, cid, "rework", reason="Kostenschlüssel ändern")
    assert (res.from_state, res.to_state) == ("pilot", "agreement")
    # Sign-offs, staff involvement etc. are kept, so the pilot can start again at once.
    res = adv(world, cid, "start_pilot")
    assert res.to_state == "pilot"
    row = footprint(world.app, cid)[1]
    assert row["pilot_started_at"] == world.clock() != first_start
    assert row["version"] == 6


def test_extend_pilot_goes_back_to_pilot(world: World) -> None:
    cid = coop_in(world, "evaluation")
    res = adv(world, cid, "extend_pilot", reason="mehr Daten")
    assert (res.from_state, res.to_state) == ("evaluation", "pilot")
    # The pilot keeps its start date: evaluating again needs no new waiting time.
    assert adv(world, cid, "evaluate").to_state == "evaluation"


def test_a_follow_up_failing_half_way_writes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transition runs on a Core transaction and the follow-up's rows through an ORM
    session joined to it: a failure after the child was flushed takes back everything."""
    from ikz.actions import lifecycle

    cid = coop_in(world, "permanent")
    before = footprint(world.app, cid)
    real = lifecycle.enqueue

    def failing(target: Any, **kw: Any) -> list[int]:
        if kw["kind"] == "cooperation_opened":
            raise RuntimeError("disk full")
        return real(target, **kw)

    monkeypatch.setattr(lifecycle, "enqueue", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        adv(world, cid, "spawn_follow_up", follow_up_title="Digitalstrategie")
    assert footprint(world.app, cid) == before
    monkeypatch.setattr(lifecycle, "enqueue", real)
    assert adv(world, cid, "spawn_follow_up", follow_up_title="Digitalstrategie").follow_up_id


def test_spawn_follow_up_creates_a_linked_child(world: World) -> None:
    cid = coop_in(world, "permanent")
    before_counts, parent_before = footprint(world.app, cid)
    with pytest.raises(InvalidInputError) as err:
        adv(world, cid, "spawn_follow_up")
    assert err.value.code == "follow_up_title_missing"
    assert footprint(world.app, cid) == (before_counts, parent_before)
    res = adv(world, cid, "spawn_follow_up", follow_up_title="Digitalstrategie")
    assert res.follow_up_id is not None and res.follow_up_id != cid
    assert (res.from_state, res.to_state) == ("permanent", "permanent")
    after_counts, parent = footprint(world.app, cid)
    assert parent["state"] == "permanent"
    assert parent["version"] == parent_before["version"] + 1
    # Parent: 1 record, 5 notifications, no event (it stays permanent); child: 1 row,
    # 2 partners, 1 record, 5 notifications, its event of entering informal_contact;
    # the child and its partners on the child's fact chain.
    assert count_delta(before_counts, after_counts) == {
        "cooperation": 1,
        "partnership": 2,
        "fact_record": 3,
        "transition_record": 2,
        "outbox": 10,
        "outbox_context": 2,
        "event_outbox": 1,
    }
    child = show(world.app, res.follow_up_id)
    assert child["state"] == "informal_contact" and child["version"] == 1
    assert child["parent_id"] == cid
    assert child["title"] == "Digitalstrategie"
    assert child["field_of_work"] == "Bauhof"
    assert [(p["municipality_id"], p["mayor_id"], p["contact_id"]) for p in child["partners"]] == [
        (p.municipality_id, p.mayor_id, p.contact_id) for p in world.partners[:2]
    ]
    # Benefits belong to the parent's work; the follow-up starts from scratch.
    assert all(p["stated_benefit"] is None for p in child["partners"])
    child_history = history(world.app, res.follow_up_id)
    assert [(h["seq"], h["trigger"], h["to_state"]) for h in child_history] == [
        (1, "open", "informal_contact")
    ]
    assert history(world.app, cid)[-1]["trigger"] == "spawn_follow_up"
    assert verify_audit(world.app)[1] is None
    # The child walks its own lifecycle.
    SATISFY["explore"](world, res.follow_up_id)
    assert adv(world, res.follow_up_id, "explore").to_state == "exploration"
    # And a permanent cooperation can spawn more than one follow-up.
    again = adv(world, cid, "spawn_follow_up", follow_up_title="Gemeinsame IT")
    assert again.follow_up_id not in (None, res.follow_up_id)


def _coop_in_any(w: World, state: str) -> int:
    if state == "paused":
        cid = open_coop(w)
        adv(w, cid, "pause")
        return cid
    if state == "ended":
        cid = open_coop(w)
        adv(w, cid, "end", reason="aus")
        return cid
    return coop_in(w, state)


@pytest.mark.parametrize("state", [s.value for s in State])
def test_triggers_without_an_edge_are_refused(world: World, state: str) -> None:
    cid = _coop_in_any(world, state)
    allowed = {e.trigger for e in EDGES if e.source.value == state}
    before = footprint(world.app, cid)
    for trig in Trigger:
        if trig in allowed:
            continue
        with pytest.raises(InvalidTransitionError):
            adv(world, cid, trig.value, reason="x", follow_up_title="x")
    assert footprint(world.app, cid) == before


# --- outbox ---------------------------------------------------------------------------


def test_each_transition_notifies_every_person_once_in_their_language(world: World) -> None:
    app = world.app
    a, b = world.partners[0], world.partners[1]

    def person(name: str, email: str, muni: int, roles: list[str]) -> int:
        p = register_person(
            app,
            c.RegisterPerson(
                name=name,
                email=email,
                municipality_id=muni,
                roles=roles,  # type: ignore[arg-type]
                language="en",
                actor_id=world.coordinator_id,
            ),
        )
        assert p.id is not None
        return p.id

    en_contact = person("Erin Contact", "erin@example.org", a.municipality_id, ["contact"])
    # Mayor and contact person at once: must get one mail, not two.
    dual = person("Dana Dual", "dana@example.org", b.municipality_id, ["contact", "mayor"])
    coop = open_cooperation(
        app,
        c.OpenCooperation(
            title="Gemeinsamer Bauhof",
            field_of_work="Bauhof",
            partners=[
                c.PartnerInput(
                    municipality_id=a.municipality_id, mayor_id=a.mayor_id, contact_id=en_contact
                ),
                c.PartnerInput(municipality_id=b.municipality_id, mayor_id=dual, contact_id=dual),
            ],
            actor_id=world.coordinator_id,
        ),
    )
    cid = coop.id
    assert cid is not None
    expected = {
        world.coordinator_id: "de",
        a.mayor_id: "de",
        en_contact: "en",
        dual: "en",
    }
    assert expected_recipients(app, cid) == set(expected)

    sign_off_by = {a.municipality_id: a.mayor_id, b.municipality_id: dual}

    def satisfy_pilot() -> None:
        record_agreement(
            app,
            c.RecordAgreement(
                cooperation_id=cid, kind="letter_of_intent", actor_id=world.coordinator_id
            ),
        )
        record_staff(
            app,
            c.RecordStaff(
                cooperation_id=cid,
                description="Workshop",
                involved_on=world.clock().date(),
                actor_id=world.coordinator_id,
            ),
        )
        record_communication(
            app,
            c.RecordCommunication(
                cooperation_id=cid, kind="press_release", actor_id=world.coordinator_id
            ),
        )
        for muni, mayor in sign_off_by.items():
            with acting_as(app, mail_link(mayor)):
                sign_off(
                    app, c.SignOffGate(cooperation_id=cid, municipality_id=muni, actor_id=mayor)
                )

    steps: list[tuple[str, dict[str, Any]]] = [
        ("explore", {}),
        ("agree", {}),
        ("start_pilot", {}),
        ("rework", {}),
        ("start_pilot", {}),
        ("evaluate", {}),
        ("extend_pilot", {}),
        ("evaluate", {}),
        ("pause", {"reason": "Wahl"}),
        ("resume", {}),
        ("make_permanent", {}),
        ("spawn_follow_up", {"follow_up_title": "IT"}),
        ("end", {"reason": "aufgelöst"}),
    ]
    done: set[str] = set()
    for trig, kw in steps:
        if trig == "start_pilot" and trig not in done:
            satisfy_pilot()
        elif trig in SATISFY and trig not in done:
            SATISFY[trig](world, cid)
        done.add(trig)
        last = max_id(app, Notification)
        res = adv(world, cid, trig, **kw)
        rows = [r for r in new_rows(app, Notification, last) if r.kind == "transition"]
        assert Counter(r.recipient_id for r in rows) == Counter(set(expected)), trig
        assert {r.recipient_id: r.language for r in rows} == expected, trig
        seq = history(app, cid)[-1]["seq"]
        for r in rows:
            assert r.status == "pending" and r.attempts == 0
            assert r.dedupe_key == f"transition:{cid}:{seq}:{r.recipient_id}"
            assert r.context["cooperation_id"] == cid
            assert (r.context["trigger"], r.context["from_state"], r.context["to_state"]) == (
                trig,
                res.from_state,
                res.to_state,
            )
        if trig == "spawn_follow_up":
            opened = [r for r in new_rows(app, Notification, last) if r.kind != "transition"]
            assert {r.kind for r in opened} == {"cooperation_opened"}
            assert {r.recipient_id: r.language for r in opened} == expected
            assert all(r.context["parent_id"] == cid for r in opened)
    assert show(app, cid)["state"] == "ended"


def test_a_person_without_contact_or_mayor_is_not_notified(world: World) -> None:
    p = world.partners[0]
    q = world.partners[1]
    coop = open_cooperation(
        world.app,
        c.OpenCooperation(
            title="Tourismus",
            field_of_work="Tourismus",
            partners=[
                c.PartnerInput(municipality_id=p.municipality_id, contact_id=p.contact_id),
                c.PartnerInput(municipality_id=q.municipality_id, contact_id=q.contact_id),
            ],
            actor_id=world.coordinator_id,
        ),
    )
    assert coop.id is not None
    last = max_id(world.app, Notification)
    adv(world, coop.id, "pause")
    rows = new_rows(world.app, Notification, last)
    assert sorted(r.recipient_id for r in rows) == sorted(
        [world.coordinator_id, p.contact_id, q.contact_id]
    )


# --- optimistic locking -----------------------------------------------------------------


def test_stale_expected_version_is_refused_and_writes_nothing(any_world: World) -> None:
    w = any_world
    cid = open_coop(w)
    SATISFY["explore"](w, cid)
    before = footprint(w.app, cid)
    for wrong in (2, 7):
        with pytest.raises(StaleVersionError) as err:
            adv(w, cid, "explore", expected_version=wrong)
        assert err.value.code == "stale_version" and err.value.exit_code == 6
        assert f"expected version {wrong}, now 1" in err.value.en
        assert footprint(w.app, cid) == before
    res = adv(w, cid, "explore", expected_version=1)
    assert res.version == 2
    satisfy_agree(w, cid)
    before = footprint(w.app, cid)
    with pytest.raises(StaleVersionError):
        adv(w, cid, "agree", expected_version=1)
    assert footprint(w.app, cid) == before
    assert adv(w, cid, "agree", expected_version=2).version == 3


def test_stale_version_wins_over_the_gate(world: World) -> None:
    """A caller with an old view learns first that the view is old, not why the gate fails."""
    cid = open_coop(world)
    adv(world, cid, "pause")
    with pytest.raises(StaleVersionError):
        adv(world, cid, "explore", expected_version=1)


# --- idempotency ------------------------------------------------------------------------


def test_same_idempotency_key_replays_without_writing(any_world: World) -> None:
    w = any_world
    cid = open_coop(w)
    SATISFY["explore"](w, cid)
    calls: list[dict[str, Any]] = []
    w.app.after_commit.append(lambda _e, payload: calls.append(payload))
    first = adv(w, cid, "explore", idempotency_key="req-1", expected_version=1)
    assert not first.replayed
    assert len(calls) == 1
    before = footprint(w.app, cid)
    # The retry carries the same (now stale) expected version: it must still replay.
    again = adv(w, cid, "explore", idempotency_key="req-1", expected_version=1)
    assert again.replayed
    assert again.record_id == first.record_id
    assert (again.from_state, again.to_state, again.version) == (
        first.from_state,
        first.to_state,
        first.version,
    )
    assert footprint(w.app, cid) == before
    assert len(calls) == 1  # no second event for a replay


def test_idempotency_key_reused_for_another_action_is_refused(any_world: World) -> None:
    w = any_world
    cid = open_coop(w)
    other = open_coop(w, title="Gemeinsame IT")
    SATISFY["explore"](w, cid)
    SATISFY["explore"](w, other)
    adv(w, cid, "explore", idempotency_key="req-2")
    before = footprint(w.app, cid), footprint(w.app, other)
    with pytest.raises(IdempotencyConflictError) as err:
        adv(w, cid, "pause", idempotency_key="req-2")
    assert err.value.code == "idempotency_key_reused" and err.value.exit_code == 8
    with pytest.raises(IdempotencyConflictError):
        adv(w, other, "explore", idempotency_key="req-2")
    assert (footprint(w.app, cid), footprint(w.app, other)) == before


def test_a_refused_attempt_does_not_use_up_its_key(world: World) -> None:
    cid = open_coop(world)
    with pytest.raises(GateRefusedError):
        adv(world, cid, "explore", idempotency_key="req-3")
    SATISFY["explore"](world, cid)
    res = adv(world, cid, "explore", idempotency_key="req-3")
    assert not res.replayed and res.to_state == "exploration"


# --- audit ----------------------------------------------------------------------------


def _walk_two(w: World) -> tuple[int, int]:
    first = coop_in(w, "agreement")  # records: open, explore, agree
    second = coop_in(w, "exploration")  # records: open, explore
    return first, second


def _record_id(app: App, cid: int, seq: int) -> int:
    with app.db.read() as s:
        rec = s.exec(
            select(TransitionRecord).where(
                TransitionRecord.cooperation_id == cid, TransitionRecord.seq == seq
            )
        ).one()
        assert rec.id is not None
        return rec.id


def test_tampered_reason_is_found(any_world: World) -> None:
    w = any_world
    first, _ = _walk_two(w)
    assert verify_audit(w.app) == (5, None, "")
    rid = _record_id(w.app, first, 2)
    with w.app.db.write() as s:
        s.execute(
            text("UPDATE transition_record SET reason = 'niemand war dagegen' WHERE id = :id"),
            {"id": rid},
        )
    checked, broken, why = verify_audit(w.app)
    assert broken is not None and broken.id == rid
    assert checked == 1
    assert "hash" in why


def test_rehashed_tampering_breaks_the_link_to_the_next_record(world: World) -> None:
    from models.audit import record_hash

    first, _ = _walk_two(world)
    rid = _record_id(world.app, first, 2)
    with world.app.db.write() as s:
        rec = s.get(TransitionRecord, rid)
        assert rec is not None
        rec.reason = "umgeschrieben"
        rec.hash = record_hash(rec)
        s.add(rec)
    _, broken, why = verify_audit(world.app)
    assert broken is not None and broken.id == _record_id(world.app, first, 3)
    assert "prev_hash" in why


def test_deleted_record_is_found(world: World) -> None:
    first, _ = _walk_two(world)
    rid = _record_id(world.app, first, 2)
    with world.app.db.write() as s:
        s.execute(text("DELETE FROM transition_record WHERE id = :id"), {"id": rid})
    _, broken, why = verify_audit(world.app)
    assert broken is not None and broken.seq == 3
    assert why == "seq 3, expected 2"


def test_cli_audit_verify_names_the_tampered_record(world: World, sqlite_url: str) -> None:
    first, _ = _walk_two(world)
    ok = run_ikz(sqlite_url, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "5 records checked" in ok.stdout
    rid = _record_id(world.app, first, 3)
    with world.app.db.write() as s:
        s.execute(text("UPDATE transition_record SET reason = 'x' WHERE id = :id"), {"id": rid})
    bad = run_ikz(sqlite_url, "audit", "verify")
    assert bad.returncode != 0
    assert f"record {rid} " in bad.stderr
    assert f"cooperation {first}" in bad.stderr
    assert "Traceback" not in bad.stderr


# --- policy -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mayor", "contact", "staff", "moderator"])
def test_only_coordinators_advance(world: World, who: str) -> None:
    cid = open_coop(world)
    SATISFY["explore"](world, cid)
    p = world.partners[0]
    actor = {
        "mayor": p.mayor_id,
        "contact": p.contact_id,
        "staff": p.staff_id,
        "moderator": world.moderator_id,
    }[who]
    before = footprint(world.app, cid)
    with pytest.raises(PolicyRefusedError) as err:
        adv(world, cid, "explore", actor=actor, idempotency_key=f"by-{who}")
    assert err.value.code == "policy.advance_coordinator_only"
    assert err.value.exit_code == 7
    assert footprint(world.app, cid) == before
    # The refused key was not stored: the coordinator may use it.
    assert not adv(world, cid, "explore", idempotency_key=f"by-{who}").replayed


def test_unknown_actor_or_cooperation(world: World) -> None:
    cid = open_coop(world)
    before = footprint(world.app, cid)
    with pytest.raises(NotFoundError) as err:
        adv(world, cid, "pause", actor=9999)
    assert err.value.code == "person_not_found"
    with pytest.raises(NotFoundError) as err:
        adv(world, 9999, "pause")
    assert err.value.code == "cooperation_not_found"
    assert footprint(world.app, cid) == before


# --- PostgreSQL -------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_smoke_walk_to_permanent_and_spawn(pg_url: str, tmp_path: Path) -> None:
    app = make_app(pg_url, tmp_path)
    try:
        w = make_world(app)
        cid = open_coop(w)
        for trig in FORWARD:
            SATISFY[trig](w, cid)
            v = show(app, cid)["version"]
            res = adv(w, cid, trig, expected_version=v, idempotency_key=f"pg-{trig}")
            assert res.version == v + 1
            assert adv(w, cid, trig, idempotency_key=f"pg-{trig}").replayed
        assert show(app, cid)["state"] == "permanent"
        res = adv(w, cid, "spawn_follow_up", follow_up_title="Digitalstrategie")
        assert res.follow_up_id is not None
        child = show(app, res.follow_up_id)
        assert (child["state"], child["parent_id"]) == ("informal_contact", cid)
        assert len(child["partners"]) == 2
        assert [h["trigger"] for h in history(app, cid)] == ["open", *FORWARD, "spawn_follow_up"]
        assert verify_audit(app) == (8, None, "")
        # Datetimes survive the round trip (the hash covers them to the microsecond).
        with app.db.read() as s:
            at = s.exec(select(TransitionRecord.at).limit(1)).one()
        assert at.utcoffset() is not None
        with app.db.read() as s:
            langs = set(s.exec(select(Person.language)))
        assert langs == {"de"}
    finally:
        app.close()
    proc = run_ikz(pg_url, "audit", "verify")
    assert proc.returncode == 0, proc.stderr
    assert "8 records checked" in proc.stdout
