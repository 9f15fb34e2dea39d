"""What the gateway does to each request of a logged-in person, decided both ways: runs
from a deployment are stamped, the ways around the stamp refused, everything else passed
on unchanged."""

from __future__ import annotations

import json

import pytest

from ikz.gateway.proxy import Refused, resolve_form_values, rewrite
from ikz.proof.stamp import verify
from states.proof import Proof, ProofKind

SECRET = b"server secret of the proxy tests"
PROOF = Proof(ProofKind.SESSION, 7, "session:abc")
RUN = "0b7f4f5e-2c1a-4d7e-9a6b-1f2e3d4c5b6a"
CREATE = f"/api/deployments/{RUN}/create_flow_run"


def refusal(method: str, path: str, body: object = None) -> str:
    with pytest.raises(Refused) as refused:
        rewrite(method, path, json.dumps(body).encode() if body is not None else b"", SECRET, PROOF)
    return refused.value.refusal.code


def test_a_run_from_a_deployment_is_stamped_and_any_stamp_sent_along_dropped() -> None:
    forged = {"proof": {"kind": "token", "person_id": 1}, "mac": "f" * 64}
    body = {"parameters": {"eingabe": {"cooperation_id": 3}, "stamp": forged}, "tags": ["x"]}
    out = json.loads(rewrite("POST", CREATE, json.dumps(body).encode(), SECRET, PROOF))
    assert out["tags"] == ["x"]
    assert out["parameters"]["eingabe"] == {"cooperation_id": 3}
    assert verify(SECRET, out["parameters"]) == PROOF
    empty = json.loads(rewrite("POST", CREATE, b"", SECRET, PROOF))
    assert verify(SECRET, empty["parameters"]) == PROOF
    assert empty["parameters"]["stamp"]["proof"]["person_id"] == 7
    bulk = json.loads(
        rewrite("POST", CREATE + "/bulk", json.dumps([body, body]).encode(), SECRET, PROOF)
    )
    assert [verify(SECRET, b["parameters"]) for b in bulk] == [PROOF, PROOF]


def test_the_forms_wrapped_values_are_resolved_before_signing() -> None:
    wrapped = {
        "a": {"__prefect_kind": "json", "value": '{"b": [1, 2]}'},
        "c": {"__prefect_kind": "none", "value": {"__prefect_kind": "json", "value": "3"}},
        "d": [{"__prefect_kind": "json", "value": {"e": 1}}],
    }
    assert resolve_form_values(wrapped) == {"a": {"b": [1, 2]}, "c": 3, "d": [{"e": 1}]}
    with pytest.raises(Refused) as jinja:
        resolve_form_values({"x": {"__prefect_kind": "jinja", "template": "{{ 1 }}"}})
    assert jinja.value.refusal.code == "gateway_templates"
    with pytest.raises(Refused) as variable:
        resolve_form_values({"__prefect_kind": "workspace_variable", "variable_name": "v"})
    assert variable.value.refusal.code == "gateway_templates"
    with pytest.raises(Refused) as broken:
        resolve_form_values({"__prefect_kind": "json", "value": "{not json"})
    assert broken.value.refusal.code == "gateway_bad_body"


def test_the_ways_around_the_stamp_are_refused() -> None:
    assert refusal("POST", "/api/flow_runs/", {"flow_id": RUN}) == "gateway_bare_run"
    assert refusal("POST", "/api/flow_runs", {"flow_id": RUN}) == "gateway_bare_run"
    assert refusal("POST", f"/api/flow_runs/{RUN}/resume", {}) == "gateway_resume"
    assert refusal("POST", f"/api/flow_runs/{RUN}/input", {"key": "k"}) == "gateway_resume"
    assert refusal("DELETE", f"/api/flow_runs/{RUN}/input/k") == "gateway_resume"
    assert refusal("PATCH", f"/api/flow_runs/{RUN}", {"parameters": {}}) == "gateway_parameters"
    assert refusal("POST", CREATE, ["not", "an", "object"]) == "gateway_bad_body"
    assert refusal("POST", CREATE, {"parameters": ["x"]}) == "gateway_bad_body"
    assert refusal("POST", CREATE + "/bulk", {"parameters": {}}) == "gateway_bad_body"
    with pytest.raises(Refused):
        rewrite("POST", CREATE, b"{broken", SECRET, PROOF)


def test_everything_else_passes_unchanged() -> None:
    for method, path, body in [
        ("GET", f"/api/flow_runs/{RUN}", b""),
        ("GET", f"/api/flow_runs/{RUN}/input/k", b""),
        ("PATCH", f"/api/flow_runs/{RUN}", b'{"name": "neu"}'),
        ("POST", f"/api/flow_runs/{RUN}/set_state", b'{"state": {"type": "CANCELLING"}}'),
        ("POST", "/api/flow_runs/filter", b"{}"),
        ("POST", "/api/deployments/filter", b"{}"),
        ("GET", "/v2/deployments", b""),
    ]:
        assert rewrite(method, path, body, SECRET, PROOF) == body
