"""The eight factors use the founding: factor 6 counts the days from the letter of
intent to the last council resolution and notes the formal steps open while the pilot
runs, factor 7 looks at the agreement's term, termination and evaluation date, factor 8
at its escalation clause; each threshold both ways, and settable through IKZ_HEALTH."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from ikz.actions.cooperations import choose_legal_form
from ikz.views.health import check_view
from models import commands as c
from states.health import HealthRules
from tests.factories import World, coop_in, make_app, make_world
from tests.founding.helpers import act, clause, coop_with, plan, resolve


def _at(w: World, day: date) -> None:
    w.clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _factor(w: World, cid: int, n: int) -> dict[str, Any]:
    return next(f for f in check_view(w.app, cid)["factors"] if f["factor"] == n)


def _found(w: World, cid: int, n: int, code: str) -> tuple[str, str]:
    """(the colour of the finding `code`, its message): a reason has the factor's colour
    (worst first, and these tests look at one limit at a time), a note is green."""
    f = _factor(w, cid, n)
    reasons = [m["message"] for m in f["reasons"] if m["code"] == code]
    notes = [m["message"] for m in f["notes"] if m["code"] == code]
    assert len(reasons + notes) == 1, (code, f)
    return (f["colour"], reasons[0]) if reasons else ("green", notes[0])


def _codes(w: World, cid: int, n: int) -> list[str]:
    f = _factor(w, cid, n)
    return [m["code"] for m in [*f["reasons"], *f["notes"]]]


# --- factor 6 ------------------------------------------------------------------------------


def test_days_from_the_letter_of_intent_to_the_last_resolution(world: World) -> None:
    _at(world, date(2026, 1, 5))
    cid, mids = coop_with(world, "NW")
    plan(world, cid)
    assert _found(world, cid, 6, "letter_of_intent_not_recorded") == (
        "green",
        "Absichtserklärung noch nicht erfasst: sie genügt für den Start eines Pilots.",
    )
    act(world, "letter_of_intent", cid, date(2026, 1, 2))
    _at(world, date(2026, 7, 1))  # 180 days: at the limit, still green
    assert _found(world, cid, 6, "resolutions_running") == (
        "green",
        "180 Tage seit der Absichtserklärung; Ratsbeschlüsse stehen aus.",
    )
    _at(world, date(2026, 7, 2))
    assert _found(world, cid, 6, "resolutions_slow") == (
        "yellow",
        "181 Tage seit der Absichtserklärung, und noch fehlen Ratsbeschlüsse (mehr als 180): "
        "die Vorlagen für die nächsten Sitzungen einreichen.",
    )
    _at(world, date(2027, 1, 3))  # 366 days
    resolve(world, cid, mids[0], date(2026, 6, 30))
    assert _found(world, cid, 6, "resolutions_slow")[0] == "red"
    resolve(world, cid, mids[1], date(2027, 1, 2))
    # Once every council has resolved, the time is a note: it cannot be shortened any more.
    assert _found(world, cid, 6, "resolutions_days") == (
        "green",
        "365 Tage von der Absichtserklärung bis zum letzten Ratsbeschluss.",
    )


def test_the_limits_are_settable(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path,
        health={"founding_warn_days": 30, "founding_red_days": 60, "min_term_years": 10},
    )
    try:
        w = make_world(app)
        _at(w, date(2026, 2, 2))
        cid, _ = coop_with(w, "NW")
        plan(w, cid)
        act(w, "letter_of_intent", cid, date(2026, 1, 2))
        assert _found(w, cid, 6, "resolutions_slow")[0] == "yellow"  # 31 days
        clause(w, cid, "term", date(2026, 2, 1), "fünf Jahre", term_years=5)
        assert _found(w, cid, 7, "term_short")[1].startswith(
            "Laufzeit nur 5 Jahre (weniger als 10): "
        )
    finally:
        app.close()
    with pytest.raises(ValueError, match="founding_warn_days"):
        HealthRules(founding_warn_days=400, founding_red_days=365)
    with pytest.raises(ValueError, match="min_term_years"):
        HealthRules(min_term_years=0)


def test_the_formal_steps_open_while_the_pilot_runs_are_a_note(world: World) -> None:
    cid = coop_in(world, "pilot")
    choose_legal_form(
        world.app,
        c.ChooseLegalForm(
            cooperation_id=cid, legal_form="zweckvereinbarung", actor_id=world.coordinator_id
        ),
    )
    plan(world, cid, state="NW")
    act(world, "letter_of_intent", cid, world.clock().date())
    assert _found(world, cid, 6, "pilot_formal_steps_open") == (
        "green",
        "Der Pilot läuft, 7 formale Schritt(e) der Gründung offen: sie laufen neben dem Pilot, "
        "nicht vor ihm.",
    )
    # Before the pilot, no such note.
    other, _ = coop_with(world, "NW")
    plan(world, other)
    assert "pilot_formal_steps_open" not in _codes(world, other, 6)


# --- factors 7 and 8 -----------------------------------------------------------------------


def test_term_termination_and_evaluation_date(world: World) -> None:
    _at(world, date(2026, 2, 4))
    cid, _ = coop_with(world, "NW")
    plan(world, cid)
    on = date(2026, 2, 3)
    f7 = _factor(world, cid, 7)
    assert f7["colour"] == "yellow"
    assert [m["code"] for m in f7["reasons"]][:3] == [
        "term_missing",
        "termination_missing",
        "evaluation_date_missing",
    ]
    assert f7["reasons"][0]["message"] == (
        "Laufzeit der Vereinbarung nicht erfasst (langfristig: mindestens 5 Jahre oder "
        "unbefristet)."
    )
    clause(world, cid, "term", on, "vier Jahre", term_years=4)
    assert _found(world, cid, 7, "term_short") == (
        "yellow",
        "Laufzeit nur 4 Jahre (weniger als 5): langfristig denken; § 2b UStG sieht erst fünf "
        "Jahre oder unbefristet als langfristig an.",
    )
    clause(world, cid, "term", on, "fünf Jahre", term_years=5)
    assert _found(world, cid, 7, "term_long")[1] == "Laufzeit: 5 Jahre."
    clause(world, cid, "term", on, "unbefristet", open_ended=True)
    assert _found(world, cid, 7, "term_long")[1] == "Laufzeit: unbefristet."
    clause(world, cid, "termination", on, "zum Jahresende", notice_months=6)
    assert _found(world, cid, 7, "termination_clause")[1] == "Kündigung geregelt (6 Monate Frist)."
    clause(world, cid, "evaluation", on, "Bericht", evaluation_on=date(2028, 12, 31))
    assert _found(world, cid, 7, "evaluation_date")[1] == "Evaluation vereinbart zum 31.12.2028."
    for code in ("term_missing", "term_short", "termination_missing", "evaluation_date_missing"):
        assert code not in _codes(world, cid, 7)


def test_an_escalation_clause_for_factor_8(world: World) -> None:
    _at(world, date(2026, 2, 4))
    cid, _ = coop_with(world, "NW")
    assert "escalation_clause_missing" not in _codes(world, cid, 8)  # no plan: nothing said
    plan(world, cid)
    assert _found(world, cid, 8, "escalation_clause_missing") == (
        "yellow",
        "Die Vereinbarung regelt keine Konfliktlösung: Eskalationsstufen vereinbaren, bevor es "
        "Streit gibt.",
    )
    clause(world, cid, "escalation", date(2026, 2, 3), "Steuerungsrunde, dann Bürgermeister")
    assert _found(world, cid, 8, "escalation_clause") == (
        "green",
        "Die Vereinbarung regelt, wie Konflikte eskaliert werden.",
    )
