"""The portfolio at a glance: one row per cooperation with its state, Kooperations-Check,
warnings, open items, next review, conflicts and undeliverable mails.

At a state-wide or national scale (10^4-10^5 cooperations) a table of everything helps no
one and costs a full pass over the data: `portfolio_view` walks the portfolio in batches
(memory stays at one batch) and keeps either every row or only the `limit` most urgent
ones, plus totals per state and per light.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from ikz.app import App
from ikz.mail.backlog import waiting
from ikz.review import ReviewRules, checklist_with, state_label
from ikz.views.health import portfolio_marks
from models.founding import founding_snaps
from models.portfolio import coop_batches, failed_notifications
from models.portfolio import cooperation_count as count_cooperations
from models.queries import load_snapshots
from states.errors import Language
from states.founding import adopted, next_council
from states.health import check_health
from states.lifecycle import TRIGGER_LABELS, State, Trigger
from states.snapshot import CooperationSnapshot

BATCH = 500
# How bad a light is, for ordering by urgency (in either language; "nicht bewertet":
# ended, not assessed, ranks last).
_LIGHT_RANK = {"rot": 3, "red": 3, "gelb": 2, "yellow": 2, "grün": 1, "green": 1}


@dataclass
class PortfolioView:
    """Rows (all, in id order, or the most urgent, most urgent first) and totals."""

    total: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    by_state: Counter[str] = field(default_factory=Counter)
    by_light: Counter[str] = field(default_factory=Counter)
    open_conflicts: int = 0
    delivery_failures: int = 0
    # What waits for an unreachable relay (mail, events), one line each, German.
    waiting: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return len(self.rows) < self.total


def _council_dates(
    s: Session, snaps: dict[int, CooperationSnapshot], today: date, lang: Language
) -> dict[int, str]:
    """The council meeting that matters next, per cooperation whose founding waits for
    council resolutions, as the words the next-step column appends."""
    ids = [
        cid
        for cid, snap in snaps.items()
        if snap.founding is not None
        and snap.state != "ended"
        and set(adopted(snap.founding)) < set(snap.founding.partner_ids)
    ]
    out: dict[int, str] = {}
    for cid, founding in founding_snaps(ids, session=s, today=today).items():
        found = next_council(founding, today)
        if found is None:
            continue
        m, sit = found
        day = sit.meets_on.strftime("%d.%m.%Y") if lang == "de" else sit.meets_on.isoformat()
        word = "Rat" if lang == "de" else "council"
        out[cid] = f" · {word} {founding.name(m)} {day}"
    return out


def urgency(row: dict[str, Any], now: datetime) -> tuple[int, ...]:
    """Bigger is more urgent: a red light, open conflicts, mails that could not be
    delivered, open items of the next gate, a review that is overdue, warnings."""
    overdue = row["Nächste Prüfung"] != "-" and row["Nächste Prüfung"] < now.date().isoformat()
    return (
        _LIGHT_RANK.get(row["Ampel"], 0),
        row["Offene Konflikte"],
        row["Zustellfehler"],
        int(overdue),
        row["Offene Punkte"],
        0 if row["Hinweise"] == "-" else row["Hinweise"].count(";") + 1,
    )


# The rows' columns in English: rows are built with the German names, which the
# Prefect artifact shows and the ordering reads, and renamed last.
COLUMNS_EN = {
    "ID": "ID",
    "Kooperation": "Cooperation",
    "Zustand": "State",
    "Ampel": "Light",
    "Erfolgsfaktoren": "Success factors",
    "Nächster Schritt": "Next step",
    "Offene Punkte": "Open items",
    "Hinweise": "Warnings",
    "Nächste Prüfung": "Next review",
    "Offene Konflikte": "Open conflicts",
    "Zustellfehler": "Delivery failures",
}


def in_english(row: dict[str, Any]) -> dict[str, Any]:
    """A row with English column names."""
    return {COLUMNS_EN.get(k, k): v for k, v in row.items()}


def portfolio_view(app: App, limit: int | None = None, lang: Language = "de") -> PortfolioView:
    """The whole portfolio (limit None) or its `limit` most urgent cooperations, in
    `lang` (column names, state, warnings; the totals per state stay German, for the
    artifact's summary)."""
    now = app.clock()
    rules = ReviewRules.of(app)
    view = PortfolioView()
    kept: list[tuple[tuple[int, ...], int, dict[str, Any]]] = []  # min-heap on urgency
    with app.db.read() as s:
        failed = failed_notifications(session=s)
        for coops in coop_batches(session=s, size=BATCH):
            snaps = load_snapshots(s, coops)
            council = _council_dates(s, snaps, now.date(), lang)
            for coop in coops:
                snap = snaps[coop.id]
                check = checklist_with(rules, snap, now)
                warns = [sig[lang] for sig in check["signals"] if sig["level"] == "warn"]
                health = check_health(snap, now, rules.health)
                row: dict[str, Any] = {
                    "ID": coop.id,
                    "Kooperation": coop.title,
                    "Zustand": state_label(coop.state, lang),
                    **portfolio_marks(health, lang),
                    "Nächster Schritt": step_label(check["gate"], lang) + council.get(coop.id, ""),
                    "Offene Punkte": len(check["unmet"]),
                    "Hinweise": "; ".join(warns) or "-",
                    "Nächste Prüfung": coop.next_review_at.date().isoformat()
                    if coop.next_review_at
                    else "-",
                    "Offene Konflikte": len(snap.open_conflicts),
                    "Zustellfehler": failed.get(coop.id, 0),
                }
                view.total += 1
                view.by_state[state_label(coop.state, "de")] += 1
                # Totals stay German (the summary page is).
                view.by_light[portfolio_marks(health)["Ampel"]] += 1
                view.open_conflicts += row["Offene Konflikte"]
                view.delivery_failures += row["Zustellfehler"]
                if limit is None:
                    view.rows.append(row)
                    continue
                # Ties go to the lower id: heap entries compare (urgency, -id).
                entry = (urgency(row, now), -coop.id, row)
                if len(kept) < limit:
                    heapq.heappush(kept, entry)
                elif entry[:2] > kept[0][:2]:
                    heapq.heapreplace(kept, entry)
    if limit is not None:
        ordered = sorted(kept, key=lambda e: e[:2], reverse=True)
        if view.total <= limit:  # everything fits: keep the familiar id order
            ordered.sort(key=lambda e: -e[1])
        view.rows = [row for _, _, row in ordered]
    if lang == "en":
        view.rows = [in_english(row) for row in view.rows]
    view.waiting = waiting(app).lines("de")
    return view


def step_label(gate: str | None, lang: Language = "de") -> str:
    """The next lifecycle step in words ("Pilot starten"), not its code."""
    if gate is None:
        return "-"
    de, en = TRIGGER_LABELS[Trigger(gate)]
    return en if lang == "en" else de


def cooperation_count(app: App) -> int:
    with app.db.read() as s:
        return count_cooperations(session=s)


def portfolio_rows(app: App) -> list[dict[str, Any]]:
    """Every cooperation's row, in id order."""
    return portfolio_view(app).rows


def summary_markdown(view: PortfolioView) -> str:
    """Totals per state and per light, and what the table shows."""

    def fmt(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    lines = [
        "# IKZ-Portfolio",
        "",
        f"**{fmt(view.total)} Kooperationen** · offene Konflikte: {fmt(view.open_conflicts)}"
        f" · nicht zustellbare E-Mails: {fmt(view.delivery_failures)}",
        "",
        # A relay that cannot be reached first: nothing else here says that mail waits.
        *(f"> ⚠️ {line}\n" for line in view.waiting),
        "| Ampel | Anzahl |",
        "|---|---:|",
        *(
            f"| {light} | {fmt(n)} |"
            # Red first, "–" (ended, not assessed) last.
            for light, n in sorted(view.by_light.items(), key=lambda i: -_LIGHT_RANK.get(i[0], 0))
        ),
        "",
        "| Zustand | Anzahl |",
        "|---|---:|",
        *(
            f"| {label} | {fmt(view.by_state[label])} |"
            for label in (state_label(s.value, "de") for s in State)
            if view.by_state[label]
        ),
        "",
    ]
    if view.truncated:
        lines.append(
            f"Die Tabelle `ikz-portfolio` zeigt die {fmt(len(view.rows))} dringlichsten "
            f"Kooperationen (rote Ampel, offene Konflikte, Zustellfehler, überfällige "
            f"Prüfung zuerst). Die vollständige Liste: `ikz portfolio --csv`."
        )
    else:
        lines.append("Die Tabelle `ikz-portfolio` zeigt alle Kooperationen.")
    return "\n".join(lines) + "\n"
