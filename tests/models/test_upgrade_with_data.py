"""An existing database full of data goes down and up the latest migrations on SQLite.

A batch migration copies a table and drops the old one; with SQLite's foreign keys
enforced that failed on the demo ("FOREIGN KEY constraint failed" dropping
founding_plan, which founding events refer to), while the migration tests on nearly
empty databases passed. models/migrations/env.py now switches enforcement off for the
migration, checks every reference afterwards and switches it on again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from ikz.demo import load_demo
from ikz.views.audit import verify_trail
from models.schema import HEAD_REVISION, current_revision, upgrade
from tests.factories import make_app
from tests.migration_kit import drift, move

pytestmark = pytest.mark.slow

# Tables whose rows the migrations since 0017 copy (batch mode) or add columns to.
COUNTED = ("founding_plan", "founding_event", "partnership", "funding_step", "cooperation")


def _counts(app: object) -> dict[str, int]:
    with app.db.read() as s:  # type: ignore[attr-defined]
        return {
            t: s.connection().execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in COUNTED
        }


def test_the_demo_goes_down_to_0017_and_up_again_with_every_row(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'demo.sqlite3'}", tmp_path)
    try:
        load_demo(app)
        before = _counts(app)
        assert before["founding_plan"] >= 5 and before["founding_event"] >= 20
        move(app.db, "downgrade", "0017")
        assert current_revision(app.db) == "0017"
        assert upgrade(app.db) == HEAD_REVISION
        assert _counts(app) == before
        assert drift(app.db) == []
        with app.db.write_engine.connect() as conn:
            # Enforcement is back on the pooled connection the migration used.
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # The downgrade dropped the demo's change procedure (founding_change and the
        # change_id of its draft), which the chain notices; nothing else.
        found = {(f.code, f.table) for f in verify_trail(app).findings}
        assert found == {("fact_deleted", "founding_change"), ("fact_edited", "founding_event")}
    finally:
        app.close()
