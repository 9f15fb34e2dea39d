"""The assessments' outcomes, each decision both ways (pure)."""

from __future__ import annotations

from datetime import date

from states.assessment import Answer, AssessmentKind, Outcome, outcome, vat_applies

D = date(2026, 5, 1)
VAT4 = (
    "long_term_agreement",
    "public_interest_task",
    "cost_reimbursement_only",
    "public_bodies_only",
)


def _vat(**given: bool) -> tuple[Answer, ...]:
    return tuple(Answer("vat", k, v, "r", D) for k, v in given.items())


def test_vat_is_missing_until_all_six_are_answered() -> None:
    answers = _vat(**dict.fromkeys(VAT4, True), task_delegated=True)
    assert outcome(answers, AssessmentKind.VAT) is Outcome.MISSING
    answers += _vat(below_small_amount=False)
    assert outcome(answers, AssessmentKind.VAT) is Outcome.POSITIVE


def test_vat_one_criterion_failing_is_negative_unless_below_the_small_amount() -> None:
    base = {**dict.fromkeys(VAT4, True), "cost_reimbursement_only": False, "task_delegated": False}
    assert outcome(_vat(**base, below_small_amount=False), AssessmentKind.VAT) is Outcome.NEGATIVE
    assert outcome(_vat(**base, below_small_amount=True), AssessmentKind.VAT) is Outcome.POSITIVE


def test_the_latest_answer_counts() -> None:
    answers = _vat(**dict.fromkeys(VAT4, True), task_delegated=True, below_small_amount=False)
    answers += _vat(public_bodies_only=False)
    assert outcome(answers, AssessmentKind.VAT) is Outcome.NEGATIVE


def test_procurement_needs_all_three() -> None:
    codes = ("cooperative_concept", "public_interest_only", "market_share_below_20")
    yes = tuple(Answer("procurement", k, True, "r", D) for k in codes)
    assert outcome(yes, AssessmentKind.PROCUREMENT) is Outcome.POSITIVE
    no = (*yes, Answer("procurement", "market_share_below_20", False, "25 %", D))
    assert outcome(no, AssessmentKind.PROCUREMENT) is Outcome.NEGATIVE
    assert outcome(yes[:2], AssessmentKind.PROCUREMENT) is Outcome.MISSING


def test_state_aid_off_the_market_needs_one_answer_on_it_two() -> None:
    off = (Answer("state_aid", "acts_on_market", False, "r", D),)
    assert outcome(off, AssessmentKind.STATE_AID) is Outcome.POSITIVE
    on = (Answer("state_aid", "acts_on_market", True, "r", D),)
    assert outcome(on, AssessmentKind.STATE_AID) is Outcome.MISSING
    ok = (*on, Answer("state_aid", "aid_compatible", True, "DAWI", D))
    assert outcome(ok, AssessmentKind.STATE_AID) is Outcome.POSITIVE
    bad = (*on, Answer("state_aid", "aid_compatible", False, "r", D))
    assert outcome(bad, AssessmentKind.STATE_AID) is Outcome.NEGATIVE


def test_vat_applies_from_the_cutoff_day() -> None:
    assert vat_applies(date(2027, 1, 1), date(2026, 12, 31)) is False
    assert vat_applies(date(2027, 1, 1), date(2027, 1, 1)) is True
