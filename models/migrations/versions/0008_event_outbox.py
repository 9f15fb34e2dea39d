"""event outbox

The Prefect events of a change were posted after its commit, best effort: while the
server was away they were lost, and with them the follow-ups their triggers start.
Each event is now a row written in the change's transaction, with its stable event id
and its delivery state, posted by a relay (ikz.events.relay). One partial index over
the open rows (by cooperation, then write order) serves the relay's ordered claim and
its "no earlier open event of this cooperation" check; sent rows are never looked up.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:35:40.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_SQL = "status IN ('pending', 'sending')"


def upgrade() -> None:
    op.create_table(
        "event_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("resource", sa.JSON(), nullable=False),
        sa.Column("related", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("conflict_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("first_failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_event_outbox_open",
        "event_outbox",
        ["cooperation_id", "id"],
        unique=False,
        sqlite_where=sa.text(OPEN_SQL),
        postgresql_where=sa.text(OPEN_SQL),
    )


def downgrade() -> None:
    op.drop_index("ix_event_outbox_open", table_name="event_outbox")
    op.drop_table("event_outbox")
