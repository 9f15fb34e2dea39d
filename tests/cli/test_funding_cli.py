"""`ikz funding`: programmes, baseline and actual costs, check and savings with --json;
the funding section on the cooperation's page; bad input is one line and writes nothing."""

from __future__ import annotations

from datetime import date

from ikz.cli.context import state
from ikz.review import cooperation_markdown
from tests.cli.helpers import Cli, DemoWorld

HESSEN = [
    ("Stadt Fulda", "06631009"),  # Marburg is in the demo
    ("Gemeinde Lahntal", "06534012"),
    ("Gemeinde Cölbe", "06534004"),
]


def _hessen_coop(cli: Cli, w: DemoWorld) -> tuple[int, list[int]]:
    k = w.coordinator
    mids = []
    for name, ags in HESSEN:
        m = cli.json(
            "municipality", "add", "--name", name, "--ags", ags, "--population", 20000,
            "--kind", "gemeinde", "--actor", k,
        )  # fmt: skip
        mids.append(int(m["id"]))
    args: list[object] = ["coop", "open", "--title", "Bauhof Lahn", "--field", "Bauhof"]
    for m in mids:
        args += ["--partner", m]
    coop = cli.json(*args, "--actor", k)
    return int(coop["id"]), mids


def _refused(cli: Cli, *args: object) -> str:
    before = cli.dump()
    res = cli(*args)
    assert res.code != 0, str(res)
    assert res.out == "" and "Traceback" not in res.err, str(res)
    assert len(res.err.strip().splitlines()) == 1, str(res)
    assert cli.dump() == before
    return res.err.strip()


def _costs(
    kind: str, cid: int, m: int, year: int, p: str, mat: str, one: str, k: int
) -> list[object]:
    return [
        "funding", kind, cid, "--municipality", m, "--year", year, "--personnel", p,
        "--material", mat, "--one-off", one, "--actor", k,
    ]  # fmt: skip


def test_costs_savings_and_the_check_through_the_cli(demo_cli: Cli, world: DemoWorld) -> None:
    cli, k = demo_cli, world.coordinator
    cid, (a, b, c3) = _hessen_coop(cli, world)
    res = cli.ok(*_costs("baseline", cid, a, 2024, "80000.00", "15000", "5000", k))
    assert res.out.startswith("Ausgangskosten erfasst (ID ")
    cli.ok(*_costs("baseline", cid, b, 2024, "40000", "8000", "2000", k))
    cli.ok(*_costs("baseline", cid, c3, 2024, "30000", "10000", "0", k))
    cli.ok(*_costs("actual", cid, a, 2025, "60000", "12000", "3000", k))
    cli.ok(*_costs("actual", cid, b, 2025, "30000", "6000", "0", k))
    cli.ok(*_costs("actual", cid, c3, 2025, "25000", "8000", "0.10", k))
    sav = cli.json("funding", "savings", cid)
    assert sav["years"][0]["total"] == {
        "before": "190000.00",
        "after": "144000.10",
        "saved": "45999.90",
        "percent": "24.2",
    }
    text = cli.ok("funding", "savings", cid).out
    assert "  gesamt: 190.000,00 € -> 144.000,10 €, eingespart 45.999,90 € (24,2 %)\n" in text
    check = cli.json("funding", "check", cid)
    (he,) = check["programmes"]
    assert (he["code"], he["verdict"], he["max_grant"], he["verified"]) == (
        "he_ikz",
        "open",
        None,
        False,
    )
    assert [(x["check"], x["status"]) for x in he["conditions"]] == [
        ("min_partners", "met"),
        ("min_term_years", "unknown"),
        ("min_savings_percent", "met"),
        ("council_resolutions", "unknown"),
        ("manual", "unknown"),
    ]
    assert he["conditions"][2]["reason"] == "2025: 24,2 % eingespart (verlangt: 15 %)."
    text = cli.ok("funding", "check", cid).out
    assert "he_ikz (HE): offen [ungeprüft]\n" in text
    assert "  [+] Mindestens drei beteiligte Kommunen: 3 Partner (verlangt: 3).\n" in text
    en = cli.ok("--lang", "en", "funding", "check", cid).out
    assert "he_ikz (HE): open [unverified]\n" in en
    page = cooperation_markdown(state.open(), cid)
    assert "## Förderung" in page
    assert "- ✓ Einsparung von mindestens 15 % im Jahr: 2025: 24,2 % eingespart" in page
    assert "| 2025 | **gesamt** | 190.000,00 € | 144.000,10 € | 45.999,90 € | 24,2 % |" in page
    assert cli.ok("audit", "verify").code == 0


