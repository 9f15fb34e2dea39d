"""The local Prefect server of `ikz up` uses its SQLite file through one connection
(deployments.prefect_server); PostgreSQL keeps Prefect's pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.deployments.fresh import probe

PROBE = """
import asyncio, json, sys
from prefect.server.database.configurations import AioSqliteConfiguration
import prefect.server.database.configurations as configurations

if sys.argv[1] == "one":
    from deployments.prefect_server import one_sqlite_connection
    one_sqlite_connection()
    one_sqlite_connection()  # twice: still one wrapper

async def pools():
    engine = await AioSqliteConfiguration(connection_url=sys.argv[2]).engine()
    pg = configurations.create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    out = {
        "sqlite": [type(engine.pool).__name__, engine.pool.size(), engine.pool._max_overflow],
        "postgresql": [pg.pool.size(), pg.pool._max_overflow],
    }
    await engine.dispose()
    await pg.dispose()
    return out

print(json.dumps(asyncio.run(pools())))
"""


def pools(mode: str, tmp_path: Path) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'prefect.sqlite3'}"
    found: dict[str, Any] = probe(PROBE, mode, url)
    return found


def test_prefect_alone_opens_its_sqlite_file_with_up_to_fifteen_connections(
    tmp_path: Path,
) -> None:
    assert pools("plain", tmp_path) == {
        "sqlite": ["AsyncAdaptedQueuePool", 5, 10],
        "postgresql": [5, 10],
    }


def test_the_stack_server_opens_its_sqlite_file_with_one(tmp_path: Path) -> None:
    assert pools("one", tmp_path) == {
        "sqlite": ["AsyncAdaptedQueuePool", 1, 0],
        "postgresql": [5, 10],
    }
