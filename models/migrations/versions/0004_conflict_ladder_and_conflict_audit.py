"""conflict ladder and conflict audit

Per conflict: when its level was entered (deadlines count from there), the assigned
moderator, the session of the current level, who agreed to the resolution or why it was
closed unresolved; and `conflict_record`, the hash-chained audit of every conflict step.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 03:51:05.715695
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MODERATOR_FK = "fk_conflict_moderator_id_person"


def upgrade() -> None:
    op.create_table(
        "conflict_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conflict_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("from_level", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("to_level", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("person_ids", sa.JSON(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["conflict_id"], ["conflict.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conflict_id", "seq"),
    )
    with op.batch_alter_table("conflict_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_record_conflict_id"), ["conflict_id"], unique=False
        )

    with op.batch_alter_table("conflict", schema=None) as batch_op:
        # Nullable first: existing conflicts take their opening time below.
        batch_op.add_column(
            sa.Column("level_entered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("moderator_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("session_starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("session_duration_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "session_location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("session_sequence", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("agreed_by", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("close_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.create_foreign_key(MODERATOR_FK, "person", ["moderator_id"], ["id"])

    # Without a recorded escalation time, an existing conflict's level counts from its
    # opening: a conflict already waiting long is overdue at once, as it should be.
    op.execute("UPDATE conflict SET level_entered_at = opened_at")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.alter_column(
            "level_entered_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_constraint(MODERATOR_FK, type_="foreignkey")
        batch_op.drop_column("close_reason")
        batch_op.drop_column("agreed_by")
        batch_op.drop_column("session_sequence")
        batch_op.drop_column("session_location")
        batch_op.drop_column("session_duration_minutes")
        batch_op.drop_column("session_starts_at")
        batch_op.drop_column("moderator_id")
        batch_op.drop_column("level_entered_at")

    with op.batch_alter_table("conflict_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_record_conflict_id"))

    op.drop_table("conflict_record")
