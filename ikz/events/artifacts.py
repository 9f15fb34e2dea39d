"""The Prefect artifacts ikz wrote, cleaned of a person's data (GDPR Art. 17).

Keyed artifacts keep every version; each version whose text names the person is deleted
through the REST API (the cooperation's page and the portfolio are written anew with
their next change or refresh, then under the pseudonym).
"""

from __future__ import annotations

import json
from typing import Any

from ikz.events.prefect import api_request, prefect_api_url
from ikz.settings import Settings
from states.errors import IkzError

PAGE = 200


# For how long an erasure asks again while the Prefect server answers 503 (its SQLite
# file busy): such an answer did nothing, so the filter and each delete may be repeated.
# Without it an erasure was refused whenever the local server was busy for a moment.
BUSY_PATIENCE = 30.0


def scrub_artifacts(settings: Settings, terms: list[str]) -> int | None:
    """Delete every ikz artifact version naming one of `terms`; how many (None: this
    process knows no Prefect server). A server that is known but cannot be reached
    refuses the erasure: it must not report artifacts clean that are not."""
    url = prefect_api_url(settings)
    if not url or not terms:
        return None
    try:
        found = _naming(url, terms)
        for artifact_id in found:
            api_request(url, "DELETE", f"/artifacts/{artifact_id}", patience=BUSY_PATIENCE)
    except OSError as exc:
        raise IkzError(
            "prefect_unreachable",
            f"Der Prefect-Server ({url}) ist nicht erreichbar; die Artefakte können nicht "
            f"bereinigt werden, es wurde nichts gelöscht ({exc}).",
            f"The Prefect server ({url}) cannot be reached; the artifacts cannot be "
            f"cleaned, nothing was erased ({exc}).",
        ) from None
    return len(found)


def _naming(url: str, terms: list[str]) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        body: dict[str, Any] = {
            "artifacts": {"key": {"like_": "ikz-%"}},
            "limit": PAGE,
            "offset": offset,
        }
        page = api_request(url, "POST", "/artifacts/filter", body, patience=BUSY_PATIENCE) or []
        for artifact in page:
            text = json.dumps(
                [artifact.get("data"), artifact.get("description")], ensure_ascii=False
            )
            if any(t.lower() in text.lower() for t in terms):
                ids.append(str(artifact["id"]))
        if len(page) < PAGE:
            return ids
        offset += PAGE


def publish_markdown(settings: Settings, key: str, markdown: str, description: str) -> str:
    """Publish a Markdown page through the REST API (the CLI imports no Prefect): 'ok',
    'no_server' (none known to this process) or the reason it could not be reached."""
    url = prefect_api_url(settings)
    if not url:
        return "no_server"
    body = {"key": key, "type": "markdown", "data": markdown, "description": description}
    try:
        api_request(url, "POST", "/artifacts/", body, timeout=10.0)
    except OSError as exc:
        return f"{url}: {exc}"
    return "ok"
