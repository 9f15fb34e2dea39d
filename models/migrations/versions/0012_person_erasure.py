"""person erasure

GDPR Art. 17: a person's data can be erased on request. The person row stays,
pseudonymised and marked `erased_at`, so that their acts remain on the chains; the
`erasure` table logs each erasure with its reason, actor and proof.

Revision ID: 0012
Revises: 0009_gateway
Create Date: 2026-12-06 08:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0009_gateway"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "person", sa.Column("erased_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.create_table(
        "erasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("proof", sa.JSON(), nullable=False),
        sa.Column("rows_changed", sa.Integer(), nullable=False),
        sa.Column("mails_withdrawn", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasure_person_id", "erasure", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_erasure_person_id", table_name="erasure")
    op.drop_table("erasure")
    # Not a batch (which copies the table): other tables' rows refer to the person rows,
    # and SQLite (3.35+) and PostgreSQL both drop a column in place.
    op.execute("ALTER TABLE person DROP COLUMN erased_at")
