"""Hostile stored values cannot add a header, a recipient or a calendar property.

The rows and people here are built directly, without input validation, as data stored
before the input check (or by a bug) would be: this tests the rendering-side guard
(ikz.mail.safe). Every mail kind, every digest and every calendar invitation is rendered
to bytes exactly as the dispatcher sends them (ikz.mail.wire), and the bytes are parsed
back with a strict parser of our own.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikz.mail.calendar import CALENDAR_KINDS
from ikz.mail.content import builders
from ikz.mail.digest import DigestJob, render_digest
from ikz.mail.render import render
from ikz.mail.wire import SMTP_7BIT, SMTP_8BIT, Wire
from ikz.settings import Settings
from models.outbox import Notification, OutboxContext
from models.registry import Person

SETTINGS = Settings(ui_base_url="https://ikz.example.org/")
WIRES = [Wire(SMTP_8BIT, ("BODY=8BITMIME",)), Wire(SMTP_7BIT, ())]
ADDRESS = "anna@example.org"
HEADERS = [
    "Subject",
    "From",
    "To",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "MIME-Version",
    "Content-Type",
    "Content-Language",
]
_TZ = [
    "BEGIN:VTIMEZONE",
    "TZID",
    "BEGIN:DAYLIGHT",
    "DTSTART",
    "RRULE",
    "TZNAME",
    "TZOFFSETFROM",
    "TZOFFSETTO",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "DTSTART",
    "RRULE",
    "TZNAME",
    "TZOFFSETFROM",
    "TZOFFSETTO",
    "END:STANDARD",
    "END:VTIMEZONE",
]
ICS_LINES = [
    "BEGIN:VCALENDAR",
    "VERSION",
    "PRODID",
    "METHOD",
    *_TZ,
    "BEGIN:VEVENT",
    "SUMMARY",
    "DTSTART",
    "DTEND",
    "DTSTAMP",
    "UID",
    "SEQUENCE",
    "ATTENDEE",
    "ATTENDEE",
    "DESCRIPTION",
    "LOCATION",
    "ORGANIZER",
    "STATUS",
    "END:VEVENT",
    "END:VCALENDAR",
]

# What attackers sent, and what else could break a header or a content line.
ATTACKS = [
    "=?utf-8?q?x=0D=0AReply-To:_attacker@evil.example?=",
    "=?utf-8?b?DQpCY2M6IHZpY3RpbUBldmlsLmV4YW1wbGUNCg==?=",  # "\r\nBcc: victim@evil.example\r\n"
    "=?UTF-8?Q?=0D=0A=0D=0Ainjected body?=",
    '"=?utf-8?q?a=0D=0ACc:_c@evil.example?=" <x@evil.example>',
    "x\r\nBcc: victim@evil.example",
    "x\nReply-To: attacker@evil.example",
    "x\rTo: other@evil.example",
    "x\r\n\r\nbody after a blank line",
    "x\x00y",
    "x\x0bCc: c@evil.example",
    "x\x0cCc: c@evil.example",
    "x\x1c\x1d\x1eCc: c@evil.example",
    "x\x85Cc: c@evil.example",
    "x\u2028Bcc: b@evil.example\u2029",
    "x\rATTENDEE:mailto:evil@evil.example",
    "x\r\nATTENDEE;CN=Eve:mailto:evil@evil.example",
    "x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil",
    "\u202etxt.exe\u202c",
    "\ud800 lone surrogate",
    "a, b@evil.example; <c@evil.example>",
    "=??=",
    "Jörg Müller-Lüdenscheidt ß €",
]
_CHARS = st.characters(codec=None, categories=None, exclude_categories=["Cs"])
HOSTILE = st.builds(
    lambda attack, noise: "T" + attack + noise,  # "T": never empty once made safe
    st.sampled_from(ATTACKS),
    st.text(alphabet=st.one_of(_CHARS, st.sampled_from('\r\n\x00=?:<>,"')), max_size=30),
)

TEXT_KEYS = [
    "title", "subject", "reason", "resolution", "note", "notes", "location",
    "municipality_name", "recipient_name", "failed_subject", "reply",
    "municipality_name_en", "municipality_subject", "municipality_subject_en", "answered_by",
]  # fmt: skip


@st.composite
def contexts(draw: st.DrawFn) -> dict[str, Any]:
    def person(pid: int, email: str) -> dict[str, Any]:
        return {"id": pid, "name": draw(HOSTILE), "email": email}

    ctx: dict[str, Any] = {key: draw(HOSTILE) for key in TEXT_KEYS}
    ctx.update(
        cooperation_id=7,
        conflict_id=2,
        meeting_id=4,
        municipality_id=3,
        trigger="start_pilot",
        from_state="agreement",
        to_state="pilot",
        state="pilot",
        gate="start_pilot",
        level="moderation",
        meeting_kind="steering_round",
        due_on="2026-03-01",
        days_silent=75,
        days_open=21,
        recipient_email="bernd@example.org",
        uid="meeting-4@ikz-flow" + draw(HOSTILE),
        sequence=draw(st.sampled_from([0, 1])),
        starts_at="2026-03-12T09:00:00+00:00",
        duration_minutes=90,
        organizer=person(1, "kora@example.org"),
        attendees=[person(2, "anna@example.org"), person(3, "bernd@example.org")],
        unmet=[{"code": "x", "de": draw(HOSTILE), "en": draw(HOSTILE)}],
        missing=[{"code": "z", "de": draw(HOSTILE), "en": draw(HOSTILE)}],
        signals=[{"code": "y", "de": draw(HOSTILE), "en": draw(HOSTILE)}],
        check={"overall": "red", "concerns": [{"colour": "red", "de": draw(HOSTILE)}]},
    )
    return ctx


def note(kind: str, ctx: dict[str, Any], key: str = "k:1") -> Notification:
    return Notification(
        recipient_id=1,
        kind=kind,
        payload=OutboxContext(body=ctx),
        dedupe_key=key,
        created_at=datetime(2026, 2, 1, 8, 0, tzinfo=UTC),
    )


def recipient(name: str, lang: str) -> Person:
    return Person(id=1, name=name, email=ADDRESS, language=lang)


# --- a strict reader of the produced bytes --------------------------------------------


_NAME = re.compile(rb"[!-9;-~]+")  # RFC 5322 field name: printable ASCII but the colon


def header_fields(raw: bytes) -> list[tuple[str, str]]:
    """The top-level header block as (name, unfolded value), refusing anything a strict
    reader would: bytes outside printable ASCII, a bare CR or LF, a line without a name."""
    head, blank, _body = raw.partition(b"\r\n\r\n")
    assert blank, "no end of the header block"
    fields: list[tuple[str, str]] = []
    for line in head.split(b"\r\n"):
        assert re.fullmatch(rb"[\t\x20-\x7e]+", line), line  # no NUL, CR, LF, 8bit
        if line[:1] in (b" ", b"\t"):  # folding: continues the field before
            assert fields, line
            name, value = fields[-1]
            fields[-1] = (name, value + line.decode("ascii"))
            continue
        name, colon, value = line.partition(b":")
        assert colon and _NAME.fullmatch(name), line
        fields.append((name.decode("ascii"), value.decode("ascii").strip()))
    return fields


def ics_names(ics: bytes) -> list[str]:
    """The unfolded content lines' property names (BEGIN/END with their component),
    refusing control characters anywhere in a line (RFC 5545 3.1, 3.3.11)."""
    assert ics.endswith(b"\r\n")
    names = []
    for line in re.sub(rb"\r\n[ \t]", b"", ics)[:-2].split(b"\r\n"):
        text = line.decode("utf-8")
        assert not re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]", text), text
        match = re.match(r"([A-Z][A-Z0-9-]*)[:;]", text)
        assert match, text
        name = match.group(1)
        names.append(f"{name}:{text[len(name) + 1 :]}" if name in ("BEGIN", "END") else name)
    return names


def check_wire(msg: EmailMessage, wire: Wire) -> Message:
    """Assert the headers and recipient of the bytes `wire` sends for `msg`."""
    raw = wire.flatten(msg)
    fields = header_fields(raw)
    assert [name for name, _ in fields] == HEADERS
    to = dict(fields)["To"]
    assert [addr for _, addr in getaddresses([to])] == [ADDRESS]
    # As a mail client reads it, encoded words decoded: still one recipient, one line each.
    parsed = message_from_bytes(raw, policy=policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == [ADDRESS]
    for name in HEADERS:
        assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029]", str(parsed[name])), name
    assert not parsed.defects
    return message_from_bytes(raw, policy=policy.compat32)


def calendar_parts(msg: Message) -> list[bytes]:
    parts = [
        p.get_payload(decode=True) for p in msg.walk() if p.get_content_type() == "text/calendar"
    ]
    return [p for p in parts if isinstance(p, bytes)]


# --- every kind, every invitation, every digest -------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", [*builders(), "something_new"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ctx=contexts(), name=HOSTILE, lang=st.sampled_from(["de", "en"]))
def test_hostile_values_cannot_add_headers_recipients_or_properties(
    kind: str, ctx: dict[str, Any], name: str, lang: str
) -> None:
    msg = render(note(kind, ctx), recipient(name, lang), settings=SETTINGS)
    for wire in WIRES:
        back = check_wire(msg, wire)
        ics = calendar_parts(back)
        if kind in CALENDAR_KINDS:
            assert len(ics) == 1
            assert ics_names(ics[0]) == ICS_LINES
        else:
            assert ics == []


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(st.sampled_from([*builders(), "something_new"]), contexts()),
        min_size=1,
        max_size=4,
    ),
    name=HOSTILE,
    lang=st.sampled_from(["de", "en"]),
    weekly=st.booleans(),
)
def test_hostile_values_cannot_break_a_digest(
    rows: list[tuple[str, dict[str, Any]]], name: str, lang: str, weekly: bool
) -> None:
    person = recipient(name, lang)
    person.digest = "weekly" if weekly else "daily"
    job = DigestJob(
        person, [note(k, c, f"k:{i}") for i, (k, c) in enumerate(rows)], "2026-W06", None
    )
    msg = render_digest(job, settings=SETTINGS, now=datetime(2026, 2, 9, 7, tzinfo=UTC))
    for wire in WIRES:
        back = check_wire(msg, wire)
        assert calendar_parts(back) == []
