"""The figures asked in parliamentary questions, counted over the whole portfolio: the
cooperations by task area, legal form, state (Land) and lifecycle stage; the grants
applied for, approved and paid; the savings promised and achieved. Pure: it counts what
models.statistics reads; money is Decimal and every sum is exact.

Definitions (the README's "Statistik" says the same):
- A cooperation's **state** is the Land of its partners (the first two digits of their
  AGS); partners of more than one Land make it "länderübergreifend" (MULTI), a
  cooperation without partners yet is NONE.
- **applied for**: applications submitted; **approved** / **paid**: decisions that
  approved a grant, with the approved amounts, and applications with a payment, with
  the sum paid. An application records no amount asked for, so "applied for" is a count.
- **savings promised**: cooperations with an approved grant whose programme sets a
  yearly savings target; in euros the target's share of the partners' baseline costs
  (those without a baseline are counted, without euros).
- **savings achieved**: each cooperation's latest year with every partner's baseline
  and actual costs (states.savings): costs before, after, saved, and the per cent of
  the sums (not an average of per cents).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from states.council import STATE_OF_AGS_PREFIX
from states.funding import ApplicationSnap
from states.savings import CENT, ZERO, Saving

MULTI = "multi"  # partners in more than one Land
NONE = "none"  # no partner yet, or no legal form chosen yet

REGION_LABELS: dict[str, tuple[str, str]] = {
    MULTI: ("länderübergreifend", "across states"),
    NONE: ("ohne Partner", "no partners"),
}


def region_of(ags_codes: Iterable[str]) -> str:
    """The Land (ISO code, e.g. HE) of a cooperation's partners, MULTI or NONE."""
    found = {STATE_OF_AGS_PREFIX.get(a[:2], "??") for a in ags_codes}
    if not found:
        return NONE
    return found.pop() if len(found) == 1 else MULTI


@dataclass(frozen=True)
class CoopFigures:
    """What one cooperation adds to the statistics."""

    field_of_work: str
    legal_form: str | None
    stage: str
    region: str
    applications: tuple[ApplicationSnap, ...] = ()
    baseline_total: Decimal | None = None  # all partners' costs before, one year
    achieved: tuple[int, Saving] | None = None  # the latest complete year and its total


@dataclass
class Funding:
    """Grants and savings of a group of cooperations (a Land or all)."""

    cooperations: int = 0
    applied: int = 0
    approved: int = 0
    approved_amount: Decimal = ZERO
    refused: int = 0
    paid: int = 0
    paid_amount: Decimal = ZERO
    promised: int = 0  # cooperations with an approved grant and a savings target
    promised_amount: Decimal = ZERO  # the targets' share of their baseline costs
    achieved: int = 0  # cooperations with a complete year of actual costs
    before: Decimal = ZERO
    after: Decimal = ZERO

    @property
    def saved(self) -> Decimal:
        return self.before - self.after

    @property
    def saved_percent(self) -> Decimal | None:
        return Saving(self.before, self.after).percent

    def add(self, c: CoopFigures) -> None:
        self.cooperations += 1
        target: Decimal | None = None
        for a in c.applications:
            if a.submitted_on is not None:
                self.applied += 1
            d = a.decision
            if d is not None and a.approved:
                self.approved += 1
                self.approved_amount += d.amount or ZERO
                if a.savings_target is not None:
                    target = max(target or a.savings_target, a.savings_target)
            elif d is not None:
                self.refused += 1
            if a.paid_total > 0:
                self.paid += 1
                self.paid_amount += a.paid_total
        if target is not None:
            self.promised += 1
            if c.baseline_total is not None:
                share = (c.baseline_total * target / 100).quantize(CENT, rounding=ROUND_HALF_UP)
                self.promised_amount += share
        if c.achieved is not None:
            _, total = c.achieved
            self.achieved += 1
            self.before += total.before
            self.after += total.after


@dataclass
class Statistics:
    total: int = 0
    by_field: Counter[str] = field(default_factory=Counter)
    by_legal_form: Counter[str] = field(default_factory=Counter)
    by_region: Counter[str] = field(default_factory=Counter)
    by_stage: Counter[str] = field(default_factory=Counter)
    funding: Funding = field(default_factory=Funding)
    funding_by_region: dict[str, Funding] = field(default_factory=dict)

    def add(self, c: CoopFigures) -> None:
        self.total += 1
        self.by_field[c.field_of_work] += 1
        self.by_legal_form[c.legal_form or NONE] += 1
        self.by_region[c.region] += 1
        self.by_stage[c.stage] += 1
        self.funding.add(c)
        self.funding_by_region.setdefault(c.region, Funding()).add(c)


def count(figures: Iterable[CoopFigures]) -> Statistics:
    out = Statistics()
    for c in figures:
        out.add(c)
    return out
