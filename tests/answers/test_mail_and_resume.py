"""The link's mail on the wire (real aiosmtpd): sent at once even to a digest reader,
with the Message-ID the link's proof names; the reminder carries the same link; and the
resume of the waiting Prefect run through the REST API (a real HTTP server on
127.0.0.1 standing in for Prefect's, recording what it is sent), with Prefect's basic
auth when PREFECT_API_AUTH_STRING is set and without it when not."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from ikz.actions.digests import set_digest
from ikz.answers.resume import resume_run
from ikz.mail.dispatch import dispatch_sync
from ikz.review import sweep_portfolio
from states.delivery import DigestMode
from tests.answers.helpers import LINK, ask, links, mail_of, ready_but_for_signoffs
from tests.factories import World
from tests.mail.conftest import Server, make_due, queue, text_of


def test_a_digest_reader_gets_the_question_at_once_with_the_links_message_id(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    jena = w.partners[0]
    set_digest(w.app, jena.mayor_id, DigestMode.WEEKLY, actor_id=jena.mayor_id)
    cid = ready_but_for_signoffs(w)
    ask(w, cid, jena.municipality_id, "run-1")
    make_due(w)
    dispatch_sync(w.app)
    mine = [
        m
        for m in smtp_server.handler.messages()
        if m["To"].addresses[0].addr_spec == "mayor0@example.org"
    ]
    assert len(mine) == 1
    [link] = links(w)
    assert str(mine[0]["Message-ID"]) == link.message_id
    found = LINK.search(text_of(mine[0], "plain"))
    assert found is not None


def test_a_held_mail_without_a_link_still_waits_for_the_digest(
    mail_world: World, smtp_server: Server
) -> None:
    """The other way: the digest reader's ordinary mail (a raised conflict) is held."""
    w = mail_world
    jena = w.partners[0]
    set_digest(w.app, jena.mayor_id, DigestMode.WEEKLY, actor_id=jena.mayor_id)
    queue(w, 1, recipients=[jena.mayor_id], kind="conflict_raised")
    make_due(w)
    dispatch_sync(w.app)
    mine = [
        m
        for m in smtp_server.handler.messages()
        if m["To"].addresses[0].addr_spec == "mayor0@example.org"
    ]
    assert mine == []


def test_the_reminder_carries_the_same_link(world: World) -> None:
    jena = world.partners[0]
    cid = ready_but_for_signoffs(world)
    ask(world, cid, jena.municipality_id, "run-1")
    first = mail_of(world, "signoff_requested", jena.mayor_id)
    world.clock.advance(days=world.app.settings.signoff_reminder_days)
    assert sweep_portfolio(world.app).signoff_reminders == 1
    reminder = mail_of(world, "signoff_reminder", jena.mayor_id)
    assert reminder.token == first.token
    assert "Der Link gilt für eine Antwort und bis 19.01.2026" in reminder.text
    assert len(links(world)) == 1


class Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, Any]]] = []
    # What Prefect answers (its SetStateStatus), after `failing` answers with `fail_code`.
    answer: ClassVar[dict[str, Any]] = {"status": "ACCEPT"}
    failing: ClassVar[int] = 0
    fail_code: ClassVar[int] = 503

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        Recorder.seen.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "body": json.loads(self.rfile.read(length) or b"null"),
            }
        )
        if Recorder.failing > 0:
            Recorder.failing -= 1
            self.send_error(Recorder.fail_code)
            return
        raw = json.dumps(Recorder.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_prefect(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.seen = []
    Recorder.answer = {"status": "ACCEPT"}
    Recorder.failing = 0
    Recorder.fail_code = 503
    url = f"http://127.0.0.1:{server.server_address[1]}/api"
    monkeypatch.setenv("PREFECT_API_URL", url)
    monkeypatch.delenv("PREFECT_API_AUTH_STRING", raising=False)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_resume_posts_to_the_runs_resume_endpoint_without_auth_when_none_is_set(
    world: World, fake_prefect: str
) -> None:
    assert resume_run(world.app.settings, "abc-123") is True
    assert Recorder.seen == [{"path": "/api/flow_runs/abc-123/resume", "auth": None, "body": {}}]


def test_resume_sends_prefects_basic_auth_when_it_is_set(
    world: World, fake_prefect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "ikz:s3cret")
    assert resume_run(world.app.settings, "abc-123") is True
    expected = "Basic " + base64.b64encode(b"ikz:s3cret").decode()
    assert Recorder.seen == [
        {"path": "/api/flow_runs/abc-123/resume", "auth": expected, "body": {}}
    ]


def test_a_refused_resume_is_reported_not_raised(world: World, fake_prefect: str) -> None:
    Recorder.answer = {"status": "REJECT", "details": {"reason": "not paused"}}
    assert resume_run(world.app.settings, "abc-123") is False


def test_a_server_busy_for_a_moment_is_asked_again(world: World, fake_prefect: str) -> None:
    """The local Prefect server answers 503 while its SQLite file is locked: the run is
    resumed on a later try, not left waiting."""
    Recorder.failing = 2
    assert resume_run(world.app.settings, "abc-123") is True
    assert [r["path"] for r in Recorder.seen] == ["/api/flow_runs/abc-123/resume"] * 3


def test_a_run_the_server_does_not_know_is_not_asked_for_again(
    world: World, fake_prefect: str
) -> None:
    Recorder.failing, Recorder.fail_code = 1, 404
    assert resume_run(world.app.settings, "abc-123") is False
    assert len(Recorder.seen) == 1


def test_without_a_prefect_server_nothing_is_resumed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert resume_run(world.app.settings, "abc-123") is False
