"""Outbox delivery through the real dispatcher against a bare aiosmtplib loop over one
connection sending the same rendered messages, both to a local aiosmtpd.

The aiosmtpd sink runs in a process of its own (benchmarks.smtp_sink), as a relay does,
for both measurements: in a thread of this process it would compete for the GIL with
the code measured, and any work the dispatcher does while the relay answers could not
overlap with it.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from statistics import median
from typing import Any

from sqlmodel import col, func, select

from benchmarks.common import PYTHON, ROOT, ROUNDS, Figure, make_app, scratch_dir
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


def figures(n: int, batch_size: int = 100, rounds: int = ROUNDS) -> list[Figure]:
    """The dispatcher and the bare loop take turns, `rounds` times (fresh rows each
    round); the figures are the medians (see benchmarks.transitions.sqlite_figures)."""
    with sink_process() as sink, scratch_dir("dispatch") as d:
        app = make_app(f"sqlite:///{d / 'ikz.sqlite3'}", d, smtp_port=sink.port)
        try:
            generate(app.db, 200)  # people to write to, with their cooperations
            runs = [_measure(app, sink, n, batch_size, r) for r in range(rounds)]
        finally:
            app.close()
    t, b = median(x for x, _ in runs), median(y for _, y in runs)
    ratios = [y / x for x, y in runs]
    rate, base = n / t, n / b
    return [
        Figure(
            "dispatch_rate",
            rate,
            "mails/s",
            base,
            "mails/s",
            f"{n} mails, batch_size={batch_size}, median of {rounds} rounds",
        ),
        Figure(
            "dispatch_ratio",
            median(ratios),
            "x baseline rate",
            1.0,
            "baseline rate",
            f"{t:.2f} s vs {b:.2f} s; median of {rounds} rounds' ratios "
            f"({', '.join(f'{x:.2f}' for x in ratios)})",
        ),
    ]


def _cold_caches() -> None:
    """Every round's dispatcher starts as a freshly started worker does: without the
    rendering caches that earlier rounds filled (headers, recipients, folded headers)."""
    from ikz.mail import render as r
    from ikz.mail import wire

    for cached in (r._parsed_header, r._to, r._whole_seconds_date):
        cached.cache_clear()
    wire._FOLDED.clear()


def _measure(app: Any, sink: Sink, n: int, batch_size: int, round_: int) -> tuple[float, float]:
    """Seconds for the dispatcher and for the bare loop to send the same n mails."""
    with app.db.write() as s:
        people = [p for p in s.exec(select(Person.id).order_by(col(Person.id))) if p]
        first = s.exec(select(func.coalesce(func.max(Notification.id), 0))).one()
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
                    dedupe_prefix=f"bench:{round_}:{i}",
                )
                for i in range(n)
            ],
            now=NOW - timedelta(minutes=1),
        )
        rows = s.exec(
            select(Notification).where(col(Notification.id) > first).order_by(col(Notification.id))
        ).all()
        who = {p.id: p for p in s.exec(select(Person))}
    smtp = SmtpConfig.from_settings(app.settings)
    before = sink.count
    _cold_caches()

    # Each measurement starts without the harness's garbage: the rows queued above (and
    # the last round's messages) would otherwise be collected, in a full collection of
    # this big process, inside whichever loop happens to allocate next.
    gc.collect()
    t0 = time.perf_counter()
    result = asyncio.run(dispatch(app, batch_size=batch_size, smtp=smtp))
    t = time.perf_counter() - t0
    sent = sink.count - before
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

    gc.collect()
    t0 = time.perf_counter()
    asyncio.run(bare())
    b = time.perf_counter() - t0
    assert sink.count == before + 2 * n
    return t, b
