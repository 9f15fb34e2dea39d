"""A coordinator in real Chromium (Debian's, driven by Playwright): opens the link that
`ikz up` printed on its first start, lands in the Prefect UI, runs an action through the
deployment's Custom run form, and the audit trail records that coordinator as the actor.
Without the login the browser gets the login page, and the used link is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Stack, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_a_coordinator_logs_in_with_the_first_link_and_acts_in_the_form(
    stack: Stack, browser: Any
) -> None:
    root = stack.api.removesuffix("/api")
    link = stack.first_link()
    assert re.fullmatch(rf"{re.escape(root)}/login/[A-Za-z0-9_-]{{43}}", link)
    coop = next(c for c in stack.ikz_json("coop", "list") if "Tourismus" in c["title"])
    coordinator = min(
        p["id"] for p in stack.ikz_json("person", "list") if "coordinator" in p["roles"]
    )

    stranger = browser.new_context(locale="de-DE")
    page = stranger.new_page()
    page.goto(f"{root}/deployments")
    assert page.url == f"{root}/login?lang=de"
    assert page.get_by_role("heading", level=1).inner_text() == "Anmelden bei ikz-flow"
    stranger.close()

    ctx = browser.new_context(locale="de-DE")
    try:
        page = ctx.new_page()
        page.goto(link)  # one click: the link logs in and opens the UI
        page.wait_for_load_state("networkidle")
        assert page.url.startswith(f"{root}/v2"), page.url
        cookie = next(c for c in ctx.cookies() if c["name"] == "ikz_session")
        assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Lax")
        dep = stack.deployment_id("advance-cooperation")
        page.goto(f"{root}/v2/deployments/deployment/{dep}/run")
        # The form asks what to do, not who does it.
        page.get_by_label("Kooperation", exact=True).fill(coop["title"])
        assert page.get_by_text("Handelnde Person").count() == 0
        page.get_by_label("Select Schritt").click()
        page.get_by_role("option", name="Pausieren", exact=True).click()
        page.get_by_label("Begründung").fill("Sommerpause, im Browser beschlossen")
        page.get_by_role("button", name="Submit").click()
        page.wait_for_url(re.compile(r".*/deployments/deployment/.*tab=Runs.*"), timeout=60_000)

        def run_of_the_form() -> dict[str, Any] | None:
            for fr in stack.runs_of("advance-cooperation"):
                if (
                    fr["parameters"]["eingabe"].get("reason")
                    == "Sommerpause, im Browser beschlossen"
                ):
                    return fr
            return None

        run = wait_for(run_of_the_form, 60, "the form's flow run")
        assert run["parameters"]["stamp"]["proof"]["kind"] == "session"
        assert run["parameters"]["stamp"]["proof"]["person_id"] == coordinator
        done = stack.wait_state(run["id"], {"COMPLETED", "FAILED", "CRASHED"})
        assert done["state"]["type"] == "COMPLETED", done["state"]
        last = stack.ikz_json("coop", "history", str(coop["id"]))[-1]
        assert (last["trigger"], last["actor_id"], last["reason"]) == (
            "pause",
            coordinator,
            "Sommerpause, im Browser beschlossen",
        )
        # The link was for one login only.
        again = browser.new_context(locale="de-DE")
        used = again.new_page()
        used.goto(link)
        assert "Dieser Anmeldelink wurde schon benutzt." in used.content()
        again.close()
    finally:
        ctx.close()
