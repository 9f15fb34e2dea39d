"""The cost comparison's use cases: a partner's yearly costs of the task before the
cooperation (the baseline) and each year's actual costs after it; and the
cost-sharing key (each partner's share of the costs, states.costkey).

Each entry is refused in one line, with nothing written, when the cooperation has
ended, the municipality is not a partner, the year lies in the future, an actual year
is not after the partner's baseline year, or an actual has no baseline to compare
with. A second entry for the same partner (and year) corrects the first: the row is
updated and the update is on the cooperation's fact chain with who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlmodel import Session

from ikz.actions.guard import authorize, coop_for_write, prove, require_partners
from ikz.app import App
from models import funding_commands as c
from models.funding import (
    FundingActual,
    FundingBaseline,
    actual_row,
    actuals_of,
    baseline_row,
    partners_of,
    set_cost_key,
)
from models.store import save
from states.costkey import cost_key_refusal, key_text
from states.errors import InvalidInputError
from states.policy import Action
from states.savings import CENT

T = TypeVar("T", FundingBaseline, FundingActual)


def _cents(value: Decimal) -> Decimal:
    # The model allows at most two places; this fixes the exponent (1 -> 1.00), so the
    # chain hashes the same digits the database gives back.
    return value.quantize(CENT)


def _refused(code: str, de: str, en: str) -> InvalidInputError:
    return InvalidInputError(code, de, en)


def _future(cmd: c.RecordCosts, this_year: int) -> None:
    if cmd.year > this_year:
        raise _refused(
            "cost_year_in_future",
            f"Das Jahr {cmd.year} liegt in der Zukunft: erfasst werden Kosten bis {this_year}.",
            f"The year {cmd.year} is in the future: costs are recorded up to {this_year}.",
        )


def _open(app: App, s: Session, cmd: c.RecordCosts) -> None:
    _, parts = coop_for_write(s, cmd.cooperation_id)
    require_partners(parts, [cmd.municipality_id])
    authorize(s, cmd.actor_id, Action.RECORD_COSTS, parts, municipality_id=cmd.municipality_id)


def _values(cmd: c.RecordCosts, app: App) -> dict[str, Any]:
    return {
        "cooperation_id": cmd.cooperation_id,
        "municipality_id": cmd.municipality_id,
        "year": cmd.year,
        "personnel": _cents(cmd.personnel),
        "material": _cents(cmd.material),
        "one_off": _cents(cmd.one_off),
        "note": cmd.note,
        "recorded_at": app.clock(),
    }


def _correct(row: T, values: dict[str, Any]) -> T:
    for key, value in values.items():
        setattr(row, key, value)
    return row


def record_baseline(app: App, cmd: c.RecordCosts) -> FundingBaseline:
    """A partner's yearly costs of the task before the cooperation."""
    _future(cmd, app.clock().year)
    with app.db.write() as s:
        _open(app, s, cmd)
        later = [
            y for y in _actual_years(s, cmd.cooperation_id, cmd.municipality_id) if y <= cmd.year
        ]
        if later:
            raise _refused(
                "baseline_after_actuals",
                f"Ausgangsjahr {cmd.year} liegt nicht vor den erfassten Ist-Jahren "
                f"({', '.join(map(str, later))}).",
                f"Baseline year {cmd.year} is not before the recorded actual years "
                f"({', '.join(map(str, later))}).",
            )
        prove(app, s, cmd.actor_id)
        values = _values(cmd, app)
        old = baseline_row(cmd.cooperation_id, cmd.municipality_id, session=s)
        row = FundingBaseline(**values) if old is None else _correct(old, values)
        return save(row, session=s)


def _actual_years(s: Session, cooperation_id: int, municipality_id: int) -> list[int]:
    return [
        a.year
        for a in actuals_of(cooperation_id, session=s)
        if a.municipality_id == municipality_id
    ]


def record_actual(app: App, cmd: c.RecordCosts) -> FundingActual:
    """A partner's actual costs of the task in a year after the baseline."""
    _future(cmd, app.clock().year)
    with app.db.write() as s:
        _open(app, s, cmd)
        base = baseline_row(cmd.cooperation_id, cmd.municipality_id, session=s)
        if base is None:
            raise _refused(
                "baseline_first",
                f"Für Kommune {cmd.municipality_id} fehlen die Ausgangskosten: zuerst "
                "ikz funding baseline.",
                f"Municipality {cmd.municipality_id} has no baseline costs: first "
                "ikz funding baseline.",
            )
        if cmd.year <= base.year:
            raise _refused(
                "actual_not_after_baseline",
                f"Ist-Jahr {cmd.year} liegt nicht nach dem Ausgangsjahr {base.year}.",
                f"Actual year {cmd.year} is not after the baseline year {base.year}.",
            )
        prove(app, s, cmd.actor_id)
        values = _values(cmd, app)
        old = actual_row(cmd.cooperation_id, cmd.municipality_id, cmd.year, session=s)
        row = FundingActual(**values) if old is None else _correct(old, values)
        return save(row, session=s)


@dataclass(frozen=True)
class CostKeyRecorded:
    cooperation_id: int
    shares: list[dict[str, Any]]  # municipality_id, municipality, percent (exact text)
    text: str  # "Stadt Marburg 50 %, Gemeinde Lahntal 50 %"
    text_en: str


def record_cost_key(app: App, cmd: c.RecordCostKey) -> CostKeyRecorded:
    """The cost-sharing key: every partner's share in per cent, summing to 100. A joint
    decision of the partners, recorded by the coordinator like the ledger's decisions."""
    shares = [(sh.municipality_id, _cents(sh.percent)) for sh in cmd.shares]
    with app.db.write() as s:
        _, parts = coop_for_write(s, cmd.cooperation_id)
        authorize(s, cmd.actor_id, Action.RECORD_DECISION, parts)
        names = {m: n for m, n, _ in partners_of(cmd.cooperation_id, session=s)}
        why = cost_key_refusal(names, shares)
        if why is not None:
            raise _refused(why.code, why.de, why.en)
        prove(app, s, cmd.actor_id)
        set_cost_key(cmd.cooperation_id, shares, cmd.note, session=s, now=app.clock())
    key = {m: p for m, p in sorted(shares, key=lambda sh: list(names).index(sh[0]))}
    return CostKeyRecorded(
        cooperation_id=cmd.cooperation_id,
        shares=[
            {"municipality_id": m, "municipality": names[m], "percent": str(p)}
            for m, p in key.items()
        ],
        text=key_text(names, key),
        text_en=key_text(names, key, "en"),
    )
