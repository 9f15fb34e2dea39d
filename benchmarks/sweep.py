"""The portfolio sweep at several sizes, each generated and swept in fresh processes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.common import PYTHON, ROOT, Figure, quiet_env, scratch_dir


def _worker(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [PYTHON, "-m", "benchmarks.sweep_worker", *args],
        cwd=ROOT,
        env=quiet_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def measure(n: int, d: Path) -> dict[str, Any]:
    """Generate n cooperations, sweep a copy, run the baseline query on another copy."""
    pristine = d / f"p{n}.sqlite3"
    _worker("generate", str(pristine), str(n))
    work = d / f"w{n}.sqlite3"
    shutil.copy(pristine, work)
    sweep = _worker("sweep", str(work))
    base = _worker("baseline", str(pristine))
    for p in d.glob("*.sqlite3*"):
        p.unlink()
    return {"n": n, "sweep": sweep, "baseline": base}


def _processes(result: dict[str, Any]) -> str:
    n = int(result.get("processes", 1))
    return "1 process" if n == 1 else f"{n} processes"


def _label(n: int) -> str:
    return f"{n // 1000}k"


def figures(sizes: tuple[int, int, int]) -> list[Figure]:
    """sizes: the measured stand-ins for 1k, 10k and 100k (the same in full mode)."""
    small, mid, big = sizes
    with scratch_dir("sweep") as d:
        runs = [measure(n, d) for n in sizes]
    out = []
    for name, run, nominal in zip(
        ("1k", "10k", "100k"), runs, (1_000, 10_000, 100_000), strict=True
    ):
        at = "" if run["n"] == nominal else f" (at {_label(run['n'])})"
        res = run["sweep"]["result"]
        out.append(
            Figure(
                f"sweep_{name}_seconds",
                run["sweep"]["seconds"],
                f"s{at}",
                run["baseline"]["seconds"],
                f"s{at}",
                f"{res['cooperations']} active, {res['reviews_due']} reviews due, "
                f"{res['notifications']} mails queued, {_processes(res)}",
            )
        )
    top = runs[2]
    at = "" if big == 100_000 else f" (at {_label(big)})"
    out.append(
        Figure(
            "sweep_100k_peak_mib",
            top["sweep"]["peak_mib"],
            f"MiB{at}",
            top["baseline"]["peak_mib"],
            f"MiB{at}",
            "peak RSS (VmHWM) of the sweeping process plus its helpers' "
            f"({_processes(top['sweep']['result'])}); baseline: the query's process",
        )
    )
    s_mid, s_big = runs[1]["sweep"]["seconds"], runs[2]["sweep"]["seconds"]
    b_mid, b_big = runs[1]["baseline"]["seconds"], runs[2]["baseline"]["seconds"]
    out.append(
        Figure(
            "sweep_scaling_10k_100k",
            s_big / s_mid,
            f"x (time {_label(big)} / {_label(mid)})",
            b_big / b_mid,
            "x",
            f"linear is {big / mid:.0f}",
        )
    )
    del small
    return out
