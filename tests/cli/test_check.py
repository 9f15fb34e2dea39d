"""`ikz coop check` on the demo portfolio: green, yellow and red for reasons that hold."""

from __future__ import annotations

from typing import Any

from ikz.app import open_app
from ikz.review import review_cooperation
from tests.cli.helpers import Cli, DemoWorld


def codes(view: dict[str, Any], colour: str) -> set[str]:
    """The reason codes of the factors shown in `colour`."""
    return {r["code"] for f in view["factors"] if f["colour"] == colour for r in f["reasons"]}


def test_demo_portfolio_shows_green_yellow_and_red(demo_cli: Cli, world: DemoWorld) -> None:
    overall = {c["id"]: demo_cli.json("coop", "check", c["id"])["overall"] for c in world.coops}
    assert {"green", "yellow", "red"} <= set(overall.values())

    # The shared IT department: permanent, still meeting, told citizens, spawned a follow-up.
    it = demo_cli.json("coop", "check", world.coop_titled("Gemeinsame IT"))
    assert it["overall"] == "green"
    assert {f["colour"] for f in it["factors"]} == {"green"}
    # The Bauhof pilot: fine on the whole, but its press release never went out and after
    # well over a year there is no plan for a permanent form.
    bauhof = demo_cli.json("coop", "check", world.coop_titled("Gemeinsamer Bauhof"))
    assert bauhof["overall"] == "yellow"
    assert {"communication_not_done", "legal_form_late"} <= codes(bauhof, "yellow")
    assert codes(bauhof, "red") == set()
    # The registry office: a conflict open for a year, a year stuck in agreement.
    havel = demo_cli.json("coop", "check", world.coop_titled("Standesamt"))
    assert havel["overall"] == "red"
    assert {"conflict_old", "agreement_too_long", "exchange_silent"} <= codes(havel, "red")
    # The water cooperation went silent after its first talk.
    water = demo_cli.json("coop", "check", world.coop_titled("Wasserversorgung"))
    assert water["overall"] == "red"
    assert codes(water, "red") == {"exchange_silent"}
    # The ended procurement office is not assessed any more.
    ended = demo_cli.json("coop", "check", world.coop_in("ended"))
    assert ended["factors"] == [] and ended["summary_code"] == "ended"
    # ... and so has no colour, not even green.
    assert (ended["overall"], ended["overall_label"], ended["mark"]) == (
        None,
        "nicht bewertet",
        "–",
    )


def test_check_prints_each_factor_with_its_reasons_in_german_and_english(
    demo_cli: Cli, world: DemoWorld
) -> None:
    cid = world.coop_titled("Gemeinsamer Bauhof")
    de = demo_cli.ok("coop", "check", cid).out
    assert de.splitlines()[0] == f"#{cid} Gemeinsamer Bauhof Nord (Pilotphase)"
    assert "🟡 Gesamt gelb: 0 Faktor(en) rot, 3 gelb, 5 grün." in de
    assert "🟡 7. Langfristig denken" in de
    assert "Pilot läuft seit" in de and "ohne Plan für eine dauerhafte Rechtsform" in de
    for n in range(1, 9):
        assert f" {n}. " in de
    en = demo_cli.ok("--lang", "en", "coop", "check", cid).out
    assert "🟡 Overall yellow" in en and "Think long-term" in en
    assert "Pilot running for" in en and "Pilotphase" not in en


def test_check_json_is_one_language(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_titled("Standesamt")
    data = demo_cli.json("--lang", "en", "coop", "check", cid)
    assert set(data) >= {"id", "title", "state", "overall", "mark", "summary", "factors"}
    assert data["mark"] == "🔴" and data["overall_label"] == "red"
    assert [f["factor"] for f in data["factors"]] == list(range(1, 9))
    assert data["factors"][7]["name"] == "Resolve conflicts"
    assert data["factors"][7]["reasons"][0]["message"].startswith("Conflict #")


def test_show_includes_the_check(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_titled("Gemeinsame IT")
    assert demo_cli.json("coop", "show", cid)["check"]["overall"] == "green"
    text = demo_cli.ok("coop", "show", cid).out
    assert "Kooperations-Check:" in text and "🟢 Gesamt grün" in text


def test_check_of_an_unknown_cooperation_is_one_clean_line(demo_cli: Cli) -> None:
    res = demo_cli("coop", "check", 999)
    assert res.code != 0
    assert "Traceback" not in res.output
    assert "Kooperation mit ID 999 gibt es nicht." in res.err


def test_history_shows_the_trend_stored_by_reviews(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_titled("Wasserversorgung")
    empty = demo_cli.ok("coop", "check", cid, "--history").out
    assert "Noch kein Check gespeichert" in empty
    app = open_app(emit_events=False)
    try:
        review_cooperation(app, cid)  # red: silent since the first talk
        demo_cli.ok(
            "coop",
            "meeting",
            cid,
            "--kind",
            "informal",
            "--date",
            _today(app),
            "--actor",
            world.coordinator,
        )
        review_cooperation(app, cid)
    finally:
        app.close()
    data = demo_cli.json("coop", "check", cid, "--history")
    assert [c["overall"] for c in data["checks"]] == ["red", "yellow"]
    assert data["checks"][0]["colours"]["1"] == "red"
    assert data["checks"][1]["colours"]["1"] == "green"
    assert data["direction"] == "better"
    text = demo_cli.ok("coop", "check", cid, "--history").out
    assert "Trend: besser geworden" in text
    assert "🔴" in text and "🟡" in text
    en = demo_cli.ok("--lang", "en", "coop", "check", cid, "--history").out
    assert "Trend: improved" in en


def _today(app: Any) -> str:
    return str(app.clock().date().isoformat())
