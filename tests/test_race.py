"""Many processes advance the same cooperation at the same moment: exactly one wins.

Each attempt runs in its own OS process, opens its own connections, then waits on a
shared barrier so that all of them hit the database together. Half of them call
advance(), half run the `ikz` CLI's entry point. The losers must get the conflict error
(StaleVersionError; exit code 6 from the CLI) and nothing of theirs may be written.

The processes come from a "forkserver": a fresh interpreter (not a fork of pytest, so
no engine, connection or thread is inherited) that imports the application once and
forks the workers. On a 2-core machine 50 "spawn" workers need about 50 s of CPU just to
import SQLAlchemy and friends; forked from the server they start in a few seconds.
IKZ_TEST_START_METHOD=spawn checks that nothing depends on it.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing as mp
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from ikz.app import App
from ikz.views.audit import verify_audit
from ikz.views.cooperation import history, show
from tests.factories import SATISFY, World, make_app, make_world, open_coop

pytestmark = pytest.mark.slow

N = 50
START_METHOD = os.environ.get("IKZ_TEST_START_METHOD", "forkserver")
BARRIER_TIMEOUT_S = 120.0
IKZ = str(Path(sys.executable).with_name("ikz"))
PRELOAD = ["ikz.cli.main", "ikz.actions.lifecycle", "models.schema", "tests.test_race"]

# --- the racing side (runs in the worker processes) ---------------------------------------

_barrier: Any = None


def _init_racer(barrier: Any) -> None:
    global _barrier
    _barrier = barrier
    # With "spawn" nothing is preloaded: import what an attempt needs before the race.
    for name in PRELOAD:
        __import__(name)


def _attempt_api(url: str, cid: int, actor: int, expected_version: int) -> dict[str, Any]:
    """advance() in this process: connect, wait for everybody, advance."""
    from ikz.actions.lifecycle import advance
    from ikz.app import App
    from ikz.settings import Settings
    from models.commands import Advance
    from models.db import connect
    from states.errors import IkzError, StaleVersionError
    from states.lifecycle import Trigger

    db = connect(url)
    try:
        # Open the connections before the barrier: the race is on the write.
        with db.read() as s:
            s.connection()
        with db.write_engine.connect():
            pass
        app = App(db=db, settings=Settings(database_url=url))
        cmd = Advance(
            cooperation_id=cid,
            trigger=Trigger.EXPLORE,
            actor_id=actor,
            expected_version=expected_version,
        )
        _barrier.wait(BARRIER_TIMEOUT_S)
        go = time.monotonic()
        try:
            res = advance(app, cmd)
            outcome, detail = "applied", res.record_id
        except StaleVersionError as exc:
            outcome, detail = "stale", exc.code
        except IkzError as exc:
            outcome, detail = "refused", exc.code
        except Exception as exc:
            outcome, detail = "crashed", repr(exc)
        return {"pid": os.getpid(), "outcome": outcome, "detail": detail, "go": go}
    finally:
        db.dispose()


def _attempt_cli(url: str, cid: int, actor: int, expected_version: int) -> dict[str, Any]:
    """The `ikz` console entry point in this process, configured by environment like a user."""
    from ikz.cli import main as cli
    from ikz.settings import get_settings

    os.environ["IKZ_DATABASE_URL"] = url
    os.environ["IKZ_LANGUAGE"] = "en"
    get_settings.cache_clear()
    argv = ["coop", "advance", str(cid), "explore", "--actor", str(actor)]
    argv += ["--expected-version", str(expected_version)]
    cli.state.open()  # connect and check the schema before the race, as `main` would
    out, err = io.StringIO(), io.StringIO()
    _barrier.wait(BARRIER_TIMEOUT_S)
    go = time.monotonic()
    code: Any = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main(argv)
        except SystemExit as exc:
            code = exc.code or 0
        except BaseException as exc:
            code = repr(exc)
    return {
        "pid": os.getpid(),
        "code": code,
        "out": out.getvalue(),
        "err": err.getvalue(),
        "go": go,
    }


# --- the test side ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def racers() -> Iterator[tuple[Pool, Any]]:
    """N worker processes, started once for the module."""
    ctx = mp.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    barrier = ctx.Barrier(N)
    pool = ctx.Pool(N, initializer=_init_racer, initargs=(barrier,))
    try:
        yield pool, barrier
    finally:
        pool.close()
        pool.join()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A SQLite file, or a PostgreSQL URL in the plain form people write (postgresql://...)."""
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    return url


