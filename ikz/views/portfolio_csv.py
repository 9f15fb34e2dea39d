"""`ikz portfolio --csv`: the portfolio's rows plus each cooperation's funding figures
(programme, status, amount approved and paid, savings in euros and per cent), for a
spreadsheet.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
formula, so a title such as `=HYPERLINK(...)` could act on the reader's machine (CSV or
formula injection, OWASP). Every such cell is prefixed with ' and shown as text; a plain
number ("-20.00", a negative saving) and the "-" that stands for nothing stay as they
are. The file is UTF-8 with a byte order mark, so that Excel reads the umlauts, and
quoted by the csv module (RFC 4180: separators, quotes and line breaks in a cell).

German Excel opens a double-clicked CSV with the list separator of the German locale,
`;`, and reads `30000,00` as a number but `30000.00` as text (or `1.7` as 1 July). So
the German file (the default) separates with `;` and writes decimal numbers with a
comma; the English one keeps `,` and the point. Only numbers (Decimal, float) change:
text stays as it is, and a number cannot start a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TextIO

from ikz.app import App
from models.statistics import figures_of
from states.errors import Language
from states.funding import DECIDED, STEP_LABELS, ApplicationSnap
from states.statistics import CoopFigures

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# The funding columns: (German, English).
FUNDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Förderprogramm", "Funding programme"),
    ("Förderstatus", "Funding status"),
    ("Bewilligt (€)", "Approved (€)"),
    ("Ausgezahlt (€)", "Paid (€)"),
    ("Einsparung (€)", "Savings (€)"),
    ("Einsparung (%)", "Savings (%)"),
)
_DECISION = {"approved": ("bewilligt", "approved"), "refused": ("abgelehnt", "refused")}


def safe_cell(value: Any) -> str:
    """The cell's text, with a leading ' where a spreadsheet would see a formula."""
    if value is None:
        return ""
    text = str(value)
    if text == "-" or _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def separator(lang: Language) -> str:
    """The list separator the language's Excel expects."""
    return "," if lang == "en" else ";"


def csv_cell(value: Any, lang: Language = "de") -> str:
    """A cell: a decimal number with the language's decimal mark, anything else through
    `safe_cell`."""
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text if lang == "en" else text.replace(".", ",")
    return safe_cell(value)


def write_lines(lines: Iterable[Sequence[Any]], out: TextIO, lang: Language = "de") -> None:
    """Rows of cells as CSV in the language's dialect, BOM first."""
    out.write(BOM)
    w = csv.writer(out, delimiter=separator(lang), lineterminator="\r\n")
    for line in lines:
        w.writerow([csv_cell(v, lang) for v in line])


def write_csv(rows: Sequence[dict[str, Any]], out: TextIO, lang: Language = "de") -> None:
    """`rows` (all with the keys of the first) as CSV with a header, BOM first."""
    head: list[Sequence[Any]] = [list(rows[0])] if rows else []
    write_lines([*head, *(list(r.values()) for r in rows)], out, lang)


def _status(a: ApplicationSnap, lang: Language) -> str:
    i = 1 if lang == "en" else 0
    d = a.decision
    if a.status == DECIDED and d is not None and d.result in _DECISION:
        return _DECISION[d.result][i]
    return STEP_LABELS[a.status][i]


def funding_cells(f: CoopFigures | None, lang: Language = "de") -> dict[str, Any]:
    """One cooperation's funding columns: money as exact decimal strings, empty where
    there is nothing to say."""
    names = [pair[1 if lang == "en" else 0] for pair in FUNDING_COLUMNS]
    apps = f.applications if f is not None else ()
    approved = [a.decision.amount for a in apps if a.approved and a.decision is not None]
    paid = [a.paid_total for a in apps if a.paid_total > 0]
    saved = f.achieved[1] if f is not None and f.achieved is not None else None
    values: list[Any] = [
        "; ".join(a.programme for a in apps),
        "; ".join(_status(a, lang) for a in apps),
        sum((x or Decimal("0") for x in approved), Decimal("0.00")) if approved else "",
        sum(paid, Decimal("0.00")) if paid else "",
        saved.saved if saved is not None else "",
        saved.percent if saved is not None and saved.percent is not None else "",
    ]
    return dict(zip(names, values, strict=True))


def with_funding(
    app: App, rows: list[dict[str, Any]], lang: Language = "de"
) -> list[dict[str, Any]]:
    """The portfolio rows, each with its cooperation's funding columns appended."""
    out: list[dict[str, Any]] = []
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        with app.db.read() as s:
            figs = figures_of([int(r["ID"]) for r in chunk], session=s)
        out += [{**r, **funding_cells(figs.get(int(r["ID"])), lang)} for r in chunk]
    return out
