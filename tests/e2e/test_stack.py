"""End to end against `ikz up`: a real Prefect server, served deployments, triggers,
the SQLite database and a real SMTP server, all on 127.0.0.1. (A mayor's answer, both
ways: tests/e2e/test_answers.py.)"""

from __future__ import annotations

import signal
import subprocess
import time
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Stack, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

COORDINATOR = "kessler@ikz-beratung.example.org"


def coop_by_title(stack: Stack, fragment: str) -> dict[str, Any]:
    for c in stack.ikz_json("coop", "list"):
        if fragment in c["title"]:
            return dict(c)
    raise AssertionError(f"no demo cooperation with {fragment!r}")


def person_id(stack: Stack, email: str) -> int:
    for p in stack.ikz_json("person", "list"):
        if p["email"] == email:
            return int(p["id"])
    raise AssertionError(email)


def test_portfolio_artifact_exists_after_up(stack: Stack) -> None:
    # The UI is told where its API is (the gateway, not the default port), and that it
    # needs no password of its own (the gateway logged the person in).
    root = stack.api.removesuffix("/api")
    bearer = {"Authorization": f"Bearer {stack.token}"}
    ui = httpx.get(root + "/ui-settings", timeout=30, headers=bearer).json()
    assert (ui["api_url"], ui["auth"]) == (stack.api, None)
    assert httpx.get(root + "/ui-settings", timeout=30).status_code == 303
    with stack.client() as c:
        r = c.post(
            "/artifacts/latest/filter", json={"artifacts": {"key": {"any_": ["ikz-portfolio"]}}}
        )
        r.raise_for_status()
        arts = r.json()
    assert arts and arts[0]["type"] == "table"
    assert "Gemeinsamer Bauhof Nord" in str(arts[0]["data"])
    with stack.client() as c:
        r = c.post(
            "/artifacts/latest/filter",
            json={"artifacts": {"key": {"any_": ["ikz-portfolio-summary"]}}},
        )
        r.raise_for_status()
        summary = r.json()
    assert summary and summary[0]["type"] == "markdown"
    assert "Kooperationen" in summary[0]["data"] and "Ampel" in summary[0]["data"]


def test_advance_through_the_api_triggers_review_and_mail(stack: Stack) -> None:
    coop = coop_by_title(stack, "Wasserversorgung")
    coordinator = person_id(stack, COORDINATOR)
    run = stack.run_deployment(
        "advance-cooperation",
        {
            "eingabe": {
                "cooperation_id": coop["id"],
                "trigger": "pause",
                "reason": "Sommerpause",
            }
        },
    )
    assert stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})["state"]["type"] == "COMPLETED"
    shown = stack.ikz_json("coop", "show", str(coop["id"]))
    assert shown["state"] == "paused"
    # The action's run sent its own mail right after its commit.
    wait_for(
        lambda: any("E-Mails sofort versandt" in m for m in stack.logs(run)),
        60,
        "the action run's log of its sent mail",
    )
    # The server stores events asynchronously: wait for it rather than race it.
    events = wait_for(
        lambda: stack.events("ikz.cooperation.entered.paused", f"ikz.cooperation.{coop['id']}"),
        60,
        "the transition event",
    )
    related = {r["prefect.resource.id"] for r in events[0]["related"]}
    assert f"ikz.person.{coordinator}" in related
    assert any(r.startswith("ikz.municipality.") for r in related)
    assert events[0]["resource"]["prefect.resource.name"] == coop["title"]
    stack.completed_run("review-cooperation", cooperation_id=coop["id"])
    stack.mail_to(COORDINATOR, "Wasserversorgung")


