"""Funding's facts: each partner's yearly costs of the task before the cooperation
(`funding_baseline`) and each year's actual costs after it (`funding_actual`), split
into personnel, material and one-off costs; the applications to a programme
(`funding_application`, with the programme as it stood when prepared) and their steps
(`funding_step`: submitted, decided, paid, proof of use, early-start permission).

Money is SQL NUMERIC(14, 2) and Python Decimal, never float; sums are made in Python
with Decimal. PostgreSQL keeps NUMERIC exactly. SQLite has no decimal type and keeps the
value as a double: with at most 14 significant digits (12 before the point, 2 after),
every value reads back exactly, since a double holds 15 significant decimal digits and
SQLAlchemy rounds it back to the column's two places (tests/funding/test_savings.py).

All four tables are on the cooperation's fact chain (models.chain); a correction of
costs updates the row and is recorded as an update on the chain.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Numeric, UniqueConstraint
from sqlmodel import Field, Session, col, func, select

from models.base import Table
from models.clock import utcnow
from models.cooperation import CURRENT, Cooperation, Partnership
from models.registry import Municipality
from states.funding import ApplicationSnap, StepSnap
from states.fundingprogramme import ConditionKind, Programme
from states.savings import Costs, Saving, YearCosts, savings

MIN_PARTNERS = ConditionKind.MIN_PARTNERS
MONEY_DIGITS = 14
MONEY_PLACES = 2


def money_column(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(Numeric(MONEY_DIGITS, MONEY_PLACES, asdecimal=True), nullable=nullable)


class FundingBaseline(Table, table=True):
    __tablename__ = "funding_baseline"
    __table_args__ = (UniqueConstraint("cooperation_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    year: int  # the reference year before the cooperation
    personnel: Decimal = Field(sa_column=money_column())
    material: Decimal = Field(sa_column=money_column())
    one_off: Decimal = Field(sa_column=money_column())
    note: str = ""
    recorded_at: datetime = Field(default_factory=utcnow)


class FundingActual(Table, table=True):
    __tablename__ = "funding_actual"
    __table_args__ = (UniqueConstraint("cooperation_id", "municipality_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    year: int
    personnel: Decimal = Field(sa_column=money_column())
    material: Decimal = Field(sa_column=money_column())
    one_off: Decimal = Field(sa_column=money_column())
    note: str = ""
    recorded_at: datetime = Field(default_factory=utcnow)


class FundingApplication(Table, table=True):
    __tablename__ = "funding_application"
    __table_args__ = (UniqueConstraint("cooperation_id", "programme"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    programme: str = Field(max_length=40)  # the programme's code, e.g. by_ikz
    state: str = Field(max_length=2)
    # The programme as it stood when the application was prepared, and the SHA-256 of
    # it: a later change of the file does not change a running application.
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rules_sha256: str = Field(max_length=64)
    prepared_on: date
    note: str = ""
    recorded_at: datetime = Field(default_factory=utcnow)


class FundingStep(Table, table=True):
    __tablename__ = "funding_step"

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    application_id: int = Field(foreign_key="funding_application.id")
    kind: str = Field(max_length=30)  # states.funding: submitted, decided, paid, ...
    occurred_on: date
    result: str = Field(default="", max_length=20)  # a decision: approved, refused
    amount: Decimal | None = Field(default=None, sa_column=money_column(nullable=True))
    quota: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 2, asdecimal=True), nullable=True)
    )
    conditions: str = ""  # the decision's conditions (Auflagen)
    # A decision's deadline for the proof of use (Verwendungsnachweis), where it sets one.
    proof_due: date | None = None
    reference: str = Field(default="", max_length=300)  # file number, portal receipt
    note: str = ""
    document_sha256: str | None = Field(default=None, max_length=64)
    document_name: str | None = Field(default=None, max_length=255)
    recorded_at: datetime = Field(default_factory=utcnow)


class CostShare(Table, table=True):
    """One partner's share of the cooperation's costs in the cost-sharing key, in per
    cent (states.costkey). A new key updates each partner's row, on the chain."""

    __tablename__ = "cost_share"
    __table_args__ = (UniqueConstraint("cooperation_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(foreign_key="cooperation.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    percent: Decimal = Field(sa_column=Column(Numeric(5, 2, asdecimal=True), nullable=False))
    note: str = ""
    recorded_at: datetime = Field(default_factory=utcnow)


def cost_keys(ids: Sequence[int], *, session: Session) -> dict[int, dict[int, Decimal]]:
    """Each cooperation's cost key (municipality id -> per cent) among `ids`, only the
    shares of its current partners, in the order they joined."""
    if not ids:
        return {}
    stmt = (
        select(CostShare)
        .join(
            Partnership,
            (col(Partnership.cooperation_id) == col(CostShare.cooperation_id))
            & (col(Partnership.municipality_id) == col(CostShare.municipality_id))
            & CURRENT,
        )
        .where(col(CostShare.cooperation_id).in_(ids))
        .order_by(col(CostShare.cooperation_id), col(Partnership.id))
    )
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in session.exec(stmt):
        out[row.cooperation_id][row.municipality_id] = row.percent
    return dict(out)


def set_cost_key(
    cooperation_id: int,
    shares: Sequence[tuple[int, Decimal]],
    note: str,
    *,
    session: Session,
    now: datetime,
) -> list[CostShare]:
    """Record the key: each partner's row inserted or updated (the chain records both)."""
    existing = {
        r.municipality_id: r
        for r in session.exec(select(CostShare).where(CostShare.cooperation_id == cooperation_id))
    }
    rows = []
    for mid, pct in shares:
        row = existing.get(mid) or CostShare(
            cooperation_id=cooperation_id, municipality_id=mid, percent=pct
        )
        row.percent, row.note, row.recorded_at = pct, note, now
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def funding_extras(ids: Sequence[int], *, session: Session) -> dict[int, dict[str, Any]]:
    """What the snapshots of `ids` hold about funding: the applications (`funding`), the
    latest savings where a grant may promise them (`savings_latest`, the check compares)
    and the cost-sharing key (`cost_key`); only for cooperations that have any."""
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    funded = application_snaps(ids, session=session)
    for cid, apps in funded.items():
        out[cid]["funding"] = apps
    for cid, latest in savings_latest(list(funded), session=session).items():
        out[cid]["savings_latest"] = latest
    for cid, key in cost_keys(ids, session=session).items():
        out[cid]["cost_key"] = tuple(key.items())
    return dict(out)


def _costs(row: FundingBaseline | FundingActual) -> YearCosts:
    return YearCosts(row.municipality_id, row.year, Costs(row.personnel, row.material, row.one_off))


def baseline_row(
    cooperation_id: int, municipality_id: int, *, session: Session
) -> FundingBaseline | None:
    stmt = select(FundingBaseline).where(
        FundingBaseline.cooperation_id == cooperation_id,
        FundingBaseline.municipality_id == municipality_id,
    )
    return session.exec(stmt).first()


def actual_row(
    cooperation_id: int, municipality_id: int, year: int, *, session: Session
) -> FundingActual | None:
    stmt = select(FundingActual).where(
        FundingActual.cooperation_id == cooperation_id,
        FundingActual.municipality_id == municipality_id,
        FundingActual.year == year,
    )
    return session.exec(stmt).first()


def baselines_of(cooperation_id: int, *, session: Session) -> dict[int, YearCosts]:
    stmt = select(FundingBaseline).where(FundingBaseline.cooperation_id == cooperation_id)
    return {r.municipality_id: _costs(r) for r in session.exec(stmt)}


def actuals_of(cooperation_id: int, *, session: Session) -> list[YearCosts]:
    stmt = (
        select(FundingActual)
        .where(FundingActual.cooperation_id == cooperation_id)
        .order_by(col(FundingActual.year), col(FundingActual.id))
    )
    return [_costs(r) for r in session.exec(stmt)]


def partners_of(cooperation_id: int, *, session: Session) -> list[tuple[int, str, str]]:
    """(municipality id, name, AGS) of each partner, in the order they joined."""
    stmt = (
        select(Partnership.municipality_id, Municipality.name, Municipality.ags)
        .where(Partnership.cooperation_id == cooperation_id)
        .where(col(Municipality.id) == col(Partnership.municipality_id))
        .where(CURRENT)
        .order_by(col(Partnership.id))
    )
    return [(m, n, a) for m, n, a in session.exec(stmt)]


def funded_cooperations(ids: Sequence[int], *, session: Session) -> set[int]:
    """Those of `ids` with a cost baseline."""
    if not ids:
        return set()
    stmt = select(FundingBaseline.cooperation_id).where(
        col(FundingBaseline.cooperation_id).in_(ids)
    )
    return set(session.exec(stmt))


def application_of(
    cooperation_id: int, programme: str, *, session: Session
) -> FundingApplication | None:
    stmt = select(FundingApplication).where(
        FundingApplication.cooperation_id == cooperation_id,
        FundingApplication.programme == programme,
    )
    return session.exec(stmt).first()


def steps_of(cooperation_id: int, *, session: Session) -> list[FundingStep]:
    stmt = (
        select(FundingStep)
        .where(FundingStep.cooperation_id == cooperation_id)
        .order_by(col(FundingStep.id))
    )
    return list(session.exec(stmt))


def application_snaps(
    ids: Sequence[int], *, session: Session
) -> dict[int, tuple[ApplicationSnap, ...]]:
    """Each cooperation's applications in `ids` (those with any), as states.funding reads
    them: the programme's figures from the copy made when it was prepared."""
    if not ids:
        return {}
    apps = list(
        session.exec(
            select(FundingApplication)
            .where(col(FundingApplication.cooperation_id).in_(ids))
            .order_by(col(FundingApplication.id))
        )
    )
    if not apps:
        return {}
    cids = sorted({a.cooperation_id for a in apps})
    steps: dict[int, list[StepSnap]] = defaultdict(list)
    for st in session.exec(
        select(FundingStep)
        .where(col(FundingStep.cooperation_id).in_(cids))
        .order_by(col(FundingStep.id))
    ):
        steps[st.application_id].append(
            StepSnap(st.kind, st.occurred_on, st.result, st.amount, st.quota, st.proof_due)
        )
    partners = dict(
        session.exec(
            select(Partnership.cooperation_id, func.count())
            .where(col(Partnership.cooperation_id).in_(cids))
            .where(CURRENT)
            .group_by(col(Partnership.cooperation_id))
        ).all()
    )
    out: dict[int, list[ApplicationSnap]] = defaultdict(list)
    for a in apps:
        assert a.id is not None
        p = Programme.model_validate(a.rules)
        out[a.cooperation_id].append(
            ApplicationSnap(
                programme=a.programme,
                programme_name=p.name,
                prepared_on=a.prepared_on,
                start_forbidden_before=p.start_forbidden_before,
                max_grant=p.max_grant(int(partners.get(a.cooperation_id, 0))),
                max_quota=p.amounts.max_quota_percent,
                window=(p.window.opens_on, p.window.closes_on) if p.window else None,
                steps=tuple(steps[a.id]),
                savings_target=p.obligations.savings_target_percent,
                commitment_years=p.obligations.commitment_years,
                proof_of_use_months=p.obligations.proof_of_use_months,
                decision_weeks=p.decision_weeks,
                min_partners=next(
                    (int(c.value) for c in p.conditions if c.check == MIN_PARTNERS and c.value),
                    None,
                ),
            )
        )
    return {cid: tuple(v) for cid, v in out.items()}


def savings_latest(ids: Sequence[int], *, session: Session) -> dict[int, tuple[int, Decimal]]:
    """For each cooperation of `ids`: its latest year with every partner's baseline and
    actual costs, and that year's total savings in per cent (those without none)."""
    out: dict[int, tuple[int, Decimal]] = {}
    for cid, (_, latest) in savings_totals(ids, session=session).items():
        pct = latest[1].percent if latest is not None else None
        if latest is not None and pct is not None:
            out[cid] = (latest[0], pct)
    return out


def savings_totals(
    ids: Sequence[int], *, session: Session
) -> dict[int, tuple[Decimal, tuple[int, Saving] | None]]:
    """For each cooperation of `ids` with a baseline: the sum of its partners' baseline
    costs, and its latest year with every partner's baseline and actual costs with that
    year's total (None: no such year yet)."""
    if not ids:
        return {}
    base: dict[int, dict[int, YearCosts]] = defaultdict(dict)
    for r in session.exec(
        select(FundingBaseline).where(col(FundingBaseline.cooperation_id).in_(ids))
    ):
        base[r.cooperation_id][r.municipality_id] = _costs(r)
    if not base:
        return {}
    acts: dict[int, list[YearCosts]] = defaultdict(list)
    for r2 in session.exec(
        select(FundingActual)
        .where(col(FundingActual.cooperation_id).in_(list(base)))
        .order_by(col(FundingActual.year), col(FundingActual.id))
    ):
        acts[r2.cooperation_id].append(_costs(r2))
    members: dict[int, list[int]] = defaultdict(list)
    for cid, mid in session.exec(
        select(Partnership.cooperation_id, Partnership.municipality_id)
        .where(col(Partnership.cooperation_id).in_(list(base)))
        .where(CURRENT)
        .order_by(col(Partnership.id))
    ):
        members[cid].append(mid)
    out: dict[int, tuple[Decimal, tuple[int, Saving] | None]] = {}
    for cid, baselines in base.items():
        total = sum((b.costs.total for b in baselines.values()), Decimal("0.00"))
        year = savings(members[cid], baselines, acts[cid]).latest_complete()
        out[cid] = (total, (year.year, year.total) if year is not None else None)
    return out


def funding_reminder_rows(*, session: Session) -> list[tuple[int, str, int | None]]:
    """(id, title, coordinator) of each cooperation with a funding application that has
    not ended: whose deadlines the daily sweep reminds of."""
    stmt = (
        select(Cooperation.id, Cooperation.title, Cooperation.coordinator_id)
        .where(col(Cooperation.id).in_(select(FundingApplication.cooperation_id).distinct()))
        .where(Cooperation.state != "ended")
        .order_by(col(Cooperation.id))
    )
    return [(int(cid or 0), title, coordinator) for cid, title, coordinator in session.exec(stmt)]
