"""The schema is made by Alembic migrations only, and the migrations match the models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, col, select

import models  # noqa: F401  (registers every table on the metadata)
from ikz.app import App
from ikz.views.cooperation import list_cooperations
from models.db import Database, connect
from models.outbox import Notification, enqueue
from models.schema import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    is_current,
    require_current,
    script_head,
    upgrade,
)
from states.errors import IkzError
from tests.factories import make_app, make_world, open_coop

IKZ = str(Path(sys.executable).with_name("ikz"))


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    db = connect(sqlite_url)
    yield db
    db.dispose()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    db = connect(pg_url)
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_db(request: pytest.FixtureRequest) -> Database:
    """A database that exists but was never upgraded, on each supported backend."""
    name = "sqlite_db" if request.param == "sqlite" else "pg_db"
    db: Database = request.getfixturevalue(name)
    return db


def differences(db: Database) -> list[object]:
    with db.read_engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(ctx, SQLModel.metadata))


def test_head_revision_is_the_script_head(sqlite_db: Database) -> None:
    assert script_head(sqlite_db) == HEAD_REVISION


def test_upgrade_creates_exactly_the_models(fresh_db: Database) -> None:
    assert upgrade(fresh_db) == HEAD_REVISION
    assert current_revision(fresh_db) == HEAD_REVISION
    assert differences(fresh_db) == []
    tables = set(inspect(fresh_db.read_engine).get_table_names())
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}


def test_upgrade_twice_is_harmless(fresh_db: Database) -> None:
    upgrade(fresh_db)
    with fresh_db.write() as s:
        s.execute(
            text(
                "INSERT INTO municipality (name, ags, bundesland, population, kind, "
                "created_at) VALUES ('Jena', '16053000', 'Thüringen', 1, 'stadt', "
                "CURRENT_TIMESTAMP)"
            )
        )
    assert upgrade(fresh_db) == HEAD_REVISION
    assert is_current(fresh_db)
    assert differences(fresh_db) == []
    with fresh_db.read() as s:
        assert s.execute(text("SELECT count(*) FROM municipality")).scalar() == 1
        assert s.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_not_upgraded_database_is_refused(fresh_db: Database) -> None:
    assert current_revision(fresh_db) is None
    assert not is_current(fresh_db)
    with pytest.raises(IkzError) as err:
        require_current(fresh_db)
    assert err.value.code == "database_not_upgraded"
    assert "ikz db upgrade" in err.value.en
    upgrade(fresh_db)
    require_current(fresh_db)


def test_database_behind_the_code_is_refused(sqlite_db: Database) -> None:
    upgrade(sqlite_db)
    with sqlite_db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(IkzError) as err:
        require_current(sqlite_db)
    assert err.value.code == "database_not_upgraded"


def run_ikz(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IKZ_DATABASE_URL": url, "IKZ_LANGUAGE": "en"}
    return subprocess.run(
        [IKZ, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_command_on_a_not_upgraded_database_fails_cleanly(sqlite_url: str) -> None:
    proc = run_ikz(sqlite_url, "coop", "list")
    assert proc.returncode == 1
    assert "ikz db upgrade" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert run_ikz(sqlite_url, "db", "upgrade").returncode == 0
    assert run_ikz(sqlite_url, "coop", "list").returncode == 0


def test_upgrade_keeps_existing_data(sqlite_url: str, tmp_path: Path) -> None:
    app: App = make_app(sqlite_url, tmp_path)
    try:
        w = make_world(app)
        cid = open_coop(w)
        upgrade(app.db)
        assert [c["id"] for c in list_cooperations(app)] == [cid]
    finally:
        app.close()


def _migrate(db: Database, action: str, revision: str) -> None:
    from alembic import command

    cfg = alembic_config(db)
    with db.write_engine.connect() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)
        conn.commit()


def test_0006_keeps_every_queued_context_and_goes_back(fresh_db: Database) -> None:
    """Rows queued before the context moved to its own table keep it, each under its own
    id, and new contexts take ids after them; the downgrade puts the contexts back."""
    _migrate(fresh_db, "upgrade", "0005")
    contexts = [{"cooperation_id": 7, "title": "Bauhof Süd"}, {"n": [1, "ä", None]}]
    with fresh_db.write() as s:
        s.execute(
            text(
                "INSERT INTO person (id, name, email, roles, language, created_at, digest) "
                "VALUES (1, 'Anna', 'anna@example.org', '[]', 'de', CURRENT_TIMESTAMP, "
                "'immediate')"
            )
        )
        for i, ctx in enumerate(contexts, start=1):
            s.execute(
                text(
                    "INSERT INTO outbox (recipient_id, kind, context, language, status, "
                    "attempts, deferrals, next_attempt_at, dedupe_key, created_at) VALUES "
                    "(1, 'k', :ctx, 'de', 'pending', 0, 0, CURRENT_TIMESTAMP, :key, "
                    "CURRENT_TIMESTAMP)"
                ),
                {"ctx": json.dumps(ctx), "key": f"k:{i}"},
            )
    assert upgrade(fresh_db) == HEAD_REVISION and differences(fresh_db) == []
    with fresh_db.write() as s:
        enqueue(s, recipient_ids=[1], kind="k", context={"new": True}, dedupe_prefix="later")
    with fresh_db.read() as s:
        rows = s.exec(select(Notification).order_by(col(Notification.id))).all()
        assert [r.context for r in rows] == [*contexts, {"new": True}]
        assert [r.context_id for r in rows] == [1, 2, 3]
    _migrate(fresh_db, "downgrade", "0005")
    with fresh_db.read() as s:
        back = s.execute(text("SELECT context FROM outbox ORDER BY id")).scalars().all()
        assert [json.loads(c) if isinstance(c, str) else c for c in back] == [
            *contexts,
            {"new": True},
        ]
