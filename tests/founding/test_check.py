"""The Kooperations-Check names a missing or negative assessment (factor 7), with the
§ 2b UStG cut-off date from the setting IKZ_VAT_CUTOFF; without a plan it says nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ikz.views.health import check_view
from states.assessment import CRITERIA, AssessmentKind
from tests.factories import World, make_app, make_world
from tests.founding.helpers import answer, assess_all, clause, coop_with, plan


def _plan(w: World, cid: int) -> None:
    """A plan with the long-term clauses agreed (factor 7 looks at them too)."""
    on = date(2026, 1, 5)
    plan(w, cid)
    clause(w, cid, "term", on, "zehn Jahre", term_years=10)
    clause(w, cid, "termination", on, "zum Jahresende", notice_months=12)
    clause(w, cid, "evaluation", on, "Bericht an die Räte", evaluation_on=date(2029, 6, 30))


LONG_TERM = ["term_long", "termination_clause", "evaluation_date"]


def _factor7(w: World, cid: int) -> tuple[str, list[str], list[str]]:
    f7 = next(f for f in check_view(w.app, cid)["factors"] if f["factor"] == 7)
    return f7["colour"], [r["code"] for r in f7["reasons"]], [n["code"] for n in f7["notes"]]


def test_without_a_plan_no_assessment_is_asked_for(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    # A green factor lists its findings as reasons.
    assert _factor7(world, cid) == ("green", ["legal_form_not_due"], [])


def test_missing_assessments_are_named(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    _plan(world, cid)
    assert _factor7(world, cid) == (
        "yellow",
        [
            "vat_assessment_missing",
            "procurement_assessment_missing",
            "state_aid_assessment_missing",
        ],
        ["legal_form_not_due", *LONG_TERM],
    )
    assess_all(world, cid, date(2026, 1, 5))
    assert _factor7(world, cid) == (
        "green",
        [
            "legal_form_not_due",
            *LONG_TERM,
            "vat_assessment_positive",
            "procurement_assessment_positive",
            "state_aid_assessment_positive",
        ],
        [],
    )


def test_a_negative_procurement_assessment_is_a_reason(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    _plan(world, cid)
    assess_all(world, cid, date(2026, 1, 5))
    answer(world, cid, "procurement", "market_share_below_20", False, date(2026, 1, 5))
    colour, reasons, _ = _factor7(world, cid)
    assert (colour, reasons) == ("yellow", ["procurement_assessment_negative"])


def _vat_negative(w: World) -> int:
    cid, _ = coop_with(w, "NW")
    _plan(w, cid)
    assess_all(w, cid, date(2026, 1, 5))
    answer(w, cid, AssessmentKind.VAT.value, "cost_reimbursement_only", False, date(2026, 1, 5))
    assert CRITERIA[AssessmentKind.VAT][5].code == "below_small_amount"
    answer(w, cid, AssessmentKind.VAT.value, "below_small_amount", False, date(2026, 1, 5))
    return cid


def test_negative_vat_is_a_note_before_the_cutoff(world: World) -> None:
    cid = _vat_negative(world)  # the clock: 2026-01-05, the cut-off 2027-01-01
    assert _factor7(world, cid) == (
        "green",
        [
            "legal_form_not_due",
            *LONG_TERM,
            "vat_assessment_negative_from_cutoff",
            "procurement_assessment_positive",
            "state_aid_assessment_positive",
        ],
        [],
    )


def test_negative_vat_is_a_reason_from_the_cutoff_on(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, vat_cutoff=date(2026, 1, 1))
    w = make_world(app)
    cid = _vat_negative(w)
    f7 = next(f for f in check_view(w.app, cid)["factors"] if f["factor"] == 7)
    assert f7["colour"] == "yellow"
    assert [r["message"] for r in f7["reasons"]] == [
        "Umsatzsteuer (§ 2b UStG): Leistungen sind umsatzsteuerpflichtig "
        "(§ 2b UStG gilt seit 01.01.2026)."
    ]
