"""`ikz portfolio --csv`: the portfolio rows plus the funding figures per cooperation,
UTF-8 with BOM, quoted by the csv module, and every cell a spreadsheet would run as a
formula shown as text instead."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from ikz.views.portfolio import portfolio_view
from ikz.views.portfolio_csv import csv_cell, safe_cell, with_funding, write_csv
from tests.factories import World
from tests.funding.helpers import actual, baseline, coop_in
from tests.funding.test_application import decide, pay, prepare, step

D = date(2026, 1, 5)


def test_formula_cells_are_escaped_and_plain_ones_left_alone() -> None:
    assert safe_cell('=HYPERLINK("http://x","klick")') == '\'=HYPERLINK("http://x","klick")'
    assert safe_cell("+49 6421 1234") == "'+49 6421 1234"
    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tx") == "'\tx"
    # Not formulas: text, numbers (a negative saving), the "-" that means nothing.
    assert safe_cell("Bauhof = gemeinsam") == "Bauhof = gemeinsam"
    assert safe_cell(Decimal("-20.00")) == "-20.00"
    assert safe_cell("-") == "-"
    assert safe_cell(7) == "7"
    assert safe_cell(None) == ""


def _csv(w: World, lang: str = "de") -> tuple[str, list[list[str]]]:
    """The CSV and its cells, read as Excel of that language reads it: `;` in German."""
    buf = io.StringIO()
    write_csv(with_funding(w.app, portfolio_view(w.app, lang=lang).rows, lang), buf, lang)  # type: ignore[arg-type]
    text = buf.getvalue()
    sep = ";" if lang == "de" else ","
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=sep))


def test_the_csv_carries_the_funding_figures_and_refuses_formulas(world: World) -> None:
    w = world
    he, mids = coop_in(w, "HE", 3, title='=HYPERLINK("http://evil.example","Bauhof")')
    prepare(w, he, "he_ikz", D)
    step(w, "submit_application", he, "he_ikz", D)
    decide(w, he, "he_ikz", D, "approved", amount=Decimal("30000.00"))
    pay(w, he, "he_ikz", D, "12000.50")
    pay(w, he, "he_ikz", D, "0.25")
    for m in mids:
        baseline(w, he, m, 2024, "1000.10", "0")
    for m, cost in zip(mids, ("850.00", "900.00", "1200.20"), strict=True):
        actual(w, he, m, 2025, cost, "0")
    by, _ = coop_in(w, "BY", 2, title='IT "Franken", Nord')
    text, rows = _csv(w)
    assert text.startswith("\ufeffID;Kooperation;Zustand;")
    head = rows[0]
    assert head[-6:] == [
        "Förderprogramm",
        "Förderstatus",
        "Bewilligt (€)",
        "Ausgezahlt (€)",
        "Einsparung (€)",
        "Einsparung (%)",
    ]
    first = dict(zip(head, rows[1], strict=True))
    assert first["Kooperation"] == '\'=HYPERLINK("http://evil.example","Bauhof")'
    assert [first[h] for h in head[-6:]] == [
        "he_ikz",
        "ausgezahlt",
        "30000,00",
        "12000,75",
        # 3000.30 before, 2950.20 after: 50.10 saved, 1.7 %: decimal commas for Excel
        "50,10",
        "1,7",
    ]
    second = dict(zip(head, rows[2], strict=True))
    assert second["Kooperation"] == 'IT "Franken", Nord'
    assert [second[h] for h in head[-6:]] == ["", "", "", "", "", ""]
    # The comma is no separator in German: only the quotes need quoting, doubled.
    assert ';"IT ""Franken"", Nord";' in text
    assert len(rows) == 3 and by > he


def test_a_saving_below_zero_stays_a_number_and_a_refusal_is_named(world: World) -> None:
    w = world
    by, mids = coop_in(w, "BY", 2)
    prepare(w, by, "by_ikz", D)
    step(w, "submit_application", by, "by_ikz", D)
    decide(w, by, "by_ikz", D, "refused")
    for m in mids:
        baseline(w, by, m, 2024, "100", "0")
        actual(w, by, m, 2025, "110", "0")
    _, rows = _csv(w, "en")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert [row[h] for h in rows[0][-6:]] == ["by_ikz", "refused", "", "", "-20.00", "-10.0"]
    assert rows[0][-2:] == ["Savings (€)", "Savings (%)"]
    text, _ = _csv(w, "en")
    assert text.startswith("\ufeffID,Cooperation,State,")
    # In German the same figures with decimal commas, still numbers: no formula guard.
    _, rows = _csv(w, "de")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert [row[h] for h in rows[0][-6:]] == ["by_ikz", "abgelehnt", "", "", "-20,00", "-10,0"]


def test_cells_in_either_language() -> None:
    assert csv_cell(Decimal("1234.50")) == "1234,50"
    assert csv_cell(Decimal("1234.50"), "en") == "1234.50"
    assert csv_cell(Decimal("-0.5")) == "-0,5"
    assert csv_cell(7) == "7"
    # Text keeps its points and its guard, in both.
    assert csv_cell("Version 1.2") == "Version 1.2"
    assert csv_cell("=1.5+1") == "'=1.5+1"
    assert csv_cell("=1.5+1", "en") == "'=1.5+1"
