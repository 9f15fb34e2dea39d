"""A mayor answers from the mailbox, end to end: `ikz up` (real Prefect server, served
deployments, SQLite) and a real SMTP server; the request-signoff run suspends, the
mayor's mail (parsed as received) holds the single-use link, Chromium opens it on the
answer pages that the gateway of `ikz up` serves without a login, and answers; the page records the answer with the link's proof and resumes the
run through Prefect's REST API, and the run completes. Both ways, and a resume through
the API without an answer (as the attack of issue 13 did: the gateway refuses it, and
even on the internal port it records nothing)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Stack, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

COORDINATOR = "kessler@ikz-beratung.example.org"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+)/answer/([A-Za-z0-9_-]{43})")


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    # The public address of `ikz up`: the gateway, which serves /answer/ to anyone.
    context = browser.new_context(base_url=stack.api.removesuffix("/api"))
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def coop_by_title(stack: Stack, fragment: str) -> dict[str, Any]:
    for c in stack.ikz_json("coop", "list"):
        if fragment in c["title"]:
            return dict(c)
    raise AssertionError(f"no demo cooperation with {fragment!r}")


def people(stack: Stack) -> dict[str, int]:
    return {p["email"]: int(p["id"]) for p in stack.ikz_json("person", "list")}


def signoff_missing(stack: Stack, coop_id: int) -> list[str]:
    gates = stack.ikz_json("coop", "show", str(coop_id))["gates"]
    start = next(g for g in gates if g["trigger"] == "start_pilot")
    return [u["message"] for u in start["unmet"] if u["code"] == "mayor_signoff_missing"]


def missing_text(partner: dict[str, Any]) -> str:
    return f"{partner['name']}: Freigabe durch die Bürgermeisterin/den Bürgermeister fehlt."


def text_of(mail: Message) -> str:
    return str(mail.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def ask_mayor(stack: Stack, coop_id: int, partner: dict[str, Any]) -> tuple[str, Message, str]:
    """Start request-signoff; wait until the run is suspended and the mayor's mail is in.
    Returns the run, the mail and the token of its link."""
    run = stack.run_deployment(
        "request-signoff",
        {
            "eingabe": {
                "cooperation_id": coop_id,
                "municipality_id": partner["municipality_id"],
            }
        },
    )
    fr = stack.wait_state(run, {"PAUSED", "FAILED", "CRASHED", "COMPLETED"})
    assert (fr["state"]["type"], fr["state"]["name"]) == ("PAUSED", "Suspended")
    emails = {v: k for k, v in people(stack).items()}
    mail = stack.mail_to(emails[partner["mayor_id"]], "Freigabe erbeten")
    found = LINK.search(text_of(mail))
    assert found is not None, text_of(mail)
    # The link points at ikz-flow's own address (the UI base of `ikz up`), never at the run.
    assert found.group(1) == stack.api.removesuffix("/api")
    assert run not in text_of(mail)
    return run, mail, found.group(2)


def answer_in_browser(page: Page, token: str, yes: bool, note: str) -> None:
    page.goto(f"/answer/{token}")
    label = "Ja, ich gebe frei" if yes else "Nein, ich gebe nicht frei"
    page.get_by_label(label).check()
    page.get_by_label("Anmerkung (freiwillig)").fill(note)
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    page.get_by_role("button", name="Verbindlich absenden").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Vielen Dank, Ihre Antwort ist erfasst"
    )


def export(stack: Stack, person: int) -> dict[str, Any]:
    """What `ikz person export` shows of a person (GDPR Art. 15)."""
    res = stack.ikz("person", "export", str(person))
    assert res.returncode == 0, res.stderr
    return dict(json.loads(res.stdout))


def request_of(stack: Stack, mayor_id: int, run: str) -> dict[str, Any]:
    """The sign-off request as `ikz person export` shows it."""
    return next(r for r in export(stack, mayor_id)["signoff_requests"] if r["flow_run_id"] == run)


def test_a_mayor_says_yes_on_the_page_and_the_run_completes(stack: Stack, page: Page) -> None:
    coop = coop_by_title(stack, "Standesamt")
    partner = stack.ikz_json("coop", "show", str(coop["id"]))["partners"][0]
    before = signoff_missing(stack, coop["id"])
    assert missing_text(partner) in before
    run, mail, token = ask_mayor(stack, coop["id"], partner)

    answer_in_browser(page, token, True, "Einverstanden")

    state = stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})["state"]
    assert state["type"] == "COMPLETED", state
    assert signoff_missing(stack, coop["id"]) == [m for m in before if m != missing_text(partner)]
    req = request_of(stack, partner["mayor_id"], run)
    assert (req["status"], req["note"]) == ("signed", "Einverstanden")
    assert req["answer_proof"] == {
        "kind": "mail_link",
        "person_id": partner["mayor_id"],
        "detail": str(mail["Message-ID"]),
        "on_behalf_of": None,
        "document_sha256": None,
    }
    stack.mail_to(COORDINATOR, "Standesamt-Kooperation Havel: Freigabe erteilt (Pilot starten)")
    # The link is used up.
    response = page.goto(f"/answer/{token}")
    assert response is not None and response.status == 410


def test_a_mayor_says_no_on_the_page_and_the_coordinator_is_told(stack: Stack, page: Page) -> None:
    coop = coop_by_title(stack, "Standesamt")
    partner = stack.ikz_json("coop", "show", str(coop["id"]))["partners"][1]
    before = signoff_missing(stack, coop["id"])
    assert missing_text(partner) in before
    run, mail, token = ask_mayor(stack, coop["id"], partner)

    answer_in_browser(page, token, False, "Erst nach der Ratssitzung")

    state = stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})["state"]
    assert state["type"] == "COMPLETED", state
    # Nothing is signed off: the gate misses exactly what it missed before.
    assert signoff_missing(stack, coop["id"]) == before
    assert stack.ikz_json("coop", "show", str(coop["id"]))["state"] == "agreement"
    req = request_of(stack, partner["mayor_id"], run)
    assert (req["status"], req["note"]) == ("declined", "Erst nach der Ratssitzung")
    assert req["answer_proof"]["kind"] == "mail_link"
    assert req["answer_proof"]["detail"] == str(mail["Message-ID"])
    told = stack.mail_to(
        COORDINATOR, "Standesamt-Kooperation Havel: Freigabe abgelehnt (Pilot starten)"
    )
    assert "Erst nach der Ratssitzung" in text_of(told)


def test_a_resume_through_the_api_without_an_answer_records_nothing(
    stack: Stack, page: Page
) -> None:
    coop = coop_by_title(stack, "Feuerwehr")
    partner = stack.ikz_json("coop", "show", str(coop["id"]))["partners"][0]
    before = export(stack, partner["mayor_id"])["signoffs"]
    run, _, token = ask_mayor(stack, coop["id"], partner)
    suspended = stack.flow_run(run)["state"]["id"]

    # The bypass of issue 13: the old form's input posted to Prefect's API. The gateway
    # refuses it; on the internal port (whoever knows its password) the run resumes ...
    with stack.client() as c:
        r = c.post(f"/flow_runs/{run}/resume", json={"run_input": {"freigeben": True}})
        assert (r.status_code, r.json()["code"]) == (403, "gateway_resume")
    with stack.internal_client() as c:
        r = c.post(f"/flow_runs/{run}/resume", json={"run_input": {"freigeben": True}})
        r.raise_for_status()

    # ... and starts over, finds the request unanswered and suspends again.
    wait_for(
        lambda: (
            (fr := stack.flow_run(run))["state"]["type"] == "PAUSED"
            and fr["state"]["id"] != suspended
        ),
        180,
        "the run to suspend again",
    )
    assert stack.flow_run(run)["state"]["name"] == "Suspended"
    assert request_of(stack, partner["mayor_id"], run)["status"] == "pending"
    assert request_of(stack, partner["mayor_id"], run)["answer_proof"] is None
    assert export(stack, partner["mayor_id"])["signoffs"] == before

    # The mayor's link still answers, and then the run completes.
    answer_in_browser(page, token, True, "")
    state = stack.wait_state(run, {"COMPLETED", "FAILED", "CRASHED"})["state"]
    assert state["type"] == "COMPLETED", state
    assert request_of(stack, partner["mayor_id"], run)["status"] == "signed"
    after = export(stack, partner["mayor_id"])["signoffs"]
    assert [(s["cooperation_id"], s["gate"]) for s in after if s not in before] == [
        (coop["id"], "start_pilot")
    ]
