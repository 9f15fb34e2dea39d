"""Cost baseline and actual costs: stored and summed exactly (Decimal, NUMERIC), savings
per partner and in total, corrections on the chain, and bad input refused in one line
with nothing written. On SQLite, and the exactness also on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import col, select

from ikz.views.audit import verify_trail
from ikz.views.funding import euro, savings_view
from models import funding_commands as c
from models.chain import FactRecord
from models.funding import FundingActual, FundingBaseline
from states.errors import InvalidInputError, NotFoundError, PolicyRefusedError
from states.savings import Costs, Saving
from tests.factories import World, make_app, make_world, open_coop
from tests.funding.helpers import actual, baseline, coop_in


def _rows(w: World) -> tuple[int, int, int]:
    with w.app.db.read() as s:
        return (
            len(s.exec(select(FundingBaseline)).all()),
            len(s.exec(select(FundingActual)).all()),
            len(s.exec(select(FactRecord)).all()),
        )


def test_pure_sums_are_exact() -> None:
    assert Costs(Decimal("0.1"), Decimal("0.2"), Decimal("0")).total == Decimal("0.3")
    assert 0.1 + 0.2 != 0.3  # what a float would have done
    assert Saving(Decimal("3"), Decimal("2")).percent == Decimal("33.3")
    assert Saving(Decimal("0"), Decimal("5")).percent is None
    assert Saving(Decimal("100"), Decimal("120")).saved == Decimal("-20")


def _exactness(w: World) -> None:
    cid = open_coop(w)
    m1, m2 = (p.municipality_id for p in w.partners[:2])
    w.clock.advance(days=365)  # into 2027: 2026 may have actual costs
    baseline(w, cid, m1, 2025, "0.1", "0.2", "0")
    baseline(w, cid, m2, 2025, "999999999999.99", "0.01", "0")
    actual(w, cid, m1, 2026, "0.1", "0.1", "0")
    actual(w, cid, m2, 2026, "999999999999.99", "0", "0")
    with w.app.db.read() as s:
        b = s.exec(select(FundingBaseline).order_by(col(FundingBaseline.id))).all()
    assert [(r.personnel, r.material, r.one_off) for r in b] == [
        (Decimal("0.10"), Decimal("0.20"), Decimal("0.00")),
        (Decimal("999999999999.99"), Decimal("0.01"), Decimal("0.00")),
    ]
    assert all(isinstance(r.personnel, Decimal) for r in b)
    view = savings_view(w.app, cid)
    assert view["baseline"][0]["total"] == "0.30"
    assert view["baseline"][1]["total"] == "1000000000000.00"
    y = view["years"][0]
    assert [(p["before"], p["after"], p["saved"], p["percent"]) for p in y["partners"]] == [
        ("0.30", "0.20", "0.10", "33.3"),
        ("1000000000000.00", "999999999999.99", "0.01", "0.0"),
    ]
    assert y["total"] == {
        "before": "1000000000000.30",
        "after": "1000000000000.19",
        "saved": "0.11",
        "percent": "0.0",
    }
    assert verify_trail(w.app).findings == []


def test_money_is_stored_and_summed_exactly_on_sqlite(world: World) -> None:
    _exactness(world)


@pytest.mark.postgres
def test_money_is_stored_and_summed_exactly_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    app = make_app(pg_url, tmp_path)
    try:
        _exactness(make_world(app))
    finally:
        app.close()


def test_savings_per_partner_and_in_total(world: World) -> None:
    w = world
    cid, (a, b, c3) = coop_in(w, "HE", 3)
    w.clock.advance(days=730)  # 2028-01
    baseline(w, cid, a, 2025, "80000.00", "15000.00", "5000.00")
    baseline(w, cid, b, 2025, "40000.00", "8000.00", "2000.00")
    baseline(w, cid, c3, 2025, "30000.00", "10000.00", "0")
    actual(w, cid, a, 2026, "70000.00", "12000.00", "9000.00")  # one-off costs of moving
    actual(w, cid, b, 2026, "30000.00", "6000.00", "0")
    view = savings_view(w.app, cid)
    y = view["years"][0]
    assert (y["year"], y["complete"], y["missing"], y["total"]) == (
        2026,
        False,
        ["Gemeinde Cölbe"],
        None,
    )
    assert [(p["municipality"], p["saved"], p["percent"]) for p in y["partners"]] == [
        ("Stadt Marburg", "9000.00", "9.0"),
        ("Gemeinde Lahntal", "14000.00", "28.0"),
    ]
    actual(w, cid, c3, 2026, "25000.00", "9000.00", "0")
    y = savings_view(w.app, cid)["years"][0]
    assert y["total"] == {
        "before": "190000.00",
        "after": "161000.00",
        "saved": "29000.00",
        "percent": "15.3",
    }
    assert euro(Decimal(y["total"]["saved"])) == "29.000,00 €"
    assert euro(Decimal(y["total"]["saved"]), "en") == "€29,000.00"


def test_a_second_entry_corrects_the_first_on_the_chain(world: World) -> None:
    w = world
    cid = open_coop(w)
    m = w.partners[0].municipality_id
    first = baseline(w, cid, m, 2025, "1000", "0")
    again = baseline(w, cid, m, 2025, "1200.5", "0", note="Tarifsteigerung nachgetragen")
    assert again.id == first.id
    with w.app.db.read() as s:
        row = s.get(FundingBaseline, first.id)
        recs = s.exec(
            select(FactRecord)
            .where(FactRecord.table_name == "funding_baseline")
            .order_by(col(FactRecord.seq))
        ).all()
    assert row is not None and row.personnel == Decimal("1200.50")
    assert [(r.op, r.actor_id) for r in recs] == [
        ("insert", w.coordinator_id),
        ("update", w.coordinator_id),
    ]
    assert verify_trail(w.app).findings == []


def test_a_partner_contact_enters_its_own_costs_only(world: World) -> None:
    w = world
    cid = open_coop(w)
    own, other = w.partners[0], w.partners[1]
    baseline(w, cid, own.municipality_id, 2025, "500", "50", actor_id=own.contact_id)
    baseline(w, cid, own.municipality_id, 2025, "500", "60", actor_id=own.mayor_id)
    before = _rows(w)
    with pytest.raises(PolicyRefusedError) as exc:
        baseline(w, cid, other.municipality_id, 2025, "500", "50", actor_id=own.contact_id)
    assert exc.value.de == "Nicht erlaubt: nur für die eigene Kommune."
    with pytest.raises(PolicyRefusedError):
        baseline(w, cid, own.municipality_id, 2025, "500", "50", actor_id=own.staff_id)
    assert _rows(w) == before


def test_bad_input_is_one_line_and_writes_nothing(world: World) -> None:
    w = world
    cid = open_coop(w)
    m = w.partners[0].municipality_id
    outsider = w.partners[2].municipality_id
    baseline(w, cid, m, 2025, "1000", "100")
    before = _rows(w)

    def refused(kind: type[Exception], call: object) -> str:
        with pytest.raises(kind) as exc:
            call()  # type: ignore[operator]
        assert _rows(w) == before
        return str(getattr(exc.value, "de", exc.value))

    assert refused(NotFoundError, lambda: baseline(w, cid, outsider, 2025, "1", "1")) == (
        "Kommune 3 ist kein Partner dieser Kooperation."
    )
    assert refused(InvalidInputError, lambda: actual(w, cid, m, 2027, "1", "1")) == (
        "Das Jahr 2027 liegt in der Zukunft: erfasst werden Kosten bis 2026."
    )
    assert refused(InvalidInputError, lambda: actual(w, cid, m, 2025, "1", "1")) == (
        "Ist-Jahr 2025 liegt nicht nach dem Ausgangsjahr 2025."
    )
    partner2 = w.partners[1].municipality_id
    assert refused(InvalidInputError, lambda: actual(w, cid, partner2, 2026, "1", "1")) == (
        f"Für Kommune {partner2} fehlen die Ausgangskosten: zuerst ikz funding baseline."
    )
    actual(w, cid, m, 2026, "900", "100")
    before = _rows(w)
    assert refused(InvalidInputError, lambda: baseline(w, cid, m, 2026, "1", "1")) == (
        "Ausgangsjahr 2026 liegt nicht vor den erfassten Ist-Jahren (2026)."
    )
    for bad in ("-0.01", "0.001", "NaN", "1e20"):
        with pytest.raises(ValidationError):
            c.RecordCosts(
                cooperation_id=cid,
                municipality_id=m,
                year=2025,
                personnel=bad,  # type: ignore[arg-type]
                material=Decimal("0"),
                actor_id=w.coordinator_id,
            )
    with pytest.raises(ValidationError):
        c.RecordCosts(
            cooperation_id=cid,
            municipality_id=m,
            year=1989,
            personnel=Decimal("1"),
            material=Decimal("0"),
            actor_id=w.coordinator_id,
        )
    assert _rows(w) == before


def test_a_partner_without_baseline_keeps_the_total_open(world: World) -> None:
    w = world
    cid, (a, _) = coop_in(w, "BY", 2)
    w.clock.advance(days=365)
    baseline(w, cid, a, 2025, "1000", "0")
    actual(w, cid, a, 2026, "800", "0")
    view = savings_view(w.app, cid)
    assert view["without_baseline"] == ["Markt Heroldsberg"]
    (y,) = view["years"]
    assert (y["complete"], y["missing"], y["total"]) == (False, ["Markt Heroldsberg"], None)
    assert [(p["municipality"], p["percent"]) for p in y["partners"]] == [
        ("Stadt Erlangen", "20.0")
    ]
