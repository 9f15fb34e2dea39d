"""Migration 0010_chains on a database made at 0008 with data: the existing facts get
back-filled chains, the existing audit chains still verify, and old sign-offs keep
counting. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import col, select

from ikz.app import App
from ikz.settings import Settings
from ikz.views.audit import verify_trail
from ikz.views.cooperation import show, signoffs
from models.audit import GENESIS_HASH, transition_hash
from models.chain import FactRecord
from models.db import Database, connect
from models.schema import HEAD_REVISION, alembic_config, current_revision, upgrade
from tests.factories import FakeClock

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _t(name: str, *columns: tuple[str, sa.types.TypeEngine]) -> sa.TableClause:  # type: ignore[type-arg]
    return sa.table(name, *(sa.column(n, t) for n, t in columns))


DT = sa.DateTime()
J = sa.JSON()
INT = sa.Integer()
S = sa.String()


def _at_0008(db: Database) -> None:
    cfg = alembic_config(db)
    with db.write_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        conn.commit()


def _legacy_data(db: Database) -> None:
    """A cooperation in agreement, as 0008-era ikz-flow left it: two transitions on its
    chain, a partner with a mayor, a goal, a mayor's sign-off."""
    naive = AT.replace(tzinfo=None)
    rows: list[tuple[sa.TableClause, dict[str, object]]] = [
        (
            _t(
                "municipality",
                ("id", INT),
                ("name", S),
                ("ags", S),
                ("bundesland", S),
                ("population", INT),
                ("kind", S),
                ("created_at", DT),
            ),
            {
                "id": 1,
                "name": "Jena",
                "ags": "16053000",
                "bundesland": "TH",
                "population": 110700,
                "kind": "stadt",
                "created_at": naive,
            },
        ),
        (
            _t(
                "person",
                ("id", INT),
                ("name", S),
                ("email", S),
                ("municipality_id", INT),
                ("roles", J),
                ("language", S),
                ("created_at", DT),
                ("digest", S),
            ),
            {
                "id": 1,
                "name": "Kora",
                "email": "k@example.org",
                "municipality_id": None,
                "roles": ["coordinator"],
                "language": "de",
                "created_at": naive,
                "digest": "immediate",
            },
        ),
        (
            _t(
                "person",
                ("id", INT),
                ("name", S),
                ("email", S),
                ("municipality_id", INT),
                ("roles", J),
                ("language", S),
                ("created_at", DT),
                ("digest", S),
            ),
            {
                "id": 2,
                "name": "BM Jena",
                "email": "bm@example.org",
                "municipality_id": 1,
                "roles": ["mayor"],
                "language": "de",
                "created_at": naive,
                "digest": "immediate",
            },
        ),
        (
            _t(
                "cooperation",
                ("id", INT),
                ("title", S),
                ("field_of_work", S),
                ("description", S),
                ("state", S),
                ("version", INT),
                ("coordinator_id", INT),
                ("state_entered_at", DT),
                ("created_at", DT),
                ("updated_at", DT),
            ),
            {
                "id": 1,
                "title": "Bauhof",
                "field_of_work": "Bauhof",
                "description": "",
                "state": "exploration",
                "version": 2,
                "coordinator_id": 1,
                "state_entered_at": naive,
                "created_at": naive,
                "updated_at": naive,
            },
        ),
        (
            _t(
                "partnership",
                ("id", INT),
                ("cooperation_id", INT),
                ("municipality_id", INT),
                ("mayor_id", INT),
            ),
            {"id": 1, "cooperation_id": 1, "municipality_id": 1, "mayor_id": 2},
        ),
        (
            _t(
                "goal",
                ("id", INT),
                ("cooperation_id", INT),
                ("text", S),
                ("target", S),
                ("created_at", DT),
            ),
            {
                "id": 1,
                "cooperation_id": 1,
                "text": "Kosten senken",
                "target": "-10 %",
                "created_at": naive,
            },
        ),
        (
            _t(
                "signoff",
                ("id", INT),
                ("cooperation_id", INT),
                ("gate", S),
                ("municipality_id", INT),
                ("mayor_id", INT),
                ("note", S),
                ("signed_at", DT),
            ),
            {
                "id": 1,
                "cooperation_id": 1,
                "gate": "start_pilot",
                "municipality_id": 1,
                "mayor_id": 2,
                "note": "",
                "signed_at": naive,
            },
        ),
    ]
    prev = GENESIS_HASH
    rec_t = _t(
        "transition_record",
        ("id", INT),
        ("cooperation_id", INT),
        ("seq", INT),
        ("from_state", S),
        ("to_state", S),
        ("trigger", S),
        ("actor_id", INT),
        ("reason", S),
        ("lessons_learned", S),
        ("at", DT),
        ("idempotency_key", S),
        ("prev_hash", S),
        ("hash", S),
    )
    for seq, (src, dst, trig) in enumerate(
        [(None, "informal_contact", "open"), ("informal_contact", "exploration", "explore")], 1
    ):
        values: dict[str, object] = {
            "cooperation_id": 1,
            "seq": seq,
            "from_state": src,
            "to_state": dst,
            "trigger": trig,
            "actor_id": 1,
            "reason": "",
            "lessons_learned": "",
            "at": AT,
            "idempotency_key": None,
            "prev_hash": prev,
        }
        values["hash"] = transition_hash(**values)  # type: ignore[arg-type]
        prev = str(values["hash"])
        rows.append((rec_t, {"id": seq, **values, "at": naive}))
    with db.write_engine.begin() as conn:
        for table, values in rows:
            conn.execute(sa.insert(table).values(**values))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    db = connect(url)
    _at_0008(db)
    _legacy_data(db)
    app = App(db=db, settings=Settings(data_dir=tmp_path, database_url=url), clock=FakeClock())
    yield app
    app.close()


def test_an_old_database_gets_back_filled_chains_and_still_verifies(old_app: App) -> None:
    assert current_revision(old_app.db) == "0008"
    assert upgrade(old_app.db) == HEAD_REVISION
    assert current_revision(old_app.db) == "0019"
    report = verify_trail(old_app)
    assert [f.en for f in report.findings] == []
    assert (report.records, report.facts) == (2, 4)
    with old_app.db.read() as s:
        recs = s.exec(select(FactRecord).order_by(col(FactRecord.seq))).all()
    assert [(r.seq, r.table_name, r.row_id, r.op, r.backfilled, r.proof_kind) for r in recs] == [
        (1, "cooperation", 1, "insert", True, None),
        (2, "goal", 1, "insert", True, None),
        (3, "partnership", 1, "insert", True, None),
        (4, "signoff", 1, "insert", True, None),
    ]
    # The old sign-off keeps counting: it was taken under the rules of its time.
    assert signoffs(old_app, 1)[0]["counts"] is True
    assert signoffs(old_app, 1)[0]["proof_kind"] is None
    assert show(old_app, 1)["state"] == "exploration"


def test_an_old_database_edited_after_the_upgrade_is_caught(old_app: App) -> None:
    upgrade(old_app.db)
    with old_app.db.write() as s:
        s.execute(sa.text("UPDATE goal SET target = '-50 %' WHERE id = 1"))
    assert [
        (f.code, f.cooperation_id, f.table, f.row_id) for f in verify_trail(old_app).findings
    ] == [("fact_edited", 1, "goal", 1)]
