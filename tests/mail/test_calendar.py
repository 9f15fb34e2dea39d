"""Calendar invitations: schedule, reschedule and cancel a meeting; the .ics each attendee
receives parses with icalendar and carries what calendar clients need."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from ikz.actions.meetings import cancel_meeting, reschedule_meeting, schedule_meeting
from ikz.mail.dispatch import dispatch_sync
from ikz.views.cooperation import show
from models import commands as c
from models.validation import parse
from states.errors import InvalidInputError, PolicyRefusedError
from tests.factories import World, open_coop
from tests.mail.conftest import Server, make_due, outbox, text_of
from tests.mail.test_dispatch import set_language

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 1, 20, 10, 0, tzinfo=BERLIN)


def attendees(w: World) -> list[int]:
    return [w.partners[0].contact_id, w.partners[1].contact_id, w.moderator_id]


def schedule(w: World, cid: int, **kw: object) -> int:
    data = {
        "cooperation_id": cid,
        "kind": "steering_round",
        "starts_at": START,
        "duration_minutes": 90,
        "attendee_ids": attendees(w),
        "notes": "Rathaus Jena, Raum 2",
        "actor_id": w.coordinator_id,
        **kw,
    }
    row = schedule_meeting(w.app, parse(c.ScheduleMeeting, data))
    assert row.id is not None
    return row.id


def invitations(server: Server) -> list[EmailMessage]:
    return [m for m in server.handler.messages() if any(True for _ in m.iter_attachments())]


def ics_of(msg: EmailMessage) -> Calendar:
    [part] = list(msg.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_filename() in ("einladung.ics", "absage.ics", "request.ics", "cancel.ics")
    raw = part.get_payload(decode=True)
    assert isinstance(raw, bytes)
    return Calendar.from_ical(raw)


def only_event(cal: Calendar) -> object:
    [event] = cal.walk("VEVENT")
    return event


def sent_now(w: World) -> None:
    make_due(w)
    result = dispatch_sync(w.app)
    assert result.failed == 0 and result.retried == 0


def test_invitation_ics_carries_the_expected_fields(mail_world: World, smtp_server: Server) -> None:
    w = mail_world
    cid = open_coop(w, title="Gemeinsamer Bauhof Nord")
    sent_now(w)
    smtp_server.handler.received.clear()

    mid = schedule(w, cid)
    sent_now(w)

    mails = invitations(smtp_server)
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in mails) == [
        "contact0@example.org",
        "contact1@example.org",
        "max@example.org",
    ]
    msg = mails[0]
    assert str(msg["Subject"]) == (
        "[IKZ] Gemeinsamer Bauhof Nord: Einladung: Steuerungsrunde am Di., 20.01.2026, "
        "10:00–11:30 Uhr"
    )
    assert "Rathaus Jena, Raum 2" in text_of(msg, "plain")
    [part] = list(msg.iter_attachments())
    assert part.get_param("method") == "REQUEST"
    cal = ics_of(msg)
    assert str(cal["METHOD"]) == "REQUEST"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    event = only_event(cal)
    assert str(event["UID"]) == f"meeting-{mid}@ikz-flow"  # type: ignore[index]
    assert int(event["SEQUENCE"]) == 0  # type: ignore[index]
    start = event["DTSTART"]  # type: ignore[index]
    assert start.params["TZID"] == "Europe/Berlin"
    assert start.dt == START
    assert event["DTEND"].dt - start.dt == timedelta(minutes=90)  # type: ignore[index]
    assert str(event["SUMMARY"]) == "Steuerungsrunde: Gemeinsamer Bauhof Nord"  # type: ignore[index]
    assert str(event["STATUS"]) == "CONFIRMED"  # type: ignore[index]
    organizer = event["ORGANIZER"]  # type: ignore[index]
    assert str(organizer) == "mailto:kora@example.org"
    assert organizer.params["CN"] == "Kora Koordinatorin"
    people = event["ATTENDEE"]  # type: ignore[index]
    assert sorted(str(a) for a in people) == [
        "mailto:contact0@example.org",
        "mailto:contact1@example.org",
        "mailto:max@example.org",
    ]
    assert {(a.params["ROLE"], a.params["RSVP"]) for a in people} == {("REQ-PARTICIPANT", "TRUE")}
    # Every attendee gets the same invitation (same UID and SEQUENCE).
    assert {str(only_event(ics_of(m))["UID"]) for m in mails} == {f"meeting-{mid}@ikz-flow"}  # type: ignore[index]


def test_reschedule_keeps_the_uid_and_raises_sequence_cancel_sends_cancel(
    mail_world: World, smtp_server: Server
) -> None:
    w = mail_world
    set_language(w, w.moderator_id, "en")
    cid = open_coop(w)
    mid = schedule(w, cid)
    sent_now(w)

    later = START + timedelta(days=2, hours=4)
    reschedule_meeting(
        w.app,
        parse(
            c.RescheduleMeeting,
            {"meeting_id": mid, "starts_at": later, "actor_id": w.coordinator_id},
        ),
    )
    sent_now(w)
    cancel_meeting(
        w.app,
        parse(
            c.CancelMeeting,
            {"meeting_id": mid, "reason": "Haushaltssperre", "actor_id": w.coordinator_id},
        ),
    )
    sent_now(w)

    to_max = [m for m in invitations(smtp_server) if m["To"].addresses[0].username == "max"]
    assert [str(m["Subject"]).split(": ", 1)[1] for m in to_max] == [
        "Invitation: Steering round on Tue 2026-01-20, 10:00–11:30 (German time)",
        "Rescheduled: Steering round on Thu 2026-01-22, 14:00–15:30 (German time)",
        "Cancelled: Steering round on Thu 2026-01-22, 14:00–15:30 (German time)",
    ]
    cals = [ics_of(m) for m in to_max]
    events = [only_event(cal) for cal in cals]
    assert {str(e["UID"]) for e in events} == {f"meeting-{mid}@ikz-flow"}  # type: ignore[index]
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]  # type: ignore[index]
    assert [str(cal["METHOD"]) for cal in cals] == ["REQUEST", "REQUEST", "CANCEL"]
    assert events[1]["DTSTART"].dt == later  # type: ignore[index]
    assert str(events[2]["STATUS"]) == "CANCELLED"  # type: ignore[index]
    assert next(to_max[2].iter_attachments()).get_param("method") == "CANCEL"
    assert "Reason: Haushaltssperre" in text_of(to_max[2], "plain")
    assert "Before: Tue 2026-01-20" in text_of(to_max[1], "plain")
    # Each change is one mail per attendee, no more.
    assert len(invitations(smtp_server)) == 9

    with pytest.raises(InvalidInputError, match="nicht"):
        cancel_meeting(
            w.app, parse(c.CancelMeeting, {"meeting_id": mid, "actor_id": w.coordinator_id})
        )


def test_bad_or_unauthorized_scheduling_writes_nothing(world: World) -> None:
    w = world
    cid = open_coop(w)
    before = len(outbox(w.app))
    with pytest.raises(InvalidInputError, match="Zukunft"):
        schedule(w, cid, starts_at=datetime(2025, 12, 1, 10, 0, tzinfo=BERLIN))
    with pytest.raises(PolicyRefusedError):
        schedule(w, cid, actor_id=w.partners[0].staff_id)
    with pytest.raises(InvalidInputError, match="attendee_ids"):
        schedule(w, cid, attendee_ids=[])
    assert len(outbox(w.app)) == before


def test_a_scheduled_meeting_is_a_plan_not_evidence(world: World) -> None:
    """The explore gate needs an informal exchange that took place; inviting to one is
    not enough."""
    w = world
    cid = open_coop(w)
    schedule(w, cid, kind="informal")
    view = show(w.app, cid, "de")
    explore = next(g for g in view["gates"] if g["trigger"] == "explore")
    assert "informal_exchange_missing" in [u["code"] for u in explore["unmet"]]


def test_a_time_without_zone_is_german_time() -> None:
    cmd = parse(
        c.ScheduleMeeting,
        {
            "cooperation_id": 1,
            "kind": "review",
            "starts_at": "2026-07-01T09:30",
            "attendee_ids": [1],
            "actor_id": 1,
        },
    )
    assert cmd.starts_at.utcoffset() == timedelta(hours=2)  # CEST


def test_a_conflict_session_is_an_invitation_with_ics() -> None:
    from datetime import UTC, datetime

    from icalendar import Calendar

    from ikz.mail.render import render
    from models.outbox import Notification, OutboxContext
    from models.registry import Person

    row = Notification(
        id=1,
        recipient_id=1,
        kind="conflict_session",
        payload=OutboxContext(
            body={
                "cooperation_id": 4,
                "title": "Standesamt-Kooperation Havel",
                "conflict_id": 1,
                "subject": "Trautermine",
                "level": "moderation",
                "uid": "conflict-1-session@ikz-flow",
                "sequence": 0,
                "starts_at": "2026-12-03T10:00:00+01:00",
                "duration_minutes": 90,
                "location": "Rathaus Potsdam",
                "organizer": {"name": "Kora", "email": "kora@example.org"},
                "attendees": [{"name": "Max", "email": "max@example.org"}],
            }
        ),
        dedupe_key="conflict:1:session:1",
        created_at=datetime(2026, 11, 25, tzinfo=UTC),
    )
    msg = render(row, Person(id=1, name="Max", email="max@example.org", roles=["moderator"]))
    assert "Moderationssitzung" in str(msg["Subject"])
    (part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    cal = Calendar.from_ical(part.get_payload(decode=True))
    assert cal["METHOD"] == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == "conflict-1-session@ikz-flow"
    assert "Moderationssitzung" in str(event["SUMMARY"])
