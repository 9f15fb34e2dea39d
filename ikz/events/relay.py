"""The relay of the event outbox: posts pending events to the Prefect server.

Each batch: claim (one short write transaction: models.event_outbox.claim, in order per
cooperation), post the batch as one list (POST /api/events, each event with its stable
id), then mark it sent or back off (a second short transaction). The HTTP call holds no
database lock. A relay that dies between posting and marking leaves 'sending' rows whose
lease runs out; they are posted again with the same ids, which Prefect's triggers skip.

Runs as `ikz events relay` (once, or as a loop), as a thread of `ikz up`
(deployments.stack), and right after a CLI change as its fast path (ikz.events.prefect).
"""

from __future__ import annotations

import http.client
import logging
import random
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ikz.events.prefect import EventSource, post_events
from models.event_outbox import OutboxEvent, backlog, claim, mark_failed, mark_sent
from states.event_relay import retry

log = logging.getLogger("ikz.events")

BATCH = 50


@dataclass(frozen=True)
class Relayed:
    sent: int = 0
    failed: int = 0  # events whose post failed (they wait for their retry)
    error: str | None = None


def _iso(at: datetime) -> str:
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).isoformat()


def as_prefect_event(row: OutboxEvent) -> dict[str, Any]:
    """The JSON of a Prefect event (prefect.events.Event) for an outbox row."""
    return {
        "id": row.event_id,
        "occurred": _iso(row.occurred),
        "event": row.name,
        "resource": row.resource,
        "related": row.related,
        "payload": row.payload,
    }


def relay_batch(
    app: EventSource,
    api_url: str,
    *,
    limit: int = BATCH,
    cooperation_ids: Collection[int] | None = None,
    rng: random.Random | None = None,
    timeout: float = 5.0,
) -> Relayed:
    """Claim, post and mark one batch (of `cooperation_ids` only, if given)."""
    with app.db.write() as s:
        rows = claim(session=s, now=app.clock(), limit=limit, cooperation_ids=cooperation_ids)
    if not rows:
        return Relayed()
    ids = [r.id for r in rows if r.id is not None]
    try:
        post_events(api_url, [as_prefect_event(r) for r in rows], timeout)
    # Refused, timed out, an HTTP error status (urllib's are OSErrors), a broken answer.
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
        now = app.clock()
        with app.db.write() as s:
            mark_failed(
                session=s,
                retries={
                    r.id: retry(r.attempts, r.first_failed_at, now, rng)
                    for r in rows
                    if r.id is not None
                },
                error=error,
                now=now,
            )
        return Relayed(failed=len(ids), error=error)
    with app.db.write() as s:
        mark_sent(session=s, ids=ids, now=app.clock())
    return Relayed(sent=len(ids))


def relay_pending(
    app: EventSource,
    api_url: str,
    *,
    limit: int = BATCH,
    cooperation_ids: Collection[int] | None = None,
    rng: random.Random | None = None,
) -> Relayed:
    """Batches until nothing is due or a post fails (the server is away: the rest waits
    for its backoff instead of being tried now)."""
    sent = 0
    while True:
        done = relay_batch(app, api_url, limit=limit, cooperation_ids=cooperation_ids, rng=rng)
        sent += done.sent
        if done.failed:
            return Relayed(sent=sent, failed=done.failed, error=done.error)
        if not done.sent:
            return Relayed(sent=sent)


def relay_loop(
    app: EventSource, api_url: str, *, stop: threading.Event, poll_seconds: float = 1.0
) -> None:
    """Relay until `stop` is set; a failure (the server away, the database busy) is
    logged and tried again at the next poll, the events' own backoff decides what is due."""
    while not stop.is_set():
        try:
            done = relay_pending(app, api_url)
            if done.error:
                log.warning("events not posted to %s, retried later: %s", api_url, done.error)
        except Exception:
            log.exception("event relay failed; trying again")
        stop.wait(poll_seconds)


class RelayThread:
    """The relay as a daemon thread of a long-running process (`ikz up`)."""

    def __init__(self, app: EventSource, api_url: str, poll_seconds: float = 1.0) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=relay_loop,
            args=(app, api_url),
            kwargs={"stop": self._stop, "poll_seconds": poll_seconds},
            name="ikz-event-relay",
            daemon=True,
        )

    def start(self) -> RelayThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)


def _cooperations(kind: str, payload: dict[str, Any]) -> list[int]:
    """The cooperations whose events a committed change wrote (App.notify_committed)."""
    if kind not in ("transition", "opened", "conflict_raised"):
        return []
    ids = [int(payload["cooperation_id"])]
    if payload.get("follow_up_id"):
        ids.append(int(payload["follow_up_id"]))
    return ids


def prefect_event_hook(app: EventSource, api_url: str) -> Any:
    """An App.after_commit hook: the fast path. The change's events are already in the
    outbox; this posts them (and any older ones of the same cooperations) at once, as
    the relay does, so they are marked sent and never posted with another id. If the
    server is away they stay pending for the relay (`ikz events relay`, `ikz up`)."""

    def hook(kind: str, payload: dict[str, Any]) -> None:
        cids = _cooperations(kind, payload)
        if not cids:
            return
        done = relay_pending(app, api_url, cooperation_ids=cids)
        if done.error:
            log.warning(
                "Ereignisse bleiben im Ausgang, `ikz events relay` sendet sie später "
                "(events kept in the outbox for the relay): %s: %s",
                api_url,
                done.error,
            )

    return hook


def status(app: EventSource) -> dict[str, Any]:
    """The backlog for `ikz events status`: open events, how old the oldest is, since
    when posting fails, and the last error."""
    with app.db.read() as s:
        b = backlog(session=s)
    now = app.clock()
    return {
        "pending": b.pending,
        "sent": b.sent,
        "oldest_pending": b.oldest_pending,
        "oldest_pending_age_seconds": (
            round((now - b.oldest_pending).total_seconds()) if b.oldest_pending else None
        ),
        "failing_since": b.failing_since,
        "last_attempt_at": b.last_attempt_at,
        "last_error": b.last_error,
    }
