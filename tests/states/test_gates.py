"""Gate criteria, table-driven: a complete snapshot passes, each missing ingredient names itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest

from states.errors import Message
from states.gates import OVERRIDABLE, GateRules, unmet_criteria
from states.lifecycle import GATED_TRIGGERS, State, Trigger
from states.snapshot import ConflictSnap, CooperationSnapshot, MeetingSnap, PartnerSnap

PILOT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NOW = PILOT_START + timedelta(days=120)
D0 = PILOT_START.date()

JENA = PartnerSnap(
    municipality_id=1,
    name="Jena",
    population=110_700,
    mayor_id=10,
    contact_id=11,
    stated_benefit="spart Kosten",
    confirmed_benefit="20 % gespart",
)
WEIMAR = PartnerSnap(
    municipality_id=2,
    name="Weimar",
    population=65_600,
    mayor_id=20,
    contact_id=21,
    stated_benefit="bessere Geräte",
    confirmed_benefit="Winterdienst schneller",
)

# One snapshot that meets every gate's criteria at NOW.
COMPLETE = CooperationSnapshot(
    id=1,
    title="Gemeinsamer Bauhof",
    state=State.INFORMAL_CONTACT,
    version=1,
    paused_from=None,
    coordinator_id=99,
    partners=(JENA, WEIMAR),
    goals=("Gemeinsam Geräte nutzen",),
    meetings=(
        MeetingSnap("informal", D0 - timedelta(days=60)),
        MeetingSnap("steering_round", D0 + timedelta(days=30)),
    ),
    agreement_kinds=("letter_of_intent",),
    signoffs=frozenset({("start_pilot", 1), ("start_pilot", 2)}),
    staff_involvements=1,
    communications=(("press_release", "planned"),),
    visible_successes=1,
    successes=1,
    conflicts=(),
    reports=1,
    legal_form="zweckvereinbarung",
    pilot_started_at=PILOT_START,
)


def conflict(level: str, status: str = "open", cid: int = 7) -> ConflictSnap:
    return ConflictSnap(id=cid, level=level, status=status, opened_at=PILOT_START)


@dataclass(frozen=True)
class Case:
    id: str
    trigger: Trigger
    change: Callable[[CooperationSnapshot], CooperationSnapshot]
    expected: list[str]  # codes, in order
    now: datetime = NOW
    rules: GateRules = field(default_factory=GateRules)
    overrides: frozenset[str] = frozenset()
    names: tuple[str, ...] = ()  # partner names the single message must mention


def _with(**kw: object) -> Callable[[CooperationSnapshot], CooperationSnapshot]:
    return lambda s: replace(s, **kw)  # type: ignore[arg-type]


def _unchanged(s: CooperationSnapshot) -> CooperationSnapshot:
    return s


CASES = [
    # explore: two partners, each with a fixed contact person, and an informal exchange
    Case("explore/one_partner", Trigger.EXPLORE, _with(partners=(JENA,)), ["min_two_partners"]),
    Case("explore/no_partner", Trigger.EXPLORE, _with(partners=()), ["min_two_partners"]),
    Case(
        "explore/contact_missing",
        Trigger.EXPLORE,
        _with(partners=(JENA, replace(WEIMAR, contact_id=None))),
        ["contact_person_missing"],
        names=("Weimar",),
    ),
    Case("explore/no_meeting", Trigger.EXPLORE, _with(meetings=()), ["informal_exchange_missing"]),
    Case(
        "explore/only_formal_meetings",
        Trigger.EXPLORE,
        _with(meetings=(MeetingSnap("steering_round", D0), MeetingSnap("info_event", D0))),
        ["informal_exchange_missing"],
    ),
    # A joint strategy retreat is the seed document's own example of informal dialogue.
    Case(
        "explore/retreat_counts",
        Trigger.EXPLORE,
        _with(meetings=(MeetingSnap("retreat", D0),)),
        [],
    ),
    # agree: written shared goals and a stated benefit for every partner
    Case("agree/no_goals", Trigger.AGREE, _with(goals=()), ["shared_goals_missing"]),
    Case(
        "agree/benefit_none",
        Trigger.AGREE,
        _with(partners=(JENA, replace(WEIMAR, stated_benefit=None))),
        ["benefit_missing"],
        names=("Weimar",),
    ),
    Case(
        "agree/benefit_empty",
        Trigger.AGREE,
        _with(partners=(replace(JENA, stated_benefit=""), WEIMAR)),
        ["benefit_missing"],
        names=("Jena",),
    ),
    # start_pilot: every mayor signs off, staff involved, communication, an agreement,
    # no conflict open at moderation level or above
    Case(
        "start_pilot/signoff_missing",
        Trigger.START_PILOT,
        _with(signoffs=frozenset({("start_pilot", 1)})),
        ["mayor_signoff_missing"],
        names=("Weimar",),
    ),
    Case(
        "start_pilot/signoff_for_other_gate_does_not_count",
        Trigger.START_PILOT,
        _with(signoffs=frozenset({("start_pilot", 2), ("agree", 1)})),
        ["mayor_signoff_missing"],
        names=("Jena",),
    ),
    Case(
        "start_pilot/no_staff",
        Trigger.START_PILOT,
        _with(staff_involvements=0),
        ["staff_involvement_missing"],
    ),
    Case(
        "start_pilot/no_communication",
        Trigger.START_PILOT,
        _with(communications=()),
        ["communication_missing"],
    ),
    Case(
        "start_pilot/no_agreement",
        Trigger.START_PILOT,
        _with(agreement_kinds=()),
        ["agreement_missing"],
    ),
    Case(
        "start_pilot/conflict_open_at_moderation",
        Trigger.START_PILOT,
        _with(conflicts=(conflict("moderation"),)),
        ["escalated_conflict_open"],
    ),
    Case(
        "start_pilot/conflict_open_at_mayors",
        Trigger.START_PILOT,
        _with(conflicts=(conflict("mayors"),)),
        ["escalated_conflict_open"],
    ),
    *[
        Case(
            f"start_pilot/conflict_open_at_{level}_does_not_block",
            Trigger.START_PILOT,
            _with(conflicts=(conflict(level),)),
            [],
        )
        for level in ("raised", "contact_talks", "steering_round")
    ],
    *[
        Case(
            f"start_pilot/{status}_conflict_at_mayors_does_not_block",
            Trigger.START_PILOT,
            _with(conflicts=(conflict("mayors", status),)),
            [],
        )
        for status in ("resolved", "closed_unresolved")
    ],
    # evaluate: a steering round during the pilot and a minimum pilot duration
    Case(
        "evaluate/no_steering_round",
        Trigger.EVALUATE,
        _with(meetings=(MeetingSnap("informal", D0 + timedelta(days=5)),)),
        ["steering_round_missing"],
    ),
    Case(
        "evaluate/steering_round_before_pilot_does_not_count",
        Trigger.EVALUATE,
        _with(meetings=(MeetingSnap("steering_round", D0 - timedelta(days=1)),)),
        ["steering_round_missing"],
    ),
    Case(
        "evaluate/steering_round_on_pilot_start_day_counts",
        Trigger.EVALUATE,
        _with(meetings=(MeetingSnap("steering_round", D0),)),
        [],
    ),
    Case(
        "evaluate/pilot_too_short",
        Trigger.EVALUATE,
        _unchanged,
        ["pilot_min_duration"],
        now=PILOT_START + timedelta(days=89, hours=23),
    ),
    Case(
        "evaluate/pilot_exactly_min_days",
        Trigger.EVALUATE,
        _with(meetings=(MeetingSnap("steering_round", D0),)),
        [],
        now=PILOT_START + timedelta(days=90),
    ),
    Case(
        "evaluate/pilot_too_short_overridden",
        Trigger.EVALUATE,
        _with(meetings=(MeetingSnap("steering_round", D0),)),
        [],
        now=PILOT_START + timedelta(days=3),
        overrides=frozenset({"pilot_min_duration"}),
    ),
    Case(
        "evaluate/rules_set_the_minimum",
        Trigger.EVALUATE,
        _with(meetings=(MeetingSnap("steering_round", D0),)),
        [],
        now=PILOT_START + timedelta(days=30),
        rules=GateRules(pilot_min_days=30),
    ),
    Case(
        "evaluate/rules_set_the_minimum_too_short",
        Trigger.EVALUATE,
        _with(meetings=(MeetingSnap("steering_round", D0),)),
        ["pilot_min_duration"],
        now=PILOT_START + timedelta(days=29),
        rules=GateRules(pilot_min_days=30),
    ),
    Case(
        "evaluate/steering_round_cannot_be_overridden",
        Trigger.EVALUATE,
        _with(meetings=()),
        ["steering_round_missing"],
        overrides=frozenset({"steering_round_missing", "pilot_min_duration"}),
    ),
    # make_permanent: a report, a visible success, confirmed benefits, a legal form
    Case(
        "make_permanent/no_report",
        Trigger.MAKE_PERMANENT,
        _with(reports=0),
        ["success_report_missing"],
    ),
    Case(
        "make_permanent/success_not_visible",
        Trigger.MAKE_PERMANENT,
        _with(visible_successes=0, successes=3),
        ["visible_success_missing"],
    ),
    Case(
        "make_permanent/benefit_not_confirmed",
        Trigger.MAKE_PERMANENT,
        _with(partners=(replace(JENA, confirmed_benefit=None), WEIMAR)),
        ["benefit_not_confirmed"],
        names=("Jena",),
    ),
    Case(
        "make_permanent/no_legal_form",
        Trigger.MAKE_PERMANENT,
        _with(legal_form=None),
        ["legal_form_missing"],
    ),
]


@pytest.mark.parametrize("trigger", sorted(GATED_TRIGGERS), ids=str)
def test_complete_snapshot_passes_every_gate(trigger: Trigger) -> None:
    assert unmet_criteria(trigger, COMPLETE, NOW) == []
    assert unmet_criteria(trigger, COMPLETE, NOW, GateRules()) == []


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_missing_ingredient_names_one_criterion(case: Case) -> None:
    snap = case.change(COMPLETE)
    unmet = unmet_criteria(case.trigger, snap, case.now, case.rules, case.overrides)
    assert [u.code for u in unmet] == case.expected
    for u in unmet:
        for name in case.names:
            assert name in u.de
            assert name in u.en
        for other in {p.name for p in snap.partners} - set(case.names):
            assert other not in u.en


def test_pilot_duration_message_states_days_and_minimum() -> None:
    early = replace(COMPLETE, meetings=(MeetingSnap("steering_round", D0 + timedelta(days=5)),))
    (u,) = unmet_criteria(Trigger.EVALUATE, early, PILOT_START + timedelta(days=12))
    assert u.code == "pilot_min_duration"
    assert "12" in u.en and "90" in u.en
    assert "12" in u.de and "90" in u.de


def test_steering_round_in_the_future_does_not_count_yet() -> None:
    planned = replace(
        COMPLETE, meetings=(MeetingSnap("steering_round", NOW.date() + timedelta(days=1)),)
    )
    codes = [u.code for u in unmet_criteria(Trigger.EVALUATE, planned, NOW)]
    assert codes == ["steering_round_missing"]


def test_pilot_not_started_counts_as_zero_days() -> None:
    snap = replace(COMPLETE, pilot_started_at=None)
    (u,) = unmet_criteria(Trigger.EVALUATE, snap, NOW)
    assert u.code == "pilot_min_duration"
    assert " 0 " in u.en


def test_every_escalated_open_conflict_is_named() -> None:
    snap = replace(
        COMPLETE,
        conflicts=(
            conflict("moderation", cid=3),
            conflict("steering_round", cid=4),
            conflict("mayors", cid=5),
            conflict("mayors", "resolved", cid=6),
        ),
    )
    unmet = unmet_criteria(Trigger.START_PILOT, snap, NOW)
    assert [u.code for u in unmet] == ["escalated_conflict_open", "escalated_conflict_open"]
    assert "#3" in unmet[0].en and "moderation" in unmet[0].en
    assert "#5" in unmet[1].en and "mayors" in unmet[1].en


def test_every_partner_is_checked_not_just_the_first() -> None:
    bare = [
        replace(p, contact_id=None, stated_benefit=None, confirmed_benefit=None)
        for p in (JENA, WEIMAR)
    ]
    snap = replace(COMPLETE, partners=tuple(bare), signoffs=frozenset())
    for trigger, code in [
        (Trigger.EXPLORE, "contact_person_missing"),
        (Trigger.AGREE, "benefit_missing"),
        (Trigger.START_PILOT, "mayor_signoff_missing"),
        (Trigger.MAKE_PERMANENT, "benefit_not_confirmed"),
    ]:
        unmet = [u for u in unmet_criteria(trigger, snap, NOW) if u.code == code]
        assert [("Jena" in u.en, "Weimar" in u.en) for u in unmet] == [(True, False), (False, True)]


@pytest.mark.parametrize("trigger", [t for t in Trigger if t not in GATED_TRIGGERS], ids=str)
def test_ungated_triggers_have_no_criteria(trigger: Trigger) -> None:
    empty = replace(COMPLETE, partners=(), goals=(), meetings=(), pilot_started_at=None)
    assert unmet_criteria(trigger, empty, NOW) == []


EMPTY = CooperationSnapshot(
    id=2,
    title="Leer",
    state=State.INFORMAL_CONTACT,
    version=1,
    paused_from=None,
    coordinator_id=None,
    partners=(replace(JENA, contact_id=None, stated_benefit=None, confirmed_benefit=None),),
    conflicts=(conflict("mayors"),),
)

ALL_CODES = {
    "min_two_partners",
    "contact_person_missing",
    "informal_exchange_missing",
    "shared_goals_missing",
    "benefit_missing",
    "mayor_signoff_missing",
    "staff_involvement_missing",
    "communication_missing",
    "agreement_missing",
    "escalated_conflict_open",
    "steering_round_missing",
    "pilot_min_duration",
    "success_report_missing",
    "visible_success_missing",
    "benefit_not_confirmed",
    "legal_form_missing",
}


def _all_unmet(overrides: frozenset[str] = frozenset()) -> list[Message]:
    return [
        u for t in sorted(GATED_TRIGGERS) for u in unmet_criteria(t, EMPTY, NOW, None, overrides)
    ]


def test_an_empty_snapshot_fails_with_every_criterion() -> None:
    assert {u.code for u in _all_unmet()} == ALL_CODES


def test_only_overridable_criteria_can_be_overridden() -> None:
    assert frozenset({"pilot_min_duration"}) == OVERRIDABLE
    dropped = [u.code for u in _all_unmet()]
    kept = [u.code for u in _all_unmet(frozenset(ALL_CODES))]
    assert kept == [c for c in dropped if c not in OVERRIDABLE]


@pytest.mark.parametrize("msg", _all_unmet(), ids=lambda m: m.code)
def test_messages_exist_in_german_and_english(msg: Message) -> None:
    assert msg.code.isidentifier() and msg.code == msg.code.lower()
    assert msg.de.strip() and msg.en.strip()
    assert msg.de != msg.en
    assert "\n" not in msg.de and "\n" not in msg.en
    assert msg.text("de") == msg.de
    assert msg.text("en") == msg.en


def test_gates_are_pure_and_do_not_touch_the_snapshot() -> None:
    before = replace(COMPLETE)
    for t in Trigger:
        unmet_criteria(t, COMPLETE, NOW)
    assert before == COMPLETE
