"""The gateway in front of a real Prefect server: who gets in, what is refused, and
that every run it creates carries a stamp only ikz-flow can make."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from flows.actions import ACTION_FLOWS
from flows.common import ActionFailed
from ikz.gateway import identity as ident
from ikz.mail.render import render
from ikz.proof.stamp import stamped, verify
from models import Person
from models.outbox import Notification
from states.proof import Proof, ProofKind
from tests.factories import open_coop
from tests.gateway.conftest import Gate

pytestmark = pytest.mark.slow  # a Prefect server takes ~15 s to start


def basic(value: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(value.encode()).decode()}


def token_for(gate: Gate, person_id: int) -> tuple[str, int]:
    secret, row = ident.create_token(gate.app, person_id, "Test")
    return secret, row.id or 0


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def logged_in(gate: Gate) -> httpx.Client:
    """A browser that opened a fresh console link of the coordinator."""
    link = ident.console_link(gate.app, gate.world.coordinator_id)
    c = gate.client(follow_redirects=False)
    r = c.get(link.removeprefix(gate.url))
    assert r.status_code == 303, r.text
    return c


def deployment(gate: Gate, name: str) -> str:
    """A deployment of the action flow `name` (with its real parameter schema), made on
    the internal port as the served runner would."""
    auth = basic(gate.auth)
    with httpx.Client(base_url=f"{gate.internal}/api", headers=auth, timeout=60) as c:
        flow = c.post("/flows/", json={"name": name})
        flow.raise_for_status()
        schema = ACTION_FLOWS[name].parameters.model_dump()
        dep = c.post(
            "/deployments/",
            json={
                "name": name,
                "flow_id": flow.json()["id"],
                "parameter_openapi_schema": schema,
                # As served (deployments.serve): the flow checks its input, so the
                # API's ids and codes pass beside the form's names and labels.
                "enforce_parameter_schema": False,
            },
        )
        dep.raise_for_status()
        return str(dep.json()["id"])


def test_only_health_is_open_without_login(gate: Gate) -> None:
    with gate.client(follow_redirects=False) as c:
        assert c.get("/api/health").json() is True
        refused = c.post("/api/flows/filter", json={})
        assert refused.status_code == 401
        assert refused.json() == {
            "detail": "Anmeldung erforderlich / Login required",
            "code": "gateway_login_required",
        }
        assert c.get("/api/deployments/").status_code == 401
        ui = c.get("/")
        assert (ui.status_code, ui.headers["location"]) == (303, "/login?lang=de")
        assert c.get("/runs", headers={"Accept-Language": "en-GB"}).headers["location"] == (
            "/login?lang=en"
        )
        # A stolen Prefect password sent to the gateway is no login either.
        assert c.post("/api/flows/filter", json={}, headers=basic(gate.auth)).status_code == 401
        page = c.get("/login")
        assert page.status_code == 200
        assert '<html lang="de">' in page.text
        assert '<label for="email">E-Mail-Adresse</label>' in page.text
        assert "<script" not in page.text


def test_the_internal_port_wants_ikz_flows_own_password(gate: Gate) -> None:
    with httpx.Client(base_url=f"{gate.internal}/api", timeout=60) as c:
        assert c.get("/health").json() is True
        bare = c.post("/flow_runs/", json={"flow_id": "00000000-0000-0000-0000-000000000000"})
        assert bare.status_code == 401
        assert c.post("/flows/filter", json={}, headers=basic("guessed")).status_code == 401
        assert c.post("/flows/filter", json={}, headers=basic(gate.auth)).status_code == 200


def test_a_console_link_logs_in_once_and_the_session_reaches_ui_and_api(gate: Gate) -> None:
    link = ident.console_link(gate.app, gate.world.coordinator_id)
    path = link.removeprefix(gate.url)
    with gate.client(follow_redirects=False) as c:
        r = c.get(path)
        assert (r.status_code, r.headers["location"]) == (303, "/")
        cookie = r.headers["set-cookie"]
        assert re.match(
            r"ikz_session=[A-Za-z0-9_-]{43}; HttpOnly; Max-Age=43200; Path=/; SameSite=lax$", cookie
        ), cookie
        settings = c.get("/ui-settings").json()
        assert (settings["auth"], settings["api_url"]) == (None, f"{gate.url}/api")
        assert c.post("/api/flows/filter", json={}).status_code == 200
        ui = c.get("/")
        assert ui.status_code == 200
        assert "<html" in ui.text.lower()
        again = gate.client(follow_redirects=False).get(path)
        assert again.status_code == 400
        assert "Dieser Anmeldelink wurde schon benutzt." in again.text
        assert c.post("/logout").status_code == 200
        assert c.post("/api/flows/filter", json={}).status_code == 401


def test_a_mailed_link_asks_before_it_logs_in(gate: Gate) -> None:
    with gate.app.db.read() as s:
        before = s.execute(text("SELECT count(*) FROM outbox WHERE kind = 'login_link'")).scalar()
    with gate.client(follow_redirects=False) as c:
        sent = c.post(
            "/login",
            content="email=kora%40example.org",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert sent.status_code == 200
        assert "ein Anmeldelink unterwegs" in sent.text
        unknown = c.post("/login", content="email=nobody%40example.org")
        assert unknown.text.replace("nobody", "") == sent.text.replace("kora", "")
    with gate.app.db.read() as s:
        row = s.exec(  # type: ignore[call-overload]
            __import__("sqlmodel").select(Notification).where(Notification.kind == "login_link")
        ).all()[-1]
        assert (
            len(s.execute(text("SELECT id FROM outbox WHERE kind = 'login_link'")).all())
            == (before or 0) + 1
        )
        person = s.get(Person, gate.world.coordinator_id)
        assert person is not None
        body = render(row, person, settings=gate.app.settings).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(rf"{re.escape(gate.url)}(/login/\S+)", body)
    assert found is not None
    with gate.client(follow_redirects=False) as c:
        ask = c.get(found.group(1))
        assert ask.status_code == 200
        assert "Als Kora Koordinatorin bei ikz-flow anmelden?" in ask.text
        assert "set-cookie" not in ask.headers
        done = c.post(found.group(1))
        assert done.status_code == 303
        assert c.post("/api/flows/filter", json={}).status_code == 200


def test_asking_for_links_too_often_is_refused(gate: Gate) -> None:
    with gate.client() as c:
        codes = [c.post("/login", content="email=max%40example.org").status_code for _ in range(6)]
    assert codes == [200, 200, 200, 200, 200, 429]


def test_a_token_acts_for_its_person_until_revoked(gate: Gate) -> None:
    secret, tid = token_for(gate, gate.world.coordinator_id)
    with gate.client() as c:
        assert c.post("/api/flows/filter", json={}, headers=bearer(secret)).status_code == 200
        ident.revoke_token(gate.app, tid)
        assert c.post("/api/flows/filter", json={}, headers=bearer(secret)).status_code == 401
        assert c.post("/api/flows/filter", json={}, headers=bearer("ikz_forged")).status_code == 401


def test_every_run_the_gateway_creates_carries_the_persons_stamp(gate: Gate) -> None:
    dep = deployment(gate, "record-goal")
    secret, tid = token_for(gate, gate.world.coordinator_id)
    forged = {"proof": {"kind": "session", "person_id": 99}, "mac": "0" * 64}
    eingabe = {"cooperation_id": 1, "text": "Maschinen teilen", "target": None}
    expected = Proof(ProofKind.TOKEN, gate.world.coordinator_id, f"token:{tid}")
    with gate.client(headers=bearer(secret)) as c:
        r = c.post(
            f"/api/deployments/{dep}/create_flow_run",
            json={"parameters": {"eingabe": eingabe, "stamp": forged}},
        )
        assert r.status_code == 201, r.text
        params = r.json()["parameters"]
        assert params["eingabe"] == eingabe
        assert params["stamp"]["proof"] == {
            "kind": "token",
            "person_id": gate.world.coordinator_id,
            "detail": f"token:{tid}",
            "on_behalf_of": None,
            "document_sha256": None,
        }
        assert verify(gate.secret, params) == expected
        # The UI's form sends its values wrapped; the stamp covers what the flow gets.
        wrapped = {"__prefect_kind": "json", "value": json.dumps(eingabe)}
        r = c.post(
            f"/api/deployments/{dep}/create_flow_run", json={"parameters": {"eingabe": wrapped}}
        )
        assert r.status_code == 201, r.text
        assert r.json()["parameters"]["eingabe"] == eingabe
        assert verify(gate.secret, r.json()["parameters"]) == expected
        bulk = c.post(
            f"/api/deployments/{dep}/create_flow_run/bulk",
            json=[{"parameters": {"eingabe": eingabe, "stamp": forged}}],
        )
        assert bulk.status_code in (200, 201), bulk.text
        templated = c.post(
            f"/api/deployments/{dep}/create_flow_run",
            json={"parameters": {"eingabe": {"__prefect_kind": "jinja", "template": "{{ x }}"}}},
        )
        assert (templated.status_code, templated.json()["code"]) == (400, "gateway_templates")
        run_id = params and r.json()["id"]
        bare = c.post("/api/flow_runs/", json={"flow_id": r.json()["flow_id"], "parameters": {}})
        assert (bare.status_code, bare.json()["code"]) == (403, "gateway_bare_run")
        resume = c.post(f"/api/flow_runs/{run_id}/resume", json={"run_input": {"freigeben": True}})
        assert (resume.status_code, resume.json()["code"]) == (403, "gateway_resume")
        answer = c.post(f"/api/flow_runs/{run_id}/input", json={"key": "x", "value": "1"})
        assert answer.status_code == 403
        edit = c.patch(
            f"/api/flow_runs/{run_id}", json={"parameters": {"eingabe": eingabe, "stamp": forged}}
        )
        assert (edit.status_code, edit.json()["code"]) == (403, "gateway_parameters")
        renamed = c.patch(f"/api/flow_runs/{run_id}", json={"name": "umbenannt"})
        assert renamed.status_code == 204
        stored = c.get(f"/api/flow_runs/{run_id}").json()
        assert stored["name"] == "umbenannt"
        assert verify(gate.secret, stored["parameters"]) == expected


def test_a_system_flow_is_started_without_a_stamp_it_could_not_take(gate: Gate) -> None:
    """The mail dispatcher, the pages' refresh and the daily review take no stamp: a
    person may start them from the UI, and the run gets no parameter its flow lacks."""
    from flows.dashboards import refresh_dashboards

    auth = basic(gate.auth)
    with httpx.Client(base_url=f"{gate.internal}/api", headers=auth, timeout=60) as c:
        flow = c.post("/flows/", json={"name": "refresh-dashboards"})
        schema = refresh_dashboards.parameters.model_dump()
        assert "stamp" not in schema["properties"]
        dep = c.post(
            "/deployments/",
            json={
                "name": "refresh-dashboards",
                "flow_id": flow.json()["id"],
                "parameter_openapi_schema": schema,
                "enforce_parameter_schema": True,
            },
        ).json()["id"]
    secret, _ = token_for(gate, gate.world.coordinator_id)
    forged = {"proof": {"kind": "session", "person_id": 99}, "mac": "0" * 64}
    with gate.client(headers=bearer(secret)) as c:
        r = c.post(f"/api/deployments/{dep}/create_flow_run", json={"parameters": {}})
        assert r.status_code == 201, r.text
        assert r.json()["parameters"] == {}
        r = c.post(
            f"/api/deployments/{dep}/create_flow_run", json={"parameters": {"stamp": forged}}
        )
        assert r.status_code == 201, r.text
        assert r.json()["parameters"] == {}


def run_in_process(gate: Gate, name: str, parameters: dict[str, Any]) -> Any:
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    with temporary_settings(
        {PREFECT_API_URL: f"{gate.internal}/api", PREFECT_API_AUTH_STRING: gate.auth}
    ):
        return ACTION_FLOWS[name](**parameters)


def count(gate: Gate, table: str) -> int:
    with gate.app.db.read() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)


def test_a_run_without_a_valid_stamp_fails_in_one_line_and_writes_nothing(gate: Gate) -> None:
    w = gate.world
    cid = open_coop(w)
    eingabe = {"cooperation_id": cid, "kind": "informal", "held_on": "2026-01-04"}
    before = count(gate, "meeting"), count(gate, "outbox")
    with pytest.raises(ActionFailed) as unstamped:
        run_in_process(gate, "record-meeting", {"eingabe": eingabe})
    assert str(unstamped.value) == (
        "Dieser Lauf wurde nicht über die Anmeldung von ikz-flow gestartet; niemand ist als "
        "Handelnde:r nachgewiesen."
    )
    proof = Proof(ProofKind.SESSION, w.coordinator_id, "session:x")
    foreign = stamped(b"not the server secret", proof, {"eingabe": eingabe})
    with pytest.raises(ActionFailed) as forged:
        run_in_process(gate, "record-meeting", foreign)
    assert str(forged.value) == (
        "Der Nachweis dieses Laufs ist ungültig (Parameter oder Stempel verändert)."
    )
    good = stamped(gate.secret, proof, {"eingabe": eingabe})
    altered = {**good, "eingabe": {**eingabe, "held_on": "2026-01-03"}}
    with pytest.raises(ActionFailed) as tampered:
        run_in_process(gate, "record-meeting", altered)
    assert str(tampered.value) == str(forged.value)
    assert (count(gate, "meeting"), count(gate, "outbox")) == before


def test_the_actor_is_the_stamps_person_whatever_the_input_says(gate: Gate) -> None:
    w = gate.world
    cid = open_coop(w)
    mayor = w.partners[0].mayor_id
    as_coordinator = stamped(
        gate.secret,
        Proof(ProofKind.SESSION, w.coordinator_id, "session:x"),
        {
            "eingabe": {
                "cooperation_id": cid,
                "kind": "informal",
                "held_on": "2026-01-04",
                "actor_id": mayor,
            }
        },
    )
    done = run_in_process(gate, "record-meeting", as_coordinator)
    with gate.app.db.read() as s:
        recorded_by = s.execute(
            text("SELECT recorded_by FROM meeting WHERE id = :id"), {"id": done["id"]}
        ).scalar()
    assert recorded_by == w.coordinator_id
    # The same input stamped for the mayor: mayors record no meetings.
    before = count(gate, "meeting")
    as_mayor = stamped(
        gate.secret,
        Proof(ProofKind.TOKEN, mayor, "token:1"),
        {
            "eingabe": {
                "cooperation_id": cid,
                "kind": "informal",
                "held_on": "2026-01-04",
                "actor_id": w.coordinator_id,
            }
        },
    )
    with pytest.raises(ActionFailed, match=r"^Nicht erlaubt: 'record_meeting' erfordert"):
        run_in_process(gate, "record-meeting", as_mayor)
    assert count(gate, "meeting") == before


def test_guessing_links_is_rate_limited(gate: Gate) -> None:
    # Last in this module: the limit then holds for this client for 15 minutes.
    with gate.client(follow_redirects=False) as c:
        codes = [c.get(f"/login/{'A' * 42}{i}").status_code for i in range(11)]
        assert codes[:9] == [400] * 9
        assert codes[-1] == 429
        assert "Zu viele ungültige Links in kurzer Zeit." in c.get("/login/x").text
        # Even a valid link waits now.
        valid = ident.console_link(gate.app, gate.world.coordinator_id)
        assert c.get(valid.removeprefix(gate.url)).status_code == 429


def test_the_forms_checks_answer_in_german_and_in_english_on_request(gate: Gate) -> None:
    """What the UI asks before Submit (Prefect's schema check), through the gateway."""
    schema = ACTION_FLOWS["register-person"].parameters.model_dump()
    values = {"eingabe": {"name": "Anna", "email": "kein-at-zeichen", "roles": 5}}
    # A token, not a console link: the test before this one exhausts the link attempts.
    secret, _ = token_for(gate, gate.world.coordinator_id)
    c = gate.client(headers=bearer(secret))
    try:
        answer = c.post("/api/ui/schemas/validate", json={"schema": schema, "values": values})
        english = c.post(
            "/api/ui/schemas/validate",
            json={"schema": schema, "values": values},
            headers={"Accept-Language": "en-GB"},
        )
        fine = c.post(
            "/api/ui/schemas/validate",
            json={"schema": schema, "values": {"eingabe": {**values["eingabe"], "roles": []}}},
        )
    finally:
        c.close()
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "errors": [
            {
                "property": "eingabe",
                "errors": [{"property": "roles", "errors": ["muss Liste sein"]}],
            }
        ],
        "valid": False,
    }
    assert english.json()["errors"][0]["errors"][0]["errors"] == ["5 is not of type 'array'"]
    # A bad email passes the form: the run refuses it, in German (tests/flows).
    assert fine.json() == {"errors": [], "valid": True}


def test_a_client_that_hangs_up_mid_request_leaves_no_traceback(
    gate: Gate, caplog: pytest.LogCaptureFixture
) -> None:
    """A POST whose body never arrives in full (a closed tab, a client's own timeout in a
    burst): the gateway drops it quietly, logs no 'Exception in ASGI application', and
    goes on serving."""
    import socket
    import time

    secret, _ = token_for(gate, gate.world.coordinator_id)
    host, port = gate.url.removeprefix("http://").split(":")
    with caplog.at_level("ERROR"):
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                (
                    "POST /api/flow_runs/filter HTTP/1.1\r\n"
                    f"Host: {host}:{port}\r\n"
                    f"Authorization: Bearer {secret}\r\n"
                    "Content-Type: application/json\r\n"
                    "Content-Length: 1000\r\n\r\n{"
                ).encode()
            )
            time.sleep(0.5)  # the gateway is reading the body when the client goes
        with gate.client(headers=bearer(secret)) as c:
            r = c.post("/api/flow_runs/filter", json={"limit": 1})  # the gateway still serves
            time.sleep(0.5)
    assert r.status_code == 200
    assert [rec.getMessage() for rec in caplog.records if rec.levelname == "ERROR"] == []
