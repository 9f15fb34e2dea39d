"""Outbox delivery through the real dispatcher against a bare aiosmtplib loop over one
connection sending the same rendered messages, both to a local aiosmtpd.

The aiosmtpd sink runs in a process of its own (benchmarks.smtp_sink), as a relay does,
for both measurements: in a thread of this process it would compete for the GIL with
the code measured, and any work the dispatcher does while the relay answers could not
overlap with it.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from benchmarks.common import PYTHON, ROOT, Figure, make_app, scratch_dir
from benchmarks.portfolio import NOW, generate
from ikz.mail.dispatch import dispatch
from ikz.mail.render import render
from ikz.mail.smtp import SmtpConfig
from models.outbox import Notification, Queued, enqueue_many
from models.registry import Person


class Sink:
    """The sink process: its port and how many messages it has accepted."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        self.proc, self._in, self._out = proc, proc.stdin, proc.stdout
        self.port = int(self._out.readline())

    @property
    def count(self) -> int:
        self._in.write("count\n")
        self._in.flush()
        return int(self._out.readline())


@contextmanager
def sink_process() -> Iterator[Sink]:
    proc = subprocess.Popen(
        [PYTHON, "-m", "benchmarks.smtp_sink"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield Sink(proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def figures(n: int, batch_size: int = 100) -> list[Figure]:
    with sink_process() as sink, scratch_dir("dispatch") as d:
        app = make_app(f"sqlite:///{d / 'ikz.sqlite3'}", d, smtp_port=sink.port)
        try:
            return _measure(app, sink, n, batch_size)
        finally:
            app.close()


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

    t0 = time.perf_counter()
    result = asyncio.run(dispatch(app, batch_size=batch_size, smtp=smtp))
    t = time.perf_counter() - t0
    sent = sink.count
    assert sent == n, (result, sent)

    # The baseline's messages: rendered exactly as the dispatcher renders them, after its
    # run, so that neither measurement carries the other's thousand live messages (the
    # garbage collector scans them) and the dispatcher starts with cold caches, as a
    # freshly started worker does.
    msgs = [
        (
            who[r.recipient_id].email,
            render(r, who[r.recipient_id], settings=app.settings, now=NOW, sender=smtp.mail_from),
        )
        for r in rows
    ]

    async def bare() -> None:
        client = smtp.client()
        await client.connect()
        for to, msg in msgs:
            await client.send_message(msg, sender=smtp.sender, recipients=[to])
        await client.quit()

    t0 = time.perf_counter()
    asyncio.run(bare())
    b = time.perf_counter() - t0
    assert sink.count == 2 * n
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
