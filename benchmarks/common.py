"""What every benchmark shares: the record it reports, timing and scratch places."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ikz.app import App
from ikz.settings import Settings
from models.db import connect
from models.schema import upgrade

PYTHON = sys.executable
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


# Loops measured against a baseline take turns with it this many times; the figures are
# the medians (the machine's speed drifts within a minute).
ROUNDS = 3


@dataclass
class Figure:
    """One reported number beside its baseline, measured in the same run."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_unit: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        assert self.baseline is not None
        return self.value / self.baseline

    def record(self) -> dict[str, Any]:
        d = asdict(self)
        out = {k: d[k] for k in ("name", "value", "unit", "baseline")}
        if out["value"] != out["value"]:  # NaN (a failed measurement): null in JSON
            out["value"] = None
        out["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        out["baseline_unit"] = self.baseline_unit
        out["note"] = self.note
        return out


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def quiet_env(**extra: str) -> dict[str, str]:
    """A child environment without the caller's IKZ_/PREFECT_ settings, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "IKZ_"))}
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    return env | extra


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"ikz-bench-{prefix}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def ikz_up(port: int, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`ikz up --port PORT` as a child process writing to `log`; stopped on exit as a
    person would stop it (Ctrl-C), killed only if it does not end within a minute.
    Shared by the click-to-inbox benchmark and the end-to-end tests."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(BIN / "ikz"), "up", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def make_app(url: str, data_dir: Path, **settings: Any) -> App:
    s = Settings(data_dir=data_dir, database_url=url, **settings)
    db = connect(s.resolved_database_url())
    upgrade(db)
    return App(db=db, settings=s)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]
