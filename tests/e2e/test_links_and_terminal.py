"""Against `ikz up`: every kind of mail carries links that answer with content, and the
terminal of `ikz up` shows one line per action and no routine INFO lines or tracebacks.

Every kind is sent through the stack's own dispatcher and SMTP: the kinds that ask a
person to act come from real actions (a sign-off request carries its answer page and
its run; a login link comes from the login page), the others are queued with the
context of a real demo cooperation. Each http link in each mail is then fetched
through the gateway in a logged-in browser session."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import Message
from typing import Any

import httpx
import pytest

from ikz.mail.content import builders
from ikz.mail.render import message_id
from tests.e2e.conftest import Stack, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

COORDINATOR = "kessler@ikz-beratung.example.org"

# Every kind of mail (ikz/mail/content.py BUILDERS, the text_* modules and the meeting
# texts). A new kind fails test_the_list_names_every_kind until its links are checked here.
KINDS = (
    "audit_anchor",
    "benefit_confirmation_requested",
    "benefit_confirmed",
    "benefit_not_confirmed",
    "conflict_agreement_declined",
    "conflict_agreement_requested",
    "conflict_closed",
    "conflict_escalated",
    "conflict_overdue",
    "conflict_raised",
    "conflict_resolved",
    "conflict_session",
    "cooperation_opened",
    "delivery_failed",
    "founding_deadline",
    "funding_deadline",
    "login_link",
    "meeting_cancelled",
    "meeting_invitation",
    "review_due",
    "signoff_declined",
    "signoff_recorded",
    "signoff_reminder",
    "signoff_requested",
    "silence_reminder",
    "success_report_ready",
    "transition",
)
# Sent by real actions in this test, with the links they really carry.
FROM_ACTIONS = ("signoff_requested", "login_link")

LINK = re.compile(r"https?://[^\s<>\"')\]]+")
# The lines the terminal shows at INFO: who, what: the result; or what was refused.
SUMMARY = re.compile(r"\| INFO +\| Flow run '[^']+' - ([^,:]+, [^:]+: .+|[^:]+ abgelehnt: .+)$")


def test_the_list_names_every_kind() -> None:
    assert sorted(KINDS) == sorted(builders())


def coop_by_title(stack: Stack, fragment: str) -> dict[str, Any]:
    return next(c for c in stack.ikz_json("coop", "list") if fragment in c["title"])


def person_id(stack: Stack, email: str) -> int:
    return next(int(p["id"]) for p in stack.ikz_json("person", "list") if p["email"] == email)


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[httpx.Client]:
    """A browser session of the coordinator, logged in with a link from `ikz login-link`."""
    link = stack.ikz("login-link", "--person", str(person_id(stack, COORDINATOR))).stdout.strip()
    root = stack.api.removesuffix("/api")
    # A browser asks for HTML: the UI's pages (index.html for every path of the UI) are
    # served for that only.
    html = {"Accept": "text/html,application/xhtml+xml"}
    with httpx.Client(base_url=root, timeout=90, follow_redirects=False, headers=html) as c:
        assert c.post(link.removeprefix(root)).status_code == 303
        c.follow_redirects = True
        yield c


def queue_every_other_kind(stack: Stack, coop: dict[str, Any], recipient: int) -> dict[str, str]:
    """Each kind not sent by an action, queued for `recipient` with the context a use
    case gives it (a real cooperation): {kind: Message-ID}."""
    from ikz.app import open_app
    from ikz.settings import Settings
    from models.outbox import enqueue

    app = open_app(Settings(data_dir=stack.data_dir), emit_events=False)
    context = {
        "cooperation_id": coop["id"],
        "title": coop["title"],
        "from_state": "agreement",
        "to_state": "pilot",
        "trigger": "start_pilot",
        "state": coop["state"],
        "subject": "Standort der Halle",
        "level": "steering_round",
        "recipient_name": "Bernd Beispiel",
        "recipient_email": "bernd@example.org",
        "reply": "550 5.1.1 No such user",
        "starts_at": "2030-03-12T09:00:00+00:00",
        "uid": f"link-test-{coop['id']}@ikz-flow",
        "sequence": 0,
    }
    ids: dict[str, str] = {}
    try:
        with app.db.write() as s:
            for kind in KINDS:
                if kind in FROM_ACTIONS:
                    continue
                prefix = f"link-test:{kind}"
                enqueue(
                    s,
                    recipient_ids=[recipient],
                    kind=kind,
                    context={**context, "kind_under_test": kind},
                    dedupe_prefix=prefix,
                )
                ids[kind] = message_id(f"{prefix}:{recipient}")
    finally:
        app.close()
    return ids


def mails_to(stack: Stack, address: str, subject: str) -> list[Message]:
    return [
        m
        for m in stack.inbox.snapshot()
        if address in (m.get("To") or "") and subject in str(m.get("Subject"))
    ]


def newest(stack: Stack, address: str, subject: str, before: int) -> Message:
    """The mail that arrived after the `before` earlier ones (older ones were sent to
    other tests, and their links may be used)."""
    found = wait_for(
        lambda: mails_to(stack, address, subject)[before:],
        180,
        f"a new mail to {address} about {subject!r}",
    )
    return found[0]  # type: ignore[no-any-return]


def links_of(mail: Message) -> list[str]:
    found: list[str] = []
    for part in mail.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            found += LINK.findall(part.get_content())  # type: ignore[attr-defined]
    return sorted({link.rstrip(".,;") for link in found})


def check_link(stack: Stack, browser: httpx.Client, kind: str, link: str) -> None:
    root = stack.api.removesuffix("/api")
    assert link.startswith(root + "/"), (kind, link)
    path = link.removeprefix(root)
    assert not path.startswith("/artifacts/key/"), (kind, link)  # a blank timeline
    r = browser.get(path)
    assert r.status_code == 200, (kind, link, r.status_code, r.text[:300])
    assert r.text.strip(), (kind, link)
    final = r.url.path
    if final.startswith("/artifacts/artifact/"):
        shown = browser.get(f"/api/artifacts/{final.rsplit('/', 1)[1]}").json()
        assert str(shown["data"]).strip(), (kind, link)
        if path.startswith("/seite/bericht/"):
            assert "Erfolgsbericht" in str(shown["data"]), (kind, link)
        if path.startswith("/seite/kooperation/"):
            coop_id = path.rsplit("/", 1)[1]
            title = stack.ikz_json("coop", "show", coop_id)["title"]
            assert str(shown["data"]).startswith(f"# {title}"), (kind, link)
    elif final.startswith("/runs/flow-run/"):
        run = browser.get(f"/api/flow_runs/{final.rsplit('/', 1)[1]}")
        assert run.status_code == 200, (kind, link)
    elif final.startswith("/answer/"):
        assert "<form" in r.text, (kind, link)
    elif final.startswith("/login/"):
        assert "Anmelden" in r.text, (kind, link)
    else:
        assert final == "/", (kind, link)  # the UI's start page


def test_every_cooperation_has_its_page_and_the_portfolio_its_own(
    stack: Stack, browser: httpx.Client
) -> None:
    coops = stack.ikz_json("coop", "list")
    assert len(coops) >= 8  # the demo portfolio
    for coop in coops:
        check_link(
            stack,
            browser,
            "page",
            f"{stack.api.removesuffix('/api')}/seite/kooperation/{coop['id']}",
        )
    for page in ("portfolio", "portfolio-summe", "verzeichnis", "statistik"):
        check_link(stack, browser, page, f"{stack.api.removesuffix('/api')}/seite/{page}")


def test_every_link_in_every_kind_of_mail_answers_with_content(
    stack: Stack, browser: httpx.Client
) -> None:
    coordinator = person_id(stack, COORDINATOR)
    coop = coop_by_title(stack, "Bauhof")
    partner = stack.ikz_json("coop", "show", str(coop["id"]))["partners"][0]
    mayors = {p["id"]: p["email"] for p in stack.ikz_json("person", "list")}
    mayor = mayors[partner["mayor_id"]]
    # A sign-off request: its mail carries the mayor's answer page.
    before = len(mails_to(stack, mayor, "Freigabe erbeten"))
    run = stack.run_deployment(
        "request-signoff",
        {"eingabe": {"cooperation_id": coop["id"], "municipality_id": partner["municipality_id"]}},
    )
    assert stack.wait_state(run, {"PAUSED", "FAILED", "CRASHED", "COMPLETED"})["state"]["type"] == (
        "PAUSED"
    )
    mails: dict[str, Message] = {
        "signoff_requested": newest(stack, mayor, "Freigabe erbeten", before),
    }
    # A login link, asked for on the login page.
    root = stack.api.removesuffix("/api")
    before = len(mails_to(stack, COORDINATOR, "Ihr Anmeldelink"))
    asked = httpx.post(f"{root}/login", data={"email": COORDINATOR}, timeout=60)
    assert asked.status_code == 200
    mails["login_link"] = newest(stack, COORDINATOR, "Ihr Anmeldelink", before)
    # Every other kind, through the dispatcher.
    # A success report's mail links its page: `ikz report` writes one, as the
    # success-report flow does before it mails.
    report = stack.ikz_json("report", str(coop["id"]))
    assert report["artifact"] == f"ikz-report-{coop['id']}"
    # The dispatcher sends them with its next run (every minute).
    ids = queue_every_other_kind(stack, coop, coordinator)

    def delivered() -> dict[str, Message] | None:
        by_id = {str(m["Message-ID"]): m for m in stack.inbox.snapshot()}
        found = {k: by_id[i] for k, i in ids.items() if i in by_id}
        return found if len(found) == len(ids) else None

    mails |= wait_for(delivered, 240, "every queued kind of mail to arrive")
    assert sorted(mails) == sorted(KINDS)
    checked = 0
    for kind, mail in sorted(mails.items()):
        links = links_of(mail)
        assert links, kind
        for link in links:
            check_link(stack, browser, kind, link)
            checked += 1
    assert checked >= len(KINDS)


def test_the_terminal_shows_one_line_per_action_and_no_noise(stack: Stack) -> None:
    coop = coop_by_title(stack, "Wasserversorgung")
    done = stack.run_deployment(
        "record-goal",
        {"eingabe": {"cooperation_id": coop["id"], "text": "Ein gemeinsamer Hochbehälter"}},
    )
    assert stack.wait_state(done, {"COMPLETED", "FAILED", "CRASHED"})["state"]["type"] == (
        "COMPLETED"
    )
    refused = stack.run_deployment(
        "register-municipality",
        {"eingabe": {"name": "Bad\nName", "ags": "16053998", "population": 5, "kind": "stadt"}},
    )
    failed = stack.wait_state(refused, {"COMPLETED", "FAILED", "CRASHED"})
    assert failed["state"]["type"] == "FAILED"
    assert "Zeilenumbruch" in failed["state"]["message"]
    page = f"{stack.api.removesuffix('/api')}/seite/kooperation/{coop['id']}"
    # The stack's API token is the first coordinator's, the demo's Dr. Miriam Kessler.
    expected = (
        f"Dr. Miriam Kessler, Gemeinsames Ziel festhalten: {coop['title']}: Ziel erfasst (ID "
    )
    wait_for(
        lambda: (
            expected in stack.log.read_text(errors="replace")
            and "Kommune registrieren abgelehnt: " in stack.log.read_text(errors="replace")
        ),
        60,
        "the two actions' lines in the terminal",
    )
    terminal = stack.log.read_text(errors="replace").splitlines()
    ours = [line for line in terminal if expected in line]
    assert len(ours) == 1 and ours[0].endswith(f" – {page}"), ours
    assert not [line for line in terminal if "Traceback" in line]
    noise = [line for line in terminal if "| INFO " in line and not SUMMARY.search(line)]
    assert noise == []
    # The first lines say where the routine lines went; they are there.
    log_file = stack.data_dir / "logs" / "ikz-up.log"
    assert f"Protokoll: {log_file}" in terminal[0]
    routine = log_file.read_text(errors="replace")
    assert "Beginning flow run" in routine
    assert expected in routine
