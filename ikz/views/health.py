"""Use cases of the Kooperations-Check: the check now, and its stored trend."""

from __future__ import annotations

from typing import Any

from ikz.app import App
from ikz.pictures.lights import light
from models.cooperation import Cooperation
from models.health import HealthCheckRecord, HealthCheckValues, check_history
from models.queries import load_snapshot, require
from states.errors import Language
from states.health import (
    FACTOR_SHORT_EN,
    FACTORS,
    MARKS,
    RANK,
    VALUES,
    Colour,
    HealthCheck,
    as_view,
    check_health,
    colour_label,
)
from states.lifecycle import STATE_LABELS, State


def record_values(check: HealthCheck) -> HealthCheckValues:
    """The history row of a check as plain values (written by reviews, see ikz.review)."""
    return {
        "cooperation_id": check.cooperation_id,
        "at": check.at,
        "overall": VALUES[check.overall],
        "colours": {str(v.factor): VALUES[v.colour] for v in check.verdicts},
    }


def current_check(app: App, cooperation_id: int) -> HealthCheck:
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = load_snapshot(s, coop)
    return check_health(snap, app.clock(), app.health_rules)


def check_view(app: App, cooperation_id: int, lang: Language = "de") -> dict[str, Any]:
    """What `ikz coop check ID` prints: the cooperation, its check and each factor's why."""
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = load_snapshot(s, coop)
    check = check_health(snap, app.clock(), app.health_rules)
    de, en = STATE_LABELS[State(coop.state)]
    return {
        "id": coop.id,
        "title": coop.title,
        "state": coop.state,
        "state_label": en if lang == "en" else de,
        **as_view(check, lang),
    }


def trend(app: App, cooperation_id: int, lang: Language = "de") -> dict[str, Any]:
    """The stored checks (one per review), oldest first, and whether things improved."""
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        rows = check_history(s, cooperation_id)
    entries = [
        {
            "at": r.at.isoformat(timespec="seconds"),
            "overall": r.overall,
            "overall_label": colour_label(r.overall, lang),
            "mark": MARKS[Colour(r.overall)],
            "colours": {str(f): r.colours.get(str(f)) for f in FACTORS},
        }
        for r in rows
    ]
    return {
        "id": coop.id,
        "title": coop.title,
        "direction": _direction([r.overall for r in rows]),
        "checks": entries,
    }


def _direction(overalls: list[str]) -> str:
    """'better', 'worse', 'same' (newest against the one before), or 'none' if fewer than two."""
    if len(overalls) < 2:
        return "none"
    before, now = RANK[Colour(overalls[-2])], RANK[Colour(overalls[-1])]
    return "better" if now < before else "worse" if now > before else "same"


def check_markdown(check: HealthCheck, history: list[HealthCheckRecord]) -> list[str]:
    """The check as a markdown section (German, like the rest of the artifact); each
    light a coloured dot and its word (see ikz.pictures.lights)."""
    # The heading carries the word only: the Prefect UI shows an image as a block, which
    # would break the heading in two (the table has the dots).
    head = colour_label(check.overall) if check.verdicts else "nicht bewertet"
    lines = [
        f"## Kooperations-Check: {head}",
        "",
        check.summary.de,
    ]
    if not check.verdicts:
        return lines
    lines += [
        "",
        "| Faktor | Ampel | Gründe |",
        "|---|---|---|",
    ]
    for v in check.verdicts:
        why = "<br>".join(m.de for m in v.reasons)
        lines.append(f"| {v.factor}. {v.name('de')} | {light(v.colour)} | {why} |")
    if history:
        words = " → ".join(colour_label(Colour(r.overall)) for r in history)
        lines += ["", f"Trend der letzten {len(history)} Reviews: {words}"]
    return lines


NOT_ASSESSED = ("nicht bewertet", "not assessed")


def portfolio_marks(check: HealthCheck, lang: Language = "de") -> dict[str, str]:
    """Portfolio columns: the overall light as a word, and the factors that are not
    green in one compact column (the details are on the cooperation's page)."""
    en = lang == "en"
    colours = check.colours()
    if not colours:  # ended: not assessed
        return {"Ampel": NOT_ASSESSED[en], "Erfolgsfaktoren": "–"}
    parts = []
    for colour in (Colour.RED, Colour.YELLOW):
        named = [
            f"{n} {FACTOR_SHORT_EN[n] if en else FACTORS[n][2]}"
            for n, c in colours.items()
            if c is colour
        ]
        if named:
            parts.append(f"{colour_label(colour, lang)}: {', '.join(named)}")
    return {
        "Ampel": colour_label(check.overall, lang),
        "Erfolgsfaktoren": " · ".join(parts) or ("all green" if en else "alle grün"),
    }
