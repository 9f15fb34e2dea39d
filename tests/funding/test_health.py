"""The Kooperations-Check watches a grant's savings target (factor 7): below it yellow
with the figures, at or above it green, before a complete year a note; nothing without
an approved grant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ikz.views.health import check_view
from tests.factories import World
from tests.funding.helpers import actual, baseline, coop_in
from tests.funding.test_application import decide, prepare, step

D = date(2026, 1, 5)


def _factor7(w: World, cid: int) -> tuple[str, list[tuple[str, str]]]:
    f7 = next(f for f in check_view(w.app, cid)["factors"] if f["factor"] == 7)
    found = [*f7["reasons"], *f7["notes"]]
    return f7["colour"], [
        (r["code"], r["message"]) for r in found if r["code"].startswith("funding")
    ]


def _hessen_granted(w: World) -> tuple[int, list[int]]:
    cid, mids = coop_in(w, "HE", 3)
    prepare(w, cid, "he_ikz", D)
    step(w, "submit_application", cid, "he_ikz", D)
    return cid, mids


def test_a_grant_below_its_savings_target_turns_factor_7_yellow(world: World) -> None:
    w = world
    cid, mids = _hessen_granted(w)
    for m in mids:
        baseline(w, cid, m, 2024, "1000", "0")
        actual(w, cid, m, 2025, "900", "0")  # 10 %
    # Before the approval nothing is promised yet.
    assert _factor7(w, cid) == ("green", [])
    decide(w, cid, "he_ikz", D, "approved", amount=Decimal("30000"))
    assert _factor7(w, cid) == (
        "yellow",
        [
            (
                "funding_savings_below_target",
                "Förderung der Interkommunalen Zusammenarbeit in Hessen: 2025 nur 10,0 % "
                "eingespart, zugesagt sind 15 % (Rückforderung droht).",
            )
        ],
    )


def test_a_grant_meeting_its_target_is_green(world: World) -> None:
    w = world
    cid, mids = _hessen_granted(w)
    decide(w, cid, "he_ikz", D, "approved", amount=Decimal("30000"))
    colour, found = _factor7(w, cid)
    assert (colour, [code for code, _ in found]) == ("green", ["funding_savings_not_measured"])
    for m in mids:
        baseline(w, cid, m, 2024, "1000", "0")
        actual(w, cid, m, 2025, "850", "0")  # exactly 15 %
    assert _factor7(w, cid) == (
        "green",
        [
            (
                "funding_savings_target_met",
                "Förderung der Interkommunalen Zusammenarbeit in Hessen: 2025 15,0 % "
                "eingespart (Ziel 15 %).",
            )
        ],
    )
