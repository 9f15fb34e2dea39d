"""`ikz conflict schedule|close|history|escalate-overdue` and resolve with --agreed-by:
happy paths and one-line errors that write nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.helpers import Cli, DemoWorld, open_coop


def _future(days: int = 7) -> str:
    # The CLI runs on the real clock; a naive time is German local time.
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT10:00")


def _conflict_at(cli: Cli, w: DemoWorld, level: str) -> tuple[int, int]:
    cid = open_coop(cli, w)
    cli.ok("conflict", "raise", cid, "--subject", "Standort", "--actor", w.contact["Cottbus"])
    kid = int(cli.json("conflict", "list", "--coop", cid)[0]["id"])
    while cli.json("conflict", "list", "--coop", cid)[0]["level"] != level:
        cli.ok("conflict", "escalate", kid, "--actor", w.coordinator)
    return cid, kid


def test_schedule_resolve_and_history(demo_cli: Cli, world: DemoWorld) -> None:
    cid, kid = _conflict_at(demo_cli, world, "moderation")
    res = demo_cli.ok(
        "conflict", "schedule", kid, "--starts-at", _future(), "--duration", 120,
        "--location", "Rathaus Cottbus", "--moderator", world.moderator, "--actor", world.coordinator,
    )  # fmt: skip
    assert res.out == f"Konflikttermin geplant (ID {kid}).\n"
    row = demo_cli.json("conflict", "list", "--coop", cid)[0]
    assert (row["moderator_id"], row["session_duration_minutes"], row["session_location"]) == (
        world.moderator,
        120,
        "Rathaus Cottbus",
    )
    agreed = [world.contact["Cottbus"], world.contact["Frankfurt (Oder)"]]
    demo_cli.ok(
        "conflict", "resolve", kid, "--resolution", "Wechselnder Standort",
        "--agreed-by", agreed[0], "--agreed-by", agreed[1], "--actor", world.moderator,
    )  # fmt: skip
    row = demo_cli.json("conflict", "list", "--coop", cid)[0]
    assert (row["status"], row["agreed_by"]) == ("resolved", agreed)
    history = demo_cli.json("conflict", "history", kid)
    assert [h["action"] for h in history] == [
        "raise", "escalate", "escalate", "escalate", "schedule", "resolve",
    ]  # fmt: skip
    assert history[-1]["person_ids"] == agreed
    assert "schedule" in demo_cli.ok("conflict", "history", kid).out
    assert "Audit trail intact" in demo_cli.ok("--lang", "en", "audit", "verify").out


def test_close_unresolved(demo_cli: Cli, world: DemoWorld) -> None:
    cid, kid = _conflict_at(demo_cli, world, "mayors")
    res = demo_cli.ok(
        "--lang", "en", "conflict", "close", kid, "--reason", "Keine Einigung",
        "--actor", world.coordinator,
    )  # fmt: skip
    assert res.out == f"Conflict closed unresolved (id {kid}).\n"
    row = demo_cli.json("conflict", "list", "--coop", cid)[0]
    assert (row["status"], row["close_reason"]) == ("closed_unresolved", "Keine Einigung")


def test_escalate_overdue_json(demo_cli: Cli) -> None:
    sweep = demo_cli.json("conflict", "escalate-overdue")
    assert set(sweep) == {"escalated", "at_top", "failed"}


@pytest.mark.parametrize(
    ("level", "args", "code", "needle"),
    [
        ("steering_round", ["--starts-at", "FUTURE"], 2, "Moderation"),
        ("moderation", ["--starts-at", "FUTURE"], 2, "--moderator"),
        ("moderation", ["--starts-at", "morgen", "--moderator", "MOD"], 2, "--starts-at"),
        ("moderation", ["--starts-at", "2020-01-01T10:00", "--moderator", "MOD"], 2, "Zukunft"),
        ("moderation", ["--starts-at", "FUTURE", "--duration", 5, "--moderator", "MOD"], 2, "--duration"),
        ("moderation", ["--starts-at", "FUTURE", "--moderator", "CONTACT"], 2, "keine Moderatorin"),
        ("moderation", ["--starts-at", "FUTURE", "--moderator", "MOD", "--actor", "CONTACT"], 7, "Nicht erlaubt"),
    ],
)  # fmt: skip
def test_schedule_errors_write_nothing(
    demo_cli: Cli, world: DemoWorld, level: str, args: list[object], code: int, needle: str
) -> None:
    _, kid = _conflict_at(demo_cli, world, level)
    subst = {"FUTURE": _future(), "MOD": world.moderator, "CONTACT": world.contact["Cottbus"]}
    argv = [subst.get(a, a) if isinstance(a, str) else a for a in args]
    if "--actor" not in argv:
        argv += ["--actor", world.coordinator]
    before = demo_cli.dump()
    res = demo_cli("conflict", "schedule", kid, *argv)
    assert res.code == code, str(res)
    assert needle in res.err, str(res)
    assert len(res.err.strip().splitlines()) == 1 and "Traceback" not in res.err
    assert demo_cli.dump() == before


def test_close_needs_a_reason_and_the_coordinator(demo_cli: Cli, world: DemoWorld) -> None:
    _, kid = _conflict_at(demo_cli, world, "moderation")
    before = demo_cli.dump()
    assert (
        demo_cli("conflict", "close", kid, "--reason", "", "--actor", world.coordinator).code == 2
    )
    refused = demo_cli("conflict", "close", kid, "--reason", "x", "--actor", world.moderator)
    assert refused.code == 7
    assert demo_cli.dump() == before
