"""`ikz statistics`: cooperations by task area, legal form, Land and stage; grants
applied for, approved, refused and paid; savings promised and measured, per Land and in
total, summed exactly in Decimal."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from ikz.actions.cooperations import choose_legal_form
from ikz.views.portfolio_csv import write_lines
from ikz.views.statistics import statistics_csv_lines, statistics_markdown, statistics_view
from models import commands as c
from states.statistics import MULTI, NONE, region_of
from tests.factories import World, go, open_coop, satisfy_explore
from tests.funding.helpers import actual, baseline, coop_in
from tests.funding.test_application import decide, pay, prepare, step

D = date(2026, 1, 5)


def test_a_cooperation_across_states_is_counted_once_as_such() -> None:
    assert region_of(["06534014", "06534012"]) == "HE"
    assert region_of(["06534014", "09562000"]) == MULTI
    assert region_of([]) == NONE


def _portfolio(w: World) -> dict[str, int]:
    """Hessen approved and paid, meeting 15 %; Bayern refused, 3.3 % saved; one across
    Hessen and Bayern; one in Thüringen in exploration as a Zweckverband."""
    he, he_m = coop_in(w, "HE", 3, title="Bauhof Lahn")
    prepare(w, he, "he_ikz", D)
    step(w, "submit_application", he, "he_ikz", D)
    decide(w, he, "he_ikz", D, "approved", amount=Decimal("30000.00"))
    pay(w, he, "he_ikz", D, "12000.50")
    for m in he_m:
        baseline(w, he, m, 2024, "1000", "0")
        actual(w, he, m, 2025, "850", "0")
    by, by_m = coop_in(w, "BY", 2, title="IT Franken", field="IT")
    prepare(w, by, "by_ikz", D)
    step(w, "submit_application", by, "by_ikz", D)
    decide(w, by, "by_ikz", D, "refused")
    baseline(w, by, by_m[0], 2024, "1000.05", "0.05")
    baseline(w, by, by_m[1], 2024, "2000.10", "0.10")
    actual(w, by, by_m[0], 2025, "900.00", "0.05")
    actual(w, by, by_m[1], 2025, "2000.10", "0.10")
    both, _ = coop_in(w, "HE", 1, title="Standesamt Grenzland", field="Standesamt", also="BY")
    th = open_coop(w)
    satisfy_explore(w, th)
    go(w, th, "explore")
    choose_legal_form(
        w.app,
        c.ChooseLegalForm(cooperation_id=th, legal_form="zweckverband", actor_id=w.coordinator_id),  # type: ignore[arg-type]
    )
    return {"he": he, "by": by, "both": both, "th": th}


def test_the_figures_per_land_and_in_total(world: World) -> None:
    _portfolio(world)
    view = statistics_view(world.app)
    assert view["cooperations"] == 4
    assert view["by_field_of_work"] == [
        {"code": "Bauhof", "label": "Bauhof", "count": 2},
        {"code": "IT", "label": "IT", "count": 1},
        {"code": "Standesamt", "label": "Standesamt", "count": 1},
    ]
    assert view["by_legal_form"] == [
        {"code": "none", "label": "noch keine", "count": 3},
        {"code": "zweckverband", "label": "Zweckverband", "count": 1},
    ]
    assert view["by_state"] == [
        {"code": "BY", "label": "Bayern", "count": 1},
        {"code": "HE", "label": "Hessen", "count": 1},
        {"code": "TH", "label": "Thüringen", "count": 1},
        {"code": "multi", "label": "länderübergreifend", "count": 1},
    ]
    assert view["by_stage"] == [
        {"code": "informal_contact", "label": "Informeller Kontakt", "count": 3},
        {"code": "exploration", "label": "Sondierung", "count": 1},
    ]
    total = view["funding"]["total"]
    assert total == {
        "cooperations": 4,
        "applied": 2,
        "approved": 1,
        "approved_amount": "30000.00",
        "refused": 1,
        "paid": 1,
        "paid_amount": "12000.50",
        "savings_promised": {"cooperations": 1, "amount": "450.00"},
        "savings_achieved": {
            "cooperations": 2,
            "before": "6000.30",
            "after": "5450.25",
            "saved": "550.05",
            # 550.05 / 6000.30 = 9.167 %: the per cent of the sums, not the mean of
            # 15.0 % and 3.3 %.
            "percent": "9.2",
        },
    }
    by_land = {f["code"]: f for f in view["funding"]["by_state"]}
    assert by_land["BY"]["savings_achieved"] == {
        "cooperations": 1,
        "before": "3000.30",
        "after": "2900.25",
        "saved": "100.05",
        "percent": "3.3",
    }
    assert (by_land["BY"]["approved"], by_land["BY"]["refused"]) == (0, 1)
    assert by_land["HE"]["savings_promised"] == {"cooperations": 1, "amount": "450.00"}
    assert by_land["HE"]["savings_achieved"]["percent"] == "15.0"
    assert by_land["multi"]["applied"] == 0
    assert by_land["multi"]["savings_achieved"]["percent"] is None


def test_an_empty_portfolio_has_zeros_and_no_per_cent(world: World) -> None:
    view = statistics_view(world.app)
    assert view["cooperations"] == 0
    assert view["by_state"] == []
    assert view["funding"]["total"]["approved_amount"] == "0.00"
    assert view["funding"]["total"]["savings_achieved"]["percent"] is None


def test_the_artifact_page_in_german(world: World) -> None:
    _portfolio(world)
    md = statistics_markdown(statistics_view(world.app))
    assert md.startswith("# IKZ-Statistik\n\n**4 Kooperationen**, Stand 05.01.2026.")
    assert "| länderübergreifend | 1 |" in md
    assert "| Hessen | 1 | 1 | 30.000,00 € | 0 | 1 | 12.000,50 € |" in md
    assert "| gesamt | 1 | 450,00 € | 2 | 6.000,30 € | 5.450,25 € | 550,05 € | 9,2 % |" in md
    assert "| Bayern | 0 | 0,00 € | 1 | 3.000,30 € | 2.900,25 € | 100,05 € | 3,3 % |" in md


def _csv(w: World, lang: str) -> list[list[str]]:
    buf = io.StringIO()
    write_lines(statistics_csv_lines(statistics_view(w.app, lang), lang), buf, lang)  # type: ignore[arg-type]
    text = buf.getvalue()
    assert text.startswith("\ufeff")
    sep = ";" if lang == "de" else ","
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=sep))


def test_the_csv_has_every_table_with_plain_numbers_in_either_language(world: World) -> None:
    _portfolio(world)
    de = _csv(world, "de")
    assert de[:2] == [["Nach Aufgabenfeld"], ["Aufgabenfeld", "Anzahl"]]
    grants = de.index(["Förderung"])
    assert de[grants + 1][:4] == ["Land", "beantragt", "bewilligt", "bewilligt (€)"]
    hessen = next(r for r in de[grants:] if r[0] == "Hessen")
    assert hessen == ["Hessen", "1", "1", "30000,00", "0", "1", "12000,50"]
    assert de[-1] == ["gesamt", "1", "450,00", "2", "6000,30", "5450,25", "550,05", "9,2"]
    assert de[grants - 1] == []  # a blank line between tables
    en = _csv(world, "en")
    assert en[:2] == [["By task area"], ["Task area", "Count"]]
    assert en[-1] == ["total", "1", "450.00", "2", "6000.30", "5450.25", "550.05", "9.2"]
