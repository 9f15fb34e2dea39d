"""Every `ikz` command works: plain text for people, `--json` for machines, German or English."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import (
    DEFAULT_PARTNERS,
    IKZ_BIN,
    Cli,
    DemoWorld,
    load_world,
    open_coop,
    paper,
    partner_spec,
    today,
    walk,
)


def ok_line(res: Any) -> str:
    """The one confirmation line of a recording command."""
    assert res.err == "", str(res)
    lines = res.out.strip().splitlines()
    assert len(lines) == 1, str(res)
    return str(lines[0])


# --- db, demo, lifecycle ----------------------------------------------------------------


def test_db_upgrade_creates_the_database_and_is_repeatable(bare_cli: Cli) -> None:
    assert not bare_cli.db_path.exists()
    first = bare_cli.ok("db", "upgrade")
    assert re.fullmatch(r"Datenbank auf Revision \w+\.\n", first.out), str(first)
    assert bare_cli.db_path.exists()
    dump = bare_cli.dump()
    again = bare_cli.ok("--lang", "en", "db", "upgrade")
    assert again.out.startswith("Database at revision ")
    assert bare_cli.dump() == dump
    assert bare_cli.ok("coop", "list").out.strip() == "(keine Einträge)"


def test_demo_loads_on_a_fresh_data_dir_and_if_empty_keeps_it(bare_cli: Cli) -> None:
    res = bare_cli.ok("demo")  # no `db upgrade` needed: demo creates the database
    m = re.fullmatch(
        r"Demo geladen: (\d+) Kommunen, (\d+) Personen, (\d+) Kooperationen\.\n", res.out
    )
    assert m, str(res)
    munis, people, coops = (int(x) for x in m.groups())
    assert len(bare_cli.json("municipality", "list")) == munis == 21
    assert len(bare_cli.json("person", "list")) == people == 45
    assert len(bare_cli.json("coop", "list")) == coops == 13
    dump = bare_cli.dump()
    again = bare_cli.ok("demo", "--if-empty")
    assert "nicht erneut geladen" in again.out
    assert bare_cli.ok("--lang", "en", "demo", "--if-empty").out.startswith("Data present")
    assert bare_cli.dump() == dump


def test_demo_if_empty_loads_into_an_empty_database(cli: Cli) -> None:
    res = cli.ok("--lang", "en", "demo", "--if-empty")
    assert res.out.startswith("Demo loaded: 21 municipalities")


def test_lifecycle_table_and_mermaid(cli: Cli) -> None:
    text = cli.ok("lifecycle").out
    assert re.search(r"^explore\s+Informeller Kontakt -> Sondierung$", text, re.M)
    assert re.search(r"^make_permanent\s+Evaluation -> Verstetigt$", text, re.M)
    en = cli.ok("--lang", "en", "lifecycle").out
    assert re.search(r"^explore\s+Informal contact -> Exploration$", en, re.M)
    assert len(en.splitlines()) == len(text.splitlines())
    mermaid = cli.ok("lifecycle", "--mermaid").out
    assert mermaid.startswith("stateDiagram-v2")
    for edge in ("informal_contact --> exploration: explore", "paused --> ended: end"):
        assert edge in mermaid


def test_lifecycle_needs_no_database(bare_cli: Cli) -> None:
    assert bare_cli.ok("lifecycle").out
    assert not bare_cli.db_path.exists()


def test_help_lists_every_command_group(cli: Cli) -> None:
    res = cli("--help")
    assert res.code == 0
    for group in ("db", "municipality", "person", "coop", "conflict", "audit", "lifecycle", "demo"):
        assert group in res.out


# --- registry ----------------------------------------------------------------------------


def test_bootstrap_registry_on_an_empty_database(cli: Cli) -> None:
    # The very first coordinator needs no --actor; everything after that does.
    k = cli.json(
        "person", "add", "--name", "Kora Koordinatorin", "--email", "Kora@Example.org",
        "--role", "coordinator",
    )  # fmt: skip
    assert k["roles"] == ["coordinator"]
    assert k["email"] == "kora@example.org"  # stored lower-case
    text = ok_line(
        cli.ok(
            "municipality", "add", "--name", "Stadt Jena", "--ags", "16053000",
            "--population", "110700", "--kind", "stadt", "--actor", k["id"],
        )
    )  # fmt: skip
    assert re.fullmatch(r"Kommune \d+ registriert: Stadt Jena \(Thüringen\)\.", text)
    gera = cli.json(
        "municipality", "add", "--name", "Gera", "--ags", " 16052000 ", "--population", "92000",
        "--kind", "stadt", "--actor", k["id"],
    )  # fmt: skip
    assert gera["ags"] == "16052000"
    assert gera["bundesland"] == "Thüringen"
    mayor = cli.json(
        "person", "add", "--name", "Maja Mayer", "--email", "maja@gera.example.de",
        "--role", "mayor", "--role", "contact", "--municipality", gera["id"],
        "--language", "en", "--actor", k["id"],
    )  # fmt: skip
    assert mayor["roles"] == ["contact", "mayor"]
    assert mayor["municipality_id"] == gera["id"]
    assert mayor["language"] == "en"
    en = cli.ok(
        "--lang", "en", "person", "add", "--name", "Max Moderator", "--email",
        "max@example.org", "--role", "moderator", "--actor", k["id"],
    )  # fmt: skip
    assert re.fullmatch(r"Person \d+ registered: Max Moderator\.\n", en.out)

    munis = cli.json("municipality", "list")
    assert [m["name"] for m in munis] == ["Stadt Jena", "Gera"]
    assert all({"id", "ags", "bundesland", "population", "kind"} <= m.keys() for m in munis)
    people = cli.json("person", "list")
    assert [p["name"] for p in people] == ["Kora Koordinatorin", "Maja Mayer", "Max Moderator"]
    table = cli.ok("municipality", "list").out
    assert table.splitlines()[0].split() == ["ID", "Name", "AGS", "Land", "Einw.", "Art"]
    assert "16052000" in table
    assert "Thüringen" in table
    ptable = cli.ok("person", "list").out
    assert "contact,mayor" in ptable
    assert "maja@gera.example.de" in ptable


def test_registry_listings_of_the_demo(demo_cli: Cli) -> None:
    people = demo_cli.json("person", "list")
    assert all({"id", "name", "email", "roles", "municipality_id"} <= p.keys() for p in people)
    assert len({p["email"] for p in people}) == len(people)
    text = demo_cli.ok("person", "list").out
    assert len(text.strip().splitlines()) == len(people) + 1  # header + one line each
    munis = demo_cli.json("municipality", "list")
    assert {m["bundesland"] for m in munis} >= {"Schleswig-Holstein", "Thüringen", "Bayern"}


# --- cooperations -------------------------------------------------------------------------


def test_coop_open_and_partner(demo_cli: Cli, world: DemoWorld) -> None:
    k = world.coordinator
    res = demo_cli.ok(
        "coop", "open", "--title", "Gemeinsames Ordnungsamt", "--field", "Ordnung",
        "--description", "Ein Außendienst für zwei Städte", "--actor", k,
        "--partner", partner_spec(world, "Cottbus"),
        "--partner", str(world.muni["Frankfurt (Oder)"]),  # mayor and contact set later
    )  # fmt: skip
    m = re.fullmatch(r"Kooperation (\d+) eröffnet: Gemeinsames Ordnungsamt\.\n", res.out)
    assert m, str(res)
    cid = int(m.group(1))
    ffo = world.muni["Frankfurt (Oder)"]
    partners = {p["municipality_id"]: p for p in demo_cli.json("coop", "show", cid)["partners"]}
    assert partners[ffo]["mayor_id"] is None
    assert partners[ffo]["contact_id"] is None

    set_people = demo_cli.ok(
        "coop", "partner", cid, "--municipality", ffo, "--mayor", world.mayor["Frankfurt (Oder)"],
        "--contact", world.contact["Frankfurt (Oder)"], "--actor", k,
    )  # fmt: skip
    assert ok_line(set_people) == "Partner gespeichert."
    assert demo_cli.ok(
        "--lang", "en", "coop", "partner", cid, "--municipality", world.muni["Nürnberg"],
        "--actor", k,
    ).out == "Partner saved.\n"  # fmt: skip
    view = demo_cli.json("coop", "show", cid)
    partners = {p["municipality_id"]: p for p in view["partners"]}
    assert set(partners) == {world.muni["Cottbus"], ffo, world.muni["Nürnberg"]}
    assert partners[ffo]["mayor_id"] == world.mayor["Frankfurt (Oder)"]
    assert partners[ffo]["contact_id"] == world.contact["Frankfurt (Oder)"]
    assert view["state"] == "informal_contact"
    assert view["version"] == 1

    bare = demo_cli.json("coop", "open", "--title", "Ohne Partner", "--field", "IT", "--actor", k)
    assert bare["state"] == "informal_contact"
    assert {"id", "state", "version", "title"} <= bare.keys()


def test_coop_list_show_history_text_and_json(demo_cli: Cli, world: DemoWorld) -> None:
    coops = demo_cli.json("coop", "list")
    assert all({"id", "state", "title", "version", "field_of_work"} <= c.keys() for c in coops)
    states = {c["state"] for c in coops}
    assert {"informal_contact", "pilot", "permanent", "ended"} <= states
    pilots = demo_cli.json("coop", "list", "--state", "pilot")
    assert pilots
    assert {c["state"] for c in pilots} == {"pilot"}
    table = demo_cli.ok("coop", "list").out.splitlines()
    assert table[0].split() == ["ID", "Zustand", "Feld", "Titel", "Version"]
    assert len(table) == len(coops) + 1
    follow_up = next(c for c in coops if c["parent_id"] is not None)

    for c in coops:
        view = demo_cli.json("coop", "show", c["id"])
        assert view["id"] == c["id"]
        assert view["state"] == c["state"]
        assert view["version"] == c["version"]
        assert {"partners", "gates", "signals", "open_conflicts", "state_label"} <= view.keys()
        text = demo_cli.ok("coop", "show", c["id"]).out
        assert text.startswith(f"#{c['id']} {c['title']} [")
        assert f"({c['state']}), Version {c['version']}" in text
        for header in ("Partner:", "Nächste Schritte:", "Hinweise:"):
            assert header in text
        hist = demo_cli.json("coop", "history", c["id"])
        assert all({"id", "seq", "trigger", "to_state", "hash"} <= h.keys() for h in hist)
        assert [h["seq"] for h in hist] == list(range(1, len(hist) + 1))
        assert hist[0]["trigger"] == "open"
        assert hist[-1]["to_state"] == c["state"]
        assert len(hist) == c["version"]  # one audit record per version
        htext = demo_cli.ok("coop", "history", c["id"]).out.splitlines()
        assert htext[0].split()[:4] == ["#", "Zeitpunkt", "Schritt", "von"]
        assert len(htext) == len(hist) + 1

    child = demo_cli.ok("coop", "show", follow_up["id"]).out
    assert f"Folgekooperation von #{follow_up['parent_id']}" in child
    en = demo_cli.ok("--lang", "en", "coop", "show", world.coop_in("pilot")).out
    for header in ("State: Pilot (pilot)", "Partners:", "Next steps:", "Signals:"):
        assert header in en
    ended = world.coop_in("ended")
    assert "lessons_learned" in demo_cli.json("coop", "history", ended)[-1]


def test_gates_in_show_name_each_unmet_criterion(demo_cli: Cli, world: DemoWorld) -> None:
    cid = demo_cli.json(
        "coop", "open", "--title", "Halb fertig", "--field", "IT", "--actor", world.coordinator,
        "--partner", str(world.muni["Cottbus"]),
    )["id"]  # fmt: skip
    gates = {g["trigger"]: g for g in demo_cli.json("coop", "show", cid)["gates"]}
    assert not gates["explore"]["ready"]
    codes = [u["code"] for u in gates["explore"]["unmet"]]
    assert codes == ["min_two_partners", "contact_person_missing", "informal_exchange_missing"]
    text = demo_cli.ok("coop", "show", cid).out
    assert "-- explore" in text
    for code in codes:
        assert f"[{code}]" in text
    en = demo_cli.json("--lang", "en", "coop", "show", cid)
    explore = next(g for g in en["gates"] if g["trigger"] == "explore")
    assert "At least two partner municipalities" in explore["unmet"][0]["message"]


def test_full_lifecycle_through_the_cli(demo_cli: Cli, world: DemoWorld) -> None:
    cid = open_coop(demo_cli, world)
    walk(demo_cli, world, cid, "permanent")
    view = demo_cli.json("coop", "show", cid)
    assert view["state"] == "permanent"
    assert view["version"] == 6
    assert view["legal_form"] == "zweckvereinbarung"
    assert all(p["confirmed_benefit"] == "20 % gespart" for p in view["partners"])
    hist = demo_cli.json("coop", "history", cid)
    assert [h["trigger"] for h in hist] == [
        "open", "explore", "agree", "start_pilot", "evaluate", "make_permanent",
    ]  # fmt: skip
    assert "[übersteuert: pilot_min_duration]" in hist[4]["reason"]

    spawn = demo_cli.ok(
        "coop", "advance", cid, "spawn_follow_up", "--actor", world.coordinator,
        "--follow-up-title", "Gemeinsame Digitalstrategie",
    )  # fmt: skip
    m = re.search(r"Folgekooperation (\d+) eröffnet\.", spawn.out)
    assert m, str(spawn)
    child = demo_cli.json("coop", "show", int(m.group(1)))
    assert child["parent_id"] == cid
    assert child["state"] == "informal_contact"
    assert {p["municipality_id"] for p in child["partners"]} == {
        world.muni[n] for n in DEFAULT_PARTNERS
    }
    assert demo_cli.ok("audit", "verify").out.startswith("Prüfpfad in Ordnung:")


def test_advance_text_json_and_english(demo_cli: Cli, world: DemoWorld) -> None:
    cid = open_coop(demo_cli, world)
    k = world.coordinator
    res = demo_cli.ok("coop", "advance", cid, "pause", "--actor", k, "--reason", "Wahlkampf")
    assert ok_line(res) == f"Kooperation {cid}: informal_contact -> paused (Version 2)."
    data = demo_cli.json("coop", "advance", cid, "resume", "--actor", k)
    assert data["id"] == cid
    assert data["state"] == "informal_contact"
    assert data["from_state"] == "paused"
    assert data["version"] == 3
    assert data["replayed"] is False
    en = demo_cli.ok("--lang", "en", "coop", "advance", cid, "pause", "--actor", k)
    assert ok_line(en) == f"Cooperation {cid}: informal_contact -> paused (version 4)."


def test_advance_idempotency_key_replays_without_a_second_change(
    demo_cli: Cli, world: DemoWorld
) -> None:
    cid = open_coop(demo_cli, world)
    args = ("coop", "advance", cid, "pause", "--actor", world.coordinator)
    first = demo_cli.ok(*args, "--idempotency-key", "req-42")
    assert "(bereits angewendet)" not in first.out
    dump = demo_cli.dump()
    replay = demo_cli.ok(*args, "--idempotency-key", "req-42")
    assert ok_line(replay) == (
        f"Kooperation {cid}: informal_contact -> paused (Version 2) (bereits angewendet)."
    )
    data = demo_cli.json(*args, "--idempotency-key", "req-42")
    assert data["replayed"] is True
    assert data["state"] == "paused"
    assert data["version"] == 2
    en = demo_cli.ok("--lang", "en", *args, "--idempotency-key", "req-42")
    assert "(already applied)" in en.out
    assert demo_cli.dump() == dump
    assert len(demo_cli.json("coop", "history", cid)) == 2


def test_advance_with_the_expected_version(demo_cli: Cli, world: DemoWorld) -> None:
    cid = open_coop(demo_cli, world)
    version = demo_cli.json("coop", "show", cid)["version"]
    res = demo_cli.json(
        "coop", "advance", cid, "pause", "--actor", world.coordinator,
        "--expected-version", version,
    )  # fmt: skip
    assert res["version"] == version + 1


def test_side_transitions_pause_resume_rework_extend_end(demo_cli: Cli, world: DemoWorld) -> None:
    k = world.coordinator
    cid = open_coop(demo_cli, world)
    walk(demo_cli, world, cid, "pilot")

    def go(trigger: str, *extra: object) -> dict[str, Any]:
        return dict(demo_cli.json("coop", "advance", cid, trigger, "--actor", k, *extra))

    assert go("pause", "--reason", "Haushaltssperre")["state"] == "paused"
    assert demo_cli.json("coop", "show", cid)["paused_from"] == "pilot"
    assert "Pausiert aus: pilot" in demo_cli.ok("coop", "show", cid).out
    assert go("resume")["state"] == "pilot"  # back to where it left
    assert go("rework", "--reason", "Vereinbarung nachschärfen")["state"] == "agreement"
    assert go("start_pilot")["state"] == "pilot"  # the sign-offs still count
    demo_cli.ok("coop", "meeting", cid, "--kind", "steering_round", "--date", today(), "--actor", k)
    assert (
        go("evaluate", "--override", "pilot_min_duration", "--reason", "Test")["state"]
        == "evaluation"
    )
    assert go("extend_pilot", "--reason", "mehr Daten")["state"] == "pilot"
    ended = go("end", "--reason", "Ziel verfehlt", "--lessons", "Früher Nutzen klären")
    assert ended["state"] == "ended"
    last = demo_cli.json("coop", "history", cid)[-1]
    assert last["reason"] == "Ziel verfehlt"
    assert last["lessons_learned"] == "Früher Nutzen klären"
    assert [c["id"] for c in demo_cli.json("coop", "list", "--state", "ended")].count(cid) == 1


# Each recording command: arguments (given the world and a cooperation in agreement with
# the default partners), the German and the English confirmation.
RECORDS: dict[str, tuple[Any, str, str]] = {
    "goal": (
        lambda w, cid: ["goal", cid, "--text", "Gemeinsam beschaffen", "--target", "-10 %",
                        "--actor", w.coordinator],
        "Ziel erfasst", "Goal recorded",
    ),
    "benefit": (
        lambda w, cid: ["benefit", cid, "--municipality", w.muni["Cottbus"], "--text",
                        "Kosten halbiert", "--actor", w.contact["Cottbus"]],
        "Nutzen erfasst", "Benefit recorded",
    ),
    "benefit-confirmed": (
        lambda w, cid: ["benefit", cid, "--municipality", w.muni["Cottbus"], "--text",
                        "Kosten halbiert", "--confirmed", "--actor", w.mayor["Cottbus"]],
        "Nutzen erfasst", "Benefit recorded",
    ),
    "meeting": (
        lambda w, cid: ["meeting", cid, "--kind", "retreat", "--date", "2026-01-05",
                        "--attendee", w.mayor["Cottbus"], "--attendee", w.contact["Cottbus"],
                        "--notes", "Klausur", "--actor", w.contact["Cottbus"]],
        "Treffen erfasst", "Meeting recorded",
    ),
    "agreement": (
        lambda w, cid: ["agreement", cid, "--kind", "letter_of_intent", "--title",
                        "Absichtserklärung", "--signed-by", w.muni["Cottbus"],
                        "--effective", "2026-02-01", "--actor", w.coordinator],
        "Vereinbarung erfasst", "Agreement recorded",
    ),
    "signoff": (  # PAPER: a scanned paper sign-off (see test_recording_commands)
        lambda w, cid: ["signoff", cid, "--municipality", w.muni["Cottbus"], "--note", "ok",
                        "--document", "PAPER", "--actor", w.coordinator],
        "Freigabe erfasst", "Sign-off recorded",
    ),
    "staff": (
        lambda w, cid: ["staff", cid, "--description", "Personalversammlung", "--date",
                        "2026-01-05", "--municipality", w.muni["Cottbus"],
                        "--actor", w.mayor["Cottbus"]],
        "Beteiligung erfasst", "Staff involvement recorded",
    ),
    "communication": (
        lambda w, cid: ["communication", cid, "--kind", "info_event", "--status", "done",
                        "--title", "Bürgerabend", "--date", "2026-01-20",
                        "--actor", w.contact["Cottbus"]],
        "Maßnahme erfasst", "Communication recorded",
    ),
    "success": (
        lambda w, cid: ["success", cid, "--what", "Schneller Winterdienst", "--metric",
                        "Minuten", "--value", "45", "--visible", "Amtsblatt",
                        "--actor", w.coordinator],
        "Erfolg erfasst", "Success recorded",
    ),
    "decision": (
        lambda w, cid: ["decision", cid, "--subject", "Standort des Bauhofs", "--date",
                        "2026-01-05", "--benefits", w.muni["Cottbus"],
                        "--concedes", w.muni["Frankfurt (Oder)"], "--concession",
                        "Leitung geht nach Frankfurt", "--actor", w.coordinator],
        "Entscheidung erfasst", "Decision recorded",
    ),
    "report": (
        lambda w, cid: ["report", cid, "--summary", "Pilot läuft gut", "--actor", w.coordinator],
        "Bericht erfasst", "Report recorded",
    ),
    "legal-form": (
        lambda w, cid: ["legal-form", cid, "zweckverband", "--actor", w.coordinator],
        "Rechtsform gewählt", "Legal form chosen",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(RECORDS))
def test_recording_commands(demo_cli: Cli, world: DemoWorld, name: str) -> None:
    build, de, en = RECORDS[name]
    cid = open_coop(demo_cli, world)
    scan = paper(demo_cli, f"freigabe-{cid}.pdf")
    args = ["coop", *(scan if a == "PAPER" else a for a in build(world, cid))]
    before = demo_cli.dump()
    line = ok_line(demo_cli.ok(*args))
    assert re.fullmatch(rf"{de} \(ID \d+\)\.", line), line
    assert demo_cli.dump() != before
    if name != "signoff":  # a second sign-off for the same gate is refused (see bad input)
        line = ok_line(demo_cli.ok("--lang", "en", *args))
        assert re.fullmatch(rf"{en} \(id \d+\)\.", line), line


def test_recordings_show_up_in_the_view(demo_cli: Cli, world: DemoWorld) -> None:
    cid = open_coop(demo_cli, world)
    for name in ("goal", "benefit", "benefit-confirmed", "success", "legal-form"):
        demo_cli.ok("coop", *RECORDS[name][0](world, cid))
    view = demo_cli.json("coop", "show", cid)
    cottbus = next(p for p in view["partners"] if p["municipality_id"] == world.muni["Cottbus"])
    assert cottbus["stated_benefit"] == "Kosten halbiert"
    assert cottbus["confirmed_benefit"] == "Kosten halbiert"
    assert view["legal_form"] == "zweckverband"
    explore = next(g for g in view["gates"] if g["trigger"] == "explore")
    assert [u["code"] for u in explore["unmet"]] == ["informal_exchange_missing"]


# --- conflicts, audit ----------------------------------------------------------------------


def test_conflict_raise_escalate_resolve_list(demo_cli: Cli, world: DemoWorld) -> None:
    cid = open_coop(demo_cli, world)
    raised = demo_cli.ok(
        "conflict", "raise", cid, "--subject", "Verteilung der Kosten",
        "--actor", world.contact["Cottbus"],
    )  # fmt: skip
    m = re.fullmatch(r"Konflikt gemeldet \(ID (\d+)\)\.\n", raised.out)
    assert m, str(raised)
    conflict = int(m.group(1))
    listed = demo_cli.json("conflict", "list", "--coop", cid)
    assert [(c["id"], c["level"], c["status"]) for c in listed] == [(conflict, "raised", "open")]
    assert conflict in [c["id"] for c in demo_cli.json("conflict", "list")]
    levels = []
    for _ in range(3):
        res = demo_cli.ok("conflict", "escalate", conflict, "--actor", world.coordinator)
        assert ok_line(res) == f"Konflikt eskaliert (ID {conflict})."
        levels.append(demo_cli.json("conflict", "list", "--coop", cid)[0]["level"])
    assert levels == ["contact_talks", "steering_round", "moderation"]
    view = demo_cli.json("coop", "show", cid)
    assert view["open_conflicts"] == [{"id": conflict, "level": "moderation"}]
    assert f"Offene Konflikte: #{conflict} (moderation)" in demo_cli.ok("coop", "show", cid).out
    # From the moderation level on, the neutral moderator acts, once assigned.
    refused = demo_cli(
        "--lang", "en", "conflict", "resolve", conflict, "--resolution", "x",
        "--actor", world.moderator,
    )  # fmt: skip
    assert refused.code == 7
    assert refused.err == (
        "Error: Not allowed: from the moderation level on only the assigned moderator "
        "(or a coordinator) acts.\n"
    )
    demo_cli.ok(
        "conflict", "schedule", conflict, "--starts-at", "2099-01-05T10:00:00+01:00",
        "--moderator", world.moderator, "--actor", world.coordinator,
    )  # fmt: skip
    res = demo_cli.ok(
        "--lang", "en", "conflict", "resolve", conflict, "--resolution", "Kosten nach Einwohnern",
        "--actor", world.moderator,
    )  # fmt: skip
    assert ok_line(res) == f"Conflict resolved (id {conflict})."
    done = demo_cli.json("conflict", "list", "--coop", cid)[0]
    assert done["status"] == "resolved"
    assert done["resolution"] == "Kosten nach Einwohnern"
    table = demo_cli.ok("conflict", "list", "--coop", cid).out.splitlines()
    assert table[0].split() == ["ID", "Koop.", "Stufe", "Status", "Gegenstand"]
    assert "resolved" in table[1]
    assert "Verteilung der Kosten" in table[1]


def test_conflict_escalation_to_the_mayors_by_the_moderator(
    demo_cli: Cli, world: DemoWorld
) -> None:
    cid = open_coop(demo_cli, world)
    demo_cli.ok("conflict", "raise", cid, "--subject", "Standort", "--actor", world.coordinator)
    conflict = demo_cli.json("conflict", "list", "--coop", cid)[0]["id"]
    for _ in range(3):
        demo_cli.ok("conflict", "escalate", conflict, "--actor", world.coordinator)
    demo_cli.ok(
        "conflict", "schedule", conflict, "--starts-at", "2099-01-05T10:00:00+01:00",
        "--moderator", world.moderator, "--actor", world.coordinator,
    )  # fmt: skip
    demo_cli.ok("conflict", "escalate", conflict, "--actor", world.moderator)
    assert demo_cli.json("conflict", "list", "--coop", cid)[0]["level"] == "mayors"


def test_audit_verify_counts_every_record(demo_cli: Cli) -> None:
    coops = demo_cli.json("coop", "list")
    total = sum(len(demo_cli.json("coop", "history", c["id"])) for c in coops)
    # Every conflict step is on its conflict's chain, checked as well.
    total += sum(
        len(demo_cli.json("conflict", "history", k["id"]))
        for k in demo_cli.json("conflict", "list")
    )
    facts = demo_cli.json("audit", "verify")["facts"]
    assert facts > total  # every fact the gates read is on a chain as well
    assert demo_cli.ok("audit", "verify").out == (
        f"Prüfpfad in Ordnung: {total} Einträge geprüft, {facts} Fakten; "
        "kein Anker (ikz audit anchor).\n"
    )
    en = demo_cli.ok("--lang", "en", "audit", "verify").out
    assert en == (
        f"Audit trail intact: {total} records checked, {facts} facts; "
        "no anchor (ikz audit anchor).\n"
    )


def test_world_ids_come_from_the_listings(demo_cli: Cli) -> None:
    w = load_world(demo_cli)
    people = {p["id"]: p for p in w.people}
    assert "coordinator" in people[w.coordinator]["roles"]
    assert "moderator" in people[w.moderator]["roles"]
    for name, mid in w.muni.items():
        assert people[w.mayor[name]]["municipality_id"] == mid
        assert "contact" in people[w.contact[name]]["roles"]


def test_json_output_is_pure_json(demo_cli: Cli, world: DemoWorld) -> None:
    for args in (
        ("coop", "list"),
        ("coop", "show", world.coop_in("pilot")),
        ("coop", "history", world.coop_in("pilot")),
        ("conflict", "list"),
        ("person", "list"),
        ("municipality", "list"),
    ):
        res = demo_cli.ok(*args, "--json")
        assert res.err == ""
        json.loads(res.out)  # nothing but JSON on stdout


# --- real processes ------------------------------------------------------------------------


def _run(
    data_dir: Path, *args: object, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("IKZ_", "PREFECT_API"))}
    env = {**clean, "IKZ_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run(
        [str(IKZ_BIN), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_end_to_end_in_real_processes(tmp_path: Path) -> None:
    data = tmp_path / "ikz-data"
    up = _run(data, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert (data / "ikz.sqlite3").exists()
    demo = _run(data, "demo", "--if-empty")
    assert demo.returncode == 0, demo.stderr
    coops = json.loads(_run(data, "coop", "list", "--json").stdout)
    assert len(coops) == 13
    pilot = next(c for c in coops if c["state"] == "pilot")
    show = _run(data, "--lang", "en", "coop", "show", pilot["id"])
    assert show.returncode == 0, show.stderr
    assert "Next steps:" in show.stdout
    missing = _run(data, "coop", "show", "9999")
    assert missing.returncode == 3
    assert missing.stderr.strip() == "Fehler: Kooperation mit ID 9999 gibt es nicht."
    people = json.loads(_run(data, "person", "list", "--json").stdout)
    mayor = next(p["id"] for p in people if "mayor" in p["roles"])
    refused = _run(data, "coop", "advance", pilot["id"], "pause", "--actor", mayor)
    assert refused.returncode == 7
    assert refused.stderr.startswith("Fehler: Nicht erlaubt: ")
    assert len(refused.stderr.strip().splitlines()) == 1
    for proc in (up, demo, show, missing, refused):
        assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "argv", "code", "message"),
    [
        ({}, ["coop", "list"], 1, "Fehler: Keine Datenbank unter "),
        (
            {"IKZ_DATABASE_URL": "foo://host/db"},
            ["db", "upgrade"],
            2,
            "Fehler: Ungültige Datenbank-URL",
        ),
        (
            {"IKZ_PILOT_MIN_DAYS": "-1"},
            ["coop", "list"],
            1,
            "Fehler: Ungültige Einstellung: IKZ_PILOT_MIN_DAYS",
        ),
        (
            {},
            ["--lang", "en", "coop", "show", "x"],
            2,
            "Error: Invalid value for 'cooperation': 'x' is not an integer. "
            "(help: ikz coop show --help)\n",
        ),
    ],
)
def test_errors_in_real_processes(
    tmp_path: Path, env: dict[str, str], argv: list[str], code: int, message: str
) -> None:
    proc = _run(tmp_path / "data", *argv, env=env)
    assert proc.returncode == code, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith(message), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "data" / "ikz.sqlite3").exists()
