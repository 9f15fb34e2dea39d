"""health check history

One row per review: the Kooperations-Check's overall colour and the colour of each of
the eight success factors, so a trend can be shown.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "health_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("overall", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("colours", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("health_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_health_check_cooperation_id"), ["cooperation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("health_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_check_cooperation_id"))
    op.drop_table("health_check")