@pytest.fixture
def race(db_url: str, tmp_path: Path) -> Iterator[tuple[App, World, int]]:
    """A cooperation whose explore gate holds, at version 1."""
    app = make_app(db_url, tmp_path)
    try:
        w = make_world(app)
        cid = open_coop(w)
        SATISFY["explore"](w, cid)
        yield app, w, cid
    finally:
        app.close()


def _counts(app: App) -> dict[str, int]:
    with app.db.read() as s:
        return {
            t: int(s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("cooperation", "transition_record", "outbox", "outbox_context")
        }


def _attempt(kind: str, url: str, cid: int, actor: int, expected_version: int) -> dict[str, Any]:
    fn = _attempt_api if kind == "api" else _attempt_cli
    return {"kind": kind, **fn(url, cid, actor, expected_version)}


def test_fifty_processes_one_winner(
    racers: tuple[Pool, Any], race: tuple[App, World, int], db_url: str
) -> None:
    """Half the processes call advance(), half run the `ikz` CLI; all race for version 1."""
    pool, barrier = racers
    app, w, cid = race
    before = _counts(app)
    barrier.reset()
    args = [("api" if i % 2 else "cli", db_url, cid, w.coordinator_id, 1) for i in range(N)]
    results: list[dict[str, Any]] = pool.starmap(_attempt, args, chunksize=1)
    gos = [r["go"] for r in results]
    info = f"barrier released over {max(gos) - min(gos):.2f}s: {results}"
    # Every attempt had its own process (a worker blocked on the barrier takes no second task).
    assert len({r["pid"] for r in results}) == N, info
    api = [r for r in results if r["kind"] == "api"]
    cli = [r for r in results if r["kind"] == "cli"]
    winners = [r for r in api if r["outcome"] == "applied"] + [r for r in cli if r["code"] == 0]
    assert len(winners) == 1, info
    # The losers: StaleVersionError from the API, exit code 6 and one clear line from the CLI.
    assert Counter(r["outcome"] for r in api if r not in winners) == {
        "stale": len(api) - (winners[0] in api)
    }, info
    assert {r["detail"] for r in api if r not in winners} == {"stale_version"}
    assert Counter(r["code"] for r in cli if r not in winners) == {
        6: len(cli) - (winners[0] in cli)
    }, info
    for r in cli:
        if r["code"] == 6:
            assert r["err"].startswith(f"Error: Cooperation {cid} was changed meanwhile"), r
            assert r["err"].count("\n") == 1 and r["out"] == "", r
        else:
            assert "informal_contact -> exploration (version 2)" in r["out"], r
    # One audit record and one set of notifications (2 mayors, 2 contacts, 1 coordinator).
    assert _counts(app) == {
        **before,
        "transition_record": before["transition_record"] + 1,
        "outbox": before["outbox"] + 5,
        "outbox_context": before["outbox_context"] + 1,
    }
    view = show(app, cid)
    assert (view["state"], view["version"]) == ("exploration", 2)
    recs = history(app, cid)
    assert [r["trigger"] for r in recs] == ["open", "explore"]
    if winners[0]["kind"] == "api":
        assert recs[-1]["id"] == winners[0]["detail"]
    assert verify_audit(app)[1] is None


def test_console_script_reports_a_lost_race_with_exit_code_6(
    race: tuple[App, World, int], db_url: str
) -> None:
    """The installed `ikz` script, configured only by IKZ_DATABASE_URL, maps the error too."""
    app, w, cid = race
    env = {**os.environ, "IKZ_DATABASE_URL": db_url, "IKZ_LANGUAGE": "en"}
    argv = [IKZ, "coop", "advance", str(cid), "explore", "--actor", str(w.coordinator_id)]
    argv += ["--expected-version", "1"]
    first = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr
    before = _counts(app)
    second = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode == 6, second.stderr
    assert "was changed meanwhile (expected version 1, now 2)" in second.stderr
    assert _counts(app) == before
