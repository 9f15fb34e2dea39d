"""`ikz founding`: plan, every act, `show --json` with status, due and what each step
waits for; bad input is one line and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.helpers import DEFAULT_PARTNERS, Cli, DemoWorld, open_coop


def _planned(cli: Cli, w: DemoWorld) -> tuple[int, list[int]]:
    cid = open_coop(cli, w)
    k = w.coordinator
    cli.ok("coop", "legal-form", cid, "zweckvereinbarung", "--actor", k)
    res = cli.ok("founding", "plan", cid, "--state", "NW", "--actor", k)
    assert re.fullmatch(r"Gründung geplant: NW, agreement_delegating \(ID \d+\)\.\n", res.out)
    return cid, [w.muni[n] for n in DEFAULT_PARTNERS]


def _refused(cli: Cli, *args: object) -> str:
    before = cli.dump()
    res = cli(*args)
    assert res.code == 2, str(res)
    assert res.out == "" and "Traceback" not in res.err, str(res)
    assert len(res.err.strip().splitlines()) == 1, str(res)
    assert cli.dump() == before
    return res.err.strip()


def test_a_founding_from_plan_to_effect_through_the_cli(
    demo_cli: Cli, world: DemoWorld, tmp_path: Path
) -> None:
    cli, k = demo_cli, world.coordinator
    cid, mids = _planned(cli, world)
    cli.ok("founding", "letter-of-intent", cid, "--date", "2026-09-01", "--actor", k)
    cli.ok("founding", "draft", cid, "--date", "2026-09-15", "--actor", k)
    minutes = tmp_path / "niederschrift.txt"
    minutes.write_text("TOP 7: beschlossen", encoding="utf-8")
    for m in mids:
        cli.ok(
            "founding", "resolution", cid, "--municipality", m, "--date", "2026-10-01",
            "--body", "Stadtrat", "--agenda-item", "TOP 7", "--document", minutes, "--actor", k,
        )  # fmt: skip
    assessed = [
        ("vat", c) for c in ("long_term_agreement", "public_interest_task",
                             "cost_reimbursement_only", "public_bodies_only",
                             "task_delegated", "below_small_amount")
    ] + [("procurement", c) for c in ("cooperative_concept", "public_interest_only",
                                      "market_share_below_20")]  # fmt: skip
    for kind, crit in assessed:
        cli.ok(
            "founding", "assess", cid, "--kind", kind, "--criterion", crit, "--answer", "ja",
            "--reason", "geprüft", "--date", "2026-10-02", "--actor", k,
        )  # fmt: skip
    cli.ok(
        "founding", "assess", cid, "--kind", "state_aid", "--criterion", "acts_on_market",
        "--answer", "nein", "--reason", "nur Eigenbedarf", "--date", "2026-10-02", "--actor", k,
    )  # fmt: skip
    err = _refused(
        cli, "founding", "signature", cid, "--municipality", mids[0], "--date", "2026-10-05",
        "--actor", k,
    )  # fmt: skip
    assert err == (
        "Fehler: Vor den Unterschriften fehlen Klauseln: Übertragene oder durchgeführte Aufgaben, "
        "Kostenerstattung / Kostenschlüssel, Laufzeit und Kündigung."
    )
    for args in (
        ("tasks", "--text", "Der Bauhof der Stadt übernimmt den Winterdienst."),
        ("cost_key", "--text", "Kosten nach Einwohnerzahl."),
        ("term", "--text", "Zehn Jahre ab Inkrafttreten.", "--years", "10"),
        ("termination", "--text", "Zum Jahresende.", "--notice-months", "12"),
    ):
        cli.ok("founding", "clause", cid, "--clause", *args, "--date", "2026-10-02", "--actor", k)
    assert cli.json("founding", "show", cid)["clauses"]["missing"] == []
    for m in mids:
        cli.ok(
            "founding", "signature", cid, "--municipality", m, "--date", "2026-10-05", "--actor", k
        )
    cli.ok(
        "founding", "submit", cid, "--received", "2026-10-06", "--reference", "Az. 1", "--actor", k
    )
    view = cli.json("founding", "show", cid)
    authority = next(s for s in view["steps"] if s["step"] == "authority")
    assert (authority["status"], authority["due"]) == ("waiting", "2026-11-03")
    assert authority["waits_for"] == (
        "Genehmigung gilt als erteilt, wenn die Behörde bis 2026-11-03 nichts einwendet."
    )
    cli.ok(
        "founding", "decision", cid, "--date", "2026-10-20", "--result", "approved", "--actor", k
    )
    err = _refused(
        cli, "founding", "publication", cid, "--date", "2026-10-19", "--gazette", "ABl. S. 5",
        "--actor", k,
    )  # fmt: skip
    assert err == (
        "Fehler: Das Datum der Bekanntmachung (2026-10-19) liegt vor der Genehmigung (2026-10-20)."
    )
    cli.ok(
        "founding", "publication", cid, "--date", "2026-10-30", "--gazette", "ABl. 2026 S. 5",
        "--actor", k,
    )  # fmt: skip
    view = cli.json("founding", "show", cid)
    assert [(s["step"], s["status"], s["due"]) for s in view["steps"]] == [
        ("letter_of_intent", "done", None),
        ("draft", "done", None),
        ("assessment", "done", None),
        ("resolution", "done", None),
        ("signature", "done", None),
        ("authority", "done", None),
        ("publication", "done", None),
        ("effective", "done", "2026-10-31"),
    ]
    assert (view["effective_on"], view["complete"]) == ("2026-10-31", True)
    resolutions = [a for a in view["acts"] if a["kind"] == "resolution"]
    assert [a["document_sha256"] for a in resolutions] == [
        "4058a28baf8363dfbba64a9b03b47527ccee3464e35a410c83be29c75eaed63a",
        "4058a28baf8363dfbba64a9b03b47527ccee3464e35a410c83be29c75eaed63a",
    ]
    text = cli.ok("founding", "show", cid).out
    assert "Wirksam ab 2026-10-31" in text
    assert cli.ok("audit", "verify").code == 0


def test_bad_founding_input_is_one_line_and_writes_nothing(
    demo_cli: Cli, world: DemoWorld, tmp_path: Path
) -> None:
    cli, k = demo_cli, world.coordinator
    cid = open_coop(cli, world)
    cli.ok("coop", "legal-form", cid, "zweckverband", "--actor", k)
    assert _refused(cli, "founding", "plan", cid, "--state", "XX", "--actor", k) == (
        "Fehler: Für das Land 'XX' gibt es kein Regelpaket (bekannt: BW, BY, HE, NI, NW)."
    )
    assert _refused(cli, "founding", "plan", cid, "--actor", k) == (
        "Fehler: Das Land lässt sich nicht aus den Partnern ableiten (verschiedene Länder oder "
        "ohne Regelpaket); bitte --state angeben."
    )
    assert _refused(
        cli, "founding", "plan", cid, "--state", "BY", "--form", "gmbh", "--actor", k
    ).startswith("Fehler: Die Form 'gmbh' passt nicht zur gewählten Rechtsform zweckverband")
    cli.ok("founding", "plan", cid, "--state", "BY", "--actor", k)
    mid = world.muni[DEFAULT_PARTNERS[0]]
    assert _refused(
        cli, "founding", "resolution", cid, "--municipality", mid, "--date", "2099-01-01",
        "--actor", k,
    ) == "Fehler: Das Datum 2099-01-01 liegt in der Zukunft."  # fmt: skip
    assert _refused(
        cli, "founding", "resolution", cid, "--municipality", mid, "--date", "2026-10-01",
        "--document", tmp_path, "--actor", k,
    ) == f"Fehler: Dokument {str(tmp_path)!r}: Datei nicht gefunden."  # fmt: skip
    assert _refused(
        cli, "founding", "assess", cid, "--kind", "vat", "--criterion", "long_term_agreement",
        "--answer", "vielleicht", "--reason", "x", "--date", "2026-10-01", "--actor", k,
    ).startswith("Fehler: ")  # fmt: skip
    en = cli("--lang", "en", "founding", "show", cid + 1000)
    assert en.code == 3 and en.err.strip() == f"Error: No cooperation with id {cid + 1000}."


def test_rules_and_criteria_are_listed(demo_cli: Cli) -> None:
    rows = demo_cli.json("founding", "rules")
    assert len(rows) == 30
    nw = next(r for r in rows if (r["state"], r["form"]) == ("NW", "zweckverband"))
    assert (nw["authority"], nw["deemed_after_days"], nw["verified"]) == ("approval", 28, False)
    crit = demo_cli.json("founding", "criteria")
    assert [c["criterion"] for c in crit if c["kind"] == "procurement"] == [
        "cooperative_concept",
        "public_interest_only",
        "market_share_below_20",
    ]


def test_a_council_calendar_is_imported_from_a_file(
    demo_cli: Cli, world: DemoWorld, tmp_path: Path
) -> None:
    cli, k = demo_cli, world.coordinator
    mid = next(iter(world.muni.values()))
    name = next(iter(world.muni))
    feed = tmp_path / "rat.ics"
    feed.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\n"
        b"BEGIN:VEVENT\r\nUID:rat-1\r\nDTSTART;VALUE=DATE:20300314\r\nSUMMARY:Rat\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    res = cli.ok("municipality", "calendar", mid, "--ics", feed, "--lead-days", 28, "--actor", k)
    assert res.out == (
        f"Sitzungskalender von {name}: 1 Sitzungen übernommen, 0 künftige entfallen; "
        "Vorlagefrist 28 Tage. Nächste erreichbare Sitzung: 14.03.2030 (Vorlage bis "
        "14.02.2030).\n"
    )
    broken = tmp_path / "kaputt.ics"
    broken.write_text("kein Kalender", encoding="utf-8")
    assert _refused(cli, "municipality", "calendar", mid, "--ics", broken, "--actor", k) == (
        "Fehler: Sitzungskalender: keine gültige iCalendar-Datei (.ics)."
    )


def test_write_draft_through_the_cli(demo_cli: Cli, world: DemoWorld, tmp_path: Path) -> None:
    cli, k = demo_cli, world.coordinator
    cid, _ = _planned(cli, world)
    cli.ok(
        "founding", "clause", cid, "--clause", "cost_key", "--text", "nach Einwohnerzahl",
        "--date", "2026-09-01", "--actor", k,
    )  # fmt: skip
    assert (
        "  Klauseln fehlen: Übertragene oder durchgeführte Aufgaben, Laufzeit und Kündigung\n"
        in cli.ok("founding", "show", cid).out
    )
    shown = cli.ok("founding", "write-draft", cid).out
    assert shown.startswith("# Öffentlich-rechtliche Vereinbarung: ")
    assert "## § 3 Kostenerstattung / Kostenschlüssel\n\nnach Einwohnerzahl\n" in shown
    out = tmp_path / "entwurf.md"
    res = cli.ok("founding", "write-draft", cid, "--out", out)
    assert res.out == (
        f"Entwurf geschrieben: {out} ({len(shown.encode())} Bytes); fehlt noch: tasks, term, "
        "termination, escalation, exit, evaluation.\n"
    )
    assert out.read_text(encoding="utf-8") == shown
    docx = tmp_path / "entwurf.docx"
    assert (
        cli.json("founding", "write-draft", cid, "--out", docx, "--format", "docx")["format"]
        == "docx"
    )
    assert docx.read_bytes()[:2] == b"PK"  # a zip, as every .docx
    for args, expected in (
        (("--format", "docx"), "Fehler: Für das Format docx bitte eine Datei mit --out angeben."),
        (
            ("--out", tmp_path / "fehlt" / "e.md"),
            f"Fehler: Das Verzeichnis '{tmp_path / 'fehlt'}' gibt es nicht.",
        ),
        (
            ("--out", tmp_path / "e.odt", "--format", "odt"),
            "Fehler: Format 'odt' gibt es nicht (möglich: md, docx).",
        ),
    ):
        assert _refused(cli, "founding", "write-draft", cid, *args) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "entwurf.docx", "entwurf.md"]
