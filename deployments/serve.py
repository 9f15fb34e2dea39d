"""Serve every deployment from one process (what `ikz up` runs on one machine)."""

from __future__ import annotations

import importlib
from typing import Any

from deployments.definitions import SPECS, Spec


def load_flow(entrypoint: str) -> Any:
    module, fn = entrypoint.split(":")
    return getattr(importlib.import_module(module), fn)


def runner_deployment(s: Spec) -> Any:
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
    if s.interval_seconds:
        kwargs["interval"] = s.interval_seconds
    if s.cron:
        kwargs["cron"] = s.cron
    return load_flow(s.entrypoint).to_deployment(**kwargs)


def all_deployments() -> list[Any]:
    return [runner_deployment(s) for s in SPECS]


def serve_all(limit: int | None = None) -> None:
    from prefect import serve

    serve(*all_deployments(), limit=limit, print_starting_message=False)
