"""End-to-end latencies: click (a flow run created through the REST API) to inbox on the
whole local stack, and a cold `ikz coop show` process."""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from email import message_from_bytes, policy
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from benchmarks.common import (
    BIN,
    PYTHON,
    Figure,
    free_port,
    ikz_up,
    percentile,
    quiet_env,
    scratch_dir,
)

DEPLOYMENT = "advance-cooperation"


class Inbox:
    """aiosmtpd handler noting when each message arrived and its subject."""

    def __init__(self) -> None:
        self.received: list[tuple[float, str, str]] = []  # (monotonic time, to, subject)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.received.append((time.monotonic(), str(msg["To"]), str(msg["Subject"])))
        return "250 OK"

    def since(self, t0: float) -> list[tuple[float, str, str]]:
        with self._lock:
            return [m for m in self.received if m[0] >= t0]


def wait_for(fn: Callable[[], Any], timeout: float, what: str, step: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def _ikz_json(env: dict[str, str], *args: str) -> Any:
    out = subprocess.run(
        [str(BIN / "ikz"), *args, "--json"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


# Settings of the stack under test that a benchmark run may set in its own environment.
PASSED_ON = ("IKZ_RUNNER_LIMIT", "IKZ_PREFECT_DATABASE_URL")


def click_to_inbox(runs: int) -> list[Figure]:
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    try:
        with scratch_dir("stack") as d:
            env = quiet_env(
                IKZ_DATA_DIR=str(d),
                IKZ_SMTP_HOST="127.0.0.1",
                IKZ_SMTP_PORT=str(smtp.port),
                # The stack's own tuning, when the run asks for it (e.g. to compare limits).
                **{k: os.environ[k] for k in PASSED_ON if k in os.environ},
            )
            log = d / "ikz-up.log"
            with ikz_up(port, env, log) as proc:
                return _measure(proc, log, api, env, inbox, runs)
    finally:
        smtp.stop()


def stack_client(
    proc: subprocess.Popen[bytes], log: Path, env: dict[str, str], api: str
) -> httpx.Client:
    """Once `ikz up` (`proc`, logging to `log`) is up: a client of its gateway at `api`
    with a personal token of person 1, as the coordinator's UI."""
    wait_for(
        lambda: proc.poll() is not None or "ikz-flow läuft" in log.read_text(errors="replace"),
        300,
        "ikz up to start",
        0.5,
    )
    if proc.poll() is not None:
        raise RuntimeError(log.read_text(errors="replace")[-2000:])
    # A generous timeout: the Prefect server on SQLite at times stalls on its database's
    # lock for half a minute (PrefectHQ/prefect#18934); the wait counts in the latency.
    token = _ikz_json(env, "token", "create", "--person", "1", "--label", "Benchmark")["token"]
    return httpx.Client(base_url=api, timeout=120, headers={"Authorization": f"Bearer {token}"})


def deployment_id(client: httpx.Client, name: str) -> str | None:
    """The id of the deployment `name` (of the flow of the same name), once it exists."""
    r = client.get(f"/deployments/name/{name}/{name}")
    return str(r.json()["id"]) if r.status_code == 200 else None


def _measure(
    proc: subprocess.Popen[bytes],
    log: Path,
    api: str,
    env: dict[str, str],
    inbox: Inbox,
    runs: int,
) -> list[Figure]:
    client = stack_client(proc, log, env, api)

    def deployment(name: str) -> str | None:
        return deployment_id(client, name)

    def mail_after(t0: float) -> list[tuple[float, str, str]]:
        return [m for m in inbox.since(t0) if coop["title"] in m[2]]

    def finished(run_id: str) -> bool:
        state = client.get(f"/flow_runs/{run_id}").json()["state"]["type"]
        return state in ("COMPLETED", "FAILED", "CRASHED")

    wait_for(lambda: deployment("dispatch-notifications"), 180, "the deployments", 0.5)
    dep = deployment(DEPLOYMENT)
    if dep is None:
        raise RuntimeError(f"deployment {DEPLOYMENT} not found")
    coops = _ikz_json(env, "coop", "list")
    coop = next(c for c in coops if c["state"] in ("exploration", "agreement", "pilot"))
    # Let the start-up work (first sweep, demo mail) finish before timing anything.
    _quiet(inbox, 5, 120)
    latencies: list[float] = []
    posts: list[float] = []
    misses: list[str] = []
    stalls: list[float] = []  # requests that timed out and were retried
    for i in range(runs):
        trigger = "pause" if i % 2 == 0 else "resume"
        params = {
            "eingabe": {
                "cooperation_id": coop["id"],
                "trigger": trigger,
                "reason": "Benchmark",
            }
        }
        t0 = time.monotonic()
        r, took = _create_run(client, dep, params, stalls)
        posts.append(took)
        r.raise_for_status()
        run_id = r.json()["id"]
        try:
            first = wait_for(partial(mail_after, t0), 90, "the mail")
            latencies.append(first[0][0] - t0)
        except TimeoutError:
            state = client.get(f"/flow_runs/{run_id}").json()["state"]["type"]
            misses.append(f"run {i + 1} ({trigger}): no mail in 90 s, flow run {state}")
            print(misses[-1], file=sys.stderr)
        wait_for(partial(finished, run_id), 120, "the flow run", 0.2)
        _quiet(inbox, 3, 60)  # the follow-ups (review mail) of this run, before the next
    burst = click_burst(client, coop["id"], BURST)
    client.close()
    if not latencies:
        raise RuntimeError("; ".join(misses))
    median, base = statistics.median(latencies), statistics.median(posts)
    note = (
        f"{len(latencies)} runs, pause/resume via {DEPLOYMENT} through the gateway; "
        "baseline: POST create_flow_run"
    )
    if misses:
        note += f"; {len(misses)} more runs brought no mail: " + "; ".join(misses)
    if stalls:
        note += f"; {len(stalls)} requests timed out after {max(stalls):.0f} s and were retried"
    return [
        Figure("click_to_inbox_median_s", median, "s", base, "s", note),
        Figure(
            "click_to_inbox_p95_s",
            percentile(latencies, 95),
            "s",
            percentile(posts, 95),
            "s",
            f"max {max(latencies):.2f} s",
        ),
        *burst,
    ]


BURST = 20
BURST_DEPLOYMENT = "record-goal"


def click_burst(client: httpx.Client, cooperation_id: int, n: int) -> list[Figure]:
    """`n` form submissions at the same moment, as `n` coordinators clicking Submit
    together: each one POST create_flow_run through the gateway, never retried here (a
    browser does not retry). One watcher then follows every run with one request every
    WATCH_SECONDS, as a dashboard would; twenty clients asking twice a second each were
    a load of their own, some 40 requests a second through the gateway and the server's
    database. An error is an answer other than 201 or a run that ends other than
    COMPLETED. Figures: the errors, and the p95 from the click to the moment its run was
    seen completed; baseline: the p95 of a single POST in the same burst."""
    dep = client.get(f"/deployments/name/{BURST_DEPLOYMENT}/{BURST_DEPLOYMENT}").json()["id"]
    t0 = time.monotonic()
    stamp = f"{time.time():.0f}"

    def post(i: int) -> tuple[float, str | None, str]:
        params = {"eingabe": {"cooperation_id": cooperation_id, "text": f"Ziel {i + 1} ({stamp})"}}
        t1 = time.monotonic()
        try:
            r = client.post(f"/deployments/{dep}/create_flow_run", json={"parameters": params})
        except httpx.HTTPError as exc:
            return time.monotonic() - t1, None, f"{type(exc).__name__}"
        if r.status_code != 201:
            return time.monotonic() - t1, None, f"HTTP {r.status_code}"
        return time.monotonic() - t1, str(r.json()["id"]), ""

    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(post, i) for i in range(n)]
        ended = _watch(client, futures, t0, 300)
    posted = [f.result() for f in futures]
    done = [took for took, state in ended.values() if state == "COMPLETED"]
    errors = [why for _, _, why in posted if why]
    errors += [state for _, state in ended.values() if state != "COMPLETED"]
    posts = [took for took, _, _ in posted]
    note = f"{n} record-goal submissions at once through the gateway, no client retries"
    if errors:
        note += "; errors: " + ", ".join(sorted(set(errors)))
    return [
        Figure("click_burst_errors", float(len(errors)), "", note=note),
        Figure(
            "click_burst_p95_s",
            percentile(done, 95) if done else math.nan,
            "s",
            percentile(posts, 95),
            "s",
            f"click to completed run, {len(done)} of {n} completed, watched every "
            f"{WATCH_SECONDS} s; baseline: p95 POST",
        ),
    ]


WATCH_SECONDS = 0.25
FINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


def _watch(
    client: httpx.Client,
    submissions: list[Future[tuple[float, str | None, str]]],
    t0: float,
    timeout: float,
) -> dict[str, tuple[float, str]]:
    """Seconds from `t0` until each submitted run was seen in a final state, and that
    state; from the moment its POST answered, one filter request for all runs every
    WATCH_SECONDS."""
    ended: dict[str, tuple[float, str]] = {}
    deadline = time.monotonic() + timeout
    while True:
        run_ids = [f.result()[1] for f in submissions if f.done()]
        waiting = [r for r in run_ids if r is not None and r not in ended]
        if not waiting and all(f.done() for f in submissions):
            return ended
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(waiting)} burst runs not done in {timeout} s")
        if not waiting:
            time.sleep(WATCH_SECONDS)
            continue
        found = client.post(
            "/flow_runs/filter",
            json={"flow_runs": {"id": {"any_": waiting}}, "limit": len(waiting)},
        ).json()
        now = time.monotonic() - t0
        for run in found:
            if run["state"]["type"] in FINAL:
                ended[run["id"]] = (now, run["state"]["type"])
        time.sleep(WATCH_SECONDS)


def _final_state(client: httpx.Client, run_id: str) -> str | None:
    state = str(client.get(f"/flow_runs/{run_id}").json()["state"]["type"])
    return state if state in FINAL else None


def _create_run(
    client: httpx.Client, dep: str, params: dict[str, Any], stalls: list[float]
) -> tuple[httpx.Response, float]:
    """POST create_flow_run as a UI does, retrying; returns the response and the last
    attempt's round trip. The Prefect server on SQLite answers 503 now and then under
    load, and at times stalls on its database's lock for longer than the client's
    timeout (noted in `stalls`); the click's latency still counts from the first try."""
    for _attempt in range(10):
        t1 = time.monotonic()
        try:
            r = client.post(f"/deployments/{dep}/create_flow_run", json={"parameters": params})
        except httpx.TimeoutException:
            stalls.append(time.monotonic() - t1)
            continue
        if r.status_code != 503:
            return r, time.monotonic() - t1
        time.sleep(0.5)
    raise RuntimeError("the Prefect server did not take the flow run in 10 attempts")


def _quiet(inbox: Inbox, seconds: float, timeout: float) -> None:
    """Wait until no mail has arrived for `seconds`."""

    def calm() -> bool:
        last = inbox.since(0)[-1][0] if inbox.since(0) else 0.0
        return time.monotonic() - last >= seconds

    wait_for(calm, timeout, "the inbox to be quiet", 0.2)


def cli_show(runs: int) -> list[Figure]:
    with scratch_dir("cli") as d:
        env = quiet_env(IKZ_DATA_DIR=str(d))
        subprocess.run([str(BIN / "ikz"), "demo"], env=env, capture_output=True, check=True)

        def cold(cmd: list[str]) -> float:
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True, check=True)
            return time.perf_counter() - t0

        cold([str(BIN / "ikz"), "coop", "show", "1"])  # warm the page cache, as any 2nd start
        shows = [cold([str(BIN / "ikz"), "coop", "show", "1"]) for _ in range(runs)]
        passes = [cold([PYTHON, "-c", "pass"]) for _ in range(runs)]
        imports = import_times(
            [PYTHON, "-X", "importtime", str(BIN / "ikz"), "coop", "show", "1"], env
        )
    return [
        Figure(
            "cli_show_seconds",
            statistics.median(shows),
            "s",
            statistics.median(passes),
            "s",
            f"median of {runs} cold processes; baseline: python -c pass; imports: {imports}",
        ),
    ]


def import_times(cmd: list[str], env: dict[str, str], shown: int = 8) -> str:
    """Where a start's import time goes: one run with `-X importtime`, each module's own
    (self) time added to its top-level package, so that the parts add up to the whole
    (sqlalchemy's modules count for sqlalchemy even when a table module pulls them in)."""
    err = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stderr
    by_package: dict[str, int] = {}
    for line in err.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|")
        if not own.strip().isdigit():  # the header line
            continue
        package = name.strip().split(".")[0]
        by_package[package] = by_package.get(package, 0) + int(own)
    total = sum(by_package.values())
    top = sorted(by_package.items(), key=lambda kv: -kv[1])[:shown]
    parts = [f"{name} {us / 1000:.0f} ms" for name, us in top]
    rest = total - sum(us for _, us in top)
    return ", ".join([*parts, f"other {rest / 1000:.0f} ms", f"all {total / 1000:.0f} ms"])
