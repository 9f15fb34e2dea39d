"""The funding application as a tracked process: prepared, submitted, decided, paid,
proof of use submitted and accepted; an early start held by the start_pilot gate until
the decision or a permission. Every refused step is one line and writes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from ikz.actions import funding_application as fa
from ikz.funding import PROGRAMMES_DIR
from ikz.views.audit import verify_trail
from ikz.views.funding import check_view
from models import funding_commands as c
from models.chain import FactRecord
from models.cooperation import Cooperation
from models.funding import FundingApplication, FundingStep
from models.queries import load_snapshot, require
from states.errors import InvalidInputError
from states.gates import unmet_criteria
from states.lifecycle import Trigger
from tests.factories import World, make_app, make_world
from tests.funding.helpers import coop_in


def _counts(w: World) -> tuple[int, int, int]:
    with w.app.db.read() as s:
        return (
            len(s.exec(select(FundingApplication)).all()),
            len(s.exec(select(FundingStep)).all()),
            len(s.exec(select(FactRecord)).all()),
        )


def _refused(w: World, call: Any) -> str:
    before = _counts(w)
    with pytest.raises(InvalidInputError) as exc:
        call()
    assert _counts(w) == before
    return exc.value.de


def prepare(w: World, cid: int, code: str, on: date) -> Any:
    return fa.prepare_application(
        w.app,
        c.PrepareFundingApplication(
            cooperation_id=cid, programme=code, prepared_on=on, actor_id=w.coordinator_id
        ),
    )


def step(w: World, which: str, cid: int, code: str, on: date, **kw: Any) -> Any:
    use = getattr(fa, which)
    return use(
        w.app,
        c.RecordFundingStep(
            cooperation_id=cid, programme=code, on=on, actor_id=w.coordinator_id, **kw
        ),
    )


def decide(w: World, cid: int, code: str, on: date, result: str, **kw: Any) -> Any:
    return fa.record_decision(
        w.app,
        c.RecordFundingDecision(
            cooperation_id=cid,
            programme=code,
            decided_on=on,
            result=result,  # type: ignore[arg-type]
            actor_id=w.coordinator_id,
            **kw,
        ),
    )


def pay(w: World, cid: int, code: str, on: date, amount: str) -> Any:
    return fa.record_payment(
        w.app,
        c.RecordFundingPayment(
            cooperation_id=cid,
            programme=code,
            paid_on=on,
            amount=Decimal(amount),
            actor_id=w.coordinator_id,
        ),
    )


def _start_codes(w: World, cid: int) -> list[str]:
    with w.app.db.read() as s:
        assert isinstance(s, Session)
        snap = load_snapshot(s, require(s, Cooperation, cid))
    return [m.code for m in unmet_criteria(Trigger.START_PILOT, snap, w.clock())]


D = date(2026, 1, 5)  # the world's clock


def test_bayern_from_preparation_to_the_accepted_proof(world: World) -> None:
    w = world
    cid, _ = coop_in(w, "BY", 2)
    assert _refused(w, lambda: decide(w, cid, "by_ikz", D, "approved")) == (
        f"Für Kooperation {cid} gibt es keinen Antrag auf by_ikz (ikz funding prepare)."
    )
    prepare(w, cid, "by_ikz", date(2026, 1, 2))
    assert _refused(w, lambda: prepare(w, cid, "by_ikz", D)) == (
        "Der Antrag für by_ikz ist bereits erfasst."
    )
    assert _refused(w, lambda: decide(w, cid, "by_ikz", D, "approved")) == (
        "Entscheidung vor der Einreichung des Antrags."
    )
    step(w, "submit_application", cid, "by_ikz", date(2026, 1, 3), reference="Eingang 17")
    assert _refused(w, lambda: decide(w, cid, "by_ikz", date(2026, 1, 2), "approved")) == (
        "Entscheidung vor der Einreichung des Antrags."
    )
    assert _refused(w, lambda: decide(w, cid, "by_ikz", D, "approved")) == (
        "Bewilligung ohne Betrag (--amount)."
    )
    over = lambda: decide(w, cid, "by_ikz", D, "approved", amount=Decimal("50000.01"))  # noqa: E731
    assert _refused(w, over) == (
        "Bewilligter Betrag 50000.01 € über dem Höchstbetrag des Programms (50000 €)."
    )
    quota = lambda: decide(  # noqa: E731
        w, cid, "by_ikz", D, "approved", amount=Decimal("42500"), quota=Decimal("85.5")
    )
    assert _refused(w, quota) == "Quote 85.5 % über der Höchstquote des Programms (85 %)."
    assert _refused(w, lambda: pay(w, cid, "by_ikz", D, "1")) == "Auszahlung ohne Bewilligung."
    decide(
        w, cid, "by_ikz", D, "approved",
        amount=Decimal("42500"), quota=Decimal("85"), conditions="Bericht nach zwölf Monaten",
    )  # fmt: skip
    assert _refused(w, lambda: decide(w, cid, "by_ikz", D, "refused")) == (
        "Über den Antrag ist bereits entschieden."
    )
    assert _refused(w, lambda: step(w, "record_proof_submitted", cid, "by_ikz", D)) == (
        "Verwendungsnachweis vor einer Auszahlung."
    )
    pay(w, cid, "by_ikz", D, "30000.00")
    assert _refused(w, lambda: pay(w, cid, "by_ikz", D, "12500.01")) == (
        "Ausgezahlt wären 42500.01 €, bewilligt sind 42500.00 €."
    )
    pay(w, cid, "by_ikz", D, "12500")
    assert _refused(w, lambda: step(w, "record_proof_accepted", cid, "by_ikz", D)) == (
        "Anerkennung vor dem Verwendungsnachweis."
    )
    step(w, "record_proof_submitted", cid, "by_ikz", D)
    step(w, "record_proof_accepted", cid, "by_ikz", D)
    assert _refused(w, lambda: step(w, "record_proof_accepted", cid, "by_ikz", D)) == (
        "Der Verwendungsnachweis ist bereits anerkannt."
    )
    (by,) = check_view(w.app, cid)["programmes"]
    a = by["application"]
    assert (a["status"], a["submitted_on"], a["approved_amount"], a["quota"], a["paid"]) == (
        "proof_accepted",
        "2026-01-03",
        "42500.00",
        "85.00",
        "42500.00",
    )
    assert [s["kind"] for s in a["steps"]] == [
        "submitted",
        "decided",
        "paid",
        "paid",
        "proof_submitted",
        "proof_accepted",
    ]
    assert verify_trail(w.app).findings == []


def test_bayern_holds_the_pilot_until_the_decision(world: World) -> None:
    w = world
    cid, _ = coop_in(w, "BY", 2)
    assert "funding_start_before_decision" not in _start_codes(w, cid)  # no application
    prepare(w, cid, "by_ikz", D)
    assert "funding_start_before_decision" in _start_codes(w, cid)
    step(w, "submit_application", cid, "by_ikz", D)
    assert "funding_start_before_decision" in _start_codes(w, cid)
    decide(w, cid, "by_ikz", D, "approved", amount=Decimal("40000"))
    assert "funding_start_before_decision" not in _start_codes(w, cid)


def test_an_early_start_permission_releases_the_pilot(world: World) -> None:
    w = world
    cid, _ = coop_in(w, "BY", 2)
    prepare(w, cid, "by_ikz", D)
    with w.app.db.read() as s:
        assert isinstance(s, Session)
        snap = load_snapshot(s, require(s, Cooperation, cid))
    unmet = unmet_criteria(Trigger.START_PILOT, snap, w.clock())
    (msg,) = [m for m in unmet if m.code == "funding_start_before_decision"]
    assert msg.de == (
        "Förderung interkommunaler Zusammenarbeit in Bayern (FöR-KommZ): kein Beginn vor der "
        "Förderentscheidung (oder einer Erlaubnis des vorzeitigen Beginns, ikz funding "
        "early-start)."
    )
    step(w, "permit_early_start", cid, "by_ikz", D, reference="Schreiben vom 2026-01-05")
    assert "funding_start_before_decision" not in _start_codes(w, cid)
    assert _refused(w, lambda: step(w, "permit_early_start", cid, "by_ikz", D)) == (
        "Der vorzeitige Beginn ist bereits erlaubt."
    )


def test_nrw_is_submitted_only_within_its_window(world: World) -> None:
    w = world
    cid, _ = coop_in(w, "NW", 3)
    prepare(w, cid, "nw_ikz", D)
    assert _refused(w, lambda: step(w, "submit_application", cid, "nw_ikz", D)) == (
        "2026-01-05 liegt außerhalb des Antragsfensters (2026-09-01 – 2027-03-31)."
    )
    assert _refused(w, lambda: step(w, "permit_early_start", cid, "nw_ikz", D)) == (
        "Förderung interkommunaler Zusammenarbeit in Nordrhein-Westfalen verbietet keinen "
        "frühen Beginn; keine Erlaubnis nötig."
    )
    w.clock.now = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)
    step(w, "submit_application", cid, "nw_ikz", date(2026, 9, 2))
    over = lambda: decide(  # noqa: E731
        w, cid, "nw_ikz", date(2026, 9, 2), "approved", amount=Decimal("210000.01")
    )
    assert _refused(w, over) == (
        "Bewilligter Betrag 210000.01 € über dem Höchstbetrag des Programms (210000 €)."
    )
    bad = lambda: decide(w, cid, "nw_ikz", date(2026, 9, 2), "refused", amount=Decimal("1"))  # noqa: E731
    assert _refused(w, bad) == "Eine Ablehnung hat keinen Betrag und keine Quote."
    decide(w, cid, "nw_ikz", date(2026, 9, 2), "refused")
    assert _refused(w, lambda: pay(w, cid, "nw_ikz", date(2026, 9, 2), "1")) == (
        "Auszahlung ohne Bewilligung."
    )
    (nw,) = check_view(w.app, cid)["programmes"]
    assert (nw["application"]["status"], nw["application"]["decision"]) == ("decided", "refused")
    window = next(x for x in nw["conditions"] if x["check"] == "application_window")
    assert (window["status"], window["reason"]) == (
        "met",
        "Im Antragsfenster (2026-09-01 – 2027-03-31).",
    )


def test_a_programme_of_another_state_an_unknown_one_or_a_future_date_is_refused(
    world: World,
) -> None:
    w = world
    cid, _ = coop_in(w, "BY", 2)
    assert _refused(w, lambda: prepare(w, cid, "he_ikz", D)) == (
        "Förderung der Interkommunalen Zusammenarbeit in Hessen fördert in Hessen; keine "
        "Partnerkommune liegt dort."
    )
    assert _refused(w, lambda: prepare(w, cid, "sn_ikz", D)) == (
        "Förderprogramm 'sn_ikz' gibt es nicht (bekannt: by_ikz, he_ikz, nw_ikz)."
    )
    assert _refused(w, lambda: prepare(w, cid, "by_ikz", date(2026, 1, 6))) == (
        "Das Datum 2026-01-06 liegt in der Zukunft."
    )


def test_an_expired_programme_is_not_offered(sqlite_url: str, tmp_path: Path) -> None:
    extra = tmp_path / "programme"
    extra.mkdir()
    text = (PROGRAMMES_DIR / "by.yaml").read_text(encoding="utf-8")
    (extra / "by.yaml").write_text(
        text.replace("valid_until: 2028-12-31", "valid_until: 2025-12-31"), encoding="utf-8"
    )
    app = make_app(sqlite_url, tmp_path, funding_programmes_dir=extra)
    try:
        w = make_world(app)
        cid, _ = coop_in(w, "BY", 2)
        assert _refused(w, lambda: prepare(w, cid, "by_ikz", D)) == (
            "Förderung interkommunaler Zusammenarbeit in Bayern (FöR-KommZ) ist seit "
            "2025-12-31 abgelaufen und wird nicht mehr angeboten."
        )
        (by,) = check_view(w.app, cid)["programmes"]
        assert (by["verdict"], by["verdict_label"], by["conditions"]) == (
            "expired",
            "abgelaufen, wird nicht mehr angeboten",
            [],
        )
    finally:
        app.close()
