"""Login links, sessions and API tokens, each accepted and refused: valid, expired,
reused, revoked, forged, and a person whose role may not log in."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import text

from ikz.gateway import identity as ident
from ikz.mail.render import render
from models.outbox import Notification
from states.errors import IkzError, NotFoundError
from states.proof import Proof, ProofKind
from tests.factories import World


def secret_of(url: str) -> str:
    found = re.fullmatch(r"http://127\.0\.0\.1:4200/login/([A-Za-z0-9_-]{43})", url)
    assert found, url
    return found.group(1)


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def dump(world: World) -> str:
    """Every stored value of the login tables and the outbox, as one text."""
    with world.app.db.read() as s:
        rows = [
            *s.execute(text("SELECT * FROM login_link")).all(),
            *s.execute(text("SELECT * FROM gateway_session")).all(),
            *s.execute(text("SELECT * FROM api_token")).all(),
            *s.execute(text("SELECT * FROM outbox_context")).all(),
        ]
    return repr(rows)


def test_a_console_link_logs_in_once(world: World) -> None:
    url = ident.console_link(world.app, world.coordinator_id)
    secret = secret_of(url)
    session_secret, row = ident.redeem(world.app, secret)
    assert row.person_id == world.coordinator_id
    who = ident.session_identity(world.app, session_secret)
    assert who is not None
    assert who.person_id == world.coordinator_id
    assert who.name == "Kora Koordinatorin"
    assert who.proof == Proof(
        ProofKind.SESSION, world.coordinator_id, f"session:{sha(session_secret)[:16]}"
    )
    # Only hashes are stored: neither the link's nor the session's secret.
    stored = dump(world)
    assert secret not in stored
    assert session_secret not in stored
    assert sha(secret) in stored
    with pytest.raises(IkzError) as again:
        ident.redeem(world.app, secret)
    assert again.value.code == "login_link_used"
    assert again.value.de == "Dieser Anmeldelink wurde schon benutzt. Fordern Sie einen neuen an."


def test_an_expired_link_and_a_forged_one_log_nobody_in(world: World) -> None:
    secret = secret_of(ident.console_link(world.app, world.coordinator_id))
    world.clock.advance(hours=24, seconds=1)
    with pytest.raises(IkzError) as expired:
        ident.redeem(world.app, secret)
    assert expired.value.code == "login_link_expired"
    assert expired.value.en == "This login link has expired. Please request a new one."
    with pytest.raises(IkzError) as forged:
        ident.redeem(world.app, "A" * 43)
    assert forged.value.code == "login_link_unknown"
    with world.app.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM gateway_session")).scalar() == 0


def test_a_link_just_before_its_expiry_still_works(world: World) -> None:
    secret = secret_of(ident.console_link(world.app, world.coordinator_id))
    world.clock.advance(hours=23, minutes=59)
    _session, row = ident.redeem(world.app, secret)
    assert row.person_id == world.coordinator_id


def test_a_mayor_gets_no_link_and_no_token(world: World) -> None:
    mayor = world.partners[0].mayor_id
    before = dump(world)
    with pytest.raises(IkzError) as link:
        ident.console_link(world.app, mayor)
    assert link.value.de == (
        "Mayor Jena darf sich nicht an der Oberfläche anmelden: nur Koordinator:innen. "
        "Bürgermeister:innen und Partner antworten über den Link in ihrer E-Mail."
    )
    with pytest.raises(IkzError) as token:
        ident.create_token(world.app, mayor, "x")
    assert token.value.code == "login_role"
    with pytest.raises(NotFoundError):
        ident.console_link(world.app, 999)
    assert dump(world) == before


def test_a_session_ends_at_its_expiry_at_logout_and_when_the_role_goes(world: World) -> None:
    def fresh() -> str:
        return ident.redeem(
            world.app, secret_of(ident.console_link(world.app, world.coordinator_id))
        )[0]

    expiring = fresh()
    world.clock.advance(hours=11, minutes=59)
    assert ident.session_identity(world.app, expiring) is not None
    world.clock.advance(minutes=1)
    assert ident.session_identity(world.app, expiring) is None

    leaving = fresh()
    assert ident.logout(world.app, leaving) is True
    assert ident.session_identity(world.app, leaving) is None
    assert ident.logout(world.app, leaving) is False

    demoted = fresh()
    assert ident.session_identity(world.app, demoted) is not None
    with world.app.db.write() as s:
        s.execute(
            text("UPDATE person SET roles = '[\"contact\"]' WHERE id = :id"),
            {"id": world.coordinator_id},
        )
    assert ident.session_identity(world.app, demoted) is None
    assert ident.session_identity(world.app, "") is None
    assert ident.session_identity(world.app, "forged") is None


def test_a_token_acts_until_it_is_revoked(world: World) -> None:
    secret, row = ident.create_token(world.app, world.coordinator_id, "Fachverfahren")
    assert secret.startswith("ikz_")
    assert len(secret) == 47
    who = ident.token_identity(world.app, secret)
    assert who is not None
    assert who.proof == Proof(ProofKind.TOKEN, world.coordinator_id, f"token:{row.id}")
    assert secret not in dump(world)
    listed = ident.token_rows(world.app)
    assert [(r["id"], r["person_id"], r["label"], r["revoked_at"]) for r in listed] == [
        (row.id, world.coordinator_id, "Fachverfahren", None)
    ]
    assert listed[0]["last_used_at"] == "2026-01-05T09:00:00+00:00"
    # The last use is kept to the minute, not written on every request.
    world.clock.advance(seconds=59)
    assert ident.token_identity(world.app, secret) is not None
    assert ident.token_rows(world.app)[0]["last_used_at"] == "2026-01-05T09:00:00+00:00"
    world.clock.advance(seconds=1)
    assert ident.token_identity(world.app, secret) is not None
    assert ident.token_rows(world.app)[0]["last_used_at"] == "2026-01-05T09:01:00+00:00"
    revoked = ident.revoke_token(world.app, row.id or 0)
    assert revoked.revoked_at is not None
    assert ident.token_identity(world.app, secret) is None
    with pytest.raises(IkzError) as twice:
        ident.revoke_token(world.app, row.id or 0)
    assert twice.value.de == f"Token {row.id} ist bereits widerrufen."
    with pytest.raises(NotFoundError):
        ident.revoke_token(world.app, 999)
    assert ident.token_identity(world.app, "ikz_" + "A" * 43) is None
    assert ident.token_identity(world.app, "no-prefix") is None


def test_a_token_label_is_one_line(world: World) -> None:
    with pytest.raises(IkzError) as bad:
        ident.create_token(world.app, world.coordinator_id, "a\nb")
    assert bad.value.code == "bad_label"
    assert ident.token_rows(world.app) == []


def test_a_mailed_link_is_derived_not_stored_and_logs_in_after_a_confirmation(world: World) -> None:
    link_id = ident.request_mail_link(world.app, " KORA@example.org ")
    assert link_id is not None
    with world.app.db.read() as s:
        row = s.get(Notification, 1)
        assert row is not None
        assert (row.kind, row.recipient_id) == ("login_link", world.coordinator_id)
        recipient = s.get(__import__("models").Person, world.coordinator_id)
        msg = render(row, recipient, settings=world.app.settings)
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    url = re.search(r"http://127\.0\.0\.1:4200/login/\S+", body)
    assert url is not None
    secret = secret_of(url.group(0))
    assert secret not in dump(world)  # the outbox holds a nonce, not the link
    assert str(msg["Subject"]) == "[IKZ] Ihr Anmeldelink"
    assert "Er gilt 15 Minuten und nur einmal." in body
    world.clock.advance(minutes=14)
    _session, session_row = ident.redeem(world.app, secret)
    assert session_row.person_id == world.coordinator_id


def test_a_mailed_link_expires_after_its_minutes(world: World) -> None:
    ident.request_mail_link(world.app, "kora@example.org")
    with world.app.db.read() as s:
        row = s.get(Notification, 1)
        recipient = s.get(__import__("models").Person, world.coordinator_id)
        assert row is not None and recipient is not None
        body = (
            render(row, recipient, settings=world.app.settings).get_body(("plain",)).get_content()
        )  # type: ignore[union-attr]
    found = re.search(r"http://127\.0\.0\.1:4200/login/\S+", body)
    assert found is not None
    world.clock.advance(minutes=15)
    with pytest.raises(IkzError) as late:
        ident.redeem(world.app, secret_of(found.group(0)))
    assert late.value.code == "login_link_expired"


def test_nobody_unknown_or_without_the_role_gets_a_mail(world: World) -> None:
    before = dump(world)
    assert ident.request_mail_link(world.app, "nobody@example.org") is None
    assert ident.request_mail_link(world.app, "mayor0@example.org") is None
    assert dump(world) == before


def test_the_first_start_logs_in_the_first_coordinator_or_makes_one(world: World) -> None:
    assert ident.first_coordinator(world.app) == (world.coordinator_id, False)
    assert ident.has_logged_in(world.app) is False
    ident.redeem(world.app, secret_of(ident.console_link(world.app, world.coordinator_id)))
    assert ident.has_logged_in(world.app) is True


def test_an_empty_installation_gets_a_coordinator(app: object) -> None:
    from ikz.app import App

    assert isinstance(app, App)
    made, new = ident.first_coordinator(app)
    assert new is True
    with app.db.read() as s:
        name, email, roles = s.execute(
            text("SELECT name, email, roles FROM person WHERE id = :id"), {"id": made}
        ).one()
    assert (name, email, roles) == (
        "Koordination",
        "koordination@example.org",
        '["coordinator"]',
    )
    assert ident.first_coordinator(app) == (made, False)


def test_a_link_of_someone_who_lost_the_role_is_used_up_and_refused(world: World) -> None:
    secret = secret_of(ident.console_link(world.app, world.coordinator_id))
    with world.app.db.write() as s:
        s.execute(
            text("UPDATE person SET roles = '[\"moderator\"]' WHERE id = :id"),
            {"id": world.coordinator_id},
        )
    with pytest.raises(IkzError) as refused:
        ident.redeem(world.app, secret)
    assert refused.value.code == "login_role"
    with pytest.raises(IkzError) as again:
        ident.redeem(world.app, secret)
    assert again.value.code == "login_link_used"
    with world.app.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM gateway_session")).scalar() == 0
