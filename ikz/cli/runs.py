"""Actions that wait for people run as Prefect flow runs, from the CLI too.

A sign-off request waits days for the mayor's answer in a suspended flow run; the CLI
cannot wait that long, so it starts a run of the action's deployment through the
Prefect server's REST API (stdlib HTTP: importing Prefect's client costs seconds) and
prints where to watch it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from pydantic import BaseModel

from ikz.cli.context import state
from ikz.events.prefect import api_request, prefect_api_url
from ikz.proof.local import local_proof
from ikz.proof.secret import server_secret
from ikz.proof.stamp import stamped
from ikz.registry import ActionSpec
from states.errors import IkzError

PATIENCE_SECONDS = 30.0  # how long a busy Prefect server is asked again


def start_run(spec: ActionSpec, cmd: BaseModel) -> dict[str, Any]:
    """Start a run of the action's deployment with `cmd` as its input: {id, name, url}."""
    settings = state.open().settings
    api = prefect_api_url(settings)
    if api is None:
        raise IkzError(
            "prefect_unavailable",
            f"'{spec.label[0]}' läuft als Prefect-Flow: kein Prefect-Server bekannt "
            "(`ikz up` starten oder PREFECT_API_URL setzen).",
            f"'{spec.label[1]}' runs as a Prefect flow: no Prefect server known "
            "(start `ikz up` or set PREFECT_API_URL).",
        )
    name = urllib.parse.quote(spec.name)
    # The form has no acting person: the run's stamp names them. Here the local
    # administrator's (this process knows the server secret, as the gateway does).
    eingabe = json.loads(cmd.model_dump_json())
    actor = eingabe.pop("actor_id", None)
    parameters = stamped(server_secret(settings), local_proof(actor), {"eingabe": eingabe})
    try:
        # A local server on SQLite is busy for a moment after a burst of runs: asked again.
        deployment = api_request(
            api, "GET", f"/deployments/name/{name}/{name}", patience=PATIENCE_SECONDS
        )
        run = api_request(
            api,
            "POST",
            f"/deployments/{deployment['id']}/create_flow_run",
            {"parameters": parameters},
            patience=PATIENCE_SECONDS,
        )
    except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
        raise IkzError(
            "prefect_unavailable",
            f"Prefect-Server unter {api} nicht erreichbar oder ohne Deployment "
            f"'{spec.name}': {exc}",
            f"Prefect server at {api} unreachable or without deployment '{spec.name}': {exc}",
        ) from None
    url = f"{settings.ui_base_url.rstrip('/')}/runs/flow-run/{run['id']}"
    return {"id": run["id"], "name": run.get("name", ""), "url": url}
