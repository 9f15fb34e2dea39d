"""Shared fixtures: a fresh SQLite database per test, and a scratch PostgreSQL database.

Also the suite's rules: under CI a skip fails the run (tests/ci_skips.py), and Hypothesis
keeps its files out of the checkout.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from ikz.app import App
from tests.ci_skips import pytest_make_collect_report, pytest_runtest_makereport, under_ci
from tests.factories import World, make_app, make_world

if TYPE_CHECKING:
    from models.db import Database
    from tests.mail.conftest import Server

# The CI rule's hooks, imported so that pytest registers them with this conftest.
__all__ = ["pytest_make_collect_report", "pytest_runtest_makereport"]
pytest_plugins = ["pytester"]

# Hypothesis would write .hypothesis/ into the working directory (the checkout). Its files
# (the example database, caches) go to the system temp dir instead, one folder per
# checkout so that worktrees do not share failing examples; HYPOTHESIS_STORAGE_DIRECTORY
# still wins. On CI nothing is kept at all: a fresh machine replays nothing.
_CHECKOUT = Path(__file__).resolve().parent.parent
HYPOTHESIS_HOME = Path(
    os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY")
    or Path(tempfile.gettempdir())
    / f"ikz-flow-hypothesis-{hashlib.sha256(str(_CHECKOUT).encode()).hexdigest()[:12]}"
)
set_hypothesis_home_dir(HYPOTHESIS_HOME)
settings.register_profile("ci", database=None, print_blob=True)
settings.register_profile(
    "dev", database=DirectoryBasedExampleDatabase(HYPOTHESIS_HOME / "examples")
)
settings.load_profile("ci" if under_ci() else "dev")

PG_ADMIN_URL = os.environ.get("IKZ_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ikz.sqlite3'}"


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path) -> Iterator[App]:
    a = make_app(sqlite_url, tmp_path)
    yield a
    a.close()


@pytest.fixture
def world(app: App) -> World:
    return make_world(app)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A scratch database on the local PostgreSQL, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"ikz_test_{uuid.uuid4().hex[:12]}"
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        conn = psycopg.connect(admin, autocommit=True)
    except psycopg.OperationalError as exc:  # pragma: no cover - CI starts PostgreSQL
        pytest.fail(f"PostgreSQL not reachable at {admin}: {exc}")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def migration_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh, empty database for a migration's test (tests/migration_kit.py), once on
    SQLite and once on the local PostgreSQL."""
    from models.db import connect

    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    d = connect(url)
    yield d
    d.dispose()


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """A real aiosmtpd on 127.0.0.1 that records what it receives (for every test folder)."""
    from aiosmtpd.controller import Controller

    from tests.mail.conftest import ScriptedHandler, Server, free_port

    handler = ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Server(handler, port)
    finally:
        controller.stop()
