"""Reviewing one cooperation: the checklist for the next gate, advisory signals, the
Kooperations-Check and the next review date, on entering a state or in the daily sweep
(ikz.review.sweep); and the per-cooperation dashboard built from them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlmodel import Session

from ikz.app import App
from ikz.pictures.lifecycle import lifecycle_image
from ikz.views.health import check_markdown, record_values
from models.cooperation import Cooperation
from models.health import check_history, record_checks
from models.outbox import Queued, enqueue_many
from models.queries import CoopLike, load_snapshot, require
from models.review import set_next_reviews
from states.costkey import percent_text
from states.errors import Language
from states.gates import GateRules, unmet_criteria
from states.health import HealthCheck, HealthRules, as_context, check_health
from states.lifecycle import (
    GATED_TRIGGERS,
    STATE_LABELS,
    TRIGGER_LABELS,
    State,
    Trigger,
    available_triggers,
)
from states.signals import SignalRules, advisory_signals
from states.snapshot import CooperationSnapshot


@cache  # a function of the static transition table, asked once per review
def next_gate(state: State) -> str | None:
    for t in available_triggers(state):
        if t in GATED_TRIGGERS:
            return t.value
    return None


@dataclass(frozen=True)
class ReviewRules:
    """The thresholds a review applies, read from the app once: `App` builds its rules
    objects anew on every access, which a sweep of 100,000 cooperations would feel."""

    gate: GateRules
    signal: SignalRules
    health: HealthRules
    cadence_days: dict[str, int]

    @classmethod
    def of(cls, app: App) -> ReviewRules:
        return cls(
            app.gate_rules,
            app.signal_rules,
            app.health_rules,
            dict(app.settings.review_cadence_days),
        )

    def cadence(self, state: str) -> timedelta | None:
        days = self.cadence_days.get(state)
        return timedelta(days=days) if days else None


def checklist(app: App, snap: CooperationSnapshot, now: datetime) -> dict[str, Any]:
    """Unmet criteria of the next forward gate and the advisory signals, in both languages."""
    return checklist_with(ReviewRules.of(app), snap, now)


def checklist_with(rules: ReviewRules, snap: CooperationSnapshot, now: datetime) -> dict[str, Any]:
    gate = next_gate(snap.state)
    unmet = []
    if gate is not None:
        unmet = unmet_criteria(Trigger(gate), snap, now, rules.gate)
    signals = advisory_signals(snap, now, rules.signal)
    return {
        "gate": gate,
        "unmet": [{"code": u.code, "de": u.de, "en": u.en} for u in unmet],
        "signals": [
            {"code": s.message.code, "level": s.level, "de": s.message.de, "en": s.message.en}
            for s in signals
        ],
    }


@dataclass
class ReviewResult:
    cooperation_id: int
    state: str
    checklist: dict[str, Any]
    next_review_at: datetime | None
    notified: list[int] = field(default_factory=list)
    health: HealthCheck | None = None  # the Kooperations-Check, stored as history


Review = tuple[ReviewResult, Queued | None]


def review_plan(
    rules: ReviewRules, coop: CoopLike, snap: CooperationSnapshot, now: datetime, reason: str
) -> Review:
    """What a review decides (checklist, next date, the mail to queue), without writing."""
    check = checklist_with(rules, snap, now)
    step = rules.cadence(coop.state)
    next_at = now + step if step else None
    health = check_health(snap, now, rules.health)
    result = ReviewResult(coop.id or 0, coop.state, check, next_at, health=health)
    if coop.state == State.ENDED.value:
        return result, None
    mail = Queued(
        recipient_ids=[coop.coordinator_id] + [p.contact_id for p in snap.partners],
        kind="review_due",
        context={
            "cooperation_id": coop.id,
            "title": coop.title,
            "state": coop.state,
            "reason": reason,
            "gate": check["gate"],
            "unmet": check["unmet"],
            "signals": [sig for sig in check["signals"] if sig["level"] == "warn"],
            "next_review_at": next_at.isoformat() if next_at else None,
            "check": as_context(health),
        },
        # One review mail per cooperation, version and day: a repeated event or a
        # sweep on the same day does not mail twice.
        dedupe_prefix=f"review:{coop.id}:v{coop.version}:{now.date().isoformat()}",
    )
    return result, mail


def store_reviews(
    app: App, s: Session, reviews: list[Review], also: Sequence[Queued] = ()
) -> list[list[int]]:
    """Write the next review dates (one executemany), the checks' history (one bulk
    insert) and queue the mails (one bulk insert).

    `also`: further mails queued in the same bulk insert (the sweep's reminders), after
    the reviews'; returns their recipients as queued."""
    if reviews:
        # An ended cooperation is not assessed any more: nothing to add to its trend.
        record_checks(
            s, [record_values(r.health) for r, _ in reviews if r.health and r.health.verdicts]
        )
        set_next_reviews([(r.cooperation_id, r.next_review_at) for r, _ in reviews], session=s)
    mails = [(r, m) for r, m in reviews if m is not None]
    queued = enqueue_many(s, [m for _, m in mails] + list(also), now=app.clock())
    for (r, _), people in zip(mails, queued, strict=False):
        r.notified = people
    return queued[len(mails) :]


def review_cooperation(app: App, cooperation_id: int, reason: str = "transition") -> ReviewResult:
    now = app.clock()
    with app.db.write() as s:
        coop = require(s, Cooperation, cooperation_id)
        review = review_plan(ReviewRules.of(app), coop, load_snapshot(s, coop), now, reason)
        store_reviews(app, s, [review])
        return review[0]


def trigger_label(trigger: str, lang: Language) -> str:
    de, en = TRIGGER_LABELS[Trigger(trigger)]
    return en if lang == "en" else de


def state_label(state: str, lang: Language) -> str:
    de, en = STATE_LABELS[State(state)]
    return en if lang == "en" else de


def signoff_markdown(app: App, cooperation_id: int) -> list[str]:
    """The mayors' sign-offs with the kind of proof each one has (and whether it counts)."""
    from ikz.views.cooperation import signoffs, step_label

    rows = signoffs(app, cooperation_id)
    if not rows:
        return []
    lines = [
        "",
        "## Freigaben",
        "",
        "| Schritt | Kommune | Bürgermeister:in | Zeitpunkt (Berlin) | Nachweis | zählt | Anmerkung |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {step_label(r['gate'], 'de')} | {r['municipality_id']} | {r['mayor_id']} | "
            f"{r['signed_at_text']} | {r['proof']} | {'ja' if r['counts'] else 'nein'} | "
            f"{cell(r['note'])} |"
        )
    return lines


_MARKUP = re.compile(r"([\\`*_\[\]<>!|])")


def cell(text: str | None) -> str:
    """Free text (a note from a mailbox, a reason) in a markdown table cell: one line, and
    no markup of its own (no column break, link, image or HTML: a backslash before each)."""
    return _MARKUP.sub(r"\\\1", " ".join((text or "").split())) or "–"


def answers_markdown(app: App, cooperation_id: int) -> list[str]:
    """The answers given to the coordination, with the town and the note."""
    from ikz.views.answers import answers

    rows = answers(app, cooperation_id)
    if not rows:
        return []
    lines = [
        "",
        "## Antworten",
        "",
        "| Zeitpunkt (Berlin) | Frage | worum | Antwort | Person | Kommune | Anmerkung |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in rows:
        lines.append(
            f"| {a['at_text']} | {a['purpose_text']} | {cell(a['about_text'])} | "
            f"{a['answer_text']} | {cell(a['person'])} | {a['municipality'] or '–'} | "
            f"{cell(a['note'])} |"
        )
    return lines


def cooperation_markdown(app: App, cooperation_id: int) -> str:
    """The per-cooperation dashboard: state, checklist, timeline and the lifecycle diagram."""
    from ikz.views.cooperation import history
    from ikz.views.founding_page import founding_markdown
    from ikz.views.funding import funding_markdown

    now = app.clock()
    with app.db.read() as s:
        coop = require(s, Cooperation, cooperation_id)
        snap = load_snapshot(s, coop)
        past = check_history(s, cooperation_id, limit=10)
    check = checklist(app, snap, now)
    health = check_health(snap, now, app.health_rules)
    lines = [
        f"# {coop.title}",
        "",
        f"**Zustand:** {state_label(coop.state, 'de')} · **Version:** {coop.version} · "
        f"**Aufgabenfeld:** {coop.field_of_work}",
        "",
        "## Partner",
        "",
        "| Kommune | Einwohner | Nutzen (benannt) | Nutzen (bestätigt) | Kostenanteil |",
        "|---|---:|---|---|---:|",
    ]
    key = dict(snap.cost_key)
    for p in snap.partners:
        pop = f"{p.population:,}".replace(",", ".")
        share = percent_text(key[p.municipality_id]) if p.municipality_id in key else "-"
        lines.append(
            f"| {p.name} | {pop} | {p.stated_benefit or '-'} | {p.confirmed_benefit or '-'} "
            f"| {share} |"
        )
    lines += ["", *check_markdown(health, past)]
    step = trigger_label(check["gate"], "de") if check["gate"] else "–"
    lines += ["", f"## Checkliste für den nächsten Schritt ({step})", ""]
    if check["unmet"]:
        lines += [f"- [ ] {u['de']}" for u in check["unmet"]]
    elif check["gate"]:
        lines.append("- [x] Alle Kriterien erfüllt")
    lines += ["", "## Hinweise", ""]
    lines += [f"- {'⚠️' if sig['level'] == 'warn' else '✓'} {sig['de']}" for sig in check["signals"]]
    lines += founding_markdown(app, cooperation_id)
    lines += funding_markdown(app, cooperation_id)
    lines += [
        "",
        "## Verlauf",
        "",
        "| # | Zeitpunkt (Berlin) | Schritt | von | nach | Person | Nachweis | Begründung |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for h in history(app, cooperation_id):
        lines.append(
            f"| {h['seq']} | {h['at_text']} | {h['trigger_text']} | {h['from_text']} | "
            f"{h['to_text']} | {cell(h['actor_text'])} | {h['proof']} | {cell(h['reason'])} |"
        )
    lines += signoff_markdown(app, cooperation_id)
    lines += answers_markdown(app, cooperation_id)
    # A picture, not Mermaid source: the Prefect UI renders no Mermaid.
    lines += ["", "## Lebenszyklus", "", lifecycle_image(State(coop.state)), ""]
    return "\n".join(lines)
