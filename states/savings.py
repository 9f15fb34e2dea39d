"""The cost comparison before and after a cooperation, per partner and in total, on the
same basis for every partner (personnel, material and one-off costs of the task in a
year). Pure; money is Decimal throughout and sums are exact.

A year's total counts only when every partner has its baseline and that year's actual
costs: otherwise the comparison would not be on the same basis, and the year says which
partners are missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Costs:
    personnel: Decimal
    material: Decimal
    one_off: Decimal

    @property
    def total(self) -> Decimal:
        return self.personnel + self.material + self.one_off


@dataclass(frozen=True)
class YearCosts:
    municipality_id: int
    year: int
    costs: Costs


@dataclass(frozen=True)
class Saving:
    """What one partner (or all of them) spent before and after, and saved."""

    before: Decimal
    after: Decimal

    @property
    def saved(self) -> Decimal:
        return self.before - self.after

    @property
    def percent(self) -> Decimal | None:
        """The saving in per cent of the costs before, to one decimal (None: nothing was
        spent before, so no share can be given)."""
        if self.before == 0:
            return None
        return (self.saved * 100 / self.before).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class YearSavings:
    year: int
    partners: dict[int, Saving]  # municipality id -> its saving that year
    # Partners without that year's actual costs (or without any baseline): the year's
    # total would not be on the same basis.
    missing: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def total(self) -> Saving:
        before = sum((s.before for s in self.partners.values()), ZERO)
        after = sum((s.after for s in self.partners.values()), ZERO)
        return Saving(before, after)


@dataclass(frozen=True)
class SavingsReport:
    baseline: dict[int, YearCosts]  # municipality id -> its costs before
    years: tuple[YearSavings, ...]
    without_baseline: tuple[int, ...]  # partners of the cooperation with no baseline yet

    def latest_complete(self) -> YearSavings | None:
        done = [y for y in self.years if y.complete]
        return done[-1] if done else None


def savings(
    partner_ids: Iterable[int],
    baselines: Mapping[int, YearCosts],
    actuals: Iterable[YearCosts],
) -> SavingsReport:
    """The comparison of every year with actual costs against the partners' baselines."""
    pids = list(partner_ids)
    by_year: dict[int, dict[int, Costs]] = {}
    for a in actuals:
        if a.municipality_id in baselines:
            by_year.setdefault(a.year, {})[a.municipality_id] = a.costs
    years = []
    for year in sorted(by_year):
        got = by_year[year]
        years.append(
            YearSavings(
                year=year,
                partners={
                    m: Saving(baselines[m].costs.total, got[m].total) for m in pids if m in got
                },
                missing=tuple(m for m in pids if m not in got),
            )
        )
    return SavingsReport(
        baseline={m: baselines[m] for m in pids if m in baselines},
        years=tuple(years),
        without_baseline=tuple(m for m in pids if m not in baselines),
    )
