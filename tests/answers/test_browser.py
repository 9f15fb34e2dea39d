"""The answer pages in a real browser: Debian's Chromium driven by Playwright, axe-core
(WCAG 2.0/2.1 A and AA, plus best practices) on every page state, no violation allowed.
The mayor works with the keyboard and the mouse, without JavaScript of ours (the pages
have none); the answers are checked in the database both ways."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from ikz.actions.benefits import request_benefit_confirmation
from ikz.actions.signoff import answer_request
from ikz.answers import tokens, web
from models import commands as c
from tests.answers.conftest import Ticks
from tests.answers.helpers import (
    ask,
    english_mayor_coop,
    mail_of,
    ready_but_for_signoffs,
    request_row,
    signoffs,
)
from tests.answers.server import PageServer
from tests.answers.test_agreement import conflict_with_proposal
from tests.factories import World, coop_in

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WCAG = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
AXE = Axe()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(
    browser: Browser,
    world: World,
    page_server: PageServer,
    ticks: Ticks,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Page]:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    web.bind(world.app, web.FailureLimiter(limit=10, window=900, clock=ticks))
    # JavaScript of the page itself is not needed; axe is injected by the test (CSP
    # bypassed for that injection only, the pages' own policy forbids scripts).
    context = browser.new_context(bypass_csp=True, base_url=page_server.base)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
        web.BINDING.app = None


def no_violations(page: Page) -> None:
    result = AXE.run(page, options=WCAG)
    assert result.violations_count == 0, result.generate_report()


def status_of(page: Page, path: str, **kw: Any) -> int:
    response = page.goto(path, **kw)
    assert response is not None
    return response.status


def test_a_mayor_says_yes_through_every_page_state(world: World, page: Page) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    req = ask(world, cid, jena.municipality_id, "run-1")
    mail = mail_of(world, "signoff_requested", jena.mayor_id)
    path = f"/answer/{mail.token}"

    assert status_of(page, path) == 200
    assert (
        page.title()
        == "Geben Sie als Bürgermeister:in von Jena den Schritt „Pilot starten“ frei? – ikz-flow"
    )
    assert page.get_by_label("Ja, ich gebe frei").is_checked() is False
    assert page.get_by_label("Nein, ich gebe nicht frei").is_checked() is False
    no_violations(page)

    # Submitted without a choice: the error is named at the top and at the field.
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    assert page.get_by_role("alert").inner_text().startswith("Bitte prüfen Sie Ihre Eingabe")
    assert page.title().startswith("Fehler: ")
    no_violations(page)

    page.get_by_label("Ja, ich gebe frei").check()
    page.get_by_label("Anmerkung (freiwillig)").fill("Einverstanden")
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bitte bestätigen Sie Ihre Antwort"
    no_violations(page)
    assert request_row(world, req.id).status == "pending"  # nothing recorded yet

    # Change the answer: back to the question with the choice kept.
    page.get_by_role("button", name="Antwort ändern").click()
    assert page.get_by_label("Ja, ich gebe frei").is_checked() is True
    no_violations(page)
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    page.get_by_role("button", name="Verbindlich absenden").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Vielen Dank, Ihre Antwort ist erfasst"
    )
    no_violations(page)
    assert request_row(world, req.id).status == "signed"
    assert signoffs(world, cid) == [
        ("start_pilot", jena.municipality_id, jena.mayor_id, "Einverstanden")
    ]

    # The same link again: used.
    assert status_of(page, path) == 410
    assert page.get_by_role("heading", level=1).inner_text() == "Link bereits verwendet"
    no_violations(page)


def test_a_mayor_says_no_with_the_keyboard_only(world: World, page: Page) -> None:
    cid = ready_but_for_signoffs(world)
    jena = world.partners[0]
    req = ask(world, cid, jena.municipality_id, "run-1")
    mail = mail_of(world, "signoff_requested", jena.mayor_id)
    assert status_of(page, f"/answer/{mail.token}") == 200
    page.get_by_label("Nein, ich gebe nicht frei").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Erst nach der Ratssitzung")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Bitte bestätigen Sie Ihre Antwort"
    page.get_by_role("button", name="Verbindlich absenden").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Ihre Ablehnung ist erfasst" in page.get_by_role("main").inner_text()
    no_violations(page)
    row = request_row(world, req.id)
    assert (row.status, row.note) == ("declined", "Erst nach der Ratssitzung")
    assert signoffs(world, cid) == []


def test_the_english_page_has_no_violation(world: World, page: Page) -> None:
    cid, mayor, town = english_mayor_coop(world)
    ask(world, cid, town, "run-en")
    mail = mail_of(world, "signoff_requested", mayor)
    assert status_of(page, f"/answer/{mail.token}") == 200
    assert page.locator("html").get_attribute("lang") == "en"
    no_violations(page)
    page.get_by_role("button", name="Continue to confirm").click()
    assert page.get_by_role("alert").inner_text().startswith("Please check your input")
    no_violations(page)


def test_every_refusal_page_has_no_violation(world: World, page: Page, ticks: Ticks) -> None:
    cid = ready_but_for_signoffs(world)
    jena, weimar = world.partners[0], world.partners[1]
    first = ask(world, cid, jena.municipality_id, "run-1")
    ask(world, cid, weimar.municipality_id, "run-2")
    foreign = mail_of(world, "signoff_requested", jena.mayor_id).token
    expiring = mail_of(world, "signoff_requested", weimar.mayor_id).token
    answer_request(world.app, first.id or 0, False)  # answered another way: foreign
    cases = [
        (f"/answer/{tokens.new_token()}", 404, "Link ungültig"),
        (f"/answer/{foreign}", 409, "Frage nicht mehr offen"),
    ]
    for path, status, heading in cases:
        assert status_of(page, path) == status
        assert page.get_by_role("heading", level=1).inner_text() == heading
        no_violations(page)
    world.clock.advance(days=15)
    assert status_of(page, f"/answer/{expiring}") == 410
    assert page.get_by_role("heading", level=1).inner_text() == "Link abgelaufen"
    no_violations(page)
    for _ in range(8):
        status_of(page, f"/answer/{tokens.new_token()}")
    assert status_of(page, f"/answer/{expiring}") == 429
    assert page.get_by_role("heading", level=1).inner_text() == "Zu viele ungültige Versuche"
    no_violations(page)


def test_the_checker_does_find_violations_on_a_bad_page(page: Page) -> None:
    """The other way: axe with these rules finds what a careless page gets wrong (no
    language, an unlabelled field, too little contrast), so a clean result means something."""
    page.set_content(
        "<html><head><title>x</title></head><body><main>"
        '<input type="radio" name="a" value="yes">'
        '<p style="color:#bbbbbb;background:#ffffff">blass</p>'
        "</main></body></html>"
    )
    result = AXE.run(page, options=WCAG)
    found = {v["id"] for v in result.response["violations"]}
    assert {"html-has-lang", "label", "color-contrast"} <= found


def test_the_benefit_confirmation_pages_have_no_violation(world: World, page: Page) -> None:
    cid = coop_in(world, "agreement")
    jena = world.partners[0]
    request_benefit_confirmation(
        world.app,
        c.RequestBenefitConfirmation(
            cooperation_id=cid, municipality_id=jena.municipality_id, actor_id=world.coordinator_id
        ),
    )
    token = mail_of(world, "benefit_confirmation_requested", jena.contact_id).token
    assert status_of(page, f"/answer/{token}") == 200
    no_violations(page)
    page.get_by_label("Nein, der Nutzen ist nicht eingetreten").check()
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    no_violations(page)
    page.get_by_role("button", name="Verbindlich absenden").click()
    assert "Der Nutzen gilt nicht als bestätigt." in page.get_by_role("main").inner_text()
    no_violations(page)


def test_the_conflict_agreement_page_has_no_violation(world: World, page: Page) -> None:
    _, tokens = conflict_with_proposal(world)
    assert status_of(page, f"/answer/{tokens[0]}") == 200
    no_violations(page)
    page.get_by_label("Ja, ich stimme zu").check()
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    no_violations(page)
    page.get_by_role("button", name="Verbindlich absenden").click()
    assert "Ihre Zustimmung ist erfasst." in page.get_by_role("main").inner_text()
    no_violations(page)
