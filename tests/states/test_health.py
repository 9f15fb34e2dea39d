"""The Kooperations-Check: each factor in each colour, for the reasons it names.

Snapshots are built directly: a well-run cooperation per stage (all green), then one
change per case. A case names the factor, the expected colour and the reason's code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from states.health import (
    Colour,
    HealthRules,
    as_context,
    as_view,
    check_health,
)
from states.health.factors_course import agreement_days
from states.lifecycle import State
from states.snapshot import (
    ConflictSnap,
    CooperationSnapshot,
    DecisionSnap,
    MeetingSnap,
    PartnerSnap,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
A, B, C = 1, 2, 3  # municipality ids; mayors are 10 + id, contacts 20 + id
ACTIVE = (
    State.INFORMAL_CONTACT,
    State.EXPLORATION,
    State.AGREEMENT,
    State.PILOT,
    State.EVALUATION,
    State.PERMANENT,
)


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


def partner(mid: int, population: int = 50_000, **kw: Any) -> PartnerSnap:
    values: dict[str, Any] = {
        "municipality_id": mid,
        "name": f"Stadt {'ABC'[mid - 1]}",
        "population": population,
        "mayor_id": 10 + mid,
        "contact_id": 20 + mid,
        "stated_benefit": "spart Kosten",
        "confirmed_benefit": None,
    }
    return PartnerSnap(**(values | kw))


def steering(days_ago: int, *attendees: int) -> MeetingSnap:
    return MeetingSnap("steering_round", day(days_ago), attendees)


def healthy(state: State) -> CooperationSnapshot:
    """A well-run cooperation in `state`: every factor green."""
    reached = ACTIVE.index(state)
    pilot = reached >= ACTIVE.index(State.PILOT)
    meetings = [MeetingSnap("informal", day(10)), MeetingSnap("retreat", day(60))]
    if pilot:
        meetings.append(steering(20, 11, 12, 21))
    return CooperationSnapshot(
        id=7,
        title="Gemeinsamer Bauhof",
        state=state,
        version=3,
        paused_from=None,
        coordinator_id=1,
        partners=(partner(A), partner(B, 40_000)),
        goals=("Geräte gemeinsam nutzen",) if reached >= 1 else (),
        measurable_goals=1 if reached >= 1 else 0,
        meetings=tuple(meetings),
        agreement_kinds=("letter_of_intent",) if reached >= 2 else (),
        signoffs=frozenset({("start_pilot", A), ("start_pilot", B)}) if pilot else frozenset(),
        staff_involvements=1 if reached >= 2 else 0,
        staff_involved_on=(day(120),) if reached >= 2 else (),
        communications=(("press_release", "done"),),
        visible_successes=1 if pilot else 0,
        successes=1 if pilot else 0,
        legal_form="zweckvereinbarung" if reached >= 4 else None,
        pilot_started_at=ago(100) if pilot else None,
        state_entered_at=ago(30),
        agreement_periods=((ago(30), None),)
        if state == State.AGREEMENT
        else ((ago(140), ago(110)),)
        if pilot
        else (),
        children=1 if state == State.PERMANENT else 0,
    )


def verdict_of(s: CooperationSnapshot, factor: int, rules: HealthRules | None = None) -> Any:
    return check_health(s, NOW, rules).verdicts[factor - 1]


@pytest.mark.parametrize("state", ACTIVE)
def test_a_well_run_cooperation_is_green_in_every_stage(state: State) -> None:
    check = check_health(healthy(state), NOW)
    assert [v.colour for v in check.verdicts] == [Colour.GREEN] * 8, check
    assert check.overall == Colour.GREEN
    assert [v.factor for v in check.verdicts] == [1, 2, 3, 4, 5, 6, 7, 8]
    # Every verdict explains itself, green ones too.
    assert all(v.reasons for v in check.verdicts)


def _pop(a: int, b: int) -> tuple[PartnerSnap, ...]:
    return (partner(A, a), partner(B, b))


def _decisions(*pairs: tuple[int, tuple[int, ...]]) -> tuple[DecisionSnap, ...]:
    return tuple(DecisionSnap(gain, lose, day(50)) for gain, lose in pairs)


def _conflict(level: str, status: str = "open", opened: int = 5, closed: int | None = None) -> Any:
    return (
        ConflictSnap(1, level, status, ago(opened), ago(closed) if closed is not None else None),
    )


IC, EX, AG, PI, EV, PE = ACTIVE
G, Y, R = Colour.GREEN, Colour.YELLOW, Colour.RED

# (id, factor, state, changes to the healthy snapshot, colour, code among the reasons)
CASES: list[tuple[str, int, State, dict[str, Any], Colour, str]] = [
    # 1 close exchange
    ("recent", 1, PI, {}, G, "exchange_recent"),
    ("first-talk-pending", 1, IC, {"meetings": ()}, Y, "no_informal_exchange"),
    (
        "first-talk-never-came",
        1,
        IC,
        {"meetings": (), "state_entered_at": ago(200)},
        R,
        "no_informal_exchange",
    ),
    ("none-after-contact", 1, EX, {"meetings": ()}, R, "no_informal_exchange"),
    (
        "future-does-not-count",
        1,
        EX,
        {"meetings": (MeetingSnap("informal", day(-3)),)},
        R,
        "no_informal_exchange",
    ),
    (
        "one-talk-is-enough-at-first",
        1,
        IC,
        {"meetings": (MeetingSnap("informal", day(3)),)},
        G,
        "exchange_recent",
    ),
    ("quiet", 1, PI, {"meetings": (MeetingSnap("retreat", day(90)),)}, Y, "exchange_silent"),
    ("silent", 1, PI, {"meetings": (MeetingSnap("informal", day(150)),)}, R, "exchange_silent"),
    ("rare", 1, EX, {"meetings": (MeetingSnap("informal", day(10)),)}, Y, "exchange_rare"),
    ("frequent", 1, EX, {}, G, "exchange_frequent"),
    # 2 common ground
    ("not-due", 2, IC, {}, G, "goals_not_due"),
    ("goals-missing-early", 2, EX, {"goals": (), "measurable_goals": 0}, Y, "goals_missing"),
    ("goals-missing-late", 2, AG, {"goals": (), "measurable_goals": 0}, R, "goals_missing"),
    ("not-measurable", 2, PI, {"measurable_goals": 0}, Y, "goals_not_measurable"),
    ("measurable", 2, PI, {}, G, "goals_measurable"),
    (
        "benefit-missing-early",
        2,
        EX,
        {"partners": (partner(A), partner(B, stated_benefit=None))},
        Y,
        "benefit_missing",
    ),
    (
        "benefit-missing-late",
        2,
        AG,
        {"partners": (partner(A), partner(B, stated_benefit=None))},
        R,
        "benefit_missing",
    ),
    ("sizes-differ-unclear", 2, IC, {"partners": _pop(100_000, 10_000)}, Y, "size_differs"),
    (
        "sizes-differ-clear",
        2,
        PI,
        {"partners": _pop(100_000, 10_000)},
        G,
        "size_differs_goals_clear",
    ),
    # 3 giving
    ("ledger-empty", 3, PI, {}, G, "ledger_empty"),
    ("one-decision", 3, PI, {"decisions": _decisions((A, (B,)))}, G, "ledger_balance"),
    ("give-and-take", 3, PI, {"decisions": _decisions((A, (B,)), (B, (A,)))}, G, "ledger_balance"),
    (
        "always-concedes",
        3,
        PI,
        {"decisions": _decisions((A, (B,)), (A, (B,)))},
        Y,
        "ledger_always_concedes",
    ),
    (
        "always-concedes-long",
        3,
        PI,
        {"decisions": _decisions(*[(A, (B,))] * 4)},
        R,
        "ledger_always_concedes",
    ),
    (
        "always-gains-of-three",
        3,
        PI,
        {
            "partners": (partner(A), partner(B), partner(C)),
            "decisions": _decisions((A, (B,)), (A, (C,))),
        },
        Y,
        "ledger_always_gains",
    ),
    # 4 leadership
    (
        "mayor-missing-early",
        4,
        EX,
        {"partners": (partner(A), partner(B, mayor_id=None))},
        Y,
        "mayor_missing",
    ),
    (
        "mayor-missing-late",
        4,
        AG,
        {"partners": (partner(A), partner(B, mayor_id=None))},
        R,
        "mayor_missing",
    ),
    ("signoffs-pending", 4, AG, {}, G, "mayor_signoffs"),
    ("staff-early", 4, EX, {}, G, "staff_early"),
    (
        "staff-before-pilot",
        4,
        AG,
        {"staff_involvements": 0, "staff_involved_on": ()},
        Y,
        "staff_not_involved",
    ),
    (
        "staff-never",
        4,
        PI,
        {"staff_involvements": 0, "staff_involved_on": ()},
        R,
        "staff_not_involved",
    ),
    ("staff-late", 4, PI, {"staff_involved_on": (day(50),)}, Y, "staff_late"),
    ("staff-involved", 4, PI, {}, G, "staff_involved"),
    ("mayors-at-rounds", 4, PI, {}, G, "mayors_at_steering_rounds"),
    (
        "mayors-seldom-at-rounds",
        4,
        PI,
        {
            "meetings": (
                MeetingSnap("informal", day(10)),
                MeetingSnap("retreat", day(60)),
                steering(50, 11),
                steering(20, 21),
            )
        },
        Y,
        "mayors_at_steering_rounds",
    ),
    (
        "mayors-never-at-rounds",
        4,
        PI,
        {
            "meetings": (
                MeetingSnap("informal", day(10)),
                MeetingSnap("retreat", day(60)),
                steering(20, 21, 22),
            )
        },
        R,
        "mayors_at_steering_rounds",
    ),
    (
        "attendance-unknown",
        4,
        PI,
        {
            "meetings": (
                MeetingSnap("informal", day(10)),
                MeetingSnap("retreat", day(60)),
                steering(20),
            )
        },
        G,
        "mayor_attendance_unknown",
    ),
    # 5 visibility
    ("communication-from-the-start", 5, IC, {"communications": ()}, Y, "communication_not_planned"),
    ("no-communication-in-pilot", 5, PI, {"communications": ()}, R, "communication_not_planned"),
    (
        "only-planned-long",
        5,
        PI,
        {"communications": (("press_release", "planned"),)},
        Y,
        "communication_not_done",
    ),
    (
        "only-planned-fresh",
        5,
        PI,
        {"communications": (("press_release", "planned"),), "pilot_started_at": ago(20)},
        G,
        "communication",
    ),
    (
        "planned-early-is-fine",
        5,
        EX,
        {"communications": (("info_event", "planned"),)},
        G,
        "communication",
    ),
    (
        "no-visible-success-evaluation",
        5,
        EV,
        {"visible_successes": 0, "successes": 0},
        Y,
        "no_visible_success",
    ),
    (
        "no-visible-success-permanent",
        5,
        PE,
        {"visible_successes": 0, "successes": 0},
        R,
        "no_visible_success",
    ),
    ("hidden-success", 5, PI, {"successes": 2}, Y, "successes_not_visible"),
    ("visible", 5, EV, {}, G, "successes_visible"),
    # 6 pragmatism
    ("not-yet", 6, EX, {}, G, "agreement_not_yet"),
    ("agreement-short", 6, AG, {}, G, "agreement_days"),
    ("agreement-long", 6, AG, {"agreement_periods": ((ago(150), None),)}, Y, "agreement_too_long"),
    ("agreement-stuck", 6, AG, {"agreement_periods": ((ago(300), None),)}, R, "agreement_too_long"),
    (
        "agreement-long-without-audit",
        6,
        AG,
        {"agreement_periods": (), "state_entered_at": ago(130)},
        Y,
        "agreement_too_long",
    ),
    (
        "long-stay-in-the-past",
        6,
        PI,
        {"agreement_periods": ((ago(500), ago(200)),)},
        G,
        "agreement_days",
    ),
    (
        "heavy-before-pilot",
        6,
        AG,
        {"agreement_kinds": ("zweckverband_statutes",)},
        Y,
        "agreement_heavy",
    ),
    (
        "heavy-in-pilot",
        6,
        PI,
        {"agreement_kinds": ("letter_of_intent", "zweckvereinbarung")},
        Y,
        "agreement_heavy",
    ),
    (
        "heavy-when-permanent",
        6,
        PE,
        {"agreement_kinds": ("zweckverband_statutes",)},
        G,
        "agreement_days",
    ),
    # 7 long-term view
    ("legal-form-not-due", 7, EX, {}, G, "legal_form_not_due"),
    ("legal-form-by-evaluation", 7, PI, {}, G, "legal_form_by_evaluation"),
    ("legal-form-early", 7, PI, {"legal_form": "zweckverband"}, G, "legal_form_chosen"),
    ("pilot-without-plan", 7, PI, {"pilot_started_at": ago(400)}, Y, "legal_form_late"),
    ("evaluation-without-form", 7, EV, {"legal_form": None}, Y, "legal_form_missing"),
    (
        "evaluation-long-without-form",
        7,
        EV,
        {"legal_form": None, "state_entered_at": ago(100)},
        R,
        "legal_form_missing",
    ),
    ("follow-ups", 7, PE, {}, G, "follow_ups"),
    ("no-follow-up-yet", 7, PE, {"children": 0}, G, "follow_up_open"),
    (
        "no-follow-up-for-years",
        7,
        PE,
        {"children": 0, "state_entered_at": ago(800)},
        Y,
        "no_follow_up",
    ),
    ("is-follow-up", 7, IC, {"parent_id": 3}, G, "is_follow_up"),
    # 8 conflict handling
    ("no-conflicts", 8, PI, {}, G, "no_conflicts"),
    (
        "contact-missing",
        8,
        EX,
        {"partners": (partner(A), partner(B, contact_id=None))},
        Y,
        "contact_missing",
    ),
    ("open-young", 8, PI, {"conflicts": _conflict("contact_talks")}, Y, "conflict_open"),
    ("open-old", 8, PI, {"conflicts": _conflict("raised", opened=60)}, R, "conflict_old"),
    ("open-escalated", 8, AG, {"conflicts": _conflict("moderation")}, R, "conflict_escalated"),
    ("open-at-mayors", 8, AG, {"conflicts": _conflict("mayors")}, R, "conflict_escalated"),
    (
        "resolved-early",
        8,
        PI,
        {"conflicts": _conflict("contact_talks", "resolved", 40, 30)},
        G,
        "conflicts_resolved",
    ),
    (
        "resolved-late",
        8,
        PI,
        {"conflicts": _conflict("mayors", "resolved", 90, 30)},
        Y,
        "conflicts_resolved",
    ),
    (
        "closed-unresolved",
        8,
        PI,
        {"conflicts": _conflict("mayors", "closed_unresolved", 90, 30)},
        Y,
        "conflict_unresolved",
    ),
    ("steering-regular", 8, PI, {}, G, "steering_round_last"),
    (
        "steering-stale",
        8,
        EV,
        {
            "meetings": (
                MeetingSnap("informal", day(10)),
                MeetingSnap("retreat", day(60)),
                steering(100, 11, 12),
            )
        },
        Y,
        "steering_round_last",
    ),
    (
        "steering-missing",
        8,
        PI,
        {"meetings": (MeetingSnap("informal", day(10)), MeetingSnap("retreat", day(60)))},
        Y,
        "steering_round_missing",
    ),
]


@pytest.mark.parametrize(
    ("factor", "state", "changes", "colour", "code"),
    [pytest.param(*case[1:], id=f"{case[1]}-{case[0]}") for case in CASES],
)
def test_factor_colour_and_reason(
    factor: int, state: State, changes: dict[str, Any], colour: Colour, code: str
) -> None:
    v = verdict_of(replace(healthy(state), **changes), factor)
    assert v.factor == factor
    assert v.colour == colour, v
    assert code in [m.code for m in v.reasons], v
    for m in (*v.reasons, *v.notes):
        assert m.de and m.en and m.de != m.en


def test_every_factor_is_seen_in_every_colour() -> None:
    seen = {(case[1], case[4]) for case in CASES}
    assert seen == {(f, c) for f in range(1, 9) for c in Colour}


def test_a_closed_unresolved_conflict_is_forgotten_after_a_year() -> None:
    s = replace(healthy(PI), conflicts=_conflict("mayors", "closed_unresolved", 500, 400))
    assert verdict_of(s, 8).colour == G


def test_reasons_list_worst_first_and_lesser_findings_as_notes() -> None:
    s = replace(
        healthy(PI),
        partners=(partner(A), partner(B, contact_id=None)),
        conflicts=_conflict("moderation"),
    )
    v = verdict_of(s, 8)
    assert v.colour == R
    assert [m.code for m in v.reasons] == ["conflict_escalated", "contact_missing"]
    assert "steering_round_last" in [m.code for m in v.notes]


# --- overall ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rules", "overall"),
    [
        pytest.param({}, HealthRules(), G, id="all-green"),
        pytest.param(
            {"communications": (("press_release", "planned"),)}, HealthRules(), Y, id="one-yellow"
        ),
        pytest.param({"meetings": ()}, HealthRules(), R, id="one-red"),
        pytest.param(
            {  # exchange rare, goals vague, staff late, communication not done: four yellows
                "meetings": (MeetingSnap("informal", day(10)), steering(20, 11, 12)),
                "measurable_goals": 0,
                "staff_involved_on": (day(50),),
                "communications": (("press_release", "planned"),),
            },
            HealthRules(),
            R,
            id="four-yellows-add-up-to-red",
        ),
        pytest.param(
            {
                "meetings": (MeetingSnap("informal", day(10)), steering(20, 11, 12)),
                "measurable_goals": 0,
                "staff_involved_on": (day(50),),
                "communications": (("press_release", "planned"),),
            },
            HealthRules(yellow_to_red=0),
            Y,
            id="four-yellows-stay-yellow-when-switched-off",
        ),
    ],
)
def test_overall_traffic_light(
    changes: dict[str, Any], rules: HealthRules, overall: Colour
) -> None:
    check = check_health(replace(healthy(PI), **changes), NOW, rules)
    assert check.overall == overall, check
    assert check.summary.code == f"overall_{overall.value}"


def test_paused_is_judged_by_the_stage_it_paused_from() -> None:
    s = replace(healthy(PI), state=State.PAUSED, paused_from=State.PILOT, communications=())
    assert verdict_of(s, 5).colour == R  # as in the pilot, not as at first contact


def test_ended_is_not_assessed() -> None:
    s = replace(healthy(PI), state=State.ENDED, meetings=())
    check = check_health(s, NOW)
    assert check.verdicts == ()
    assert check.summary.code == "ended"
    assert as_context(check)["concerns"] == []


def test_thresholds_come_from_the_rules() -> None:
    s = healthy(PI)
    assert verdict_of(s, 1).colour == G
    assert verdict_of(s, 1, HealthRules(silence_warn_days=5)).colour == Y
    assert verdict_of(s, 1, HealthRules(silence_warn_days=5, silence_red_days=8)).colour == R
    # Red set below the warning (a misconfiguration): red never comes before the warning.
    assert verdict_of(s, 1, HealthRules(silence_warn_days=15, silence_red_days=2)).colour == G
    long = replace(healthy(AG), agreement_periods=((ago(50), None),))
    assert verdict_of(long, 6, HealthRules(agreement_warn_days=40)).colour == Y


def test_bad_conflict_level_in_rules_is_refused() -> None:
    with pytest.raises(ValueError, match="conflict_red_level"):
        HealthRules(conflict_red_level="panic")


def test_agreement_days_sum_all_stays() -> None:
    s = replace(healthy(AG), agreement_periods=((ago(100), ago(80)), (ago(30), None)))
    assert agreement_days(s, NOW) == 50


def test_views_are_plain_values_in_one_language_and_context_in_both() -> None:
    s = replace(healthy(PI), conflicts=_conflict("moderation"), communications=(("x", "planned"),))
    check = check_health(s, NOW)
    de, en = as_view(check, "de"), as_view(check, "en")
    assert de["overall"] == en["overall"] == "red"
    assert (de["overall_label"], en["overall_label"]) == ("rot", "red")
    assert de["factors"][7]["name"] == "Konflikte klären"
    assert en["factors"][7]["reasons"][0]["message"].startswith("Conflict #1")
    ctx = as_context(check)
    assert ctx["colours"] == {str(v.factor): v.colour.value for v in check.verdicts}
    assert [c["colour"] for c in ctx["concerns"]] == ["red", "yellow"]  # red first
    assert ctx["concerns"][0]["code"] == "conflict_escalated" and ctx["concerns"][0]["en"]
