"""funding: cost baseline, actual costs, applications

Issue 17: `funding_baseline` (each partner's yearly costs of the task before the
cooperation: personnel, material, one-off) and `funding_actual` (each year's actual
costs after it), money as NUMERIC(14, 2); `funding_application` (a cooperation's
application to a programme, with the programme copied when prepared) and `funding_step`
(submitted, decided, paid, proof of use, early-start permission). All four are fact
tables on the cooperation's hash chain (models.chain); they start empty, so nothing is
back-filled.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 10:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_str = sqlmodel.sql.sqltypes.AutoString


def _money(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(14, 2), nullable=False)


def _costs_table(name: str, *unique: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        _money("personnel"),
        _money("material"),
        _money("one_off"),
        sa.Column("note", _str(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(*unique),
    )
    op.create_index(f"ix_{name}_cooperation_id", name, ["cooperation_id"])


def upgrade() -> None:
    _costs_table("funding_baseline", "cooperation_id", "municipality_id")
    _costs_table("funding_actual", "cooperation_id", "municipality_id", "year")
    op.create_table(
        "funding_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("programme", _str(length=40), nullable=False),
        sa.Column("state", _str(length=2), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("rules_sha256", _str(length=64), nullable=False),
        sa.Column("prepared_on", sa.Date(), nullable=False),
        sa.Column("note", _str(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "programme"),
    )
    op.create_index(
        "ix_funding_application_cooperation_id", "funding_application", ["cooperation_id"]
    )
    op.create_table(
        "funding_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", _str(length=30), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("result", _str(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=True),
        sa.Column("quota", sa.Numeric(5, 2), nullable=True),
        sa.Column("conditions", _str(), nullable=False),
        sa.Column("reference", _str(length=300), nullable=False),
        sa.Column("note", _str(), nullable=False),
        sa.Column("document_sha256", _str(length=64), nullable=True),
        sa.Column("document_name", _str(length=255), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.ForeignKeyConstraint(["application_id"], ["funding_application.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_funding_step_cooperation_id", "funding_step", ["cooperation_id"])


def downgrade() -> None:
    for name in ("funding_step", "funding_application", "funding_actual", "funding_baseline"):
        op.drop_index(f"ix_{name}_cooperation_id", name)
        op.drop_table(name)
