"""Outbox delivery through the real dispatcher against a bare aiosmtplib loop over one
connection sending the same rendered messages, both to a local aiosmtpd."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

from aiosmtpd.controller import Controller
from sqlmodel import col, select

from benchmarks.common import Figure, free_port, make_app, scratch_dir
from benchmarks.portfolio import NOW, generate
from ikz.mail.dispatch import dispatch
from ikz.mail.render import render
from ikz.mail.smtp import SmtpConfig
from models.outbox import Notification, Queued, enqueue_many
from models.registry import Person


class Sink:
    """Accepts every message and counts it."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def figures(n: int, batch_size: int = 100) -> list[Figure]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with scratch_dir("dispatch") as d:
            app = make_app(f"sqlite:///{d / 'ikz.sqlite3'}", d, smtp_port=controller.port)
            try:
                return _measure(app, sink, n, batch_size)
            finally:
                app.close()
    finally:
        controller.stop()


def _measure(app: Any, sink: Sink, n: int, batch_size: int) -> list[Figure]:
    generate(app.db, 200)  # people to write to, with their cooperations
    with app.db.write() as s:
        people = [p for p in s.exec(select(Person.id).order_by(col(Person.id))) if p]
        enqueue_many(
            s,
            [
                Queued(
                    recipient_ids=[people[i % len(people)]],
                    kind="transition",
                    context={
                        "cooperation_id": 1 + i % 200,
                        "title": f"Kooperation {1 + i % 200}",
                        "trigger": "pause",
                        "from_state": "pilot",
                        "to_state": "paused",
                        "actor_id": 1,
                        "reason": "Sommerpause",
                    },
                    dedupe_prefix=f"bench:{i}",
                )
                for i in range(n)
            ],
            now=NOW - timedelta(minutes=1),
        )
        rows = s.exec(select(Notification).order_by(col(Notification.id))).all()
        who = {p.id: p for p in s.exec(select(Person))}
    smtp = SmtpConfig.from_settings(app.settings)
    # The baseline's messages: rendered exactly as the dispatcher renders them, beforehand.
    msgs = [
        (
            who[r.recipient_id].email,
            render(r, who[r.recipient_id], settings=app.settings, now=NOW, sender=smtp.mail_from),
        )
        for r in rows
    ]

    t0 = time.perf_counter()
    result = asyncio.run(dispatch(app, batch_size=batch_size, smtp=smtp))
    t = time.perf_counter() - t0
    sent = sink.count
    assert sent == n, (result, sent)

    async def bare() -> None:
        client = smtp.client()
        await client.connect()
        for to, msg in msgs:
            await client.send_message(msg, sender=smtp.sender, recipients=[to])
        await client.quit()

    t0 = time.perf_counter()
    asyncio.run(bare())
    b = time.perf_counter() - t0
    rate, base = n / t, n / b
    return [
        Figure(
            "dispatch_rate", rate, "mails/s", base, "mails/s", f"{n} mails, batch_size={batch_size}"
        ),
        Figure(
            "dispatch_ratio",
            rate / base,
            "x baseline rate",
            1.0,
            "baseline rate",
            f"{t:.2f} s vs {b:.2f} s",
        ),
    ]