def test_transition_made_with_the_cli_is_followed_up(stack: Stack) -> None:
    coop = coop_by_title(stack, "Wasserversorgung")
    if stack.ikz_json("coop", "show", str(coop["id"]))["state"] != "paused":
        pytest.skip("depends on the API test having paused the cooperation")
    coordinator = person_id(stack, COORDINATOR)
    res = stack.ikz("coop", "advance", str(coop["id"]), "resume", "--actor", str(coordinator))
    assert res.returncode == 0, res.stderr
    events = wait_for(
        lambda: [
            e
            for e in stack.events(
                "ikz.cooperation.entered.informal_contact", f"ikz.cooperation.{coop['id']}"
            )
            if e["payload"]["trigger"] == "resume"
        ],
        60,
        "the CLI's event",
    )
    assert events[0]["payload"]["to_state"] == "informal_contact"
    before = sum(
        1
        for r in stack.runs_of("review-cooperation")
        if r["parameters"].get("cooperation_id") == coop["id"]
    )
    wait_for(
        lambda: (
            sum(
                1
                for r in stack.runs_of("review-cooperation")
                if r["parameters"].get("cooperation_id") == coop["id"]
                and r["state"]["type"] == "COMPLETED"
            )
            >= max(before, 2)
        ),
        120,
        "a second completed review run",
    )


def test_raised_conflict_is_escalated_and_mailed(stack: Stack) -> None:
    coop = coop_by_title(stack, "Feuerwehr")
    coordinator = person_id(stack, COORDINATOR)
    run = stack.run_deployment(
        "raise-conflict",
        {
            "eingabe": {
                "cooperation_id": coop["id"],
                "subject": "Kosten des Übungsgeländes",
            }
        },
    )
    result = stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})
    assert result["state"]["type"] == "COMPLETED", result["state"]
    conflicts = [
        c
        for c in stack.ikz_json("conflict", "list", "--coop", str(coop["id"]))
        if c["subject"] == "Kosten des Übungsgeländes"
    ]
    assert len(conflicts) == 1
    # Raised by the person whose token started the run (the form names nobody).
    assert conflicts[0]["raised_by"] == coordinator
    cid = conflicts[0]["id"]
    stack.completed_run("escalate-conflict", conflict_id=cid)
    after = next(
        c for c in stack.ikz_json("conflict", "list", "--coop", str(coop["id"])) if c["id"] == cid
    )
    assert after["level"] == "contact_talks"
    # The fixed contact persons of the partners hear about it.
    stack.mail_to("@salzgitter.example.de", "Konflikt")


def test_entering_evaluation_produces_a_success_report(stack: Stack) -> None:
    coop = coop_by_title(stack, "Bauhof")
    run = stack.run_deployment(
        "advance-cooperation",
        {"eingabe": {"cooperation_id": coop["id"], "trigger": "evaluate"}},
    )
    state = stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})["state"]
    assert state["type"] == "COMPLETED", state
    stack.completed_run("success-report", cooperation_id=coop["id"])
    folder = stack.data_dir / "reports" / str(coop["id"])
    assert "Erfolgsbericht" in (folder / "report.md").read_text()
    assert (folder / "timeline.png").is_file() and (folder / "pressemitteilung.md").is_file()
    with stack.client() as c:
        r = c.post(
            "/artifacts/latest/filter",
            json={"artifacts": {"key": {"any_": [f"ikz-report-{coop['id']}"]}}},
        )
        assert r.json(), "no report artifact"
    stack.mail_to(COORDINATOR, "Erfolgsbericht")