def test_a_cooperation_without_programmes_says_so(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_in("informal_contact")  # Brandenburg: no programme shipped
    assert cli_json_programmes(demo_cli, cid) == []
    assert (
        "Kein Förderprogramm für das Land der Partner." in demo_cli.ok("funding", "check", cid).out
    )
    page = cooperation_markdown(state.open(), cid)
    assert "## Förderung" not in page


def cli_json_programmes(cli: Cli, cid: int) -> list[object]:
    return list(cli.json("funding", "check", cid)["programmes"])


def test_programmes_are_listed_with_their_status(demo_cli: Cli) -> None:
    rows = demo_cli.json("funding", "programmes")
    assert [(r["state"], r["code"], r["status"], r["max_amount"]) for r in rows] == [
        ("BY", "by_ikz", "offered", "50000"),
        ("HE", "he_ikz", "offered", None),
        ("NW", "nw_ikz", "offered", "175000"),
    ]


def test_bad_cost_input_is_one_line_and_writes_nothing(demo_cli: Cli, world: DemoWorld) -> None:
    cli, k = demo_cli, world.coordinator
    cid, (a, _, _) = _hessen_coop(cli, world)
    bad = {
        "-5": "muss mindestens 0 sein",
        "12,50": "kein Betrag (Ziffern mit Punkt, z. B. 1234.50)",
        "0.001": "höchstens 2 Nachkommastellen (Cent)",
        "1e20": "zu groß (höchstens 14 Ziffern)",
        "NaN": "keine endliche Zahl",
    }
    for value, why in bad.items():
        assert _refused(cli, *_costs("baseline", cid, a, 2024, value, "0", "0", k)) == (
            f"Fehler: Ungültige Eingabe: --personnel: {why}"
        ), value
    en = _refused(cli, "--lang", "en", *_costs("baseline", cid, a, 2024, "12,50", "0", "0", k))
    assert (
        en == "Error: Invalid input: --personnel: not an amount (digits with a point, e.g. 1234.50)"
    )
    other = world.muni["Cottbus"]
    assert _refused(cli, *_costs("baseline", cid, other, 2024, "1", "0", "0", k)) == (
        f"Fehler: Kommune {other} ist kein Partner dieser Kooperation."
    )
    assert _refused(cli, *_costs("actual", cid, a, 2025, "1", "0", "0", k)) == (
        f"Fehler: Für Kommune {a} fehlen die Ausgangskosten: zuerst ikz funding baseline."
    )
    assert _refused(cli, *_costs("baseline", cid, a, 2101, "1", "0", "0", k)) == (
        "Fehler: Ungültige Eingabe: --year: darf höchstens 2100 sein"
    )
    this_year = date.today().year  # the CLI runs on the real clock
    assert _refused(cli, *_costs("baseline", cid, a, 2099, "1", "0", "0", k)) == (
        f"Fehler: Das Jahr 2099 liegt in der Zukunft: erfasst werden Kosten bis {this_year}."
    )
    en = cli("--lang", "en", "funding", "savings", 99999)
    assert en.code == 3 and en.err.strip() == "Error: No cooperation with id 99999."


def test_an_application_through_the_cli(demo_cli: Cli, world: DemoWorld) -> None:
    cli, k = demo_cli, world.coordinator
    mids = [world.muni["Fürth"], world.muni["Schwabach"]]
    args: list[object] = ["coop", "open", "--title", "Vergabestelle", "--field", "Vergabe"]
    for m in mids:
        args += ["--partner", m]
    cid = int(cli.json(*args, "--actor", k)["id"])
    p = ["--programme", "by_ikz", "--actor", k]
    res = cli.ok("funding", "prepare", cid, "--date", "2026-03-02", *p)
    assert res.out.startswith("Förderantrag vorbereitet (ID ")
    assert _refused(
        cli, "funding", "decision", cid, "--date", "2026-03-03", "--result", "approved",
        "--amount", "40000", *p,
    ) == "Fehler: Entscheidung vor der Einreichung des Antrags."  # fmt: skip
    cli.ok("funding", "submit", cid, "--date", "2026-03-16", "--reference", "Eingang 17", *p)
    assert _refused(
        cli, "funding", "decision", cid, "--date", "2026-06-01", "--result", "approved",
        "--amount", "50000.01", *p,
    ) == (
        "Fehler: Bewilligter Betrag 50000.01 € über dem Höchstbetrag des Programms (50000 €)."
    )  # fmt: skip
    assert _refused(
        cli, "funding", "prepare", cid, "--date", "2026-03-02", "--programme", "nw_ikz",
        "--actor", k,
    ) == (
        "Fehler: Förderung interkommunaler Zusammenarbeit in Nordrhein-Westfalen fördert in "
        "Nordrhein-Westfalen; keine Partnerkommune liegt dort."
    )  # fmt: skip
    cli.ok(
        "funding", "decision", cid, "--date", "2026-06-01", "--result", "approved",
        "--amount", "42500", "--quota", "85", "--conditions", "Bericht nach zwölf Monaten", *p,
    )  # fmt: skip
    cli.ok("funding", "paid", cid, "--date", "2026-07-01", "--amount", "20000", *p)
    (by,) = cli.json("funding", "check", cid)["programmes"]
    assert (by["application"]["status"], by["application"]["paid"]) == ("paid", "20000.00")
    assert "by_ikz (BY): " in cli.ok("funding", "check", cid).out
    assert "; Antrag: ausgezahlt\n" in cli.ok("funding", "check", cid).out
    assert cli.ok("audit", "verify").code == 0
