"""fact chains and proofs

Every recorded act stores how its person was proven (states.proof): five proof columns
on the lifecycle's and the conflicts' audit records and on sign-offs, covered by the
records' hashes. Every fact a gate or the Kooperations-Check reads goes on a hash chain
per cooperation (`fact_record`, models.chain).

Existing rows: their audit records keep proof_kind NULL ("recorded before ikz-flow kept
evidence"): a record without proof is hashed as before, so the existing chains still
verify. Every existing fact row gets one chain record, marked `backfilled`, holding what
the row holds now; sign-offs recorded before keep counting for their gates (they were
taken under the rules of their time), new ones count only with the mayor's proof.

Revision ID: 0010_chains
Revises: 0012
Create Date: 2026-12-06 07:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_chains"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROOF_TABLES = ("transition_record", "conflict_record", "signoff")


def _proof_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("proof_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("proof_person_id", sa.Integer(), nullable=True),
        sa.Column("proof_detail", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("proof_on_behalf_of", sa.Integer(), nullable=True),
        sa.Column(
            "proof_document_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
        ),
    ]


def upgrade() -> None:
    for table in PROOF_TABLES:
        with op.batch_alter_table(table) as batch:
            for column in _proof_columns():
                batch.add_column(column)
    op.create_table(
        "fact_record",
        *_proof_columns(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperation_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("op", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("row_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("backfilled", sa.Boolean(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["cooperation_id"], ["cooperation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cooperation_id", "seq"),
    )
    _backfill()


def _backfill() -> None:
    """One `backfilled` record per existing fact row, chained per cooperation in table
    then id order, hashed as models.chain hashes a row (the columns this revision has)."""
    from models.chain import CHAINED, append_facts, row_hash
    from models.clock import utcnow
    from models.cooperation import Cooperation

    conn = op.get_bind()
    existing = set(sa.inspect(conn).get_table_names())
    rows: list[tuple[str, int, int, str, str]] = []
    for model in CHAINED:
        table = model.__table__  # type: ignore[attr-defined]
        if table.name not in existing:
            continue
        have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
        columns = [c for c in table.columns if c.key in have]
        for row in conn.execute(sa.select(*columns).order_by(table.c.id)).mappings():
            values = dict(row)
            cid = values["id"] if model is Cooperation else values["cooperation_id"]
            rows.append((table.name, values["id"], cid, "insert", row_hash(table.name, values)))
    rows.sort(key=lambda r: (r[2], 0 if r[0] == "cooperation" else 1, r[0], r[1]))
    append_facts(conn, rows, proof=None, actor_id=None, at=utcnow(), backfilled=True)


def downgrade() -> None:
    op.drop_table("fact_record")
    for table in PROOF_TABLES:
        with op.batch_alter_table(table) as batch:
            for column in _proof_columns():
                batch.drop_column(column.name)
