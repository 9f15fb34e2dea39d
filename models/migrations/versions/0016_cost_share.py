"""cost_share: the cost-sharing key

Issue 17, factor 3: `cost_share` holds each partner's share of the cooperation's costs
in per cent (NUMERIC(5, 2)), one row per partner, updated when a new key is recorded. A
fact table on the cooperation's hash chain (models.chain); it starts empty, so nothing
is back-filled.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 11:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cost_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "municipality_id"),
    )
    op.create_index("ix_cost_share_cooperation_id", "cost_share", ["cooperation_id"])


def downgrade() -> None:
    op.drop_index("ix_cost_share_cooperation_id", "cost_share")
    op.drop_table("cost_share")
