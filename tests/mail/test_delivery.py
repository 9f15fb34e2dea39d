"""Delivery against a real aiosmtpd on 127.0.0.1: TLS and login, the retry and failure
policy, a relay outage with a backlog, and concurrent dispatchers."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlmodel import select

from ikz.app import App
from ikz.mail.dispatch import dispatch, dispatch_sync, outbox_status
from ikz.mail.smtp import SmtpConfig
from ikz.views.portfolio import portfolio_rows
from models.db import connect
from models.outbox import Notification
from tests.factories import FakeClock, World, make_app, make_world, open_coop
from tests.mail.conftest import (
    ScriptedHandler,
    Server,
    free_port,
    make_due,
    message_ids,
    outbox,
    point_at,
    queue,
)

USER, PASSWORD = "ikz", "s3cret-Passwort"


# --- STARTTLS and AUTH ------------------------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that is its own CA, so clients can be told to trust it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ikz-test-relay")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "relay.crt", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Authenticator:
    def __init__(self) -> None:
        self.tries: list[tuple[str, bool]] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        self.tries.append((mechanism, ok))
        # handled=False lets aiosmtpd answer 535 itself; otherwise the client would hang.
        return AuthResult(success=True) if ok else AuthResult(success=False, handled=False)


class SecureHandler(ScriptedHandler):
    """Also notes whether each accepted message came over TLS by a logged-in client."""

    def __init__(self) -> None:
        super().__init__()
        self.secure: list[tuple[bool, bool]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.secure.append((session.ssl is not None, bool(session.authenticated)))
        return await super().handle_DATA(server, session, envelope)


@dataclass
class Relay:
    handler: SecureHandler
    auth: Authenticator
    port: int
    ca_file: Path

    def config(self, password: str) -> SmtpConfig:
        return SmtpConfig(
            host="127.0.0.1",
            port=self.port,
            security="starttls",
            username=USER,
            password=password,  # type: ignore[arg-type]
            mail_from="ikz-flow <ikz@landkreis.example>",
            timeout_seconds=5,
            ca_file=self.ca_file,
        )


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Relay]:
    cert, key = self_signed(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    handler, auth = SecureHandler(), Authenticator()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls,
        require_starttls=True,
        authenticator=auth,
        auth_required=True,
    )
    controller.start()
    try:
        yield Relay(handler, auth, port, cert)
    finally:
        controller.stop()


def test_starttls_and_auth_with_a_self_signed_certificate(world: World, relay: Relay) -> None:
    w = world
    open_coop(w)
    make_due(w)

    result = dispatch_sync(w.app, smtp=relay.config(PASSWORD))

    assert result.sent == 5
    assert relay.handler.secure == [(True, True)] * 5
    assert relay.auth.tries in ([("PLAIN", True)], [("LOGIN", True)])
    # The From of the configuration (the ikz-smtp block may set it) is the one used.
    assert {str(m["From"]) for m in relay.handler.messages()} == {
        "ikz-flow <ikz@landkreis.example>"
    }


def test_wrong_password_defers_every_row_and_alarms_nobody(world: World, relay: Relay) -> None:
    """Policy: a failed login is the relay's (or its settings') problem, never a message's.
    The rows stay pending (a deferral, not an attempt) and no delivery_failed notice is
    queued per message; once the password is fixed everything goes out."""
    w = world
    open_coop(w)
    make_due(w)

    result = dispatch_sync(w.app, smtp=relay.config("falsch"))

    rows = outbox(w.app)
    assert (result.sent, result.failed, result.retried) == (0, 0, 5)
    assert relay.auth.tries and not any(ok for _, ok in relay.auth.tries)
    assert relay.handler.received == []
    for r in rows:
        assert (r.status, r.attempts, r.deferrals) == ("pending", 0, 1)
        assert "535" in (r.last_error or "")
        assert r.next_attempt_at > w.clock()
    assert not [r for r in rows if r.kind == "delivery_failed"]
    # Still wrong after many tries: deferred, never failed, still no alarm mail.
    for _ in range(12):
        w.clock.advance(hours=7)
        dispatch_sync(w.app, smtp=relay.config("falsch"))
    rows = outbox(w.app)
    assert {(r.status, r.attempts, r.deferrals) for r in rows} == {("pending", 0, 13)}
    assert outbox_status(w.app)["oldest_pending_age_seconds"] > 80 * 3600

    w.clock.advance(hours=7)
    assert dispatch_sync(w.app, smtp=relay.config(PASSWORD)).sent == 5
    assert {(r.status, r.attempts) for r in outbox(w.app)} == {("sent", 1)}


# --- retry and failure policy -----------------------------------------------------------


def test_451_three_times_then_250_is_delivered_on_the_fourth_attempt(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    queue(w, 1, recipients=[w.partners[0].contact_id])
    make_due(w)
    smtp_server.handler.script = ["451 4.7.1 Greylisted, try again later"] * 3

    for attempt in (1, 2, 3):
        assert dispatch_sync(w.app).retried == 1
        [row] = outbox(w.app)
        assert (row.status, row.attempts) == ("pending", attempt)
        assert row.last_error == "451 4.7.1 Greylisted, try again later"
        # Not due before its backoff has run out ...
        assert dispatch_sync(w.app) == type(dispatch_sync(w.app))()
        # ... and due right after.
        w.clock.now = row.next_attempt_at + dt.timedelta(seconds=1)

    assert dispatch_sync(w.app).sent == 1
    [row] = outbox(w.app)
    assert (row.status, row.attempts) == ("sent", 4)
    assert (row.last_error or "").startswith("250")
    assert smtp_server.handler.offered["contact0@example.org"] == 4
    assert len(smtp_server.handler.received) == 1


def test_550_one_attempt_failed_and_the_coordinator_is_told(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    cid = open_coop(w, title="Bauhof Süd")
    other = open_coop(w, title="IT-Verbund")
    make_due(w)
    smtp_server.handler.refuse["mayor0@example.org"] = "550 5.1.1 No such user"

    result = dispatch_sync(w.app)

    assert (result.sent, result.failed) == (8, 2)  # the mayor is in both cooperations
    assert smtp_server.handler.offered["mayor0@example.org"] == 2
    failed = [r for r in outbox(w.app) if r.status == "failed"]
    assert {(r.attempts, r.last_error) for r in failed} == {(1, "550 5.1.1 No such user")}
    notices = [r for r in outbox(w.app) if r.kind == "delivery_failed"]
    assert sorted(r.context["cooperation_id"] for r in notices) == [cid, other]
    assert {r.recipient_id for r in notices} == {w.coordinator_id}
    assert {r.status for r in notices} == {"pending"}
    portfolio = {r["ID"]: r["Zustellfehler"] for r in portfolio_rows(w.app)}
    assert portfolio == {cid: 1, other: 1}

    w.clock.advance(minutes=1)
    assert dispatch_sync(w.app).sent == 2
    told = [m for m in smtp_server.handler.messages() if "Zustellung" in str(m["Subject"])]
    assert [str(m["To"]) for m in told] == ["Kora Koordinatorin <kora@example.org>"] * 2
    assert str(told[0]["Subject"]) == "[IKZ] Bauhof Süd: Zustellung fehlgeschlagen: Mayor Jena"
    # No retry of a permanent failure, ever.
    w.clock.advance(days=3)
    dispatch_sync(w.app)
    assert smtp_server.handler.offered["mayor0@example.org"] == 2


def test_one_notice_per_cooperation_and_day_and_none_for_a_notice(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    cid = open_coop(w)
    for p in w.partners[:2]:
        smtp_server.handler.refuse[f"mayor{p.municipality_id - 1}@example.org"] = "550 5.1.1 Gone"
    smtp_server.handler.refuse["kora@example.org"] = "554 5.7.1 Mailbox disabled"
    make_due(w)

    dispatch_sync(w.app)
    w.clock.advance(minutes=1)
    dispatch_sync(w.app)
    w.clock.advance(days=1)
    dispatch_sync(w.app)

    rows = outbox(w.app)
    notices = [r for r in rows if r.kind == "delivery_failed"]
    # Two mayors failed: one notice; the coordinator's own address fails too, so the
    # notice fails and causes nothing further.
    assert [(r.recipient_id, r.status) for r in notices] == [(w.coordinator_id, "failed")]
    assert {r["ID"]: r["Zustellfehler"] for r in portfolio_rows(w.app)} == {cid: 4}


def test_without_a_cooperation_every_coordinator_is_told(
    mail_world: World, smtp_server: Server
) -> None:
    from ikz.actions.directory import register_person
    from models.commands import RegisterPerson

    w = mail_world
    second = register_person(
        w.app,
        RegisterPerson(
            name="Zweite Koordinatorin",
            email="zweite@example.org",
            roles=["coordinator"],
            actor_id=w.coordinator_id,
        ),
    )
    queue(w, 1, recipients=[w.moderator_id], kind="news", context={"title": "Rundschreiben"})
    smtp_server.handler.refuse["max@example.org"] = "550 5.1.1 No such user"
    make_due(w)

    dispatch_sync(w.app)

    notices = [r for r in outbox(w.app) if r.kind == "delivery_failed"]
    assert sorted(r.recipient_id for r in notices) == [w.coordinator_id, second.id]
    assert notices[0].context["recipient_email"] == "max@example.org"


def test_temporary_refusals_give_up_after_the_maximum_age(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    point_at(w.app, smtp_server.port, notify_max_age_hours=1, notify_retry_base_seconds=600)
    queue(w, 1, recipients=[w.partners[0].contact_id], context={"title": "T"})
    make_due(w)
    smtp_server.handler.reply = "451 4.3.0 Later"

    dispatch_sync(w.app)
    w.clock.advance(hours=2)
    dispatch_sync(w.app)

    [row] = [r for r in outbox(w.app) if r.kind != "delivery_failed"]
    assert (row.status, row.attempts) == ("failed", 2)


# --- outage with a backlog, concurrency -------------------------------------------------


@pytest.mark.slow
def test_relay_down_with_500_queued_then_back_delivers_each_once(world: World) -> None:
    w = world
    port = free_port()
    point_at(w.app, port, smtp_timeout_seconds=2)
    queue(w, 500)
    make_due(w)

    # Down: each run stops at its first failed connection and defers that batch.
    for _ in range(3):
        result = dispatch_sync(w.app, batch_size=100)
        assert (result.sent, result.failed, result.retried) == (0, 0, 100)
        w.clock.advance(minutes=5)
    assert outbox_status(w.app)["counts"]["pending"] == 500

    handler = ScriptedHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        w.clock.advance(hours=1)
        result = dispatch_sync(w.app, batch_size=100)
        again = dispatch_sync(w.app, batch_size=100)
    finally:
        controller.stop()

    assert (result.sent, result.failed, result.retried) == (500, 0, 0)
    assert again == type(result)()
    ids = message_ids(handler)
    assert len(ids) == len(set(ids)) == 500
    assert outbox_status(w.app)["counts"] == {"pending": 0, "sending": 0, "sent": 500, "failed": 0}
    assert handler.connections == 5


def _dispatch_concurrently(url: str, settings: Any, now: dt.datetime, n: int) -> list[int]:
    """`n` dispatchers, each with its own App (engine, pool, clock) on the same database."""

    def one(_: int) -> int:
        app = App(db=connect(url), settings=settings, clock=FakeClock(now))
        try:
            return asyncio.run(dispatch(app, batch_size=25)).sent
        finally:
            app.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_four_dispatchers_over_1000_queued_send_each_once(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, smtp_server: Server
) -> None:
    url = request.getfixturevalue("pg_url" if backend == "postgres" else "sqlite_url")
    app = make_app(url, tmp_path)
    try:
        w = make_world(app)
        point_at(app, smtp_server.port)
        queue(w, 1000)
        make_due(w)

        sent = _dispatch_concurrently(url, app.settings, w.clock(), 4)

        assert sum(sent) == 1000
        assert len([n for n in sent if n]) >= 2, sent  # the work was actually shared
        ids = message_ids(smtp_server.handler)
        assert len(ids) == len(set(ids)) == 1000
        with app.db.read() as s:
            statuses = s.exec(select(Notification.status, Notification.attempts)).all()
        assert set(statuses) == {("sent", 1)} and len(statuses) == 1000
    finally:
        app.close()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_portfolio_counts_failures_per_cooperation(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, smtp_server: Server
) -> None:
    url = request.getfixturevalue("pg_url" if backend == "postgres" else "sqlite_url")
    app = make_app(url, tmp_path)
    try:
        w = make_world(app)
        point_at(app, smtp_server.port)
        first, second = open_coop(w, title="A"), open_coop(w, title="B")
        make_due(w)
        smtp_server.handler.refuse["contact1@example.org"] = "550 5.1.1 Gone"
        smtp_server.handler.refuse["mayor1@example.org"] = "550 5.1.1 Gone"
        dispatch_sync(app)
        assert {r["ID"]: r["Zustellfehler"] for r in portfolio_rows(app)} == {
            first: 2,
            second: 2,
        }
    finally:
        app.close()
