"""The dispatcher flattens messages itself (ikz.mail.wire): the same bytes as
aiosmtplib's send_message, with the folded headers remembered between mails."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from aiosmtplib.email import flatten_message

from ikz.mail import wire
from ikz.mail.content import builders
from ikz.mail.dispatch import dispatch_sync
from ikz.mail.render import render
from ikz.mail.wire import SMTP_7BIT, SMTP_8BIT, Wire
from models.registry import Person
from tests.factories import World
from tests.mail.conftest import ScriptedHandler, free_port, make_due, point_at, queue
from tests.mail.test_render import SETTINGS, note, person

PEOPLE = [person("de", "Müller, Anna"), person("en", 'Bob "B." Builder'), person()]


def messages(kind: str) -> list[EmailMessage]:
    """Each with its boundary fixed: every flattening would otherwise pick its own."""
    out = []
    for i, p in enumerate(PEOPLE * 2):  # twice: the second time from the caches
        msg = render(note(kind, key=f"k:{i}"), p, settings=SETTINGS)
        msg.set_boundary(f"b{i}")
        out.append(msg)
    return out


@pytest.mark.parametrize("kind", builders())
@pytest.mark.parametrize(("policy", "cte_type"), [(SMTP_8BIT, "8bit"), (SMTP_7BIT, "7bit")])
def test_the_same_bytes_as_send_message(kind: str, policy: object, cte_type: str) -> None:
    w = Wire(policy, ())  # type: ignore[arg-type]
    for msg in messages(kind):
        assert w.flatten(msg) == flatten_message(msg, cte_type=cte_type)


def test_a_folded_header_is_remembered_per_object_and_settings() -> None:
    wire._FOLDED.clear()
    first, second = messages("transition")[0], messages("transition")[0]
    assert first["To"] is second["To"]  # the render cache shares header objects
    Wire(SMTP_8BIT, ()).flatten(first)
    hit = wire._FOLDED[id(first["To"])]
    assert hit[0] is first["To"] and hit[3].startswith(b"To: ")
    assert Wire(SMTP_8BIT, ()).flatten(second) == flatten_message(second)
    # A narrower line length is another folding, not the remembered one.
    narrow = SMTP_8BIT.clone(max_line_length=20)
    assert narrow.fold_binary("To", first["To"]) != hit[3]
    assert narrow.fold_binary("To", first["To"]).count(b"\r\n") > 1


def test_the_wire_follows_the_relays_extensions() -> None:
    client = aiosmtplib.SMTP()
    client.esmtp_extensions = {"8bitmime": ""}
    assert Wire.of(client) == Wire(SMTP_8BIT, ("BODY=8BITMIME",))
    client.esmtp_extensions = {}
    assert Wire.of(client) == Wire(SMTP_7BIT, ())


class OptionsHandler(ScriptedHandler):
    """Also keeps each accepted mail's MAIL FROM options."""

    def __init__(self) -> None:
        super().__init__()
        self.options: dict[str, list[str]] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        sizes = [o for o in envelope.mail_options if o.startswith("SIZE=")]
        self.options[envelope.rcpt_tos[0]] = [o for o in envelope.mail_options if o not in sizes]
        return await super().handle_DATA(server, session, envelope)


def test_a_non_ascii_domain_goes_through_send_message_with_smtputf8(world: World) -> None:
    handler = OptionsHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    try:
        point_at(world.app, port)
        with world.app.db.write() as s:
            p = Person(name="Jörg Weiß", email="joerg@bürgeramt.example", language="de")
            s.add(p)
            s.flush()
            pid = p.id
        queue(world, 1, recipients=[pid])
        queue(world, 1, recipients=[world.coordinator_id], prefix="plain")
        make_due(world)
        assert dispatch_sync(world.app).sent == 2
    finally:
        controller.stop()
    assert sorted(handler.offered) == ["joerg@bürgeramt.example", "kora@example.org"]
    assert len(handler.received) == 2
    assert handler.options == {
        "joerg@bürgeramt.example": ["SMTPUTF8", "BODY=8BITMIME"],
        "kora@example.org": ["BODY=8BITMIME"],
    }
