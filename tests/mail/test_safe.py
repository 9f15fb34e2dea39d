"""The rendering-side guard (ikz.mail.safe) value by value, and the legitimate text it
leaves alone: umlauts still go out as RFC 2047 encoded words made by the email package."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ikz.mail import safe
from ikz.mail.calendar import invitation
from ikz.mail.render import render
from ikz.mail.wire import SMTP_8BIT, Wire
from ikz.settings import Settings
from models.outbox import Notification, OutboxContext
from models.registry import Person

SETTINGS = Settings(ui_base_url="https://ikz.example.org/")
WIRE = Wire(SMTP_8BIT, ("BODY=8BITMIME",))


def note(ctx: dict[str, object], kind: str = "conflict_raised") -> Notification:
    return Notification(
        recipient_id=1,
        kind=kind,
        payload=OutboxContext(body=ctx),
        dedupe_key="k:1",
        created_at=datetime(2026, 2, 1, 8, 0, tzinfo=UTC),
    )


def head(raw: bytes) -> list[bytes]:
    return raw.partition(b"\r\n\r\n")[0].split(b"\r\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=?utf-8?q?x=0D=0AReply-To:_attacker@evil.example?=",
         "= ?utf-8?q?x=0D=0AReply-To:_attacker@evil.example?="),
        ("a\r\nBcc: b@evil.example", "a Bcc: b@evil.example"),
        ("a\x00b", "a b"),
        ("a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei", "a b c d e f g h i"),
        ("\u202egnp.exe", "gnp.exe"),
        ("=?=?", "= ?= ?"),
        ("Jörg Müller-Lüdenscheidt", "Jörg Müller-Lüdenscheidt"),  # left alone
        ("Kosten = 5 ?", "Kosten = 5 ?"),
    ],
)  # fmt: skip
def test_header_text(value: str, expected: str) -> None:
    assert safe.header_text(value) == expected


def test_body_text_keeps_lines_and_tabs_only() -> None:
    assert safe.text(" a\r\nb\rc\u2028d\te\x00f\x00") == "a\nb\nc\nd\te f"


@pytest.mark.parametrize(
    "stored",
    ["a@example.org, b@evil.example", "Eve <e@evil.example>", "a@example.org\r\nBcc: b@x",
     "a\x00@example.org", "a b@example.org", "nobody", "a@b@example.org"],
)  # fmt: skip
def test_a_stored_address_that_is_not_one_plain_address_is_not_rendered(stored: str) -> None:
    # The dispatcher records such a mail as not renderable (failed) rather than send it.
    eve = Person(id=1, name="Eve", email=stored, language="de")
    with pytest.raises(safe.UnsafeAddressError, match="recipient address refused"):
        render(note({"title": "Bauhof"}), eve, settings=SETTINGS)


def test_plain_and_international_addresses_pass() -> None:
    assert safe.address("anna@example.org") == "anna@example.org"
    assert safe.address("joerg@bürgeramt.example") == "joerg@bürgeramt.example"


def test_an_umlaut_title_goes_out_as_an_encoded_word() -> None:
    ctx = {"title": "Gemeinsamer Bauhof Süd", "subject": "Standort der Halle"}
    anna = Person(id=1, name="Jörg Müller", email="anna@example.org", language="de")
    lines = head(WIRE.flatten(render(note(ctx), anna, settings=SETTINGS)))
    assert lines[:4] == [
        b"Subject: [IKZ] Gemeinsamer Bauhof =?utf-8?q?S=C3=BCd=3A?= Konflikt gemeldet:",
        b" Standort der Halle",
        b"From: ikz-flow <noreply@ikz-flow.invalid>",
        b"To: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <anna@example.org>",
    ]


def test_the_attackers_subject_stays_in_the_subject() -> None:
    ctx = {"title": "Bauhof", "subject": "=?utf-8?q?x=0D=0AReply-To:_attacker@evil.example?="}
    anna = Person(id=1, name="Anna", email="anna@example.org", language="de")
    lines = head(WIRE.flatten(render(note(ctx), anna, settings=SETTINGS)))
    assert lines[:4] == [
        b"Subject: [IKZ] Bauhof: Konflikt gemeldet: =",
        b" ?utf-8?q?x=0D=0AReply-To:_attacker@evil.example?=",
        b"From: ikz-flow <noreply@ikz-flow.invalid>",
        b"To: Anna <anna@example.org>",
    ]
    assert not any(line.lower().startswith(b"reply-to") for line in lines)


def test_ics_text_cannot_add_a_property() -> None:
    ctx = {
        "uid": "meeting-4@ikz-flow",
        "starts_at": "2026-03-12T09:00:00+00:00",
        "notes": "Raum 2\rATTENDEE:mailto:evil@evil.example\x00",
        "location": "Rathaus\r\nATTENDEE:mailto:evil@evil.example",
        "attendees": [{"name": "Eve\rX-EVIL:1", "email": "anna@example.org\rX-EVIL:2"}],
    }
    ics = invitation(
        "meeting_invitation", ctx, "Steuerungsrunde\x0b: Bauhof", datetime(2026, 2, 1, tzinfo=UTC)
    )
    lines = ics.decode().replace("\r\n ", "").split("\r\n")
    assert "SUMMARY:Steuerungsrunde : Bauhof" in lines
    assert "DESCRIPTION:Raum 2\\nATTENDEE:mailto:evil@evil.example" in lines
    assert "LOCATION:Rathaus ATTENDEE:mailto:evil@evil.example" in lines
    assert [line for line in lines if line.startswith(("ATTENDEE", "X-EVIL"))] == [
        'ATTENDEE;CN="Eve X-EVIL:1";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:anna@example.orgX-EVIL:2'
    ]
