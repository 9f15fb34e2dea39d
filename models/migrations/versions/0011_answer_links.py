"""answer links

Single-use links in mails for the people outside the coordination (a mayor's sign-off,
a partner's benefit, agreeing to a conflict's resolution): the token's SHA-256, the
token sealed under the server secret, whom, what and which object it is bound to, the
Message-ID of the mail that carried it, its expiry, and when and how it was used. A
sign-off request keeps how its answer was proven (`answer_proof`).

Revision ID: 0011_answers
Revises: 0010_chains
Create Date: 2026-12-06 07:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_answers"
down_revision: str | None = "0010_chains"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answer_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seal", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("proposal", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("asked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["asked_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_answer_link_person_id", "answer_link", ["person_id"], unique=False)
    op.create_index(
        "ix_answer_link_cooperation_id", "answer_link", ["cooperation_id"], unique=False
    )
    with op.batch_alter_table("signoff_request") as batch_op:
        batch_op.add_column(sa.Column("answer_proof", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signoff_request") as batch_op:
        batch_op.drop_column("answer_proof")
    op.drop_index("ix_answer_link_cooperation_id", table_name="answer_link")
    op.drop_index("ix_answer_link_person_id", table_name="answer_link")
    op.drop_table("answer_link")
