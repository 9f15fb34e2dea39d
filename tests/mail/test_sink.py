"""The development sink: dispatched mail lands as .eml files that parse back."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from ikz.mail.dispatch import dispatch_sync
from ikz.mail.render import message_id
from ikz.mail.sink import MailSink
from tests.factories import World, open_coop
from tests.mail.conftest import make_due, outbox, point_at


def test_sink_stores_dispatched_mail_as_eml(world: World, tmp_path: Path) -> None:
    directory = tmp_path / "mail"
    with MailSink(directory) as sink:
        assert sink.port > 0
        point_at(world.app, sink.port)
        open_coop(world, title="Gemeinsames Standesamt")
        make_due(world)
        assert dispatch_sync(world.app).sent == 5
        files = sink.messages()
    assert len(files) == 5
    assert not list(directory.glob("*.part"))

    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert {str(m["Message-ID"]) for m in parsed} == {
        message_id(r.dedupe_key) for r in outbox(world.app)
    }
    assert all(m["Subject"] == "[IKZ] Gemeinsames Standesamt: Kooperation eröffnet" for m in parsed)
    with pytest.raises(OSError), smtplib.SMTP("127.0.0.1", sink.port, timeout=2):
        pass


def test_sink_names_files_uniquely(tmp_path: Path) -> None:
    sink = MailSink(tmp_path).start()
    try:
        for i in range(3):
            with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as client:
                client.sendmail("a@example.org", ["b@example.org"], f"Subject: {i}\r\n\r\nhi\r\n")
    finally:
        sink.stop()
    files = sink.messages()
    assert len(files) == 3
    assert sorted(message_from_bytes(f.read_bytes())["Subject"] for f in files) == ["0", "1", "2"]
