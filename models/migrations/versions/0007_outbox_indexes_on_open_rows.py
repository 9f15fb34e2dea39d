"""outbox indexes on open rows

The outbox's indexes on status, next_attempt_at and recipient_id covered every row
ever queued, though only open rows (pending, sending) are looked up by time, and
failed ones by status. Each index entry is a page that a transition's commit writes
(one per recipient for the recipient index; digests now read the open rows once
instead). Two partial indexes replace the three. transition_record's index on
cooperation_id goes: the unique (cooperation_id, seq) index serves those lookups. And
cooperation's index on state goes: every transition moved its entry (two pages), and
only `coop list --state` filters on it. The unique idempotency key becomes a partial
unique index over the records that have one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 08:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_SQL = "status IN ('pending', 'sending')"
FAILED_SQL = "status = 'failed'"


KEYED_SQL = "idempotency_key IS NOT NULL"
# 0001 created the key's UNIQUE without a name: PostgreSQL named it by its rule, SQLite
# left it unnamed (batch mode names it by this convention to find it).
PG_KEY_CONSTRAINT = "transition_record_idempotency_key_key"
KEY_NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _unique_key_constraint(*, drop: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        if drop:
            op.drop_constraint(PG_KEY_CONSTRAINT, "transition_record", type_="unique")
        else:
            op.create_unique_constraint(PG_KEY_CONSTRAINT, "transition_record", ["idempotency_key"])
        return
    with op.batch_alter_table(
        "transition_record", recreate="always", naming_convention=KEY_NAMING
    ) as batch_op:
        name = "uq_transition_record_idempotency_key"
        if drop:
            batch_op.drop_constraint(name, type_="unique")
        else:
            batch_op.create_unique_constraint(name, ["idempotency_key"])


def _partial(name: str, column: str, where: str) -> None:
    op.create_index(
        name,
        "outbox",
        [column],
        unique=False,
        sqlite_where=text(where),
        postgresql_where=text(where),
    )


def upgrade() -> None:
    op.drop_index("ix_outbox_status", table_name="outbox")
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.drop_index("ix_outbox_recipient_id", table_name="outbox")
    _partial("ix_outbox_due", "next_attempt_at", OPEN_SQL)
    _partial("ix_outbox_failed", "context_id", FAILED_SQL)
    op.drop_index("ix_transition_record_cooperation_id", table_name="transition_record")
    op.drop_index("ix_cooperation_state", table_name="cooperation")
    _unique_key_constraint(drop=True)
    op.create_index(
        "ix_transition_record_idempotency_key",
        "transition_record",
        ["idempotency_key"],
        unique=True,
        sqlite_where=text(KEYED_SQL),
        postgresql_where=text(KEYED_SQL),
    )


def downgrade() -> None:
    op.drop_index("ix_transition_record_idempotency_key", table_name="transition_record")
    _unique_key_constraint(drop=False)
    op.create_index("ix_cooperation_state", "cooperation", ["state"])
    op.create_index(
        "ix_transition_record_cooperation_id", "transition_record", ["cooperation_id"]
    )
    op.drop_index("ix_outbox_failed", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_recipient_id", "outbox", ["recipient_id"])
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    op.create_index("ix_outbox_status", "outbox", ["status"])
