"""Random walks through the lifecycle on a real database, checked against a model.

The model is the transition table written out independently of states.lifecycle, plus
the counts that the audit trail must agree with: every applied trigger is exactly one
version bump and one hash-chained audit record; every refused attempt changes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from ikz.actions.conflicts import escalate_conflict, raise_conflict, resolve_conflict
from ikz.actions.cooperations import choose_legal_form
from ikz.actions.facts import (
    record_benefit,
    record_communication,
    record_decision,
    record_goal,
    record_meeting,
    record_report,
    record_staff,
    record_success,
)
from ikz.actions.lifecycle import advance
from ikz.views.audit import verify_audit
from ikz.views.cooperation import history, show
from models import commands as c
from states.errors import (
    GateRefusedError,
    IkzError,
    InvalidInputError,
    InvalidTransitionError,
    PolicyRefusedError,
    StaleVersionError,
)
from states.lifecycle import State, Trigger
from tests.factories import SATISFY, World, go, make_app, make_world, open_coop

S = State
T = Trigger
ACTIVE = [S.INFORMAL_CONTACT, S.EXPLORATION, S.AGREEMENT, S.PILOT, S.EVALUATION, S.PERMANENT]
MODEL_TABLE: dict[tuple[State, Trigger], State] = {
    (S.INFORMAL_CONTACT, T.EXPLORE): S.EXPLORATION,
    (S.EXPLORATION, T.AGREE): S.AGREEMENT,
    (S.AGREEMENT, T.START_PILOT): S.PILOT,
    (S.PILOT, T.EVALUATE): S.EVALUATION,
    (S.EVALUATION, T.MAKE_PERMANENT): S.PERMANENT,
    (S.PILOT, T.REWORK): S.AGREEMENT,
    (S.EVALUATION, T.EXTEND_PILOT): S.PILOT,
    (S.PERMANENT, T.SPAWN_FOLLOW_UP): S.PERMANENT,
    **{(s, T.PAUSE): S.PAUSED for s in ACTIVE},
    **{(s, T.END): S.ENDED for s in [*ACTIVE, S.PAUSED]},
}
GATED = {T.EXPLORE, T.AGREE, T.START_PILOT, T.EVALUATE, T.MAKE_PERMANENT}
ESCALATED = {"moderation", "mayors"}
LEVELS = ["raised", "contact_talks", "steering_round", "moderation", "mayors"]


# State, version, this chain's length and head, and the totals of audit records and
# queued notifications (a spawned follow-up or a stray email would show there).
FINGERPRINT = text(
    """
    SELECT c.state, c.version, c.paused_from,
        (SELECT count(*) FROM transition_record t WHERE t.cooperation_id = c.id),
        (SELECT t.hash FROM transition_record t WHERE t.cooperation_id = c.id
            ORDER BY t.seq DESC LIMIT 1),
        (SELECT count(*) FROM transition_record),
        (SELECT count(*) FROM outbox)
    FROM cooperation c WHERE c.id = :cid
    """
)


def model_next(state: State, trigger: Trigger, paused_from: State | None) -> State | None:
    if trigger is T.RESUME:
        return paused_from if state is S.PAUSED else None
    return MODEL_TABLE.get((state, trigger))


class LifecycleMachine(RuleBasedStateMachine):
    """One fresh cooperation per example, on an app shared by the examples of one run."""

    world: World  # set by the test before the machine runs

    def __init__(self) -> None:
        super().__init__()
        self.w = self.world
        self.app = self.w.app
        self.cid = open_coop(self.w)
        self.state: State = S.INFORMAL_CONTACT
        self.paused_from: State | None = None
        self.applied: list[tuple[str, str, str]] = []  # (trigger, from, to)
        self.spawned = 0
        self.open_conflicts: dict[int, str] = {}  # id -> level
        # Records of earlier examples' cooperations: verify_audit checks every chain.
        checked, broken, _ = verify_audit(self.app)
        assert broken is None
        self.other_records = checked - 1
        self.audited = 0  # length of this chain when verify_audit last ran
        self.conflict_steps = 0  # records on this example's conflict chains

    # -- helpers ---------------------------------------------------------------------

    def fingerprint(self) -> tuple[Any, ...]:
        """Everything a refused attempt must leave alone, in one cheap query."""
        with self.app.db.read_engine.connect() as conn:
            row = conn.execute(FINGERPRINT, {"cid": self.cid}).one()
        return tuple(row)

    def unchanged(self, before: tuple[Any, ...]) -> None:
        assert self.fingerprint() == before

    @property
    def p0(self) -> Any:
        return self.w.partners[0]

    def _satisfy(self, trigger: Trigger) -> bool:
        """Fulfil the gate as the factories do; False if the cooperation refuses records."""
        try:
            SATISFY[trigger.value](self.w, self.cid)
        except IkzError as exc:
            if exc.code == "cooperation_ended":
                assert self.state is S.ENDED
                return False
            # Sign-offs are once per gate and partner: the earlier ones still count.
            assert exc.code == "duplicate", exc.code
        return self.state is not S.ENDED

    def _attempt(self, trigger: Trigger, satisfy: bool, with_reason: bool, override: bool) -> None:
        satisfied = trigger in GATED and satisfy and self._satisfy(trigger)
        before = self.fingerprint()
        expected = model_next(self.state, trigger, self.paused_from)
        reason = "Stateful-Test" if with_reason else ""
        invalid_input = (trigger is T.END and not reason) or (override and not reason)
        blocking_conflict = trigger is T.START_PILOT and any(
            level in ESCALATED for level in self.open_conflicts.values()
        )
        must_succeed = (
            expected is not None
            and not invalid_input
            and (trigger not in GATED or (satisfied and not blocking_conflict))
        )
        try:
            res: Any = go(
                self.w,
                self.cid,
                trigger.value,
                reason=reason,
                overrides=["pilot_min_duration"] if override else [],
                follow_up_title="Folgekooperation",
            )
        except InvalidInputError as exc:
            assert invalid_input, exc.code
            assert exc.code in {"end_needs_reason", "override_needs_reason"}
            self.unchanged(before)
            return
        except InvalidTransitionError as exc:
            assert expected is None, f"{self.state} --{trigger}--> {expected} was refused"
            assert exc.code == "transition_not_allowed"
            self.unchanged(before)
            return
        except GateRefusedError as exc:
            assert expected is not None and trigger in GATED
            assert not must_succeed, [d.code for d in exc.details]
            assert exc.details
            if blocking_conflict and satisfied:
                assert {d.code for d in exc.details} == {"escalated_conflict_open"}
            self.unchanged(before)
            return
        assert expected is not None, f"{self.state} --{trigger}--> applied outside the table"
        assert not invalid_input
        assert (res.from_state, res.to_state) == (self.state.value, expected.value)
        assert res.version == before[1] + 1
        self.applied.append((trigger.value, self.state.value, expected.value))
        if trigger is T.PAUSE:
            self.paused_from = self.state
        elif trigger is T.RESUME:
            self.paused_from = None
        elif trigger is T.SPAWN_FOLLOW_UP:
            assert res.follow_up_id is not None
            assert show(self.app, res.follow_up_id)["parent_id"] == self.cid
            self.spawned += 1
        self.state = expected
        view = show(self.app, self.cid)  # what the CLI and the UI show agrees
        assert (view["state"], view["version"]) == (expected.value, res.version)
        assert {c["id"] for c in view["open_conflicts"]} == set(self.open_conflicts)
        event(f"reached {expected.value}")

    # -- rules -----------------------------------------------------------------------

    @rule(
        # END is absorbing: keep it rare so that walks have room to go somewhere.
        trigger=st.sampled_from([*[t for t in Trigger if t is not T.END] * 4, T.END]),
        satisfy=st.booleans(),
        with_reason=st.booleans(),
        override=st.sampled_from([False, False, False, True]),
    )
    def apply_any_trigger(
        self, trigger: Trigger, satisfy: bool, with_reason: bool, override: bool
    ) -> None:
        self._attempt(trigger, satisfy, with_reason, override)

    @rule(pick=st.integers(0, 9), satisfy=st.sampled_from([True, True, True, False]))
    def walk_on(self, pick: int, satisfy: bool) -> None:
        """Mostly the next forward step: random triggers alone rarely get past the pilot."""
        offered = [t for t in Trigger if model_next(self.state, t, self.paused_from) is not None]
        if not offered:  # ended: nothing leads out
            return
        offered.sort(key=lambda t: (t is T.END, t is T.PAUSE, t not in GATED, t.value))
        trigger = offered[0] if pick < 7 else offered[pick % len(offered)]
        self._attempt(trigger, satisfy, True, False)

    @rule(pick=st.integers(0, 10))
    def try_a_trigger_the_table_forbids(self, pick: int) -> None:
        """With every gate met and a reason given: the table alone must say no."""
        forbidden = [t for t in Trigger if model_next(self.state, t, self.paused_from) is None]
        self._attempt(forbidden[pick % len(forbidden)], True, True, False)

    @rule(
        trigger=st.sampled_from(list(Trigger)),
        how=st.sampled_from(["mayor", "contact", "staff", "moderator", "stale"]),
    )
    def refused_advance(self, trigger: Trigger, how: str) -> None:
        """Only coordinators advance, and only from the version they saw."""
        before = self.fingerprint()
        if how == "stale":
            actor, expected_version = self.w.coordinator_id, before[1] + 1
        elif how == "moderator":
            actor, expected_version = self.w.moderator_id, None
        else:
            actor, expected_version = getattr(self.p0, f"{how}_id"), None
        cmd = c.Advance(
            cooperation_id=self.cid,
            trigger=trigger,
            actor_id=actor,
            reason="x",
            follow_up_title="F",
            expected_version=expected_version,
        )
        try:
            advance(self.app, cmd)
        except StaleVersionError as exc:
            assert how == "stale" and exc.code == "stale_version"
        except PolicyRefusedError as exc:
            assert how != "stale" and exc.code == "policy.advance_coordinator_only"
        else:
            raise AssertionError(f"advance as {how} with {trigger} was accepted")
        self.unchanged(before)

    @rule(days=st.integers(0, 120))
    def time_passes(self, days: int) -> None:
        self.w.clock.advance(days=days)

    @rule(
        kind=st.sampled_from(
            [
                "meeting",
                "goal",
                "benefit",
                "confirmed_benefit",
                "staff",
                "communication",
                "success",
                "report",
                "decision",
                "legal_form",
            ]
        ),
        meeting_kind=st.sampled_from(["informal", "retreat", "steering_round", "info_event"]),
        by=st.sampled_from(["contact", "coordinator", "staff"]),
    )
    def record_something(self, kind: str, meeting_kind: str, by: str) -> None:
        """Records never move the lifecycle, the audit trail or the version."""
        before = self.fingerprint()
        app, cid, coord, today = self.app, self.cid, self.w.coordinator_id, self.w.clock().date()
        partner_side = {"meeting", "benefit", "confirmed_benefit", "staff", "communication"}
        if kind in partner_side:
            actor = {"contact": self.p0.contact_id, "staff": self.p0.staff_id}.get(by, coord)
        else:
            actor = self.p0.staff_id if by == "staff" else coord
        mid = self.p0.municipality_id
        actions = {
            "meeting": lambda: record_meeting(
                app,
                c.RecordMeeting(
                    cooperation_id=cid, kind=meeting_kind, held_on=today, actor_id=actor
                ),
            ),
            "goal": lambda: record_goal(
                app, c.RecordGoal(cooperation_id=cid, text="Ziel", actor_id=actor)
            ),
            "benefit": lambda: record_benefit(
                app,
                c.RecordBenefit(
                    cooperation_id=cid, municipality_id=mid, text="Nutzen", actor_id=actor
                ),
            ),
            "confirmed_benefit": lambda: record_benefit(
                app,
                c.RecordBenefit(
                    cooperation_id=cid,
                    municipality_id=mid,
                    text="eingetreten",
                    confirmed=True,
                    actor_id=actor,
                ),
            ),
            "staff": lambda: record_staff(
                app,
                c.RecordStaff(
                    cooperation_id=cid,
                    municipality_id=mid,
                    description="Workshop",
                    involved_on=today,
                    actor_id=actor,
                ),
            ),
            "communication": lambda: record_communication(
                app, c.RecordCommunication(cooperation_id=cid, kind="info_event", actor_id=actor)
            ),
            "success": lambda: record_success(
                app,
                c.RecordSuccess(
                    cooperation_id=cid, what="Erfolg", made_visible="Amtsblatt", actor_id=actor
                ),
            ),
            "report": lambda: record_report(
                app, c.RecordReport(cooperation_id=cid, summary="Bericht", actor_id=actor)
            ),
            "decision": lambda: record_decision(
                app,
                c.RecordDecision(
                    cooperation_id=cid,
                    subject="Standort",
                    benefiting_municipality_id=mid,
                    conceding_municipality_ids=[self.w.partners[1].municipality_id],
                    decided_on=today,
                    actor_id=actor,
                ),
            ),
            "legal_form": lambda: choose_legal_form(
                app,
                c.ChooseLegalForm(cooperation_id=cid, legal_form="zweckverband", actor_id=actor),
            ),
        }
        try:
            actions[kind]()
        except PolicyRefusedError:
            assert self.state is not S.ENDED and by == "staff"
        except IkzError as exc:
            assert self.state is S.ENDED and exc.code == "cooperation_ended", exc.code
        else:
            assert self.state is not S.ENDED, "recorded on an ended cooperation"
            assert by != "staff", f"staff recorded {kind}"
        self.unchanged(before)

    @precondition(lambda self: self.state is not S.ENDED)
    @rule(op=st.sampled_from(["raise", "escalate", "escalate", "resolve"]), pick=st.integers(0, 9))
    def conflict(self, op: str, pick: int) -> None:
        """Conflicts go up the ladder; moderators act from the moderation level on."""
        before = self.fingerprint()
        if op == "raise" or not self.open_conflicts:
            row = raise_conflict(
                self.app,
                c.RaiseConflict(
                    cooperation_id=self.cid, subject="Standort", actor_id=self.p0.contact_id
                ),
            )
            assert row.id is not None and row.level == "raised"
            self.open_conflicts[row.id] = row.level
            self.conflict_steps += 1
        else:
            conflict_id = sorted(self.open_conflicts)[pick % len(self.open_conflicts)]
            level = self.open_conflicts[conflict_id]
            if op == "escalate":
                self._escalate(conflict_id, level)
            else:
                self._resolve(conflict_id, level)
        # Conflicts block a gate but never move the lifecycle themselves.
        assert self.fingerprint()[:6] == before[:6]  # the outbox may grow

    def _escalate(self, conflict_id: int, level: str) -> None:
        cmd = c.EscalateConflict(conflict_id=conflict_id, actor_id=self.w.coordinator_id)
        if level == LEVELS[-1]:
            try:
                escalate_conflict(self.app, cmd)
            except InvalidInputError as exc:
                assert exc.code == "conflict_top_level"
            else:
                raise AssertionError("escalated beyond the top level")
            return
        row = escalate_conflict(self.app, cmd)
        assert row.level == LEVELS[LEVELS.index(level) + 1]
        self.open_conflicts[conflict_id] = row.level
        self.conflict_steps += 1

    def _resolve(self, conflict_id: int, level: str) -> None:
        by_moderator = c.ResolveConflict(
            conflict_id=conflict_id, resolution="geeinigt", actor_id=self.w.moderator_id
        )
        # Below the moderation level no moderator acts; from it on only the assigned one,
        # and no session (which assigns one) is scheduled here: the coordinator resolves.
        refused = (
            "policy.assigned_moderator_only"
            if level in ESCALATED
            else "policy.moderator_from_moderation_level"
        )
        try:
            resolve_conflict(self.app, by_moderator)
        except PolicyRefusedError as exc:
            assert exc.code == refused
        else:
            raise AssertionError(f"an unassigned moderator resolved a conflict at {level}")
        resolve_conflict(
            self.app,
            c.ResolveConflict(
                conflict_id=conflict_id, resolution="geeinigt", actor_id=self.w.coordinator_id
            ),
        )
        del self.open_conflicts[conflict_id]
        self.conflict_steps += 1

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def matches_the_model(self) -> None:
        state, version, paused_from, *_ = self.fingerprint()
        assert state == self.state.value
        assert paused_from == (self.paused_from.value if self.paused_from else None)
        assert version == 1 + len(self.applied)
        # The opening is record #1, then exactly the applied transitions, in order.
        hist = history(self.app, self.cid)
        assert len(hist) == 1 + len(self.applied)
        assert [r["seq"] for r in hist] == list(range(1, len(hist) + 1))
        assert (hist[0]["trigger"], hist[0]["from_state"], hist[0]["to_state"]) == (
            "open",
            None,
            S.INFORMAL_CONTACT.value,
        )
        assert [(r["trigger"], r["from_state"], r["to_state"]) for r in hist[1:]] == self.applied
        for prev, rec in itertools.pairwise(hist):
            assert rec["from_state"] == prev["to_state"]
        # Walking every chain is the slow part: do it whenever the trail has grown
        # (refused attempts are held to an unchanged trail by `unchanged`).
        if self.audited != len(hist):
            checked, broken, why = verify_audit(self.app)
            assert broken is None, why
            # Each spawned follow-up opens its own chain with one record.
            # Conflict steps are chained too (one chain per conflict).
            assert checked == self.other_records + len(hist) + self.spawned + self.conflict_steps
            self.audited = len(hist)


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp("stateful")
    app = make_app(f"sqlite:///{data_dir / 'ikz.sqlite3'}", data_dir)
    try:
        yield make_world(app)
    finally:
        app.close()


def test_lifecycle_matches_the_model(shared_world: World) -> None:
    LifecycleMachine.world = shared_world
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
