"""After an answer is recorded: resume the Prefect run that waits for it, through the
server's REST API (with its basic auth when PREFECT_API_AUTH_STRING is set)."""

from __future__ import annotations

import logging

from ikz.events.prefect import api_request, prefect_api_url
from ikz.settings import Settings

log = logging.getLogger("ikz.answers")

# How long a busy server is asked again (ikz.events.prefect.api_request).
PATIENCE_SECONDS = 60.0


def resume_run(settings: Settings, flow_run_id: str) -> bool:
    """Resume the waiting run; False (logged) when there is no server or it refuses.

    A server that is busy for a moment is asked again for up to a minute: the mayor's
    answer is recorded already, and a run left waiting would not complete before
    someone resumes it. The answer is recorded either way: the run reads it from the
    database whenever it resumes (flows/signoff.py), so a run resumed later by anyone
    completes with it."""
    url = prefect_api_url(settings)
    if not url:
        log.warning("Kein Prefect-Server bekannt; Lauf %s wartet weiter.", flow_run_id)
        return False
    try:
        result = api_request(
            url,
            "POST",
            f"/flow_runs/{flow_run_id}/resume",
            {},
            timeout=10.0,
            patience=PATIENCE_SECONDS,
        )
    except Exception as exc:
        log.warning("Lauf %s nicht fortgesetzt: %s: %s", flow_run_id, type(exc).__name__, exc)
        return False
    # Prefect's SetStateStatus: ACCEPT, REJECT, ABORT or WAIT.
    status = str((result or {}).get("status", "")).upper() if isinstance(result, dict) else ""
    if status != "ACCEPT":
        log.warning("Lauf %s nicht fortgesetzt: %s", flow_run_id, result)
        return False
    return True
