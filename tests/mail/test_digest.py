"""Digests: daily and weekly recipients get one mail per period gathering everything
held since their last digest, and nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import update
from sqlmodel import col

from ikz.actions.conflicts import raise_conflict, resolve_conflict
from ikz.actions.digests import set_digest, set_digest_mode
from ikz.app import App
from ikz.mail.digest import claim_digests
from ikz.mail.dispatch import dispatch_sync, outbox_status
from models import commands as c
from models.outbox import Notification
from models.registry import Person
from states.delivery import DigestMode, digest_due, period_key
from states.errors import InvalidInputError, PolicyRefusedError
from tests.factories import World, open_coop
from tests.mail.conftest import Server, make_due, outbox, text_of
from tests.mail.test_calendar import schedule

CONTACT_MAIL = "contact0@example.org"


def to_contact(server: Server) -> list[EmailMessage]:
    return [m for m in server.handler.messages() if m["To"].addresses[0].addr_spec == CONTACT_MAIL]


def conflict(w: World, cid: int, subject: str) -> int:
    row = raise_conflict(
        w.app, c.RaiseConflict(cooperation_id=cid, subject=subject, actor_id=w.coordinator_id)
    )
    assert row.id is not None
    return row.id


def next_day(w: World, hour: int = 7) -> None:
    """Move to `hour`:00 UTC of the next day."""
    now = w.clock()
    w.clock.now = datetime(now.year, now.month, now.day, hour, tzinfo=UTC) + timedelta(days=1)


def test_daily_digest_gathers_what_it_should_and_nothing_twice(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    contact = w.partners[0].contact_id
    set_digest(w.app, contact, DigestMode.DAILY, actor_id=contact)
    cid = open_coop(w, title="Gemeinsamer Bauhof")
    first = conflict(w, cid, "Standort der Halle")
    make_due(w)

    # Same day: everyone else gets their mail, the contact's two wait.
    result = dispatch_sync(w.app)
    assert result.sent == 4 + 2 and result.digests == 0
    assert to_contact(smtp_server) == []
    assert outbox_status(w.app)["held_for_digest"] == 2

    next_day(w)
    result = dispatch_sync(w.app)
    assert (result.sent, result.digests) == (2, 1)
    [digest] = to_contact(smtp_server)
    assert str(digest["Subject"]) == "[IKZ] Ihre tägliche Zusammenfassung: 2 Nachrichten"
    plain, html = text_of(digest, "plain"), text_of(digest, "html")
    assert "== Gemeinsamer Bauhof: Kooperation eröffnet ==" in plain
    assert "== Gemeinsamer Bauhof: Konflikt gemeldet: Standort der Halle ==" in plain
    assert "Die Kooperation „Gemeinsamer Bauhof“ wurde eröffnet" in plain
    assert html.count("<h2") == 2
    assert outbox_status(w.app)["held_for_digest"] == 0

    # Later the same day: new news waits for tomorrow's digest; nothing goes out twice.
    resolve_conflict(
        w.app,
        c.ResolveConflict(conflict_id=first, resolution="Halle in Jena", actor_id=w.coordinator_id),
    )
    w.clock.advance(hours=3)
    assert dispatch_sync(w.app).digests == 0
    assert len(to_contact(smtp_server)) == 1

    next_day(w)
    assert dispatch_sync(w.app).digests == 1
    assert dispatch_sync(w.app).digests == 0
    mails = to_contact(smtp_server)
    assert len(mails) == 2
    second = text_of(mails[1], "plain")
    assert "Konflikt gelöst: Standort der Halle" in second
    assert "Kooperation eröffnet" not in second
    assert str(mails[1]["Subject"]) == "[IKZ] Ihre tägliche Zusammenfassung: 1 Nachricht"
    assert mails[0]["Message-ID"] != mails[1]["Message-ID"]
    mine = [r for r in outbox(w.app) if r.recipient_id == contact]
    assert len(mine) == 3 and {(r.status, r.attempts) for r in mine} == {("sent", 1)}


def test_weekly_digest_waits_for_the_next_iso_week(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    contact = w.partners[0].contact_id
    set_language_en(w, contact)
    # The test clock starts on Monday 2026-01-05.
    set_digest(w.app, contact, DigestMode.WEEKLY, actor_id=w.coordinator_id)
    cid = open_coop(w)
    for day in range(6):  # Monday to Saturday: one conflict a day
        conflict(w, cid, f"Punkt {day}")
        w.clock.advance(days=1)
        dispatch_sync(w.app)
    assert to_contact(smtp_server) == []

    w.clock.advance(days=1)  # Monday of the next ISO week
    assert dispatch_sync(w.app).digests == 1
    [digest] = to_contact(smtp_server)
    assert str(digest["Subject"]) == "[IKZ] Your weekly digest: 7 updates"
    plain = text_of(digest, "plain")
    assert all(f"Conflict raised: Punkt {d}" in plain for d in range(6))
    assert plain.startswith("Hello Contact Jena,")


def test_invitations_and_alarms_are_never_held(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    contact = w.partners[0].contact_id
    set_digest(w.app, contact, DigestMode.DAILY, actor_id=contact)
    cid = open_coop(w)
    schedule(w, cid, starts_at=w.clock() + timedelta(days=7))
    make_due(w)

    dispatch_sync(w.app)

    [invite] = to_contact(smtp_server)
    assert "Einladung: Steuerungsrunde" in str(invite["Subject"])
    assert outbox_status(w.app)["held_for_digest"] == 1  # the cooperation_opened mail


def test_a_digest_refused_for_now_comes_again_with_the_same_message_id(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    contact = w.partners[0].contact_id
    set_digest(w.app, contact, DigestMode.DAILY, actor_id=contact)
    open_coop(w)
    make_due(w)
    dispatch_sync(w.app)
    next_day(w)
    smtp_server.handler.script = ["451 4.3.0 Later"]

    assert dispatch_sync(w.app).retried == 1
    with w.app.db.read() as s:
        person = s.get(Person, contact)
        assert person is not None and person.last_digest_at is not None
        assert person.last_digest_at.date() < w.clock().date()  # reset: due again

    w.clock.advance(hours=1)
    assert dispatch_sync(w.app).digests == 1
    assert smtp_server.handler.offered[CONTACT_MAIL] == 2
    [digest] = to_contact(smtp_server)
    assert str(digest["Subject"]).endswith("1 Nachricht")


def test_claiming_a_digest_is_exclusive(world: World) -> None:
    w = world
    contact = w.partners[0].contact_id
    set_digest(w.app, contact, DigestMode.DAILY, actor_id=contact)
    open_coop(w)
    next_day(w)

    jobs = claim_digests(w.app, 10)
    assert [len(j.rows) for j in jobs] == [1]
    assert claim_digests(w.app, 10) == []


def test_a_row_taken_between_reading_and_claiming_is_not_gathered(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Candidates are read first, then claimed per person by row id, re-checking that each
    row is still held: a row another dispatcher took meanwhile stays with it. `limit`
    bounds the people per call."""
    from ikz.mail import digest

    w = world
    people = [w.partners[0].contact_id, w.partners[1].contact_id]
    for pid in people:
        set_digest(w.app, pid, DigestMode.DAILY, actor_id=pid)
    cid = open_coop(w)
    conflict(w, cid, "Gebühren")
    next_day(w)
    read = digest._candidates

    def then_taken(app: App, now: datetime, limit: int) -> dict[int, list[int]]:
        held = read(app, now, limit)
        with app.db.write() as s:  # another dispatcher takes the first row
            s.execute(
                update(Notification)
                .where(col(Notification.id) == held[people[0]][0])
                .values(status="sending", next_attempt_at=now + timedelta(minutes=10))
            )
        return held

    monkeypatch.setattr(digest, "_candidates", then_taken)
    [first] = claim_digests(w.app, 1)
    assert first.recipient.id == people[0] and len(first.rows) == 1
    monkeypatch.setattr(digest, "_candidates", read)
    [second] = claim_digests(w.app, 10)
    assert second.recipient.id == people[1] and len(second.rows) == 2


