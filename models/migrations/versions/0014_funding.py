"""funding: cost baseline and actual costs

The cost comparison of issue 17: `funding_baseline` (each partner's yearly costs of the
task before the cooperation: personnel, material, one-off) and `funding_actual` (each
year's actual costs after it), money as NUMERIC(14, 2). Both are fact tables on the
cooperation's hash chain (models.chain); they start empty, so nothing is back-filled.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString


def _money(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(14, 2), nullable=False)


def _costs_table(name: str, *unique: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        _money("personnel"),
        _money("material"),
        _money("one_off"),
        sa.Column("note", _str(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(*unique),
    )
    op.create_index(f"ix_{name}_cooperation_id", name, ["cooperation_id"])


def upgrade() -> None:
    _costs_table("funding_baseline", "cooperation_id", "municipality_id")
    _costs_table("funding_actual", "cooperation_id", "municipality_id", "year")


def downgrade() -> None:
    for name in ("funding_actual", "funding_baseline"):
        op.drop_index(f"ix_{name}_cooperation_id", name)
        op.drop_table(name)
