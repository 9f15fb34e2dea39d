"""A grant's deadlines and its commitment (issue 17, items 3 and 4): the proof of use
due on the date the decision set (or the programme's months after the last payment),
reminded ahead and once when overdue; a decision overdue after the programme's weeks;
the commitment (Zweckbindung) watched by factor 7 and shown by `ikz funding check`; and
Hessen's minimum term read from the agreement's recorded term."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import col, select

from ikz.actions.cooperations import choose_legal_form
from ikz.actions.lifecycle import advance
from ikz.mail.render import render
from ikz.review import sweep_portfolio
from ikz.views.funding import check_view, deadline_lines, funding_markdown
from ikz.views.health import check_view as health_view
from models import commands as c
from models.outbox import Notification
from models.people import Person
from states.clauses import ClauseFact
from states.funding import ApplicationSnap, StepSnap
from states.funding_deadlines import commitment_until, proof_due
from states.health.factors_funding import commitment_watch
from states.lifecycle import State
from tests.factories import World
from tests.founding.helpers import clause, plan
from tests.funding.helpers import coop_in
from tests.funding.test_application import _refused, decide, pay, prepare, step

D = date(2026, 1, 5)
HE = "Förderung der Interkommunalen Zusammenarbeit in Hessen"


def _at(w: World, day: date) -> None:
    w.clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _submitted(w: World) -> int:
    cid, _ = coop_in(w, "HE", 3)
    prepare(w, cid, "he_ikz", D)
    step(w, "submit_application", cid, "he_ikz", D)
    return cid


def _granted(w: World, **kw: object) -> int:
    cid = _submitted(w)
    decide(w, cid, "he_ikz", D, "approved", amount=Decimal("30000"), **kw)
    pay(w, cid, "he_ikz", D, "30000")
    return cid


def _application(w: World, cid: int, lang: str = "de") -> dict[str, object]:
    p = next(p for p in check_view(w.app, cid, lang)["programmes"] if p["code"] == "he_ikz")  # type: ignore[arg-type]
    return p  # type: ignore[no-any-return]


def _mails(w: World) -> list[tuple[str, str, str]]:
    """Each funding reminder: its `what`, German and English subject."""
    with w.app.db.read() as s:
        rows = s.exec(
            select(Notification)
            .where(col(Notification.kind) == "funding_deadline")
            .order_by(col(Notification.id))
        ).all()
        me = s.get(Person, w.coordinator_id)
        assert me is not None
        return [
            (
                str(n.context["what"]),
                str(render(n, me, settings=w.app.settings)["Subject"]),
                str(render(n, me, "en", settings=w.app.settings)["Subject"]),
            )
            for n in rows
        ]


def test_the_decision_sets_the_proof_deadline_and_the_check_shows_it(world: World) -> None:
    cid = _granted(world, proof_due=date(2026, 6, 30))
    app = _application(world, cid)["application"]
    assert app["proof_due"] == "2026-06-30"  # type: ignore[index]
    assert app["commitment_until"] == "2031-01-04"  # type: ignore[index]
    assert deadline_lines(app, "de") == [  # type: ignore[arg-type]
        "Verwendungsnachweis fällig am 30.06.2026.",
        f"{HE}: Zweckbindung bis 04.01.2031.",
    ]
    page = funding_markdown(world.app, cid)
    assert "- Verwendungsnachweis fällig am 30.06.2026." in page
    assert f"- {HE}: Zweckbindung bis 04.01.2031." in page
    app = _application(world, cid, "en")["application"]
    assert deadline_lines(app, "en") == [  # type: ignore[arg-type]
        "Proof of use due 2026-06-30.",
        f"{HE}: commitment until 2031-01-04.",
    ]


def test_a_bad_proof_deadline_is_refused_and_nothing_written(world: World) -> None:
    cid = _submitted(world)
    refused = lambda: decide(world, cid, "he_ikz", D, "refused", proof_due=date(2026, 6, 30))  # noqa: E731
    assert _refused(world, refused) == "Eine Ablehnung hat keine Frist für den Verwendungsnachweis."
    early = lambda: decide(  # noqa: E731
        world, cid, "he_ikz", D, "approved", amount=Decimal("1000"), proof_due=D
    )
    assert _refused(world, early) == (
        "Frist für den Verwendungsnachweis (2026-01-05) nicht nach dem Bescheid (2026-01-05)."
    )


def test_the_proof_is_reminded_thirty_days_ahead_and_once_overdue(world: World) -> None:
    _granted(world, proof_due=date(2026, 6, 30))
    _at(world, date(2026, 5, 30))  # 31 days ahead: not yet
    assert sweep_portfolio(world.app).funding_reminders == 0
    _at(world, date(2026, 5, 31))
    assert sweep_portfolio(world.app).funding_reminders == 1
    _at(world, date(2026, 6, 1))
    assert sweep_portfolio(world.app).funding_reminders == 0  # once
    _at(world, date(2026, 7, 1))
    assert sweep_portfolio(world.app).funding_reminders == 1
    _at(world, date(2026, 7, 2))
    assert sweep_portfolio(world.app).funding_reminders == 0
    assert _mails(world) == [
        (
            "proof_due",
            "[IKZ] Bauhof HE: Verwendungsnachweis fällig am 30.06.2026",
            "[IKZ] Bauhof HE: Proof of use due on 2026-06-30",
        ),
        (
            "proof_overdue",
            f"[IKZ] Bauhof HE: Verwendungsnachweis überfällig: {HE}",
            f"[IKZ] Bauhof HE: Proof of use overdue: {HE}",
        ),
    ]


def test_no_proof_reminder_once_it_is_submitted(world: World) -> None:
    cid = _granted(world, proof_due=date(2026, 6, 30))
    step(world, "record_proof_submitted", cid, "he_ikz", D)
    _at(world, date(2026, 7, 1))
    assert sweep_portfolio(world.app).funding_reminders == 0
    app = _application(world, cid)["application"]
    assert deadline_lines(app, "de")[0] == (  # type: ignore[arg-type]
        "Verwendungsnachweis fällig am 30.06.2026, eingereicht am 05.01.2026."
    )


def test_a_decision_overdue_after_the_programmes_weeks(world: World) -> None:
    _submitted(world)
    _at(world, date(2026, 4, 6))  # 13 weeks after 5 January: still expected
    assert sweep_portfolio(world.app).funding_reminders == 0
    _at(world, date(2026, 4, 7))
    assert sweep_portfolio(world.app).funding_reminders == 1
    _at(world, date(2026, 4, 8))
    assert sweep_portfolio(world.app).funding_reminders == 0
    assert _mails(world) == [
        (
            "decision_overdue",
            f"[IKZ] Bauhof HE: Förderentscheidung überfällig: {HE}",
            f"[IKZ] Bauhof HE: Funding decision overdue: {HE}",
        )
    ]


def _snap(**kw: object) -> ApplicationSnap:
    base: dict[str, object] = {
        "programme": "he_ikz",
        "programme_name": HE,
        "prepared_on": D,
        "start_forbidden_before": None,
        "max_grant": None,
        "max_quota": None,
        "window": None,
        "steps": (
            StepSnap("submitted", D),
            StepSnap("decided", D, "approved", Decimal("1000")),
            StepSnap("paid", date(2026, 8, 31), amount=Decimal("500")),
        ),
        "commitment_years": 5,
        "min_partners": 3,
    }
    return ApplicationSnap(**{**base, **kw})  # type: ignore[arg-type]


def test_the_programmes_months_count_from_the_last_payment() -> None:
    assert proof_due(_snap()) is None  # neither the decision nor the programme set one
    assert proof_due(_snap(proof_of_use_months=6)) == date(2027, 2, 28)
    assert commitment_until(_snap()) == date(2031, 1, 4)
    assert commitment_until(_snap(commitment_years=None)) is None


def test_the_commitment_watch_names_each_risk() -> None:
    today = date(2027, 1, 1)

    def codes(state: State, partners: int, term: ClauseFact | None) -> list[tuple[str, str]]:
        return [
            (colour.value, m.code)
            for colour, m in commitment_watch(_snap(), state, partners, term, today)
        ]

    three = ClauseFact("term", "drei Jahre", D, term_years=3)
    assert codes(State.PILOT, 3, None) == [("green", "commitment_running")]
    assert codes(State.PILOT, 2, None) == [("red", "commitment_partners")]
    assert codes(State.ENDED, 3, None) == [("red", "commitment_ended")]
    assert codes(State.PAUSED, 3, three) == [
        ("yellow", "commitment_paused"),
        ("yellow", "commitment_term_short"),
    ]
    open_ended = ClauseFact("term", "unbefristet", D, open_ended=True)
    assert codes(State.PILOT, 3, open_ended) == [("green", "commitment_running")]
    # After the commitment nothing is watched.
    assert commitment_watch(_snap(), State.ENDED, 1, None, date(2031, 1, 5)) == []


def _factor7(w: World, cid: int) -> tuple[str, list[tuple[str, str]]]:
    f7 = next(f for f in health_view(w.app, cid)["factors"] if f["factor"] == 7)
    found = [*f7["reasons"], *f7["notes"]]
    return f7["colour"], [
        (r["code"], r["message"]) for r in found if r["code"].startswith("commitment")
    ]


def _with_plan(w: World, cid: int) -> None:
    choose_legal_form(
        w.app,
        c.ChooseLegalForm(
            cooperation_id=cid, legal_form="zweckvereinbarung", actor_id=w.coordinator_id
        ),
    )
    plan(w, cid)


def test_factor_7_watches_the_commitment(world: World) -> None:
    cid = _granted(world)
    assert _factor7(world, cid) == (
        "green",
        [("commitment_running", f"{HE}: Zweckbindung bis 04.01.2031.")],
    )
    _with_plan(world, cid)
    clause(world, cid, "term", D, "drei Jahre", term_years=3)
    assert _factor7(world, cid) == (
        "yellow",
        [
            (
                "commitment_term_short",
                f"{HE}: Zweckbindung bis 04.01.2031, die vereinbarte Laufzeit (3 Jahre) ist "
                "kürzer als die Zweckbindung (5 Jahre).",
            )
        ],
    )
    advance(
        world.app,
        c.Advance(
            cooperation_id=cid, trigger="pause", reason="Haushalt", actor_id=world.coordinator_id
        ),
    )
    colour, found = _factor7(world, cid)
    assert (colour, [code for code, _ in found]) == (
        "yellow",
        ["commitment_paused", "commitment_term_short"],
    )


@pytest.mark.parametrize(
    ("years", "open_ended", "expected"),
    [
        (3, False, ("unmet", "Laufzeit 3 Jahre, verlangt sind mindestens 5.")),
        (10, False, ("met", "Laufzeit 10 Jahre (verlangt: 5).")),
        (None, True, ("met", "Unbefristet vereinbart (verlangt: 5 Jahre).")),
    ],
)
def test_hessens_minimum_term_is_read_from_the_recorded_term(
    world: World, years: int | None, open_ended: bool, expected: tuple[str, str]
) -> None:
    cid, _ = coop_in(world, "HE", 3)
    _with_plan(world, cid)
    term = next(
        c
        for c in _application(world, cid)["conditions"]
        if c["check"] == "min_term_years"  # type: ignore[attr-defined]
    )
    assert term["status"] == "unknown"
    if open_ended:
        clause(world, cid, "term", D, "unbefristet", open_ended=True)
    else:
        clause(world, cid, "term", D, "Jahre", term_years=years)
    term = next(
        c
        for c in _application(world, cid)["conditions"]
        if c["check"] == "min_term_years"  # type: ignore[attr-defined]
    )
    assert (term["status"], term["reason"]) == expected
