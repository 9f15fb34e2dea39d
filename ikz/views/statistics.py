"""Read model of `ikz statistics`: the figures asked in parliamentary questions
(states.statistics says what each one counts), as JSON with codes and exact decimal
strings, and as tables with German (or English) labels for the terminal and for the
Prefect artifact `ikz-statistik`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ikz.app import App
from ikz.views.funding import euro, money, percent
from models.statistics import figures_batches
from states.choices import CHOICES
from states.council import STATE_OF_AGS_PREFIX
from states.errors import Language
from states.lifecycle import STATE_LABELS, State
from states.statistics import NONE, REGION_LABELS, Funding, Statistics, count
from states.vocab import BUNDESLAENDER, LegalForm

LAND_NAMES: dict[str, str] = {STATE_OF_AGS_PREFIX[p]: name for p, name in BUNDESLAENDER.items()}
_NO_FORM = ("noch keine", "none yet")


def _t(pair: tuple[str, str], lang: Language) -> str:
    return pair[1] if lang == "en" else pair[0]


def region_label(code: str, lang: Language = "de") -> str:
    if code in REGION_LABELS:
        return _t(REGION_LABELS[code], lang)
    return LAND_NAMES.get(code, code)


def _form_label(code: str, lang: Language) -> str:
    if code == NONE:
        return _t(_NO_FORM, lang)
    return _t(CHOICES[LegalForm].get(code, (code, code)), lang)


def _stage_label(code: str, lang: Language) -> str:
    known = {s.value: s for s in State}
    return _t(STATE_LABELS[known[code]], lang) if code in known else code


def _funding_json(f: Funding) -> dict[str, Any]:
    return {
        "cooperations": f.cooperations,
        "applied": f.applied,
        "approved": f.approved,
        "approved_amount": money(f.approved_amount),
        "refused": f.refused,
        "paid": f.paid,
        "paid_amount": money(f.paid_amount),
        "savings_promised": {"cooperations": f.promised, "amount": money(f.promised_amount)},
        "savings_achieved": {
            "cooperations": f.achieved,
            "before": money(f.before),
            "after": money(f.after),
            "saved": money(f.saved),
            "percent": money(f.saved_percent),
        },
    }


def _counted(pairs: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    return [{"code": c, "label": label, "count": n} for c, label, n in pairs]


def _by_count(counter: dict[str, int]) -> list[str]:
    """Most first, then by code."""
    return sorted(counter, key=lambda k: (-counter[k], k))


def _regions(codes: set[str]) -> list[str]:
    """Länder by name, then länderübergreifend, then none."""
    tail = [c for c in REGION_LABELS if c in codes]
    return sorted((c for c in codes if c not in REGION_LABELS), key=region_label) + tail


def gather(app: App) -> Statistics:
    with app.db.read() as s:
        return count(f for batch in figures_batches(session=s) for _, f in batch)


def statistics_view(app: App, lang: Language = "de") -> dict[str, Any]:
    st = gather(app)
    stages = [s.value for s in State if st.by_stage[s.value]]
    stages += sorted(k for k in st.by_stage if k not in stages)
    regions = _regions(set(st.by_region))
    return {
        "on": app.clock().date().isoformat(),
        "cooperations": st.total,
        "by_field_of_work": _counted([(k, k, st.by_field[k]) for k in _by_count(st.by_field)]),
        "by_legal_form": _counted(
            [(k, _form_label(k, lang), st.by_legal_form[k]) for k in _by_count(st.by_legal_form)]
        ),
        "by_state": _counted([(k, region_label(k, lang), st.by_region[k]) for k in regions]),
        "by_stage": _counted([(k, _stage_label(k, lang), st.by_stage[k]) for k in stages]),
        "funding": {
            "total": _funding_json(st.funding),
            "by_state": [
                {
                    "code": k,
                    "label": region_label(k, lang),
                    **_funding_json(st.funding_by_region[k]),
                }
                for k in regions
            ],
        },
    }


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]  # text; with plain=True, figures as int and Decimal
    right: int = 1  # the columns from this one on are figures (right-aligned)


def _de_num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def statistics_tables(
    view: dict[str, Any], lang: Language = "de", *, plain: bool = False
) -> list[Table]:
    """The view as tables for people: counts, grants and savings per Land and in total.
    `plain` keeps the figures numbers (int, Decimal; empty where there is none) for a
    spreadsheet, which formats them itself."""
    en = lang == "en"

    def num(n: int) -> Any:
        return n if plain else f"{n:,}" if en else _de_num(n)

    def eur(v: str | None) -> Any:
        if plain:
            return Decimal(v) if v is not None else ""
        return euro(Decimal(v), lang) if v is not None else "–"

    def pct(v: str | None) -> Any:
        if plain:
            return Decimal(v) if v is not None else ""
        return percent(Decimal(v), lang) if v is not None else "–"

    def counts(title: tuple[str, str], head: tuple[str, str], key: str) -> Table:
        return Table(
            _t(title, lang),
            (_t(head, lang), "Anzahl" if not en else "Count"),
            [(r["label"], num(r["count"])) for r in view[key]],
        )

    land = "State" if en else "Land"
    total = ("gesamt", "total")
    funding = [*view["funding"]["by_state"], {"label": _t(total, lang), **view["funding"]["total"]}]
    return [
        counts(
            ("Nach Aufgabenfeld", "By task area"), ("Aufgabenfeld", "Task area"), "by_field_of_work"
        ),
        counts(("Nach Rechtsform", "By legal form"), ("Rechtsform", "Legal form"), "by_legal_form"),
        counts(("Nach Land", "By state"), (land, land), "by_state"),
        counts(("Nach Phase", "By stage"), ("Phase", "Stage"), "by_stage"),
        Table(
            "Grants" if en else "Förderung",
            (
                land,
                "applied for" if en else "beantragt",
                "approved" if en else "bewilligt",
                "approved (€)" if en else "bewilligt (€)",
                "refused" if en else "abgelehnt",
                "paid" if en else "ausgezahlt",
                "paid (€)" if en else "ausgezahlt (€)",
            ),
            [
                (
                    f["label"],
                    num(f["applied"]),
                    num(f["approved"]),
                    eur(f["approved_amount"]),
                    num(f["refused"]),
                    num(f["paid"]),
                    eur(f["paid_amount"]),
                )
                for f in funding
            ],
        ),
        Table(
            "Savings" if en else "Einsparungen",
            (
                land,
                "promised" if en else "zugesagt",
                "promised (€/year)" if en else "zugesagt (€/Jahr)",
                "measured" if en else "gemessen",
                "costs before (€)" if en else "Kosten vorher (€)",
                "costs after (€)" if en else "Kosten nachher (€)",
                "saved (€)" if en else "eingespart (€)",
                "saved (%)" if en else "eingespart (%)",
            ),
            [
                (
                    f["label"],
                    num(f["savings_promised"]["cooperations"]),
                    eur(f["savings_promised"]["amount"]),
                    num(f["savings_achieved"]["cooperations"]),
                    eur(f["savings_achieved"]["before"]),
                    eur(f["savings_achieved"]["after"]),
                    eur(f["savings_achieved"]["saved"]),
                    pct(f["savings_achieved"]["percent"]),
                )
                for f in funding
            ],
        ),
    ]


def statistics_csv_lines(view: dict[str, Any], lang: Language = "de") -> list[list[Any]]:
    """`ikz statistics --csv`: each table as its title, its header and its rows, a blank
    line between tables; the figures plain numbers (ikz.views.portfolio_csv writes them)."""
    lines: list[list[Any]] = []
    for t in statistics_tables(view, lang, plain=True):
        if lines:
            lines.append([])
        lines += [[t.title], list(t.headers), *(list(r) for r in t.rows)]
    return lines


def german_date(iso: str) -> str:
    """'2026-01-05' -> '05.01.2026'."""
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def statistics_markdown(view: dict[str, Any]) -> str:
    """The artifact `ikz-statistik` (German)."""
    lines = [
        "# IKZ-Statistik",
        "",
        f"**{_de_num(view['cooperations'])} Kooperationen**, Stand {german_date(view['on'])}."
        " Zugesagt: Einsparziel des Programms bei bewilligter Förderung, als Anteil der "
        "Ausgangskosten; gemessen: letztes Jahr mit Ist-Kosten aller Partner.",
        "",
    ]
    for t in statistics_tables(view, "de"):
        lines += [f"## {t.title}", ""]
        lines.append("| " + " | ".join(t.headers) + " |")
        lines.append(
            "|" + "|".join("---:" if i >= t.right else "---" for i in range(len(t.headers))) + "|"
        )
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
        lines.append("")
    return "\n".join(lines)
