"""The Prefect server's REST API without importing Prefect: where it is, and posting
events.

Importing Prefect's client costs seconds on a small machine, and every CLI transition
would pay it. The server accepts a batch of events as JSON on POST /api/events, so a
few lines of stdlib HTTP do the job. The events themselves come from the event outbox
(models.event_outbox), posted by its relay (ikz.events.relay).
"""

from __future__ import annotations

import base64
import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ikz.settings import Settings
from models.db import Database

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
        url = path.read_text().strip().rstrip("/") or None
        if url is not None:
            # `ikz up`'s server sits behind the gateway and wants ikz-flow's own basic
            # auth (ikz.proof.internal); this process may use it, being one of ours.
            from ikz.proof.internal import prefect_auth_string

            os.environ.setdefault("PREFECT_API_AUTH_STRING", prefect_auth_string(settings))
        return url
    return None


def api_request(
    api_url: str,
    method: str,
    path: str,
    body: Any = None,
    timeout: float = 5.0,
    *,
    patience: float = 0.0,
) -> Any:
    """One call of the Prefect server's REST API (with its basic auth, if set): the
    answer's JSON, or None for an empty answer.

    `patience`: for how many seconds to ask again while the server says it is busy (503
    while the local server's SQLite file is locked, 429). Such an answer has done
    nothing, so a POST may be repeated; a timeout or any other error is raised at once.
    0: one try."""
    if patience <= 0:
        return _request(api_url, method, path, body, timeout)
    from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

    for attempt in Retrying(
        retry=retry_if_exception(_not_done),
        wait=wait_exponential(multiplier=0.5, max=8),
        stop=stop_after_delay(patience),
        reraise=True,
    ):
        with attempt:
            return _request(api_url, method, path, body, timeout)
    raise AssertionError("unreachable: Retrying reraises the last error")


def _not_done(exc: BaseException) -> bool:
    """An answer that says the server is busy and did nothing with the request. A
    refused connection is not asked again: a stopped server should be said at once."""
    import urllib.error

    return isinstance(exc, urllib.error.HTTPError) and exc.code in (429, 503)


def _request(api_url: str, method: str, path: str, body: Any, timeout: float) -> Any:
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
