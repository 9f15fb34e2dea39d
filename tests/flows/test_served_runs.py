"""The serve runner of `ikz up` holds each deployment's flow object, so a run starts as a
call of that flow in a forked subprocess (deployments.serve's forkserver), not as
`python -m prefect.engine` importing Prefect and our code again (about 5 CPU seconds
per run)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.runner import Runner

import flows.actions
import flows.portfolio
from deployments.definitions import spec
from deployments.serve import add_served

pytestmark = pytest.mark.slow  # a Prefect test server takes ~15 s to start


def served(names: list[str]) -> tuple[Runner, dict[str, Any]]:
    async def register() -> tuple[Runner, dict[str, Any]]:
        runner = Runner(limit=2)
        ids = {name: await add_served(runner, spec(name)) for name in names}
        return runner, ids

    return asyncio.run(register())


def test_the_runner_holds_the_flow_of_every_served_deployment(prefect_server: None) -> None:
    runner, ids = served(["advance-cooperation", "dispatch-notifications"])
    # Prefect's runner starts a run in-process-forked only for a deployment whose flow
    # it holds (prefect.runner.runner: _resolve_starter); the registry is its own.
    registry = runner._deployment_registry
    assert (
        registry.get_flow(ids["advance-cooperation"])
        is flows.actions.ACTION_FLOWS["advance-cooperation"]
    )
    assert (
        registry.get_flow(ids["dispatch-notifications"]) is flows.portfolio.dispatch_notifications
    )


def test_served_deployments_keep_their_options(prefect_server: None) -> None:
    _, ids = served(["advance-cooperation", "dispatch-notifications"])
    with get_client(sync_client=True) as client:
        action = client.read_deployment(ids["advance-cooperation"])
        dispatcher = client.read_deployment(ids["dispatch-notifications"])
    assert action.enforce_parameter_schema is False
    assert action.entrypoint == "flows.actions.advance_cooperation"
    assert set(action.tags) >= {"ikz", "aktion"}
    assert dispatcher.enforce_parameter_schema is True
    assert dispatcher.global_concurrency_limit is not None
    assert dispatcher.global_concurrency_limit.limit == 1
    assert dispatcher.concurrency_options is not None
    assert dispatcher.concurrency_options.collision_strategy == "CANCEL_NEW"
    assert [s.schedule.model_dump(include={"interval"}) for s in dispatcher.schedules] == [
        {"interval": timedelta(seconds=60)}
    ]
