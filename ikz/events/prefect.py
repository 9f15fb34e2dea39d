"""Prefect events after a committed change, without importing Prefect.

Importing Prefect's client costs seconds on a small machine, and every CLI transition
would pay it. The server accepts a batch of events as JSON on POST /api/events, so a
few lines of stdlib HTTP do the job. Emission is best effort: the change is committed
either way, and the daily portfolio sweep catches up on reviews a lost event missed.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ikz.settings import Settings
from models.db import Database
from models.events import conflict_ref, cooperation_ref

log = logging.getLogger("ikz.events")

API_URL_FILE = "prefect-api-url"


class EventSource(Protocol):
    """What events are read from: the database and the clock (an ikz.app.App). A
    protocol, so that this module need not import the app, which installs its hook."""

    @property
    def db(self) -> Database: ...

    def clock(self) -> datetime: ...


def api_url_file(settings: Settings) -> Path:
    return settings.data_dir / API_URL_FILE


def prefect_api_url(settings: Settings) -> str | None:
    """PREFECT_API_URL, else the server that `ikz up` runs for this data dir."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url.rstrip("/")
    path = api_url_file(settings)
    if path.exists():
        return path.read_text().strip().rstrip("/") or None
    return None


def api_request(
    api_url: str, method: str, path: str, body: Any = None, timeout: float = 5.0
) -> Any:
    """One call of the Prefect server's REST API (with its basic auth, if set): the
    answer's JSON, or None for an empty answer."""
    import urllib.request  # here, not at the top: every `ikz` command imports this module

    req = urllib.request.Request(
        f"{api_url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method=method,
    )
    auth = os.environ.get("PREFECT_API_AUTH_STRING")
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def post_events(api_url: str, events: list[dict[str, Any]], timeout: float = 5.0) -> None:
    api_request(api_url, "POST", "/events", events, timeout)


def _event(
    name: str,
    resource_id: str,
    resource_name: str,
    related: list[dict[str, str]],
    payload: dict[str, Any],
    occurred: str,
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "occurred": occurred,
        "event": name,
        "resource": {"prefect.resource.id": resource_id, "prefect.resource.name": resource_name},
        "related": related,
        "payload": payload,
    }


def transition_events(app: EventSource, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Events for a committed transition (and the follow-up it may have opened)."""
    events = []
    occurred = app.clock().isoformat()
    targets = [(int(payload["cooperation_id"]), payload)]
    if payload.get("follow_up_id"):
        targets.append(
            (
                int(payload["follow_up_id"]),
                {**payload, "from_state": None, "to_state": "informal_contact", "trigger": "open"},
            )
        )
    with app.db.read() as s:
        for cid, p in targets:
            coop = cooperation_ref(cid, session=s)
            if coop is None:
                continue
            related = [
                {"prefect.resource.id": f"ikz.municipality.{m}", "prefect.resource.role": "partner"}
                for m in coop.municipality_ids
            ]
            if p.get("actor_id"):
                related.append(
                    {
                        "prefect.resource.id": f"ikz.person.{p['actor_id']}",
                        "prefect.resource.role": "actor",
                    }
                )
            if p.get("trigger") == "spawn_follow_up" and cid == targets[0][0]:
                continue  # the parent stays permanent: nothing was entered
            events.append(
                _event(
                    f"ikz.cooperation.entered.{p['to_state']}",
                    f"ikz.cooperation.{cid}",
                    coop.title,
                    related,
                    {
                        "cooperation_id": cid,
                        "from_state": p.get("from_state"),
                        "to_state": p["to_state"],
                        "trigger": p.get("trigger"),
                        "version": coop.version,
                    },
                    occurred,
                )
            )
    return events


def conflict_events(app: EventSource, payload: dict[str, Any]) -> list[dict[str, Any]]:
    with app.db.read() as s:
        ref = conflict_ref(int(payload["conflict_id"]), session=s)
    if ref is None:
        return []
    conflict, title = ref
    return [
        _event(
            "ikz.conflict.raised",
            f"ikz.conflict.{conflict.id}",
            conflict.subject,
            [
                {
                    "prefect.resource.id": f"ikz.cooperation.{conflict.cooperation_id}",
                    "prefect.resource.role": "cooperation",
                    "prefect.resource.name": title,
                },
                {
                    "prefect.resource.id": f"ikz.person.{conflict.raised_by}",
                    "prefect.resource.role": "actor",
                },
            ],
            {"conflict_id": conflict.id, "cooperation_id": conflict.cooperation_id},
            app.clock().isoformat(),
        )
    ]


def prefect_event_hook(app: EventSource, api_url: str) -> Any:
    """An App.after_commit hook that turns committed changes into Prefect events."""

    def hook(kind: str, payload: dict[str, Any]) -> None:
        if kind == "transition":
            events = transition_events(app, payload)
        elif kind == "opened":
            events = transition_events(
                app, {**payload, "to_state": "informal_contact", "trigger": "open"}
            )
        elif kind == "conflict_raised":
            events = conflict_events(app, payload)
        else:
            return
        if not events:
            return
        try:
            post_events(api_url, events)
        except OSError as exc:
            log.warning("could not emit %d event(s) to %s: %s", len(events), api_url, exc)

    return hook
