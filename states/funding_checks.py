"""The eligibility check of a cooperation against a funding programme: each condition
met, unmet or unknown, with the reason in German and English. Pure, over
`FundingFacts` (what the database knows about the cooperation) and the programme.

Unknown is not unmet: a condition the records do not show (the term of the agreement,
a condition only a person can judge) says what is missing instead of refusing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from states.errors import Message
from states.fundingprogramme import Condition, ConditionKind, Programme
from states.savings import SavingsReport

Status = Literal["met", "unmet", "unknown"]
Verdict = Literal["eligible", "not_eligible", "open", "expired", "not_yet_valid"]

VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "eligible": ("förderfähig", "eligible"),
    "not_eligible": ("nicht förderfähig", "not eligible"),
    "open": ("offen", "open"),
    "expired": ("abgelaufen, wird nicht mehr angeboten", "expired, no longer offered"),
    "not_yet_valid": ("noch nicht in Kraft", "not yet in force"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "met": ("erfüllt", "met"),
    "unmet": ("nicht erfüllt", "unmet"),
    "unknown": ("unbekannt", "unknown"),
}


@dataclass(frozen=True)
class FundingFacts:
    partner_ids: tuple[int, ...]
    partner_names: dict[int, str] = field(default_factory=dict)
    # The partners whose council adopted the resolution (ikz founding resolution); None:
    # no founding procedure is recorded, so nothing is known.
    adopted_resolutions: frozenset[int] | None = None
    pilot_started_on: date | None = None
    applied_on: date | None = None  # the application's submission; None: not recorded
    term_years: int | None = None  # the agreed term; None: not recorded
    open_ended: bool = False  # the agreed term has no end (ikz founding clause --open-ended)
    savings: SavingsReport | None = None

    def name(self, municipality_id: int) -> str:
        return self.partner_names.get(municipality_id, f"#{municipality_id}")


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    status: Status
    why: Message


@dataclass(frozen=True)
class ProgrammeCheck:
    programme: Programme
    verdict: Verdict
    results: tuple[ConditionResult, ...]
    max_grant: Decimal | None


def _num(value: Decimal) -> str:
    """A number as Germans write it: 15, 12,5."""
    return format(value.normalize(), "f").replace(".", ",")


def _r(cond: Condition, status: Status, code: str, de: str, en: str) -> ConditionResult:
    return ConditionResult(cond, status, Message(code, de, en))


def _min_partners(cond: Condition, facts: FundingFacts) -> ConditionResult:
    assert cond.value is not None
    n, need = len(facts.partner_ids), int(cond.value)
    if n >= need:
        return _r(
            cond,
            "met",
            "partners_enough",
            f"{n} Partner (verlangt: {need}).",
            f"{n} partners (required: {need}).",
        )
    return _r(
        cond,
        "unmet",
        "partners_too_few",
        f"Nur {n} Partner, verlangt sind mindestens {need}.",
        f"Only {n} partners, at least {need} required.",
    )


def _min_term(cond: Condition, facts: FundingFacts) -> ConditionResult:
    assert cond.value is not None
    need = int(cond.value)
    if facts.open_ended:
        return _r(
            cond,
            "met",
            "term_open_ended",
            f"Unbefristet vereinbart (verlangt: {need} Jahre).",
            f"Agreed without an end (required: {need} years).",
        )
    if facts.term_years is None:
        return _r(
            cond,
            "unknown",
            "term_unknown",
            f"Die Laufzeit der Zusammenarbeit ist nicht erfasst (verlangt: {need} Jahre; "
            "ikz founding clause ID --clause term).",
            f"The cooperation's term is not recorded (required: {need} years; "
            "ikz founding clause ID --clause term).",
        )
    if facts.term_years >= need:
        return _r(
            cond,
            "met",
            "term_enough",
            f"Laufzeit {facts.term_years} Jahre (verlangt: {need}).",
            f"Term {facts.term_years} years (required: {need}).",
        )
    return _r(
        cond,
        "unmet",
        "term_too_short",
        f"Laufzeit {facts.term_years} Jahre, verlangt sind mindestens {need}.",
        f"Term {facts.term_years} years, at least {need} required.",
    )


def _min_savings(cond: Condition, facts: FundingFacts) -> ConditionResult:
    assert cond.value is not None
    need = _num(cond.value)
    year = facts.savings.latest_complete() if facts.savings is not None else None
    pct = year.total.percent if year is not None else None
    if year is None or pct is None:
        return _r(
            cond,
            "unknown",
            "savings_unknown",
            f"Noch kein Jahr mit Ausgangs- und Ist-Kosten aller Partner (verlangt: {need} %).",
            f"No year yet with baseline and actual costs of every partner (required: {need} %).",
        )
    if pct >= cond.value:
        return _r(
            cond,
            "met",
            "savings_enough",
            f"{year.year}: {_num(pct)} % eingespart (verlangt: {need} %).",
            f"{year.year}: {pct} % saved (required: {cond.value} %).",
        )
    return _r(
        cond,
        "unmet",
        "savings_too_low",
        f"{year.year}: nur {_num(pct)} % eingespart, verlangt sind {need} %.",
        f"{year.year}: only {pct} % saved, {cond.value} % required.",
    )


def _resolutions(cond: Condition, facts: FundingFacts) -> ConditionResult:
    if facts.adopted_resolutions is None:
        return _r(
            cond,
            "unknown",
            "resolutions_unknown",
            "Kein Gründungsverfahren erfasst (ikz founding plan): Ratsbeschlüsse unbekannt.",
            "No founding procedure recorded (ikz founding plan): council resolutions unknown.",
        )
    missing = [m for m in facts.partner_ids if m not in facts.adopted_resolutions]
    if missing:
        names = ", ".join(facts.name(m) for m in missing)
        return _r(
            cond,
            "unmet",
            "resolutions_missing",
            f"Ratsbeschluss fehlt: {names}.",
            f"Council resolution missing: {names}.",
        )
    return _r(
        cond,
        "met",
        "resolutions_complete",
        "Ratsbeschlüsse aller Partner liegen vor.",
        "Every partner's council resolution is recorded.",
    )


def _no_early_start(cond: Condition, facts: FundingFacts) -> ConditionResult:
    start = facts.pilot_started_on
    if start is None:
        return _r(
            cond,
            "met",
            "not_started",
            "Das Vorhaben hat noch nicht begonnen.",
            "The project has not started yet.",
        )
    if facts.applied_on is not None and start >= facts.applied_on:
        return _r(
            cond,
            "met",
            "started_after_application",
            f"Begonnen am {start.isoformat()}, nach dem Antrag vom {facts.applied_on.isoformat()}.",
            f"Started on {start.isoformat()}, after the application of "
            f"{facts.applied_on.isoformat()}.",
        )
    return _r(
        cond,
        "unmet",
        "started_before_application",
        f"Das Vorhaben begann am {start.isoformat()} (Pilot), vor einem Antrag: "
        "die Förderung ist ausgeschlossen.",
        f"The project started on {start.isoformat()} (pilot) before an application: "
        "the grant is excluded.",
    )


def _window(cond: Condition, facts: FundingFacts, p: Programme, today: date) -> ConditionResult:
    w = p.window
    assert w is not None
    span = f"{w.opens_on.isoformat()} – {w.closes_on.isoformat()}"
    on = facts.applied_on or today
    if on < w.opens_on:
        return _r(
            cond,
            "unknown",
            "window_not_open",
            f"Das Antragsfenster öffnet erst am {w.opens_on.isoformat()} ({span}).",
            f"The application window opens only on {w.opens_on.isoformat()} ({span}).",
        )
    if on > w.closes_on:
        return _r(
            cond,
            "unmet",
            "window_closed",
            f"Das Antragsfenster ist seit {w.closes_on.isoformat()} geschlossen ({span}).",
            f"The application window closed on {w.closes_on.isoformat()} ({span}).",
        )
    return _r(
        cond,
        "met",
        "window_open",
        f"Im Antragsfenster ({span}).",
        f"Within the application window ({span}).",
    )


def check_condition(
    cond: Condition, facts: FundingFacts, programme: Programme, today: date
) -> ConditionResult:
    match cond.check:
        case ConditionKind.MIN_PARTNERS:
            return _min_partners(cond, facts)
        case ConditionKind.MIN_TERM_YEARS:
            return _min_term(cond, facts)
        case ConditionKind.MIN_SAVINGS_PERCENT:
            return _min_savings(cond, facts)
        case ConditionKind.COUNCIL_RESOLUTIONS:
            return _resolutions(cond, facts)
        case ConditionKind.NO_START_BEFORE_APPLICATION:
            return _no_early_start(cond, facts)
        case ConditionKind.APPLICATION_WINDOW:
            return _window(cond, facts, programme, today)
        case ConditionKind.MANUAL:
            return _r(
                cond,
                "unknown",
                "manual",
                f"Nicht automatisch prüfbar: {cond.label}.",
                f"Cannot be checked automatically: {cond.label}.",
            )


def check_programme(programme: Programme, facts: FundingFacts, today: date) -> ProgrammeCheck:
    """Every condition of `programme` for the cooperation; a programme past its
    validity (or not yet in force) is not offered and its conditions are not checked."""
    status = programme.status(today)
    if status != "offered":
        return ProgrammeCheck(programme, status, (), None)
    results = tuple(check_condition(c, facts, programme, today) for c in programme.conditions)
    seen = {r.status for r in results}
    verdict: Verdict = (
        "not_eligible" if "unmet" in seen else "open" if "unknown" in seen else "eligible"
    )
    return ProgrammeCheck(programme, verdict, results, programme.max_grant(len(facts.partner_ids)))