def test_only_the_person_or_a_coordinator_sets_the_preference(world: World) -> None:
    w = world
    contact = w.partners[0].contact_id
    with pytest.raises(PolicyRefusedError):
        set_digest(w.app, contact, DigestMode.WEEKLY, actor_id=w.partners[0].mayor_id)
    assert set_digest(w.app, contact, DigestMode.WEEKLY, actor_id=w.coordinator_id).digest == (
        "weekly"
    )
    back = set_digest(w.app, contact, DigestMode.IMMEDIATE, actor_id=contact)
    assert (back.digest, back.last_digest_at) == ("immediate", None)


@dataclass(frozen=True)
class Choice:
    person_id: int
    mode: str
    actor_id: int


def test_the_registry_entry_parses_the_mode_then_sets_it(world: World) -> None:
    w = world
    contact = w.partners[0].contact_id
    with pytest.raises(InvalidInputError):
        set_digest_mode(w.app, Choice(contact, "hourly", contact))
    assert set_digest_mode(w.app, Choice(contact, "daily", contact)).digest == "daily"
    with pytest.raises(PolicyRefusedError):
        set_digest_mode(w.app, Choice(contact, "weekly", w.partners[0].mayor_id))


def test_periods_are_german_calendar_days_and_iso_weeks() -> None:
    late = datetime(2026, 1, 4, 23, 30, tzinfo=UTC)  # Monday 00:30 in Berlin
    assert period_key("daily", late) == "2026-01-05"
    assert period_key("weekly", late) == "2026-W02"
    sunday = datetime(2026, 1, 4, 12, tzinfo=UTC)
    assert period_key("weekly", sunday) == "2026-W01"
    assert digest_due("daily", None, late)
    assert not digest_due("daily", late, late + timedelta(hours=20))
    assert digest_due("daily", late, late + timedelta(hours=23, minutes=31))
    assert not digest_due("immediate", None, late)


def set_language_en(w: World, person_id: int) -> None:
    from tests.mail.test_dispatch import set_language

    set_language(w, person_id, "en")
