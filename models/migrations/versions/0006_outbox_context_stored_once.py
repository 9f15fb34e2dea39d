"""outbox context stored once

A notification's context (the facts its mail is rendered from) moves from each outbox
row into `outbox_context`, one row per context, referenced by all its recipients' rows.
Existing rows keep their context under their own id.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 08:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_outbox_context_id_outbox_context"


def upgrade() -> None:
    op.create_table(
        "outbox_context",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO outbox_context (id, body) SELECT id, context FROM outbox")
    if op.get_bind().dialect.name == "postgresql":
        # The ids were given explicitly: move the sequence past them.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('outbox_context', 'id'), "
            "coalesce(max(id), 0) + 1, false) FROM outbox_context"
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context_id", sa.Integer(), nullable=True))
    op.execute("UPDATE outbox SET context_id = id")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("context_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(FK, "outbox_context", ["context_id"], ["id"])
        batch_op.drop_column("context")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
    op.execute(
        "UPDATE outbox SET context = "
        "(SELECT body FROM outbox_context WHERE outbox_context.id = outbox.context_id)"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("context", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("context_id")
    op.drop_table("outbox_context")
