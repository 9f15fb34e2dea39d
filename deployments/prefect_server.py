"""`python -m deployments.prefect_server start ...`: `prefect server start ...`, with the
server's SQLite database used through one connection.

Prefect 3.9 opens its SQLite file through SQLAlchemy's default pool (up to 15
connections) and leaves the order of writers to SQLite's lock: a writer that finds the
file locked sleeps in SQLite's busy handler, in steps of up to 100 ms, and the steps
lengthen while others keep writing. Twenty clicks at once made their submissions wait
6 to 16 s (p95) that way, and at times a minute (the busy timeout); the same burst with
one connection waited 0.5 to 0.9 s. With one connection the server's requests queue in
its own event loop instead, first come first served, and a short transaction is not
held up by sleeping writers. With three connections two of three bursts still stalled
for more than a minute. Measured with `python -m benchmarks --only click` (README,
issue 18, fourth round).

Only a SQLite file is changed; PostgreSQL (IKZ_PREFECT_DATABASE_URL, the production
topology) keeps Prefect's pool. `prefect.server.database.configurations` names
`create_async_engine` at module level, which is what is wrapped here; the version range
in pyproject.toml pins it, and tests/deployments/test_prefect_server.py fails when it
moves.
"""

from __future__ import annotations

import runpy
import sys
from typing import Any

# How long a request waits for the connection, as long as SQLite would have waited for
# its lock (Prefect's busy timeout).
WAIT_FOR_CONNECTION_SECONDS = 60.0


def one_sqlite_connection() -> None:
    import sqlalchemy as sa
    from prefect.server.database import configurations

    create = configurations.create_async_engine  # type: ignore[attr-defined]
    if getattr(create, "one_sqlite_connection", False):
        return

    def create_async_engine(url: Any, *args: Any, **kwargs: Any) -> Any:
        text = str(url)
        if text.startswith("sqlite") and ":memory:" not in text:
            kwargs.update(
                poolclass=sa.pool.AsyncAdaptedQueuePool,
                pool_size=1,
                max_overflow=0,
                pool_timeout=WAIT_FOR_CONNECTION_SECONDS,
            )
        return create(url, *args, **kwargs)

    create_async_engine.one_sqlite_connection = True  # type: ignore[attr-defined]
    configurations.create_async_engine = create_async_engine  # type: ignore[attr-defined]


def main(argv: list[str]) -> None:
    one_sqlite_connection()
    sys.argv = ["prefect", "server", *argv]
    runpy.run_module("prefect", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
