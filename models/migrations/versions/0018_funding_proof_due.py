"""funding proof due

A funding decision's deadline for the proof of use (issue 17, item 3): one nullable
column `funding_step.proof_due`. Existing rows keep NULL (no deadline set), so their
hashes on the fact chain stay as they were (models.chain leaves NULLs out).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("funding_step") as batch:
        batch.add_column(sa.Column("proof_due", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("funding_step") as batch:
        batch.drop_column("proof_due")
