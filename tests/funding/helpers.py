"""Funding test helpers: cooperations of Hessen, Bayern and NRW partners, and costs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import select

from ikz.actions import funding as fu
from ikz.actions.cooperations import open_cooperation
from ikz.actions.directory import register_municipality
from models import commands as c
from models import funding_commands as fc
from models.registry import Municipality
from tests.factories import World

AGS = {
    "HE": [
        ("Stadt Marburg", "06534014"),
        ("Gemeinde Lahntal", "06534012"),
        ("Gemeinde Cölbe", "06534004"),
    ],
    "BY": [
        ("Stadt Erlangen", "09562000"),
        ("Markt Heroldsberg", "09572132"),
        ("Stadt Herzogenaurach", "09572135"),
    ],
    "NW": [
        ("Stadt Bielefeld", "05711000"),
        ("Gemeinde Steinhagen", "05754036"),
        ("Stadt Werther", "05754040"),
        ("Stadt Halle (Westf.)", "05754016"),
    ],
}


def coop_in(
    w: World, state: str, n: int = 2, title: str = "", field: str = "Bauhof", also: str = ""
) -> tuple[int, list[int]]:
    """A cooperation of the first `n` partners of `state` (registered if new), and the
    first partner of `also` if given (a cooperation across states)."""
    mids = []
    for name, ags in [*AGS[state][:n], *(AGS[also][:1] if also else [])]:
        with w.app.db.read() as s:
            known = s.exec(select(Municipality.id).where(Municipality.ags == ags)).first()
        if known is not None:
            mids.append(known)
            continue
        m = register_municipality(
            w.app,
            c.RegisterMunicipality(
                name=name, ags=ags, population=20_000, kind="stadt", actor_id=w.coordinator_id
            ),
        )
        assert m.id is not None
        mids.append(m.id)
    coop = open_cooperation(
        w.app,
        c.OpenCooperation(
            title=title or f"Bauhof {state}",
            field_of_work=field,
            partners=[c.PartnerInput(municipality_id=m) for m in mids],
            actor_id=w.coordinator_id,
        ),
    )
    assert coop.id is not None
    return coop.id, mids


def baseline(
    w: World, cid: int, mid: int, year: int, p: str, m: str, o: str = "0", **kw: Any
) -> Any:
    return fu.record_baseline(
        w.app,
        fc.RecordCosts(
            cooperation_id=cid,
            municipality_id=mid,
            year=year,
            personnel=Decimal(p),
            material=Decimal(m),
            one_off=Decimal(o),
            actor_id=kw.pop("actor_id", w.coordinator_id),
            **kw,
        ),
    )


def actual(w: World, cid: int, mid: int, year: int, p: str, m: str, o: str = "0", **kw: Any) -> Any:
    return fu.record_actual(
        w.app,
        fc.RecordCosts(
            cooperation_id=cid,
            municipality_id=mid,
            year=year,
            personnel=Decimal(p),
            material=Decimal(m),
            one_off=Decimal(o),
            actor_id=kw.pop("actor_id", w.coordinator_id),
            **kw,
        ),
    )
