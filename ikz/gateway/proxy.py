"""What the gateway does to a request before the Prefect server sees it.

- Every flow run it creates from a deployment is stamped with the person who asked
  (ikz.proof.stamp): any incoming `stamp` is dropped, the parameters are signed with the
  proof. Flows verify the stamp before they act (flows.common.verified).
- Ways around the stamp are refused: a flow run without a deployment, changing a run's
  parameters afterwards, and answering a waiting run through Prefect (resume, run
  input): mayors answer on ikz-flow's own pages.
- Prefect's form wrappers (`{"__prefect_kind": "json", "value": ...}`) are resolved
  before signing, so the flow sees exactly what was signed; templates and workspace
  variables (resolved by the server later) are refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ikz.proof.stamp import STAMP_PARAMETER, stamped
from states.proof import Proof

CREATE_RUN = re.compile(r"^/api/deployments/[0-9a-fA-F-]{36}/create_flow_run/?$")
CREATE_RUNS_BULK = re.compile(r"^/api/deployments/[0-9a-fA-F-]{36}/create_flow_run/bulk/?$")
RUN_ANSWER = re.compile(r"^/api/flow_runs/[0-9a-fA-F-]{36}/(resume|input)(/.*)?$")
RUN_ITSELF = re.compile(r"^/api/flow_runs/[0-9a-fA-F-]{36}/?$")


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    de: str
    en: str

    def body(self) -> dict[str, str]:
        return {"detail": f"{self.de} / {self.en}", "code": self.code}


NO_BARE_RUNS = Refusal(
    403,
    "gateway_bare_run",
    "Flow-Läufe entstehen über ein Deployment (Run, Custom run), nicht direkt.",
    "Flow runs are created from a deployment (Run, Custom run), not directly.",
)
NO_RESUME = Refusal(
    403,
    "gateway_resume",
    "Wartende Läufe beantworten die Personen selbst über den Link in ihrer E-Mail.",
    "Waiting runs are answered by the people themselves, through the link in their email.",
)
NO_PARAMETER_EDIT = Refusal(
    403,
    "gateway_parameters",
    "Die Parameter eines Laufs lassen sich nachträglich nicht ändern; starten Sie einen neuen.",
    "A run's parameters cannot be changed afterwards; start a new run.",
)
BAD_BODY = Refusal(
    400,
    "gateway_bad_body",
    "Die Anfrage ist kein gültiges JSON-Objekt mit Parametern.",
    "The request is not a valid JSON object with parameters.",
)
NO_TEMPLATES = Refusal(
    400,
    "gateway_templates",
    "Vorlagen und Workspace-Variablen sind in Parametern von Aktionen nicht erlaubt.",
    "Templates and workspace variables are not allowed in an action's parameters.",
)


class Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


def resolve_form_values(value: Any) -> Any:
    """Prefect's dehydrated form values, resolved as the server would (kinds none, json)."""
    if isinstance(value, dict):
        kind = value.get("__prefect_kind")
        if kind is None:
            return {k: resolve_form_values(v) for k, v in value.items()}
        if kind == "none":
            return resolve_form_values(value.get("value"))
        if kind == "json":
            raw = value.get("value")
            if isinstance(raw, str):
                try:
                    return resolve_form_values(json.loads(raw))
                except ValueError:
                    raise Refused(BAD_BODY) from None
            return resolve_form_values(raw)
        raise Refused(NO_TEMPLATES)
    if isinstance(value, list):
        return [resolve_form_values(v) for v in value]
    return value


def _stamp_one(secret: bytes, proof: Proof, item: Any, stamps: bool) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise Refused(BAD_BODY)
    params = item.get("parameters") or {}
    if not isinstance(params, dict):
        raise Refused(BAD_BODY)
    params = resolve_form_values({k: v for k, v in params.items() if k != STAMP_PARAMETER})
    return {**item, "parameters": stamped(secret, proof, params) if stamps else params}


def deployment_of(method: str, path: str) -> str | None:
    """The deployment a request creates runs of, if it does."""
    if method.upper() == "POST" and (CREATE_RUN.match(path) or CREATE_RUNS_BULK.match(path)):
        return path.split("/")[3]
    return None


def rewrite(
    method: str, path: str, body: bytes, secret: bytes, proof: Proof, *, stamps: bool = True
) -> bytes:
    """The body to forward for a person's request (unchanged for most), or Refused.

    `stamps`: the deployment's flow takes the stamp (every action does). The system's own
    flows (the mail dispatcher, the pages' refresh, the daily review) take none and act
    as nobody: a person may start them, and any stamp given is dropped."""
    method = method.upper()
    if method == "POST" and path.rstrip("/") == "/api/flow_runs":
        raise Refused(NO_BARE_RUNS)
    if RUN_ANSWER.match(path) and method != "GET":
        raise Refused(NO_RESUME)
    if method == "PATCH" and RUN_ITSELF.match(path):
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            raise Refused(BAD_BODY) from None
        if isinstance(data, dict) and "parameters" in data:
            raise Refused(NO_PARAMETER_EDIT)
        return body
    if method == "POST" and CREATE_RUN.match(path):
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            raise Refused(BAD_BODY) from None
        return json.dumps(_stamp_one(secret, proof, data, stamps)).encode()
    if method == "POST" and CREATE_RUNS_BULK.match(path):
        try:
            data = json.loads(body or b"[]")
        except ValueError:
            raise Refused(BAD_BODY) from None
        if not isinstance(data, list):
            raise Refused(BAD_BODY)
        return json.dumps([_stamp_one(secret, proof, item, stamps) for item in data]).encode()
    return body
