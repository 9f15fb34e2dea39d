"""Partial indexes keep their condition on both databases without importing the
PostgreSQL dialect for a process that only uses SQLite (models.partial_index)."""

import subprocess
import sys

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex

from models.outbox import Notification

INDEXES = Notification.__table__.indexes  # type: ignore[attr-defined]


def _ddl(name: str, dialect: object) -> str:
    (index,) = [i for i in INDEXES if i.name == name]
    return str(CreateIndex(index).compile(dialect=dialect))  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_partial_index_has_its_condition_on_both_databases(dialect: object) -> None:
    assert _ddl("ix_outbox_due", dialect) == (
        "CREATE INDEX ix_outbox_due ON outbox (next_attempt_at)"
        " WHERE status IN ('pending', 'sending')"
    )
    assert _ddl("ix_outbox_failed", dialect) == (
        "CREATE INDEX ix_outbox_failed ON outbox (context_id) WHERE status = 'failed'"
    )


def test_importing_the_tables_leaves_the_postgresql_dialect_unloaded() -> None:
    probe = (
        "import sys, models, sqlalchemy.dialects.sqlite; "
        "print('sqlalchemy.dialects.postgresql' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
