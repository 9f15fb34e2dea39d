"""founding changes

Life after founding (issue 16, item 6): `founding_change`, one row per change procedure
(amendment, a partner joining or leaving, termination, dissolution) opened on a
permanent cooperation whose founding is complete, on the cooperation's hash chain
(models.chain); `founding_event.change_id` names the change an act belongs to (NULL:
the founding itself); `founding_plan.inherited_from_id` names the cooperation a
follow-up took its legal context from; `partnership.left_on` the day a partner left. All new columns are nullable and the table starts empty, so no
row's hash changes and nothing is back-filled.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 13:55:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "founding_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str(length=20), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("description", _str(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.ForeignKeyConstraint(["plan_id"], ["founding_plan.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_founding_change_cooperation_id", "founding_change", ["cooperation_id"])
    # batch: SQLite cannot add a foreign key to an existing table otherwise.
    with op.batch_alter_table("founding_event") as batch:
        batch.add_column(sa.Column("change_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_founding_event_change_id", "founding_change", ["change_id"], ["id"]
        )
    op.add_column("partnership", sa.Column("left_on", sa.Date(), nullable=True))
    with op.batch_alter_table("founding_plan") as batch:
        batch.add_column(sa.Column("inherited_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_founding_plan_inherited_from_id", "cooperation", ["inherited_from_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("founding_plan") as batch:
        batch.drop_constraint("fk_founding_plan_inherited_from_id", type_="foreignkey")
        batch.drop_column("inherited_from_id")
    with op.batch_alter_table("founding_event") as batch:
        batch.drop_constraint("fk_founding_event_change_id", type_="foreignkey")
        batch.drop_column("change_id")
    with op.batch_alter_table("partnership") as batch:
        batch.drop_column("left_on")
    op.drop_index("ix_founding_change_cooperation_id", "founding_change")
    op.drop_table("founding_change")
