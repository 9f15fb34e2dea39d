"""Advisory signals: shown to coordinators, never blocking a gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from states.errors import Message
from states.snapshot import CooperationSnapshot
from states.vocab import MeetingKind


@dataclass(frozen=True)
class SignalRules:
    size_ratio_warn: float = 3.0
    silence_warn_days: int = 60


# The codes of the signals that warn of silence (no or no recent informal exchange).
SILENCE_CODES = ("days_since_informal", "no_informal_exchange")


@dataclass(frozen=True)
class Signal:
    message: Message
    level: str  # "ok" or "warn"


def size_ratio(snapshot: CooperationSnapshot) -> float | None:
    pops = [p.population for p in snapshot.partners if p.population > 0]
    if len(pops) < 2:
        return None
    return max(pops) / min(pops)


def days_since_informal(snapshot: CooperationSnapshot, now: datetime) -> int | None:
    dates = [
        m.held_on
        for m in snapshot.meetings
        if m.kind in (MeetingKind.INFORMAL, MeetingKind.RETREAT) and m.held_on <= now.date()
    ]
    if not dates:
        return None
    return (now.date() - max(dates)).days


def silence_warned(snapshot: CooperationSnapshot, now: datetime, rules: SignalRules) -> bool:
    """Whether `advisory_signals` warns of silence (`SILENCE_CODES`), without building the
    signals: the sweep asks this of every cooperation in an early state."""
    days = days_since_informal(snapshot, now)
    return days is None or _too_silent(days, rules)


def _too_silent(days: int, rules: SignalRules) -> bool:
    return days > rules.silence_warn_days


def advisory_signals(
    snapshot: CooperationSnapshot, now: datetime, rules: SignalRules | None = None
) -> list[Signal]:
    rules = rules or SignalRules()
    out: list[Signal] = []
    ratio = size_ratio(snapshot)
    if ratio is not None:
        level = "warn" if ratio > rules.size_ratio_warn else "ok"
        out.append(
            Signal(
                Message(
                    "size_ratio",
                    f"Größenverhältnis der Partner (Einwohner): {ratio:.1f} : 1",
                    f"Size ratio of partners (population): {ratio:.1f} : 1",
                ),
                level,
            )
        )
    days = days_since_informal(snapshot, now)
    if days is None:
        out.append(
            Signal(
                Message(
                    "no_informal_exchange",
                    "Noch kein informeller Austausch oder Klausur erfasst.",
                    "No informal exchange or retreat recorded yet.",
                ),
                "warn",
            )
        )
    else:
        level = "warn" if _too_silent(days, rules) else "ok"
        out.append(
            Signal(
                Message(
                    "days_since_informal",
                    f"Letzter informeller Austausch vor {days} Tagen.",
                    f"Last informal exchange {days} days ago.",
                ),
                level,
            )
        )
    return out
