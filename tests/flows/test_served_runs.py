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


# Loads a cloudpickled flow in a fresh interpreter, as a forked run gets it, and
# validates parameters there.
LOAD_AND_VALIDATE = """
import base64, json, sys, cloudpickle
flow = cloudpickle.loads(base64.b64decode(sys.stdin.readline()))
try:
    print(json.dumps(flow.validate_parameters(json.loads(sys.stdin.readline()))))
except Exception as exc:
    print(json.dumps({"error": str(exc).splitlines()[0]}))
"""


def validated_in_a_run(flow: Any, parameters: dict[str, Any]) -> Any:
    import base64
    import json
    import subprocess
    import sys

    import cloudpickle

    blob = base64.b64encode(cloudpickle.dumps(flow)).decode()
    out = subprocess.run(
        [sys.executable, "-c", LOAD_AND_VALIDATE],
        input=f"{blob}\n{json.dumps(parameters)}\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_served_flow_validates_its_parameters_in_the_run() -> None:
    from deployments.serve import load_flow, served_flow

    report = spec("success-report")
    # As the module holds it, the function's annotations are strings that only the
    # module's globals resolve; a run gets the function without those globals.
    assert validated_in_a_run(load_flow(report.entrypoint), {"cooperation_id": "3"}) == {
        "error": "`Success_ReportModel` is not fully defined; you should define `Literal`, "
        "then call `Success_ReportModel.model_rebuild()`."
    }
    assert validated_in_a_run(served_flow(report), {"cooperation_id": "3"}) == {
        "cooperation_id": 3,
        "lang": None,
    }
    assert validated_in_a_run(served_flow(spec("escalate-conflict")), {"conflict_id": 2}) == {
        "conflict_id": 2
    }
