"""council calendars

Council calendars for the founding procedure's deadlines (issue 16, item 3):
`calendar_import` (who imported which feed, with the proof) and `council_meeting` (each
municipality's meetings by the feed's UID), and the municipality's submission lead time
(`submission_lead_days`, Vorlagefrist, default 21 days).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 11:00:00.000000
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


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column(
                "submission_lead_days", sa.Integer(), nullable=False, server_default="21"
            )
        )
    op.create_table(
        "calendar_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("source", _str(length=1000), nullable=False),
        sa.Column("sha256", _str(length=64), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("proof", sa.JSON(), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_calendar_import_municipality_id", "calendar_import", ["municipality_id"]
    )
    op.create_table(
        "council_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("uid", _str(length=255), nullable=False),
        sa.Column("meets_on", sa.Date(), nullable=False),
        sa.Column("body", _str(length=200), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.ForeignKeyConstraint(["import_id"], ["calendar_import.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("municipality_id", "uid"),
    )
    op.create_index(
        "ix_council_meeting_municipality_id", "council_meeting", ["municipality_id"]
    )
    op.create_index("ix_council_meeting_meets_on", "council_meeting", ["meets_on"])


def downgrade() -> None:
    op.drop_index("ix_council_meeting_meets_on", "council_meeting")
    op.drop_index("ix_council_meeting_municipality_id", "council_meeting")
    op.drop_table("council_meeting")
    op.drop_index("ix_calendar_import_municipality_id", "calendar_import")
    op.drop_table("calendar_import")
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("submission_lead_days")
