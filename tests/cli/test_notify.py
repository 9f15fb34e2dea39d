"""`ikz notify`, `ikz person digest` and `ikz meeting` on the demo portfolio."""

from __future__ import annotations

import pytest

from ikz.settings import get_settings
from tests.cli.helpers import Cli, DemoWorld, queue_mail
from tests.mail.conftest import ScriptedHandler, free_port


def test_the_demo_s_replayed_history_is_never_sent(demo_cli: Cli) -> None:
    counts = demo_cli.json("notify", "status")["counts"]
    assert counts["pending"] == 0 and counts["skipped"] > 100


def test_status_then_dispatch_then_status(
    demo_cli: Cli, world: DemoWorld, inbox: ScriptedHandler
) -> None:
    queue_mail(demo_cli, world)
    before = demo_cli.json("notify", "status")
    assert set(before["counts"]) == {"pending", "sending", "sent", "failed", "skipped"}
    pending = before["counts"]["pending"]
    assert pending == 2 and before["oldest_pending_age_seconds"] >= 0

    result = demo_cli.json("notify", "dispatch")

    assert result == {"sent": pending, "failed": 0, "retried": 0, "digests": 0}
    assert len(inbox.received) == pending
    after = demo_cli.json("notify", "status")
    assert after["counts"]["pending"] == 0
    assert after["counts"]["sent"] == before["counts"]["sent"] + pending
    assert after["oldest_pending_age_seconds"] is None
    assert "Versendet: 0" in demo_cli.ok("notify", "dispatch").out
    assert "versandt" in demo_cli.ok("notify", "status").out


def test_dispatch_with_the_relay_down_keeps_everything(
    demo_cli: Cli, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_mail(demo_cli, world)
    monkeypatch.setenv("IKZ_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("IKZ_SMTP_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()
    pending = demo_cli.json("notify", "status")["counts"]["pending"]
    res = demo_cli.json("notify", "dispatch", "--batch-size", "10")
    assert res == {"sent": 0, "failed": 0, "retried": 2, "digests": 0}
    assert demo_cli.json("notify", "status")["counts"]["pending"] == pending
    get_settings.cache_clear()


def test_person_digest(demo_cli: Cli, world: DemoWorld) -> None:
    contact = next(iter(world.contact.values()))
    out = demo_cli.ok("person", "digest", contact, "daily", "--actor", contact).out
    assert out.strip() == f"Person {contact} erhält Nachrichten täglich gesammelt."
    shown = demo_cli.json("person", "digest", contact, "weekly", "--actor", world.coordinator)
    assert shown["digest"] == "weekly" and shown["last_digest_at"]
    assert next(p for p in demo_cli.json("person", "list") if p["id"] == contact)["digest"] == (
        "weekly"
    )

    bad = demo_cli("person", "digest", contact, "hourly", "--actor", contact)
    assert bad.code == 2 and "immediate, daily, weekly" in bad.err
    mayor = next(iter(world.mayor.values()))
    refused = demo_cli("person", "digest", contact, "daily", "--actor", mayor)
    assert refused.code == 7 and "Traceback" not in refused.err


def test_meeting_schedule_reschedule_cancel(demo_cli: Cli, world: DemoWorld) -> None:
    cid = world.coop_in("pilot")
    people = [world.coordinator, world.moderator]
    pending = demo_cli.json("notify", "status")["counts"]["pending"]
    args = ["--attendee", str(people[0]), "--attendee", str(people[1])]

    out = demo_cli.ok(
        "meeting", "schedule", cid, "--kind", "moderation", "--start", "2030-03-12T10:00",
        *args, "--actor", world.coordinator,
    ).out  # fmt: skip
    mid = int(out.split("ID ")[1].rstrip(").\n"))
    demo_cli.ok(
        "meeting", "reschedule", mid, "--start", "2030-03-13T10:00", "--actor", world.coordinator
    )
    demo_cli.ok(
        "meeting", "cancel", mid, "--reason", "Einigung erzielt", "--actor", world.coordinator
    )

    assert demo_cli.json("notify", "status")["counts"]["pending"] == pending + 6
    past = demo_cli(
        "meeting", "schedule", cid, "--kind", "review", "--start", "2001-01-01T10:00",
        *args, "--actor", world.coordinator,
    )  # fmt: skip
    assert past.code == 2 and "Zukunft" in past.err
    again = demo_cli("meeting", "cancel", mid, "--actor", world.coordinator)
    assert again.code == 2
