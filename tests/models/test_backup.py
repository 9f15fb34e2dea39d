"""Backup and restore (models.backup) on real SQLite files and the real PostgreSQL: the
round trip, the outbox after a restore (no mail resent, none lost), and every refusal
leaving the database as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command

from ikz.app import App
from ikz.mail.dispatch import dispatch_sync
from ikz.mail.render import message_id
from ikz.views.audit import verify_audit
from ikz.views.cooperation import list_cooperations
from models.backup import backup, read_manifest, restore
from models.db import connect
from models.schema import alembic_config, current_revision
from tests.factories import World, make_app, make_world, open_coop
from tests.mail.conftest import (
    Server,
    make_due,
    message_ids,
    outbox,
    point_at,
    queue,
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _url(backend: str, request: pytest.FixtureRequest, tmp_path: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / name / 'ikz.sqlite3'}"
    base: str = request.getfixturevalue("pg_url")
    if name == "first":
        return base
    # A second scratch database beside the first (dropped with the server's scratch ones).
    import psycopg

    other = f"{base.rsplit('/', 1)[1]}_{name}"
    admin = base.rsplit("/", 1)[0] + "/test"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{other}"')
    request.addfinalizer(lambda: _drop(admin, other))
    return base.rsplit("/", 1)[0] + f"/{other}"


def _drop(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def w(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    app = make_app(_url(backend, request, tmp_path, "first"), tmp_path)
    try:
        yield make_world(app)
    finally:
        app.close()


def titles(app: App) -> list[str]:
    return sorted(str(c["title"]) for c in list_cooperations(app))


def test_restore_brings_back_the_data_of_the_backup_and_its_audit_chain(
    w: World, tmp_path: Path
) -> None:
    open_coop(w, title="Vor der Sicherung")
    manifest = backup(w.app.db, tmp_path / "b.zip", now=w.clock())
    open_coop(w, title="Nach der Sicherung")

    restored = restore(w.app.db, tmp_path / "b.zip", force=True)

    assert titles(w.app) == ["Vor der Sicherung"]
    assert verify_audit(w.app)[1] is None
    assert restored.upgraded_to is None
    assert manifest.schema_revision == "0019"
    assert manifest.kind == ("sqlite" if w.app.db.is_sqlite else "postgresql")
    assert read_manifest(tmp_path / "b.zip") == manifest


def test_the_outbox_after_a_restore_neither_resends_nor_loses_a_mail(
    w: World, tmp_path: Path, smtp_server: Server
) -> None:
    point_at(w.app, smtp_server.port)
    queue(w, 2, prefix="a")
    make_due(w)
    assert dispatch_sync(w.app).sent == 2  # a: sent before the backup
    queue(w, 2, prefix="b")  # b: queued before the backup, sent after it
    now = w.clock()
    w.clock.advance(hours=2)
    queue(w, 2, prefix="c")  # c: queued before the backup, due in 2 h: not sent before
    w.clock.now = now
    backup(w.app.db, tmp_path / "b.zip", now=w.clock())
    make_due(w)
    assert dispatch_sync(w.app).sent == 2  # b
    queue(w, 1, prefix="d")  # d: after the backup; it goes with the restore
    make_due(w)
    assert dispatch_sync(w.app).sent == 1

    restored = restore(w.app.db, tmp_path / "b.zip", force=True)
    w.clock.advance(hours=3)
    result = dispatch_sync(w.app)

    assert restored.carried_over == 2
    assert result.sent == 2
    keys = [r.dedupe_key for r in outbox(w.app)]
    sent_after_restore = message_ids(smtp_server.handler)[5:]
    assert sorted(sent_after_restore) == sorted(message_id(k) for k in keys if k.startswith("c:"))
    assert len(message_ids(smtp_server.handler)) == len(set(message_ids(smtp_server.handler)))
    assert {r.status for r in outbox(w.app)} == {"sent"}
    assert verify_audit(w.app)[1] is None


def test_a_restore_into_a_database_that_never_saw_the_mails_sends_them_again(
    backend: str, request: pytest.FixtureRequest, w: World, tmp_path: Path, smtp_server: Server
) -> None:
    """The other side of the carry-over: what the replaced database does not know (here,
    a new empty one, as after losing the server) is sent once more, same Message-ID."""
    point_at(w.app, smtp_server.port)
    queue(w, 2, prefix="b")
    backup(w.app.db, tmp_path / "b.zip", now=w.clock())
    make_due(w)
    assert dispatch_sync(w.app).sent == 2
    elsewhere = App(db=connect(_url(backend, request, tmp_path, "second")), settings=w.app.settings)
    elsewhere.clock = w.app.clock
    try:
        restored = restore(elsewhere.db, tmp_path / "b.zip")
        result = dispatch_sync(elsewhere)
    finally:
        elsewhere.close()

    assert restored.carried_over == 0
    assert result.sent == 2
    ids = message_ids(smtp_server.handler)
    assert ids[:2] == ids[2:]


def test_an_older_backup_is_restored_and_upgraded(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    old = connect(_url(backend, request, tmp_path, "first"))
    target = connect(_url(backend, request, tmp_path, "second"))
    try:
        cfg = alembic_config(old)
        with old.write_engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
            conn.commit()
        manifest = backup(old, tmp_path / "old.zip", now=_now())
        restored = restore(target, tmp_path / "old.zip")
        assert manifest.schema_revision == "0005"
        assert restored.upgraded_to == "0019"
        assert current_revision(target) == "0019"
    finally:
        old.dispose()
        target.dispose()


def _now() -> datetime:
    return datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
