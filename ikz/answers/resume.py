"""After an answer is recorded: resume the Prefect run that waits for it, through the
server's REST API (with its basic auth when PREFECT_API_AUTH_STRING is set)."""

from __future__ import annotations

import logging
import urllib.error

from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential

from ikz.events.prefect import api_request, prefect_api_url
from ikz.settings import Settings

log = logging.getLogger("ikz.answers")

# Answers a busy server gives for a moment: the local Prefect server answers 503 while
# its SQLite file is locked, a proxy 502 or 504 while it restarts.
TRANSIENT = frozenset({429, 502, 503, 504})


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in TRANSIENT
    return isinstance(exc, urllib.error.URLError | TimeoutError | ConnectionError)


@retry(
    retry=retry_if_exception(_transient),
    wait=wait_exponential(multiplier=0.5, max=8),
    stop=stop_after_delay(60),
    reraise=True,
)
def _resume(url: str, flow_run_id: str) -> object:
    return api_request(url, "POST", f"/flow_runs/{flow_run_id}/resume", {}, timeout=10.0)


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
        result = _resume(url, flow_run_id)
    except Exception as exc:
        log.warning("Lauf %s nicht fortgesetzt: %s: %s", flow_run_id, type(exc).__name__, exc)
        return False
    # Prefect's SetStateStatus: ACCEPT, REJECT, ABORT or WAIT.
    status = str((result or {}).get("status", "")).upper() if isinstance(result, dict) else ""
    if status != "ACCEPT":
        log.warning("Lauf %s nicht fortgesetzt: %s", flow_run_id, result)
        return False
    return True
