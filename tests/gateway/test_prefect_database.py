"""IKZ_PREFECT_DATABASE_URL: the local Prefect server of `ikz up` keeps its own data on
PostgreSQL instead of a SQLite file, so that a burst of clicks never meets a busy file."""

from __future__ import annotations

from pathlib import Path

import httpx
import psycopg
import pytest

from deployments.stack import start_prefect_server
from ikz.gateway.server import free_port

pytestmark = pytest.mark.slow  # a Prefect server takes ~15 s to start


def test_the_prefect_server_keeps_its_data_in_the_given_postgresql(
    pg_url: str, tmp_path: Path
) -> None:
    asyncpg_url = pg_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    home = tmp_path / "prefect"
    server = start_prefect_server(home, free_port(), database_url=asyncpg_url)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            r = c.post("/flows/", json={"name": "ikz-database-probe"})
            assert r.status_code in (200, 201), r.text
    finally:
        server.stop()
    with psycopg.connect(pg_url) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM flow")]
    assert names == ["ikz-database-probe"]
    assert not (home / "prefect.sqlite3").exists()


def test_without_the_setting_the_server_keeps_a_sqlite_file(tmp_path: Path) -> None:
    home = tmp_path / "prefect"
    server = start_prefect_server(home, free_port())
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            assert c.get("/health").status_code == 200
    finally:
        server.stop()
    assert (home / "prefect.sqlite3").stat().st_size > 0
