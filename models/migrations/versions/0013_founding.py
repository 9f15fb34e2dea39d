"""founding procedure

The founding procedure as a tracked process (issue 16): `founding_plan` (state, legal
form and the rule pack's rules copied at planning time), `founding_event` (letter of
intent, draft, council resolutions, signatures, the authority's receipt and decision,
deemed approval, publication) and `assessment_answer` (§ 2b UStG, § 108 Abs. 6 GWB,
Art. 107 AEUV criteria). All three are fact tables on the cooperation's hash chain
(models.chain); they start empty, so nothing is back-filled.

Revision ID: 0013
Revises: 0011_answers
Create Date: 2026-12-06 08:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011_answers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "founding_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("state", _str(length=2), nullable=False),
        sa.Column("form", _str(length=30), nullable=False),
        sa.Column("voluntary_tasks", sa.Boolean(), nullable=False),
        sa.Column("target_effective_on", sa.Date(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("rules_sha256", _str(length=64), nullable=False),
        sa.Column("planned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id"),
    )
    op.create_table(
        "founding_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str(length=30), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("body", _str(length=200), nullable=False),
        sa.Column("agenda_item", _str(length=100), nullable=False),
        sa.Column("result", _str(length=30), nullable=False),
        sa.Column("reference", _str(length=300), nullable=False),
        sa.Column("note", _str(), nullable=False),
        sa.Column("document_sha256", _str(length=64), nullable=True),
        sa.Column("document_name", _str(length=255), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["founding_plan.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_founding_event_cooperation_id", "founding_event", ["cooperation_id"])
    op.create_table(
        "assessment_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str(length=20), nullable=False),
        sa.Column("criterion", _str(length=40), nullable=False),
        sa.Column("answer", sa.Boolean(), nullable=False),
        sa.Column("reason", _str(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("document_sha256", _str(length=64), nullable=True),
        sa.Column("document_name", _str(length=255), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_assessment_answer_cooperation_id", "assessment_answer", ["cooperation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_assessment_answer_cooperation_id", "assessment_answer")
    op.drop_table("assessment_answer")
    op.drop_index("ix_founding_event_cooperation_id", "founding_event")
    op.drop_table("founding_event")
    op.drop_table("founding_plan")
