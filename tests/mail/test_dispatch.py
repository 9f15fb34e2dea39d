"""Queued notifications from real use cases, delivered to a real aiosmtpd on 127.0.0.1."""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, update

from ikz.mail.dispatch import (
    DispatchResult,
    claim,
    dispatch,
    dispatch_sync,
    outbox_status,
    send_due_now,
)
from ikz.mail.render import message_id
from ikz.mail.smtp import SmtpConfig
from models.registry import Person
from states.delivery import backoff
from tests.factories import SATISFY, World, go, make_app, make_world, open_coop
from tests.mail.conftest import Server, free_port, make_due, outbox, point_at, text_of

TITLE = "Gemeinsamer Bauhof Nord"


def to_pilot(w: World, title: str = TITLE) -> int:
    cid = open_coop(w, title=title)
    for trigger in ("explore", "agree", "start_pilot"):
        SATISFY[trigger](w, cid)
        go(w, cid, trigger)
    return cid


def set_language(w: World, person_id: int, lang: str) -> None:
    with w.app.db.write() as s:
        s.execute(update(Person).where(col(Person.id) == person_id).values(language=lang))


def test_pilot_started_mail_in_german_and_english(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    english_mayor = w.partners[1].mayor_id
    set_language(w, english_mayor, "en")
    to_pilot(w)
    make_due(w)

    result = dispatch_sync(w.app)

    rows = outbox(w.app)
    assert result.sent == len(rows) > 0
    assert result.failed == result.retried == 0
    assert {r.status for r in rows} == {"sent"}
    assert all(r.attempts == 1 and (r.last_error or "").startswith("250") for r in rows)

    pilot = [
        m
        for m in smtp_server.handler.messages()
        if str(m["Subject"]).endswith(("Pilotphase begonnen", "Pilot started"))
    ]
    german = [str(m["Subject"]) for m in pilot if m["Content-Language"] == "de"]
    # Two contacts, the German-speaking mayor and the coordinator.
    assert german == [f"[IKZ] {TITLE}: Pilotphase begonnen"] * 4
    [en] = [m for m in pilot if m["Content-Language"] == "en"]
    assert en["Subject"] == f"[IKZ] {TITLE}: Pilot started"
    assert en["To"].addresses[0].addr_spec == "mayor1@example.org"
    assert "moved from “Agreement” to “Pilot”" in text_of(en, "plain")
    assert "Hello Mayor Weimar," in text_of(en, "plain")

    de = next(m for m in pilot if m["Content-Language"] == "de")
    plain, html = text_of(de, "plain"), text_of(de, "html")
    assert "von „Vereinbarung“ in „Pilotphase“ gewechselt" in plain
    assert "Schritt: Pilot starten" in plain
    assert 'href="http://127.0.0.1:4200/seite/kooperation/' in html
    assert "Pilotphase" in html

    ids = {r.dedupe_key: r for r in rows}
    assert {str(m["Message-ID"]) for m in smtp_server.handler.messages()} == {
        message_id(k) for k in ids
    }
    # Nothing is sent twice.
    assert dispatch_sync(w.app).sent == 0


def test_user_text_is_escaped_in_html(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    title = "<script>alert('x')</script> & Bauhof"
    open_coop(w, title=title)
    make_due(w)
    assert dispatch_sync(w.app).sent == 5

    msg = smtp_server.handler.messages()[0]
    html = text_of(msg, "html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Bauhof" in html
    assert title in text_of(msg, "plain")
    assert msg["Subject"] == f"[IKZ] {title}: Kooperation eröffnet"


@pytest.mark.parametrize("batch_size", [100, 4])
def test_one_connection_per_batch(mail_world: World, smtp_server: Server, batch_size: int) -> None:
    w = mail_world
    for i in range(3):
        open_coop(w, title=f"Kooperation {i}")
    make_due(w)
    n = len(outbox(w.app))
    assert n == 15

    result = asyncio.run(dispatch(w.app, batch_size=batch_size))

    assert result.sent == n
    assert smtp_server.handler.connections == math.ceil(n / batch_size)
    assert len(smtp_server.handler.received) == n


def test_451_leaves_row_pending_with_backoff(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    open_coop(w)
    make_due(w)
    smtp_server.handler.reply = "451 4.3.0 Try again later"

    result = dispatch_sync(w.app)

    rows = outbox(w.app)
    assert (result.sent, result.failed, result.retried) == (0, 0, len(rows))
    now = w.clock()
    base = w.app.settings.notify_retry_base_seconds
    for r in rows:
        assert r.status == "pending"
        assert r.attempts == 1
        assert r.last_error == "451 4.3.0 Try again later"
        assert now < r.next_attempt_at <= now + timedelta(seconds=base)
    assert smtp_server.handler.connections == 1

    # Not due yet; once it is, the retry goes through.
    smtp_server.handler.reply = None
    assert dispatch_sync(w.app).sent == 0
    w.clock.advance(seconds=base)
    assert dispatch_sync(w.app).sent == len(rows)
    assert {(r.status, r.attempts) for r in outbox(w.app)} == {("sent", 2)}


def test_550_fails_at_once(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    open_coop(w)
    make_due(w)
    smtp_server.handler.reply = "550 5.1.1 No such user"

    result = dispatch_sync(w.app)

    rows = [r for r in outbox(w.app) if r.kind != "delivery_failed"]
    assert (result.sent, result.failed, result.retried) == (0, len(rows), 0)
    assert {(r.status, r.attempts, r.last_error) for r in rows} == {
        ("failed", 1, "550 5.1.1 No such user")
    }
    # The coordinator's notice is refused as well; it fails without another notice.
    w.clock.advance(days=1)
    assert dispatch_sync(w.app) == type(result)(failed=1)
    w.clock.advance(days=1)
    assert dispatch_sync(w.app) == type(result)()


def test_gives_up_after_max_attempts(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    point_at(w.app, smtp_server.port, notify_max_attempts=2)
    open_coop(w)
    make_due(w)
    smtp_server.handler.reply = "421 4.7.0 Busy"

    first = dispatch_sync(w.app)
    w.clock.advance(hours=1)
    second = dispatch_sync(w.app)

    assert first.retried == second.failed == 5
    rows = [r for r in outbox(w.app) if r.kind != "delivery_failed"]
    assert {(r.status, r.attempts) for r in rows} == {("failed", 2)}


def test_server_down_keeps_rows_pending(world: World) -> None:
    w = world
    point_at(w.app, free_port(), smtp_timeout_seconds=2)
    open_coop(w)
    make_due(w)

    result = dispatch_sync(w.app)

    rows = outbox(w.app)
    assert (result.sent, result.failed, result.retried) == (0, 0, len(rows))
    for r in rows:
        # Never offered: a deferral, not an attempt of the message.
        assert r.status == "pending"
        assert (r.attempts, r.deferrals) == (0, 1)
        assert r.next_attempt_at > w.clock()
        assert (r.last_error or "").startswith("connect:")


def test_claim_is_exclusive_and_abandoned_claims_come_back(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    open_coop(w)
    make_due(w)

    jobs = claim(w.app, 100)
    assert len(jobs) == 5
    assert claim(w.app, 100) == []
    assert {r.status for r in outbox(w.app)} == {"sending"}
    # The claiming run "died": after the lease the rows are delivered by the next run.
    assert dispatch_sync(w.app).sent == 0
    w.clock.advance(minutes=16)
    assert dispatch_sync(w.app).sent == 5
    assert {r.status for r in outbox(w.app)} == {"sent"}


def test_outbox_status(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    assert outbox_status(w.app) == {
        "counts": {"pending": 0, "sending": 0, "sent": 0, "failed": 0},
        "due": 0,
        "held_for_digest": 0,
        "oldest_pending_age_seconds": None,
    }
    open_coop(w, title="A")
    make_due(w)
    smtp_server.handler.reply = "550 5.7.1 Rejected"
    dispatch_sync(w.app)
    open_coop(w, title="B")
    make_due(w)
    w.clock.advance(seconds=60)

    status = outbox_status(w.app)

    # Five for B and the coordinator's notice about the failures of A.
    assert status["counts"] == {"pending": 6, "sending": 0, "sent": 0, "failed": 5}
    assert status["due"] == 6
    assert 60 <= status["oldest_pending_age_seconds"] < 120


def test_unrenderable_row_fails_without_connecting(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    open_coop(w)
    make_due(w)
    mayor = w.partners[0].mayor_id
    # Input validation keeps such an address out; a broken row must still not block others.
    with w.app.db.write() as s:
        s.execute(update(Person).where(col(Person.id) == mayor).values(email="no-domain"))

    result = dispatch_sync(w.app)

    assert (result.sent, result.failed) == (4, 1)
    [bad] = [r for r in outbox(w.app) if r.recipient_id == mayor]
    assert bad.status == "failed"
    assert (bad.last_error or "").startswith("render:")


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    for attempts in range(1, 12):
        d = backoff(attempts, 30, rng).total_seconds()
        full = min(30 * 2 ** (attempts - 1), 6 * 3600)
        assert full / 2 <= d <= full


@pytest.mark.postgres
def test_dispatch_on_postgres(pg_url: str, tmp_path: Path, smtp_server: Server) -> None:
    app = make_app(pg_url, tmp_path)
    try:
        w = make_world(app)
        point_at(app, smtp_server.port)
        open_coop(w)
        make_due(w)
        assert claim(app, 2) and claim(app, 2)
        w.clock.advance(minutes=16)
        smtp_server.handler.reply = "451 4.3.0 Later"
        assert dispatch_sync(app, batch_size=2).retried == 5
        smtp_server.handler.reply = None
        w.clock.advance(hours=1)
        assert dispatch_sync(app, batch_size=2).sent == 5
        assert outbox_status(app)["counts"]["sent"] == 5
    finally:
        app.close()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_concurrent_claims_never_overlap(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = request.getfixturevalue("pg_url" if backend == "postgres" else "sqlite_url")
    app = make_app(url, tmp_path)
    try:
        w = make_world(app)
        for i in range(4):
            open_coop(w, title=f"K{i}")
        make_due(w)
        with ThreadPoolExecutor(max_workers=6) as pool:
            batches = list(pool.map(lambda _: claim(app, 4), range(6)))
        ids = [j.row.id for batch in batches for j in batch]
        assert len(ids) == len(set(ids)) == 20
    finally:
        app.close()


def test_outcomes_are_committed_one_by_one_without_waiting_for_the_disk(
    mail_world: World, smtp_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = mail_world
    for i in range(3):
        open_coop(w, title=f"Kooperation {i}")
    make_due(w)
    db = w.app.db
    durable_writes: list[bool] = []
    light_commits: list[int] = []
    write, writer = db.write, db.writer

    def spy_write(*, durable: bool = True) -> Any:
        durable_writes.append(durable)
        return write(durable=durable)

    @contextmanager
    def spy_writer(*, durable: bool = True) -> Iterator[Any]:
        assert not durable
        with writer(durable=durable) as wr:
            execute = wr.execute

            def counted(stmt: Any, values: Any) -> int:
                count = execute(stmt, values)  # its own transaction, committed on return
                assert not wr.conn.in_transaction()
                # Committed before the next mail is offered: the relay has seen this many.
                light_commits.append(len(smtp_server.handler.received))
                return count

            monkeypatch.setattr(wr, "execute", counted)
            yield wr

    monkeypatch.setattr(db, "write", spy_write)
    monkeypatch.setattr(db, "writer", spy_writer)

    assert dispatch_sync(w.app, batch_size=4).sent == 15

    assert light_commits == list(range(1, 16))
    # Durable commits: the claims (one per batch), never one per mail.
    assert durable_writes.count(True) <= 5


def test_send_due_now_sends_one_batch_and_leaves_the_rest(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    for i in range(3):
        open_coop(w, title=f"Kooperation {i}")
    make_due(w)
    smtp = SmtpConfig.from_settings(w.app.settings)

    async def inside_a_running_loop() -> DispatchResult:
        # An action's run may or may not have a loop running in its thread: both work.
        return send_due_now(w.app, limit=4, smtp=smtp)

    assert asyncio.run(inside_a_running_loop()).sent == 4
    assert send_due_now(w.app, limit=4, smtp=smtp).sent == 4
    assert smtp_server.handler.connections == 2
    statuses = [r.status for r in outbox(w.app)]
    assert statuses.count("sent") == 8 and statuses.count("pending") == 7
    # Only what was queued after a given row: here nothing, so the rest stays pending.
    newest = max(r.id or 0 for r in outbox(w.app))
    assert send_due_now(w.app, limit=4, smtp=smtp, after_id=newest).sent == 0
    assert [r.status for r in outbox(w.app)].count("pending") == 7
    assert send_due_now(w.app, limit=4, smtp=smtp, after_id=newest - 2).sent == 2