def test_bad_parameters_fail_the_run_with_the_clear_message(stack: Stack) -> None:
    run = stack.run_deployment(
        "register-municipality",
        {
            "eingabe": {
                "name": "Bad\r\nBcc: x@example.org",
                "ags": "16053999",
                "population": 5,
                "kind": "stadt",
            }
        },
    )
    fr = stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})
    assert fr["state"]["type"] == "FAILED"
    assert "Zeilenumbruch" in (fr["state"]["message"] or "")
    names = [m["name"] for m in stack.ikz_json("municipality", "list")]
    assert not any(n.startswith("Bad") for n in names)
    # The form takes names: one that matches no cooperation fails the run in one line.
    run = stack.run_deployment(
        "advance-cooperation",
        {"eingabe": {"cooperation_id": "abc", "trigger": "Pausieren"}},
    )
    fr = stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})
    assert fr["state"]["type"] == "FAILED"
    assert "Keine Kooperation passt zu „abc“." in (fr["state"]["message"] or "")
    # Structurally wrong input (a list for a name) too: the flow checks, not the server.
    run = stack.run_deployment(
        "advance-cooperation", {"eingabe": {"cooperation_id": ["abc"], "trigger": "pause"}}
    )
    fr = stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})
    assert fr["state"]["type"] == "FAILED"
    assert "Ungültige Eingabe: cooperation_id: keine ganze Zahl" in (fr["state"]["message"] or "")
    # A served run's log holds the refusal's line and no traceback (the engine's own
    # "unexpected exception" about the Failed state it was handed is dropped).
    wait_for(lambda: any("Finished in state" in line for line in stack.logs(run)), 60, "the logs")
    time.sleep(5)  # the engine's last lines come with the run's process ending
    logs = stack.logs(run)
    assert any("abgelehnt: " in line for line in logs), logs
    assert not [line for line in logs if "Traceback" in line], logs


def test_the_cli_requests_a_signoff_as_a_run_of_its_deployment(stack: Stack) -> None:
    """`ikz coop request-signoff` cannot wait days for the mayor: it starts the
    deployment's run on the stack it finds in the data dir, which asks the mayor."""
    coop = coop_by_title(stack, "Digitalstrategie")
    partner = stack.ikz_json("coop", "show", str(coop["id"]))["partners"][-1]
    started = stack.ikz_json(
        "coop",
        "request-signoff",
        str(coop["id"]),
        "--municipality",
        str(partner["municipality_id"]),
        "--actor",
        str(person_id(stack, COORDINATOR)),
    )
    assert started["url"].endswith(f"/runs/flow-run/{started['id']}")
    fr = stack.wait_state(started["id"], {"PAUSED", "FAILED", "CRASHED", "COMPLETED"})
    assert (fr["state"]["type"], fr["state"]["name"]) == ("PAUSED", "Suspended")
    mayors = {p["id"]: p["email"] for p in stack.ikz_json("person", "list")}
    mail = stack.mail_to(mayors[partner["mayor_id"]], "Freigabe")
    # The mayor answers on ikz-flow's page through the mail's link (tests/e2e/test_answers.py).
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert f"{stack.api.removesuffix('/api')}/answer/" in text


def test_the_internal_port_refuses_whoever_bypasses_the_gateway(stack: Stack) -> None:
    dep = stack.deployment_id("advance-cooperation")
    coop = coop_by_title(stack, "Wasserversorgung")
    body = {"parameters": {"eingabe": {"cooperation_id": coop["id"], "trigger": "pause"}}}
    bypass = httpx.post(f"{stack.internal_api}/deployments/{dep}/create_flow_run", json=body)
    assert bypass.status_code == 401
    assert httpx.get(f"{stack.internal_api}/health").json() is True
    # Without a login the gateway refuses it too.
    assert (
        httpx.post(f"{stack.api}/deployments/{dep}/create_flow_run", json=body).status_code == 401
    )


def test_ctrl_c_stops_everything(stack: Stack) -> None:
    """Runs last in this module: Ctrl-C (SIGINT) ends `ikz up` and its server within seconds."""
    port = int(stack.api.split(":")[2].split("/")[0])
    internal = int(stack.internal_api.split(":")[2].split("/")[0])
    started = time.monotonic()
    stack.process.send_signal(signal.SIGINT)
    try:
        stack.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("ikz up did not stop within 30 s of Ctrl-C")
    took = time.monotonic() - started
    assert stack.process.returncode is not None
    wait_for(lambda: not _listening(port), 15, "the gateway to release its port")
    wait_for(lambda: not _listening(internal), 15, "the Prefect server to release its port")
    assert "ikz-flow beendet" in stack.log.read_text(errors="replace")
    assert took < 30


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
