"""Factor 7 (long-term view), the funding's part: a grant's savings target.

Threshold: once a programme with a savings target (Hessen: 15 % a year) has approved
the grant, the latest year with baseline and actual costs of every partner
(states.savings) is compared with it: below the target is yellow, with the figures; at
or above it green. Without a complete year yet it is a note. Without an approved grant
nothing is said.
"""

from __future__ import annotations

from states.health.rules import Colour, Findings
from states.snapshot import CooperationSnapshot


def _num(value: object) -> str:
    return str(value).replace(".", ",")


def funding_findings(s: CooperationSnapshot, f: Findings) -> None:
    for a in s.funding:
        target = a.savings_target
        if target is None or not a.approved:
            continue
        if s.savings_latest is None:
            f.add(
                Colour.GREEN,
                "funding_savings_not_measured",
                f"{a.programme_name}: Einsparziel {_num(target)} % im Jahr; noch kein Jahr mit "
                "Ist-Kosten aller Partner (ikz funding actual).",
                f"{a.programme_name}: savings target {target} % a year; no year with every "
                "partner's actual costs yet (ikz funding actual).",
            )
            continue
        year, pct = s.savings_latest
        if pct < target:
            f.add(
                Colour.YELLOW,
                "funding_savings_below_target",
                f"{a.programme_name}: {year} nur {_num(pct)} % eingespart, zugesagt sind "
                f"{_num(target)} % (Rückforderung droht).",
                f"{a.programme_name}: only {pct} % saved in {year}, {target} % promised "
                "(repayment may be claimed).",
            )
        else:
            f.add(
                Colour.GREEN,
                "funding_savings_target_met",
                f"{a.programme_name}: {year} {_num(pct)} % eingespart (Ziel {_num(target)} %).",
                f"{a.programme_name}: {pct} % saved in {year} (target {target} %).",
            )
