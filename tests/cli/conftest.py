"""CLI fixtures: `ikz` run in-process against a fresh SQLite database per test.

`cli` is an upgraded, empty database; `demo_cli` holds the realistic demo portfolio (21
municipalities, 45 people, 13 cooperations). The demo is loaded once per session through
the real CLI and its file copied per test, so every test starts from the same data in
milliseconds. `world` holds the demo's ids as read from `--json` listings.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from ikz.cli.context import state
from ikz.settings import get_settings
from tests.cli.helpers import Cli, DemoWorld, invoke, load_world, point_settings_at
from tests.mail.conftest import ScriptedHandler, free_port


@pytest.fixture
def bare_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """A runner whose database was never created (not even `db upgrade`)."""
    data_dir = tmp_path / "data"
    db_path = point_settings_at(monkeypatch, data_dir)
    yield Cli(data_dir, db_path)
    state.close()
    get_settings.cache_clear()


@pytest.fixture
def cli(bare_cli: Cli) -> Cli:
    """A runner on a fresh, upgraded, empty database."""
    bare_cli.ok("db", "upgrade")
    return bare_cli


@pytest.fixture(scope="session")
def demo_session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoWorld]:
    """The demo portfolio loaded once (via `ikz db upgrade` and `ikz demo`), and its ids."""
    data_dir = tmp_path_factory.mktemp("demo-template")
    with pytest.MonkeyPatch.context() as mp:
        db_path = point_settings_at(mp, data_dir)
        for argv in (["db", "upgrade"], ["demo"]):
            code, out, err = invoke(argv)
            assert code == 0, f"ikz {' '.join(argv)} failed: {out}{err}"
        world = load_world(Cli(data_dir, db_path))
        state.close()
    get_settings.cache_clear()
    # One self-contained file (no -wal/-shm beside it), so a plain file copy is a snapshot.
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    return db_path, world


@pytest.fixture
def demo_cli(bare_cli: Cli, demo_session: tuple[Path, DemoWorld]) -> Cli:
    """A runner on a private copy of the demo database."""
    bare_cli.data_dir.mkdir(parents=True)
    shutil.copyfile(demo_session[0], bare_cli.db_path)
    return bare_cli


@pytest.fixture
def world(demo_cli: Cli, demo_session: tuple[Path, DemoWorld]) -> DemoWorld:
    """The demo's ids (the same in every copy, so read once per session)."""
    return demo_session[1]


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedHandler]:
    """A real aiosmtpd on 127.0.0.1, and the IKZ_SMTP_* settings pointing at it."""
    handler = ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("IKZ_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("IKZ_SMTP_PORT", str(port))
    monkeypatch.setenv("IKZ_SMTP_SECURITY", "none")
    get_settings.cache_clear()
    try:
        yield handler
    finally:
        controller.stop()
        get_settings.cache_clear()
