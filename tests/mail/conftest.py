"""A real aiosmtpd server per test whose replies the test scripts, and helpers around it."""

from __future__ import annotations

import socket
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from sqlmodel import select

from ikz.app import App
from models.outbox import Notification
from tests.factories import World


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ScriptedHandler:
    """Accepts mail with 250, or answers DATA with the next reply of `script`, with `reply`
    (e.g. '451 ...', '550 ...'), or per recipient address with `refuse[address]`."""

    def __init__(self) -> None:
        self.reply: str | None = None
        self.script: list[str] = []
        self.refuse: dict[str, str] = {}
        self.offered: Counter[str] = Counter()  # DATA commands per recipient address
        self.received: list[bytes] = []
        self.sessions: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not any(s is session for s in self.sessions):
            self.sessions.append(session)
        self.offered.update(envelope.rcpt_tos)
        if self.script:
            return self.script.pop(0)
        if self.reply:
            return self.reply
        for rcpt in envelope.rcpt_tos:
            if rcpt in self.refuse:
                return self.refuse[rcpt]
        self.received.append(envelope.original_content)
        return "250 2.0.0 queued as test"

    @property
    def connections(self) -> int:
        return len(self.sessions)

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(raw, policy=policy.default)  # type: ignore[misc]
            for raw in self.received
        ]


@dataclass
class Server:
    handler: ScriptedHandler
    port: int


def point_at(app: App, port: int, **settings: object) -> None:
    app.settings = app.settings.model_copy(update={"smtp_port": port, **settings})


@pytest.fixture
def mail_world(world: World, smtp_server: Server) -> World:
    point_at(world.app, smtp_server.port)
    return world


def make_due(world: World) -> None:
    """Use cases stamp rows with the app's clock; move it on so that they are due."""
    world.clock.advance(seconds=1)


def outbox(app: App) -> list[Notification]:
    with app.db.read() as s:
        return list(s.exec(select(Notification).order_by(Notification.id)))  # type: ignore[arg-type]


def text_of(msg: EmailMessage, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content())  # type: ignore[attr-defined]


def queue(
    world: World,
    n: int,
    *,
    recipients: list[int] | None = None,
    kind: str = "conflict_raised",
    context: dict[str, Any] | None = None,
    prefix: str = "bulk",
) -> None:
    """Queue `n` notifications at once (as a use case would), spread over `recipients`."""
    from models.outbox import enqueue

    ids = recipients or [p for part in world.partners for p in (part.mayor_id, part.contact_id)]
    ctx = context or {"title": "Gemeinsamer Bauhof", "subject": "Standort", "conflict_id": 1}
    with world.app.db.write() as s:
        for i in range(n):
            enqueue(
                s,
                recipient_ids=[ids[i % len(ids)]],
                kind=kind,
                context=ctx,
                dedupe_prefix=f"{prefix}:{i}",
                now=world.clock(),
            )


def message_ids(handler: ScriptedHandler) -> list[str]:
    return [str(m["Message-ID"]) for m in handler.messages()]
