"""The demo's founding and funding cases (issue 16 item 8, issue 17 item 6), as a
coordinator sees them through the CLI: each founding situation, the Bayern early start
refused until the grant's decision, and a Hessen cooperation meeting and one missing its
savings target. Dates depend on the day the demo is loaded; relations between them do not."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from tests.cli.helpers import Cli, DemoWorld

FUERTH, NUERNBERG = 8, 15


def _step(view: dict[str, Any], step: str) -> dict[str, Any]:
    return next(s for s in view["steps"] if s["step"] == step)


def test_the_demo_has_its_new_cooperations_with_stable_ids(world: DemoWorld) -> None:
    assert [(c["id"], c["title"], c["state"]) for c in world.coops[8:]] == [
        (9, "Gemeinsame Rechnungsprüfung Bielefeld-Gütersloh", "permanent"),
        (10, "Digitales Stadtarchiv Nürnberg-Fürth", "pilot"),
        (11, "Gemeinsame Vollstreckungsstelle Paderborn-Gütersloh", "pilot"),
        (12, "Gemeinsame Personalabrechnung Mittelhessen", "pilot"),
        (13, "Gemeinsames Ordnungsamt Mittelhessen", "pilot"),
    ]


def test_a_founding_published_effective_and_made_permanent_in_nrw(demo_cli: Cli) -> None:
    view = demo_cli.json("founding", "show", 9)
    assert (view["state"], view["form"], view["complete"]) == ("NW", "agreement_delegating", True)
    assert [s["status"] for s in view["steps"]] == ["done"] * 8
    published = date.fromisoformat(_step(view, "publication")["done_on"])
    assert view["effective_on"] == (published + timedelta(days=1)).isoformat()
    approved = date.fromisoformat(_step(view, "authority")["done_on"])
    assert approved < published
    # The minutes of both councils and the authority's letter are stored with their hash.
    hashed = [a["kind"] for a in view["acts"] if a["document_sha256"]]
    assert hashed == ["resolution", "resolution", "decision"]
    history = demo_cli.json("coop", "show", 9)["history"]
    assert history[-1]["trigger"] == "make_permanent"
    assert history[-1]["at"][:10] > view["effective_on"]


def test_a_bayern_founding_waits_for_fuerths_council_with_its_calendar(demo_cli: Cli) -> None:
    view = demo_cli.json("founding", "show", 10)
    assert (view["state"], view["complete"]) == ("BY", False)
    resolution = _step(view, "resolution")
    assert resolution["status"] == "open"
    assert resolution["waits_for"].startswith("Ratsbeschluss fehlt: Fürth (Sitzung ")
    assert ", Vorlage bis " in resolution["waits_for"]
    assert date.fromisoformat(resolution["due"]) > date.today()
    resolved = [a["municipality_id"] for a in view["acts"] if a["kind"] == "resolution"]
    assert resolved == [NUERNBERG]
    assert _step(view, "signature")["status"] == "waiting"
    # The portfolio's next step names Fürth's council meeting; the NRW founding at the
    # authority has no council left to wait for.
    rows = {r["ID"]: r for r in demo_cli.json("portfolio")["rows"]}
    assert rows[10]["Nächster Schritt"].startswith("Pilot evaluieren · Rat Fürth ")
    assert rows[11]["Nächster Schritt"] == "Pilot evaluieren"


def test_an_nrw_founding_at_the_authority_with_the_deemed_approval_clock_running(
    demo_cli: Cli,
) -> None:
    view = demo_cli.json("founding", "show", 11)
    authority = _step(view, "authority")
    assert (view["state"], view["complete"], authority["status"]) == ("NW", False, "waiting")
    (submitted,) = [a["on"] for a in view["acts"] if a["kind"] == "submission"]
    due = date.fromisoformat(submitted) + timedelta(days=28)
    assert authority["due"] == view["deemed_approval_by"] == due.isoformat()
    assert due > date.today()
    assert authority["waits_for"] == (
        f"Genehmigung gilt als erteilt, wenn die Behörde bis {due.isoformat()} nichts einwendet."
    )


def test_bayern_refused_the_early_start_until_the_grants_decision(demo_cli: Cli) -> None:
    (by,) = demo_cli.json("funding", "check", 10)["programmes"]
    app = by["application"]
    assert (app["status"], app["decision"], app["approved_amount"], app["quota"]) == (
        "decided",
        "approved",
        "42500.00",
        "85.00",
    )
    assert app["early_start_on"] is None
    decided = next(s["on"] for s in app["steps"] if s["kind"] == "decided")
    start = demo_cli.json("coop", "show", 10)["history"][-1]
    assert start["trigger"] == "start_pilot"
    assert start["at"][:10] > decided
    assert start["reason"].startswith("Förderbescheid liegt vor; der Pilotstart am ")
    assert start["reason"].endswith(
        " war abgelehnt worden (kein Beginn vor der Förderentscheidung)"
    )
    # The gate's refusal, as the partners noted it when it happened (before the decision).
    conn = sqlite3.connect(demo_cli.db_path)
    try:
        notes = conn.execute(
            "SELECT held_on, notes FROM meeting WHERE cooperation_id = 10 AND notes LIKE ?",
            ("Pilotstart abgelehnt%",),
        ).fetchall()
    finally:
        conn.close()
    ((held_on, text),) = notes
    assert str(held_on) < decided
    assert text == (
        "Pilotstart abgelehnt: Förderung interkommunaler Zusammenarbeit in Bayern (FöR-KommZ): "
        "kein Beginn vor der Förderentscheidung (oder einer Erlaubnis des vorzeitigen Beginns, "
        "ikz funding early-start). Wir warten auf den Bescheid."
    )


def _savings_condition(cli: Cli, cid: int) -> dict[str, Any]:
    (he,) = cli.json("funding", "check", cid)["programmes"]
    assert he["code"] == "he_ikz"
    assert he["application"]["decision"] == "approved"
    return next(c for c in he["conditions"] if c["check"] == "min_savings_percent")


def test_hessen_one_cooperation_meets_its_15_percent_and_one_misses_it(demo_cli: Cli) -> None:
    met, missed = _savings_condition(demo_cli, 12), _savings_condition(demo_cli, 13)
    assert (met["status"], missed["status"]) == ("met", "unmet")
    totals = {}
    for cid in (12, 13):
        (year,) = demo_cli.json("funding", "savings", cid)["years"]
        totals[cid] = year["total"]
    assert (totals[12]["percent"], totals[12]["saved"]) == ("18.4", "132000.00")
    assert (totals[13]["percent"], totals[13]["saved"]) == ("7.0", "79000.00")
    assert len(demo_cli.json("coop", "show", 12)["partners"]) == 3

    def factor7(cid: int) -> dict[str, Any]:
        check = demo_cli.json("coop", "check", cid)
        return next(f for f in check["factors"] if f["factor"] == 7)

    green, yellow = factor7(12), factor7(13)
    assert green["colour"] == "green"
    (met_reason,) = [r["message"] for r in green["reasons"] if r["code"].startswith("funding")]
    assert met_reason.endswith(" 18,4 % eingespart (Ziel 15 %).")
    assert yellow["colour"] == "yellow"
    assert [r["code"] for r in yellow["reasons"]] == ["funding_savings_below_target"]
    (reason,) = [r["message"] for r in yellow["reasons"]]
    assert reason.startswith("Förderung der Interkommunalen Zusammenarbeit in Hessen: ")
    assert reason.endswith(" nur 7,0 % eingespart, zugesagt sind 15 % (Rückforderung droht).")


def test_every_act_of_the_demo_is_on_a_verified_chain(demo_cli: Cli) -> None:
    assert demo_cli.ok("audit", "verify").code == 0
