"""CLI fixtures: `ikz` run in-process against a fresh SQLite database per test.

`cli` is an upgraded, empty database; `demo_cli` holds the realistic demo portfolio (15
municipalities, 33 people, 8 cooperations). The demo is loaded once per session through
the real CLI and copied per test with SQLite's backup API, so every test starts from the
same data in milliseconds. `world` holds the demo's ids as read from `--json` listings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ikz.cli.context import state
from ikz.settings import get_settings
from tests.cli.helpers import Cli, DemoWorld, invoke, load_world

# Settings that would change behaviour if they leaked in from the developer's shell.
# PREFECT_API_URL would make every change post an event to a Prefect server.
_LEAKY_ENV = (
    "IKZ_LANGUAGE",
    "IKZ_PILOT_MIN_DAYS",
    "IKZ_SIZE_RATIO_WARN",
    "IKZ_SILENCE_WARN_DAYS",
    "PREFECT_API_URL",
)


def _point_settings_at(mp: pytest.MonkeyPatch, data_dir: Path) -> Path:
    db_path = data_dir / "ikz.sqlite3"
    mp.setenv("IKZ_DATA_DIR", str(data_dir))
    mp.setenv("IKZ_DATABASE_URL", f"sqlite:///{db_path}")
    for name in _LEAKY_ENV:
        mp.delenv(name, raising=False)
    get_settings.cache_clear()
    return db_path


@pytest.fixture
def bare_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """A runner whose database was never created (not even `db upgrade`)."""
    data_dir = tmp_path / "data"
    db_path = _point_settings_at(monkeypatch, data_dir)
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
        db_path = _point_settings_at(mp, data_dir)
        for argv in (["db", "upgrade"], ["demo"]):
            code, out, err = invoke(argv)
            assert code == 0, f"ikz {' '.join(argv)} failed: {out}{err}"
        world = load_world(Cli(data_dir, db_path))
        state.close()
    get_settings.cache_clear()
    return db_path, world


def _copy_sqlite(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


@pytest.fixture
def demo_cli(bare_cli: Cli, demo_session: tuple[Path, DemoWorld]) -> Cli:
    """A runner on a private copy of the demo database."""
    _copy_sqlite(demo_session[0], bare_cli.db_path)
    return bare_cli


@pytest.fixture
def world(demo_cli: Cli, demo_session: tuple[Path, DemoWorld]) -> DemoWorld:
    """The demo's ids (the same in every copy, so read once per session)."""
    return demo_session[1]
