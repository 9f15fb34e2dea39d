"""CPU seconds a click costs the whole local stack: `ikz up` (Prefect server, runner with
its forkserver and every run forked from it, gateway, relay), clicks one after another,
each awaited with its follow-ups (review, dispatcher), the CPU time of the stack's
process tree read from /proc before and after. CPU time, not wall time: it holds on a
machine shared with other work, and 20 clicks at once on two cores finish no sooner
than their CPU seconds allow.

Baseline: the CPU of one fresh interpreter importing Prefect's flow engine, the price of
a run started as its own process (what each run cost before the forkserver served
them)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from aiosmtpd.controller import Controller

from benchmarks.common import PYTHON, Figure, free_port, ikz_up, quiet_env, scratch_dir
from benchmarks.latency import (
    Inbox,
    _final_state,
    _ikz_json,
    _quiet,
    deployment_id,
    stack_client,
    wait_for,
)

TICK = os.sysconf("SC_CLK_TCK")
# The stack's processes by what their command line says; forked runs are reaped by the
# forkserver and counted in its children's time.
GROUPS = ("server start", "forkserver", "ikz")


def tree_cpu(root: int) -> dict[str, float]:
    """CPU seconds (user + system, with reaped children) of `root` and its descendants,
    by GROUPS."""
    parent: dict[int, int] = {}
    cpu: dict[int, tuple[str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().decode().split("\0")
        except (OSError, UnicodeDecodeError):
            continue  # ended meanwhile
        fields = stat[stat.rfind(")") + 2 :].split()
        parent[int(entry)] = int(fields[1])
        # What the process runs, not where it lives: the interpreter's own path (argv[0])
        # and the folders of the others are left out, since a checkout's path may well
        # contain "ikz".
        cmd = " ".join(os.path.basename(a) for a in argv[1:])
        cpu[int(entry)] = (cmd, sum(int(x) for x in fields[11:15]) / TICK)
    out: dict[str, float] = {}
    for pid, (cmd, seconds) in cpu.items():
        p = pid
        while p not in (root, 0, 1) and p in parent:
            p = parent[p]
        if p == root:
            group = next((g for g in GROUPS if g in cmd), "other")
            out[group] = out.get(group, 0.0) + seconds
    return out


def engine_import_cpu() -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([PYTHON, "-c", "import prefect.flow_engine, flows.actions"], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def goal(cooperation_id: int, i: int) -> dict[str, object]:
    return {"cooperation_id": cooperation_id, "text": f"Ziel {i}"}


def pause_resume(cooperation_id: int, i: int) -> dict[str, object]:
    trigger = "pause" if i % 2 == 0 else "resume"
    return {"cooperation_id": cooperation_id, "trigger": trigger, "reason": "Benchmark"}


# What a click is: the deployment and its input for the i-th click on a cooperation.
CLICKS: dict[str, tuple[str, Callable[[int, int], dict[str, object]]]] = {
    "goal": ("record-goal", goal),
    "advance": ("advance-cooperation", pause_resume),
}


def figures(clicks: int) -> list[Figure]:
    base = min(engine_import_cpu() for _ in range(3))
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    try:
        with scratch_dir("cpu") as d:
            env = quiet_env(
                IKZ_DATA_DIR=str(d), IKZ_SMTP_HOST="127.0.0.1", IKZ_SMTP_PORT=str(smtp.port)
            )
            log = d / "ikz-up.log"
            with ikz_up(port, env, log) as proc:
                per_click = _measure(proc, log, f"http://127.0.0.1:{port}/api", env, inbox, clicks)
    finally:
        smtp.stop()
    return [
        Figure(
            f"click_cpu_{kind}_s",
            sum(groups.values()),
            "s",
            base,
            "s",
            f"{clicks} {CLICKS[kind][0]} clicks with their follow-ups; "
            + ", ".join(f"{g} {s:.2f}" for g, s in sorted(groups.items()))
            + "; baseline: a fresh interpreter importing Prefect's engine",
        )
        for kind, groups in per_click.items()
    ]


def _measure(
    proc: subprocess.Popen[bytes], log: Path, api: str, env: dict[str, str], inbox: Inbox, n: int
) -> dict[str, dict[str, float]]:
    client = stack_client(proc, log, env, api)

    def deployment(name: str) -> str | None:
        return deployment_id(client, name)

    def running() -> bool:
        now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        states = {"any_": ["RUNNING", "PENDING", "SCHEDULED"]}
        found = client.post(
            "/flow_runs/filter", json={"flow_runs": {"state": {"type": states}}, "limit": 50}
        ).json()
        return any(
            r["state"]["type"] != "SCHEDULED" or (r.get("expected_start_time") or "") < now
            for r in found
        )

    def click(name: str, eingabe: dict[str, object]) -> None:
        r = client.post(
            f"/deployments/{deployment(name)}/create_flow_run",
            json={"parameters": {"eingabe": eingabe}},
        )
        r.raise_for_status()
        state = wait_for(partial(_final_state, client, r.json()["id"]), 120, name, 0.2)
        if state != "COMPLETED":
            raise RuntimeError(f"a {name} run ended {state}")
        _quiet(inbox, 3, 60)  # its mail and its follow-ups' mail
        wait_for(lambda: not running(), 120, "the follow-ups", 0.5)

    wait_for(lambda: deployment("dispatch-notifications"), 180, "the deployments", 0.5)
    coops = _ikz_json(env, "coop", "list")
    coop = next(c for c in coops if c["state"] in ("exploration", "agreement", "pilot"))
    _quiet(inbox, 5, 180)
    wait_for(lambda: not running(), 300, "the start-up runs", 1)
    for name, params in CLICKS.values():  # the forkserver starts with the first run
        for i in (0, 1):
            click(name, params(coop["id"], i))
    out: dict[str, dict[str, float]] = {}
    for kind, (name, params) in CLICKS.items():
        before = tree_cpu(proc.pid)
        for i in range(n):
            click(name, params(coop["id"], i))
        after = tree_cpu(proc.pid)
        out[kind] = {g: (after.get(g, 0.0) - before.get(g, 0.0)) / n for g in after}
    client.close()
    return out


if __name__ == "__main__":
    for f in figures(int(sys.argv[1]) if len(sys.argv) > 1 else 6):
        print(f.record())
