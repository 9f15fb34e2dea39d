"""Shared fixtures: a fresh SQLite database per test, and a scratch PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from ikz.app import App
from tests.factories import World, make_app, make_world

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
