"""The cost-sharing key: every partner's share in per cent, summing to exactly 100
(Decimal), recorded on the chain, shown beside the give-and-take ledger in factor 3, on
the cooperation's page and in the success report; bad keys refused in one line with
nothing written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import col, select

from ikz.actions.funding import record_cost_key
from ikz.cli.convert import cost_share
from ikz.reporting.report import render_markdown
from ikz.review import cooperation_markdown
from ikz.views.audit import verify_trail
from ikz.views.health import check_view
from models import funding_commands as c
from models.chain import FactRecord
from models.funding import CostShare
from states.costkey import cost_key_refusal, percent_text
from states.errors import InvalidInputError, PolicyRefusedError
from tests.factories import World, open_coop
from tests.funding.helpers import coop_in


def _key(w: World, cid: int, *shares: tuple[int, str], **kw: Any) -> Any:
    return record_cost_key(
        w.app,
        c.RecordCostKey(
            cooperation_id=cid,
            shares=[c.CostShareInput(municipality_id=m, percent=Decimal(p)) for m, p in shares],
            actor_id=kw.pop("actor_id", w.coordinator_id),
            **kw,
        ),
    )


def _rows(w: World) -> tuple[list[tuple[int, Decimal]], int]:
    with w.app.db.read() as s:
        rows = s.exec(select(CostShare).order_by(col(CostShare.id))).all()
        facts = len(s.exec(select(FactRecord)).all())
    return [(r.municipality_id, r.percent) for r in rows], facts


def _factor3(w: World, cid: int) -> list[str]:
    f3 = next(f for f in check_view(w.app, cid)["factors"] if f["factor"] == 3)
    return [r["message"] for r in [*f3["reasons"], *f3["notes"]] if r["code"] == "cost_key"]


def test_the_pure_rule_wants_every_partner_once_and_exactly_100() -> None:
    names = {1: "Marburg", 2: "Lahntal", 3: "Cölbe"}
    thirds = [(1, Decimal("33.33")), (2, Decimal("33.33")), (3, Decimal("33.34"))]
    assert cost_key_refusal(names, thirds) is None
    short = [(1, Decimal("33.33")), (2, Decimal("33.33")), (3, Decimal("33.33"))]
    why = cost_key_refusal(names, short)
    assert why is not None and why.de == "Die Anteile ergeben 99,99 %, nicht 100 %."
    assert percent_text(Decimal("60.00")) == "60 %"
    assert percent_text(Decimal("33.34"), "en") == "33.34 %"


def test_a_key_is_recorded_on_the_chain_and_shown_beside_the_ledger(world: World) -> None:
    w = world
    cid, (marburg, lahntal, coelbe) = coop_in(w, "HE", 3)
    assert _factor3(w, cid) == []  # no key yet: nothing said
    done = _key(w, cid, (coelbe, "33.34"), (marburg, "33.33"), (lahntal, "33.33"), note="gleich")
    assert done.text == "Stadt Marburg 33,33 %, Gemeinde Lahntal 33,33 %, Gemeinde Cölbe 33,34 %"
    rows, facts = _rows(w)
    assert rows == [
        (coelbe, Decimal("33.34")),
        (marburg, Decimal("33.33")),
        (lahntal, Decimal("33.33")),
    ]
    assert _factor3(w, cid) == [
        "Kostenschlüssel: Stadt Marburg 33,33 %, Gemeinde Lahntal 33,33 %, Gemeinde Cölbe 33,34 %."
    ]
    # A new key replaces the old: the rows are updated, the updates on the chain.
    _key(w, cid, (marburg, "50"), (lahntal, "30"), (coelbe, "20"))
    rows, facts_after = _rows(w)
    assert rows == [
        (coelbe, Decimal("20.00")),
        (marburg, Decimal("50.00")),
        (lahntal, Decimal("30.00")),
    ]
    assert facts_after == facts + 3
    with w.app.db.read() as s:
        ops = [
            r.op for r in s.exec(select(FactRecord).where(FactRecord.table_name == "cost_share"))
        ]
    assert ops == ["insert"] * 3 + ["update"] * 3
    assert verify_trail(w.app).ok
    page = cooperation_markdown(w.app, cid)
    assert "| Stadt Marburg | 20.000 | - | - | 50 % |" in page
    report = render_markdown(w.app, cid)
    assert "| Kommune | zu ihren Gunsten | zugestanden | Kostenanteil |" in report
    assert "| Gemeinde Cölbe | 0 | 0 | 20 % |" in report
    english = check_view(w.app, cid, "en")
    f3 = next(f for f in english["factors"] if f["factor"] == 3)
    assert "Cost-sharing key: Stadt Marburg 50 %, Gemeinde Lahntal 30 %, Gemeinde Cölbe 20 %." in [
        r["message"] for r in [*f3["reasons"], *f3["notes"]]
    ]


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ((("m0", "60"), ("m1", "30")), "Die Anteile ergeben 90 %, nicht 100 %."),
        (
            (("m0", "60"),),
            "Kostenschlüssel ohne Anteil für: Gemeinde Lahntal (jede Partnerkommune braucht einen).",
        ),
        ((("m0", "50"), ("m0", "50")), "Kommune doppelt im Kostenschlüssel: Stadt Marburg."),
        (
            (("m0", "50"), ("m1", "40"), ("stranger", "10")),
            "Keine Partnerkommune der Kooperation: {stranger}.",
        ),
    ],
)
def test_a_bad_key_is_refused_in_one_line_and_nothing_written(
    world: World, shares: tuple[tuple[str, str], ...], message: str
) -> None:
    w = world
    cid, mids = coop_in(w, "HE", 2)
    _, (stranger,) = coop_in(w, "BY", 1)
    ids = {"m0": mids[0], "m1": mids[1], "stranger": stranger}
    before = _rows(w)
    with pytest.raises(InvalidInputError) as exc:
        _key(w, cid, *((ids[m], p) for m, p in shares))
    assert exc.value.de == message.format(stranger=stranger)
    assert _rows(w) == before


def test_shares_out_of_range_a_partner_recording_it_and_a_bad_cli_form_are_refused(
    world: World,
) -> None:
    w = world
    _, mids = coop_in(w, "HE", 2)
    th = open_coop(w)
    before = _rows(w)
    for bad in ("-1", "100.01", "33.333", "NaN"):
        with pytest.raises(ValidationError):
            c.CostShareInput(municipality_id=mids[0], percent=bad)  # type: ignore[arg-type]
    # A partner's contact may enter its own costs, not the others' shares.
    jena, weimar = (p.municipality_id for p in w.partners[:2])
    with pytest.raises(PolicyRefusedError):
        _key(w, th, (jena, "50"), (weimar, "50"), actor_id=w.partners[0].contact_id)
    assert _rows(w) == before
    assert cost_share("3=33,34") == {"municipality_id": 3, "percent": "33.34"}
    with pytest.raises(InvalidInputError) as exc:
        cost_share("Marburg:50")
    assert exc.value.de == "Anteil 'Marburg:50' hat nicht die Form KOMMUNE=PROZENT (z. B. 3=33.34)."
