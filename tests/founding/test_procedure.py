"""The founding procedure through its use cases: plan, acts, refusals (one line, nothing
written), deemed approval by the daily sweep, the effective date and the make_permanent
gate, documents on the chain, and the chain verifying afterwards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from ikz.actions.founding import DEEMED_NOTE, apply_deemed_approvals
from ikz.views.audit import verify_trail
from ikz.views.founding import founding_view
from models.chain import FactRecord
from models.founding import AssessmentAnswer, FoundingEvent, FoundingPlan
from states.errors import GateRefusedError, InvalidInputError
from tests.factories import World, coop_in, go, satisfy_make_permanent
from tests.founding.helpers import (
    act,
    agree_clauses,
    answer,
    assess_all,
    coop_with,
    decide,
    plan,
    resolve,
    sign,
)


def _count(w: World, model: type) -> int:
    with w.app.db.read() as s:
        return len(list(s.exec(select(model))))


def _steps(w: World, cid: int) -> dict[str, tuple[str, str | None]]:
    view = founding_view(w.app, cid)
    return {st["step"]: (st["status"], st["due"]) for st in view["steps"]}


def _at(w: World, day: date) -> None:
    w.clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


# --- planning ---------------------------------------------------------------------------


def test_the_state_comes_from_the_partners_ags(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    row = plan(world, cid)
    assert (row.state, row.form) == ("NW", "agreement_delegating")
    assert row.rules["authority"]["deemed_after_days"] == 28


def test_partners_of_a_state_without_a_rule_pack_need_the_state_named(world: World) -> None:
    cid = coop_in(world, "exploration")  # Jena and Weimar: Thüringen, no rule pack
    from tests.factories import satisfy_make_permanent as legal  # chooses a legal form

    legal(world, cid)
    with pytest.raises(InvalidInputError) as exc:
        plan(world, cid)
    assert exc.value.code == "state_unknown"
    assert _count(world, FoundingPlan) == 0
    assert plan(world, cid, state="by").state == "BY"


def test_planning_needs_a_legal_form_and_a_fitting_form(world: World) -> None:
    cid, _ = coop_with(world, "NW", legal_form=None)
    with pytest.raises(InvalidInputError) as exc:
        plan(world, cid)
    assert exc.value.code == "legal_form_first"
    cid2, _ = coop_with(world, "BY", legal_form="zweckverband")
    with pytest.raises(InvalidInputError) as exc:
        plan(world, cid2, form="gmbh")
    assert exc.value.code == "form_mismatch"
    assert exc.value.de == (
        "Die Form 'gmbh' passt nicht zur gewählten Rechtsform zweckverband (möglich: zweckverband)."
    )
    assert _count(world, FoundingPlan) == 0
    assert plan(world, cid2, form="zweckverband").form == "zweckverband"


def test_an_unknown_state_is_refused_in_one_line(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    with pytest.raises(InvalidInputError) as exc:
        plan(world, cid, state="XX")
    assert exc.value.code == "unknown_state"
    assert (
        exc.value.de == "Für das Land 'XX' gibt es kein Regelpaket (bekannt: BW, BY, HE, NI, NW)."
    )
    assert _count(world, FoundingPlan) == 0


def test_a_founding_is_planned_once(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    plan(world, cid)
    with pytest.raises(InvalidInputError) as exc:
        plan(world, cid)
    assert exc.value.code == "duplicate"
    assert _count(world, FoundingPlan) == 1


def test_acts_need_a_plan(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    with pytest.raises(InvalidInputError) as exc:
        act(world, "letter_of_intent", cid, date(2026, 1, 2))
    assert exc.value.code == "founding_not_planned"
    assert _count(world, FoundingEvent) == 0


# --- NRW: delegating agreement, deemed approval, publication, effect ----------------------


def _nrw_until_submission(w: World, **plan_kw: object) -> tuple[int, list[int]]:
    cid, mids = coop_with(w, "NW")
    plan(w, cid, **plan_kw)
    act(w, "letter_of_intent", cid, date(2026, 1, 2))
    act(w, "draft", cid, date(2026, 1, 5))
    _at(w, date(2026, 2, 4))
    for m in mids:
        resolve(w, cid, m, date(2026, 2, 2), body="Rat")
    assess_all(w, cid, date(2026, 2, 3))
    agree_clauses(w, cid, date(2026, 2, 3))
    for m in mids:
        sign(w, cid, m, date(2026, 2, 4))
    act(w, "submission", cid, date(2026, 2, 4), reference="Az. 31.2")
    return cid, mids


def test_nrw_steps_with_status_due_and_what_they_wait_for(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    plan(world, cid)
    view = founding_view(world.app, cid)
    assert [(s["step"], s["status"]) for s in view["steps"]] == [
        ("letter_of_intent", "open"),
        ("draft", "waiting"),
        ("assessment", "waiting"),
        ("resolution", "waiting"),
        ("signature", "waiting"),
        ("authority", "waiting"),
        ("publication", "waiting"),
        ("effective", "waiting"),
    ]
    assert view["steps"][3]["waits_for"] == (
        "Ratsbeschluss fehlt: Stadt Bielefeld (kein Sitzungskalender); "
        "Gemeinde Steinhagen (kein Sitzungskalender)."
    )
    assert view["steps"][5]["source"] == "§ 24 Abs. 2 GkG NRW"


def test_the_sweep_applies_the_deemed_approval_only_after_the_period(world: World) -> None:
    cid, _ = _nrw_until_submission(world)
    assert _steps(world, cid)["authority"] == ("waiting", "2026-03-04")
    _at(world, date(2026, 3, 4))  # the period's last day: not yet
    assert apply_deemed_approvals(world.app) == []
    _at(world, date(2026, 3, 5))
    assert apply_deemed_approvals(world.app) == [(cid, date(2026, 3, 4))]
    assert apply_deemed_approvals(world.app) == []  # once
    view = founding_view(world.app, cid)
    deemed = [a for a in view["acts"] if a["kind"] == "deemed_approval"]
    assert [(a["on"], a["note"]) for a in deemed] == [("2026-03-04", DEEMED_NOTE)]
    assert _steps(world, cid)["authority"] == ("done", None)


def test_an_announced_extension_adds_four_weeks(world: World) -> None:
    cid, _ = _nrw_until_submission(world)
    _at(world, date(2026, 2, 20))
    decide(world, cid, date(2026, 2, 20), "extension")
    assert _steps(world, cid)["authority"] == ("waiting", "2026-04-01")
    _at(world, date(2026, 3, 5))
    assert apply_deemed_approvals(world.app) == []


def test_an_objection_stops_the_clock_and_a_refusal_is_shown(world: World) -> None:
    cid, _ = _nrw_until_submission(world)
    _at(world, date(2026, 2, 20))
    decide(world, cid, date(2026, 2, 20), "objection")
    assert _steps(world, cid)["authority"] == ("waiting", None)
    _at(world, date(2026, 4, 5))
    assert apply_deemed_approvals(world.app) == []
    decide(world, cid, date(2026, 4, 1), "refused")
    assert _steps(world, cid)["authority"] == ("refused", None)


def test_publication_before_the_approval_is_refused_then_the_effective_date(world: World) -> None:
    cid, _ = _nrw_until_submission(world)
    _at(world, date(2026, 3, 10))
    decide(world, cid, date(2026, 3, 2), "approved_with_conditions")
    n = _count(world, FoundingEvent)
    with pytest.raises(InvalidInputError) as exc:
        act(world, "publication", cid, date(2026, 3, 1), reference="ABl. 2026 S. 12")
    assert exc.value.code == "gazette_before_approval"
    assert exc.value.de == (
        "Das Datum der Bekanntmachung (2026-03-01) liegt vor der Genehmigung (2026-03-02)."
    )
    assert _count(world, FoundingEvent) == n
    act(world, "publication", cid, date(2026, 3, 9), reference="ABl. 2026 S. 12")
    view = founding_view(world.app, cid)
    assert view["effective_on"] == "2026-03-10"
    assert view["complete"] is True
    assert _steps(world, cid)["effective"] == ("done", "2026-03-10")


def test_a_later_date_in_the_agreement_moves_the_effective_date(world: World) -> None:
    cid, _ = _nrw_until_submission(world, target_effective_on=date(2026, 6, 1))
    _at(world, date(2026, 3, 10))
    decide(world, cid, date(2026, 3, 2), "approved")
    act(world, "publication", cid, date(2026, 3, 9), reference="ABl. 2026 S. 12")
    view = founding_view(world.app, cid)
    assert (view["effective_on"], view["complete"]) == ("2026-06-01", False)
    assert _steps(world, cid)["effective"] == ("waiting", "2026-06-01")


# --- refusals: one line, nothing written --------------------------------------------------


def test_a_resolution_dated_in_the_future_is_refused(world: World) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    with pytest.raises(InvalidInputError) as exc:
        resolve(world, cid, mids[0], date(2026, 1, 6))
    assert exc.value.de == "Das Datum 2026-01-06 liegt in der Zukunft."
    assert _count(world, FoundingEvent) == 0
    resolve(world, cid, mids[0], date(2026, 1, 5))
    assert _count(world, FoundingEvent) == 1


def test_signature_needs_the_partners_resolution_and_the_assessments(world: World) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    _at(world, date(2026, 2, 4))
    resolve(world, cid, mids[0], date(2026, 2, 2))
    with pytest.raises(InvalidInputError) as exc:
        sign(world, cid, mids[0], date(2026, 2, 3))
    assert exc.value.code == "assessments_first"
    assert exc.value.de == (
        "Vor den Unterschriften fehlen die Prüfungen: vat, procurement, state_aid."
    )
    assess_all(world, cid, date(2026, 2, 3))
    agree_clauses(world, cid, date(2026, 2, 3))
    with pytest.raises(InvalidInputError) as exc:
        sign(world, cid, mids[1], date(2026, 2, 3))
    assert exc.value.code == "resolution_first"
    with pytest.raises(InvalidInputError) as exc:
        sign(world, cid, mids[0], date(2026, 2, 1))  # before its own resolution
    assert exc.value.code == "resolution_first"
    n = _count(world, FoundingEvent)
    sign(world, cid, mids[0], date(2026, 2, 3))
    assert _count(world, FoundingEvent) == n + 1


def test_a_rejected_resolution_does_not_count(world: World) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    resolve(world, cid, mids[0], date(2026, 1, 5), result="rejected")
    assess_all(world, cid, date(2026, 1, 5))
    with pytest.raises(InvalidInputError) as exc:
        sign(world, cid, mids[0], date(2026, 1, 5))
    assert exc.value.code == "resolution_first"


def test_submission_waits_for_every_resolution_and_signature(world: World) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    resolve(world, cid, mids[0], date(2026, 1, 5))
    with pytest.raises(InvalidInputError) as exc:
        act(world, "submission", cid, date(2026, 1, 5))
    assert exc.value.de == (
        "Einreichen erst nach Beschluss und Unterschrift aller Partner "
        "(fehlt: Gemeinde Steinhagen, Stadt Bielefeld)."
    )


def test_a_decision_needs_a_submission_and_an_approval_form(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    plan(world, cid)
    with pytest.raises(InvalidInputError) as exc:
        decide(world, cid, date(2026, 1, 5), "approved")
    assert exc.value.code == "decision_before_submission"


def test_a_document_that_is_not_a_file_is_refused(world: World, tmp_path: Path) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    with pytest.raises(InvalidInputError) as exc:
        resolve(world, cid, mids[0], date(2026, 1, 5), document=str(tmp_path))
    assert exc.value.de == f"Dokument {str(tmp_path)!r}: Datei nicht gefunden."
    assert _count(world, FoundingEvent) == 0


def test_a_resolution_from_the_minutes_is_on_the_chain_with_its_hash(
    world: World, tmp_path: Path
) -> None:
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    minutes = tmp_path / "protokoll.pdf"
    minutes.write_bytes(b"Niederschrift TOP 7: einstimmig beschlossen")
    row = resolve(world, cid, mids[0], date(2026, 1, 5), document=str(minutes))
    sha = "7c022091a93c47caf65a27fe833e4ee70b9bf6ee901257f42f9823cfb9ffbfb7"
    assert row.document_sha256 == sha
    assert (world.app.settings.data_dir / "documents" / sha).read_bytes() == minutes.read_bytes()
    with world.app.db.read() as s:
        rec = s.exec(
            select(FactRecord)
            .where(FactRecord.table_name == "founding_event")
            .order_by(col(FactRecord.id).desc())
        ).first()
    assert rec is not None
    assert (rec.proof_kind, rec.proof_document_sha256) == ("document", sha)
    assert verify_trail(world.app).findings == []


# --- other forms -------------------------------------------------------------------------


def test_hessen_mandating_takes_effect_once_all_resolved_signed_and_notified(world: World) -> None:
    cid, mids = coop_with(world, "HE")
    plan(world, cid, form="agreement_mandating")
    assert "publication" not in _steps(world, cid)
    _at(world, date(2026, 2, 10))
    act(world, "letter_of_intent", cid, date(2026, 1, 2))
    act(world, "draft", cid, date(2026, 1, 5))
    assess_all(world, cid, date(2026, 1, 20))
    agree_clauses(world, cid, date(2026, 1, 20))
    for m in mids:
        resolve(world, cid, m, date(2026, 2, 2))
        sign(world, cid, m, date(2026, 2, 5))
    assert founding_view(world.app, cid)["effective_on"] is None
    act(world, "submission", cid, date(2026, 2, 9))
    view = founding_view(world.app, cid)
    assert (view["authority"], view["effective_on"], view["complete"]) == (
        "notice",
        "2026-02-09",
        True,
    )


def test_nrw_gmbh_signs_six_weeks_after_the_notice_at_the_earliest(world: World) -> None:
    cid, mids = coop_with(world, "NW", legal_form="gmbh")
    plan(world, cid)
    _at(world, date(2026, 4, 1))
    assess_all(world, cid, date(2026, 2, 1))
    agree_clauses(world, cid, date(2026, 2, 1))
    for m in mids:
        resolve(world, cid, m, date(2026, 2, 2))
    with pytest.raises(InvalidInputError) as exc:
        sign(world, cid, mids[0], date(2026, 2, 3))
    assert exc.value.code == "notice_lead_time"
    act(world, "submission", cid, date(2026, 2, 10))
    # Letter of intent and draft are not recorded: the signatures wait behind them.
    assert _steps(world, cid)["signature"] == ("waiting", "2026-03-24")
    with pytest.raises(InvalidInputError) as exc:
        sign(world, cid, mids[0], date(2026, 3, 23))
    assert exc.value.de == (
        "Unterschrift erst nach der Anzeige bei der Aufsichtsbehörde (frühestens 2026-03-24)."
    )
    sign(world, cid, mids[0], date(2026, 3, 24))


def test_bayern_mandating_needs_only_notice(world: World) -> None:
    cid, _ = coop_with(world, "BY")
    plan(world, cid, form="agreement_mandating")
    view = founding_view(world.app, cid)
    assert (view["authority"], view["deemed_approval_by"], view["publication_by"]) == (
        "notice",
        None,
        "authority",
    )


def test_niedersachsen_voluntary_tasks_need_notice_mandatory_ones_approval(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    first = plan(world, cid, state="NI", voluntary_tasks=True)
    assert first.voluntary_tasks is True
    assert founding_view(world.app, cid)["authority"] == "notice"
    cid2, _ = coop_with(world, "BY")
    plan(world, cid2, state="NI")
    assert founding_view(world.app, cid2)["authority"] == "approval"


# --- the make_permanent gate -------------------------------------------------------------


def test_make_permanent_waits_for_a_planned_founding_and_its_effective_date(world: World) -> None:
    cid = coop_in(world, "evaluation")
    satisfy_make_permanent(world, cid)
    plan(world, cid, state="NW")
    with pytest.raises(GateRefusedError) as exc:
        go(world, cid, "make_permanent")
    assert [d.code for d in exc.value.details] == ["founding_incomplete"]
    mids = [p.municipality_id for p in world.partners[:2]]
    today = world.clock().date()
    act(world, "letter_of_intent", cid, today)
    act(world, "draft", cid, today)
    assess_all(world, cid, today)
    agree_clauses(world, cid, today)
    for m in mids:
        resolve(world, cid, m, today)
        sign(world, cid, m, today)
    act(world, "submission", cid, today)
    decide(world, cid, today, "approved")
    act(world, "publication", cid, today, reference="ABl. Nr. 3")
    with pytest.raises(GateRefusedError) as exc:
        go(world, cid, "make_permanent")
    assert [d.code for d in exc.value.details] == ["founding_not_effective"]
    world.clock.advance(days=1)
    go(world, cid, "make_permanent")
    assert verify_trail(world.app).findings == []


def test_make_permanent_without_a_plan_keeps_the_old_rule(world: World) -> None:
    cid = coop_in(world, "evaluation")
    satisfy_make_permanent(world, cid)
    go(world, cid, "make_permanent")
    assert _count(world, FoundingPlan) == 0


def test_assessment_answers_are_chained_and_unknown_criteria_refused(world: World) -> None:
    cid, _ = coop_with(world, "NW")
    plan(world, cid)
    with pytest.raises(InvalidInputError) as exc:
        answer(world, cid, "procurement", "cheap", True, date(2026, 1, 5))
    assert exc.value.de == (
        "Prüfung procurement kennt das Kriterium 'cheap' nicht "
        "(cooperative_concept, public_interest_only, market_share_below_20)."
    )
    with pytest.raises(InvalidInputError) as exc:
        answer(world, cid, "vat", "long_term_agreement", True, date(2026, 1, 5) + timedelta(days=1))
    assert exc.value.code == "date_in_future"
    assert _count(world, AssessmentAnswer) == 0
    answer(world, cid, "vat", "long_term_agreement", True, date(2026, 1, 5))
    with world.app.db.read() as s:
        tables = list(s.exec(select(FactRecord.table_name).where(FactRecord.cooperation_id == cid)))
    assert tables.count("assessment_answer") == 1
    assert tables.count("founding_plan") == 1


def test_the_daily_sweep_applies_and_counts_deemed_approvals(world: World) -> None:
    from ikz.review import sweep_portfolio

    cid, _ = _nrw_until_submission(world)
    _at(world, date(2026, 3, 4))
    assert sweep_portfolio(world.app, workers=1).deemed_approvals == 0
    _at(world, date(2026, 3, 5))
    assert sweep_portfolio(world.app, workers=1).deemed_approvals == 1
    assert sweep_portfolio(world.app, workers=1).deemed_approvals == 0
    assert _steps(world, cid)["authority"] == ("done", None)
    with world.app.db.read() as s:
        rec = s.exec(
            select(FactRecord)
            .where(FactRecord.table_name == "founding_event")
            .order_by(col(FactRecord.id).desc())
        ).first()
    assert rec is not None
    assert (rec.proof_kind, rec.actor_id) == ("system", None)
    assert verify_trail(world.app).findings == []


@pytest.mark.postgres
def test_a_founding_on_postgresql_is_chained_and_verifies(pg_url: str, tmp_path: Path) -> None:
    from tests.factories import make_app, make_world

    app = make_app(pg_url, tmp_path)
    try:
        w = make_world(app)
        cid, mids = _nrw_until_submission(w)
        _at(w, date(2026, 3, 5))
        assert apply_deemed_approvals(w.app) == [(cid, date(2026, 3, 4))]
        act(w, "publication", cid, date(2026, 3, 5), reference="ABl. 2026 S. 7")
        view = founding_view(w.app, cid)
        assert (view["effective_on"], view["complete"]) == ("2026-03-06", False)
        with pytest.raises(InvalidInputError):
            resolve(w, cid, mids[0], date(2026, 3, 6))  # a day ahead of the clock
        assert verify_trail(w.app).findings == []
    finally:
        app.close()


def test_a_pilot_may_start_on_the_founding_s_letter_of_intent(world: World) -> None:
    from sqlmodel import Session

    from models.cooperation import Cooperation
    from models.queries import load_snapshot, require
    from states.gates import unmet_criteria
    from states.lifecycle import Trigger

    cid, _ = coop_with(world, "NW")
    plan(world, cid)

    def codes() -> list[str]:
        with world.app.db.read() as s:
            assert isinstance(s, Session)
            snap = load_snapshot(s, require(s, Cooperation, cid))
        return [m.code for m in unmet_criteria(Trigger.START_PILOT, snap, world.clock())]

    assert "agreement_missing" in codes()
    act(world, "letter_of_intent", cid, date(2026, 1, 2))
    assert "agreement_missing" not in codes()
