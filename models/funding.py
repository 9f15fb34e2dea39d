"""The cost comparison's facts: each partner's yearly costs of the task before the
cooperation (`funding_baseline`) and each year's actual costs after it
(`funding_actual`), split into personnel, material and one-off costs.

Money is SQL NUMERIC(14, 2) and Python Decimal, never float; sums are made in Python
with Decimal. PostgreSQL keeps NUMERIC exactly. SQLite has no decimal type and keeps the
value as a double: with at most 14 significant digits (12 before the point, 2 after),
every value reads back exactly, since a double holds 15 significant decimal digits and
SQLAlchemy rounds it back to the column's two places (tests/funding/test_savings.py).

Both tables are on the cooperation's fact chain (models.chain); a correction updates the
row and is recorded as an update on the chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from models.clock import utcnow
from models.cooperation import Partnership
from models.registry import Municipality
from states.savings import Costs, YearCosts

MONEY_DIGITS = 14
MONEY_PLACES = 2


def money_column() -> Column:  # type: ignore[type-arg]
    return Column(Numeric(MONEY_DIGITS, MONEY_PLACES, asdecimal=True), nullable=False)


class FundingBaseline(SQLModel, table=True):
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


class FundingActual(SQLModel, table=True):
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
