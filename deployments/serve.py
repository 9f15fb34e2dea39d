"""Serve every deployment from one process (what `ikz up` runs on one machine)."""

from __future__ import annotations

import importlib
import os
from typing import Any

from deployments.definitions import SPECS, Spec


def load_flow(entrypoint: str) -> Any:
    module, fn = entrypoint.split(":")
    return getattr(importlib.import_module(module), fn)


def runner_deployment(s: Spec) -> Any:
    return load_flow(s.entrypoint).to_deployment(**deployment_options(s))


def deployment_options(s: Spec) -> dict[str, Any]:
    """What a spec says about its deployment, as keyword arguments of both
    `Flow.to_deployment` and `Runner.add_flow`."""
    from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
    from prefect.types.entrypoint import EntrypointType

    triggers = [
        DeploymentEventTrigger(
            name=t.name,
            expect=set(t.expect),
            match={"prefect.resource.id": t.match_resource},
            parameters=t.parameters or None,
        )
        for t in s.triggers
    ]
    kwargs: dict[str, Any] = {
        "name": s.name,
        "description": s.description,
        "tags": ["ikz", *s.tags],
        "triggers": triggers or None,
        # Module paths, not file paths: the runs load the installed package from anywhere.
        "entrypoint_type": EntrypointType.MODULE_PATH,
    }
    if "aktion" in s.tags:
        # The form's schema is lenient (ikz.forms.schema) and takes names and labels; the
        # CLI and the API send ids and codes. The flow checks either, in German.
        kwargs["enforce_parameter_schema"] = False
    if s.interval_seconds:
        kwargs["interval"] = s.interval_seconds
    if s.cron:
        kwargs["cron"] = s.cron
    if s.single:
        from prefect.client.schemas.objects import (
            ConcurrencyLimitConfig,
            ConcurrencyLimitStrategy,
        )

        kwargs["concurrency_limit"] = ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        )
    return kwargs


def all_deployments() -> list[Any]:
    return [runner_deployment(s) for s in SPECS]


def serve_all(limit: int | None = None, *, forkserver: bool = True) -> None:
    """Serve every deployment until Ctrl-C or SIGTERM, then shut down gracefully."""
    import asyncio

    if forkserver:
        start_runs_from_a_forkserver()
    if limit is None:
        limit = default_limit(os.cpu_count() or 1)
    asyncio.run(_serve(SPECS, limit))


def default_limit(cores: int) -> int:
    """Flow runs at once unless IKZ_RUNNER_LIMIT says otherwise: three per core, at
    least 6 and at most 16.

    A forked action run lives about a second and spends most of it waiting for the
    Prefect server and the database, and the runner starts new runs only when it polls
    (once a second), so a burst needs several slots per core to keep the cores busy.
    Twenty clicks at once on two cores completed (p95) after 12.8-16 s with 2 at a
    time, 9.6-13 s with 4, 7.9-8.8 s with 6 and 7.4-9.3 s with 8. More at once used to
    make the local Prefect server on SQLite stall for a minute on its file lock; since
    it uses its file through one connection (deployments.prefect_server) its requests
    queue instead, and the cap keeps that queue short. A suspended run holds no slot."""
    return min(16, max(6, 3 * cores))


async def add_served(runner: Any, s: Spec) -> Any:
    """Register `s`'s deployment with `runner` together with its flow object, and return
    the deployment's id.

    `Runner.add_flow`, not `add_deployment`: only a runner that holds the flow object
    starts a run by calling it in a subprocess (`prefect.flow_engine.run_flow_in_subprocess`,
    which the forkserver below serves). Given only the deployment, Prefect 3.9 starts every
    run as `python -m prefect.engine`, a fresh interpreter importing Prefect and our code
    again: about 5 CPU seconds per run, the forkserver bypassed."""
    return await runner.aadd_flow(served_flow(s), **deployment_options(s))


def served_flow(s: Spec) -> Any:
    """`s`'s flow as the runner sends it to a run: cloudpickled, the flow function by
    value with only the globals its code names. A parameter annotation that is still a
    string (`from __future__ import annotations`) could then not be resolved in the run
    ("`Success_ReportModel` is not fully defined"), so the annotations are resolved here,
    where the module's globals are at hand."""
    import typing

    flow = load_flow(s.entrypoint)
    flow.fn.__annotations__ = typing.get_type_hints(flow.fn, include_extras=True)
    return flow


async def _serve(specs: tuple[Spec, ...], limit: int) -> None:
    """prefect.serve, with Ctrl-C handled by the event loop.

    Prefect's runner handles SIGTERM gracefully but leaves Ctrl-C to KeyboardInterrupt,
    which Python may raise anywhere, even inside a garbage-collection callback where it
    is swallowed, and the stack then keeps running. Routing SIGINT through the loop to
    the runner's own graceful shutdown makes Ctrl-C reliable.
    """
    import asyncio
    import signal

    from prefect.runner import Runner

    runner = Runner(limit=limit)
    for s in specs:
        await add_served(runner, s)
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, runner.handle_sigterm)
    await runner.start()


# What a served flow run needs: imported once in the forkserver, inherited by every run.
PRELOAD = [
    "prefect",
    "prefect.flow_engine",
    "flows.actions",
    "flows.followups",
    "flows.portfolio",
    "deployments.forkserver_warm",
]


def start_runs_from_a_forkserver(preload: list[str] | None = None) -> None:
    """Start served flow runs by forking a warm process instead of spawning a new one.

    Prefect's runner starts each run of a served flow with multiprocessing's "spawn": a
    fresh interpreter that imports Prefect and our code again, about 5 s per run on a
    small machine, and a follow-up mail takes two runs. A forkserver imports all of that
    once; each run is then a fork of a single-threaded, loop-free process, which is as
    isolated as spawn (own process, own memory) but starts in a fraction of a second.
    Everything a run needs (flow, parameters, environment) is still pickled across, as
    with spawn. Prefect 3.9 has no setting for this, so the engine's module reference to
    multiprocessing is wrapped; the version range in pyproject.toml pins that API.
    """
    import multiprocessing

    import prefect.flow_engine as engine

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(preload or PRELOAD)

    class _Multiprocessing:
        def __getattr__(self, name: str) -> Any:
            return getattr(multiprocessing, name)

        @staticmethod
        def get_context(method: str | None = None) -> Any:
            return ctx if method == "spawn" else multiprocessing.get_context(method)

    engine.multiprocessing = _Multiprocessing()  # type: ignore[assignment,attr-defined]
