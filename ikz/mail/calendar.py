"""Calendar invitations (RFC 5545 / iTIP) for scheduled meetings, built with `icalendar`.

Everything comes from the outbox row's context (see ikz.meetings), so a resend produces
the same invitation: the UID is stable per meeting, SEQUENCE rises with each change, and
a cancellation is METHOD:CANCEL with STATUS:CANCELLED.

Every text goes through ikz.mail.safe first: RFC 5545 (3.1, 3.3.11) forbids control
characters in content lines, and `icalendar` escapes a line feed but writes a lone CR,
a NUL or a vertical tab as it is, so a stored title could otherwise add a property
(an ATTENDEE, say) or break the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
    vText,
)

from ikz.mail import safe

TZID = "Europe/Berlin"
BERLIN = ZoneInfo(TZID)
CALENDAR_KINDS = frozenset({"meeting_invitation", "meeting_cancelled", "conflict_session"})
PRODID = "-//ikz-flow//Einladungen//DE"


def meeting_uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@ikz-flow"


def method_of(kind: str) -> str:
    return "CANCEL" if kind == "meeting_cancelled" else "REQUEST"


def _berlin_vtimezone() -> Timezone:
    """The compact, rule-based Europe/Berlin definition that calendar clients expect
    (EU rules since 1996: last Sunday of March and of October)."""
    tz = Timezone()
    tz.add("tzid", TZID)
    for comp, name, start, off_from, off_to, month in (
        (TimezoneDaylight(), "CEST", datetime(1970, 3, 29, 2), "+0100", "+0200", 3),
        (TimezoneStandard(), "CET", datetime(1970, 10, 25, 3), "+0200", "+0100", 10),
    ):
        comp.add("tzname", name)
        comp.add("dtstart", start)
        comp.add("tzoffsetfrom", timedelta(hours=int(off_from[:3])))
        comp.add("tzoffsetto", timedelta(hours=int(off_to[:3])))
        comp.add("rrule", vRecur(freq="YEARLY", bymonth=month, byday="-1SU"))
        tz.add_component(comp)
    return tz


def _address(person: Mapping[str, Any], **params: str) -> vCalAddress:
    addr = vCalAddress(f"mailto:{safe.line(person.get('email', '')).replace(' ', '')}")
    # A double quote cannot be escaped inside a parameter value (RFC 5545, 3.2).
    name = safe.line(person.get("name") or "").replace('"', "'")
    if name:
        addr.params["cn"] = vText(name)
    for key, value in params.items():
        addr.params[key] = value
    return addr


def starts_at(ctx: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(ctx["starts_at"])).astimezone(BERLIN)


def invitation(kind: str, ctx: Mapping[str, Any], summary: str, stamp: datetime) -> bytes:
    """The .ics for an invitation or cancellation; `stamp` (DTSTAMP) is the row's creation
    time, so that resending the same row gives the same bytes."""
    method = method_of(kind)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(_berlin_vtimezone())
    event = Event()
    event.add("uid", safe.line(ctx["uid"]))
    event.add("sequence", int(ctx.get("sequence", 0)))
    event.add("dtstamp", stamp)
    start = starts_at(ctx)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=int(ctx.get("duration_minutes") or 60)))
    event.add("summary", safe.line(summary))
    if ctx.get("location"):  # a conflict session's place
        event.add("location", safe.line(ctx["location"]))
    if ctx.get("notes"):
        event.add("description", safe.text(ctx["notes"]))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if ctx.get("organizer"):
        event.add("organizer", _address(ctx["organizer"]))
    for person in ctx.get("attendees", []):
        event.add(
            "attendee",
            _address(person, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"),
        )
    cal.add_component(event)
    return bytes(cal.to_ical())
