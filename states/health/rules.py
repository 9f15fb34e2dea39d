"""The Kooperations-Check's vocabulary: colours, the eight factors, the thresholds
(`HealthRules`) and what a check finds (`Findings`, `Verdict`, `HealthCheck`).

Shared by the factor checks (factors_*.py) and the overall check (check.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from states.errors import Language, Message
from states.vocab import ConflictLevel


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


# The members as plain module names: on Python 3.11 every `Colour.X` is a descriptor
# call, which the check's inner loops would repeat a million times in a sweep.
_GREEN, _YELLOW, _RED = Colour.GREEN, Colour.YELLOW, Colour.RED

# `Colour.X.value` is a descriptor call too: the sweep stores two per factor and review.
VALUES: dict[Colour, str] = {c: c.value for c in Colour}
RANK: dict[Colour, int] = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}
MARKS: dict[Colour, str] = {Colour.GREEN: "🟢", Colour.YELLOW: "🟡", Colour.RED: "🔴"}
COLOUR_LABELS: dict[Colour, tuple[str, str]] = {
    Colour.GREEN: ("grün", "green"),
    Colour.YELLOW: ("gelb", "yellow"),
    Colour.RED: ("rot", "red"),
}

# The eight success factors: (German heading of the source, English, short German label).
FACTORS: dict[int, tuple[str, str, str]] = {
    1: ("Engen Austausch pflegen", "Keep in close exchange", "Austausch"),
    2: ("Gemeinsamkeiten verbinden", "Build on common ground", "Gemeinsamkeiten"),
    3: ("Der anderen Kommune etwas gönnen", "Let the partner have something", "Gönnen"),
    4: ("Kooperation als Chefsache", "Cooperation as a matter for the mayors", "Chefsache"),
    5: ("Gemeinsame Erfolge sichtbar machen", "Make joint successes visible", "Sichtbarkeit"),
    6: ("Nicht in Formalien verstricken", "Do not get tangled in formalities", "Pragmatismus"),
    7: ("Langfristig denken", "Think long-term", "Langfristigkeit"),
    8: ("Konflikte klären", "Resolve conflicts", "Konflikte"),
}
# The short names (FACTORS' third element) in English, for column headers.
FACTOR_SHORT_EN: dict[int, str] = {
    1: "Exchange",
    2: "Common ground",
    3: "Generosity",
    4: "Mayors",
    5: "Visibility",
    6: "Pragmatism",
    7: "Long-term",
    8: "Conflicts",
}


@dataclass(frozen=True)
class HealthRules:
    """Thresholds of the check; `IKZ_HEALTH` (JSON) overrides any of them."""

    # 1 close exchange
    silence_warn_days: int = 60
    silence_red_days: int = 120
    exchange_window_days: int = 180
    exchange_min_count: int = 2
    # 2 common ground
    size_ratio_warn: float = 3.0
    # 3 giving
    ledger_min_decisions: int = 2
    ledger_red_decisions: int = 4
    # 4 leadership
    mayor_attendance_warn: float = 0.5
    # 5 visibility
    communication_done_days: int = 60
    # 6 pragmatism
    agreement_warn_days: int = 120
    agreement_red_days: int = 240
    heavy_agreements: frozenset[str] = frozenset(
        {"zweckverband_statutes", "zweckvereinbarung", "public_law_contract"}
    )
    # 6 pragmatism, founding: days from the letter of intent while resolutions are open
    founding_warn_days: int = 180
    founding_red_days: int = 365
    # 7 long-term view
    legal_form_pilot_days: int = 365
    # 7 long-term view, founding: the agreement's term counts as long-term from this many
    # years (or open-ended; the finance ministry's reading of § 2b Abs. 3 Nr. 2 UStG)
    min_term_years: int = 5
    legal_form_red_days: int = 90
    follow_up_warn_days: int = 730
    # 8 conflict handling
    conflict_red_days: int = 45
    conflict_red_level: str = ConflictLevel.MODERATION.value
    unresolved_memory_days: int = 365
    steering_warn_days: int = 90
    # overall
    yellow_to_red: int = 4  # 0: never
    # 7 long-term view, founding: from this day § 2b UStG applies (IKZ_VAT_CUTOFF; the
    # application sets it from the setting, see ikz.app)
    vat_cutoff: date = date(2027, 1, 1)

    def __post_init__(self) -> None:
        # Checked here so that a bad IKZ_HEALTH fails at startup, not in the first review.
        if self.conflict_red_level not in {lv.value for lv in ConflictLevel}:
            raise ValueError(f"conflict_red_level: unknown level {self.conflict_red_level!r}")
        for name, (low, high) in RANGES.items():
            value = getattr(self, name)
            # bool is an int to Python; JSON true is no number of days.
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name}: not a number")
            if not low <= value <= high:
                raise ValueError(f"{name}: {value} is outside {low}..{high}")
        for yellow, red in ORDERED_PAIRS:
            if getattr(self, yellow) > getattr(self, red):
                raise ValueError(f"{yellow} ({getattr(self, yellow)}) is above {red}")


# The range of every numeric threshold. Days at least one (0 would colour everything at
# once) and at most about thirty years; counts at least one; the attendance share is a
# fraction; the size ratio compares a bigger with a smaller partner (above 1).
# yellow_to_red may be 0: the README's "never".
_DAYS = (1, 10_000)
RANGES: dict[str, tuple[float, float]] = {
    "silence_warn_days": _DAYS,
    "silence_red_days": _DAYS,
    "exchange_window_days": _DAYS,
    "exchange_min_count": (1, 1_000),
    "size_ratio_warn": (1.000001, 1_000_000),
    "ledger_min_decisions": (1, 1_000),
    "ledger_red_decisions": (1, 1_000),
    "mayor_attendance_warn": (0.000001, 1),
    "communication_done_days": _DAYS,
    "agreement_warn_days": _DAYS,
    "agreement_red_days": _DAYS,
    "founding_warn_days": _DAYS,
    "founding_red_days": _DAYS,
    "min_term_years": (1, 99),
    "legal_form_pilot_days": _DAYS,
    "legal_form_red_days": _DAYS,
    "follow_up_warn_days": _DAYS,
    "conflict_red_days": _DAYS,
    "unresolved_memory_days": _DAYS,
    "steering_warn_days": _DAYS,
    "yellow_to_red": (0, 8),
}
# (yellow, red) pairs of one measure: the yellow limit may not lie beyond the red one.
# Silence is not here: its yellow limit is IKZ_SILENCE_WARN_DAYS, shared with the
# signals, and factor 1 tolerates it above the red limit.
ORDERED_PAIRS: tuple[tuple[str, str], ...] = (
    ("agreement_warn_days", "agreement_red_days"),
    ("founding_warn_days", "founding_red_days"),
    ("ledger_min_decisions", "ledger_red_decisions"),
)


@dataclass(frozen=True)
class Verdict:
    """One factor's colour, the reasons for it (worst first) and lesser notes."""

    factor: int
    colour: Colour
    reasons: tuple[Message, ...]
    notes: tuple[Message, ...] = ()

    def name(self, lang: Language = "de") -> str:
        de, en, _ = FACTORS[self.factor]
        return en if lang == "en" else de


@dataclass(frozen=True)
class HealthCheck:
    cooperation_id: int
    at: datetime
    verdicts: tuple[Verdict, ...]
    overall: Colour
    summary: Message

    def colours(self) -> dict[int, Colour]:
        return {v.factor: v.colour for v in self.verdicts}


@dataclass
class Findings:
    """Collects (colour, message) pairs of one factor and turns them into a verdict."""

    factor: int
    items: list[tuple[Colour, Message]] = field(default_factory=list)

    def add(self, colour: Colour, code: str, de: str, en: str) -> None:
        self.items.append((colour, Message(code, de, en)))

    def verdict(self) -> Verdict:
        # Worst first, in the order found within a colour: filtering passes rather than a
        # sort, as the sweep builds eight verdicts per cooperation (mostly all green).
        items = self.items
        reds = [m for c, m in items if c == _RED]
        yellows = [m for c, m in items if c == _YELLOW]
        if reds or yellows:
            greens = tuple(m for c, m in items if c not in (_RED, _YELLOW))
            return Verdict(self.factor, _RED if reds else _YELLOW, (*reds, *yellows), greens)
        return Verdict(self.factor, _GREEN, tuple(m for _, m in items))
