"""founding clauses

The agreement's or statute's clauses as recorded facts (issue 16, items 5 and 7):
`founding_clause`, one row per clause agreed (its text and, for the term, the
termination and the evaluation, its measure), on the cooperation's hash chain
(models.chain). It starts empty, so nothing is back-filled.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 11:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "founding_clause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("code", _str(length=40), nullable=False),
        sa.Column("text", _str(), nullable=False),
        sa.Column("term_years", sa.Integer(), nullable=True),
        sa.Column("open_ended", sa.Boolean(), nullable=False),
        sa.Column("notice_months", sa.Integer(), nullable=True),
        sa.Column("evaluation_on", sa.Date(), nullable=True),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["founding_plan.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_founding_clause_cooperation_id", "founding_clause", ["cooperation_id"])


def downgrade() -> None:
    op.drop_index("ix_founding_clause_cooperation_id", "founding_clause")
    op.drop_table("founding_clause")
