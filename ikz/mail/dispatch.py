"""Deliver due outbox rows over SMTP: claim a batch, send it on one connection, record.

Delivery is at least once. A row is claimed (pending -> sending) in its own transaction
before it is sent and its outcome is recorded right after; a dispatcher that dies in
between leaves the row 'sending' with a lease (next_attempt_at = claim time + CLAIM_LEASE),
after which the next run claims it again. The Message-ID is stable per row, so a receiver
can drop the rare duplicate.

4xx replies, timeouts and connection errors are temporary: the row goes back to
'pending' with exponential backoff until notify_max_attempts. 5xx replies are permanent.
A failure to connect or log in is never the message's fault, so it is always temporary.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any, Literal

import aiosmtplib
from sqlalchemy import ColumnElement, and_, func, update
from sqlmodel import col, select

from ikz.app import App
from ikz.mail.render import render
from ikz.settings import Settings
from models.outbox import Notification
from models.registry import Person

log = logging.getLogger("ikz.mail")

STATUSES = ("pending", "sending", "sent", "failed")
CLAIM_LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=6)
MAX_REPLY_CHARS = 1000

Verdict = Literal["sent", "retry", "failed"]


@dataclass(frozen=True)
class DispatchResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0

    def __add__(self, other: DispatchResult) -> DispatchResult:
        return DispatchResult(
            self.sent + other.sent, self.failed + other.failed, self.retried + other.retried
        )


@dataclass(frozen=True)
class Claimed:
    row: Notification
    recipient: Person | None


def backoff(attempts: int, base_seconds: float, rng: random.Random | None = None) -> timedelta:
    """Delay after the `attempts`-th failure: base * 2**(attempts-1), capped at MAX_BACKOFF,
    then scaled by a random 50-100 % so that rows failing together do not retry together."""
    raw = min(base_seconds * 2 ** min(max(attempts - 1, 0), 30), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=raw * (0.5 + (rng or random).random() / 2))


def _due(now: datetime) -> ColumnElement[bool]:
    # 'sending' rows are due again only once their lease has run out (a crashed run).
    return and_(
        col(Notification.status).in_(("pending", "sending")),
        col(Notification.next_attempt_at) <= now,
    )


def claim(app: App, limit: int) -> list[Claimed]:
    """Take up to `limit` due rows. The UPDATE re-checks the due condition (compare and
    set), so of two dispatchers racing for a row exactly one gets it back from RETURNING."""
    now = app.clock()
    with app.db.write() as s:
        ids = s.exec(
            select(Notification.id)
            .where(_due(now))
            .order_by(col(Notification.next_attempt_at), col(Notification.id))
            .limit(limit)
            # PostgreSQL: concurrent dispatchers pick different rows instead of queueing
            # on the same ones. SQLite ignores it; its writes are serialized anyway.
            .with_for_update(skip_locked=True)
        ).all()
        if not ids:
            return []
        claimed = (
            s.execute(
                update(Notification)
                .where(col(Notification.id).in_(ids), _due(now))
                .values(status="sending", next_attempt_at=now + CLAIM_LEASE)
                .returning(col(Notification.id))
            )
            .scalars()
            .all()
        )
        rows = s.exec(
            select(Notification)
            .where(col(Notification.id).in_(claimed))
            .order_by(col(Notification.id))
        ).all()
        people = {
            p.id: p
            for p in s.exec(
                select(Person).where(col(Person.id).in_({r.recipient_id for r in rows}))
            )
        }
    return [Claimed(r, people.get(r.recipient_id)) for r in rows]


def record(app: App, job: Claimed, verdict: Verdict, reply: str, rng: random.Random | None) -> str:
    """Store one outcome; returns the row's new status. Guarded by status and attempts so
    that a run whose lease ran out cannot overwrite the run that took the row over."""
    now = app.clock()
    attempts = job.row.attempts + 1
    status = "sent" if verdict == "sent" else "failed"
    # For finished rows next_attempt_at keeps the time of the last attempt.
    next_at = now
    if verdict == "retry" and attempts < app.settings.notify_max_attempts:
        status = "pending"
        next_at = now + backoff(attempts, app.settings.notify_retry_base_seconds, rng)
    with app.db.write() as s:
        s.execute(
            update(Notification)
            .where(
                col(Notification.id) == job.row.id,
                col(Notification.status) == "sending",
                col(Notification.attempts) == job.row.attempts,
            )
            .values(
                status=status,
                attempts=attempts,
                next_attempt_at=next_at,
                # Holds the last server reply, the 250 of a delivered mail included.
                last_error=reply[:MAX_REPLY_CHARS],
            )
        )
    if status != "sent":
        log.warning("outbox #%s %s after attempt %d: %s", job.row.id, status, attempts, reply)
    return status


def classify(exc: BaseException) -> tuple[Verdict, str]:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        reply = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        return ("failed" if codes and all(500 <= c < 600 for c in codes) else "retry"), reply
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return ("failed" if 500 <= exc.code < 600 else "retry"), f"{exc.code} {exc.message}"
    if isinstance(exc, aiosmtplib.SMTPNotSupported | ValueError):
        return "failed", f"{type(exc).__name__}: {exc}"
    return "retry", f"{type(exc).__name__}: {exc}"


def _client(settings: Settings) -> aiosmtplib.SMTP:
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        timeout=settings.smtp_timeout_seconds,
        use_tls=settings.smtp_security == "tls",
        start_tls=settings.smtp_security == "starttls",
        username=settings.smtp_username if password is not None else None,
        password=password,
    )


def _prepare(app: App, job: Claimed) -> tuple[str, EmailMessage]:
    if job.recipient is None:
        raise LookupError(f"recipient #{job.row.recipient_id} not found")
    msg = render(job.row, job.recipient, settings=app.settings, now=app.clock())
    return job.recipient.email, msg


def _breaks_connection(exc: BaseException) -> bool:
    # A reply (even a refusal) leaves the session usable; anything else may not have.
    answered = (
        aiosmtplib.SMTPResponseException,
        aiosmtplib.SMTPRecipientsRefused,
        aiosmtplib.SMTPNotSupported,
        ValueError,
    )
    return not isinstance(exc, answered)


async def _close(smtp: aiosmtplib.SMTP) -> None:
    try:
        await smtp.quit()
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        smtp.close()


async def _send_batch(
    app: App, jobs: list[Claimed], rng: random.Random | None
) -> tuple[DispatchResult, bool]:
    """Send `jobs` on one connection; the flag says whether the connection held up."""
    counts = {"sent": 0, "failed": 0, "pending": 0}

    async def note(job: Claimed, verdict: Verdict, reply: str) -> None:
        counts[await asyncio.to_thread(record, app, job, verdict, reply, rng)] += 1

    ready: list[tuple[Claimed, str, EmailMessage]] = []
    for job in jobs:
        try:
            ready.append((job, *_prepare(app, job)))
        except Exception as exc:
            log.exception("outbox #%s cannot be rendered", job.row.id)
            await note(job, "failed", f"render: {type(exc).__name__}: {exc}")
    broken: str | None = None
    if ready:
        sender = parseaddr(app.settings.mail_from)[1]
        smtp = _client(app.settings)
        try:
            await smtp.connect()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            broken = f"connect: {type(exc).__name__}: {exc}"
        try:
            for job, to, msg in ready:
                if broken is not None:
                    await note(job, "retry", broken)
                    continue
                try:
                    _errors, reply = await smtp.send_message(msg, sender=sender, recipients=[to])
                except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
                    verdict, text = classify(exc)
                    if _breaks_connection(exc) or not smtp.is_connected:
                        broken = text
                    await note(job, verdict, text)
                else:
                    await note(job, "sent", f"250 {reply}")
        finally:
            if broken is None or smtp.is_connected:
                await _close(smtp)
    result = DispatchResult(counts["sent"], counts["failed"], counts["pending"])
    return result, broken is None


async def dispatch(
    app: App, *, batch_size: int = 100, rng: random.Random | None = None
) -> DispatchResult:
    """Send every due row, `batch_size` rows per SMTP connection. Stops early when the
    server cannot be reached; the rows stay pending for the next run."""
    total = DispatchResult()
    while True:
        jobs = await asyncio.to_thread(claim, app, batch_size)
        if not jobs:
            return total
        result, healthy = await _send_batch(app, jobs, rng)
        total += result
        if not healthy or len(jobs) < batch_size:
            return total


def dispatch_sync(app: App, *, batch_size: int = 100) -> DispatchResult:
    """`dispatch` for synchronous callers (CLI, sync Prefect tasks); not inside a running loop."""
    return asyncio.run(dispatch(app, batch_size=batch_size))


def outbox_status(app: App) -> dict[str, Any]:
    """Counts per status, how many pending rows are due, and the oldest pending row's age."""
    now = app.clock()
    with app.db.read() as s:
        by_status = s.exec(
            select(Notification.status, func.count()).group_by(col(Notification.status))
        ).all()
        pending = col(Notification.status) == "pending"
        oldest = s.exec(select(func.min(Notification.created_at)).where(pending)).one()
        due = s.exec(
            select(func.count())
            .select_from(Notification)
            .where(pending, col(Notification.next_attempt_at) <= now)
        ).one()
    counts = dict.fromkeys(STATUSES, 0) | {status: n for status, n in by_status}
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else None
    return {"counts": counts, "due": due, "oldest_pending_age_seconds": age}
